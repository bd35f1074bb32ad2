#!/bin/sh
# FTS index writer interop (see ftsw_gen.mjs, ftsw_check.mjs): LanceDB 0.39 writes each
# dataset twice; the extension indexes one copy with lance_create_index, LanceDB the
# other; LanceDB's listings, statistics and FTS results on both must agree, and
# lance-dump --fts-index must print the same postings for both indexes. Then the same
# rows are appended and deleted in both copies (queries compared again: flat search of
# the new rows), LanceDB optimizes its copy and the extension runs lance_optimize_indices
# on the other (compared a third time).
#   test/interop/ftsw_run.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_ftsw
rm -rf $out
mkdir $out
# sqlite3 loads the extension: an ASan build needs its runtimes preloaded there
. ./san_preload.sh
san_preload "$build/lance.so"
sql() { # build or optimize every "ours" copy through the extension
	node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1]))) console.log(c.name + "\t" + c.sql)' $out/configs.json |
	while IFS='	' read -r name opts; do
		if [ "$1" = create ]; then q="SELECT lance_create_index('$out/db/${name}_ours.lance', 'text', 'FTS', '$opts');"
		else q="SELECT lance_optimize_indices('$out/db/${name}_ours.lance');"; fi
		LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $build/lance" "$q" > /dev/null
	done
}
node ftsw_gen.mjs $out init
sql create
node ftsw_check.mjs $out "$build/lance-dump" init
node ftsw_gen.mjs $out update
node ftsw_check.mjs $out "$build/lance-dump" updated
node ftsw_gen.mjs $out optimize
sql optimize
node ftsw_check.mjs $out "$build/lance-dump" optimized
