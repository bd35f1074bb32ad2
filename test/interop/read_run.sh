#!/bin/sh
# SQL interop test of values: the datasets gen.mjs writes (all storage versions, types and
# encodings; read_gen.mjs reuses test/interop/out when run.sh made it) read through the
# `lance` virtual table with Debian's Python sqlite3, compared with LanceDB's own scan in
# the SQL-value encoding of hist_README.md (hist_expect.mjs / hist_compare.py do the work).
#   test/interop/read_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_read/. READ_REUSE=1 reuses it when a previous run completed.
SUITE_REUSE=${READ_REUSE:-0} SUITE_PYTHON=${READ_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" read "$@"
