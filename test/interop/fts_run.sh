#!/bin/sh
# FTS index interop tests: LanceDB 0.39 builds full-text-search indexes (fts_gen.mjs), and
# fts_check.mjs compares build/lance-dump --fts-index and build/fts-tool with what LanceDB
# says about them (params, statistics, postings, BM25 top k). See fts_README.md.
#   test/interop/fts_run.sh [BUILD_DIR]      (default: build)
# Data goes to test/interop/out_fts/ (rebuilt every run). FTS_REUSE=1 (or INTEROP_REUSE=1)
# reuses it when a previous run completed: the data does not depend on the build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
if [ "${FTS_REUSE:-${INTEROP_REUSE:-0}}" = 1 ] && [ -f out_fts/.complete ]; then
	echo "fts: reusing the datasets in test/interop/out_fts"
else
	rm -rf out_fts
	mkdir out_fts
	node fts_gen.mjs out_fts main
	# small partitions and several build workers: LanceDB splits this index
	LANCE_FTS_NUM_SHARDS=3 LANCE_FTS_PARTITION_SIZE=1 LANCE_FTS_TARGET_SIZE=1 \
		node fts_gen.mjs out_fts multipart
	touch out_fts/.complete
fi
node fts_check.mjs out_fts "$build"
