// node fts_query_gen.mjs OUT [main|parts]
// LanceDB 0.39 builds tables with FTS indexes and answers every kind of full-text query on
// them; the answers are recorded for fts_query_check.mjs, which asks build/fts-tool (ext/fts's
// fts_search) the same queries (see fts_query_README.md):
//   OUT/db/<table>.lance     the tables
//   OUT/<table>.json         {table, cases: [{name, version, column, query, hits | error}]}
//                            query: the query as LanceDB's JSON (what fts_search parses),
//                            hits: [[_rowid, _score]...] as LanceDB returned them (all rows),
//                            error: LanceDB's message
// Group "main" builds table "docs" (three indexed columns, one without an index; searched at
// the index's version, after an append the index does not cover, and after deletions).
// Group "parts" (run with LANCE_FTS_NUM_SHARDS etc. small, see fts_query_run.sh) builds
// "parts", whose index LanceDB splits into several partitions.
import * as lancedb from "@lancedb/lancedb";
import { BooleanQuery, BoostQuery, MatchQuery, MultiMatchQuery, Occur, Operator, PhraseQuery } from "@lancedb/lancedb";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rngFrom } from "./gen.mjs";

// ---------------------------------------------------------------- text
// English words with inflections (stemming), stop words, capitals and accents (lower-casing,
// folding), and near neighbours for fuzzy matching; drawn Zipf-like so that the first words
// hold most documents (many posting blocks) and the last few.
const WORDS = [
  "the", "fox", "dog", "a", "quick", "brown", "lazy", "of", "search", "index", "and", "jumps",
  "running", "runs", "run", "runner", "table", "tables", "query", "queries", "to", "is", "score",
  "scores", "scoring", "vector", "Vectors", "text", "Texts", "word", "words", "phrase", "match",
  "matches", "matching", "fuzzy", "boost", "token", "tokens", "in", "it", "over", "kitten",
  "mitten", "sitting", "smitten", "kitchen", "kitty", "kittens", "bitten", "written", "café",
  "Café", "naïve", "Über", "lance", "Lance", "LANCE", "database", "databases", "column", "row",
  "rows", "apple", "apples", "applied", "apply", "banana", "cherry", "chery", "date", "elder",
  "searching", "searched", "indexes", "indexing", "tokenizer", "stemming", "stop", "was", "be",
  "serch", "qick", "brwn", "dgo", "foxes", "dogs", "jumped", "jumping",
];
const PHRASES = ["quick brown fox", "the lazy dog", "search the index", "brown fox jumps over the lazy dog",
  "fuzzy search", "kitten and mitten", "dog dog dog", "lance table index"];

function docText(r, len) {
  const w = [];
  while (w.length < len) {
    if (r.f() < 0.12) w.push(...r.pick(PHRASES).split(" "));
    else w.push(WORDS[Math.min(WORDS.length - 1, Math.floor(Math.pow(r.f(), 2.2) * WORDS.length))]);
  }
  return w.slice(0, len).join(r.f() < 0.8 ? " " : r.pick([", ", ". ", " - "]));
}

function rows(r, n, base) {
  return Array.from({ length: n }, (_, i) => {
    const id = base + i;
    let text = docText(r, r.int(1, 24));
    if (i === 3) text = null;                        // not a document
    if (i === 4) text = "";                          // no tokens: not a document
    if (i === 5) text = "the of a and";              // stop words only: not a document
    if (i === 6) text = Array(200).fill("dog").join(" ");
    // "quick brown fox" with slop 1: LanceDB's greedy walk misses the first (quick@3 brown@5
    // fox@7 would do) and finds the second (its cursors start on the first positions)
    if (i === 7) text = "quick table brown quick table brown table fox";
    if (i === 8) text = "brown table fox quick brown table fox";
    return { id, text, title: docText(r, r.int(1, 6)), tags: r.pick(["red fox", "brown dog", "lazy cat", "quick search", null]),
             note: docText(r, r.int(0, 10)), num: id * 1.5 };
  });
}

// ---------------------------------------------------------------- queries
// Query objects are written as LanceDB serialises them (what fts_search parses); lance()
// builds the same query with LanceDB's classes.
function lance(q) {
  if (typeof q === "string") return q;
  const [kind, v] = Object.entries(q)[0];
  switch (kind) {
    case "match":
      return new MatchQuery(v.terms, v.column, {
        boost: v.boost, fuzziness: "fuzziness" in v ? v.fuzziness : null, maxExpansions: v.max_expansions,
        operator: v.operator === "And" ? Operator.And : Operator.Or, prefixLength: v.prefix_length,
      });
    case "phrase": return new PhraseQuery(v.terms, v.column, { slop: v.slop });
    case "boost": return new BoostQuery(lance(v.positive), lance(v.negative), { negativeBoost: v.negative_boost });
    case "multi_match": return new MultiMatchQuery(v.query, v.columns, { boosts: v.boost });
    case "boolean":
      return new BooleanQuery([
        ...(v.should ?? []).map((x) => [Occur.Should, lance(x)]),
        ...(v.must ?? []).map((x) => [Occur.Must, lance(x)]),
        ...(v.must_not ?? []).map((x) => [Occur.MustNot, lance(x)]),
      ]);
  }
  throw new Error(`query kind ${kind}`);
}

const M = (terms, o = {}) => ({ match: { column: "text", terms, fuzziness: 0, ...o } });
const P = (terms, o = {}) => ({ phrase: { column: "text", terms, ...o } });

const DOCS_QUERIES = [
  // plain text on a column: a match (OR), exact
  ["plain", "text", "quick fox"], ["plain stop words", "text", "the of"], ["plain empty", "text", ""],
  ["plain stemmed", "text", "Running searches"], ["plain folded", "text", "cafe NAIVE uber"],
  ["plain title", "title", "Fox dog,"], ["plain tags ngram", "tags", "fox"], ["plain absent", "text", "zebra"],
  // match: OR, AND, boost
  ["or", "text", M("fox dog")], ["or repeated", "text", M("dog dog fox")],
  ["and", "text", M("quick fox", { operator: "And" })], ["and three", "text", M("brown fox lazy", { operator: "And" })],
  ["and absent", "text", M("fox zebra", { operator: "And" })], ["and stop word", "text", M("the fox", { operator: "And" })],
  ["boost", "text", M("fox", { boost: 2.5 })], ["boost zero", "text", M("dog", { boost: 0 })],
  ["and title", "title", M("quick brown", { column: "title", operator: "And" })],
  // fuzzy: the index side uses the bare simple tokenizer, Levenshtein over the FST
  ["fuzzy 1", "text", M("kitten", { fuzziness: 1 })], ["fuzzy 2", "text", M("kitten", { fuzziness: 2 })],
  ["fuzzy typo", "text", M("serch qick", { fuzziness: 1 })], ["fuzzy capital", "text", M("Kitten", { fuzziness: 1 })],
  ["fuzzy auto", "text", { match: { column: "text", terms: "kiten" } }], ["fuzzy auto null", "text", { match: { column: "text", terms: "kiten", fuzziness: null } }],
  ["fuzzy max 3", "text", M("kitten", { fuzziness: 2, max_expansions: 3 })],
  ["fuzzy max 1 two words", "text", M("kitten fox", { fuzziness: 1, max_expansions: 1 })],
  ["fuzzy budget", "text", M("bitten dgo", { fuzziness: 2, max_expansions: 4 })],
  ["fuzzy prefix 2", "text", M("kitten", { fuzziness: 2, prefix_length: 2 })],
  ["fuzzy prefix 4", "text", M("kitchen", { fuzziness: 2, prefix_length: 4 })],
  ["fuzzy and", "text", M("qick brwn", { fuzziness: 1, operator: "And" })],
  ["fuzzy boost", "text", M("mitten", { fuzziness: 1, boost: 3 })],
  ["fuzzy stemmed", "text", M("apple", { fuzziness: 1 })], ["fuzzy accent", "title", M("cafe naive", { column: "title", fuzziness: 1 })],
  // the fst crate's automaton limit (10000 states): 50 characters at distance 2 fit, 51 do not
  ["fuzzy long", "text", M("kitten" + "abcdefghij".repeat(4) + "abcd", { fuzziness: 2 })],
  ["fuzzy too long", "text", M("fox kitten" + "abcdefghij".repeat(4) + "abcde", { fuzziness: 2 })],
  ["fuzzy long accented", "text", M("éèêëàâäôöûüç".repeat(8), { fuzziness: 2 })], ["fuzzy title", "title", M("kitten", { column: "title", fuzziness: 1 })],
  // phrase: positions, slop, gaps of stop words
  ["phrase", "text", P("quick brown fox")], ["phrase slop 1", "text", P("quick fox", { slop: 1 })], ["phrase three slop 1", "text", P("quick brown fox", { slop: 1 })],
  ["phrase slop 2", "text", P("quick fox", { slop: 2 })], ["phrase reversed", "text", P("fox quick", { slop: 2 })],
  ["phrase stop gap", "text", P("search the index")], ["phrase stop gap 2", "text", P("search of index")],
  ["phrase leading stop", "text", P("the lazy dog")], ["phrase one word", "text", P("fox")],
  ["phrase repeated", "text", P("dog dog", { slop: 1 })], ["phrase three slop", "text", P("brown jumps dog", { slop: 2 })],
  ["phrase absent", "text", P("fox zebra")], ["phrase ngram", "tags", P("fox", { column: "tags" })],
  ["phrase no positions", "title", P("quick fox", { column: "title" })],
  // columns without an index: searched flat with a bare simple tokenizer
  ["no index", "note", M("fox Dog", { column: "note" })], ["no index and", "note", M("fox dog", { column: "note", operator: "And" })],
  ["no index phrase", "note", P("quick brown", { column: "note", slop: 1 })], ["no index boost", "note", M("kitten", { column: "note", boost: 2 })],
  // boolean, boost, multi_match
  ["should", "text", { boolean: { should: [M("fox"), M("dog")] } }],
  ["must", "text", { boolean: { must: [M("fox"), M("dog")] } }],
  ["must should", "text", { boolean: { must: [M("fox")], should: [M("lazy"), M("quick")] } }],
  ["must must_not", "text", { boolean: { must: [M("quick")], must_not: [M("lazy")] } }],
  ["should must_not", "text", { boolean: { should: [M("kitten"), P("lazy dog")], must_not: [M("brown")] } }],
  ["nested", "text", { boolean: { should: [{ boolean: { must: [M("fox"), M("quick")] } }, M("kitten", { boost: 2 })], must_not: [P("the lazy dog")] } }],
  ["two columns", "text", { boolean: { must: [M("fox")], should: [M("dog", { column: "title" })] } }],
  ["must_not only", "text", { boolean: { must_not: [M("fox")] } }],
  ["boost query", "text", { boost: { positive: M("fox"), negative: M("dog"), negative_boost: 0.5 } }],
  ["boost query 1.5", "text", { boost: { positive: M("quick brown"), negative: P("brown fox"), negative_boost: 1.5 } }],
  ["boost default", "text", { boost: { positive: M("fox dog"), negative: M("lazy") } }],
  ["multi_match", "text", { multi_match: { query: "fox", columns: ["text", "title"] } }],
  ["multi_match boosts", "text", { multi_match: { query: "quick dog", columns: ["text", "title"], boost: [1, 2.5] } }],
  ["multi_match no index", "text", { multi_match: { query: "fox", columns: ["text", "note"], boost: [0.5, 1] } }],
  // errors
  ["unknown column", "text", M("fox", { column: "nope" })], ["number column", "text", M("1", { column: "num" })],
];

const PARTS_QUERIES = [
  ["plain", "text", "quick fox"], ["and", "text", M("brown fox lazy", { operator: "And" })],
  ["fuzzy 1", "text", M("kitten", { fuzziness: 1 })], ["fuzzy 2 max 4", "text", M("kitten", { fuzziness: 2, max_expansions: 4 })],
  ["fuzzy 2 max 2", "text", M("mitten dgo", { fuzziness: 2, max_expansions: 2 })],
  ["fuzzy and", "text", M("qick brwn", { fuzziness: 1, operator: "And" })],
  ["phrase", "text", P("brown fox jumps")], ["phrase slop", "text", P("quick fox", { slop: 1 })],
  ["boolean", "text", { boolean: { must: [M("fox")], should: [M("lazy")], must_not: [M("kitten")] } }],
  // expansions in both partitions (the row words w0 .. w5999 are split between them): the
  // max_expansions first in byte order over the whole index, not per partition
  ["fuzzy split 3", "text", M("w3400", { fuzziness: 2, max_expansions: 3 })],
  ["fuzzy split 40", "text", M("w3400", { fuzziness: 1, max_expansions: 40 })],
  ["fuzzy split and", "text", M("w3401 w3402", { fuzziness: 1, max_expansions: 12, operator: "And" })],
  ["fuzzy split prefix", "text", M("w3409", { fuzziness: 2, prefix_length: 4, max_expansions: 8 })],
];

async function ask(t, name, column, q, version) {
  const rec = { name, version, column, query: typeof q === "string" ? q : JSON.stringify(q) };
  try {
    const base = typeof q === "string" ? t.query().fullTextSearch(q, { columns: column }) : t.query().fullTextSearch(lance(q));
    const res = await base.limit(1000000).withRowId(true).select(["id"]).toArray();
    rec.hits = res.map((x) => [Number(x._rowid), x._score]);
  } catch (e) {
    rec.error = e.message;
  }
  return rec;
}

async function askAll(t, queries, cases) {
  const version = await t.version();
  for (const [name, column, q] of queries) cases.push(await ask(t, name, column, q, version));
}

async function docsTable(db, out) {
  const r = rngFrom(41);
  const t = await db.createTable("docs", rows(r, 3000, 0), { mode: "overwrite" });
  await t.createIndex("text", { config: lancedb.Index.fts({ withPosition: true }) });
  await t.createIndex("title", { config: lancedb.Index.fts({ baseTokenizer: "whitespace", stem: false, removeStopWords: false, asciiFolding: false, withPosition: false }) });
  await t.createIndex("tags", { config: lancedb.Index.fts({ baseTokenizer: "ngram", ngramMinLength: 2, ngramMaxLength: 3, withPosition: true }) });
  const cases = [];
  await askAll(t, DOCS_QUERIES, cases);
  await t.add(rows(r, 300, 3000));                  // not indexed: searched flat
  await askAll(t, DOCS_QUERIES, cases);
  await t.delete("id % 11 = 2 OR (id >= 200 AND id < 260) OR id = 3010");
  await askAll(t, DOCS_QUERIES, cases);
  writeFileSync(join(out, "docs.json"), JSON.stringify({ table: "docs", cases }) + "\n");
  return cases.length;
}

async function partsTable(db, out) {
  const r = rngFrom(43);
  // a word of its own per row: the index grows past LanceDB's (lowered) partition size
  const data = rows(r, 6000, 0).map((x) => ({ ...x, text: x.text === null ? null : `${x.text} w${x.id}` }));
  const t = await db.createTable("parts", data, { mode: "overwrite" });
  await t.createIndex("text", { config: lancedb.Index.fts({ withPosition: true }) });
  const cases = [];
  await askAll(t, PARTS_QUERIES, cases);
  writeFileSync(join(out, "parts.json"), JSON.stringify({ table: "parts", cases }) + "\n");
  return cases.length;
}

async function main() {
  const [out, group = "main"] = process.argv.slice(2);
  if (!out) { console.error("usage: node fts_query_gen.mjs OUT [main|parts]"); process.exit(2); }
  mkdirSync(join(out, "db"), { recursive: true });
  const db = await lancedb.connect(join(out, "db"));
  const t0 = Date.now();
  const n = group === "parts" ? await partsTable(db, out) : await docsTable(db, out);
  console.log(`fts_query_gen ${group}: ${n} queries answered by LanceDB in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
