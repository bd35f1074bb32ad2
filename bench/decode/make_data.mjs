// node bench/decode/make_data.mjs OUTDIR [ROWS]
//
// Writes the decode benchmark's input with LanceDB: one table per storage
// version, OUTDIR/v22.lance (2.2, LanceDB's default) and OUTDIR/v21.lance (2.1),
// holding the same ROWS rows (default 1,000,000) in one fragment and one data
// file each.  The data is deterministic (fixed-seed xorshift), never null, and
// shaped so that LanceDB's default writer picks a different encoding per column:
//
//   i64_seq    int64            0,1,2,...              bitpacked (narrow deltas)
//   i32_small  int32            uniform [0, 1000)      bitpacked ~10 bits
//   i64_rand   int64            uniform 64-bit         flat
//   f64        float64          uniform [0, 1)         flat
//   f32        float32          uniform [0, 1)         flat
//   flag       bool             p = 0.5                flat, 1 bit
//   str_short  utf8             ~10-byte pseudo-words  FSST
//   str_dict   utf8             8 distinct values      dictionary
//   vec        fixed_size_list<float32>[128]           full-zip (512 B/row)
//   list_i32   list<int32>      0..8 items, mean 4     mini-block + rep levels
//
// The Lance/Arrow modules come from test/interop/node_modules (pinned in
// test/interop/package.json; `npm install` there first).
import { createRequire } from "node:module";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../rng.mjs";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const A = require("apache-arrow"); // the same instance @lancedb/lancedb uses
const lancedb = require("@lancedb/lancedb");

const outDir = process.argv[2];
const ROWS = Number(process.argv[3] ?? 1_000_000);
if (!outDir || !(ROWS > 0)) {
  console.error("usage: node make_data.mjs OUTDIR [ROWS]");
  process.exit(2);
}
const BATCH = 1 << 17; // rows per Arrow record batch handed to LanceDB
const DIM = 128;

const SYL = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "an", "el", "or", "us", "ti", "po", "de", "ba"];
const DICT = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const enc = new TextEncoder();

const field = (name, type) => new A.Field(name, type, true);
const schema = new A.Schema([
  field("i64_seq", new A.Int64()),
  field("i32_small", new A.Int32()),
  field("i64_rand", new A.Int64()),
  field("f64", new A.Float64()),
  field("f32", new A.Float32()),
  field("flag", new A.Bool()),
  field("str_short", new A.Utf8()),
  field("str_dict", new A.Utf8()),
  field("vec", new A.FixedSizeList(DIM, field("item", new A.Float32()))),
  field("list_i32", new A.List(field("item", new A.Int32()))),
]);

function strings(type, n, gen) {
  const parts = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) { parts[i] = enc.encode(gen()); total += parts[i].length; }
  const data = new Uint8Array(total);
  const offsets = new Int32Array(n + 1);
  let o = 0;
  for (let i = 0; i < n; i++) { data.set(parts[i], o); o += parts[i].length; offsets[i + 1] = o; }
  return A.makeData({ type, length: n, nullCount: 0, valueOffsets: offsets, data });
}

function batch(start, n, r) {
  const F = schema.fields;
  const cols = [];
  const seq = new BigInt64Array(n);
  for (let i = 0; i < n; i++) seq[i] = BigInt(start + i);
  cols.push(A.makeData({ type: F[0].type, length: n, nullCount: 0, data: seq }));

  const small = new Int32Array(n);
  for (let i = 0; i < n; i++) small[i] = r.below(1000);
  cols.push(A.makeData({ type: F[1].type, length: n, nullCount: 0, data: small }));

  const wide = new Uint32Array(2 * n); // two random halves per int64
  for (let i = 0; i < 2 * n; i++) wide[i] = r.u32();
  cols.push(A.makeData({ type: F[2].type, length: n, nullCount: 0, data: new BigInt64Array(wide.buffer) }));

  const f64 = new Float64Array(n);
  for (let i = 0; i < n; i++) f64[i] = r.f();
  cols.push(A.makeData({ type: F[3].type, length: n, nullCount: 0, data: f64 }));

  const f32 = new Float32Array(n);
  for (let i = 0; i < n; i++) f32[i] = r.f();
  cols.push(A.makeData({ type: F[4].type, length: n, nullCount: 0, data: f32 }));

  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (r.u32() & 1) bits[i >> 3] |= 1 << (i & 7);
  cols.push(A.makeData({ type: F[5].type, length: n, nullCount: 0, data: bits }));

  cols.push(strings(F[6].type, n, () => {
    let s = "";
    for (let k = 3 + r.below(2); k > 0; k--) s += SYL[r.below(SYL.length)];
    return s + "_" + r.below(100); // 8..11 bytes
  }));
  cols.push(strings(F[7].type, n, () => DICT[r.below(DICT.length)]));

  const vec = new Float32Array(n * DIM);
  for (let i = 0; i < n * DIM; i++) vec[i] = r.f() * 2 - 1;
  const vecItems = A.makeData({ type: F[8].type.children[0].type, length: n * DIM, nullCount: 0, data: vec });
  cols.push(A.makeData({ type: F[8].type, length: n, nullCount: 0, child: vecItems }));

  const offs = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offs[i + 1] = offs[i] + r.below(9);
  const items = new Int32Array(offs[n]);
  for (let i = 0; i < items.length; i++) items[i] = r.below(100000);
  const listItems = A.makeData({ type: F[9].type.children[0].type, length: items.length, nullCount: 0, data: items });
  cols.push(A.makeData({ type: F[9].type, length: n, nullCount: 0, valueOffsets: offs, child: listItems }));

  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children: cols }));
}

const r = rng(20240611);
const batches = [];
for (let s = 0; s < ROWS; s += BATCH) batches.push(batch(s, Math.min(BATCH, ROWS - s), r));
const table = new A.Table(schema, batches);

const db = await lancedb.connect(outDir);
for (const [name, version] of [["v22", "2.2"], ["v21", "2.1"]]) {
  rmSync(join(outDir, name + ".lance"), { recursive: true, force: true });
  const t = await db.createTable(name, table, {
    mode: "overwrite",
    storageOptions: { new_table_data_storage_version: version },
  });
  const rows = await t.countRows();
  const dataDir = join(outDir, name + ".lance", "data");
  const files = existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(".lance")) : [];
  console.log(`${name}: storage ${version}, ${rows} rows, ${files.length} data file(s): ${files.join(" ")}`);
  if (rows !== ROWS) throw new Error(`${name}: wrote ${rows} rows, expected ${ROWS}`);
}
