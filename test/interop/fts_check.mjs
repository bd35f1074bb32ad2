// node fts_check.mjs OUT BUILD_DIR
// Compares what format/index reads from the FTS indexes fts_gen.mjs had LanceDB build (see
// fts_README.md) with what LanceDB says about them:
//   - build/fts-tool info: the tokenizer params equal LanceDB's indexDetails; the format
//     version and positions follow block_size / with_position; the statistics (documents
//     with tokens, their tokens) equal the text's.
//   - build/lance-dump --fts-index: equals the postings computed from the text (simple
//     datasets); for the tokenizer configurations, the postings are consistent with the
//     statistics (frequencies sum to the tokens, positions ascend, one per occurrence).
//   - build/fts-tool search (ext/fts's fts_search on the words as query text): BM25 top k
//     equals LanceDB's fullTextSearch top k recorded by fts_gen (same rows, scores within
//     1e-5 relative, ties in any order), before and after appends (unindexed rows) and
//     deletes; for the tokenizer configurations, searches for tokens taken from the dump
//     (LanceDB and fts_search both tokenize them as query text) equal LanceDB's made here.
// Prints one line per failure and "fts: N passed, M failed"; exit status 1 on failure.
import * as lancedb from "@lancedb/lancedb";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [out, build] = process.argv.slice(2);
if (!out || !build) { console.error("usage: node fts_check.mjs OUT BUILD_DIR"); process.exit(2); }
let passed = 0, failed = 0;
const fail = (name, what) => { failed++; console.log(`FAIL ${name}: ${what}`); };
const run = (bin, args) => execFileSync(join(build, bin), args, { maxBuffer: 1 << 30, encoding: "utf8" });
const jsonLines = (s) => s.split("\n").filter((l) => l).map((l) => JSON.parse(l));

const PARAM_KEYS = ["lance_tokenizer", "base_tokenizer", "language", "with_position", "max_token_length",
  "lower_case", "stem", "remove_stop_words", "ascii_folding", "min_ngram_length", "max_ngram_length",
  "prefix_only", "block_size", "split_identifiers", "split_on_numerics", "preserve_original",
  "index_operators", "custom_stop_words"];

function checkInfo(rec, dir, info) {
  let ok = true;
  for (const k of PARAM_KEYS) {
    if (JSON.stringify(info.params[k]) !== JSON.stringify(rec.details[k] ?? null)) {
      fail(rec.name, `param ${k}: read ${JSON.stringify(info.params[k])}, LanceDB says ${JSON.stringify(rec.details[k])}`);
      ok = false;
    }
  }
  const wantVersion = rec.details.block_size === 256 ? 3 : 2;
  if (info.format_version !== wantVersion || info.block_size !== rec.details.block_size ||
      info.positions !== (rec.details.with_position ? 1 : 0)) {
    fail(rec.name, `format ${info.format_version}/${info.block_size}/${info.positions} for block_size ${rec.details.block_size}, with_position ${rec.details.with_position}`);
    ok = false;
  }
  if (rec.stats) {
    const docs = info.partitions.reduce((a, p) => a + p.num_docs, 0);
    const toks = info.partitions.reduce((a, p) => a + p.total_tokens, 0);
    if (docs !== rec.stats.num_docs || toks !== rec.stats.total_tokens) {
      fail(rec.name, `statistics ${docs} documents / ${toks} tokens, the text has ${rec.stats.num_docs} / ${rec.stats.total_tokens}`);
      ok = false;
    }
  }
  if (rec.name === "multipart" && info.partitions.length < 2) {
    fail(rec.name, `one partition: LanceDB was expected to split this index`);
    ok = false;
  }
  if (ok) passed++;
}

// The dump agrees with itself and the statistics: every occurrence is counted once.
function checkConsistency(rec, info, lines) {
  const docs = new Map();
  let total = 0, prev = null, ok = true;
  for (const l of lines) {
    const key = `${l.token}\u0000${l.row_id}`;
    if (prev !== null && (Buffer.compare(Buffer.from(prev.token), Buffer.from(l.token)) > 0 ||
        (prev.token === l.token && prev.row_id >= l.row_id))) ok = false;
    prev = l;
    total += l.freq;
    const d = docs.get(l.row_id) ?? { len: 0, pos: [] };
    d.len += l.freq;
    if (l.positions) {
      if (l.positions.length !== l.freq || l.positions.some((p, i) => i && p <= l.positions[i - 1])) {
        fail(rec.name, `positions of ${key}: ${JSON.stringify(l.positions)} for freq ${l.freq}`);
        return;
      }
      d.pos.push(...l.positions);
    }
    docs.set(l.row_id, d);
  }
  const want = info.partitions.reduce((a, p) => ({ d: a.d + p.num_docs, t: a.t + p.total_tokens }), { d: 0, t: 0 });
  if (!ok) fail(rec.name, "dump lines are not sorted by token, then row id");
  else if (docs.size !== want.d || total !== want.t)
    fail(rec.name, `dump holds ${docs.size} documents / ${total} tokens, statistics say ${want.d} / ${want.t}`);
  else if ([...docs.values()].some((d) => new Set(d.pos).size !== d.pos.length))
    fail(rec.name, "two tokens of one document share a position");
  else passed++;
}

// LanceDB's top k vs ours: same length, scores within 1e-5 relative position by position,
// and the same rows above the last (tied) score.
function sameHits(got, exp) {
  if (got.length !== exp.length) return `${got.length} hits, LanceDB ${exp.length}`;
  const close = (a, b) => Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(b), 1e-30);
  for (let i = 0; i < exp.length; i++)
    if (!close(got[i].score, exp[i][1])) return `hit ${i}: score ${got[i].score}, LanceDB ${exp[i][1]} (row ${exp[i][0]})`;
  if (!exp.length) return null;
  const last = exp[exp.length - 1][1];
  const above = (list) => new Set(list.filter((h) => !close(h[1], last)).map((h) => h[0]));
  const a = above(got.map((g) => [g.row_id, g.score])), b = above(exp);
  for (const r of b) if (!a.has(r)) return `row ${r} missing`;
  const gotScore = new Map(got.map((g) => [g.row_id, g.score]));
  for (const [r, s] of exp) if (gotScore.has(r) && !close(gotScore.get(r), s)) return `row ${r}: ${gotScore.get(r)}, LanceDB ${s}`;
  return null;
}

function toolSearch(dir, version, index, k, tokens) {
  return jsonLines(run("fts-tool", ["search", version ? `${dir}@${version}` : dir, index, String(k), ...tokens]));
}

function checkQueries(rec, dir) {
  for (const q of rec.queries) {
    let why;
    try { why = sameHits(toolSearch(dir, q.version, rec.index, q.k, q.tokens), q.hits); } catch (e) { why = e.message; }
    if (why) fail(rec.name, `v${q.version} [${q.tokens.join(" ")}] top ${q.k}: ${why}`);
    else passed++;
  }
}

async function checkProbes(rec, dir, lines) {
  const df = new Map();
  for (const l of lines) df.set(l.token, (df.get(l.token) ?? 0) + 1);
  const byDf = [...df.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const picks = [...new Set([0, 1, 3, Math.floor(byDf.length / 2), byDf.length - 1].filter((i) => i < byDf.length))].map((i) => byDf[i][0]);
  const db = await lancedb.connect(join(out, "db"));
  const t = await db.openTable(rec.name);
  for (const tok of picks) {
    const res = await t.query().fullTextSearch(tok).limit(1000).withRowId(true).select(["id"]).toArray();
    const exp = res.map((x) => [Number(x._rowid), x._score]);
    let why;
    try { why = sameHits(toolSearch(dir, 0, rec.index, 1000, [tok]), exp); } catch (e) { why = e.message; }
    if (why) fail(rec.name, `token ${JSON.stringify(tok)}: ${why}`);
    else passed++;
  }
}

async function checkDataset(name) {
  const rec = JSON.parse(readFileSync(join(out, `${name}.json`), "utf8"));
  const dir = join(out, "db", `${name}.lance`);
  let info, dump;
  try {
    info = JSON.parse(run("fts-tool", ["info", dir, rec.index]));
    dump = run("lance-dump", ["--fts-index", dir, rec.index]);
  } catch (e) {
    fail(name, e.message.split("\n")[0]);
    return;
  }
  checkInfo(rec, dir, info);
  const lines = jsonLines(dump);
  checkConsistency(rec, info, lines);
  if (rec.postings) {
    const want = readFileSync(join(out, rec.postings), "utf8");
    if (dump === want) passed++;
    else {
      const a = dump.split("\n"), b = want.split("\n");
      const i = a.findIndex((l, k) => l !== b[k]);
      fail(name, `postings differ at line ${i + 1}: ${a[i]} vs expected ${b[i]}`);
    }
    checkQueries(rec, dir);
  } else {
    await checkProbes(rec, dir, lines);
  }
}

const t0 = Date.now();
for (const group of ["main", "multipart"]) {
  const list = join(out, `${group}.list`);
  if (!existsSync(list)) continue;
  for (const name of readFileSync(list, "utf8").split("\n").filter((l) => l)) await checkDataset(name);
}
console.log(`fts: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
process.exit(failed ? 1 : 0);
