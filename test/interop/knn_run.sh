#!/bin/sh
# Vector-search interop tests: LanceDB writes datasets with float32 (8, 64, 768 dims) and
# uint8 vectors (knn_gen.mjs), its exact search (bypassVectorIndex) gives the expected
# nearest neighbours (knn_expect.mjs), and knn_compare.py runs the same searches through
# the `lance` virtual table (`vec MATCH :q AND _k = N`) with Debian's Python sqlite3.
# See knn_README.md.
#   test/interop/knn_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_knn/ (rebuilt every run). KNN_REUSE=1 reuses it when a
# previous run completed (out_knn/.complete): the data does not depend on the build.
# KNN_PYTHON overrides the interpreter (default /usr/bin/python3).
SUITE_REUSE=${KNN_REUSE:-0} SUITE_PYTHON=${KNN_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" knn "$@"
