// node commit_check.mjs OUTDIR PATH/TO/commit-tool
// Interop of the write side (format/commit.c, deletion_write.c, tag_write.c) with
// LanceDB 0.39: LanceDB writes small datasets, build/commit-tool commits on them
// (append, delete, update, restore, create, tags), LanceDB opens every version and
// checks the rows, deleted rows, _rowid (stable row ids), tags and checkout by tag,
// then LanceDB appends and deletes on top and commit-tool reads that back. Last,
// two commit-tool processes and LanceDB append concurrently for a few seconds: the
// final row count must be the sum of the acknowledged appends, ids never duplicated.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [out, tool] = process.argv.slice(2);
let failures = 0;
function check(cond, what) {
  if (!cond) { failures++; console.error("FAIL:", what); }
}
const eq = (a, b, what) => check(JSON.stringify(a) === JSON.stringify(b),
  `${what}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);

function run(...args) { // commit-tool; returns stdout lines
  return execFileSync(tool, args, { encoding: "utf8" }).trim().split("\n");
}
function runFails(...args) { // expect a failure; returns stderr
  try { execFileSync(tool, args, { encoding: "utf8", stdio: "pipe" }); } catch (e) { return e.stderr; }
  return "";
}
const versionOf = (lines) => Number(lines.find((l) => l.startsWith("version ")).split(" ")[1]);

function batch(lo, hi) {
  const ids = [], ss = [];
  for (let i = lo; i < hi; i++) { ids.push(i); ss.push("r" + i); }
  return A.tableFromArrays({ id: Int32Array.from(ids), s: ss });
}
const range = (lo, hi) => Array.from({ length: hi - lo }, (_, i) => lo + i);
async function ids(t, withRowId = false) {
  let q = t.query();
  if (withRowId) q = q.withRowId();
  const rows = await q.limit(1 << 30).toArray();
  return rows.map((r) => (withRowId ? [r.id, Number(r._rowid)] : r.id)).sort((a, b) =>
    withRowId ? a[0] - b[0] || a[1] - b[1] : a - b);
}
async function idsAt(t, v) { await t.checkout(v); const r = await ids(t); await t.checkoutLatest(); return r; }
const sorted = (a) => [...a].sort((x, y) => x - y);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const db = await lancedb.connect(out);
const opts = (stable) => ({ storageOptions: { new_table_enable_v2_manifest_paths: "true",
  new_table_enable_stable_row_ids: stable ? "true" : "false" } });

// ---- c.lance: append, delete, update, tags, restore ---------------------------------
{
  const t = await db.createTable("c", batch(0, 10), opts(false));
  await t.add(batch(10, 15));                        // v2: fragments 0 (0..9), 1 (10..14)
  const dir = join(out, "c.lance");
  eq(versionOf(run("append", dir, "1")), 3, "append version");          // 10..14 again
  eq(versionOf(run("delete", dir, "0", "2-3")), 4, "delete version");   // ids 2, 3
  eq(versionOf(run("update", dir, "0", "4", "0")), 5, "update version"); // id 4 gone, 0..9 again
  run("tag-create", dir, "mine", "4");
  run("tag-create", dir, "later", "5");
  run("tag-update", dir, "later", "3");
  run("tag-create", dir, "gone", "2");
  run("tag-delete", dir, "gone");
  check(runFails("tag-create", dir, "mine", "2").includes("already exists"), "tag-create twice fails");
  check(runFails("delete", dir, "99", "0").length > 0, "delete from a missing fragment fails");
  eq(versionOf(run("restore", dir, "3")), 6, "restore version");
  await t.checkoutLatest();
  const v3 = sorted([...range(0, 15), ...range(10, 15)]);
  const v4 = v3.filter((x) => x !== 2 && x !== 3);
  const v5 = sorted([...v4.filter((x) => x !== 4), ...range(0, 10)]);
  eq(await idsAt(t, 3), v3, "LanceDB reads our append");
  eq(await idsAt(t, 4), v4, "LanceDB reads our delete");
  eq(await idsAt(t, 5), v5, "LanceDB reads our update");
  eq(await ids(t), v3, "LanceDB reads our restore (latest)");
  eq(await t.version(), 6, "latest version");
  const vs = await t.listVersions();
  eq(vs.map((v) => v.version), [1, 2, 3, 4, 5, 6], "listVersions");
  const tags = await (await t.tags()).list();
  eq(Object.keys(tags).sort(), ["later", "mine"], "listTags");
  eq([tags.mine.version, tags.later.version], [4, 3], "tag versions");
  await t.checkout("mine");
  eq(await ids(t), v4, "checkout by our tag");
  await t.checkoutLatest();
  // LanceDB writes on top of our versions; we read that back
  await t.add(batch(100, 103));
  await t.delete("id = 0 OR id = 12");
  const want = v3.filter((x) => x !== 0 && x !== 12).concat([100, 101, 102]);
  eq(await ids(t), sorted(want), "LanceDB append + delete on top of ours");
  const ours = run("ids", dir).slice(1).map((l) => Number(l.split(" ")[0]));
  eq(sorted(ours), sorted(want), "we read LanceDB's commits on top of ours");
  // a tag LanceDB makes on one of our versions, and ours on its
  await (await t.tags()).create("theirs", 5);
  run("tag-update", dir, "mine", String(await t.version()));
  await t.checkout("mine");
  eq(await ids(t), sorted(want), "checkout of our tag on LanceDB's version");
  await t.checkoutLatest();
}

// ---- big deletions: a Roaring .bin, then LanceDB deletes more ----------------------
{
  const t = await db.createTable("big", batch(0, 6000), opts(false));
  const dir = join(out, "big.lance");
  run("delete", dir, "0", "0-5499");
  const files = readdirSync(join(dir, "_deletions"));
  check(files.some((f) => f.endsWith(".bin")), "more than 5000 deletions become a .bin");
  await t.checkoutLatest();
  eq(await t.countRows(), 500, "LanceDB reads our Roaring deletion file");
  await t.delete("id >= 5990");
  eq(await t.countRows(), 490, "LanceDB merges its deletes with our bitmap");
  run("delete", dir, "0", "5500-5509");
  await t.checkoutLatest();
  eq(await ids(t), range(5510, 5990), "our delete merged with LanceDB's");
}

// ---- stable row ids -------------------------------------------------------------------
{
  const t = await db.createTable("st", batch(0, 8), opts(true));
  await t.add(batch(8, 12));                              // row ids 0..11
  const dir = join(out, "st.lance");
  run("append", dir, "0");                                // ids 0..7 again: row ids 12..19
  run("delete", dir, "1", "0");                           // id 8, row id 8
  await t.checkoutLatest();
  const got = await ids(t, true);
  const want = [];
  for (let i = 0; i < 8; i++) want.push([i, i], [i, 12 + i]);
  for (let i = 9; i < 12; i++) want.push([i, i]);
  want.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  eq(got, want, "_rowid of our stable-row-id commits");
  await t.add(batch(50, 52));
  const after = (await ids(t, true)).filter(([id]) => id >= 50).map(([, r]) => r);
  eq(after, [20, 21], "LanceDB continues our next_row_id");
  const ours = run("ids", dir).slice(1).map((l) => l.split(" ").map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  eq(ours, await ids(t, true), "we read LanceDB's _rowid");
}

// ---- create, then LanceDB uses it -----------------------------------------------------
{
  const dir = join(out, "made.lance");
  check(runFails("create", join(out, "c.lance"), join(out, "st.lance")).includes("already exists"),
    "create on an existing dataset fails");
  run("create", dir, join(out, "c.lance"));
  const t = await db.openTable("made");
  eq(await ids(t), range(0, 10), "LanceDB opens a dataset we created");
  await t.add(batch(10, 12));
  eq(await t.countRows(), 12, "LanceDB appends to a dataset we created");
}

// ---- concurrency: two commit-tool processes and LanceDB append at once ---------------
{
  const t = await db.createTable("race", batch(0, 5), opts(false));
  const dir = join(out, "race.lance");
  const seconds = 4;
  const procs = [0, 1].map(() => new Promise((resolve, reject) => {
    const p = spawn(tool, ["race", dir, String(seconds), "0"]);
    let so = "";
    p.stdout.on("data", (d) => { so += d; });
    p.stderr.on("data", (d) => process.stderr.write(d));
    p.on("close", (code) => (code ? reject(new Error("race exited " + code)) : resolve(so)));
  }));
  let lancedbRows = 0, next = 1000;
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    try { await t.add(batch(next, next + 3)); lancedbRows += 3; next += 3; } catch (e) {
      console.error("LanceDB append failed:", e.message);
    }
  }
  const acked = (await Promise.all(procs)).map((s) => Number(s.match(/acked (\d+)/)[1]));
  await t.checkoutLatest();
  const all = await ids(t);
  eq(all.length, 5 + acked[0] + acked[1] + lancedbRows, "rows after the race = acknowledged appends");
  const theirs = all.filter((x) => x >= 1000);
  eq(theirs, range(1000, next), "LanceDB's rows, each once");
  console.log(`race: commit-tool appended ${acked[0]} + ${acked[1]} rows, LanceDB ${lancedbRows}`);
}

if (failures) { console.error(`commit interop: ${failures} check(s) failed`); process.exit(1); }
console.log("commit interop: all checks passed");
