// node knn_expect.mjs OUTDIR [name-filter-regex]
// For every dataset knn_gen.mjs wrote (OUTDIR/<name>/gen.json), runs LanceDB's exact
// vector search (flat scan: bypassVectorIndex) for every query vector, metric and k, and
// for the prefilters, and writes OUTDIR/<name>/expect.json:
//   {name, path, elem, dim, queries: [[...]], cases: [{case, q, metric, k, where, mode,
//    rows: [{_rowid, id, _distance[, s]}] (LanceDB's order), boundary: [...],
//    post_rows: [...] (only for filters SQLite applies after the search: LanceDB's
//    postfilter() answer)}]}; OUTDIR/lancedb_observed.json: what LanceDB did (below)
// `boundary`: rows LanceDB ranks just after the k-th whose distance equals the k-th's
// within the comparison tolerance (knn_compare.py accepts them in place of an equally
// distant row at the cut). `s` (dot only): sum |q_i v_i|, the scale of the tolerance.
// lancedb_observed.json: tie order, null and zero vectors, NaN distances, prefilter vs
// postfilter, as seen in this run; knn_README.md documents it.
import * as lancedb from "@lancedb/lancedb";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const KS = [1, 10, 50];
const BOUNDARY_EXTRA = 32;
const CONCURRENCY = 8;
// the tolerance knn_compare.py uses; a row within it of the k-th distance is "tied"
const near = (a, b, s = 0) => Math.abs(a - b) <= Math.max(1e-6, 1e-5 * Math.max(Math.abs(a), Math.abs(b), s));
// queries whose prefilter cases run (all k and metrics): two copies of stored rows, two
// points near centres (the last two go in as JSON text and as bound parameters)
const FILTER_QUERIES = [0, 3, 7, 14];

// dot rows carry s = sum |q_i v_i|, the size of the terms 1 - q.v sums: the float32
// rounding of either side is relative to it, not to the (cancelling) result
const scale = (q, v) => { let s = 0; for (let i = 0; i < q.length; i++) s += Math.abs(q[i] * v[i]); return Number(s.toPrecision(4)); };
const rowsOf = (batch, q, metric) => batch.map((x) => {
  const r = { _rowid: Number(x._rowid), id: Number(x.id), _distance: x._distance };
  if (metric === "dot") r.s = scale(q, x.vec.toArray());
  return r;
});

async function search(table, elem, q, metric, limit, where, post, range) {
  let s = table.vectorSearch(elem === "float32" ? Float32Array.from(q) : q).column("vec")
    .distanceType(metric).limit(limit).bypassVectorIndex().withRowId().select(metric === "dot" ? ["id", "vec"] : ["id"]);
  if (where) s = s.where(where);
  if (range) s = s.distanceRange(range[0] ?? undefined, range[1] ?? undefined);
  if (post) s = s.postfilter();
  return rowsOf(await s.toArray(), q, metric);
}

// how a case's query reaches SQL: float32 BLOB (or raw bytes for uint8), JSON text, or
// everything (query, k, metric) as bound parameters
const modeOf = (qi) => (qi % 5 === 2 ? "json" : qi % 5 === 4 ? "params" : "blob");

async function expectDataset(db, out, name, obs) {
  const gen = JSON.parse(readFileSync(join(out, name, "gen.json"), "utf8"));
  const table = await db.openTable(name);
  const nulls = new Set(gen.null_vector_ids), zeros = new Set(gen.zero_vector_ids);
  // every search is queued first and run CONCURRENCY at a time (LanceDB runs them on its
  // own threads); the cases keep the queueing order
  const jobs = [];
  const add = (qi, metric, k, where, then, postfilter, range) => jobs.push({ qi, metric, k, where, then, postfilter, range });
  const run = async (job) => {
    const { qi, metric, k, where, range } = job;
    const q = gen.queries[qi].vec;
    const [rows, wide] = await Promise.all([
      search(table, gen.elem, q, metric, k, where, false, range),
      search(table, gen.elem, q, metric, k + BOUNDARY_EXTRA, where, false, range),
    ]);
    if (job.then) await job.then(rows);
    // a filter SQLite applies after the search: LanceDB's postfilter() answer too
    const post = job.postfilter ? await search(table, gen.elem, q, metric, k, where, true) : null;
    return { rows, wide, post };
  };
  const regular = gen.queries.map((q, i) => i).filter((i) => !gen.queries[i].extra);
  for (const qi of regular) for (const metric of gen.metrics) for (const k of KS) add(qi, metric, k, null);
  for (const qi of gen.queries.map((q, i) => i).filter((i) => gen.queries[i].extra)) {
    for (const metric of gen.metrics) {
      add(qi, metric, 10, null, async (rows) => {
        if (metric === "cosine") obs.zero_query_cosine_rows.push(`${name}: ${rows.length}`);
      });
    }
  }
  for (const f of gen.filters) {
    for (const qi of FILTER_QUERIES) for (const metric of gen.metrics) for (const k of KS) {
      const check = k === 50 && qi === FILTER_QUERIES[0];
      add(qi, metric, k, f.where, !check ? null : async (pre) => {
        const post = await search(table, gen.elem, gen.queries[qi].vec, metric, k, f.where, true);
        obs.prefilter_vs_postfilter.push(`${name} ${metric} where ${f.where}: default ${pre.length} rows, postfilter() ${post.length}`);
      }, !!f.sqlite_postfilter);
    }
  }
  const results = [];
  const runAll = async (from) => {
    let next = from;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) { const i = next++; results[i] = await run(jobs[i]); }
    }));
  };
  await runAll(0);
  // distance ranges (LanceDB's distanceRange, SQL's _distance bounds): each bound halfway
  // between two neighbours of the unbounded k=50 answer whose distances differ by far more
  // than float32 rounding (a bound ON a distance would test the last ulp of two kernels;
  // test/sql/vtab_knn checks the bounds' inclusiveness on this extension's own distances)
  const plain = jobs.length;
  for (let j = 0; j < plain; j++) {
    const { qi, metric, k, where } = jobs[j];
    const w = results[j].wide;
    if (qi !== FILTER_QUERIES[0] || k !== 50 || where || w.length < 30) continue;
    const d = (i) => {
      for (let x = i; x + 1 < w.length; x++) {
        const a = w[x]._distance, b = w[x + 1]._distance;
        if (b - a > 1e-4 * Math.max(1, Math.abs(a), Math.abs(b))) return (a + b) / 2;
      }
      return w[w.length - 1]._distance + 1;
    };
    add(qi, metric, 10, null, null, false, [d(3), d(20)]);
    add(qi, metric, 5, null, null, false, [d(6), null]);
    add(qi, metric, 50, null, null, false, [null, d(8)]);
    const f = gen.filters.find((x) => !x.sqlite_postfilter);
    if (f) add(qi, metric, 10, f.where, null, false, [d(2), d(23)]);
  }
  await runAll(plain);
  const cases = [];
  jobs.forEach(({ qi, metric, k, where, range }, j) => {
    const { rows, wide, post } = results[j];
    const same = wide.slice(0, rows.length).every((r, i) => r._rowid === rows[i]._rowid);
    if (!same || (rows.length < k && wide.length !== rows.length)) obs.limit_changes_prefix.push(`${name} q${qi} ${metric} k=${k}`);
    const boundary = [];
    if (rows.length === k) for (const r of wide.slice(k)) if (near(r._distance, rows[k - 1]._distance, Math.max(r.s || 0, rows[k - 1].s || 0))) boundary.push(r);
    // observations
    for (let i = 1; i < wide.length; i++) {
      if (wide[i]._distance === wide[i - 1]._distance) {
        obs.exact_tie_pairs++;
        if (wide[i]._rowid < wide[i - 1]._rowid) obs.ties_not_by_rowid.push(`${name} q${qi} ${metric} k=${k}`);
      }
      if (wide[i]._distance < wide[i - 1]._distance) obs.not_sorted.push(`${name} q${qi} ${metric}`);
    }
    for (const r of wide) {
      if (nulls.has(r.id)) obs.null_vectors_returned.push(`${name} id ${r.id}`);
      if (zeros.has(r.id)) obs.zero_vector_returned[metric] = (obs.zero_vector_returned[metric] || 0) + 1;
      if (Number.isNaN(r._distance)) obs.nan_distances++;
    }
    cases.push({
      case: `${name} q${qi} ${metric} k=${k}${where ? ` where ${where}` : ""}${range ? ` range [${range}]` : ""}`,
      q: qi, metric, k, where: where || null, range: range || null, mode: modeOf(qi),
      explicit_l2: metric === "l2" && qi % 2 === 1, rows, boundary, ...(post ? { post_rows: post } : {}),
    });
  });
  table.close();
  writeFileSync(join(out, name, "expect.json"), JSON.stringify({
    name, path: gen.path, elem: gen.elem, dim: gen.dim, queries: gen.queries.map((q) => q.vec), cases,
  }) + "\n");
  return cases.length;
}

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node knn_expect.mjs OUTDIR [filter-regex]"); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
  const names = readdirSync(out).filter((n) => existsSync(join(out, n, "gen.json")) && (!filter || filter.test(n))).sort();
  const db = await lancedb.connect(join(out, "db"));
  const obs = {
    exact_tie_pairs: 0, ties_not_by_rowid: [], not_sorted: [], limit_changes_prefix: [],
    null_vectors_returned: [], zero_vector_returned: {}, nan_distances: 0,
    zero_query_cosine_rows: [], prefilter_vs_postfilter: [],
  };
  let failed = 0, total = 0;
  const t0 = Date.now();
  for (const name of names) {
    try {
      total += await expectDataset(db, out, name, obs);
    } catch (e) {
      console.error(`knn_expect: ${name}: ${e.stack || e.message}`);
      failed++;
    }
  }
  writeFileSync(join(out, "lancedb_observed.json"), JSON.stringify(obs, null, 1) + "\n");
  const cap = (a) => (a.length > 3 ? [...a.slice(0, 3), `... ${a.length - 3} more`] : a);
  console.log(`knn_expect: LanceDB: ${obs.exact_tie_pairs} adjacent exact ties, ${obs.ties_not_by_rowid.length} not ordered by _rowid;` +
    ` null vectors returned ${obs.null_vectors_returned.length}; zero vector returned ${JSON.stringify(obs.zero_vector_returned)};` +
    ` NaN distances ${obs.nan_distances}; limit changes the prefix in ${obs.limit_changes_prefix.length} cases`);
  for (const s of cap(obs.ties_not_by_rowid)) console.log(`knn_expect:   tie not by rowid: ${s}`);
  for (const s of cap(obs.limit_changes_prefix)) console.log(`knn_expect:   limit changes prefix: ${s}`);
  console.log(`knn_expect: ${total} cases from ${names.length - failed} datasets in ${((Date.now() - t0) / 1000).toFixed(1)}s${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed || !names.length ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
