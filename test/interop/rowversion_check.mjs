// node rowversion_check.mjs OUTDIR LANCE_SO
// Row versions with stable row ids, against LanceDB 0.39.  LanceDB writes a dataset with
// stable row ids; it is copied; then the same operations run on both copies, LanceDB's own
// on the original and the extension's on the copy (INSERT, UPDATE of a few rows,
// UPDATE inside BEGIN ... COMMIT, lance_merge_insert, lance_compact), each one version on
// both sides.  After each, LanceDB reads every row's _rowid, _row_created_at_version and
// _row_last_updated_at_version from both copies and they must be equal: an UPDATE keeps a
// row's created_at and sets its last_updated_at, compaction keeps both.  Last, the
// extension's column-only UPDATE (ext/vtab/update_cols.c) keeps created_at and row ids;
// its last_updated_at stays (a DataReplacement, documented in docs/sql.md), which is
// checked too.  Prints one line per failed check and `rowversion_check: N passed, M failed`.
import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { quoteStr, sqlite } from "./sqlite_cli.mjs";

const [out, so] = [resolve(process.argv[2] ?? "out"), resolve(process.argv[3] ?? "../../build/lance.so")];
const dir = join(out, "rowversion");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let failed = 0, passed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`rowversion_check: FAIL ${what}`); } };

function rows(a, b) {
  const ids = [], vs = [];
  for (let i = a; i < b; i++) ids.push(BigInt(i)), vs.push(i * 0.5);
  return toIPC([{ name: "id", type: new A.Int64(), nullable: false, values: ids },
    { name: "v", type: new A.Float64(), nullable: true, values: vs }], 4096);
}

// id -> [rowid, created_at, last_updated_at] as LanceDB reads them
async function versions(tbl) {
  const r = await tbl.query().select(["id", "_rowid", "_row_created_at_version", "_row_last_updated_at_version"]).toArray();
  return new Map(r.map((x) => [Number(x.id), [Number(x._rowid), Number(x._row_created_at_version), Number(x._row_last_updated_at_version)]]));
}
const show = (m) => [...m.entries()].sort((x, y) => x[0] - y[0]).slice(0, 30).map(([k, v]) => `${k}:${v.join("/")}`).join(" ");

function diff(a, b) {
  if (a.size !== b.size) return `${a.size} rows vs ${b.size}`;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.join() !== v.join()) return `id ${k}: LanceDB's ${v.join("/")}, ours ${w ? w.join("/") : "missing"} (rowid/created/updated)`;
  }
  return null;
}

const db = await lancedb.connect(dir);
await db.inner.createTable("a", rows(0, 300), "create", [], { new_table_enable_stable_row_ids: "true" });
cpSync(join(dir, "a.lance"), join(dir, "b.lance"), { recursive: true });
const ta = await db.openTable("a");
const pathB = join(dir, "b.lance");
const ext = (sql) => sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(pathB)});\n${sql}\n`);
const vB = () => Number(sqlite(so, `SELECT max(version) FROM lance_versions(${quoteStr(pathB)});\n`).trim());

const steps = [
  ["append 100 rows", () => ta.inner.add(rows(300, 400), "append"),
    "INSERT INTO t SELECT value, value * 0.5 FROM generate_series(300, 399);"],
  ["UPDATE 20 rows (delete + append)", () => ta.update({ where: "id < 20", values: { v: "-1" } }),
    "UPDATE t SET v = -1 WHERE id < 20;"],
  ["UPDATE 100 rows in BEGIN ... COMMIT", () => ta.update({ where: "id >= 300", values: { v: "7" } }),
    "BEGIN; UPDATE t SET v = 7 WHERE id >= 300; COMMIT;"],
  ["merge_insert 30 matched + 10 new", () => ta.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll()
    .execute(Array.from({ length: 40 }, (_, k) => ({ id: BigInt(k < 30 ? 100 + k : 1000 + k), v: 42 }))),
  "CREATE TABLE s(id INTEGER, v REAL); INSERT INTO s SELECT CASE WHEN value < 30 THEN 100 + value ELSE 1000 + value END, 42 FROM generate_series(0, 39);" +
    "SELECT lance_merge_insert('t', 'id', 'SELECT * FROM s', 'when_matched=update_all when_not_matched=insert');"],
];
for (const [what, lance, sql] of steps) {
  const before = vB();
  await lance();
  try { ext(sql); } catch (e) { check(false, `${what}: ${e.message}`); continue; }
  check(vB() === before + 1, `${what}: ${vB() - before} versions`);
  const d = diff(await versions(await db.openTable("a")), await versions(await db.openTable("b")));
  check(!d, `${what}: ${d}`);
}

// compaction keeps both versions of every row, on both sides
{
  const la = await versions(await db.openTable("a")), lb = await versions(await db.openTable("b"));
  await ta.optimize();
  ext("SELECT lance_compact('t', 'target_rows_per_fragment=1048576') IS NOT NULL;");
  const ops = sqlite(so, `SELECT operation FROM lance_versions(${quoteStr(pathB)}) ORDER BY version DESC LIMIT 1;\n`).trim();
  check(ops === "rewrite", `compaction: the last operation is ${ops}`);
  const ca = await versions(await db.openTable("a")), cb = await versions(await db.openTable("b"));
  check(!diff(la, ca), `LanceDB's compaction changed versions: ${diff(la, ca)}`);
  const d = diff(lb, cb);
  check(!d, `our compaction changed versions: ${d}\n  before ${show(lb)}\n  after  ${show(cb)}`);
}

// the column-only UPDATE: row ids and created_at stay, and so does last_updated_at
{
  const lb = await versions(await db.openTable("b"));
  ext("UPDATE t SET v = v + 1 WHERE id >= 200;");
  const op = sqlite(so, `SELECT operation FROM lance_versions(${quoteStr(pathB)}) ORDER BY version DESC LIMIT 1;\n`).trim();
  check(op === "data_replacement" || op === "merge", `column-only UPDATE: operation ${op}`);
  const d = diff(lb, await versions(await db.openTable("b")));
  check(!d, `column-only UPDATE changed row ids or versions: ${d}`);
}

console.log(`rowversion_check: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
