// node ann_gen.mjs OUTDIR
// Vector-index interop (ann_run.sh): LanceDB 0.39 writes clustered float32 datasets under
// OUTDIR/db/ and builds one vector index on each: every index type LanceDB's JS API
// builds (IVF_FLAT, IVF_PQ, IVF_HNSW_SQ, IVF_HNSW_PQ) with each metric (l2, cosine,
// dot) on 6,000 x 32; IVF_PQ and IVF_HNSW_SQ on 2,000 x 768; and "life" tables where
// rows are appended after the index (an unindexed fragment) and deleted. Each dataset's
// OUTDIR/<name>/gen.json names it, its index, the versions before and after the index,
// and the query vectors. ann_expect.mjs records LanceDB's answers.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { rngFrom } from "./gen.mjs";

const CATS = ["a", "b", "c", "d"];

function gauss(r) {
  let u = 0;
  while (u === 0) u = r.f();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.f());
}

// n rows around nc centres (deterministic in the seed)
function clustered(seed, n, dim, nc) {
  const r = rngFrom(seed);
  const centres = Array.from({ length: nc }, () => Array.from({ length: dim }, () => gauss(r)));
  const vecs = [], cats = [];
  for (let i = 0; i < n; i++) {
    const c = centres[r.int(0, nc - 1)];
    vecs.push(c.map((x) => Math.fround(x + 0.35 * gauss(r))));
    cats.push(CATS[r.int(0, CATS.length - 1)]);
  }
  // queries: near data points, and a few random points
  const queries = [];
  for (let i = 0; i < 12; i++) {
    const v = vecs[r.int(0, n - 1)];
    queries.push(v.map((x) => Math.fround(x + 0.2 * gauss(r))));
  }
  for (let i = 0; i < 4; i++) queries.push(Array.from({ length: dim }, () => Math.fround(gauss(r))));
  return { vecs, cats, queries };
}

function ipc(d, lo, hi, idBase = 0) {
  const dim = d.vecs[0].length;
  return toIPC([
    { name: "id", type: new A.Int64(), nullable: false, values: d.vecs.slice(lo, hi).map((_, i) => BigInt(idBase + lo + i)) },
    { name: "cat", type: new A.Utf8(), nullable: true, values: d.cats.slice(lo, hi) },
    { name: "vec", type: new A.FixedSizeList(dim, new A.Field("item", new A.Float32(), true)), nullable: true, values: d.vecs.slice(lo, hi) },
  ], 8192);
}

const INDEX = {
  IVF_FLAT: (m, p) => lancedb.Index.ivfFlat({ distanceType: m, numPartitions: p }),
  IVF_PQ: (m, p, dim) => lancedb.Index.ivfPq({ distanceType: m, numPartitions: p, numSubVectors: dim / 4 }),
  IVF_HNSW_SQ: (m, p) => lancedb.Index.hnswSq({ distanceType: m, numPartitions: p }),
  IVF_HNSW_PQ: (m, p, dim) => lancedb.Index.hnswPq({ distanceType: m, numPartitions: p, numSubVectors: dim / 4 }),
};

async function build(db, out, spec) {
  const d = clustered(spec.seed, spec.n, spec.dim, 24);
  await db.inner.createTable(spec.name, ipc(d, 0, spec.n), "create", [], {});
  const t = await db.openTable(spec.name);
  const before = await t.version();
  await t.createIndex("vec", { config: INDEX[spec.type](spec.metric, spec.parts, spec.dim) });
  const indexed = await t.version();
  let appended = null;
  if (spec.life) {
    // rows after the index: an unindexed fragment; then deletes in both fragments
    const extra = clustered(spec.seed + 1, 1000, spec.dim, 24);
    await t.inner.add(ipc(extra, 0, 1000, 1000000), "append");
    await t.delete("id % 7 = 3");
    appended = await t.version();
  }
  const info = { name: spec.name, type: spec.type, metric: spec.metric, dim: spec.dim,
                 parts: spec.parts, before, indexed, appended, queries: d.queries };
  mkdirSync(join(out, spec.name), { recursive: true });
  writeFileSync(join(out, spec.name, "gen.json"), JSON.stringify(info));
}

export function specs() {
  const s = [];
  let seed = 101;
  for (const type of Object.keys(INDEX))
    for (const metric of ["l2", "cosine", "dot"])
      s.push({ name: `${type.toLowerCase()}_${metric}`, type, metric, n: 6000, dim: 32,
               parts: type.includes("HNSW") ? 4 : 16, seed: seed++ });
  s.push({ name: "ivf_pq_768", type: "IVF_PQ", metric: "l2", n: 2000, dim: 768, parts: 8, seed: seed++ });
  s.push({ name: "ivf_hnsw_sq_768", type: "IVF_HNSW_SQ", metric: "cosine", n: 2000, dim: 768, parts: 4, seed: seed++ });
  s.push({ name: "life_ivf_pq", type: "IVF_PQ", metric: "l2", n: 6000, dim: 32, parts: 16, seed: seed++, life: 1 });
  s.push({ name: "life_hnsw_sq", type: "IVF_HNSW_SQ", metric: "l2", n: 6000, dim: 32, parts: 4, seed: seed++, life: 1 });
  return s;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  const db = await lancedb.connect(join(out, "db"));
  for (const spec of specs()) {
    const t0 = Date.now();
    await build(db, out, spec);
    if (process.env.ANN_VERBOSE) console.log(spec.name, Date.now() - t0, "ms");
  }
}
