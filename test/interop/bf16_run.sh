#!/bin/sh
# bfloat16 interop tests: LanceDB 0.39 writes bfloat16 scalar and vector columns
# (bf16_gen.mjs), reads them back and the exact nearest neighbours are computed from
# what it read (bf16_expect.mjs: LanceDB cannot search bfloat16 vectors itself), and
# bf16_compare.py reads and searches them through the `lance` virtual table.
#   test/interop/bf16_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_bf16/. BF16_REUSE=1 reuses it (out_bf16/.complete).
SUITE_REUSE=${BF16_REUSE:-0} SUITE_PYTHON=${BF16_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" bf16 "$@"
