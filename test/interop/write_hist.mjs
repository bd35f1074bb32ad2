// node write_hist.mjs OUTDIR LANCE_SO
// Mixed histories: LanceDB and the extension take turns writing one dataset (create,
// append, delete, update, tags, restore), for each of: created by the extension (2.2,
// v2 manifest paths), created by LanceDB (2.1, v1 paths), created by LanceDB with stable
// row ids.  After every step both sides read EVERY version so far and must agree:
// rows (id, name, vec, tags, as JSON) in id order, the version list, the tags, and
// with stable row ids the _rowid of every row (an UPDATE keeps a row's _rowid).
// Prints one line per failed check and `write_hist: N passed, M failed`.
import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { quoteStr, sqlite } from "./sqlite_cli.mjs";

const SCHEMA = "id INT64 NOT NULL, name TEXT, vec FLOAT32[4], tags TEXT[]";


// Rows of a version as canonical JSON lines (values exactly representable: quarters).
function rowLine(id, name, vec, tags, rowid) {
  return JSON.stringify({ id: Number(id), name: name ?? null, vec: vec ? Array.from(vec, Number) : null,
    tags: tags ? Array.from(tags) : null, ...(rowid !== undefined ? { rowid: String(rowid) } : {}) });
}

function extRows(so, path, version, withRowId) {
  const out = sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(path)});
.mode json
SELECT id, name, vec_to_json(vec) AS vec, tags${withRowId ? ", _rowid AS rowid" : ""} FROM t WHERE _version = ${version} ORDER BY id;\n`);
  const rows = out.trim() ? JSON.parse(out) : [];
  return rows.map((r) => rowLine(r.id, r.name, r.vec && JSON.parse(r.vec), r.tags && JSON.parse(r.tags),
    withRowId ? r.rowid : undefined));
}

async function lanceRows(table, version, withRowId) {
  await table.checkout(version);
  let q = table.query();
  if (withRowId) q = q.withRowId();
  const rows = await q.toArray();
  await table.checkoutLatest();
  return rows.map((r) => rowLine(r.id, r.name, r.vec, r.tags && r.tags.toArray(), withRowId ? r._rowid : undefined))
    .sort((a, b) => JSON.parse(a).id - JSON.parse(b).id);
}

function extVersions(so, path) {
  const out = sqlite(so, `.mode json\nSELECT version FROM lance_versions(${quoteStr(path)});\n`);
  return JSON.parse(out).map((r) => r.version);
}

function extTags(so, path) {
  const out = sqlite(so, `.mode json\nSELECT tag, version FROM lance_tags(${quoteStr(path)});\n`);
  return out.trim() ? JSON.parse(out).map((r) => `${r.tag}=${r.version}`) : [];
}

// values for id i: exactly representable floats, some nulls
const vecOf = (i) => (i % 9 === 4 ? null : [i, i / 4, -i, 0.5]);
const tagsOf = (i) => (i % 5 === 3 ? null : Array.from({ length: i % 4 }, (_, k) => `t${i}-${k}`));
const nameOf = (i) => (i % 11 === 6 ? null : `n${i}`);
const sqlVal = (v) => (v === null ? "NULL" : typeof v === "string" ? quoteStr(v) : quoteStr(JSON.stringify(v)));
const sqlRows = (a, b) => Array.from({ length: b - a }, (_, k) => a + k)
  .map((i) => `(${i}, ${sqlVal(nameOf(i))}, ${vecOf(i) ? `vec_f32(${quoteStr(JSON.stringify(vecOf(i)))})` : "NULL"}, ${sqlVal(tagsOf(i))})`).join(",\n");

// rows a..b-1 as Arrow IPC (the native layer takes IPC: see hist_gen.mjs)
function arrowRows(a, b) {
  const f32 = new A.Float32();
  const cols = [
    { name: "id", type: new A.Int64(), nullable: false, values: [] },
    { name: "name", type: new A.Utf8(), nullable: true, values: [] },
    { name: "vec", type: new A.FixedSizeList(4, new A.Field("item", f32, true)), nullable: true, values: [] },
    { name: "tags", type: new A.List(new A.Field("item", new A.Utf8(), true)), nullable: true, values: [] },
  ];
  for (let i = a; i < b; i++) {
    cols[0].values.push(BigInt(i));
    cols[1].values.push(nameOf(i));
    cols[2].values.push(vecOf(i));
    cols[3].values.push(tagsOf(i));
  }
  return toIPC(cols, 4096);
}

async function scenario(db, so, dir, name, opts, results) {
  const path = resolve(dir, `${name}.lance`);
  const check = async (what) => {
    const table = await db.openTable(name);
    const lv = (await table.listVersions()).map((v) => v.version);
    const ev = extVersions(so, path);
    const tagsL = Object.entries(await (await table.tags()).list()).map(([k, v]) => `${k}=${v.version}`).sort();
    const tagsE = extTags(so, path);
    const probs = [];
    if (lv.join() !== ev.join()) probs.push(`versions: LanceDB ${lv.join(",")} vs here ${ev.join(",")}`);
    if (tagsL.join() !== tagsE.join()) probs.push(`tags: LanceDB ${tagsL.join(",")} vs here ${tagsE.join(",")}`);
    const rowidOf = new Map(); // stable row ids: an id keeps its _rowid in every version
    for (const v of lv) {
      const l = await lanceRows(table, v, opts.stable), e = extRows(so, path, v, opts.stable);
      if (opts.stable) {
        const seen = new Set();
        for (const line of l) {
          const { id, rowid } = JSON.parse(line);
          if (seen.has(rowid)) probs.push(`version ${v}: _rowid ${rowid} appears twice`);
          seen.add(rowid);
          if (rowidOf.has(id) && rowidOf.get(id) !== rowid)
            probs.push(`version ${v}: id ${id} has _rowid ${rowid}, was ${rowidOf.get(id)}`);
          rowidOf.set(id, rowid);
        }
      }
      if (l.join("\n") !== e.join("\n")) {
        const k = l.findIndex((x, i) => x !== e[i]);
        probs.push(`version ${v}: ${l.length} rows in LanceDB, ${e.length} here; first difference at ${k}:\n    LanceDB ${l[k]}\n    here    ${e[k]}`);
      }
    }
    if (probs.length) { results.failed++; console.log(`write_hist: ${name}: after ${what}: FAIL\n  ${probs.join("\n  ")}`); }
    else results.passed++;
  };
  const ext = async (what, sql) => { sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(path)});\n${sql}\n`); await check(`extension: ${what}`); };
  const lance = async (what, fn) => { await fn(await db.openTable(name)); await check(`LanceDB: ${what}`); };

  if (opts.createdBy === "ext") {
    sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(path)}, schema=${quoteStr(SCHEMA)});
INSERT INTO t VALUES ${sqlRows(0, 100)};\n`);
    await check("extension: create + insert 100 rows");
  } else {
    await db.inner.createTable(name, arrowRows(0, 100), "create", [], opts.storage);
    await check("LanceDB: create 100 rows");
  }
  await lance("append 50 rows", (t) => t.inner.add(arrowRows(100, 150), "append"));
  await ext("insert 30 rows in three statements of one transaction", `BEGIN;
INSERT INTO t VALUES ${sqlRows(150, 160)};
INSERT INTO t VALUES ${sqlRows(160, 170)};
INSERT INTO t VALUES ${sqlRows(170, 180)};
COMMIT;`);
  await ext("delete id % 10 = 0", "DELETE FROM t WHERE id % 10 = 0;");
  await lance("delete 20 <= id < 30", (t) => t.delete("id >= 20 AND id < 30"));
  await ext("update name, vec, tags where id % 7 = 0", "UPDATE t SET name = 'u' || id, vec = vec_f32('[1,2,3,4]'), tags = '[\"x\"]' WHERE id % 7 = 0;");
  await lance("update name where id < 5", (t) => t.update({ where: "id < 5", values: { name: "lz" } }));
  await ext("tag mid -> latest; tag old -> 2", "SELECT lance_tag_create('t', 'mid'); SELECT lance_tag_create('t', 'old', 2);");
  await lance("append 10 rows", (t) => t.inner.add(arrowRows(200, 210), "append"));
  await ext("restore tag mid", "SELECT lance_restore('t', 'mid');");
  await ext("delete every row with id >= 100 and update the rest's names, in one transaction",
    "BEGIN; DELETE FROM t WHERE id >= 100; UPDATE t SET name = name || '!' WHERE name IS NOT NULL AND id < 100; COMMIT;");
  await lance("tag update mid -> latest; tag delete old", async (t) => {
    const tags = await t.tags();
    await tags.update("mid", await t.version());
    await tags.delete("old");
  });
  await ext("insert 2 rows", `INSERT INTO t VALUES ${sqlRows(300, 302)};`);
  await ext("update every third row and insert 5 rows in one transaction (one new fragment of both)",
    `BEGIN; UPDATE t SET name = 'third' WHERE id % 3 = 0; INSERT INTO t VALUES ${sqlRows(400, 405)}; COMMIT;`);
  await lance("update where id % 3 = 1", (t) => t.update({ where: "id % 3 = 1", values: { name: "lance" } }));
}

async function main() {
  const [out, soArg] = process.argv.slice(2);
  if (!out || !soArg) { console.error("usage: node write_hist.mjs OUTDIR LANCE_SO"); process.exit(2); }
  const so = resolve(soArg).replace(/\.so$/, "");
  const dir = join(out, "write_hist");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = await lancedb.connect(dir);
  const results = { passed: 0, failed: 0 };
  const scenarios = [
    ["ext_created", { createdBy: "ext", stable: false }],
    ["lance_created", { createdBy: "lance", stable: false, storage: {} }],
    ["lance_created_v21_v1paths", { createdBy: "lance", stable: false, storage: {
      new_table_data_storage_version: "2.1", new_table_enable_v2_manifest_paths: "false" } }],
    ["lance_created_stable_ids", { createdBy: "lance", stable: true, storage: {
      new_table_enable_stable_row_ids: "true" } }],
  ];
  for (const [name, opts] of scenarios) {
    try {
      await scenario(db, so, dir, name, opts, results);
    } catch (e) {
      results.failed++;
      console.log(`write_hist: ${name}: FAIL ${e.stack || e.message}`);
    }
  }
  console.log(`write_hist: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

await main();
