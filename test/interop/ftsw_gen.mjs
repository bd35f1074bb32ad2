// node ftsw_gen.mjs OUT init|update
// The datasets of the FTS-writer interop suite (ftsw_run.sh): for each configuration,
// LanceDB 0.39 writes the same rows twice, OUT/db/<name>_ours.lance (the extension
// indexes it with lance_create_index, ftsw_run.sh) and OUT/db/<name>_theirs.lance
// (LanceDB indexes it itself with the same parameters). OUT/configs.json lists each
// configuration: the SQL options, LanceDB's Index.fts options, the queries.
//   init    write both copies, index "theirs"
//   update  LanceDB appends the same rows to both and deletes the same rows in both
//   optimize LanceDB optimizes "theirs" (ftsw_run.sh runs lance_optimize_indices on "ours")
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rngFrom } from "./gen.mjs";

const SYL = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "ba", "do", "fi", "gu"];
const word = (i) => { let w = "", x = i + SYL.length; while (x > 0) { w += SYL[x % SYL.length]; x = Math.floor(x / SYL.length); } return w; };
const MIXED = ["Hello", "WORLD", "Café", "naïve", "Über", "l'été", "don't", "The", "a", "running", "runs",
  "ran", "x86_64", "C++", "e-mail", "São-Paulo", "über-cool", "ÉCOLE", "les", "et", "maisons", "chevaux",
  "Alpha", "beta", "It's", "antidisestablishmentarianism", "42", "3.14", "the", "of", "dogs", "jumping"];

// Zipf-like words: word 0 in thousands of documents (many posting blocks), long documents
// (lengths past 16 are quantized in impacts), a 300-position document, nulls and empties.
function zipfRows(r, n, base) {
  return Array.from({ length: n }, (_, i) => {
    const len = i % 97 === 6 ? 600 : r.int(0, 40);
    let text = Array.from({ length: len }, () => word(Math.floor(Math.pow(r.f(), 3) * 400))).join(" ");
    if (i % 211 === 3) text = null;
    if (i === 5) text = Array(300).fill(word(2)).join(" ");
    return { id: base + i, text };
  });
}
function mixedRows(r, n, base) {
  return Array.from({ length: n }, (_, i) => ({
    id: base + i,
    text: i % 89 === 5 ? null : Array.from({ length: r.int(1, 14) }, () => r.pick(MIXED)).join(r.pick([" ", " ", ", ", ". "])),
  }));
}

const W = (...is) => is.map(word).join(" ");
const zipfQ = [W(0), W(1, 2), W(40), W(3, 50, 200), W(0, 0), W(399), "absentword"];
const mixedQ = ["hello world", "Café", "running dogs", "the", "école maisons", "x86_64", "antidisestablishmentarianism", "chevaux l'été"];
export const CONFIGS = [
  { name: "pos", rows: zipfRows, n: 3000, sql: "with_position=true stem=false remove_stop_words=false",
    js: { withPosition: true, stem: false, removeStopWords: false }, queries: zipfQ },
  { name: "nopos", rows: zipfRows, n: 3000, sql: "stem=false remove_stop_words=false",
    js: { stem: false, removeStopWords: false }, queries: zipfQ },
  { name: "b256", rows: zipfRows, n: 3000, sql: "block_size=256 with_position=true",
    js: { blockSize: 256, withPosition: true }, queries: zipfQ },
  { name: "english", rows: mixedRows, n: 800, sql: "", js: {}, queries: mixedQ },
  { name: "french", rows: mixedRows, n: 800, sql: "language=French with_position=true",
    js: { language: "French", withPosition: true }, queries: mixedQ },
  { name: "ngram", rows: mixedRows, n: 600, sql: "base_tokenizer=ngram min_ngram_length=2 max_ngram_length=4",
    js: { baseTokenizer: "ngram", ngramMinLength: 2, ngramMaxLength: 4 }, queries: ["hel", "caf", "runn ing", "xx"] },
  { name: "whitespace", rows: mixedRows, n: 600,
    sql: "base_tokenizer=whitespace lower_case=false stem=false remove_stop_words=false max_token_length=8",
    js: { baseTokenizer: "whitespace", lowercase: false, stem: false, removeStopWords: false, maxTokenLength: 8 },
    queries: ["Hello", "hello", "WORLD C++", "x86_64", "The the"] },
];

async function init(out, db) {
  let seed = 1;
  for (const c of CONFIGS) {
    const rows = c.rows(rngFrom(seed++), c.n, 0);
    for (const side of ["ours", "theirs"]) await db.createTable(`${c.name}_${side}`, rows, { mode: "overwrite" });
    const t = await db.openTable(`${c.name}_theirs`);
    await t.createIndex("text", { config: lancedb.Index.fts(c.js) });
  }
  writeFileSync(join(out, "configs.json"), JSON.stringify(CONFIGS.map((c) => ({ name: c.name, sql: c.sql, queries: c.queries }))) + "\n");
}

async function update(db) {
  let seed = 100;
  for (const c of CONFIGS) {
    const rows = c.rows(rngFrom(seed++), 300, 100000);
    for (const side of ["ours", "theirs"]) {
      const t = await db.openTable(`${c.name}_${side}`);
      await t.add(rows);
      // under 10% of any fragment: LanceDB's optimize() then does not rewrite fragments to
      // purge deleted rows (compaction), which lance_optimize_indices does not do either
      await t.delete("id % 17 = 4 OR (id >= 100 AND id < 110)");
    }
  }
}

async function optimize(db) {
  for (const c of CONFIGS) await (await db.openTable(`${c.name}_theirs`)).optimize();
}

const [out, phase] = process.argv.slice(2);
mkdirSync(join(out, "db"), { recursive: true });
const db = await lancedb.connect(join(out, "db"));
if (phase === "init") await init(out, db);
else if (phase === "update") await update(db);
else if (phase === "optimize") await optimize(db);
else { console.error("usage: node ftsw_gen.mjs OUT init|update|optimize"); process.exit(2); }
