// make_scalar_fixture.mjs: writes test/unit/data/scalar.lance, the dataset with the scalar
// indexes LanceDB 0.39 builds that test/unit/test_scalar.c and test/sql/scalar_filter.sql
// read (the output is committed, so those tests need no node).  Modules come from
// test/interop/node_modules:   node test/unit/data/make_scalar_fixture.mjs test/unit/data
// Rows i = 0..8999 (fragment 0: 0..5999, fragment 1: 6000..8999), indexed, then rows
// 9000..9299 appended (fragment 2, not indexed), then rows with i % 1000 == 7 deleted:
//   id   int64   i * 10, except i = 0: -2^63, i = 1: 2^63 - 1, i = 2: -1
//   k    int32   null when i % 9 == 0, else i % 50 (duplicates)
//   f    float64 NaN when i % 11 == 0, null when i % 13 == 0, -0.0 for i == 5, else i / 4 - 100
//   s    utf8    null when i % 7 == 0, else one of "", "a", "b", "café", "日本", "ß" (i % 6)
//   b    bool    i % 3 == 0
//   tags list<utf8>  null when i % 17 == 0, [] when i % 17 == 1, else ["t" + i % 5, "u" + i % 3]
//                    (plus "café" when i % 10 == 0)
// Indexes: id_idx, k_idx, f_idx BTREE; s_idx, b_idx BITMAP; ks_idx BITMAP on k2 (= k);
// tags_idx LABEL_LIST.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = await import(req.resolve("@lancedb/lancedb"));
const A = await import(req.resolve("apache-arrow"));
const out = path.resolve(process.argv[2] || ".");
const S = ["", "a", "b", "café", "日本", "ß"];
const row = (i) => ({
  id: i === 0 ? -9223372036854775808n : i === 1 ? 9223372036854775807n : i === 2 ? -1n : BigInt(i * 10),
  k: i % 9 === 0 ? null : i % 50,
  k2: i % 9 === 0 ? null : i % 50,
  f: i % 11 === 0 ? NaN : i % 13 === 0 ? null : i === 5 ? -0 : i / 4 - 100,
  s: i % 7 === 0 ? null : S[i % 6],
  b: i % 3 === 0,
  tags: i % 17 === 0 ? null : i % 17 === 1 ? [] : ["t" + (i % 5), "u" + (i % 3), ...(i % 10 === 0 ? ["café"] : [])],
});
const rows = (a, b) => Array.from({ length: b - a }, (_, j) => row(a + j));
const schema = new A.Schema([
  new A.Field("id", new A.Int64(), true), new A.Field("k", new A.Int32(), true),
  new A.Field("k2", new A.Int32(), true), new A.Field("f", new A.Float64(), true),
  new A.Field("s", new A.Utf8(), true), new A.Field("b", new A.Bool(), true),
  new A.Field("tags", new A.List(new A.Field("item", new A.Utf8(), true)), true)]);
fs.rmSync(path.join(out, "scalar.lance"), { recursive: true, force: true });
const db = await lancedb.connect(out);
const t = await db.createTable("scalar", rows(0, 6000), { schema });
await t.add(rows(6000, 9000));
for (const c of ["id", "k", "f"]) await t.createIndex(c, { config: lancedb.Index.btree() });
for (const c of ["s", "b", "k2"]) await t.createIndex(c, { config: lancedb.Index.bitmap() });
await t.createIndex("tags", { config: lancedb.Index.labelList() });
await t.add(rows(9000, 9300));
await t.delete("id % 10000 = 70");
for (const i of await t.listIndices()) console.log(i.name, i.indexUuid, i.indexType);
console.log("rows", await t.countRows());
