// node scalar_check.mjs OURS THEIRS STAGE
// Scalar index writer interop (scalar_run.sh): OURS and THEIRS hold the same rows (copies
// of test/unit/data/scalar.lance); THEIRS keeps the BTREE / BITMAP / LABEL_LIST indexes
// LanceDB 0.39 built, OURS has them replaced by the extension's (lance_create_index, same
// names). LanceDB must list ours as its own kind with every row indexed, plan each filter
// below with our index (explainPlan shows ScalarIndexQuery ...@<name>), and return the
// same rows (ids) as on its own indexes. Prints one line per check; exits 1 on a failure.
import * as lancedb from "@lancedb/lancedb";

const [ours, theirs, stage] = process.argv.slice(2);
const FILTERS = [
  ["k = 7", "k_idx"], ["k < 3", "k_idx"], ["k >= 47", "k_idx"], ["k BETWEEN 10 AND 12", "k_idx"],
  ["k IN (1, 2, 49)", "k_idx"], ["k IS NULL", "k_idx"],
  ["id <= -1", "id_idx"], ["id = 90", "id_idx"], ["id > 89000", "id_idx"], ["id < 0", "id_idx"],
  ["f < -99", "f_idx"], ["f > 2000", "f_idx"], ["f = 0", "f_idx"], ["f IS NULL", "f_idx"],
  ["s = 'café'", "s_idx"], ["s IN ('日本', 'ß')", "s_idx"], ["s IS NULL", "s_idx"], ["s = ''", "s_idx"],
  ["b = true", "b_idx"], ["k2 = 7", "k2_idx"], ["k2 IN (5, 6)", "k2_idx"],
  ["array_has_any(tags, ['t1', 'café'])", "tags_idx"], ["array_has_all(tags, ['t1', 'u2'])", "tags_idx"],
  ["k = 7 AND s = 'a'", "k_idx"],
];
let fail = 0;
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${stage}: ${what}`); if (!ok) fail++; };
const dbo = await lancedb.connect(ours.replace(/\/[^/]+$/, ""));
const dbt = await lancedb.connect(theirs.replace(/\/[^/]+$/, ""));
const name = (p) => p.replace(/^.*\//, "").replace(/\.lance$/, "");
const to = await dbo.openTable(name(ours)), tt = await dbt.openTable(name(theirs));
const lo = await to.listIndices(), lt = await tt.listIndices();
for (const x of lt) {
  const y = lo.find((i) => i.name === x.name);
  check(y && y.indexType === x.indexType && y.typeUrl === x.typeUrl && JSON.stringify(y.columns) === JSON.stringify(x.columns),
    `${x.name}: listed as ${y ? y.indexType : "missing"} (LanceDB's: ${x.indexType})`);
  const so = await to.indexStats(x.name);
  check(so && so.numUnindexedRows === 0 && so.numIndexedRows === (await to.countRows()),
    `${x.name}: stats ${JSON.stringify(so)}`);
}
const ids = async (t, w) => (await t.query().where(w).select(["id"]).toArray()).map((r) => String(r.id)).sort();
for (const [w, ix] of FILTERS) {
  const plan = await to.query().where(w).explainPlan(true);
  check(plan.includes("ScalarIndexQuery") && plan.includes(`@${ix}`), `${w}: planned with ${ix}`);
  const a = await ids(to, w), b = await ids(tt, w);
  check(a.length === b.length && a.every((v, i) => v === b[i]), `${w}: ${a.length} rows (LanceDB's index: ${b.length})`);
}
if (fail) { console.error(`scalar_check ${stage}: ${fail} failed`); process.exit(1); }
