#!/bin/sh
# Interop tests: datasets written by LanceDB vs. build/lance-dump.
#   test/interop/run.sh [PATH/TO/lance-dump]     (default: build/lance-dump)
# Needs `npm install` in test/interop first (exact versions from package.json).
# INTEROP_REUSE=1 compares against the datasets a previous run left in out/
# (make asan uses it: the data does not depend on how lance-dump was built).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/lance-dump}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$here"
if [ ! -d node_modules/@lancedb/lancedb ] || [ ! -d node_modules/apache-arrow ]; then
	echo "interop: test/interop/node_modules is missing: run 'npm install' in test/interop first" >&2
	exit 2
fi
# LanceDB logs a warning per created table; keep the output readable
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
if [ "${INTEROP_REUSE:-0}" = 1 ] && [ -f out/.complete ]; then
	echo "interop: reusing the datasets in test/interop/out"
else
	rm -rf out
	mkdir out
	node selfcheck.mjs
	node gen.mjs out
	node expect.mjs out
	touch out/.complete
fi
node compare.mjs out "$bin"
READ_REUSE=${READ_REUSE:-${INTEROP_REUSE:-0}} "$here/read_run.sh" "$(dirname "$bin")/lance.so"
HIST_REUSE=${HIST_REUSE:-${INTEROP_REUSE:-0}} "$here/hist_run.sh" "$(dirname "$bin")/lance.so"
KNN_REUSE=${KNN_REUSE:-${INTEROP_REUSE:-0}} "$here/knn_run.sh" "$(dirname "$bin")/lance.so"
FTSSQL_REUSE=${FTSSQL_REUSE:-${INTEROP_REUSE:-0}} "$here/ftssql_run.sh" "$(dirname "$bin")/lance.so"
ANN_REUSE=${ANN_REUSE:-${INTEROP_REUSE:-0}} "$here/ann_run.sh" "$(dirname "$bin")/lance.so"
BF16_REUSE=${BF16_REUSE:-${INTEROP_REUSE:-0}} "$here/bf16_run.sh" "$(dirname "$bin")/lance.so"
"$here/write_run.sh" "$(dirname "$bin")/lance.so"
"$here/evolve_run.sh" "$(dirname "$bin")/lance.so"
TOK_REUSE=${TOK_REUSE:-${INTEROP_REUSE:-0}} "$here/tok_run.sh" "$bin" "$(dirname "$bin")/tok-tool"
FTS_QUERY_REUSE=${FTS_QUERY_REUSE:-${INTEROP_REUSE:-0}} "$here/fts_query_run.sh" "$(dirname "$bin")"
"$here/ftsw_run.sh" "$(dirname "$bin")"
"$here/vbuild_run.sh" "$(dirname "$bin")"
"$here/scalar_run.sh" "$(dirname "$bin")"
"$here/s3_run.sh" "$(dirname "$bin")/lance.so"
"$here/perm_run.sh" "$(dirname "$bin")"
