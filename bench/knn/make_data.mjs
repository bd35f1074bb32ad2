// node bench/knn/make_data.mjs OUTDIR [SETS]
//
// Writes the vector-search benchmark's inputs: for each set NAME (default
// "n1m_d128,n100k_d768", i.e. 1,000,000 x 128 and 100,000 x 768 float32):
//
//   OUTDIR/NAME.lance       LanceDB 0.39 dataset (default storage version, 2.2),
//                           written with createTable + table.add per ADD_ROWS
//                           rows (one fragment per add), record batches of
//                           8192 rows.  Columns:
//       id   int64                            0,1,2,...
//       vec  fixed_size_list<float32>[DIM]    never null
//   OUTDIR/NAME.f32         the same vectors, row-major float32 (little endian),
//                           row i at byte offset i*DIM*4 (for floor.c and the
//                           sqlite-vec copy)
//   OUTDIR/NAME.queries.f32 QUERIES (100) query vectors, same layout
//   OUTDIR/meta.json        rows, dim, clusters, seed of every set
//
// Clustered, deterministic (fixed-seed xorshift128 + Box-Muller): CLUSTERS
// centres with N(0, 1) coordinates; a row picks a centre uniformly and adds
// N(0, SIGMA^2) per coordinate.  Queries are drawn the same way (other seed),
// so each query has a dense neighbourhood.  Not normalised (cosine and l2
// order differ).
// The Lance/Arrow modules come from test/interop/node_modules (pinned in
// test/interop/package.json; `npm install` there first).
import { createRequire } from "node:module";
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { rng } from "../rng.mjs";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const A = require("apache-arrow"); // the same instance @lancedb/lancedb uses
const lancedb = require("@lancedb/lancedb");

const SETS = {
  n1m_d128: { rows: 1_000_000, dim: 128, clusters: 1000, addRows: 250_000, seed: 128 },
  n100k_d768: { rows: 100_000, dim: 768, clusters: 100, addRows: 50_000, seed: 768 },
};
const QUERIES = 100;
const SIGMA = 0.25;
const BATCH = 8192;

const outDir = process.argv[2];
const names = (process.argv[3] ?? Object.keys(SETS).join(",")).split(",");
if (!outDir || names.some((n) => !SETS[n])) {
  console.error(`usage: node make_data.mjs OUTDIR [${Object.keys(SETS).join(",")}]`);
  process.exit(2);
}

// n rows of dim floats around the given centres, into out (Float32Array).
function fill(out, n, dim, centres, nc, r) {
  for (let i = 0; i < n; i++) {
    const c = r.below(nc) * dim, o = i * dim;
    for (let j = 0; j < dim; j++) out[o + j] = centres[c + j] + SIGMA * r.normal();
  }
}

const db = await lancedb.connect(outDir);
const meta = {};
const t0 = Date.now();
for (const name of names) {
  const { rows, dim, clusters, addRows, seed } = SETS[name];
  const r = rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = r.normal();

  const schema = new A.Schema([
    new A.Field("id", new A.Int64(), true),
    new A.Field("vec", new A.FixedSizeList(dim, new A.Field("item", new A.Float32(), true)), true),
  ]);
  const F = schema.fields;
  const batchOf = (start, vec, n) => new A.RecordBatch(schema, A.makeData({
    type: new A.Struct(F), length: n, nullCount: 0, children: [
      A.makeData({ type: F[0].type, length: n, nullCount: 0,
                   data: BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i)) }),
      A.makeData({ type: F[1].type, length: n, nullCount: 0,
                   child: A.makeData({ type: F[1].type.children[0].type, length: n * dim, nullCount: 0, data: vec }) }),
    ],
  }));

  rmSync(join(outDir, name + ".lance"), { recursive: true, force: true });
  const raw = openSync(join(outDir, name + ".f32.tmp"), "w");
  let table = null;
  for (let s = 0; s < rows; s += addRows) {
    const end = Math.min(rows, s + addRows), batches = [];
    for (let b = s; b < end; b += BATCH) {
      const n = Math.min(BATCH, end - b), vec = new Float32Array(n * dim);
      fill(vec, n, dim, centres, clusters, r);
      writeSync(raw, new Uint8Array(vec.buffer));
      batches.push(batchOf(b, vec, n));
    }
    const arrow = new A.Table(schema, batches);
    if (!table) table = await db.createTable(name, arrow, { mode: "overwrite" });
    else await table.add(arrow);
  }
  closeSync(raw);
  const got = await table.countRows();
  if (got !== rows) throw new Error(`${name}: wrote ${got} rows, expected ${rows}`);

  const q = new Float32Array(QUERIES * dim);
  fill(q, QUERIES, dim, centres, clusters, rng(seed + 1));
  writeFileSync(join(outDir, name + ".queries.f32"), new Uint8Array(q.buffer));
  // the raw file last: its presence (with meta.json) means the set is complete
  renameSync(join(outDir, name + ".f32.tmp"), join(outDir, name + ".f32"));
  meta[name] = { rows, dim, clusters, sigma: SIGMA, seed, queries: QUERIES, add_rows: addRows };
  console.log(`${name}: ${rows} x ${dim}, ${Math.ceil(rows / addRows)} fragments, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
writeFileSync(join(outDir, "meta.json"), JSON.stringify(meta, null, 1) + "\n");
