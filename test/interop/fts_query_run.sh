#!/bin/sh
# Full-text query interop tests: LanceDB 0.39 answers every kind of full-text query on tables
# with FTS indexes (fts_query_gen.mjs) and fts_query_check.mjs asks build/fts-tool (ext/fts's
# fts_search) the same. See fts_query_README.md.
#   test/interop/fts_query_run.sh [BUILD_DIR]      (default: build)
# Data goes to test/interop/out_fts_query/ (rebuilt every run). FTS_QUERY_REUSE=1 (or
# INTEROP_REUSE=1) reuses it when a previous run completed: the data does not depend on the build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_fts_query
if [ "${FTS_QUERY_REUSE:-${INTEROP_REUSE:-0}}" = 1 ] && [ -f $out/.complete ]; then
	echo "fts_query: reusing the tables in test/interop/$out"
else
	rm -rf $out
	mkdir $out
	node fts_query_gen.mjs $out main
	# small partitions and several build workers: LanceDB splits this index
	LANCE_FTS_NUM_SHARDS=3 LANCE_FTS_PARTITION_SIZE=1 LANCE_FTS_TARGET_SIZE=1 \
		node fts_query_gen.mjs $out parts
	touch $out/.complete
fi
node fts_query_check.mjs $out "$build"
