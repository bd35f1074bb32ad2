// node ann_expect.mjs OUTDIR
// LanceDB 0.39's answers for every dataset ann_gen.mjs wrote: for each query vector, the
// 10 nearest rows (id, _distance) with the index under several settings (defaults,
// nprobes, refine_factor, ef for HNSW), with a prefilter, with the query metric differing
// from the index's, with the index bypassed, and at the version before the index existed.
// Written to OUTDIR/<name>/expect.json as cases {label, version, opts (the SQL _options
// text), metric (or null), filter ("cat = 'a'" or null), query index, rows [[id, d]...]}.
import * as lancedb from "@lancedb/lancedb";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const K = 10;

function settings(g) {
  const s = [
    { label: "default", opts: null },
    { label: "nprobes=4", opts: "nprobes=4", nprobes: 4 },
    { label: "refine", opts: "refine_factor=5", refine: 5 },
    { label: "nprobes=2 refine", opts: "nprobes=2 refine_factor=3", nprobes: 2, refine: 3 },
    { label: "prefilter", opts: null, filter: "cat = 'a'" },
    { label: "exact", opts: "exact=1", exact: 1 },
    { label: "other metric", opts: null, metric: g.metric === "dot" ? "l2" : "dot" },
  ];
  if (g.type.includes("HNSW")) s.push({ label: "ef=40", opts: "ef=40", ef: 40 });
  return s;
}

async function run(t, q, s) {
  let b = t.query().nearestTo(q).limit(K);
  if (s.nprobes) b = b.nprobes(s.nprobes);
  if (s.refine) b = b.refineFactor(s.refine);
  if (s.ef) b = b.ef(s.ef);
  if (s.exact) b = b.bypassVectorIndex();
  if (s.metric) b = b.distanceType(s.metric);
  if (s.filter) b = b.where(s.filter);
  return (await b.select(["id"]).toArray()).map((r) => [Number(r.id), r._distance]);
}

const out = process.argv[2];
const db = await lancedb.connect(join(out, "db"));
for (const name of readdirSync(out).sort()) {
  const gp = join(out, name, "gen.json");
  if (!existsSync(gp)) continue;
  const g = JSON.parse(readFileSync(gp, "utf8"));
  const t = await db.openTable(g.name);
  const cases = [];
  const latest = g.appended ?? g.indexed;
  for (const s of settings(g)) {
    await t.checkout(latest);
    for (let qi = 0; qi < g.queries.length; qi++)
      cases.push({ label: s.label, version: latest, opts: s.opts ?? null, metric: s.metric ?? null,
                   filter: s.filter ?? null, query: qi, rows: await run(t, g.queries[qi], s) });
  }
  await t.checkout(g.before); // no index in this version: an exact search
  for (let qi = 0; qi < g.queries.length; qi++)
    cases.push({ label: "before the index", version: g.before, opts: null, metric: null, filter: null,
                 query: qi, rows: await run(t, g.queries[qi], {}) });
  writeFileSync(join(out, name, "expect.json"), JSON.stringify(cases));
}
