// node hist_expect.mjs OUTDIR [name-filter-regex]
// For every dataset hist_gen.mjs wrote (OUTDIR/db/<name>.lance) and EVERY version of it,
// reads all rows back with LanceDB (checkout(v), scan with the row id) and writes, in the
// canonical SQL-value encoding of hist_README.md:
//   OUTDIR/<name>/v<N>.jsonl        one JSON object per row, "_rowid" first, ordered by _rowid
//   OUTDIR/<name>/schema_v<N>.json  [{name, id, arrow, sqlite}] top-level fields in order
//                                   (id: the Lance field id, read from the manifest)
//   OUTDIR/<name>/versions.json     [{version, row_count, tags: [...]}]
//   OUTDIR/<name>/info.json         path, latest version, tags {name: version}, deleted tags
// Tags are checked out by name too: their rows must equal their version's rows.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { civil, fmtDecimal, fmtStr, shortestF32, halfToNumber } from "./fmt.mjs";

const MAX_SAFE = 9007199254740991n;
const I64_MAX = 9223372036854775807n;

// ---------------------------------------------------------------- manifests: field ids
function varint(b, p) {
  let v = 0n, s = 0n;
  for (;;) {
    const c = b[p.i++];
    if (c === undefined) throw new Error("manifest: truncated varint");
    v |= BigInt(c & 0x7f) << s;
    if (!(c & 0x80)) return v;
    s += 7n;
  }
}
// yields [fieldNumber, wireType, value (BigInt for varints, Uint8Array for bytes)]
function* pbFields(b) {
  const p = { i: 0 };
  while (p.i < b.length) {
    const key = Number(varint(b, p));
    const num = key >>> 3, wire = key & 7;
    if (wire === 0) yield [num, wire, varint(b, p)];
    else if (wire === 2) { const n = Number(varint(b, p)); yield [num, wire, b.subarray(p.i, p.i + n)]; p.i += n; }
    else if (wire === 1) { p.i += 8; } else if (wire === 5) { p.i += 4; } else throw new Error(`manifest: wire type ${wire}`);
  }
}

function manifestPath(dsPath, v) {
  const v1 = join(dsPath, "_versions", `${v}.manifest`);
  if (existsSync(v1)) return v1;
  const v2 = join(dsPath, "_versions", `${18446744073709551615n - BigInt(v)}.manifest`);
  if (existsSync(v2)) return v2;
  throw new Error(`no manifest for version ${v}`);
}

/** top-level fields of version v as [{name, id}] (Manifest.fields = 1: lance.file.Field 2 name, 3 id, 4 parent_id) */
function manifestTopFields(dsPath, v) {
  const buf = readFileSync(manifestPath(dsPath, v));
  const tail = buf.subarray(buf.length - 16);
  if (tail.toString("latin1", 12, 16) !== "LANC") throw new Error("manifest: bad magic");
  const pos = Number(tail.readBigUInt64LE(0));
  const len = buf.readUInt32LE(pos);
  const msg = buf.subarray(pos + 4, pos + 4 + len);
  const top = [];
  let version = null;
  for (const [num, wire, val] of pbFields(msg)) {
    if (num === 3 && wire === 0) version = Number(val);
    if (num !== 1 || wire !== 2) continue;
    let name = "", id = 0, parent = 0;
    for (const [fn, fw, fv] of pbFields(val)) {
      if (fn === 2 && fw === 2) name = Buffer.from(fv).toString("utf8");
      else if (fn === 3 && fw === 0) id = Number(BigInt.asIntN(32, fv));
      else if (fn === 4 && fw === 0) parent = Number(BigInt.asIntN(32, fv));
    }
    if (parent === -1) top.push({ name, id });
  }
  if (version !== v) throw new Error(`manifest of version ${v} says version ${version}`);
  return top;
}

// ---------------------------------------------------------------- canonical encoding
const T = A.Type;
const isNull = (d, i) => {
  if (d.offset !== 0) throw new Error(`sliced Arrow data (offset ${d.offset}) of type ${d.type}`);
  const bm = d.nullBitmap;
  return !!(bm && bm.length && !((bm[i >> 3] >> (i & 7)) & 1)) || d.type.typeId === T.Null;
};
const pad = (v, n) => String(v).padStart(n, "0");
const fdiv = (a, b) => { const q = a / b; return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q; };
function ymd(days) {
  const [y, m, d] = civil(days);
  if (y < 0 || y > 9999) throw new Error(`date out of the YYYY range: ${y}`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}
const UNIT = { [A.TimeUnit.SECOND]: [1n, 0], [A.TimeUnit.MILLISECOND]: [1000n, 3], [A.TimeUnit.MICROSECOND]: [1000000n, 6], [A.TimeUnit.NANOSECOND]: [1000000000n, 9] };
/** 'YYYY-MM-DD HH:MM:SS[.f]' in UTC, fraction digits by unit */
function sqlTimestamp(v, unit) {
  const [per, digits] = UNIT[unit];
  const secs = fdiv(v, per), frac = v - secs * per;
  const days = fdiv(secs, 86400n), sod = Number(secs - days * 86400n);
  let s = `${ymd(Number(days))} ${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}`;
  if (digits) s += "." + pad(frac.toString(), digits);
  return s;
}
function int64At(d, i) {
  const vals = d.values;
  if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) return vals[i];
  if (vals instanceof Int32Array || vals instanceof Uint32Array) { // Arrow JS sometimes keeps 64-bit values as pairs
    const lo = BigInt(vals[2 * i] >>> 0), hi = BigInt(vals[2 * i + 1] >>> 0);
    const u = (hi << 32n) | lo;
    return d.type.isSigned === false ? u : BigInt.asIntN(64, u);
  }
  throw new Error(`64-bit storage ${vals?.constructor?.name}`);
}
function intAt(d, i) { // BigInt
  return d.type.bitWidth === 64 ? int64At(d, i) : BigInt(d.values[i]);
}
function floatAt(d, i) { // a JS number (float32/float16 widened exactly)
  if (d.type.precision === A.Precision.HALF) return halfToNumber(d.values[i]);
  return d.values[i];
}
const strAt = (d, i) => {
  const o = d.valueOffsets;
  return Buffer.from(d.values.subarray(Number(o[i]), Number(o[i + 1]))).toString("utf8");
};
const binAt = (d, i) => {
  if (d.type.typeId === T.FixedSizeBinary) { const w = d.type.byteWidth; return d.values.subarray(i * w, (i + 1) * w); }
  const o = d.valueOffsets;
  return d.values.subarray(Number(o[i]), Number(o[i + 1]));
};
const hex = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString("hex");
function dictResolve(d, i) {
  let idx = Number(intAt({ type: d.type.indices, values: d.values }, i));
  for (const dd of d.dictionary.data) {
    if (idx < dd.length) return [dd, idx];
    idx -= dd.length;
  }
  throw new Error("dictionary index out of range");
}

/** JSON text of a (nested) value: the TEXT rules of hist_README.md */
function jsonText(d, i) {
  if (isNull(d, i)) return "null";
  const ty = d.type;
  switch (ty.typeId) {
    case T.Bool: return (d.values[i >> 3] >> (i & 7)) & 1 ? "true" : "false";
    case T.Int: return intAt(d, i).toString();
    case T.Float: {
      const x = floatAt(d, i);
      if (Number.isNaN(x)) return "null";
      if (x === Infinity) return "9e999";
      if (x === -Infinity) return "-9e999";
      if (Object.is(x, -0)) return "-0.0";
      if (x === 0) return "0";
      return ty.precision === A.Precision.DOUBLE ? String(x) : String(shortestF32(x));
    }
    case T.Utf8: case T.LargeUtf8: return fmtStr(strAt(d, i));
    case T.Binary: case T.LargeBinary: case T.FixedSizeBinary: return `"${hex(binAt(d, i))}"`;
    case T.Date:
      if (ty.unit === A.DateUnit.DAY) return `"${ymd(d.values[i])}"`;
      return `"${ymd(Number(fdiv(int64At(d, i), 86400000n)))}"`;
    case T.Timestamp: return `"${sqlTimestamp(int64At(d, i), ty.unit)}"`;
    case T.List: case T.LargeList: {
      const o = d.valueOffsets, c = d.children[0], parts = [];
      for (let k = Number(o[i]); k < Number(o[i + 1]); k++) parts.push(jsonText(c, k));
      return "[" + parts.join(",") + "]";
    }
    case T.FixedSizeList: {
      const n = ty.listSize, c = d.children[0], parts = [];
      for (let k = i * n; k < (i + 1) * n; k++) parts.push(jsonText(c, k));
      return "[" + parts.join(",") + "]";
    }
    case T.Struct:
      return "{" + ty.children.map((f, k) => fmtStr(f.name) + ":" + jsonText(d.children[k], i)).join(",") + "}";
    case T.Dictionary: { const [dd, k] = dictResolve(d, i); return jsonText(dd, k); }
    default: throw new Error(`no JSON text rule for ${ty}`);
  }
}

const intValue = (v) => ((v < 0n ? -v : v) <= MAX_SAFE ? Number(v) : { int: v.toString() });

/** the SQLite value of a top-level column, canonically encoded (hist_README.md) */
function sqlValue(d, i) {
  if (isNull(d, i)) return null;
  const ty = d.type;
  switch (ty.typeId) {
    case T.Bool: return (d.values[i >> 3] >> (i & 7)) & 1;
    case T.Int: {
      const v = intAt(d, i);
      if (!ty.isSigned && v > I64_MAX) return v.toString(); // uint64 above 2^63-1: exact decimal TEXT
      return intValue(v);
    }
    case T.Float: {
      const x = floatAt(d, i);
      if (Number.isNaN(x)) return null; // SQLite turns NaN into NULL
      if (x === Infinity) return { real: "inf" };
      if (x === -Infinity) return { real: "-inf" };
      if (Object.is(x, -0)) return { real: "-0.0" };
      return x;
    }
    case T.Utf8: case T.LargeUtf8: return strAt(d, i);
    case T.Binary: case T.LargeBinary: case T.FixedSizeBinary: return { blob: hex(binAt(d, i)) };
    case T.FixedSizeList: {
      const c = d.children[0], n = ty.listSize;
      const packed = c.type.typeId === T.Float || (c.type.typeId === T.Int && c.type.bitWidth === 8);
      let itemNull = false;
      for (let k = i * n; k < (i + 1) * n; k++) if (isNull(c, k)) itemNull = true;
      if (!packed || itemNull) return jsonText(d, i);
      const w = c.type.typeId === T.Int ? 1 : c.type.precision === A.Precision.HALF ? 2 : c.type.precision === A.Precision.SINGLE ? 4 : 8;
      const bytes = new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength);
      return { blob: hex(bytes.subarray(i * n * w, (i + 1) * n * w)) };
    }
    case T.List: case T.LargeList: case T.Struct: return jsonText(d, i);
    case T.Date: return jsonText(d, i).slice(1, -1);
    case T.Timestamp: return sqlTimestamp(int64At(d, i), ty.unit);
    case T.Time: return intValue(ty.bitWidth === 64 ? int64At(d, i) : BigInt(d.values[i])); // INTEGER
    case T.Duration: return intValue(int64At(d, i));
    case T.Decimal: // TEXT, as lance-dump prints it
      if (ty.bitWidth !== 128) throw new Error(`no SQL value rule for ${ty}`);
      return JSON.parse(fmtDecimal(d.values.subarray(4 * i, 4 * i + 4), ty.scale));
    case T.Null: return null;
    case T.Dictionary: { const [dd, k] = dictResolve(d, i); return sqlValue(dd, k); }
    default: throw new Error(`no SQL value rule for ${ty}`);
  }
}

// Blob columns (legacy lance-encoding:blob, lance.blob.v2: LanceDB's scan gives their
// descriptor struct, marked with this metadata) read as the payload BLOB: its length is
// the descriptor's size; null when the descriptor is, or (legacy) is {position 1, size 0},
// the null of 2.0 files (Lance's BlobFieldDecoder). Payload bytes: test/python.
const isBlob = (field) => field.metadata.get("lance-encoding:blob") === "true";
function blobValue(d, i) {
  if (isNull(d, i)) return null;
  const at = (name) => int64At(d.children[d.type.children.findIndex((f) => f.name === name)], i);
  if (d.children.length === 2 && at("position") === 1n && at("size") === 0n) return null;
  return { blob_len: Number(at("size")) };
}
const cellValue = (field, d, i) => (isBlob(field) ? blobValue(d, i) : sqlValue(d, i));

function sqliteType(ty) {
  switch (ty.typeId) {
    case T.Bool: case T.Int: return "INTEGER";
    case T.Float: return "REAL";
    case T.Binary: case T.LargeBinary: case T.FixedSizeBinary: return "BLOB";
    case T.FixedSizeList: return "BLOB";
    case T.Dictionary: return sqliteType(ty.dictionary);
    default: return "TEXT";
  }
}

// ---------------------------------------------------------------- reading versions
/** rows of the currently checked-out version: [{_rowid, ...}] sorted by _rowid, and the schema */
async function readRows(table) {
  const at = await table.query().withRowId().toArrow();
  const names = at.schema.fields.map((f) => f.name);
  const ridIdx = names.indexOf("_rowid");
  if (ridIdx < 0) throw new Error("no _rowid column in the scan");
  const rows = [];
  for (const batch of at.batches) {
    const cols = batch.data.children;
    for (let i = 0; i < batch.numRows; i++) {
      const rid = int64At(cols[ridIdx], i);
      const row = { _rowid: intValue(rid) };
      names.forEach((n, k) => { if (k !== ridIdx) row[n] = cellValue(at.schema.fields[k], cols[k], i); });
      rows.push([rid, JSON.stringify(row)]);
    }
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let k = 1; k < rows.length; k++) if (rows[k][0] === rows[k - 1][0]) throw new Error(`duplicate _rowid ${rows[k][0]}`);
  return { lines: rows.map((r) => r[1]), fields: at.schema.fields.filter((f) => f.name !== "_rowid") };
}

async function expectDataset(db, out, name) {
  const dsPath = resolve(out, "db", `${name}.lance`);
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  const gen = existsSync(join(dir, "gen.json")) ? JSON.parse(readFileSync(join(dir, "gen.json"), "utf8")) : {};
  const table = await db.openTable(name);
  const versions = (await table.listVersions()).map((v) => v.version).sort((a, b) => a - b);
  const latest = await table.version();
  if (versions[versions.length - 1] !== latest) throw new Error(`latest version ${latest} but listVersions ends at ${versions[versions.length - 1]}`);
  const tagList = await (await table.tags()).list();
  const tags = Object.fromEntries(Object.entries(tagList).map(([k, v]) => [k, v.version]).sort());
  const vinfo = [];
  const byVersion = new Map();
  let rowsTotal = 0;
  for (const v of versions) {
    await table.checkout(v);
    if ((await table.version()) !== v) throw new Error(`checkout(${v}) gave version ${await table.version()}`);
    const { lines, fields } = await readRows(table);
    const count = await table.countRows();
    if (lines.length !== count) throw new Error(`version ${v}: scan returned ${lines.length} rows, countRows says ${count}`);
    const top = manifestTopFields(dsPath, v);
    if (top.map((f) => f.name).join("\u0001") !== fields.map((f) => f.name).join("\u0001"))
      throw new Error(`version ${v}: manifest fields ${top.map((f) => f.name)} vs scan fields ${fields.map((f) => f.name)}`);
    const schema = fields.map((f, k) => ({ name: f.name, id: top[k].id, arrow: String(f.type), sqlite: isBlob(f) ? "BLOB" : sqliteType(f.type) }));
    writeFileSync(join(dir, `v${v}.jsonl`), lines.length ? lines.join("\n") + "\n" : "");
    writeFileSync(join(dir, `schema_v${v}.json`), JSON.stringify(schema) + "\n");
    vinfo.push({ version: v, row_count: lines.length, tags: Object.keys(tags).filter((t) => tags[t] === v) });
    byVersion.set(v, lines.join("\n"));
    rowsTotal += lines.length;
  }
  for (const [tag, v] of Object.entries(tags)) {
    await table.checkout(tag);
    if ((await table.version()) !== v) throw new Error(`checkout('${tag}') gave version ${await table.version()}, tag says ${v}`);
    if ((await readRows(table)).lines.join("\n") !== byVersion.get(v)) throw new Error(`tag ${tag}: rows differ from version ${v}`);
  }
  for (const tag of gen.deleted_tags ?? []) if (tag in tags) throw new Error(`deleted tag ${tag} is still listed`);
  await table.checkoutLatest();
  writeFileSync(join(dir, "versions.json"), JSON.stringify(vinfo, null, 1) + "\n");
  writeFileSync(join(dir, "info.json"), JSON.stringify({
    name, path: dsPath, latest, tags, deleted_tags: gen.deleted_tags ?? [],
    storage: gen.storage, v2_manifest_paths: gen.v2_manifest_paths, stable_row_ids: gen.stable_row_ids,
  }, null, 1) + "\n");
  table.close();
  return { versions: versions.length, rows: rowsTotal };
}

// label names the script in messages; filter (a RegExp) is the default dataset filter
export async function expectMain(label, defaultFilter = null) {
  const out = process.argv[2];
  if (!out) { console.error(`usage: node ${label}.mjs OUTDIR [filter-regex]`); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : defaultFilter;
  const dbdir = join(out, "db");
  const db = await lancedb.connect(dbdir);
  const names = readdirSync(dbdir).filter((f) => f.endsWith(".lance")).map((f) => f.slice(0, -6))
    .filter((n) => !filter || filter.test(n)).sort();
  if (!names.length) { console.error(`${label}: no datasets in ${dbdir}`); process.exit(1); }
  let failed = 0, nv = 0, nr = 0;
  const t0 = Date.now();
  for (const name of names) {
    try {
      const { versions, rows } = await expectDataset(db, out, name);
      nv += versions; nr += rows;
    } catch (e) {
      console.error(`${label}: ${name}: ${e.stack || e.message}`);
      failed++;
    }
  }
  console.log(`${label}: ${names.length - failed} datasets, ${nv} versions, ${nr} rows in ${((Date.now() - t0) / 1000).toFixed(1)}s${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await expectMain("hist_expect");
