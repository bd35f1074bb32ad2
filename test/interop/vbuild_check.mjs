// node vbuild_check.mjs OUT SO PHASE
// Checks of the vector-index writer suite (vbuild_run.sh), per configuration of
// vbuild_gen.mjs: LanceDB 0.39 lists the index the extension built (name, type, column,
// distance type, indexed / unindexed rows as on its own index), and recall@10 against an
// exact search (LanceDB's flat search, bypassVectorIndex) over 100 queries at LanceDB's
// default nprobes: LanceDB searching our index, and the extension searching our index
// (`vec MATCH ... AND _k = 10`), each within 0.02 of LanceDB searching its own index built
// with the same parameters (the mean of its three builds, vbuild_gen.mjs THEIRS; IVF_SQ,
// which LanceDB does not build here: of LanceDB's IVF_FLAT recall minus 0.05).
import * as lancedb from "@lancedb/lancedb";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sqlite } from "./sqlite_cli.mjs";
import { THEIRS } from "./vbuild_gen.mjs";

const [out, so, phase] = process.argv.slice(2);
const { configs, queries } = JSON.parse(readFileSync(join(out, "configs.json"), "utf8"));
const db = await lancedb.connect(join(out, "db"));
let failures = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failures++; console.log(`FAIL ${phase}: ${what}`); } };

async function ids(t, q, metric, exact) {
  let b = t.search(q).distanceType(metric).select(["id"]).limit(10);
  if (exact) b = b.bypassVectorIndex();
  return (await b.toArray()).map((r) => Number(r.id));
}
const recall = (got, truth) => got.filter((x) => truth.includes(x)).length / truth.length;

// the extension's answers to every query, in one sqlite3 run
function oursSql(path) {
  let sql = `CREATE VIRTUAL TABLE t USING lance('${resolve(path)}');\n`;
  queries.forEach((q, i) => { sql += `SELECT ${i}, id FROM t WHERE vec MATCH '${JSON.stringify(q)}' AND _k = 10;\n`; });
  const got = queries.map(() => []);
  for (const l of sqlite(so, sql).trim().split("\n")) {
    const [i, id] = l.split("|").map(Number);
    got[i].push(id);
  }
  return got;
}

const recalls = {};
for (const c of configs) {
  if (process.env.VBUILD_ONLY && !process.env.VBUILD_ONLY.split(",").includes(c.name)) continue;
  const ext = oursSql(join(out, "db", `${c.name}_ours.lance`));
  const ours = await db.openTable(`${c.name}_ours`);
  const all = c.type === "IVF_SQ" ? [] : await Promise.all(THEIRS.map((s) => db.openTable(`${c.name}_${s}`)));
  const theirs = all[0] ?? null;
  const li = await ours.listIndices();
  check(li.length === 1 && li[0].name === "vec_idx" && li[0].columns.join() === "vec", `${c.name}: listIndices ${JSON.stringify(li)}`);
  const want = { IVF_FLAT: "IvfFlat", IVF_PQ: "IvfPq", IVF_SQ: "IvfSq", IVF_HNSW_SQ: "IvfHnswSq" }[c.type];
  check(li[0]?.indexType === want, `${c.name}: indexType ${li[0]?.indexType}, want ${want}`);
  const st = await ours.indexStats("vec_idx");
  check(st && st.distanceType === c.metric && st.numIndices === 1, `${c.name}: stats ${JSON.stringify(st)}`);
  if (phase === "optimized") check(st.numUnindexedRows === 0, `${c.name}: optimized, ${st.numUnindexedRows} rows unindexed`);
  if (theirs) {
    const ts = await theirs.indexStats("vec_idx");
    check(st.numIndexedRows === ts.numIndexedRows && st.numUnindexedRows === ts.numUnindexedRows &&
          st.indexType === ts.indexType, `${c.name}: stats ${JSON.stringify(st)} vs LanceDB's ${JSON.stringify(ts)}`);
  }
  let rt = 0, ro = 0, rs = 0;
  for (const [qi, q] of queries.entries()) {
    const truth = await ids(ours, q, c.metric, true);
    ro += recall(await ids(ours, q, c.metric, false), truth);
    rs += recall(ext[qi], truth);
    for (const t of all) rt += recall(await ids(t, q, c.metric, false), truth) / all.length;
  }
  const n = queries.length;
  recalls[c.name] = { theirs: theirs ? rt / n : null, lancedb_on_ours: ro / n, ext_on_ours: rs / n };
  const ref = theirs ? rt / n : (recalls[c.name.replace("sq_", "flat_")]?.theirs ?? 1) - 0.05;
  check(ro / n >= ref - 0.02, `${c.name}: LanceDB's recall@10 on our index ${ro / n} < ${ref} - 0.02`);
  check(rs / n >= ref - 0.02, `${c.name}: the extension's recall@10 on our index ${rs / n} < ${ref} - 0.02`);
}
for (const [k, v] of Object.entries(recalls))
  console.log(`${phase} ${k}: recall@10 LanceDB on its index ${v.theirs?.toFixed(3) ?? "-"}, LanceDB on ours ${v.lancedb_on_ours.toFixed(3)}, extension on ours ${v.ext_on_ours.toFixed(3)}`);
console.log(`vbuild ${phase}: ${checks - failures}/${checks} checks passed`);
process.exit(failures ? 1 : 0);
