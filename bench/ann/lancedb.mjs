// node bench/ann/lancedb.mjs DATA [CONFIGS]
//
// The LanceDB 0.39 side of the vector-index benchmark (bench/ann/bench.py reads
// what this writes).  DATA holds the sets bench/knn/make_data.mjs writes
// (NAME.lance, NAME.queries.f32, meta.json).  For each index configuration CFG
// (default: every one in CONFIGS below):
//
//   DATA/ann/CFG.lance   a copy of DATA/SET.lance (cp -r) on which LanceDB builds
//                        the index (createIndex on "vec", replace); made once:
//                        present with CFG.build.json means built
//   DATA/ann/CFG.build.json  {seconds, index_mb, type, params}: build wall time
//                        (createIndex alone) and the size of _indices/ in MB (10^6)
//   DATA/ann/CFG.lancedb.json  LanceDB's answers and times: for each setting
//                        (nprobes N, refine_factor R; "exact" = bypassVectorIndex)
//                        and each query, the 10 nearest ids, the wall time in ms
//                        of query().nearestTo(q).limit(10)...select(["id"])
//                        .toArray() and the process CPU time it took (all of
//                        LanceDB's threads: process.cpuUsage), after WARM untimed
//                        queries per setting; "first": the wall ms of the very
//                        first query on the freshly opened table (index not yet
//                        in LanceDB's cache; files in the page cache)
//
// Settings: nprobes 10, 20, 50 x refine_factor 1, 10, plus exact.  The metric is
// l2 (the index's; queries give none).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const lancedb = require("@lancedb/lancedb");

export const CONFIGS = {
  n1m_d128_ivf_pq: { set: "n1m_d128", type: "IVF_PQ", params: { numPartitions: 1000, numSubVectors: 16 } },
  n1m_d128_hnsw_sq: { set: "n1m_d128", type: "IVF_HNSW_SQ", params: { numPartitions: 1000 } },
  n100k_d768_ivf_pq: { set: "n100k_d768", type: "IVF_PQ", params: { numPartitions: 316, numSubVectors: 48 } },
  n100k_d768_hnsw_sq: { set: "n100k_d768", type: "IVF_HNSW_SQ", params: { numPartitions: 316 } },
};
export const NPROBES = [10, 20, 50];
export const REFINE = [1, 10];
const K = 10;
const WARM = 3;

const data = process.argv[2];
const names = (process.argv[3] ?? Object.keys(CONFIGS).join(",")).split(",");
if (!data || names.some((n) => !CONFIGS[n])) {
  console.error(`usage: node lancedb.mjs DATA [${Object.keys(CONFIGS).join(",")}]`);
  process.exit(2);
}
const meta = JSON.parse(readFileSync(join(data, "meta.json"), "utf8"));
const dir = join(data, "ann");
mkdirSync(dir, { recursive: true });

function duBytes(p) {
  let s = 0;
  for (const e of readdirSync(p, { withFileTypes: true }))
    s += e.isDirectory() ? duBytes(join(p, e.name)) : statSync(join(p, e.name)).size;
  return s;
}

function queries(set) {
  const { dim, queries: nq } = meta[set];
  const b = readFileSync(join(data, set + ".queries.f32"));
  const all = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  return Array.from({ length: nq }, (_, i) => Array.from(all.subarray(i * dim, (i + 1) * dim)));
}

async function build(name, cfg) {
  const bp = join(dir, name + ".build.json");
  if (existsSync(bp)) return JSON.parse(readFileSync(bp, "utf8"));
  execFileSync("rm", ["-rf", join(dir, name + ".lance")]);
  execFileSync("cp", ["-r", join(data, cfg.set + ".lance"), join(dir, name + ".lance")]);
  const db = await lancedb.connect(dir);
  const t = await db.openTable(name);
  const config = cfg.type === "IVF_PQ" ? lancedb.Index.ivfPq({ distanceType: "l2", ...cfg.params })
                                       : lancedb.Index.hnswSq({ distanceType: "l2", ...cfg.params });
  const t0 = process.hrtime.bigint();
  await t.createIndex("vec", { config, replace: true });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const b = { type: cfg.type, params: cfg.params, seconds, index_mb: duBytes(join(dir, name + ".lance", "_indices")) / 1e6 };
  writeFileSync(bp, JSON.stringify(b) + "\n");
  console.log(`${name}: LanceDB built ${cfg.type} in ${seconds.toFixed(1)} s, ${b.index_mb.toFixed(1)} MB`);
  return b;
}

async function search(t, q, s) {
  let b = t.query().nearestTo(q).limit(K);
  if (s.exact) b = b.bypassVectorIndex();
  else b = b.nprobes(s.nprobes).refineFactor(s.refine);
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  const rows = await b.select(["id"]).toArray();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6, c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000, ids: rows.map((r) => Number(r.id)) };
}

for (const name of names) {
  const cfg = CONFIGS[name];
  await build(name, cfg);
  const db = await lancedb.connect(dir);
  const t = await db.openTable(name);
  const qs = queries(cfg.set);
  const settings = [];
  for (const nprobes of NPROBES) for (const refine of REFINE) settings.push({ label: `nprobes=${nprobes} refine_factor=${refine}`, nprobes, refine });
  settings.push({ label: "exact", exact: 1 });
  const out = { first: (await search(t, qs[0], settings[2])).ms };
  for (const s of settings) {
    for (let i = 0; i < WARM; i++) await search(t, qs[i % qs.length], s);
    const res = [];
    for (const q of qs) res.push(await search(t, q, s));
    out[s.label] = { ms: res.map((r) => r.ms), cpu: res.map((r) => r.cpu), ids: res.map((r) => r.ids) };
    const ms = res.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`${name} ${s.label}: LanceDB p50 ${ms[Math.floor(ms.length / 2)].toFixed(2)} ms`);
  }
  writeFileSync(join(dir, name + ".lancedb.json"), JSON.stringify(out));
}
