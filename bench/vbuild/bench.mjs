// node bench/vbuild/bench.mjs OUTDIR SO [ROWS] [DIM]
// Vector index build time, LanceDB 0.39 against the extension (lance_create_index), on
// the same clustered float32 data (default 100,000 x 128, 1,000 centres), IVF_PQ with
// 256 partitions and 16 sub-vectors (l2), LanceDB's other defaults on both sides.
// Prints seconds (wall clock, and CPU: user + system of all threads, which a loaded
// machine distorts less) and recall@10 at nprobes 20 over 50 queries, measured by
// LanceDB's own search on each index against its exact (flat) search.
// Needs test/interop/node_modules (run from the repository root).
import * as A from "../../test/interop/node_modules/apache-arrow/Arrow.node.mjs";
import * as lancedb from "../../test/interop/node_modules/@lancedb/lancedb/dist/index.js";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { toIPC } from "../../test/interop/arrowbuild.mjs";
import { rngFrom } from "../../test/interop/gen.mjs";

const [out, so, rowsArg, dimArg] = process.argv.slice(2);
const N = Number(rowsArg || 100000), DIM = Number(dimArg || 128);
const r = rngFrom(1234);
const gauss = () => { let u = 0; while (u === 0) u = r.f(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.f()); };
const centres = Array.from({ length: 1000 }, () => Array.from({ length: DIM }, gauss));
const vecs = Array.from({ length: N }, () => centres[r.int(0, 999)].map((x) => Math.fround(x + 0.5 * gauss())));
const queries = Array.from({ length: 50 }, () => vecs[r.int(0, N - 1)].map((x) => Math.fround(x + 0.3 * gauss())));
const ipc = toIPC([
  { name: "id", type: new A.Int64(), nullable: false, values: vecs.map((_, i) => BigInt(i)) },
  { name: "vec", type: new A.FixedSizeList(DIM, new A.Field("item", new A.Float32(), true)), nullable: true, values: vecs },
], 8192);
const db = await lancedb.connect(join(out, "db"));
for (const side of ["ours", "theirs"]) await db.inner.createTable(side, ipc, "overwrite", [], {});

const theirs = await db.openTable("theirs");
let t0 = Date.now(), c0 = process.cpuUsage();
await theirs.createIndex("vec", { config: lancedb.Index.ivfPq({ numPartitions: 256, numSubVectors: 16 }) });
const tTheirs = (Date.now() - t0) / 1000, c1 = process.cpuUsage(c0);
const cTheirs = (c1.user + c1.system) / 1e6;
t0 = Date.now();
// /usr/bin/time -f "%U %S": the sqlite3 process's CPU seconds on stderr
const res = spawnSync("/usr/bin/time", ["-f", "%U %S", "sqlite3", "-batch", ":memory:", "-cmd", `.load ${resolve(so)}`,
  `SELECT lance_create_index('${resolve(join(out, "db", "ours.lance"))}', 'vec', 'IVF_PQ', 'num_partitions=256 num_sub_vectors=16');`], { encoding: "utf8" });
const tOurs = (Date.now() - t0) / 1000;
if (res.status !== 0) throw new Error(res.stderr);
const cOurs = res.stderr.trim().split("\n").pop().split(" ").map(Number).reduce((a, b) => a + b, 0);

const ours = await db.openTable("ours");
async function recall(t) {
  let s = 0;
  for (const q of queries) {
    const truth = (await t.search(q).select(["id"]).limit(10).bypassVectorIndex().toArray()).map((x) => x.id);
    const got = (await t.search(q).select(["id"]).limit(10).nprobes(20).toArray()).map((x) => x.id);
    s += got.filter((x) => truth.includes(x)).length / 10;
  }
  return s / queries.length;
}
console.log(`${N} x ${DIM}, IVF_PQ 256 partitions, 16 sub-vectors: LanceDB ${tTheirs.toFixed(1)} s ` +
  `(CPU ${cTheirs.toFixed(1)} s, recall@10 ${(await recall(theirs)).toFixed(3)}), extension ${tOurs.toFixed(1)} s ` +
  `(CPU ${cOurs.toFixed(1)} s, recall@10 with LanceDB's search ${(await recall(ours)).toFixed(3)}), ` +
  `wall ratio ${(tOurs / tTheirs).toFixed(2)}, CPU ratio ${(cOurs / cTheirs).toFixed(2)}`);
