// node compare.mjs OUTDIR DUMP_BIN [name-filter-regex]
// For every dataset with OUTDIR/<name>.expected.jsonl and OUTDIR/<name>.file:
//   1. `DUMP_BIN <datafile>` must print exactly the expected lines;
//   2. three reproducible random row subsets (sorted, unique, with the first and last
//      row) through `DUMP_BIN --rows i,j,k <datafile>` must print the matching lines.
// One test per dataset x (full + each subset). Prints the first 5 mismatches of each
// test, then `interop: N passed, M failed`; exits 1 when M > 0.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SUBSETS = [3, 17, 200]; // random rows per subset, on top of the first and last row
const MAX_SHOWN = 5;

// FNV-1a of the name, for a per-dataset seed that does not depend on the dataset order
function seedOf(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function subsetRows(name, k, n, count) {
  const r = rng(seedOf(`${name}#${k}`));
  const set = new Set([0, n - 1]);
  while (set.size < Math.min(n, count + 2)) set.add(Math.floor(r() * n));
  return [...set].sort((a, b) => a - b);
}

// Split a one-line JSON object into [key, raw value text] at the top level.
// Returns null if the line is not such an object.
export function splitTop(line) {
  if (typeof line !== "string" || line[0] !== "{" || line[line.length - 1] !== "}") return null;
  const out = [];
  let i = 1;
  const n = line.length - 1;
  const skipString = (j) => { // j at opening quote; returns index after closing quote
    j++;
    while (j < n && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
    return j + 1;
  };
  while (i < n) {
    if (line[i] !== '"') return null;
    const kEnd = skipString(i);
    const key = line.slice(i + 1, kEnd - 1);
    if (line[kEnd] !== ":") return null;
    let j = kEnd + 1, depth = 0;
    const vStart = j;
    while (j < n) {
      const ch = line[j];
      if (ch === '"') { j = skipString(j); continue; }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") depth--;
      else if (ch === "," && depth === 0) break;
      j++;
    }
    out.push([key, line.slice(vStart, j)]);
    i = j + 1;
  }
  return out;
}

const clip = (s) => (s === undefined ? "<missing>" : s.length > 300 ? s.slice(0, 300) + `…(${s.length} chars)` : s);

function diffLine(row, exp, got) {
  const a = splitTop(exp), b = splitTop(got);
  if (!a || !b) return [`row ${row}: expected ${clip(exp)}\n      got ${clip(got)}`];
  const out = [];
  const bm = new Map(b);
  for (const [k, v] of a) {
    if (!bm.has(k)) out.push(`row ${row}, column ${k}: missing in the output (expected ${clip(v)})`);
    else if (bm.get(k) !== v) out.push(`row ${row}, column ${k}: expected ${clip(v)}, got ${clip(bm.get(k))}`);
    bm.delete(k);
  }
  for (const k of bm.keys()) out.push(`row ${row}, column ${k}: not expected (got ${clip(bm.get(k))})`);
  if (!out.length) out.push(`row ${row}: key order or layout differs:\n      expected ${clip(exp)}\n      got ${clip(got)}`);
  return out;
}

function runDump(bin, args) {
  const r = spawnSync(bin, args, { maxBuffer: 1 << 30, encoding: "utf8", timeout: 120000 });
  if (r.error) return { err: `cannot run ${bin}: ${r.error.code || r.error.message}` };
  if (r.status !== 0) {
    const msg = (r.stderr || "").trim().split("\n").slice(0, 3).join(" | ");
    return { err: `${bin} exited with ${r.signal ? "signal " + r.signal : "status " + r.status}: ${msg || "(no message)"}` };
  }
  const lines = r.stdout.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return { lines };
}

// compare got lines with expected lines (rows = the dataset row index of each expected line)
function check(expected, rows, got) {
  const problems = [];
  let more = 0;
  const note = (p) => { if (problems.length < MAX_SHOWN) problems.push(p); else more++; };
  if (got.length !== expected.length) note(`expected ${expected.length} lines, got ${got.length}`);
  const m = Math.min(got.length, expected.length);
  for (let i = 0; i < m; i++) {
    if (got[i] === expected[i]) continue;
    for (const p of diffLine(rows[i], expected[i], got[i])) note(p);
  }
  return { problems, more };
}

function main() {
  const [out, bin, filt] = process.argv.slice(2);
  if (!out || !bin) { console.error("usage: node compare.mjs OUTDIR DUMP_BIN [filter-regex]"); process.exit(2); }
  const filter = filt ? new RegExp(filt) : null;
  const names = readdirSync(out).filter((f) => f.endsWith(".expected.jsonl")).map((f) => f.slice(0, -".expected.jsonl".length))
    .filter((n) => !filter || filter.test(n)).sort();
  let passed = 0, failed = 0;
  if (!names.length) { console.error(`compare: no expected files in ${out}`); failed++; }
  if (!existsSync(bin)) console.error(`compare: ${bin} does not exist: every test will fail`);
  const t0 = Date.now();
  for (const name of names) {
    const file = readFileSync(join(out, `${name}.file`), "utf8").trim();
    const expected = readFileSync(join(out, `${name}.expected.jsonl`), "utf8").split("\n");
    if (expected[expected.length - 1] === "") expected.pop();
    const n = expected.length;
    const tests = [{ label: "full", args: [file], rows: expected.map((_, i) => i) }];
    SUBSETS.forEach((count, k) => {
      const rows = subsetRows(name, k, n, count);
      tests.push({ label: `rows#${k + 1}(${rows.length})`, args: ["--rows", rows.join(","), file], rows });
    });
    const results = [];
    for (const t of tests) {
      const r = runDump(bin, t.args);
      let res;
      if (r.err) res = { problems: [r.err], more: 0 };
      else res = check(t.rows.map((i) => expected[i]), t.rows, r.lines);
      if (res.problems.length) {
        failed++;
        results.push(`  FAIL ${name} ${t.label}\n` + res.problems.map((p) => `    ${p}`).join("\n") + (res.more ? `\n    … ${res.more} more` : ""));
      } else passed++;
    }
    const errs = new Set(results.map((x) => x.replace(/^ {2}FAIL \S+ \S+\n/, "")));
    if (results.length === tests.length && errs.size === 1) console.log(`FAIL ${name}: all ${tests.length} tests:\n${[...errs][0]}`);
    else if (results.length) console.log(`FAIL ${name} (${file})\n${results.join("\n")}`);
    else console.log(`ok   ${name} (${n} rows)`);
  }
  console.error(`compare: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`interop: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
