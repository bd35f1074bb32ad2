#!/bin/sh
# Vector-index interop tests: LanceDB 0.39 builds IVF_FLAT, IVF_PQ, IVF_HNSW_SQ and
# IVF_HNSW_PQ indexes with the l2, cosine and dot metrics (ann_gen.mjs), answers queries
# with them under several settings (ann_expect.mjs), and ann_compare.py runs the same
# queries through the `lance` virtual table (`vec MATCH :q AND _k = 10 [AND _options]`).
#   test/interop/ann_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_ann/ (rebuilt every run). ANN_REUSE=1 reuses it when a
# previous run completed (out_ann/.complete): the data does not depend on the build.
SUITE_REUSE=${ANN_REUSE:-0} SUITE_PYTHON=${ANN_PYTHON:-/usr/bin/python3} \
	exec "$(dirname "$0")/sql_suite.sh" ann "$@"
