// node fts_gen.mjs OUT [main|multipart]
// LanceDB 0.39 builds full-text-search (INVERTED) indexes and records what it knows about
// them, for fts_check.mjs to compare with build/lance-dump --fts-index and build/fts-tool
// (see fts_README.md):
//   OUT/db/<name>.lance         the datasets (an `id` and a `text` column, index "text_idx")
//   OUT/<name>.json             {name, index, version (of the index), details (LanceDB's
//                               indexDetails), and for the simple datasets stats (documents
//                               and tokens), postings (the file below) and queries: [{version,
//                               tokens, k, hits: [[row_id, score]...]}] (LanceDB's top k)
//   OUT/<name>.postings.jsonl   (simple datasets) the postings the index must hold, in
//                               lance-dump's format, computed here from the text
// Group "main" builds every dataset but "multipart"; group "multipart" (run with
// LANCE_FTS_NUM_SHARDS / LANCE_FTS_PARTITION_SIZE / LANCE_FTS_TARGET_SIZE small, see
// fts_run.sh) builds the one whose index LanceDB splits into many partitions.
// The "simple" texts are lower-case ASCII words separated by single spaces, so their
// tokens (simple tokenizer, stem and stop words off) are the words themselves.
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rngFrom } from "./gen.mjs";

const SYL = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "ba", "do", "fi", "gu"];
// word i of the vocabulary: distinct syllable strings
const word = (i) => {
  let w = "", x = i + SYL.length;
  while (x > 0) { w += SYL[x % SYL.length]; x = Math.floor(x / SYL.length); }
  return w;
};

// Zipf-like draws over `nv` words: word 0 is the most frequent.
function simpleDoc(r, nv, len, skew = 3) {
  const w = [];
  for (let j = 0; j < len; j++) w.push(word(Math.min(nv - 1, Math.floor(Math.pow(r.f(), skew) * nv))));
  return w.join(" ");
}

// Rows id = base..base+n-1; a few special documents among the first ones.
function simpleRows(r, n, base, nv, maxLen) {
  return Array.from({ length: n }, (_, i) => {
    let text = simpleDoc(r, nv, r.int(0, maxLen));
    if (i === 3) text = null;                                   // null: not a document
    if (i === 4) text = "";                                     // empty: not a document
    if (i === 5) text = Array(300).fill(word(2)).join(" ");     // 300 positions in one doc
    if (i === 6) text = simpleDoc(r, nv, 600);                  // a long document
    if (i === 7) text = `${word(nv + 1)} ${word(nv + 1)}`;      // a token of one document
    return { id: base + i, text };
  });
}

// Postings of rows (row id = position in the first fragment) as lance-dump prints them.
function postings(rows, withPos) {
  const m = new Map();
  rows.forEach((row, rid) => {
    if (!row.text) return;
    row.text.split(" ").forEach((t, p) => {
      const k = `${t}\u0000${rid}`;
      if (!m.has(k)) m.set(k, { token: t, row_id: rid, pos: [] });
      m.get(k).pos.push(p);
    });
  });
  const list = [...m.values()].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : a.row_id - b.row_id));
  return list.map((e) => JSON.stringify(withPos ? { token: e.token, row_id: e.row_id, freq: e.pos.length, positions: e.pos }
                                               : { token: e.token, row_id: e.row_id, freq: e.pos.length })).join("\n") + "\n";
}

function docStats(rows) {
  let num_docs = 0, total_tokens = 0;
  for (const row of rows) if (row.text) { num_docs++; total_tokens += row.text.split(" ").length; }
  return { num_docs, total_tokens };
}

async function search(t, tokens, k) {
  const res = await t.query().fullTextSearch(tokens.join(" ")).limit(k).withRowId(true).select(["id"]).toArray();
  return res.map((x) => [Number(x._rowid), x._score]);
}

async function runQueries(t, rec, qs) {
  const version = await t.version();
  for (const [tokens, k] of qs) rec.queries.push({ version, tokens, k, hits: await search(t, tokens, k) });
}

const W = (...is) => is.map(word);
// token 0 holds thousands of documents (many posting blocks), 40 a few hundred, 300 a few
const simpleQueries = (nv) => [
  [W(0), 10], [W(0), 300], [W(1), 50], [W(40), 20], [W(300), 1000], [W(nv - 1), 10],
  [W(2), 5], [W(nv + 1), 10], [W(0, 7), 20], [W(3, 50, 200), 25], [W(0, 0), 10],
  [W(5, 9, 5), 15], [["absentword"], 10], [W(10, nv + 5), 10],
];

async function simpleDataset(db, out, name, opts) {
  const r = rngFrom(opts.seed);
  const nv = opts.vocab ?? 400;
  const rows = simpleRows(r, opts.rows, 0, nv, opts.maxLen ?? 40);
  const t = await db.createTable(name, rows, { mode: "overwrite" });
  await t.createIndex("text", { config: lancedb.Index.fts({ withPosition: opts.pos, stem: false, removeStopWords: false, ...(opts.fts ?? {}) }) });
  const idx = (await t.listIndices()).find((i) => i.name === "text_idx");
  const rec = { name, index: "text_idx", version: await t.version(), details: idx.indexDetails,
                stats: docStats(rows), postings: `${name}.postings.jsonl`, queries: [] };
  writeFileSync(join(out, rec.postings), postings(rows, opts.pos));
  const qs = simpleQueries(nv);
  await runQueries(t, rec, qs);
  if (opts.update) { // rows the index does not cover (flat search), then deletions in both
    await t.add(simpleRows(r, 400, opts.rows, nv + 8, 40).map((x, i) => (i === 9 ? { ...x, text: `${word(nv + 5)} ${word(0)}` } : x)));
    await runQueries(t, rec, qs);
    await t.delete("id % 7 = 3 OR (id >= 100 AND id < 140)");
    await runQueries(t, rec, qs);
  }
  writeFileSync(join(out, `${name}.json`), JSON.stringify(rec) + "\n");
}

// Texts for the tokenizer configurations: mixed case, punctuation, accents, digits.
const MIXED = ["Hello", "WORLD", "Café", "naïve", "Über", "l'été", "don't", "The", "a", "running",
  "runs", "ran", "x86_64", "C++", "e-mail", "São-Paulo", "über-cool", "ÉCOLE", "les", "et",
  "maisons", "chevaux", "Alpha", "beta", "It's", "antidisestablishmentarianism", "42", "3.14"];
function mixedRows(r, n) {
  return Array.from({ length: n }, (_, i) => ({
    id: i, text: i % 97 === 5 ? null : Array.from({ length: r.int(1, 12) }, () => r.pick(MIXED)).join(r.pick([" ", " ", ", ", ". ", "; "])),
  }));
}

async function configDataset(db, out, name, fts, seed) {
  const rows = mixedRows(rngFrom(seed), 600);
  const t = await db.createTable(name, rows, { mode: "overwrite" });
  await t.createIndex("text", { config: lancedb.Index.fts(fts) });
  const idx = (await t.listIndices()).find((i) => i.name === "text_idx");
  const rec = { name, index: "text_idx", version: await t.version(), details: idx.indexDetails, queries: [] };
  writeFileSync(join(out, `${name}.json`), JSON.stringify(rec) + "\n");
}

const CONFIGS = {
  tok_default: {},
  tok_whitespace: { baseTokenizer: "whitespace", lowercase: false, stem: false, removeStopWords: false, withPosition: true },
  tok_raw: { baseTokenizer: "raw", stem: false, removeStopWords: false, maxTokenLength: 60 },
  tok_ngram: { baseTokenizer: "ngram", ngramMinLength: 2, ngramMaxLength: 4, withPosition: false },
  tok_ngram_prefix: { baseTokenizer: "ngram", ngramMinLength: 3, ngramMaxLength: 5, prefixOnly: true },
  tok_french: { language: "French", stem: true, removeStopWords: true, asciiFolding: true, withPosition: true },
  tok_nofold: { asciiFolding: false, lowercase: true, stem: false, removeStopWords: false },
  tok_custom_stop: { removeStopWords: true, customStopWords: ["alpha", "beta", "it's", "ÉCOLE"], stem: false, maxTokenLength: 8 },
};

async function main() {
  const out = process.argv[2];
  const group = process.argv[3] ?? "main";
  if (!out) { console.error("usage: node fts_gen.mjs OUT [main|multipart]"); process.exit(2); }
  const dbdir = join(out, "db");
  mkdirSync(dbdir, { recursive: true });
  const db = await lancedb.connect(dbdir);
  const t0 = Date.now();
  const names = [];
  if (group === "multipart") {
    await simpleDataset(db, out, "multipart", { seed: 9, rows: 30000, pos: true, vocab: 3000, maxLen: 20 });
    names.push("multipart");
  } else {
    await simpleDataset(db, out, "simple_pos", { seed: 1, rows: 4000, pos: true, update: true });
    await simpleDataset(db, out, "simple_nopos", { seed: 2, rows: 4000, pos: false, update: true });
    await simpleDataset(db, out, "block256", { seed: 3, rows: 3000, pos: true, update: true, fts: { blockSize: 256 } });
    names.push("simple_pos", "simple_nopos", "block256");
    let seed = 20;
    for (const [name, fts] of Object.entries(CONFIGS)) {
      await configDataset(db, out, name, fts, seed++);
      names.push(name);
    }
  }
  writeFileSync(join(out, `${group}.list`), names.join("\n") + "\n");
  console.log(`fts_gen ${group}: ${names.length} datasets in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
