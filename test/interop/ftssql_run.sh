#!/bin/sh
# Full-text and hybrid search through SQL against LanceDB 0.39: LanceDB writes a table
# with FTS indexes (ftssql_gen.mjs), answers plain-text, JSON-query, prefiltered,
# time-travel and hybrid (RRF) searches (ftssql_expect.mjs), and ftssql_compare.py asks
# the `lance` virtual table and the fts() function the same with Debian's Python sqlite3.
#   test/interop/ftssql_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_ftssql/; FTSSQL_REUSE=1 reuses a completed run's data.
SUITE_REUSE=${FTSSQL_REUSE:-0} SUITE_PYTHON=${FTSSQL_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" ftssql "$@"
