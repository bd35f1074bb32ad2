// node bench/scan/make_data.mjs OUTDIR [ROWS] [WIDE_ROWS] [TAKE_ROWS]
//
// Writes the scan benchmark's Lance datasets with LanceDB (default storage
// version, 2.2 for LanceDB 0.39).  Deterministic (fixed-seed xorshift128),
// never null.  The native SQLite copies are made later by bench/scan/bench.py
// from these datasets; expect.json lets it check both against values computed
// here, independently of the extension.
//
//   OUTDIR/scan.lance  ROWS rows (default 10,000,000), written as Arrow tables
//                      of 1,000,000 rows: createTable + table.add per table,
//                      so one fragment per million rows, as LanceDB makes them.
//       id        int64    0,1,2,...
//       category  utf8     8 values (alpha..hotel), uniform
//       value     float64  uniform [0, 1)
//       flag      bool     p = 0.5
//   OUTDIR/wide.lance  WIDE_ROWS rows (default 1,000,000), ten columns of
//                      8 bytes each that no encoding shrinks much:
//       c0..c4 float64 uniform [0, 1), c5..c9 int64 uniform 64-bit
//   OUTDIR/take.lance  TAKE_ROWS rows (default 200,000), one fragment:
//       id        int64    0,1,2,...
//       payload   binary   4096 random bytes
//   OUTDIR/expect.json counts and sums the benchmark's queries must return.
//
// The Lance/Arrow modules come from test/interop/node_modules (pinned in
// test/interop/package.json; `npm install` there first).
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../rng.mjs";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const A = require("apache-arrow"); // the same instance @lancedb/lancedb uses
const lancedb = require("@lancedb/lancedb");

const outDir = process.argv[2];
const ROWS = Number(process.argv[3] ?? 10_000_000);
const WIDE_ROWS = Number(process.argv[4] ?? 1_000_000);
const TAKE_ROWS = Number(process.argv[5] ?? 200_000);
if (!outDir || !(ROWS > 0) || !(WIDE_ROWS > 0) || !(TAKE_ROWS > 0)) {
  console.error("usage: node make_data.mjs OUTDIR [ROWS] [WIDE_ROWS] [TAKE_ROWS]");
  process.exit(2);
}
const ADD_ROWS = 1_000_000; // rows per Arrow table handed to createTable/add
const BATCH = 1 << 16;      // rows per Arrow record batch
const BLOB = 4096;

const CATS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const CAT_BYTES = CATS.map((s) => new TextEncoder().encode(s));
const field = (name, type) => new A.Field(name, type, true);
const structOf = (schema, n, cols) =>
  new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children: cols }));

// ---- scan.lance ------------------------------------------------------------
const scanSchema = new A.Schema([
  field("id", new A.Int64()),
  field("category", new A.Utf8()),
  field("value", new A.Float64()),
  field("flag", new A.Bool()),
]);
const expect = { rows: ROWS, q1_count: 0, sum_by_category: Object.fromEntries(CATS.map((c) => [c, 0])),
                 count_by_category: Object.fromEntries(CATS.map((c) => [c, 0])) };

function scanBatch(start, n, r) {
  const F = scanSchema.fields;
  const id = new BigInt64Array(n);
  for (let i = 0; i < n; i++) id[i] = BigInt(start + i);
  const cat = new Uint8Array(n), val = new Float64Array(n), bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    cat[i] = r.below(CATS.length);
    val[i] = r.f();
    if (r.u32() & 1) bits[i >> 3] |= 1 << (i & 7);
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + CAT_BYTES[cat[i]].length;
  const data = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const c = CATS[cat[i]];
    data.set(CAT_BYTES[cat[i]], offsets[i]);
    expect.sum_by_category[c] += val[i]; // summed in row order, as SQLite does
    expect.count_by_category[c]++;
    if (c === "delta" && val[i] > 0.5) expect.q1_count++;
  }
  return structOf(scanSchema, n, [
    A.makeData({ type: F[0].type, length: n, nullCount: 0, data: id }),
    A.makeData({ type: F[1].type, length: n, nullCount: 0, valueOffsets: offsets, data }),
    A.makeData({ type: F[2].type, length: n, nullCount: 0, data: val }),
    A.makeData({ type: F[3].type, length: n, nullCount: 0, data: bits }),
  ]);
}

// ---- wide.lance ------------------------------------------------------------
const wideSchema = new A.Schema([
  ...[0, 1, 2, 3, 4].map((i) => field("c" + i, new A.Float64())),
  ...[5, 6, 7, 8, 9].map((i) => field("c" + i, new A.Int64())),
]);
function wideBatch(n, r) {
  const cols = [];
  for (let c = 0; c < 5; c++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = r.f();
    cols.push(A.makeData({ type: wideSchema.fields[c].type, length: n, nullCount: 0, data: v }));
  }
  for (let c = 5; c < 10; c++) {
    const w = new Uint32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) w[i] = r.u32();
    cols.push(A.makeData({ type: wideSchema.fields[c].type, length: n, nullCount: 0, data: new BigInt64Array(w.buffer) }));
  }
  return structOf(wideSchema, n, cols);
}

// ---- take.lance ------------------------------------------------------------
const takeSchema = new A.Schema([field("id", new A.Int64()), field("payload", new A.Binary())]);
function takeBatch(start, n, r) {
  const id = new BigInt64Array(n);
  for (let i = 0; i < n; i++) id[i] = BigInt(start + i);
  const words = new Uint32Array((n * BLOB) / 4);
  for (let i = 0; i < words.length; i++) words[i] = r.u32();
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * BLOB;
  return structOf(takeSchema, n, [
    A.makeData({ type: takeSchema.fields[0].type, length: n, nullCount: 0, data: id }),
    A.makeData({ type: takeSchema.fields[1].type, length: n, nullCount: 0, valueOffsets: offsets,
                 data: new Uint8Array(words.buffer) }),
  ]);
}

const db = await lancedb.connect(outDir);
const t0 = Date.now();
async function write(name, schema, rows, chunkRows, makeBatch) {
  rmSync(join(outDir, name + ".lance"), { recursive: true, force: true });
  let table = null;
  for (let s = 0; s < rows; s += chunkRows) {
    const batches = [];
    for (let b = s; b < Math.min(rows, s + chunkRows); b += BATCH) batches.push(makeBatch(b, Math.min(BATCH, rows - b, s + chunkRows - b)));
    const arrow = new A.Table(schema, batches);
    if (!table) table = await db.createTable(name, arrow, { mode: "overwrite" });
    else await table.add(arrow);
  }
  const n = await table.countRows();
  if (n !== rows) throw new Error(`${name}: wrote ${n} rows, expected ${rows}`);
  console.log(`${name}.lance: ${n} rows, ${(await table.listVersions()).length} versions, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const r1 = rng(20261122), r2 = rng(7), r3 = rng(4096);
await write("scan", scanSchema, ROWS, ADD_ROWS, (s, n) => scanBatch(s, n, r1));
await write("wide", wideSchema, WIDE_ROWS, ADD_ROWS, (s, n) => wideBatch(n, r2));
await write("take", takeSchema, TAKE_ROWS, TAKE_ROWS, (s, n) => takeBatch(s, n, r3));
writeFileSync(join(outDir, "expect.json"), JSON.stringify(expect, null, 1) + "\n");
console.log(`expect.json: q1_count ${expect.q1_count}`);
