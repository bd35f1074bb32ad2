#!/bin/sh
# Vector index writer interop (see vbuild_gen.mjs, vbuild_check.mjs): LanceDB 0.39 writes
# each dataset twice; the extension builds IVF_FLAT / IVF_PQ / IVF_SQ indexes (l2, cosine,
# dot) on one copy with lance_create_index, LanceDB the same indexes on the other; LanceDB
# must list ours as its own and reach the same recall@10 on both (0.02), and so must the
# extension's search on ours. Then the same rows are appended and deleted in both copies
# (the new rows unindexed) and everything is checked again; then LanceDB optimizes its
# copies and the extension runs lance_optimize_indices on ours (checked a third time).
#   test/interop/vbuild_run.sh [BUILD_DIR]      (default: build)
# VBUILD_ONLY=name,... runs those configurations of vbuild_gen.mjs instead (the dot
# IVF_PQ / IVF_HNSW_SQ ones, outside the suite, are measured that way).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_vbuild
rm -rf $out
mkdir $out
# sqlite3 loads the extension: an ASan build needs its runtimes preloaded there
. ./san_preload.sh
san_preload "$build/lance.so"
node vbuild_gen.mjs $out init
node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1])).configs) console.log(c.name + "\t" + c.type + "\t" + c.sql)' $out/configs.json |
while IFS='	' read -r name type opts; do
	LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $build/lance" \
		"SELECT lance_create_index('$out/db/${name}_ours.lance', 'vec', '$type', '$opts');" > /dev/null
done
node vbuild_check.mjs $out "$build/lance" init
node vbuild_gen.mjs $out update
node vbuild_check.mjs $out "$build/lance" updated
node vbuild_gen.mjs $out optimize
for d in $out/db/*_ours.lance; do
	LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $build/lance" "SELECT lance_optimize_indices('$d');" > /dev/null
done
node vbuild_check.mjs $out "$build/lance" optimized
