// node bf16_expect.mjs OUT
// What LanceDB 0.39 reads back from OUT/db/bf16.lance (bf16_gen.mjs): every row's id,
// b as its 16 bits (NaN, -inf, -0 survive JSON that way) and vec as floats (the
// bfloat16 bits widened to float32, exactly; all finite), and for each
// query (rounded to bfloat16, as the column's element type) and metric l2 / cosine /
// dot the exact top-10 ids with their distances, computed here in double from those
// values: LanceDB 0.39 itself refuses to search bfloat16 vectors ("vector element is
// not expected type"), which is recorded too.  Written to OUT/expect.json.
import * as lancedb from "@lancedb/lancedb";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
const g = JSON.parse(readFileSync(join(out, "gen.json"), "utf8"));
const db = await lancedb.connect(join(out, "db"));
const t = await db.openTable("bf16");
const u = new Uint32Array(1), f = new Float32Array(u.buffer);
const widen = (lo, hi) => { u[0] = ((hi << 8) | lo) << 16; return f[0]; };
const f2 = new Float32Array(1), u2 = new Uint32Array(f2.buffer);
function round(x) { // float32 -> bf16 -> float32, nearest even
  f2[0] = x;
  const b = u2[0];
  u[0] = (((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16) >>> 0;
  return f[0];
}
const rows = [];
for (const r of await t.query().limit(1e6).toArray()) {
  const b = r.b === null ? null : r.b[0] | (r.b[1] << 8);
  const vec = r.vec === null ? null : Array.from(r.vec, (x) => widen(x[0], x[1]));
  rows.push({ id: r.id, b, vec });
}
rows.sort((a, b) => a.id - b.id);
function dist(m, q, v) {
  let l2 = 0, ip = 0, qq = 0, vv = 0;
  for (let i = 0; i < q.length; i++) { l2 += (q[i] - v[i]) ** 2; ip += q[i] * v[i]; qq += q[i] ** 2; vv += v[i] ** 2; }
  return m === "l2" ? l2 : m === "dot" ? 1 - ip : 1 - ip / (Math.sqrt(qq) * Math.sqrt(vv));
}
const cases = [];
for (const [qi, q0] of g.queries.entries()) {
  const q = q0.map(round);
  for (const m of ["l2", "cosine", "dot"]) {
    const all = rows.filter((r) => r.vec).map((r) => [r.id, dist(m, q, r.vec)]);
    all.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    cases.push({ query: qi, metric: m, rows: all.slice(0, 10) });
  }
}
let lancedbSearch;
try { await t.query().nearestTo(g.queries[0]).limit(1).toArray(); lancedbSearch = "ok"; }
catch (e) { lancedbSearch = String(e.message).split("\n")[0]; }
writeFileSync(join(out, "expect.json"), JSON.stringify({ rows, cases, lancedbSearch }));
