// node knn_gen.mjs OUTDIR [name-filter-regex]
// Writes the datasets of the vector-search (knn) interop tests with LanceDB under
// OUTDIR/db/<name>.lance, and for each OUTDIR/<name>/gen.json: the dataset's path, its
// vector column type, the query vectors, the metrics and the prefilters to test.
// knn_expect.mjs asks LanceDB for the exact answers, knn_compare.py asks the `lance`
// virtual table (`vec MATCH :q AND _k = N`). See knn_README.md.
//
// Data: seeded (mulberry32 via gen.mjs's rngFrom) and clustered (points around a few
// centres, so the nearest neighbours of a query are a meaningful, stable set), with exact
// duplicate vectors (ties), null vectors, and in the small datasets a zero vector (its
// cosine distance is 0/0).
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { rngFrom } from "./gen.mjs";

const CATS = ["a", "b", "c", "d", "e"];

function gauss(r) { // Box-Muller, one value
  let u = 0;
  while (u === 0) u = r.f();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.f());
}

// ---------------------------------------------------------------- float vectors
// n rows of dim float32 values around nc centres; row i's values are a function of the
// RNG only, so the same seed gives the same data whatever the storage variant.
function floatRows(r, n, dim, { nc, spread, noise, normalize }) {
  const centres = Array.from({ length: nc }, () => Array.from({ length: dim }, () => gauss(r) * spread));
  const vecs = [];
  for (let i = 0; i < n; i++) {
    const c = centres[r.int(0, nc - 1)];
    let v = c.map((x) => x + gauss(r) * noise);
    if (normalize) {
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      v = v.map((x) => x / norm);
    }
    vecs.push(v.map(Math.fround));
  }
  return { centres, vecs };
}

// exact duplicates: row i copies row src(i) (possibly in an earlier fragment); null vectors
// at rows that are neither a copy nor a source of one
function addDupsAndNulls(vecs, { dupEvery, dupBack, nullEvery, nullAt }) {
  const n = vecs.length;
  const dup = new Set(), src = new Set();
  for (let i = dupBack; i < n; i++) if (i % dupEvery === 7) { vecs[i] = vecs[i - dupBack].slice(); dup.add(i); src.add(i - dupBack); }
  // a triple: three equal vectors
  if (n > 40) { vecs[40] = vecs[20].slice(); vecs[30] = vecs[20].slice(); dup.add(40); dup.add(30); src.add(20); }
  const nulls = [];
  for (let i = 0; i < n; i++) if (i % nullEvery === nullAt && !dup.has(i) && !src.has(i)) { vecs[i] = null; nulls.push(i); }
  return { dups: [...dup].sort((a, b) => a - b), nulls };
}

// ---------------------------------------------------------------- common columns
const idOf = (i) => 10 * i + 1; // ids differ from row ids on purpose
function commonCols(r, n) {
  return {
    id: Array.from({ length: n }, (_, i) => BigInt(idOf(i))),
    category: Array.from({ length: n }, (_, i) => (i % 41 === 40 ? null : CATS[r.int(0, 4)])),
    score: Array.from({ length: n }, (_, i) => (i % 37 === 36 ? null : r.f())),
  };
}

function ipc(cols, vecType, lo, hi) {
  const s = (a) => a.slice(lo, hi);
  return toIPC([
    { name: "id", type: new A.Int64(), nullable: false, values: s(cols.id) },
    { name: "category", type: new A.Utf8(), nullable: true, values: s(cols.category) },
    { name: "score", type: new A.Float64(), nullable: true, values: s(cols.score) },
    { name: "vec", type: vecType, nullable: true, values: s(cols.vec) },
  ], 4096);
}

const f32vec = (dim) => new A.FixedSizeList(dim, new A.Field("item", new A.Float32(), true));
const u8vec = (dim) => new A.FixedSizeList(dim, new A.Field("item", new A.Uint8(), true));

// queries for float data: copies of stored vectors (duplicated ones, a deleted one, first,
// last), points near the centres, one far away, one uniform random
function floatQueries(r, centres, vecs, picks, noise) {
  const qs = [];
  for (const i of picks) qs.push({ vec: vecs[i].slice(), note: `= row ${i} (id ${idOf(i)})` });
  while (qs.length < 18) {
    const c = centres[r.int(0, centres.length - 1)];
    qs.push({ vec: c.map((x) => Math.fround(x + gauss(r) * noise)), note: "near a centre" });
  }
  qs.push({ vec: centres[0].map((x) => Math.fround(x * 10 + 1)), note: "far away" });
  qs.push({ vec: centres[0].map(() => Math.fround(r.f() * 2 - 1)), note: "uniform random" });
  return qs;
}

// ---------------------------------------------------------------- datasets
const SMALL_FILTERS = [
  { where: "category = 'c' AND score > 0.5", note: "the brief's example, ~200 rows" },
  { where: "category = 'a'", note: "one category" },
  { where: "score < 0.02", note: "~40 rows: fewer than k=50" },
  { where: "id >= 14601 AND id <= 15091", note: "50 rows incl. a null vector (id 14681) and the zero vector (id 15001): < k=50" },
  { where: "category IS NULL", note: "null categories, ~48 rows" },
  { where: "score > 2", note: "no row" },
  // docs/sql.md: conditions the table cannot evaluate (OR among them) are applied by SQLite
  // after the search; knn_expect.mjs also records LanceDB's postfilter() answer for them
  { where: "category = 'b' OR score < 0.1", note: "OR: LanceDB prefilters it", sqlite_postfilter: true },
  { where: "category IN ('d', 'e') AND score <= 0.25", note: "IN list" },
];

function smallDataset(name, storage) {
  return {
    name, storage, dim: 8, elem: "float32", metrics: ["l2", "cosine", "dot"], seed: 11,
    build(r) {
      const n = 2000;
      const { centres, vecs } = floatRows(r, n, 8, { nc: 12, spread: 1, noise: 0.25 });
      const { dups, nulls } = addDupsAndNulls(vecs, { dupEvery: 53, dupBack: 3, nullEvery: 97, nullAt: 13 });
      vecs[1500] = new Array(8).fill(0); // zero vector: cosine 0/0
      const cols = { ...commonCols(r, n), vec: vecs };
      const queries = floatQueries(r, centres, vecs, [4, 7, 20, 0, 1999, 60].filter((i) => vecs[i]), 0.25);
      queries.push({ vec: new Array(8).fill(0), note: "zero query (cosine: 0/0 for every row)", extra: true });
      return {
        frags: [[0, n]], vecType: f32vec(8), cols, queries, dups, nulls, zero: [1500], deleteWhere: null,
        filters: SMALL_FILTERS,
      };
    },
  };
}

function fragDataset(name, stableIds) {
  return {
    name, storage: "2.2", stableIds, dim: 64, elem: "float32", metrics: ["l2", "cosine", "dot"], seed: 23,
    build(r) {
      const n = 3000;
      const { centres, vecs } = floatRows(r, n, 64, { nc: 10, spread: 1, noise: 0.35 });
      // duplicates reach back 1000 rows: a copy lives in the next fragment
      const { dups, nulls } = addDupsAndNulls(vecs, { dupEvery: 71, dupBack: 1000, nullEvery: 113, nullAt: 50 });
      const cols = { ...commonCols(r, n), vec: vecs };
      // row 1001 copies row 1, which is deleted: the copy must come first at distance 0;
      // row 1072 copies row 72 (both live: a tie across fragments); 1234, 2500 are deleted
      const queries = floatQueries(r, centres, vecs, [1, 1072, 20, 2500, 1234, 2999].filter((i) => vecs[i]), 0.35);
      return {
        frags: [[0, 1000], [1000, 2000], [2000, 3000]], vecType: f32vec(64), cols, queries, dups, nulls, zero: [],
        deleteWhere: "id % 100 = 31 OR id = 11 OR (id >= 12341 AND id <= 12401) OR id = 25001",
        filters: [
          { where: "category = 'b'", note: "one category across fragments" },
          { where: "score > 0.97", note: "~90 rows" },
          { where: "id >= 9991 AND id <= 10491 AND score < 0.5", note: "across the fragment 0/1 border, < k=50" },
        ],
      };
    },
  };
}

function bigDimDataset(name) {
  return {
    name, storage: "2.2", dim: 768, elem: "float32", metrics: ["l2", "cosine", "dot"], seed: 37,
    build(r) {
      const n = 1000;
      const { centres, vecs } = floatRows(r, n, 768, { nc: 8, spread: 1, noise: 0.6, normalize: true });
      const { dups, nulls } = addDupsAndNulls(vecs, { dupEvery: 61, dupBack: 5, nullEvery: 89, nullAt: 44 });
      const cols = { ...commonCols(r, n), vec: vecs };
      const nc = centres.map((c) => { const s = Math.sqrt(c.reduce((a, x) => a + x * x, 0)); return c.map((x) => x / s); });
      const queries = floatQueries(r, nc, vecs, [7, 20, 0, 999, 512, 68].filter((i) => vecs[i]), 0.02);
      return {
        frags: [[0, n]], vecType: f32vec(768), cols, queries, dups, nulls, zero: [], deleteWhere: null,
        filters: [{ where: "category = 'c' AND score > 0.5", note: "~100 rows" }],
      };
    },
  };
}

function hammingDataset(name) {
  return {
    name, storage: "2.2", dim: 16, elem: "uint8", metrics: ["hamming"], seed: 53,
    build(r) {
      const n = 1500;
      // clustered bit strings: each row flips a few random bits of its centre
      const centres = Array.from({ length: 10 }, () => Array.from({ length: 16 }, () => r.int(0, 255)));
      const vecs = [];
      for (let i = 0; i < n; i++) {
        const v = centres[r.int(0, 9)].slice();
        for (let f = r.int(0, 12); f > 0; f--) { const b = r.int(0, 127); v[b >> 3] ^= 1 << (b & 7); }
        vecs.push(v);
      }
      const { dups, nulls } = addDupsAndNulls(vecs, { dupEvery: 53, dupBack: 3, nullEvery: 97, nullAt: 13 });
      const cols = { ...commonCols(r, n), vec: vecs };
      const queries = [4, 7, 20, 0, 1499, 700].filter((i) => vecs[i]).map((i) => ({ vec: vecs[i].slice(), note: `= row ${i} (id ${idOf(i)})` }));
      while (queries.length < 18) {
        const v = centres[r.int(0, 9)].slice();
        for (let f = r.int(0, 20); f > 0; f--) { const b = r.int(0, 127); v[b >> 3] ^= 1 << (b & 7); }
        queries.push({ vec: v, note: "near a centre" });
      }
      queries.push({ vec: centres[0].map((x) => x ^ 255), note: "complement of a centre" });
      queries.push({ vec: new Array(16).fill(0), note: "all zero bits" });
      return {
        frags: [[0, n]], vecType: u8vec(16), cols, queries, dups, nulls, zero: [], deleteWhere: null,
        filters: [
          { where: "category = 'c' AND score > 0.5", note: "~150 rows" },
          { where: "score < 0.02", note: "< k=50" },
        ],
      };
    },
  };
}

export function knnDatasets() {
  return [
    smallDataset("knn_f32x8", "2.2"),        // (a)
    fragDataset("knn_f32x64_frag", false),   // (b) 3 fragments + deletion, row ids = addresses
    fragDataset("knn_f32x64_frag_rid1", true), //   same with stable row ids
    bigDimDataset("knn_f32x768"),            // (c)
    hammingDataset("knn_u8x16"),             // (d) hamming on uint8
    smallDataset("knn_f32x8_s21", "2.1"),    // (e) (a) in storage 2.1
    smallDataset("knn_f32x8_legacy", "legacy"), // (f) (a) in legacy (v1) files
  ];
}

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node knn_gen.mjs OUTDIR [filter-regex]"); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
  const dbdir = join(out, "db");
  mkdirSync(dbdir, { recursive: true });
  const db = await lancedb.connect(dbdir);
  const todo = knnDatasets().filter((d) => !filter || filter.test(d.name));
  let failed = 0;
  const t0 = Date.now();
  for (const d of todo) {
    const path = join(dbdir, `${d.name}.lance`);
    rmSync(path, { recursive: true, force: true });
    try {
      const r = rngFrom(d.seed * 7919);
      const b = d.build(r);
      const opts = { new_table_data_storage_version: d.storage, new_table_enable_stable_row_ids: d.stableIds ? "true" : "false" };
      const [f0, ...rest] = b.frags;
      await db.inner.createTable(d.name, ipc(b.cols, b.vecType, f0[0], f0[1]), "create", [], opts);
      const table = await db.openTable(d.name);
      for (const [lo, hi] of rest) await table.inner.add(ipc(b.cols, b.vecType, lo, hi), "append");
      if (b.deleteWhere) await table.delete(b.deleteWhere);
      const frags = readdirSync(join(path, "data")).filter((f) => f.endsWith(".lance")).length;
      if (frags !== b.frags.length) throw new Error(`expected ${b.frags.length} data files, found ${frags}`);
      const dels = existsSync(join(path, "_deletions")) ? readdirSync(join(path, "_deletions")) : [];
      if (b.deleteWhere && !dels.length) throw new Error("no deletion file");
      mkdirSync(join(out, d.name), { recursive: true });
      writeFileSync(join(out, d.name, "gen.json"), JSON.stringify({
        name: d.name, path, storage: d.storage, stable_row_ids: !!d.stableIds, elem: d.elem, dim: d.dim,
        rows: b.cols.id.length, fragments: b.frags.length, delete_where: b.deleteWhere, deletion_files: dels.sort(),
        metrics: d.metrics, filters: b.filters,
        dup_rows: b.dups.map(idOf), null_vector_ids: b.nulls.map(idOf), zero_vector_ids: b.zero.map(idOf),
        queries: b.queries, version: await table.version(),
      }) + "\n");
      table.close();
    } catch (e) {
      console.error(`knn_gen: ${d.name}: ${e.stack || e.message}`);
      failed++;
    }
  }
  console.log(`knn_gen: ${todo.length - failed} datasets written in ${((Date.now() - t0) / 1000).toFixed(1)}s${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
