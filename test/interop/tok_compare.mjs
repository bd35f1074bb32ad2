// node tok_compare.mjs OUTDIR LANCE_DUMP TOK_TOOL [name-filter-regex]
// Compares, for every case tok_gen.mjs wrote, LanceDB's FTS index (read with
// `lance-dump --fts-index`: one line per (token, row) with freq and positions) with what
// build/tok-tool makes of the same texts: per row, the multiset of (position, token) pairs
// must be equal (ordered by position, then token; ngram tokens all have position 0), and
// each token's freq must be its number of positions. Prints the first differences of each
// case; exit status 1 if any.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [out, dump, tool, filter] = process.argv.slice(2);
if (!tool) throw new Error("usage: node tok_compare.mjs OUTDIR LANCE_DUMP TOK_TOOL [filter]");
const re = filter ? new RegExp(filter) : null;
const cases = JSON.parse(readFileSync(join(out, "tok_cases.json"), "utf8"));
const big = { maxBuffer: 1 << 30 };

const key = (p) => `${p[1]}\u0000${p[0]}`;
const byPos = (a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function lanceRows(name) {
  const rows = new Map();
  const text = execFileSync(dump, ["--fts-index", join(out, "db", `${name}.lance`), "text_idx"], big).toString();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.freq !== r.positions.length) throw new Error(`${name}: row ${r.row_id} token ${JSON.stringify(r.token)}: freq ${r.freq} but ${r.positions.length} positions`);
    if (!rows.has(r.row_id)) rows.set(r.row_id, []);
    for (const p of r.positions) rows.get(r.row_id).push([r.token, p]);
  }
  for (const v of rows.values()) v.sort(byPos);
  return rows;
}

function ourRows(c) {
  const input = Buffer.concat(c.texts.flatMap((t) => {
    const b = Buffer.from(t, "utf8");
    return [Buffer.from(`${b.length}\n`), b];
  }));
  const lines = execFileSync(tool, c.params, { ...big, input }).toString().split("\n");
  return c.texts.map((_, i) => JSON.parse(lines[i]).sort(byPos));
}

let failed = 0, rowsChecked = 0, tokensChecked = 0;
for (const c of cases) {
  if (re && !re.test(c.name)) continue;
  const theirs = lanceRows(c.name), ours = ourRows(c);
  let diffs = 0;
  for (let i = 0; i < c.texts.length; i++) {
    const a = theirs.get(i) || [], b = ours[i];
    rowsChecked++;
    tokensChecked += a.length;
    if (a.length === b.length && a.every((p, k) => key(p) === key(b[k]))) continue;
    if (diffs++ < 3) {
      const ka = new Set(a.map(key)), kb = new Set(b.map(key));
      const only = (x, s) => x.filter((p) => !s.has(key(p))).slice(0, 8).map((p) => `${JSON.stringify(p[0])}@${p[1]}`).join(" ");
      console.log(`${c.name} row ${i} ${JSON.stringify(c.texts[i]).slice(0, 80)}\n  LanceDB only: ${only(a, kb)}\n  ours only:    ${only(b, ka)}`);
    }
  }
  if (diffs) {
    failed++;
    console.log(`${c.name}: ${diffs} of ${c.texts.length} rows differ`);
  }
}
console.log(`tok_compare: ${rowsChecked} rows, ${tokensChecked} LanceDB tokens, ${failed} case(s) with differences`);
process.exit(failed ? 1 : 0);
