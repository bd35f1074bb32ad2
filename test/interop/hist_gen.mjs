// node hist_gen.mjs OUTDIR [name-filter-regex]
// Writes Lance datasets WITH HISTORY (many versions, tags, deletions, schema changes,
// restore, compaction) with LanceDB under OUTDIR/db/<name>.lance, for the SQL interop
// tests of the `lance` virtual table (hist_expect.mjs, hist_compare.py; see hist_README.md).
// All data is deterministic (seeded RNG). Writes OUTDIR/<name>/gen.json: the variant and
// the operations with the version each one produced.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { rngFrom } from "./gen.mjs";
import { createRequire } from "node:module";

// LanceDB hands out Arrow objects of the CommonJS build of apache-arrow; this script
// builds data with the ES module build. A schema crosses over through IPC.
const ArrowCJS = createRequire(import.meta.url)("apache-arrow");
export async function esmSchema(table) {
  return A.tableFromIPC(ArrowCJS.tableToIPC(new ArrowCJS.Table(await table.schema()), "stream")).schema;
}

const fld = (name, type, nullable = true) => new A.Field(name, type, nullable);
const T = {
  i32: new A.Int32(), i64: new A.Int64(), u64: new A.Uint64(), f32: new A.Float32(), f64: new A.Float64(),
  bool: new A.Bool(), utf8: new A.Utf8(), date32: new A.DateDay(),
  ts_us: new A.Timestamp(A.TimeUnit.MICROSECOND), ts_ms_utc: new A.Timestamp(A.TimeUnit.MILLISECOND, "UTC"),
};

const edgeStrings = ["", "a", "héllo wörld", "中文字符", "emoji 😀🎉", "x\u0000y", "quote\" back\\slash", "tab\tnl\ncr\rff\fbs\b",
  "ctl \u0001\u001f\u007f", "\u2028\u2029", "<>&'", "'; DROP TABLE t; --", "é".repeat(130)];
const f64Edges = [0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 2 ** 63, -1.5];
const f32Edges = [0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1, 1 / 3, 16777217, 1e21, 1.5e-7].map(Math.fround);
const i64Edges = [9007199254740991n, 9007199254740992n, -9007199254740991n, -9007199254740992n, 9007199254740993n,
  -9223372036854775808n, 9223372036854775807n, 0n, -1n];
const u64Edges = [0n, 9223372036854775807n, 9223372036854775808n, 18446744073709551615n, 9007199254740993n, 12345678901234567890n];
const tsEdges = [0n, -1n, 1n, 951782400123456n, -62135596800000000n, 253402300799999999n, 1700000000000000n];

// The columns of a new main dataset, in order. Values are a function of the row's id
// (and of the dataset's RNG), so appended rows look like the first ones.
function mainFields() {
  return [
    fld("id", T.i64, false),
    fld("name", T.utf8),
    fld("score", T.f64),
    fld("flag", T.bool),
    fld("tags", new A.List(fld("item", T.utf8))),
    fld("vec", new A.FixedSizeList(8, fld("item", T.f32))),
    fld("meta", new A.Struct([fld("a", T.i64), fld("b", T.utf8), fld("c", T.f32), fld("d", T.bool)])),
    fld("ts", T.ts_us),
    fld("day", T.date32),
    fld("big", T.i64),
    fld("u", T.u64),
    fld("f32", T.f32),
  ];
}

function bigFields() {
  return [fld("id", T.i64, false), fld("name", T.utf8), fld("vec", new A.FixedSizeList(8, fld("item", T.f32)))];
}

// value of column `name` for row id i (a JS number); r: the dataset's RNG
function valueFor(name, i, r) {
  const edge = (arr, k) => (k >= 0 && k < arr.length ? { v: arr[k] } : null);
  switch (name) {
    case "id": return BigInt(i);
    case "name": case "title": case "label": {
      if (i % 13 === 5) return null;
      if (i % 11 === 2) return edgeStrings[(i / 11 | 0) % edgeStrings.length];
      return `n${i}-${r.ascii(r.int(0, 20))}`;
    }
    case "score": {
      const e = edge(f64Edges, i % 50 - 20);
      if (e) return e.v;
      if (i % 9 === 3) return null;
      return r.int(0, 3) === 0 ? r.int(-1000, 1000) : (r.f() - 0.5) * 10 ** r.int(-30, 30);
    }
    case "flag": return i % 7 === 0 ? null : (i * 7919) % 3 === 0;
    case "tags": {
      if (i % 10 === 0) return null;
      if (i % 10 === 1) return [];
      return Array.from({ length: r.int(1, 3) }, (_, j) => (j === 1 && i % 17 === 2 ? null : r.f() < 0.15 ? r.pick(edgeStrings) : r.ascii(r.int(0, 8))));
    }
    case "vec": {
      if (i % 23 === 4) return null;
      const v = Array.from({ length: 8 }, () => Math.fround((r.f() - 0.5) * 4));
      if (i % 29 === 6) v[3] = null; // a vector with a null item reads as TEXT JSON
      // LanceDB refuses NaN in vector columns ("Vector column contains NaN values")
      if (i % 31 === 7) { v[1] = Infinity; v[2] = -0; v[4] = -Infinity; }
      return v;
    }
    case "meta": {
      if (i % 19 === 3) return null;
      const e = i % 37;
      return {
        a: e === 1 ? null : e < i64Edges.length + 2 && e >= 2 ? i64Edges[e - 2] : BigInt(r.int(-1e6, 1e6)),
        b: e === 20 ? null : e === 21 ? r.pick(edgeStrings) : r.ascii(r.int(0, 6)),
        c: e === 22 ? null : e >= 23 && e < 23 + f32Edges.length ? f32Edges[e - 23] : Math.fround(r.f() * 100),
        d: e === 36 ? null : i % 2 === 0,
      };
    }
    case "ts": {
      if (i % 9 === 2) return null;
      const e = edge(tsEdges, i % 40 - 30);
      if (e) return e.v;
      return BigInt(r.int(-2e9, 4e9)) * 1000000n + BigInt(r.int(0, 999999));
    }
    case "day": {
      if (i % 8 === 1) return null;
      const e = edge([0, -1, -719162, 2932896, 11016], i % 60 - 50);
      return e ? e.v : r.int(-30000, 40000);
    }
    case "big": {
      if (i % 12 === 11) return null;
      const e = edge(i64Edges, i % 30 - 15);
      if (e) return e.v;
      if (i % 3 === 0) return BigInt(r.int(-1e6, 1e6));
      return BigInt.asIntN(64, (BigInt(r.u32()) << 32n) | BigInt(r.u32()));
    }
    case "u": {
      if (i % 14 === 13) return null;
      const e = edge(u64Edges, i % 25 - 10);
      if (e) return e.v;
      if (i % 3 === 0) return BigInt(r.int(0, 1e6));
      if (i % 3 === 1) return BigInt(r.u32()) << BigInt(r.int(0, 31)); // below 2^63
      return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
    }
    case "f32": {
      if (i % 10 === 9) return null;
      const e = edge(f32Edges, i % 35 - 20);
      if (e) return e.v;
      return Math.fround((r.f() - 0.5) * 10 ** r.int(-10, 10));
    }
    case "twice": return BigInt(i) * 2n;
    default: throw new Error(`hist_gen: no generator for column ${name}`);
  }
}

// Arrow IPC for rows with ids [start, start+n) in the given schema (an Arrow Schema or fields)
function rowsIPC(fields, start, n, r) {
  const cols = fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, values: [] }));
  for (let i = start; i < start + n; i++) for (const c of cols) c.values.push(valueFor(c.name, i, r));
  return toIPC(cols, 4096);
}

const storageOptions = (d) => ({
  new_table_data_storage_version: d.storage,
  new_table_enable_v2_manifest_paths: d.v2paths ? "true" : "false",
  new_table_enable_stable_row_ids: d.stableIds ? "true" : "false",
});

// A recorder for the history: runs an operation, notes the version(s) it produced.
function recorder(table, log) {
  return async (op, fn) => {
    const before = await table.version();
    await fn();
    const after = await table.version();
    log.push({ op, from: before, to: after });
    if (after <= before && !op.startsWith("tag")) throw new Error(`${op}: no new version (${before} -> ${after})`);
  };
}

async function mainHistory(db, d, r) {
  const fields = mainFields();
  await db.inner.createTable(d.name, rowsIPC(fields, 0, 200, r), "create", [], storageOptions(d));
  const table = await db.openTable(d.name);
  const log = [{ op: "create 200 rows (ids 0..199)", from: 0, to: await table.version() }];
  const step = recorder(table, log);
  const tags = await table.tags();
  const append = async (start, n) => step(`append ${n} rows (ids ${start}..${start + n - 1})`, async () => {
    await table.inner.add(rowsIPC((await esmSchema(table)).fields, start, n, r), "append");
  });
  await append(200, 100);
  await append(300, 100);
  await step("tag create first -> latest, gone -> latest-1", async () => {
    const v = await table.version();
    await tags.create("first", v);
    await tags.create("gone", v - 1);
  });
  await step("delete id % 40 = 7 (small: Arrow deletion files)", () => table.delete("id % 40 = 7"));
  await step("update where id < 60 OR id % 50 = 25: name, score", () => table.update({
    where: "id < 60 OR id % 50 = 25",
    valuesSql: { name: "concat('upd-', CAST(id AS VARCHAR))", score: "score * 2" },
  }));
  await step("tag create mid -> latest", async () => tags.create("mid", await table.version()));
  const vMid = await table.version();
  await step("addColumns twice = id * 2, label = concat(name, '!')", () => table.addColumns([
    { name: "twice", valueSql: "id * 2" }, { name: "label", valueSql: "concat(name, '!')" }]));
  await step("alterColumns rename name -> title", () => table.alterColumns([{ path: "name", rename: "title" }]));
  await step("tag update mid -> latest", async () => tags.update("mid", await table.version()));
  await step("dropColumns score", () => table.dropColumns(["score"]));
  await append(400, 60);
  await step("delete id % 40 = 8 OR id >= 450 (second deletion file per fragment)", () => table.delete("id % 40 = 8 OR id >= 450"));
  await step("tag create before_restore -> latest; tag delete gone", async () => {
    await tags.create("before_restore", await table.version());
    await tags.delete("gone");
  });
  await step(`restore version ${vMid}`, async () => { await table.checkout(vMid); await table.restore(); });
  for (let k = 0; k < 5; k++) await append(1000 + 10 * k, 10);
  await step("optimize (compaction)", () => table.optimize());
  await step("tag create compacted -> latest", async () => tags.create("compacted", await table.version()));
  await step("dropColumns flag", () => table.dropColumns(["flag"]));
  await step("addColumns flag = id % 3 = 0 (same name, new field id)", () => table.addColumns([{ name: "flag", valueSql: "id % 3 = 0" }]));
  await step("update where id % 7 = 0: name = 'again'", () => table.update({ where: "id % 7 = 0", values: { name: "again" } }));
  await step("delete id % 40 = 9", () => table.delete("id % 40 = 9"));
  return { table, log };
}

async function bigHistory(db, d, r) {
  await db.inner.createTable(d.name, rowsIPC(bigFields(), 0, 10000, r), "create", [], storageOptions(d));
  const table = await db.openTable(d.name);
  const log = [{ op: "create 10000 rows (ids 0..9999)", from: 0, to: await table.version() }];
  const step = recorder(table, log);
  const tags = await table.tags();
  await step("append 500 rows (ids 10000..10499)", async () => table.inner.add(rowsIPC(bigFields(), 10000, 500, r), "append"));
  await step("delete id < 10000 AND id % 5 <> 0 (8000 of fragment 0: Roaring)", () => table.delete("id < 10000 AND id % 5 <> 0"));
  await step("tag create sparse -> latest", async () => tags.create("sparse", await table.version()));
  await step("delete id % 10 = 5 (Roaring union in fragment 0, Arrow in fragment 1)", () => table.delete("id % 10 = 5"));
  await step("update where id % 100 = 0: name", () => table.update({ where: "id % 100 = 0", valuesSql: { name: "concat('big-', CAST(id AS VARCHAR))" } }));
  await step("optimize (compaction)", () => table.optimize());
  return { table, log };
}

export function histDatasets() {
  const list = [];
  for (const v2paths of [false, true]) for (const stableIds of [false, true]) for (const storage of ["2.1", "2.2"]) {
    list.push({ name: `h_p${v2paths ? 2 : 1}_rid${stableIds ? 1 : 0}_s${storage.replace(".", "")}`, kind: "main", v2paths, stableIds, storage });
  }
  list.push({ name: "big_p2_rid0_s22", kind: "big", v2paths: true, stableIds: false, storage: "2.2" });
  list.push({ name: "big_p1_rid1_s21", kind: "big", v2paths: false, stableIds: true, storage: "2.1" });
  // legacy (v1) data files, footer 0.2: the same histories
  list.push({ name: "h_p2_rid0_slegacy", kind: "main", v2paths: true, stableIds: false, storage: "legacy" });
  list.push({ name: "h_p1_rid1_slegacy", kind: "main", v2paths: false, stableIds: true, storage: "legacy" });
  list.push({ name: "big_p1_rid0_slegacy", kind: "big", v2paths: false, stableIds: false, storage: "legacy" });
  return list;
}

// what the files on disk must show for the variant to mean what its name says
function checkLayout(path, d) {
  const problems = [];
  const manifests = readdirSync(join(path, "_versions")).filter((f) => f.endsWith(".manifest"));
  const long = manifests.filter((f) => f.length >= 20 + 9).length;
  if (d.v2paths && long !== manifests.length) problems.push(`v2 manifest paths asked, found ${manifests.join(" ")}`);
  if (!d.v2paths && long !== 0) problems.push(`v1 manifest paths asked, found ${manifests.join(" ")}`);
  const dels = existsSync(join(path, "_deletions")) ? readdirSync(join(path, "_deletions")) : [];
  if (!dels.some((f) => f.endsWith(".arrow"))) problems.push("no Arrow deletion file");
  if (d.kind === "big" && !dels.some((f) => f.endsWith(".bin"))) problems.push("no Roaring (.bin) deletion file");
  if (d.storage === "legacy") { // every data file a v1 file: footer ends u16 0, u16 2, "LANC"
    const v1 = Buffer.from([0, 0, 2, 0, 0x4c, 0x41, 0x4e, 0x43]);
    const other = readdirSync(join(path, "data")).filter((f) => !readFileSync(join(path, "data", f)).subarray(-8).equals(v1));
    if (other.length) problems.push(`legacy storage asked, not v1 data files: ${other.join(" ")}`);
  }
  return { problems, manifests: manifests.length, deletion_files: dels.sort() };
}

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node hist_gen.mjs OUTDIR [filter-regex]"); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
  const dbdir = join(out, "db");
  mkdirSync(dbdir, { recursive: true });
  const db = await lancedb.connect(dbdir);
  const todo = histDatasets().filter((d) => !filter || filter.test(d.name));
  let failed = 0, seed = 101;
  const t0 = Date.now();
  for (const d of todo) {
    const path = join(dbdir, `${d.name}.lance`);
    rmSync(path, { recursive: true, force: true });
    try {
      const r = rngFrom((seed++) * 7919);
      const { table, log } = d.kind === "main" ? await mainHistory(db, d, r) : await bigHistory(db, d, r);
      const layout = checkLayout(path, d);
      if (layout.problems.length) throw new Error(layout.problems.join("; "));
      mkdirSync(join(out, d.name), { recursive: true });
      writeFileSync(join(out, d.name, "gen.json"), JSON.stringify({
        name: d.name, path, kind: d.kind, storage: d.storage, v2_manifest_paths: d.v2paths, stable_row_ids: d.stableIds,
        latest: await table.version(), operations: log,
        deleted_tags: d.kind === "main" ? ["gone"] : [], deletion_files: layout.deletion_files,
      }, null, 1) + "\n");
      table.close();
    } catch (e) {
      console.error(`hist_gen: ${d.name}: ${e.stack || e.message}`);
      failed++;
    }
  }
  console.log(`hist_gen: ${todo.length - failed} datasets written in ${((Date.now() - t0) / 1000).toFixed(1)}s${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
