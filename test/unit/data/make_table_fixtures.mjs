// make_table_fixtures.mjs: writes the small Lance datasets that
// test/unit/test_manifest.c reads (the output is committed, so the unit tests
// need no node).
// Modules come from test/interop/node_modules (@lancedb/lancedb 0.39.0 +
// apache-arrow 18.1.0, see test/interop/package.json):
//   node test/unit/data/make_table_fixtures.mjs test/unit/data
// Every step is listed in the comments; the C tests assert exactly these.
// Data file names and deletion ids are random: the tests assert structure.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = await import(req.resolve("@lancedb/lancedb"));
const arrow = await import(req.resolve("apache-arrow"));
const out = path.resolve(process.argv[2] || ".");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function batch(lo, hi) { // ids lo..hi-1 (int32) and s = "r<id>"
  const ids = [], ss = [];
  for (let i = lo; i < hi; i++) { ids.push(i); ss.push("r" + i); }
  return arrow.tableFromArrays({ id: Int32Array.from(ids), s: ss });
}

async function fresh(name) {
  fs.rmSync(path.join(out, name), { recursive: true, force: true });
}

// hist.lance: v2 manifest paths, no stable row ids.
//  v1 overwrite: ids 0..9 (fragment 0)
//  v2 append: ids 10..14 (fragment 1)
//  v3 delete id in (2,3): fragment 0 gets an .arrow deletion file {2,3}
//  v4 delete id = 11: fragment 1 gets {1}
//  v5 update s='u' where id = 4: fragment 0 deletes {2,3,4}, new fragment 2 (1 row)
//  v6 add column d = id * 2 (merge): one more data file per fragment
//  tags: first -> 1, mid -> 3 then updated to 4, gone -> 2 then deleted
//  v7 restore of version 2
async function hist(db) {
  await fresh("hist.lance");
  const t = await db.createTable("hist", batch(0, 10), {
    storageOptions: { new_table_enable_v2_manifest_paths: "true" } });
  await sleep(5);
  await t.add(batch(10, 15));
  await t.delete("id IN (2, 3)");
  await t.delete("id = 11");
  await t.update({ where: "id = 4", values: { s: "u" } });
  await t.addColumns([{ name: "d", valueSql: "id * 2" }]);
  const tags = await t.tags();
  await tags.create("first", 1);
  await tags.create("mid", 3);
  await tags.update("mid", 4);
  await tags.create("gone", 2);
  await tags.delete("gone");
  await t.checkout(2);
  await t.restore();
  return t;
}

// big.lance: v1 manifest paths ({N}.manifest), no stable row ids.
//  v1 overwrite: ids 0..5999 (fragment 0)
//  v2 append: ids 6000..9999 (fragment 1)
//  v3 delete 300 <= id < 6000: 5700 rows of fragment 0 -> roaring .bin file
//  v4 delete id >= 7000: 3000 rows of fragment 1 -> .arrow file whose values
//     buffer is ZSTD-compressed (fewer than 5000 rows stay an Arrow array)
async function big(db) {
  await fresh("big.lance");
  const t = await db.createTable("big", batch(0, 6000), {
    storageOptions: { new_table_enable_v2_manifest_paths: "false" } });
  await t.add(batch(6000, 10000));
  await t.delete("id >= 300 AND id < 6000");
  await t.delete("id >= 7000");
  return t;
}

// stable.lance: v2 paths, stable row ids on.
//  v1 overwrite ids 0..7 (row ids 0..7), v2 append ids 8..11 (row ids 8..11)
//  v3 delete id IN (1, 9); v4 update s='u' where id = 5: row id 5 moves to a
//  new fragment; v5+v6 optimize (compaction: rewrite into one fragment whose
//  row id sequence has holes)
async function stable(db) {
  await fresh("stable.lance");
  const t = await db.createTable("stable", batch(0, 8), {
    storageOptions: { new_table_enable_v2_manifest_paths: "true",
                      new_table_enable_stable_row_ids: "true" } });
  await t.add(batch(8, 12));
  await t.delete("id IN (1, 9)");
  await t.update({ where: "id = 5", values: { s: "u" } });
  await t.optimize();
  return t;
}

// v1stable.lance: v1 paths, stable row ids on.
//  v1 overwrite ids 0..4, v2 append ids 5..7, v3 delete id = 6
async function v1stable(db) {
  await fresh("v1stable.lance");
  const t = await db.createTable("v1stable", batch(0, 5), {
    storageOptions: { new_table_enable_v2_manifest_paths: "false",
                      new_table_enable_stable_row_ids: "true" } });
  await t.add(batch(5, 8));
  await t.delete("id = 6");
  return t;
}

async function dump(t, name) {
  const rows = await t.query().withRowId().toArray();
  const vs = await t.listVersions();
  console.log(name, "version", await t.version(), "rows",
    rows.slice(0, 20).map((r) => `${r.id}:${r._rowid}`).join(" "));
  console.log(name, "versions", vs.map((v) => v.version).join(","));
}

const db = await lancedb.connect(out);
for (const [f, n] of [[hist, "hist"], [big, "big"], [stable, "stable"], [v1stable, "v1stable"]])
  await dump(await f(db), n);
