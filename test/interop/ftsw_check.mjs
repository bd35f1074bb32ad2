// node ftsw_check.mjs OUT LANCE_DUMP init|updated|optimized
// Compares, for each configuration of ftsw_gen.mjs, LanceDB 0.39 on the index the
// extension built ("ours") with LanceDB on its own index of the same rows ("theirs"):
//   - listIndices: name, type, columns, indexDetails, indexVersion, unindexed rows
//     (and indexStats' counts before any update);
//   - every query: the same ids with the same _score (1e-5 relative), equal scores in
//     any order, a tie cut at the limit tolerated;
//   - init: lance-dump --fts-index of both indexes, line for line (tokens, rows,
//     frequencies, positions: our reader on our index against LanceDB's).
// Prints "ftsw <phase>: N passed, N failed"; exits 1 on a failure.
import * as lancedb from "@lancedb/lancedb";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [out, dump, phase] = process.argv.slice(2);
const configs = JSON.parse(readFileSync(join(out, "configs.json"), "utf8"));
const db = await lancedb.connect(join(out, "db"));
let pass = 0, fail = 0;
const check = (ok, what) => { if (ok) pass++; else { fail++; console.log(`FAIL ${what}`); } };

async function search(t, q) {
  const res = await t.query().fullTextSearch(q).limit(25).select(["id"]).toArray();
  return res.map((x) => [Number(x.id), x._score]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

function sameHits(a, b) {
  if (a.length !== b.length) return `${a.length} vs ${b.length} hits`;
  for (let i = 0; i < a.length; i++)
    if (Math.abs(a[i][1] - b[i][1]) > 1e-5 * Math.max(1, Math.abs(b[i][1]))) return `score ${i}: ${a[i][1]} vs ${b[i][1]}`;
  const last = b.length ? b[b.length - 1][1] : 0;
  const key = (h) => h.filter((x) => x[1] > last + 1e-5 * Math.abs(last)).map((x) => x[0]).sort((p, q) => p - q).join(",");
  return key(a) === key(b) ? null : `ids ${key(a)} vs ${key(b)}`;
}

function dumpLines(ds) {
  return execFileSync(dump, ["--fts-index", ds, "text_idx"], { maxBuffer: 1 << 28 }).toString().split("\n").sort();
}

for (const c of configs) {
  const ours = await db.openTable(`${c.name}_ours`), theirs = await db.openTable(`${c.name}_theirs`);
  const io = (await ours.listIndices()).find((i) => i.name === "text_idx");
  const it = (await theirs.listIndices()).find((i) => i.name === "text_idx");
  check(io && it, `${c.name}: text_idx listed on both`);
  if (!io || !it) continue;
  for (const k of ["indexType", "columns", "typeUrl", "indexVersion", "numUnindexedRows", "indexDetails"])
    check(JSON.stringify(io[k]) === JSON.stringify(it[k]), `${c.name}: listIndices ${k}: ${JSON.stringify(io[k])} vs ${JSON.stringify(it[k])}`);
  const so = await ours.indexStats("text_idx"), st = await theirs.indexStats("text_idx");
  if (phase === "init") check(JSON.stringify(so) === JSON.stringify(st), `${c.name}: indexStats ${JSON.stringify(so)} vs ${JSON.stringify(st)}`);
  if (phase === "optimized") check(so.numUnindexedRows === 0 && st.numUnindexedRows === 0, `${c.name}: optimized, unindexed ${so.numUnindexedRows} / ${st.numUnindexedRows}`);
  for (const q of c.queries) {
    const d = sameHits(await search(ours, q), await search(theirs, q));
    check(d === null, `${c.name}: query '${q}': ${d}`);
  }
  if (phase === "init") {
    const a = dumpLines(join(out, "db", `${c.name}_ours.lance`)), b = dumpLines(join(out, "db", `${c.name}_theirs.lance`));
    const i = a.findIndex((l, k) => l !== b[k]);
    check(a.length === b.length && i < 0, `${c.name}: lance-dump --fts-index differs (${a.length} vs ${b.length} lines${i >= 0 ? `, first at ${a[i]} / ${b[i]}` : ""})`);
  }
}
console.log(`ftsw ${phase}: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
