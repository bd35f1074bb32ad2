#!/bin/sh
# Permutation interop (see perm_check.mjs), ~5 s: LanceDB 0.39 builds four
# permutations of one table (random with names, filter and shuffle; sequential
# counts; hash; calculated) and the extension reads every split of each through
# lance(..., permutation=, split=) in LanceDB's order with the source rows LanceDB
# maps them to; then the extension builds its own and LanceDB reads them as tables
# (schema, base_version and split_names metadata, rows in order, split counts).
# Materialized views: the extension makes a view of the source, LanceDB reads it,
# LanceDB appends to and deletes from the source, lance_refresh() brings the view up
# to date (one version) and LanceDB reads it again.
#   test/interop/perm_run.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_perm
rm -rf $out
mkdir $out
node perm_check.mjs $out gen
# an extension built with sanitizers needs their runtimes loaded first into python
. ./san_preload.sh
san_preload "$build/lance.so"
LD_PRELOAD="$preload" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
	/usr/bin/python3 perm_compare.py "$build/lance.so" $out
node perm_check.mjs $out ours
LD_PRELOAD="$preload" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
	/usr/bin/python3 perm_compare.py "$build/lance.so" $out refresh
node perm_check.mjs $out view
