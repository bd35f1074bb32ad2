// node ftssql_expect.mjs OUTDIR
// For the dataset ftssql_gen.mjs wrote, asks LanceDB 0.39 every full-text and hybrid
// case and writes OUTDIR/<name>/expect.json: {cases: [{case, match (the text the SQL
// MATCH gets: plain text or the JSON query object), column, k (null: every match), where,
// version, vec (hybrid), rows: [{_rowid, id, score}] in LanceDB's order | error}]}.
// `score` is _score (text) or _relevance_score (hybrid).
import * as lancedb from "@lancedb/lancedb";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rngFrom } from "./gen.mjs";

const ALL = 100000;

// a query spec -> [LanceDB query object, the JSON text LanceDB's serde form gives]
function build(s) {
  switch (s.kind) {
    case "match": {
      const o = { boost: s.boost ?? 1, fuzziness: s.fuzziness ?? 0, maxExpansions: s.max_expansions ?? 50,
        operator: s.operator === "AND" ? lancedb.Operator.And : lancedb.Operator.Or, prefixLength: s.prefix_length ?? 0 };
      const json = { match: { column: s.column, terms: s.terms, boost: o.boost, fuzziness: o.fuzziness,
        max_expansions: o.maxExpansions, operator: s.operator === "AND" ? "And" : "Or", prefix_length: o.prefixLength } };
      return [new lancedb.MatchQuery(s.terms, s.column, o), json];
    }
    case "phrase":
      return [new lancedb.PhraseQuery(s.terms, s.column, { slop: s.slop ?? 0 }),
        { phrase: { column: s.column, terms: s.terms, slop: s.slop ?? 0 } }];
    case "boost": {
      const [p, pj] = build(s.positive), [n, nj] = build(s.negative);
      return [new lancedb.BoostQuery(p, n, { negativeBoost: s.negative_boost }),
        { boost: { positive: pj, negative: nj, negative_boost: s.negative_boost } }];
    }
    case "multi_match":
      return [new lancedb.MultiMatchQuery(s.terms, s.columns, { boosts: s.boosts }),
        { multi_match: { query: s.terms, columns: s.columns, boost: s.boosts } }];
    case "boolean": {
      const parts = [], json = { should: [], must: [], must_not: [] };
      for (const [occ, q] of s.clauses) {
        const [o, j] = build(q);
        parts.push([occ === "must" ? lancedb.Occur.Must : occ === "must_not" ? lancedb.Occur.MustNot : lancedb.Occur.Should, o]);
        json[occ].push(j);
      }
      return [new lancedb.BooleanQuery(parts), { boolean: json }];
    }
  }
  throw new Error("unknown kind " + s.kind);
}

const m = (terms, extra = {}) => ({ kind: "match", column: "body", terms, ...extra });

function cases(gen) {
  const c = [];
  const add = (name, spec, o = {}) => c.push({ case: name, spec, ...o });
  for (const q of ["rain", "night street", "Pedestrians crossing the wet road", "umbrella siren", "zzz"])
    for (const k of [1, 10, null]) add(`plain '${q}' k=${k}`, q, { k });
  add("plain prefilter category", "rain night", { k: 10, where: "category = 'night'" });
  add("plain prefilter n", "car truck bus", { k: 20, where: "n > 60" });
  add("plain prefilter both", "street", { k: null, where: "category = 'dawn' AND n < 30" });
  add("plain old version", "rain night", { k: 10, version: gen.v_index });
  add("match AND", m("rain street", { operator: "AND" }), { k: null });
  add("match OR boost", m("fog snow", { boost: 2.5 }), { k: 10 });
  add("match fuzzy 1", m("pedestrain", { fuzziness: 1 }), { k: null });
  add("match fuzzy 2 prefix", m("umbrela", { fuzziness: 2, prefix_length: 2 }), { k: null });
  add("phrase", { kind: "phrase", column: "body", terms: "rain night" }, { k: null });
  add("phrase slop 1", { kind: "phrase", column: "body", terms: "street car", slop: 1 }, { k: null });
  add("phrase without positions", { kind: "phrase", column: "title", terms: "rain night" }, { k: 10 });
  add("boolean", { kind: "boolean", clauses: [["must", m("rain")], ["should", m("night")], ["must_not", m("car")]] }, { k: null });
  add("boost query", { kind: "boost", positive: m("street"), negative: m("car"), negative_boost: 0.3 }, { k: 10 });
  add("multi_match", { kind: "multi_match", terms: "rain fog", columns: ["title", "body"], boosts: [2, 1] }, { k: 10 });
  // hybrid: LanceDB orders rows of equal BM25 score (or distance) arbitrarily, and RRF
  // turns that order into different relevances; so the hybrid cases use queries whose
  // text and vector rankings have no ties in their first k + 1 rows (tieFree below)
  const r = rngFrom(7);
  const vecs = Array.from({ length: 12 }, () => Array.from({ length: 8 }, () => Math.fround(r.f() * 2 - 1)));
  for (const [q, k] of [["rain night", 10], ["wet road crossing", 10], ["fog snow bridge", 10],
    ["dog umbrella", 5], ["market crowd sign", 10]])
    add(`hybrid '${q}' k=${k}`, q, { k, hybrid: vecs });
  for (const q of ["street corner", "wet road crossing", "taxi bus driver"])
    add(`hybrid '${q}' prefilter`, q, { k: 10, where: "category = 'day'", hybrid: vecs });
  return c;
}

const distinct = (xs) => xs.every((x, i) => i === 0 || Math.abs(x - xs[i - 1]) > 1e-6 * Math.abs(x));

// the first of the vectors whose vector and text rankings (k + 1 rows) have no ties
async function tieFree(table, cs) {
  let f = table.query().fullTextSearch(cs.spec, { columns: ["body"] }).withRowId().limit(cs.k + 1);
  if (cs.where) f = f.where(cs.where);
  if (!distinct((await f.toArray()).map((x) => x._score))) throw new Error(`${cs.case}: BM25 ties`);
  for (const v of cs.hybrid) {
    let q = table.query().nearestTo(Float32Array.from(v)).withRowId().limit(cs.k + 1);
    if (cs.where) q = q.where(cs.where);
    if (distinct((await q.toArray()).map((x) => x._distance))) return v;
  }
  throw new Error(`${cs.case}: no tie-free vector`);
}

async function answer(table, cs) {
  if (cs.hybrid) cs.vec = await tieFree(table, cs);
  const [q, json] = typeof cs.spec === "string" ? [cs.spec, null] : build(cs.spec);
  let s = table.query();
  s = typeof q === "string" ? s.fullTextSearch(q, { columns: ["body"] }) : s.fullTextSearch(q);
  if (cs.vec) s = s.nearestTo(Float32Array.from(cs.vec));
  s = s.withRowId().limit(cs.k ?? ALL).select(["id"]);
  if (cs.where) s = s.where(cs.where);
  const out = { case: cs.case, match: json ? JSON.stringify(json) : q, column: cs.spec.column ?? "body",
    k: cs.k, where: cs.where ?? null, version: cs.version ?? null, vec: cs.vec ?? null };
  try {
    const got = await s.toArray();
    out.rows = got.map((x) => ({ _rowid: Number(x._rowid), id: Number(x.id),
      score: cs.vec ? x._relevance_score : x._score }));
  } catch (e) {
    out.error = String(e.message ?? e).split("\n")[0];
  }
  return out;
}

async function main() {
  const outDir = process.argv[2];
  const gen = JSON.parse(readFileSync(join(outDir, "docs", "gen.json"), "utf8"));
  const db = await lancedb.connect(join(outDir, "db"));
  const latest = await db.openTable("docs");
  const old = await db.openTable("docs");
  await old.checkout(gen.v_index);
  const res = [];
  for (const cs of cases(gen)) res.push(await answer(cs.version ? old : latest, cs));
  writeFileSync(join(outDir, "docs", "expect.json"), JSON.stringify({ ...gen, cases: res }, null, 1));
  console.log(`ftssql_expect: ${res.length} cases, ${res.filter((x) => x.error).length} LanceDB errors`);
}

main().catch((e) => { console.error(e); process.exit(1); });
