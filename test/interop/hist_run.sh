#!/bin/sh
# SQL interop tests on datasets WITH HISTORY: LanceDB writes datasets with many versions,
# tags, deletions, schema changes, a restore and a compaction (hist_gen.mjs), reads every
# version back (hist_expect.mjs), and hist_compare.py reads the same through the `lance`
# virtual table with Debian's Python sqlite3. See hist_README.md.
#   test/interop/hist_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_hist/ (rebuilt every run). HIST_REUSE=1 reuses it when a
# previous run completed (out_hist/.complete): the data does not depend on the build.
# HIST_PYTHON overrides the interpreter (default /usr/bin/python3).
SUITE_REUSE=${HIST_REUSE:-0} SUITE_PYTHON=${HIST_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" hist "$@"
