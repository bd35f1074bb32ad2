// Writes test/sql/data/legacy.lance (committed) for test/sql/vtab_legacy.sql: a dataset
// of legacy (v1) data files (LanceDB 0.39, storage "legacy", footer 0.2).
//   v1  create 1100 rows (ids 0..1099): one fragment, batches of 1024 + 76 rows
//   v2  append 30 rows (ids 1100..1129): fragment 1
//   v3  delete id % 100 = 7
//   v4  addColumns twice = id * 2 (a second data file in each fragment)
// Columns: id int32 not null; name utf8 (null every 10th row from 3, '' every 10th
// from 5); score float64 (null every 9th); tags list<utf8> (null every 7th, [] every
// 11th); vec fixed_size_list<float32>[4] (null at 42; row i = [i, i % 3, -i, 1] / 100);
// meta struct<a int64, b utf8> (null every 13th); color dictionary<utf8, int8>
// ('red', 'green', 'blue', 'teal'; null every 17th from 16; no '': LanceDB refuses to
// append to a legacy dictionary holding '', which it reads back as null); day date32
// (i days after 2020-01-01).
// Deterministic. Run from the repository root: node test/sql/data/make_legacy_fixture.mjs
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
const A = await import(new URL("../../interop/node_modules/apache-arrow/Arrow.node.mjs", import.meta.url));
const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = req("@lancedb/lancedb");
const { toIPC } = await import(new URL("../../interop/arrowbuild.mjs", import.meta.url));

const F = (name, type, nullable = true) => new A.Field(name, type, nullable);
const colors = ["red", "green", "blue", "teal"];
function rows(from, to) {
  const ids = Array.from({ length: to - from }, (_, k) => from + k);
  const every = (n, r, v) => (i) => (i % n === r ? null : v(i));
  return [
    { name: "id", type: new A.Int32(), nullable: false, values: ids },
    { name: "name", type: new A.Utf8(), values: ids.map((i) => (i % 10 === 3 ? null : i % 10 === 5 ? "" : `n${i}`)) },
    { name: "score", type: new A.Float64(), values: ids.map(every(9, 0, (i) => i / 8)) },
    { name: "tags", type: new A.List(F("item", new A.Utf8())),
      values: ids.map((i) => (i % 7 === 0 ? null : i % 11 === 0 ? [] : [`t${i % 5}`, ...(i % 2 ? [`u${i}`] : [])])) },
    { name: "vec", type: new A.FixedSizeList(4, F("item", new A.Float32())),
      values: ids.map((i) => (i === 42 ? null : [i / 100, (i % 3) / 100, -i / 100, 0.01].map(Math.fround))) },
    { name: "meta", type: new A.Struct([F("a", new A.Int64()), F("b", new A.Utf8())]),
      values: ids.map(every(13, 0, (i) => ({ a: BigInt(i) * 1000n, b: i % 2 ? "odd" : null }))) },
    { name: "color", type: new A.Dictionary(new A.Utf8(), new A.Int8()),
      values: ids.map(every(17, 16, (i) => colors[i % 4])) }, // the same dictionary order in both writes
    { name: "day", type: new A.DateDay(), values: ids.map((i) => 18262 + i) },
  ];
}

const dir = new URL(".", import.meta.url).pathname;
rmSync(`${dir}/legacy.lance`, { recursive: true, force: true });
const db = await lancedb.connect(dir);
await db.inner.createTable("legacy", toIPC(rows(0, 1100)), "create", [], { new_table_data_storage_version: "legacy" });
const t = await db.openTable("legacy");
await t.inner.add(toIPC(rows(1100, 1130)), "append");
await t.delete("id % 100 = 7");
await t.addColumns([{ name: "twice", valueSql: "id * 2" }]);
console.log(`wrote legacy.lance: version ${await t.version()}, ${await t.countRows()} rows`);
