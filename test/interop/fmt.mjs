// The lance-dump JSON text format (docs/lance-dump.md), produced from Arrow JS data.
// The Arrow TYPE decides the rule; values are read from the raw buffers (never from
// Arrow JS's lossy getters: those turn int64 timestamps into doubles, NaN halfs into null...).
import * as A from "apache-arrow";

const MAX_SAFE = 9007199254740991n;

export function fmtInt(v) {
  if (typeof v === "bigint") {
    const a = v < 0n ? -v : v;
    return a <= MAX_SAFE ? v.toString() : `"${v.toString()}"`;
  }
  if (!Number.isInteger(v)) throw new Error(`fmtInt: not an integer: ${v}`);
  return Math.abs(v) <= Number.MAX_SAFE_INTEGER ? String(v) : `"${BigInt(v)}"`;
}

function special(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (Object.is(x, -0)) return "-0.0";
  return null;
}

/** float64: ECMAScript Number::toString */
export function fmtF64(x) {
  return special(x) ?? String(x);
}

/**
 * The double with the fewest significant digits (1..9) that, read as a double and rounded
 * to float32, gives back x (a finite non-zero float32 value). When several decimals of that
 * length round-trip, the one nearest to x is taken; an exact tie goes to the even last digit
 * (as Ryu, glibc printf and ECMAScript do; JS toPrecision alone would round ties up).
 */
export function shortestF32(x) {
  const neg = x < 0;
  const a = Math.abs(x);
  f32buf[0] = a;
  const bits = u32buf[0];
  const ef = bits >>> 23, mf = bits & 0x7fffff;
  const M = BigInt(ef ? mf | 0x800000 : mf), E = ef ? ef - 150 : -149; // a = M * 2^E exactly
  // distance |c * 10^e - a| scaled to an exact integer (same scale for a given e)
  const dist = (c, e) => {
    const s10 = e < 0 ? -e : 0, s2 = E < 0 ? -E : 0;
    const lhs = c * 10n ** BigInt(e + s10) * 2n ** BigInt(s2);
    const rhs = M * 2n ** BigInt(E + s2) * 10n ** BigInt(s10);
    return lhs > rhs ? lhs - rhs : rhs - lhs;
  };
  const ok = (c, e) => c > 0n && Math.fround(Number(`${c}e${e}`)) === a;
  const digitsAt = (p) => {
    const [mant, es] = a.toExponential(p - 1).split("e");
    return [BigInt(mant.replace(".", "")), Number(es) - (p - 1)];
  };
  let p;
  if (mf !== 0 || ef <= 1) {
    // symmetric rounding interval: if the nearest p-digit decimal round-trips, so does the
    // nearest (p+1)-digit one, so the smallest p can be found by bisection
    let lo = 1, hi = 9;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Math.fround(Number(a.toPrecision(mid))) === a) hi = mid;
      else lo = mid + 1;
    }
    p = lo;
    const [m, e] = digitsAt(p);
    if (!ok(m, e)) throw new Error(`shortestF32: no representation for ${x}`);
    let best = m;
    // a tie needs a to be exactly (m - 1/2) * 10^e: then a has p+1 significant digits
    if (Number(a.toPrecision(p + 1)) === a && dist(m, e) === dist(m - 1n, e) && m % 2n === 1n) best = m - 1n;
    const d = Number(`${best}e${e}`);
    return neg ? -d : d;
  }
  // a power of two: the interval below a is half as wide, so the nearest decimal may fail
  // while a farther one above a round-trips; try the neighbours too
  for (p = 1; p <= 9; p++) {
    const [m, e] = digitsAt(p);
    let best = null, bd = null;
    for (const c of [m - 1n, m, m + 1n]) {
      if (!ok(c, e)) continue;
      const dd = dist(c, e);
      if (bd === null || dd < bd || (dd === bd && c % 2n === 0n)) { best = c; bd = dd; }
    }
    if (best !== null) { const d = Number(`${best}e${e}`); return neg ? -d : d; }
  }
  throw new Error(`shortestF32: no representation for ${x}`);
}
const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** float32 (and float16, whose values are exact float32 values) */
export function fmtF32(x) {
  if (Math.fround(x) !== x && !Number.isNaN(x)) throw new Error(`fmtF32: not a float32 value: ${x}`);
  return special(x) ?? (x === 0 ? "0" : String(shortestF32(x)));
}

export function halfToNumber(bits) {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0x1f) return f ? NaN : s * Infinity;
  if (e === 0) return s * f * 2 ** -24;
  return s * (1024 + f) * 2 ** (e - 25);
}

export function fmtStr(s) {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    const code = s.charCodeAt(k);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20) out += "\\u00" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

export function fmtHex(bytes) {
  return '"' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex") + '"';
}

const pad = (v, n) => String(v).padStart(n, "0");

// days since 1970-01-01 -> [y, m, d] (proleptic Gregorian)
export function civil(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

function ymd(days) {
  const [y, m, d] = civil(days);
  if (y < 0 || y > 9999) throw new Error(`date out of the YYYY range: ${y}`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function fmtDate32(days) {
  return `"${ymd(days)}"`;
}

const UNIT = { [A.TimeUnit.SECOND]: [1n, 0], [A.TimeUnit.MILLISECOND]: [1000n, 3], [A.TimeUnit.MICROSECOND]: [1000000n, 6], [A.TimeUnit.NANOSECOND]: [1000000000n, 9] };
const fdiv = (a, b) => { const q = a / b; return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q; };

export function fmtTimestamp(v, unit) {
  const [per, digits] = UNIT[unit];
  const secs = fdiv(v, per);
  const frac = v - secs * per;
  const days = fdiv(secs, 86400n);
  const sod = Number(secs - days * 86400n);
  let s = `${ymd(Number(days))}T${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}`;
  if (digits) s += "." + pad(frac.toString(), digits);
  return `"${s}Z"`;
}

const dec = new TextDecoder("utf-8");

function isValid(data, i) {
  const bm = data.nullBitmap;
  if (!bm || bm.length === 0) return true;
  const j = data.offset + i;
  return (bm[j >> 3] >> (j & 7)) & 1;
}

function checkOffset(data) {
  if (data.offset !== 0) throw new Error(`fmt: sliced Arrow data (offset ${data.offset}) of type ${data.type} is not handled`);
}

// value i of 64-bit storage: BigInt64Array, or Int32Array pairs (low word first)
function int64Of(vals, i) {
  if (vals instanceof BigInt64Array) return vals[i];
  if (vals instanceof Int32Array) return (BigInt(vals[2 * i + 1]) << 32n) | BigInt(vals[2 * i] >>> 0);
  throw new Error(`fmt: 64-bit storage ${vals?.constructor?.name}`);
}

// decimal128 from four little-endian 32-bit words: the exact value as lance-dump prints it,
// `scale` digits after the point ("-12.340", "0.05")
export function fmtDecimal(words, scale) {
  let u = 0n;
  for (let k = 3; k >= 0; k--) u = (u << 32n) | BigInt(words[k] >>> 0);
  const v = BigInt.asIntN(128, u);
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, "0");
  const body = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return `"${v < 0n ? "-" : ""}${body}"`;
}

function int64At(values, i) {
  return values[i]; // BigInt64Array / BigUint64Array
}

/** Format value i of an Arrow JS Data as lance-dump JSON. */
export function fmtValue(data, i) {
  const type = data.type;
  const T = A.Type;
  if (type.typeId === T.Null) return "null";
  checkOffset(data);
  if (!isValid(data, i)) return "null";
  switch (type.typeId) {
    case T.Int: return fmtInt(type.bitWidth === 64 ? int64At(data.values, i) : data.values[i]);
    case T.Float:
      if (type.precision === A.Precision.HALF) return fmtF32(halfToNumber(data.values[i]));
      if (type.precision === A.Precision.SINGLE) return fmtF32(data.values[i]);
      return fmtF64(data.values[i]);
    case T.Bool: return (data.values[i >> 3] >> (i & 7)) & 1 ? "true" : "false";
    case T.Utf8:
    case T.LargeUtf8: {
      const o = data.valueOffsets;
      return fmtStr(dec.decode(data.values.subarray(Number(o[i]), Number(o[i + 1]))));
    }
    case T.Binary:
    case T.LargeBinary: {
      const o = data.valueOffsets;
      return fmtHex(data.values.subarray(Number(o[i]), Number(o[i + 1])));
    }
    case T.FixedSizeBinary: {
      const w = type.byteWidth;
      return fmtHex(data.values.subarray(i * w, (i + 1) * w));
    }
    case T.Date:
      if (type.unit !== A.DateUnit.DAY) return fmtDate32(Number(fdiv(int64Of(data.values, i), 86400000n)));
      return fmtDate32(data.values[i]);
    case T.Time:
      return fmtInt(type.bitWidth === 64 ? int64Of(data.values, i) : data.values[i]);
    case T.Duration:
      return fmtInt(int64Of(data.values, i));
    case T.Decimal:
      if (type.bitWidth !== 128) throw new Error("fmt: decimal256 not handled");
      return fmtDecimal(data.values.subarray(4 * i, 4 * i + 4), type.scale);
    case T.Timestamp:
      return fmtTimestamp(int64Of(data.values, i), type.unit);
    case T.List: {
      const o = data.valueOffsets;
      const child = data.children[0];
      const parts = [];
      for (let k = Number(o[i]); k < Number(o[i + 1]); k++) parts.push(fmtValue(child, k));
      return "[" + parts.join(",") + "]";
    }
    case T.FixedSizeList: {
      const n = type.listSize;
      const child = data.children[0];
      const parts = [];
      for (let k = i * n; k < (i + 1) * n; k++) parts.push(fmtValue(child, k));
      return "[" + parts.join(",") + "]";
    }
    case T.Struct:
      return "{" + type.children.map((f, k) => fmtStr(f.name) + ":" + fmtValue(data.children[k], i)).join(",") + "}";
    case T.Dictionary: {
      let idx = Number(data.values[i]);
      for (const d of data.dictionary.data) {
        if (idx < d.length) return fmtValue(d, idx);
        idx -= d.length;
      }
      throw new Error("fmt: dictionary index out of range");
    }
    default:
      throw new Error(`fmt: type ${type} not handled`);
  }
}

/** One row: {"a":..,"b":..} for the given top-level columns [{name, data}] */
export function fmtRow(cols, i) {
  return "{" + cols.map((c) => fmtStr(c.name) + ":" + fmtValue(c.data, i)).join(",") + "}";
}
