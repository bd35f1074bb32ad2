// make_pragma_fixtures.mjs: writes the LanceDB database test/sql/data/pragmadb
// that the pragma function tests (test/sql/pragma_*.sql) read.  The output is
// committed, so the SQL tests need no node.  Modules come from
// test/interop/node_modules (@lancedb/lancedb 0.39.0 + apache-arrow 18.1.0):
//   node test/sql/data/make_pragma_fixtures.mjs test/sql/data
// It writes <out>/pragmadb (a LanceDB database: idx.lance, types.lance and a
// stray README) and <out>/baddb/bad.lance (a dataset directory whose only
// manifest is garbage, for the error paths).
// Data file names, uuids and timestamps are random: the tests assert structure.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = await import(req.resolve("@lancedb/lancedb"));
const A = await import(req.resolve("apache-arrow"));
const top = path.resolve(process.argv[2] || ".");
const out = path.join(top, "pragmadb");
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// Deterministic pseudo-random numbers (the vectors only need to be spread).
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const words = ["rain", "night", "car", "bus", "street", "sun", "snow", "truck"];
function idxRows(lo, hi) { // ids lo..hi-1
  const id = [], text = [], cat = [], labels = [], vec = [];
  for (let i = lo; i < hi; i++) {
    id.push(i);
    text.push(`${words[i % 8]} ${words[(i * 3 + 1) % 8]} ${words[(i * 5 + 2) % 8]}`);
    cat.push(["a", "b", "c"][i % 3]);
    labels.push([words[i % 8], words[(i + 4) % 8]]);
    vec.push(Array.from({ length: 8 }, () => rnd() * 2 - 1));
  }
  const f32 = new A.Field("item", new A.Float32(), true);
  const utf = new A.Field("item", new A.Utf8(), true);
  return new A.Table({
    id: A.vectorFromArray(id, new A.Int32()),
    text: A.vectorFromArray(text, new A.Utf8()),
    cat: A.vectorFromArray(cat, new A.Utf8()),
    labels: A.vectorFromArray(labels, new A.List(utf)),
    vec: A.vectorFromArray(vec, new A.FixedSizeList(8, f32)),
  });
}

// idx.lance (v2 manifest paths):
//  v1 create: ids 0..299 (fragment 0)
//  v2..v6 create_index: vec_idx IVF_PQ, id_idx btree, text_idx fts,
//         cat_idx bitmap, labels_idx label_list (all cover fragment 0 only)
//  v7 append ids 300..319 (fragment 1, not indexed)
//  v8 delete id IN (0, 1, 2): fragment 0 gets a deletion file (3 rows)
//  v9 delete id >= 315: fragment 1 gets a deletion file (5 rows)
//  unindexed rows of every index: 15 (fragment 1's live rows)
async function idx(db) {
  const t = await db.createTable("idx", idxRows(0, 300), {
    storageOptions: { new_table_enable_v2_manifest_paths: "true" } });
  await t.createIndex("vec", { config: lancedb.Index.ivfPq({ numPartitions: 2, numSubVectors: 2 }) });
  await t.createIndex("id", { config: lancedb.Index.btree() });
  await t.createIndex("text", { config: lancedb.Index.fts() });
  await t.createIndex("cat", { config: lancedb.Index.bitmap() });
  await t.createIndex("labels", { config: lancedb.Index.labelList() });
  await t.add(idxRows(300, 320));
  await t.delete("id IN (0, 1, 2)");
  await t.delete("id >= 315");
  return t;
}

// types.lance (v1 manifest paths), one version, 2 rows, one column per type
// family the schema function renders, nested fields included:
//   i8 int8, u64 uint64 not null, f16 float16, f64 float64, b bool, s utf8,
//   ls large_utf8, bin binary, d date32, ts timestamp[us, UTC], li list<int32>,
//   emb fixed_size_list<float32>[4], st struct<a: int32, b: struct<c: utf8>>,
//   dict dictionary<utf8, int32>
async function types(db) {
  const fl = (name, type, nullable = true) => new A.Field(name, type, nullable);
  const stB = new A.Struct([fl("c", new A.Utf8())]);
  const st = new A.Struct([fl("a", new A.Int32()), fl("b", stB)]);
  const schema = new A.Schema([
    fl("i8", new A.Int8()), fl("u64", new A.Uint64(), false), fl("f16", new A.Float16()),
    fl("f64", new A.Float64()), fl("b", new A.Bool()), fl("s", new A.Utf8()),
    fl("ls", new A.LargeUtf8()), fl("bin", new A.Binary()), fl("d", new A.DateDay()),
    fl("ts", new A.TimestampMicrosecond("UTC")), fl("li", new A.List(fl("item", new A.Int32()))),
    fl("emb", new A.FixedSizeList(4, fl("item", new A.Float32()))), fl("st", st),
    fl("dict", new A.Dictionary(new A.Utf8(), new A.Int32())),
  ]);
  const cols = {
    i8: [1, -2], u64: [1n, 18446744073709551615n], f16: [1.5, null], f64: [2.5, -1],
    b: [true, false], s: ["x", "y"], ls: ["lx", "ly"],
    bin: [new Uint8Array([1, 2]), new Uint8Array([3])], d: [new Date(0), new Date(86400000)],
    ts: [new Date(1000), new Date(2000)], li: [[1, 2], [3]],
    emb: [[1, 2, 3, 4], [5, 6, 7, 8]], st: [{ a: 1, b: { c: "c1" } }, { a: 2, b: { c: "c2" } }],
    dict: ["red", "blue"],
  };
  const vecs = {};
  for (const f of schema.fields) vecs[f.name] = A.vectorFromArray(cols[f.name], f.type);
  const tbl = new A.Table(schema, new A.Table(vecs).batches.map(
    (b) => new A.RecordBatch(schema, b.data)));
  return db.createTable("types", tbl, {
    storageOptions: { new_table_enable_v2_manifest_paths: "false" } });
}

const db = await lancedb.connect(out);
const ti = await idx(db);
console.log("idx version", await ti.version(), "rows", await ti.countRows());
for (const i of await ti.listIndices()) console.log(" ", i.name, i.indexType, i.columns.join(","));
const tt = await types(db);
console.log("types", (await tt.schema()).fields.map((f) => `${f.name}:${f.type}`).join(" "));
// A stray entry that lance_attach must skip: not a NAME.lance directory.
fs.writeFileSync(path.join(out, "README"), "LanceDB database for test/sql/pragma_*.sql\n");

// baddb/bad.lance: _versions/1.manifest holds 20 bytes that are no manifest.
const bad = path.join(top, "baddb", "bad.lance", "_versions");
fs.rmSync(path.join(top, "baddb"), { recursive: true, force: true });
fs.mkdirSync(bad, { recursive: true });
fs.writeFileSync(path.join(bad, "1.manifest"), "this is not a manifest");
