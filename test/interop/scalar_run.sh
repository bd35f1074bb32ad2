#!/bin/sh
# Scalar index writer interop (see scalar_check.mjs): two copies of the LanceDB-written
# fixture test/unit/data/scalar.lance; in one the extension drops LanceDB's BTREE, BITMAP
# and LABEL_LIST indexes and builds its own under the same names (lance_create_index);
# LanceDB 0.39 must list, plan with and answer from ours as from its own. Then the
# extension appends rows to its copy and runs lance_optimize_indices, LanceDB appends the
# same rows to the other and optimizes it: compared again.
#   test/interop/scalar_run.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_scalar
rm -rf $out
mkdir -p $out/o $out/t
cp -r ../unit/data/scalar.lance $out/o/ && cp -r ../unit/data/scalar.lance $out/t/
o=$out/o/scalar.lance
# sqlite3 loads the extension: an ASan build needs its runtimes preloaded there
. ./san_preload.sh
san_preload "$build/lance.so"
q() { LD_PRELOAD="$preload" sqlite3 -batch :memory: -cmd ".load $build/lance" "$@" > /dev/null; }
for spec in id:BTREE k:BTREE f:BTREE s:BITMAP b:BITMAP k2:BITMAP tags:LABEL_LIST; do
	c=${spec%%:*} k=${spec#*:}
	q "SELECT lance_drop_index('$o', '${c}_idx');" "SELECT lance_create_index('$o', '$c', '$k', '');"
done
node scalar_check.mjs $o $out/t/scalar.lance built
ROWS="(95000, 7, 7, 1.5, 'café', 1, '[\"t1\", \"u2\"]'), (95010, NULL, NULL, NULL, NULL, 0, NULL), (95020, 12, 12, -99.5, 'ß', 1, '[\"café\"]')"
q "CREATE VIRTUAL TABLE t USING lance('$o');" "INSERT INTO t(id, k, k2, f, s, b, tags) VALUES $ROWS;" \
	"SELECT lance_optimize_indices('$o');"
node -e '
const lancedb = require("@lancedb/lancedb");
(async () => {
  const t = await (await lancedb.connect(process.argv[1])).openTable("scalar");
  await t.add([{ id: 95000n, k: 7, k2: 7, f: 1.5, s: "café", b: true, tags: ["t1", "u2"] },
    { id: 95010n, k: null, k2: null, f: null, s: null, b: false, tags: null },
    { id: 95020n, k: 12, k2: 12, f: -99.5, s: "ß", b: true, tags: ["café"] }]);
  await t.optimize();
})().catch((e) => { console.error(e); process.exit(1); });' $out/t
node scalar_check.mjs $o $out/t/scalar.lance optimized
