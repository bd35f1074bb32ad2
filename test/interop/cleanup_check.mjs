// node cleanup_check.mjs OUTDIR LANCE_SO
// lance_cleanup against LanceDB 0.39, both ways, and under concurrent readers and writers.
//   LanceDB writes a history (appends, a delete, an FTS index, a tag on version 2) and
//   copies it twice.  Both refuse to remove the old tagged version by default.
//   ours: lance_cleanup(older_than=0s, tags kept) leaves the latest and the tagged
//   version, which LanceDB lists, reads (rows, the tag) and searches as before, and every
//   file left is one of theirs.  theirs: LanceDB's optimize(cleanupOlderThan = now)
//   (compaction + cleanup, the tag deleted first); the extension reads its rows and versions.
//   concurrent: an extension writer appends 40 rows (one version each), a reader reads the
//   tagged version 150 times, and lance_cleanup(older_than=0s) runs 40 times, all at once
//   (three sqlite3 processes).  The writer and the reader never fail, the tag always reads
//   its rows, a cleanup fails only with "committed during the cleanup" (it restarts 5 times
//   first), and afterwards LanceDB and the extension count every row written.
import * as lancedb from "@lancedb/lancedb";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { sqlite } from "./sqlite_cli.mjs";

const [out, so] = [resolve(process.argv[2] ?? "out"), resolve(process.argv[3] ?? "../../build/lance.so")];
const dir = join(out, "cleanup");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let failed = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failed++; console.log(`FAIL ${what}`); } };
const rows = (from, n) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), text: `w${(from + i) % 5} x` }));

const db = await lancedb.connect(dir);
const t = await db.createTable("orig", rows(0, 10));
await t.add(rows(10, 10));                                  // version 2
await (await t.tags()).create("keep", 2);
await t.add(rows(20, 10));
await t.delete("id < 5");
await t.createIndex("text", { config: lancedb.Index.fts() });
await t.add(rows(30, 10));
for (const n of ["ours", "theirs", "busy"]) cpSync(join(dir, "orig.lance"), join(dir, `${n}.lance`), { recursive: true });
const latest = await t.version();
const want = (await t.query().toArray()).map((r) => `${r.id}`).sort().join(",");
const files = (p) => readdirSync(p, { recursive: true }).filter((f) => !f.startsWith("_versions")).sort();

// ours
let refused = "";
try { sqlite(so, `SELECT lance_cleanup('${join(dir, "ours.lance")}', 'older_than=0s');\n`); } catch (e) { refused = e.message; }
check(refused.includes("1 tagged version(s) are older than the cutoff: keep (version 2)"),
      `ours: a tagged old version is not refused as by LanceDB: '${refused.slice(0, 200)}'`);
const res = JSON.parse(sqlite(so, `SELECT lance_cleanup('${join(dir, "ours.lance")}', 'older_than=0s error_if_tagged_old_versions=false');\n`));
check(res.old_versions === latest - 2, `ours: removed ${res.old_versions} versions, expected ${latest - 2}`);
const ours = await db.openTable("ours");
check(JSON.stringify((await ours.listVersions()).map((v) => v.version)) === JSON.stringify([2, latest]),
      `ours: LanceDB lists versions ${JSON.stringify((await ours.listVersions()).map((v) => v.version))}`);
check((await ours.query().toArray()).map((r) => `${r.id}`).sort().join(",") === want, "ours: LanceDB reads other rows");
check((await ours.search("w3", "fts").limit(100).toArray()).length === (await t.search("w3", "fts").limit(100).toArray()).length,
      "ours: LanceDB's full-text search finds other rows");
await ours.checkout("keep");
check((await ours.countRows()) === 20, `ours: LanceDB counts ${await ours.countRows()} rows at tag keep`);
const left = new Set(files(join(dir, "ours.lance")));
check(files(join(dir, "ours.lance")).every((f) => files(join(dir, "orig.lance")).includes(f)), "ours: a file appeared");
check(left.size < files(join(dir, "orig.lance")).length, "ours: nothing was removed");

// theirs
const theirs = await db.openTable("theirs");
let lrefused = "";
try { await theirs.optimize({ cleanupOlderThan: new Date(), deleteUnverified: false }); } catch (e) { lrefused = e.message; }
check(lrefused.includes("tagged version(s) have been marked for cleanup"), `theirs: LanceDB said '${lrefused.slice(0, 200)}'`);
await (await theirs.tags()).delete("keep");
await theirs.optimize({ cleanupOlderThan: new Date(), deleteUnverified: false });
const sql = (q) => sqlite(so, `CREATE VIRTUAL TABLE t USING lance('${join(dir, "theirs.lance")}');\n${q}\n`).trim();
check(sql("SELECT group_concat(id) FROM (SELECT CAST(id AS TEXT) AS id FROM t ORDER BY 1);") === want,
      "theirs: the extension reads other rows");
check(sql("SELECT count(*) FROM lance_tags('t');") === "0", "theirs: the extension lists tags");
check(sql("SELECT count(*) FROM lance_versions('t');") === String((await theirs.listVersions()).length),
      "theirs: the extension lists other versions");

// concurrent readers and writers
const busy = join(dir, "busy.lance");
const run = (script) => new Promise((ok) => {
  const p = spawn("sqlite3", ["-batch", ":memory:", "-cmd", `.load ${so}`],
                  { env: { ...process.env, ...(process.env.LANCE_SQLITE_PRELOAD ? { LD_PRELOAD: process.env.LANCE_SQLITE_PRELOAD } : {}) } });
  let stdout = "", stderr = "";
  p.stdout.on("data", (d) => (stdout += d));
  p.stderr.on("data", (d) => (stderr += d));
  p.on("close", (code) => ok({ code, stdout, stderr }));
  p.stdin.end(script);
});
const open = `CREATE VIRTUAL TABLE t USING lance('${busy}');\n`;
const [w, r, c] = await Promise.all([
  run(open + Array.from({ length: 40 }, (_, i) => `INSERT INTO t(id, text) VALUES (${1000 + i}, 'new');\n`).join("")),
  run(open + "SELECT count(*) FROM t(NULL, 'keep');\n".repeat(150)),
  run(Array.from({ length: 40 }, () => `SELECT json_extract(lance_cleanup('${busy}', 'older_than=0s error_if_tagged_old_versions=false'), '$.old_versions') >= 0;\n`).join("")),
]);
check(w.stderr === "", `concurrent: the writer failed: ${w.stderr.slice(0, 300)}`);
check(r.stderr === "" && r.stdout.trim().split("\n").every((l) => l === "20") && r.stdout.trim().split("\n").length === 150,
      `concurrent: the tag reader failed: ${r.stderr.slice(0, 300)}`);
const bad = c.stderr.split("\n").filter((l) => l && !l.includes("was committed during the cleanup"));
check(bad.length === 0, `concurrent: cleanup failed: ${bad.slice(0, 3).join(" | ")}`);
const busyT = await db.openTable("busy");
check((await busyT.countRows()) === 35 + 40, `concurrent: LanceDB counts ${await busyT.countRows()} rows`);
check(sqlite(so, `${open}SELECT count(*) FROM t;\n`).trim() === "75", "concurrent: the extension counts other rows");
console.log(`cleanup: ${checks - failed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
