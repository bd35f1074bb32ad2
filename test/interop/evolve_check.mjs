// node evolve_check.mjs OUTDIR LANCE_SO
// Schema evolution both ways with LanceDB 0.39.  Per scenario one dataset is evolved
// step by step, by the extension (lance_add_columns, lance_alter_columns,
// lance_drop_columns, lance_backfill) and by LanceDB (addColumns, alterColumns,
// dropColumns, add, update); after every step EVERY version is read by both sides
// (the extension through a table pinned to that version, so with that version's
// schema) and must agree: the column names and every value of every row in id order.
// Also checked: the operation that made each version (merge / project /
// data_replacement as Lance names them), the Arrow types LanceDB reports after the
// extension's cast, and that a backfill commits every `commit_every` rows.
// Prints one line per failed check and `evolve_check: N passed, M failed`.
import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { quoteStr, sqlite } from "./sqlite_cli.mjs";

const TIMES = ["night", "day", "dawn", null];
function rows(a, b) {
  const f32 = new A.Float32();
  const cols = [
    { name: "id", type: new A.Int64(), nullable: false, values: [] },
    { name: "timeofday", type: new A.Utf8(), nullable: true, values: [] },
    { name: "score", type: f32, nullable: true, values: [] },
    { name: "label", type: new A.Utf8(), nullable: true, values: [] },
    { name: "dhash", type: new A.Int64(), nullable: true, values: [] },
    { name: "vec", type: new A.FixedSizeList(4, new A.Field("item", f32, true)), nullable: true, values: [] },
  ];
  for (let i = a; i < b; i++) {
    cols[0].values.push(BigInt(i));
    cols[1].values.push(TIMES[i % 4]);
    cols[2].values.push(i % 13 === 5 ? null : i / 4);
    cols[3].values.push(i % 11 === 6 ? null : `l${i}`);
    cols[4].values.push(BigInt(i * 3));
    cols[5].values.push(i % 9 === 4 ? null : [i, i / 4, -i, 0.5]);
  }
  return toIPC(cols, 4096);
}

// a value as both sides must print it
function norm(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "object" && typeof v.toArray === "function") return Array.from(v.toArray(), norm);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return Array.from(v, norm);
  return v;
}

async function lanceVersion(table, v) {
  await table.checkout(v);
  const schema = await table.schema();
  const data = await table.query().toArray();
  await table.checkoutLatest();
  const fields = schema.fields.map((f) => ({ name: f.name, vec: f.type.typeId === A.Type.FixedSizeList, type: String(f.type) }));
  const out = data.map((r) => JSON.stringify(fields.map((f) => norm(r[f.name]))));
  out.sort((x, y) => JSON.parse(x)[0] - JSON.parse(y)[0]);
  return { fields, rows: out };
}

function extVersion(so, path, v, fields) {
  const cols = fields.map((f) => (f.vec ? `vec_to_json("${f.name}") AS "${f.name}"` : `"${f.name}"`)).join(", ");
  const out = sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(path)}, version=${v});
.mode json
SELECT ${cols} FROM t ORDER BY 1;\n`);
  const rows = out.trim() ? JSON.parse(out) : [];
  return rows.map((r) => JSON.stringify(fields.map((f) => (f.vec && r[f.name] !== null ? JSON.parse(r[f.name]) : r[f.name]))));
}

function extOps(so, path) {
  return JSON.parse(sqlite(so, `.mode json\nSELECT version, operation FROM lance_versions(${quoteStr(path)});\n`));
}

async function scenario(db, so, dir, name, storage, steps, results) {
  const path = resolve(dir, `${name}.lance`);
  const fail = (what, msg) => { results.failed++; console.log(`evolve_check: ${name}: after ${what}: FAIL\n  ${msg}`); };
  const check = async (what, expect) => {
    const table = await db.openTable(name);
    const versions = (await table.listVersions()).map((v) => v.version);
    const probs = [];
    for (const v of versions) {
      const l = await lanceVersion(table, v);
      let e;
      try { e = extVersion(so, path, v, l.fields); } catch (err) { probs.push(`version ${v}: ${err.message}`); continue; }
      if (l.rows.join("\n") !== e.join("\n")) {
        const k = l.rows.findIndex((x, i) => x !== e[i]);
        probs.push(`version ${v} (${l.fields.map((f) => f.name).join(",")}): ${l.rows.length} rows in LanceDB, ${e.length} here; first difference at ${k}:\n    LanceDB ${l.rows[k]}\n    here    ${e[k]}`);
      }
    }
    if (expect) for (const p of await expect(table)) probs.push(p);
    if (probs.length) fail(what, probs.join("\n  "));
    else results.passed++;
  };
  const ext = async (what, sql, expect) => {
    try { sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(path)});\n${sql}\n`); }
    catch (err) { fail(what, err.message); return; }
    await check(`extension: ${what}`, expect);
  };
  const lance = async (what, fn, expect) => { await fn(await db.openTable(name)); await check(`LanceDB: ${what}`, expect); };
  await db.inner.createTable(name, rows(0, 600), "create", [], storage);
  await lance("append 600 rows, delete id % 7 = 3", async (t) => {
    await t.inner.add(rows(600, 1200), "append");
    await t.delete("id % 7 = 3");
  });
  await steps({ ext, lance, path, so });
}

// the operations of the versions after `from`, as the extension lists them
const opsSince = (so, path, from) => extOps(so, path).filter((r) => r.version > from).map((r) => r.operation);
const typeOf = async (t, col) => String((await t.schema()).fields.find((f) => f.name === col)?.type);

async function extSteps({ ext, lance, path, so }) {
  let v0 = 0;
  const mark = () => { v0 = Math.max(...extOps(so, path).map((r) => r.version)); };
  const ops = (want) => async () => { const got = opsSince(so, path, v0).join(","); return got === want ? [] : [`operations ${got}, expected ${want}`]; };
  mark();
  await ext("add is_night from an expression", "SELECT lance_add_columns('t', 'is_night BOOLEAN', 'timeofday = ''night''');", ops("merge"));
  mark();
  await ext("add score2 FLOAT64 = score * 2 + id", "SELECT lance_add_columns('t', 'score2 FLOAT64', 'score * 2 + t.id');", ops("merge"));
  mark();
  await ext("add all-NULL emb FLOAT32[8], note TEXT", "SELECT lance_add_columns('t', 'emb FLOAT32[8], note TEXT');", ops("merge"));
  mark();
  await ext("rename label -> category, id nullable, cast score FLOAT64",
    "SELECT lance_alter_columns('t', 'rename=label:category nullable=id:true cast=score:FLOAT64');",
    async (t) => {
      const p = (await ops("merge")());
      const ty = await typeOf(t, "score");
      if (ty !== "Float64") p.push(`score is ${ty} in LanceDB, expected Float64`);
      if ((await t.schema()).fields.find((f) => f.name === "id")?.nullable !== true) p.push("id is not nullable in LanceDB");
      return p;
    });
  mark();
  await ext("rename only (a Project)", "SELECT lance_alter_columns('t', 'rename=timeofday:tod');", ops("project"));
  mark();
  await ext("drop dhash, note", "SELECT lance_drop_columns('t', 'dhash, note');", ops("project"));
  mark();
  await ext("backfill emb where emb IS NULL, commit_every=300 (1029 rows: 4 versions, cuts inside fragments)",
    "SELECT lance_backfill('t', 'emb', 'vec_f32(json_array(id, id / 4.0, -id, 1, 2, 3, 4, id % 5))', 'where=emb IS NULL commit_every=300');",
    ops("data_replacement,data_replacement,data_replacement,data_replacement"));
  mark();
  await ext("backfill emb again where id % 2 = 0 (replacing the column files)",
    "SELECT lance_backfill('t', 'emb', 'vec_f32(json_array(0, 0, 0, 0, 0, 0, 0, id))', 'where=id % 2 = 0');",
    ops("data_replacement"));
  mark();
  await ext("backfill category (in a shared data file) where id % 3 = 0",
    "SELECT lance_backfill('t', 'category', 'upper(category) || ''!''', 'where=id % 3 = 0');", ops("merge"));
  mark();
  await ext("backfill category again (now its own file) where id % 5 = 0",
    "SELECT lance_backfill('t', 'category', '''five''', 'where=id % 5 = 0');", ops("data_replacement"));
  mark();
  await ext("UPDATE score2 over half the rows (column-only: its own file)",
    "UPDATE t SET score2 = score2 + 1 WHERE id % 2 = 1;", ops("data_replacement"));
  mark();
  await ext("UPDATE tod, emb over every row (column-only: tod shares a file)",
    "UPDATE t SET tod = upper(tod), emb = vec_f32(json_array(id, 1, 2, 3, 4, 5, 6, 7)) WHERE id >= 0;", ops("merge"));
  mark();
  await ext("UPDATE one row (delete + append)", "UPDATE t SET score2 = -1 WHERE id = 8;", ops("update"));
  mark();
  await ext("UPDATE inside BEGIN ... COMMIT (delete + append, read-your-writes)",
    "BEGIN; UPDATE t SET score2 = 0 WHERE id % 2 = 0; UPDATE t SET score2 = score2 + 5 WHERE score2 = 0; COMMIT;", ops("update"));
  await lance("append 100 rows with the new schema", async (t) => {
    const s = await t.schema();
    const data = Array.from({ length: 100 }, (_, k) => {
      const i = 2000 + k;
      return { id: BigInt(i), tod: "night", score: i / 2, category: `c${i}`, vec: [1, 2, 3, 4], is_night: true, score2: i * 1.5,
        emb: Array.from({ length: 8 }, (_, j) => j + i) };
    });
    await t.add(data.map((r) => Object.fromEntries(s.fields.map((f) => [f.name, r[f.name]]))));
  });
  await lance("addColumns z = id + 1", (t) => t.addColumns([{ name: "z", valueSql: "id + 1" }]));
  await ext("backfill z where z > 1000", "SELECT lance_backfill('t', 'z', '-z', 'where=z > 1000');");
}

async function lanceSteps({ ext, lance, path, so }) {
  await lance("addColumns x2 = id * 2, night = timeofday = 'night'",
    (t) => t.addColumns([{ name: "x2", valueSql: "id * 2" }, { name: "night", valueSql: "timeofday = 'night'" }]));
  await lance("alterColumns rename label -> category, score -> double", (t) =>
    t.alterColumns([{ path: "label", rename: "category" }, { path: "score", dataType: new A.Float64() }]));
  await lance("dropColumns dhash", (t) => t.dropColumns(["dhash"]));
  await lance("update category where id < 10", (t) => t.update({ where: "id < 10", values: { category: "'u'" } }));
  await ext("backfill x2 (LanceDB's column file) where id % 4 = 0",
    "SELECT lance_backfill('t', 'x2', 'id * 100', 'where=id % 4 = 0');");
  const v0 = Math.max(...extOps(so, path).map((r) => r.version));
  await ext("UPDATE category over most rows (column-only: LanceDB's shared data file)",
    "UPDATE t SET category = coalesce(category, '') || '+' WHERE id > 100;", async () => {
      const got = opsSince(so, path, v0).join(",");
      return got === "merge" ? [] : [`operations ${got}, expected merge`];
    });
  await ext("add a column, drop another", "SELECT lance_add_columns('t', 'w INT32', 'id % 3'); SELECT lance_drop_columns('t', 'night');");
  await lance("alterColumns w -> int64, rename w -> w64", (t) =>
    t.alterColumns([{ path: "w", dataType: new A.Int64() }]).then(() => t.alterColumns([{ path: "w", rename: "w64" }])));
}

async function main() {
  const [dir, so] = process.argv.slice(2);
  const base = resolve(dir, "evolve");
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const db = await lancedb.connect(base);
  const results = { passed: 0, failed: 0 };
  await scenario(db, so, base, "ext_evolves", {}, extSteps, results);
  await scenario(db, so, base, "ext_evolves_stable_v21", { new_table_data_storage_version: "2.1",
    new_table_enable_stable_row_ids: "true" }, extSteps, results);
  await scenario(db, so, base, "lance_evolves", {}, lanceSteps, results);
  console.log(`evolve_check: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
