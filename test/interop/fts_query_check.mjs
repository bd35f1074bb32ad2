// node fts_query_check.mjs OUT BUILD_DIR
// Asks build/fts-tool (ext/fts's fts_search) every query fts_query_gen.mjs had LanceDB 0.39
// answer, on the same table version, and compares (see fts_query_README.md):
//   - hits: the same rows (deleted rows dropped as the SQL side drops them), each score
//     within 1e-5 relative of LanceDB's _score, in order of score (ties in any order);
//   - errors: fts_search fails with a sentence LanceDB's message contains.
// Prints one line per failure and "fts_query: N passed, M failed"; exit status 1 on failure.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [out, build] = process.argv.slice(2);
if (!out || !build) { console.error("usage: node fts_query_check.mjs OUT BUILD_DIR"); process.exit(2); }
let passed = 0, failed = 0;
const fail = (c, what) => { failed++; console.log(`FAIL ${c.table} v${c.version} ${c.name}: ${what}`); };
const close = (a, b) => Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) <= 1e-30;

function compare(c, got) {
  if (c.error !== undefined) {
    if (got.error === undefined) return `LanceDB fails (${c.error}), fts_search returns ${got.hits.length} rows`;
    const ours = got.error.replace(/^[^:]*: /, "").replace(/^full-text query: /, "");
    return c.error.includes(ours) ? null : `error "${ours}", LanceDB: ${c.error}`;
  }
  if (got.error !== undefined) return `fts_search fails: ${got.error}`;
  if (got.hits.length !== c.hits.length) {
    const mine = new Set(got.hits.map((h) => h[0])), theirs = new Set(c.hits.map((h) => h[0]));
    const extra = [...mine].filter((r) => !theirs.has(r)).slice(0, 5), missing = [...theirs].filter((r) => !mine.has(r)).slice(0, 5);
    return `${got.hits.length} rows, LanceDB ${c.hits.length} (extra ${extra}, missing ${missing})`;
  }
  const want = new Map(c.hits);
  for (let i = 0; i < got.hits.length; i++) {
    const [row, score] = got.hits[i];
    if (!want.has(row)) return `row ${row} is not LanceDB's`;
    if (!close(score, want.get(row))) return `row ${row}: score ${score}, LanceDB ${want.get(row)}`;
    if (i && score > got.hits[i - 1][1]) return `row ${row} (score ${score}) after a lower score`;
  }
  return null;
}

function checkTable(file) {
  const rec = JSON.parse(readFileSync(file, "utf8"));
  const dir = join(out, "db", `${rec.table}.lance`);
  const byVersion = new Map();
  for (const c of rec.cases) {
    c.table = rec.table;
    if (!byVersion.has(c.version)) byVersion.set(c.version, []);
    byVersion.get(c.version).push(c);
  }
  for (const [version, cases] of byVersion) {
    const input = cases.map((c) => `${c.column}\t${c.query}\n`).join("");
    let lines;
    try {
      lines = execFileSync(join(build, "fts-tool"), ["queries", `${dir}@${version}`], { input, maxBuffer: 1 << 30, encoding: "utf8" })
        .split("\n").filter((l) => l).map((l) => JSON.parse(l));
    } catch (e) {
      for (const c of cases) fail(c, e.message.split("\n")[0]);
      continue;
    }
    cases.forEach((c, i) => {
      const why = lines[i] ? compare(c, lines[i]) : "no answer";
      if (why) fail(c, `${why}  [${c.query}]`);
      else passed++;
    });
  }
}

const t0 = Date.now();
for (const t of ["docs", "parts"]) if (existsSync(join(out, `${t}.json`))) checkTable(join(out, `${t}.json`));
console.log(`fts_query: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
process.exit(failed ? 1 : 0);
