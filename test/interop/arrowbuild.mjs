// Build Arrow data from plain JS arrays with explicit types, so that every value
// (including raw float bits, big integers and nulls at any level) is exactly what
// the test intends. Used by gen.mjs.
import * as A from "apache-arrow";

const enc = new TextEncoder();

function validity(vals) {
  const n = vals.length;
  let nullCount = 0;
  const bm = new Uint8Array(Math.ceil(n / 8) || 1);
  for (let i = 0; i < n; i++) {
    if (vals[i] == null) nullCount++;
    else bm[i >> 3] |= 1 << (i & 7);
  }
  return nullCount ? { nullCount, nullBitmap: bm } : { nullCount: 0 };
}

function toBytes(v) {
  if (typeof v === "string") return enc.encode(v);
  if (v instanceof Uint8Array) return v;
  throw new Error(`expected string or Uint8Array, got ${typeof v}`);
}

function varWidth(type, vals, large) {
  const n = vals.length;
  const parts = vals.map((v) => (v == null ? new Uint8Array(0) : toBytes(v)));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const data = new Uint8Array(total);
  const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let o = 0;
  parts.forEach((p, i) => {
    data.set(p, o);
    o += p.length;
    offsets[i + 1] = large ? BigInt(o) : o;
  });
  return A.makeData({ type, length: n, ...validity(vals), valueOffsets: offsets, data });
}

/**
 * Make an Arrow Data of `type` from `vals` (null = null).
 * Value conventions: 64-bit ints as BigInt (numbers accepted), Float16 as raw uint16
 * bits, strings as JS strings, binary as Uint8Array, date32 as day numbers,
 * timestamps, date64 (ms), time64 and durations as BigInt in the type's unit, time32 as
 * numbers, decimals as BigInt (the unscaled value), lists as arrays, structs as objects,
 * fixed-size lists as arrays (null rows get zero children), dictionary as the
 * decoded value (the dictionary is built from the distinct values in first-seen order).
 */
export function mk(type, vals, sharedDict) {
  const n = vals.length;
  const T = A.Type;
  switch (type.typeId) {
    case T.Null:
      return A.makeData({ type, length: n, nullCount: n });
    case T.Int: {
      const arr = new type.ArrayType(n);
      const big = type.bitWidth === 64;
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        arr[i] = v == null ? (big ? 0n : 0) : big ? BigInt(v) : v;
      }
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.Float: {
      const Arr = type.precision === A.Precision.HALF ? Uint16Array
        : type.precision === A.Precision.SINGLE ? Float32Array : Float64Array;
      const arr = new Arr(n);
      for (let i = 0; i < n; i++) arr[i] = vals[i] == null ? 0 : vals[i];
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.Bool: {
      const bits = new Uint8Array(Math.ceil(n / 8) || 1);
      for (let i = 0; i < n; i++) if (vals[i]) bits[i >> 3] |= 1 << (i & 7);
      return A.makeData({ type, length: n, ...validity(vals), data: bits });
    }
    case T.Utf8:
    case T.Binary:
      return varWidth(type, vals, false);
    case T.LargeUtf8:
    case T.LargeBinary:
      return varWidth(type, vals, true);
    case T.FixedSizeBinary: {
      const w = type.byteWidth;
      const data = new Uint8Array(n * w);
      vals.forEach((v, i) => { if (v != null) { if (v.length !== w) throw new Error("fsb width"); data.set(v, i * w); } });
      return A.makeData({ type, length: n, ...validity(vals), data });
    }
    case T.Date: {
      if (type.unit !== A.DateUnit.DAY) return big64(type, vals);
      const arr = new Int32Array(n);
      for (let i = 0; i < n; i++) arr[i] = vals[i] ?? 0;
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.Time: {
      if (type.bitWidth === 64) return big64(type, vals);
      const arr = new Int32Array(n);
      for (let i = 0; i < n; i++) arr[i] = vals[i] ?? 0;
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.Duration:
      return big64(type, vals);
    case T.Decimal: { // little-endian two's complement, 32-bit words
      const words = type.bitWidth / 32;
      const arr = new Uint32Array(n * words);
      vals.forEach((v, i) => {
        let u = BigInt.asUintN(type.bitWidth, BigInt(v ?? 0));
        for (let k = 0; k < words; k++, u >>= 32n) arr[i * words + k] = Number(u & 0xffffffffn);
      });
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.Timestamp: {
      const arr = new BigInt64Array(n);
      for (let i = 0; i < n; i++) arr[i] = vals[i] == null ? 0n : BigInt(vals[i]);
      return A.makeData({ type, length: n, ...validity(vals), data: arr });
    }
    case T.FixedSizeList: {
      const size = type.listSize;
      const childType = type.children[0].type;
      const flat = [];
      for (const v of vals) {
        if (v == null) for (let j = 0; j < size; j++) flat.push(0);
        else {
          if (v.length !== size) throw new Error(`fsl: expected ${size} items, got ${v.length}`);
          flat.push(...v);
        }
      }
      return A.makeData({ type, length: n, ...validity(vals), child: mk(childType, flat) });
    }
    case T.List: {
      const childType = type.children[0].type;
      const offsets = new Int32Array(n + 1);
      const flat = [];
      vals.forEach((v, i) => {
        if (v != null) flat.push(...v);
        offsets[i + 1] = flat.length;
      });
      return A.makeData({ type, length: n, ...validity(vals), valueOffsets: offsets, child: mk(childType, flat) });
    }
    case T.Struct: {
      const children = type.children.map((f) => mk(f.type, vals.map((v) => (v == null ? null : v[f.name] ?? null))));
      return A.makeData({ type, length: n, ...validity(vals), children });
    }
    case T.Dictionary: {
      const { seen, dictionary } = sharedDict ?? buildDict(type, vals);
      const idx = new type.indices.ArrayType(n);
      vals.forEach((v, i) => { if (v != null) idx[i] = seen.get(v); });
      return A.makeData({ type, length: n, ...validity(vals), data: idx, dictionary });
    }
    default:
      throw new Error(`mk: unsupported type ${type}`);
  }
}

// 64-bit values (BigInt or number) of date64, time64 or duration types
function big64(type, vals) {
  const arr = new BigInt64Array(vals.length);
  vals.forEach((v, i) => { arr[i] = v == null ? 0n : BigInt(v); });
  return A.makeData({ type, length: vals.length, ...validity(vals), data: arr });
}

function buildDict(type, vals) {
  const seen = new Map();
  const dictVals = [];
  for (const v of vals) {
    if (v != null && !seen.has(v)) { seen.set(v, dictVals.length); dictVals.push(v); }
  }
  return { seen, dictionary: new A.Vector([mk(type.dictionary, dictVals)]) };
}

/** Arrow IPC file bytes for columns [{name, type, values, meta, nullable}] split into batches of batchRows. */
export function toIPC(columns, batchRows) {
  const fields = columns.map((c) => new A.Field(c.name, c.type, c.nullable ?? true, c.meta ? new Map(Object.entries(c.meta)) : undefined));
  const schema = new A.Schema(fields);
  const n = columns[0].values.length;
  for (const c of columns) if (c.values.length !== n) throw new Error(`column ${c.name}: ${c.values.length} rows, expected ${n}`);
  const step = batchRows || n;
  // one dictionary per dictionary column, shared by all batches (IPC files allow no replacement)
  const dicts = columns.map((c) => (c.type.typeId === A.Type.Dictionary ? buildDict(c.type, c.values) : undefined));
  const batches = [];
  for (let s = 0; s < n; s += step) {
    const e = Math.min(n, s + step);
    const children = columns.map((c, k) => mk(c.type, c.values.slice(s, e), dicts[k]));
    batches.push(new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length: e - s, nullCount: 0, children })));
  }
  return Buffer.from(A.tableToIPC(new A.Table(schema, batches), "file"));
}
