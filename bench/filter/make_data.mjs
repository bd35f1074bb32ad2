// node bench/filter/make_data.mjs OUTDIR [ROWS]
//
// Writes the filter benchmark's dataset with LanceDB 0.39 (bench/README.md,
// "bench/filter"). Deterministic (fixed-seed xorshift128), never null.
//   OUTDIR/filter.lance  ROWS rows (default 10,000,000), Arrow tables of 1,000,000
//                        rows (createTable + add: one fragment per million rows):
//       id      int64        a random permutation of 0..ROWS-1 (point lookups)
//       cat     utf8         "c0".."c999", uniform (one value: 0.1 % of the rows)
//       val     int32        uniform [0, 100000) (a range of 1000: 1 %)
//       labels  list<utf8>   2 distinct of "l0".."l99" (one label: ~2 % of the rows)
//   version 1..10: the appends (no index); then LanceDB builds id_idx (BTREE),
//   cat_idx (BITMAP), val_idx (BTREE), labels_idx (LABEL_LIST).
//   OUTDIR/meta.json   {rows, v_noindex, v_index}
// The Lance/Arrow modules come from test/interop/node_modules (pinned).
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../rng.mjs";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const A = require("apache-arrow");
const lancedb = require("@lancedb/lancedb");

const outDir = process.argv[2];
const ROWS = Number(process.argv[3] ?? 10_000_000);
if (!outDir || !(ROWS > 0)) {
  console.error("usage: node make_data.mjs OUTDIR [ROWS]");
  process.exit(2);
}
const ADD = 1_000_000, BATCH = 1 << 16;
const enc = new TextEncoder();
const CAT = Array.from({ length: 1000 }, (_, i) => enc.encode("c" + i));
const LAB = Array.from({ length: 100 }, (_, i) => enc.encode("l" + i));
const schema = new A.Schema([new A.Field("id", new A.Int64(), true), new A.Field("cat", new A.Utf8(), true),
  new A.Field("val", new A.Int32(), true), new A.Field("labels", new A.List(new A.Field("item", new A.Utf8(), true)), true)]);
const r = rng(20261203);
const perm = new Float64Array(ROWS); // Fisher-Yates over 0..ROWS-1
for (let i = 0; i < ROWS; i++) perm[i] = i;
for (let i = ROWS - 1; i > 0; i--) { const j = r.below(i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }

function strings(vals, n) {
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + vals[i].length;
  const data = new Uint8Array(off[n]);
  for (let i = 0; i < n; i++) data.set(vals[i], off[i]);
  return { off, data };
}
function batch(start, n) {
  const F = schema.fields;
  const id = new BigInt64Array(n), val = new Int32Array(n), cats = [], labs = [];
  const loff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(perm[start + i]);
    cats.push(CAT[r.below(1000)]);
    val[i] = r.below(100000);
    const a = r.below(100);
    let b = r.below(99);
    if (b >= a) b++;
    labs.push(LAB[a], LAB[b]);
    loff[i + 1] = 2 * (i + 1);
  }
  const c = strings(cats, n), l = strings(labs, 2 * n);
  const item = A.makeData({ type: F[3].type.children[0].type, length: 2 * n, nullCount: 0, valueOffsets: l.off, data: l.data });
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children: [
    A.makeData({ type: F[0].type, length: n, nullCount: 0, data: id }),
    A.makeData({ type: F[1].type, length: n, nullCount: 0, valueOffsets: c.off, data: c.data }),
    A.makeData({ type: F[2].type, length: n, nullCount: 0, data: val }),
    A.makeData({ type: F[3].type, length: n, nullCount: 0, valueOffsets: loff, child: item })] }));
}

rmSync(join(outDir, "filter.lance"), { recursive: true, force: true });
const db = await lancedb.connect(outDir);
let t = null;
for (let s = 0; s < ROWS; s += ADD) {
  const batches = [];
  for (let b = s; b < Math.min(ROWS, s + ADD); b += BATCH) batches.push(batch(b, Math.min(BATCH, ROWS - b, s + ADD - b)));
  const tbl = new A.Table(schema, batches);
  if (!t) t = await db.createTable("filter", tbl, { schema });
  else await t.add(tbl);
}
const vNo = await t.version();
await t.createIndex("id", { config: lancedb.Index.btree() });
await t.createIndex("cat", { config: lancedb.Index.bitmap() });
await t.createIndex("val", { config: lancedb.Index.btree() });
await t.createIndex("labels", { config: lancedb.Index.labelList() });
writeFileSync(join(outDir, "meta.json"), JSON.stringify({ rows: ROWS, v_noindex: vNo, v_index: await t.version() }));
console.log(`make_data: ${ROWS} rows, versions ${vNo} (no index) and ${await t.version()}`);
