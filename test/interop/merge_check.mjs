// node merge_check.mjs OUTDIR LANCE_SO
// lance_merge_insert against LanceDB 0.39's mergeInsert, on the same data.  For each
// configuration LanceDB writes a table (20 rows, one deleted, so the key column has a
// hole), copies it, runs its own mergeInsert on the original and the extension runs
// lance_merge_insert on the copy with the same source rows.  Checked: the counts
// (inserted / updated / deleted) are LanceDB's; LanceDB reads both results as the same
// rows; the extension reads LanceDB's result as those rows too; the extension's merge
// made exactly one version.  Then the ambiguous merge (two source rows for one target
// row) is refused by both, the error words checked, and nothing is written.  Then three
// merges at once (two extension processes, LanceDB): each lands whole or is refused whole.
import * as lancedb from "@lancedb/lancedb";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { sqlite } from "./sqlite_cli.mjs";

const [out, so] = [resolve(process.argv[2] ?? "out"), resolve(process.argv[3] ?? "../../build/lance.so")];
const dir = join(out, "merge");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let failed = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failed++; console.log(`FAIL ${what}`); } };

const base = Array.from({ length: 20 }, (_, i) => ({ id: BigInt(i), n: BigInt(i), v: `r${i}` }));
const source = Array.from({ length: 10 }, (_, i) => ({ id: BigInt(10 + 2 * i), n: BigInt(100 + 2 * i), v: `s${10 + 2 * i}` }));

const configs = [
  { name: "upsert", opts: "when_matched=update_all when_not_matched=insert",
    lance: (b) => b.whenMatchedUpdateAll().whenNotMatchedInsertAll() },
  { name: "update_if_delete", opts: "when_matched=update_if=source.n > target.n + 85 AND target.n < 15 when_not_matched_by_source=delete",
    lance: (b) => b.whenMatchedUpdateAll({ where: "source.n > target.n + 85 AND target.n < 15" }).whenNotMatchedBySourceDelete() },
  { name: "insert_delete_if", opts: "when_not_matched=insert when_not_matched_by_source=delete_if=n < 5",
    lance: (b) => b.whenNotMatchedInsertAll().whenNotMatchedBySourceDelete({ where: "n < 5" }) },
  { name: "update_only", opts: "when_matched=update_all",
    lance: (b) => b.whenMatchedUpdateAll() },
  { name: "replace_all", opts: "when_matched=update_all when_not_matched=insert when_not_matched_by_source=delete",
    lance: (b) => b.whenMatchedUpdateAll().whenNotMatchedInsertAll().whenNotMatchedBySourceDelete() },
];

const rowsOf = async (tbl) =>
  (await tbl.query().toArray()).map((r) => `${r.id}|${r.n}|${r.v}`).sort();
const sqlRows = (path) =>
  sqlite(so, `CREATE VIRTUAL TABLE t USING lance('${path}');\nSELECT id || '|' || n || '|' || v FROM t;\n`)
    .trim().split("\n").filter((l) => l).sort();
const values = source.map((r) => `(${r.id}, ${r.n}, '${r.v}')`).join(", ");

for (const c of configs) {
  const db = await lancedb.connect(join(dir, c.name));
  const t = await db.createTable("a", base);
  await t.delete("id = 3");
  cpSync(join(dir, c.name, "a.lance"), join(dir, c.name, "b.lance"), { recursive: true });
  const lr = await c.lance(t.mergeInsert("id")).execute(source);
  const before = Number(sqlite(so, `SELECT max(version) FROM lance_versions('${join(dir, c.name, "b.lance")}');\n`).trim());
  const res = sqlite(so, `CREATE VIRTUAL TABLE b USING lance('${join(dir, c.name, "b.lance")}');\n` +
    `CREATE TABLE staging(id INTEGER, n INTEGER, v TEXT);\nINSERT INTO staging VALUES ${values};\n` +
    `SELECT lance_merge_insert('b', 'id', 'SELECT * FROM staging', '${c.opts.replaceAll("'", "''")}');\n`).trim();
  const ours = JSON.parse(res);
  check(ours.num_inserted_rows === lr.numInsertedRows && ours.num_updated_rows === lr.numUpdatedRows &&
        ours.num_deleted_rows === lr.numDeletedRows,
        `${c.name}: counts ${res} vs LanceDB ${JSON.stringify(lr)}`);
  check(ours.version === before + 1, `${c.name}: version ${ours.version}, expected ${before + 1}`);
  const a = await rowsOf(t), b = await rowsOf(await db.openTable("b"));
  check(JSON.stringify(a) === JSON.stringify(b), `${c.name}: LanceDB reads ours as\n  ${b}\nnot\n  ${a}`);
  const e = sqlRows(join(dir, c.name, "a.lance"));
  check(JSON.stringify(a) === JSON.stringify(e), `${c.name}: the extension reads LanceDB's as\n  ${e}\nnot\n  ${a}`);
}

// ambiguous: both refuse, nothing written
{
  const db = await lancedb.connect(join(dir, "ambiguous"));
  const t = await db.createTable("a", base);
  let lerr = "";
  try { await t.mergeInsert("id").whenMatchedUpdateAll().execute([{ id: 1n, n: 1n, v: "x" }, { id: 1n, n: 2n, v: "y" }]); }
  catch (e) { lerr = e.message; }
  check(lerr.includes("Ambiguous merge inserts are prohibited"), `ambiguous: LanceDB said '${lerr}'`);
  let serr = "";
  try {
    sqlite(so, `CREATE VIRTUAL TABLE a USING lance('${join(dir, "ambiguous", "a.lance")}');\n` +
      `SELECT lance_merge_insert('a', 'id', 'SELECT 1 AS id, 1 AS n, ''x'' AS v UNION ALL SELECT 1, 2, ''y''', 'when_matched=update_all');\n`);
  } catch (e) { serr = e.message; }
  check(serr.includes("lance_merge_insert: ambiguous merge: several source rows have key id = 1, which matches a row of 'a'"),
        `ambiguous: the extension said '${serr}'`);
  check((await t.version()) === 1, `ambiguous: version ${await t.version()} after two refused merges`);
}
// concurrent: two extension processes and LanceDB merge at once into one table of two
// fragments (ids 0-99, 100-199): each updates 10 rows of its own and inserts 5 new ones.
// Every merge either lands whole (rebased over the others) or is refused with nothing
// of it written; LanceDB's retries until it lands.  Nothing any landed merge wrote is lost.
{
  const db = await lancedb.connect(join(dir, "concurrent"));
  const t = await db.createTable("a", Array.from({ length: 100 }, (_, i) => ({ id: BigInt(i), n: 0n, v: "" })));
  await t.add(Array.from({ length: 100 }, (_, i) => ({ id: BigInt(100 + i), n: 0n, v: "" })));
  const path = join(dir, "concurrent", "a.lance");
  const merge = (who, from, ins) => {
    const src = [...Array.from({ length: 10 }, (_, i) => `SELECT ${from + i} AS id, ${who} AS n, 'p${who}' AS v`),
                 ...Array.from({ length: 5 }, (_, i) => `SELECT ${ins + i}, ${who}, 'p${who}'`)].join(" UNION ALL ");
    return new Promise((ok) => {
      const p = spawn("sqlite3", ["-batch", ":memory:", "-cmd", `.load ${so}`],
                      { env: { ...process.env, ...(process.env.LANCE_SQLITE_PRELOAD ? { LD_PRELOAD: process.env.LANCE_SQLITE_PRELOAD } : {}) } });
      let stdout = "", stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      p.on("close", () => ok({ who, from, ins, stdout, stderr }));
      p.stdin.end(`CREATE VIRTUAL TABLE a USING lance('${path}');\n` +
                  `SELECT lance_merge_insert('a', 'id', '${src.replaceAll("'", "''")}', 'when_matched=update_all when_not_matched=insert');\n`);
    });
  };
  const lance = Array.from({ length: 10 }, (_, i) => ({ id: BigInt(150 + i), n: 3n, v: "p3" }))
    .concat(Array.from({ length: 5 }, (_, i) => ({ id: BigInt(3000 + i), n: 3n, v: "p3" })));
  const [r1, r2, lr] = await Promise.all([merge(1, 10, 1000), merge(2, 120, 2000),
    (await db.openTable("a")).mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(lance)]);
  const rows = new Map((await (await db.openTable("a")).query().toArray()).map((r) => [Number(r.id), Number(r.n)]));
  check(lr.numUpdatedRows === 10 && lr.numInsertedRows === 5, `concurrent: LanceDB's merge ${JSON.stringify(lr)}`);
  for (const r of [r1, r2]) {
    const landed = r.stderr === "" && JSON.parse(r.stdout).num_updated_rows === 10;
    const keys = [...Array.from({ length: 10 }, (_, i) => r.from + i), ...Array.from({ length: 5 }, (_, i) => r.ins + i)];
    const seen = keys.filter((k) => rows.get(k) === r.who).length;
    check(landed ? seen === 15 : seen === 0 && /conflicts|also changed|retry/.test(r.stderr),
          `concurrent: merge ${r.who} ${landed ? "landed" : "refused"} (${(r.stderr || r.stdout).trim().slice(0, 200)}) and ${seen} of its 15 rows are there`);
  }
  check([150, 155, 159, 3000, 3004].every((k) => rows.get(k) === 3), "concurrent: LanceDB's merged rows are lost");
  check(rows.size === 200 + 5 + [r1, r2].filter((r) => r.stderr === "").length * 5,
        `concurrent: ${rows.size} rows`);
}
console.log(`merge: ${checks - failed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
