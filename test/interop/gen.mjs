// node gen.mjs OUTDIR [name-filter-regex]
// Writes Lance datasets with LanceDB (one fragment, one data file each) under OUTDIR/db/.
// Themes per storage version 2.0..2.3, encodings forced through field metadata for 2.1,
// 2.2 and 2.3, and the compressive encodings of 2.2/2.3 forced one by one (enc_*, their
// encodings checked in the written file). All data is deterministic (seeded RNG); see
// README.md.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toIPC } from "./arrowbuild.mjs";
import { inspect } from "./inspect.mjs";

// ---------- deterministic random numbers ----------
export function rngFrom(seed) {
  let s = seed >>> 0;
  const next = () => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    f: next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive, |range| < 2^53
    u32: () => Math.floor(next() * 4294967296),
    bits: (k) => { // BigInt uniform in [0, 2^k)
      let v = 0n;
      for (let i = 0; i < k; i += 32) v = (v << 32n) | BigInt(r.u32());
      return k === 0 ? 0n : v & ((1n << BigInt(k)) - 1n);
    },
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    bytes: (len) => Uint8Array.from({ length: len }, () => Math.floor(next() * 256)),
    ascii: (len) => Array.from({ length: len }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join(""),
  };
  return r;
}

// rows in most datasets: crosses the 1024-value mini-block chunk boundaries
// (GEN_ROWS makes small datasets, e.g. to seed the fuzzers)
const N = Number(process.env.GEN_ROWS || 3000);
const I = (n) => Array.from({ length: n }, (_, i) => i);

// put `edge` values at the start, then fn(i) for the rest; null where nullEvery divides i (i>0)
function col(n, edge, fn, nullEvery = 0, nullOffset = 0) {
  return I(n).map((i) => {
    if (i < edge.length) return edge[i];
    if (nullEvery && (i + nullOffset) % nullEvery === 0) return null;
    return fn(i);
  });
}

const t = {
  i8: new A.Int8(), i16: new A.Int16(), i32: new A.Int32(), i64: new A.Int64(),
  u8: new A.Uint8(), u16: new A.Uint16(), u32: new A.Uint32(), u64: new A.Uint64(),
  f16: new A.Float16(), f32: new A.Float32(), f64: new A.Float64(), bool: new A.Bool(),
  utf8: new A.Utf8(), lutf8: new A.LargeUtf8(), bin: new A.Binary(), lbin: new A.LargeBinary(),
  date32: new A.DateDay(),
};
const fld = (name, type, nullable = true, meta) => new A.Field(name, type, nullable, meta ? new Map(Object.entries(meta)) : undefined);
const list = (type) => new A.List(fld("item", type));
const listOf = (type, meta) => new A.List(fld("item", type, true, meta)); // item field metadata
const fsl = (n, type) => new A.FixedSizeList(n, fld("item", type));
const struct = (...fields) => new A.Struct(fields);
const c = (name, type, values, meta) => ({ name, type, values, meta });

// ---------- value generators ----------
function signedEdges(bits) {
  const B = BigInt(bits);
  const min = -(1n << (B - 1n)), max = (1n << (B - 1n)) - 1n;
  const e = [min, max, 0n, -1n, 1n, min + 1n, max - 1n];
  if (bits === 64) e.push(9007199254740991n, -9007199254740991n, 9007199254740992n, -9007199254740992n, 9007199254740993n, -9007199254740993n);
  return bits === 64 ? e : e.map(Number);
}
function unsignedEdges(bits) {
  const max = (1n << BigInt(bits)) - 1n;
  const e = [0n, max, 1n, max - 1n, max >> 1n, (max >> 1n) + 1n];
  if (bits === 64) e.push(9007199254740991n, 9007199254740992n, 9007199254740993n, 18446744073709551615n, 9223372036854775808n, 12345678901234567890n);
  return bits === 64 ? e : e.map(Number);
}
function randSigned(r, bits) {
  const v = r.bits(bits);
  const half = 1n << BigInt(bits - 1);
  const s = v >= half ? v - 2n * half : v;
  return bits === 64 ? s : Number(s);
}
function randUnsigned(r, bits) { const v = r.bits(bits); return bits === 64 ? v : Number(v); }

const f32Edges = [0, -0, NaN, Infinity, -Infinity, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754942106924411e-38,
  1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, 1e-7, 1.5e-7, 9.999999e-8, 0.1, 1 / 3, 1e21, 1e20,
  123456789, 16777216, 16777217, 2.5, -2.5, 1e-45, 7e-45, 65504, 0.30000001192092896, 100, 1e10, 5e-324];
const f64Edges = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 1e-7, 1.5e-7, 9.999999999999999e-8, 0.1, 0.1 + 0.2, 1 / 3, 1e21,
  999999999999999900000, 1e20, 123456789012345680000, 9007199254740993, 2 ** 63, -(2 ** 64), 1e-300, 4.35, 100, 1.5];
const f16Edges = [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe01, 0x0001, 0x8001, 0x03ff, 0x0400, 0x7bff, 0xfbff, 0x3c00,
  0x3555, 0x2e66, 0x3bff, 0x3c01, 0x5640, 0x1400];

function randFloat(r, single) {
  const kind = r.int(0, 5);
  let v;
  if (kind === 0) v = r.int(-1000, 1000);
  else if (kind === 1) v = (r.f() - 0.5) * 2;
  else if (kind === 2) v = (r.f() - 0.5) * 10 ** r.int(-40, 40);
  else if (kind === 3) v = r.int(-100000, 100000) / 100;
  else if (kind === 4) v = Math.sin(r.f() * 100) * 1e6;
  else v = (r.f() - 0.5) * 10 ** r.int(-320, 300);
  return single ? Math.fround(v) : v;
}

const uniStrings = ["", "a", "héllo wörld", "中文字符", "emoji 😀🎉", "x\u0000y", "quote\" back\\slash", "tab\tnl\ncr\rff\fbs\b",
  "ctl \u0001\u001f\u007f", "/slash/", "\u00e9\u0301", "𝄞 clef", "a".repeat(100), "ünïcödé ".repeat(10), "\u2028\u2029", "<>&'"];

function randStr(r, i) {
  if (i % 23 === 5) return r.pick(uniStrings);
  return r.ascii(r.int(0, 40));
}

function longStr(r, min, max) {
  const base = r.ascii(r.int(min, max));
  return r.f() < 0.2 ? base + " é中😀" : base;
}

// ---------- themes ----------
function themeInts(r) {
  const cols = [];
  for (const b of [8, 16, 32, 64]) cols.push(c(`i${b}`, t[`i${b}`], col(N, signedEdges(b), () => randSigned(r, b), 17)));
  for (const b of [8, 16, 32, 64]) cols.push(c(`u${b}`, t[`u${b}`], col(N, unsignedEdges(b), () => randUnsigned(r, b), 19, 3)));
  cols.push(c("i64_nonull", t.i64, col(N, signedEdges(64), () => randSigned(r, 64))));
  cols.push(c("mono_i64", t.i64, I(N).map((i) => 1000n + 3n * BigInt(i))));
  cols.push(c("mono_desc_i32", t.i32, I(N).map((i) => 5000000 - 7 * i)));
  cols.push(c("mono_u64_big", t.u64, I(N).map((i) => 18446744073709000000n + BigInt(i) * 5n)));
  let acc = 0n;
  cols.push(c("sorted_i64", t.i64, I(N).map(() => (acc += BigInt(r.int(0, 1000000))))));
  cols.push(c("runs_i32", t.i32, I(N).map((i) => Math.floor(i / 50) % 7)));
  let run = 0, val = 0;
  cols.push(c("runs_u8", t.u8, I(N).map(() => { if (run-- <= 0) { run = r.int(1, 200); val = r.int(0, 255); } return val; })));
  cols.push(c("runs_i64_null", t.i64, I(N).map((i) => (Math.floor(i / 300) % 3 === 1 ? null : BigInt(Math.floor(i / 100)) * 1000000000000n))));
  cols.push(c("smallrange_i16", t.i16, I(N).map((i) => (i % 31 === 0 ? null : r.int(-5, 5)))));
  return cols;
}

function themeBitwidths(r) {
  const cols = [];
  for (let k = 1; k <= 64; k++) {
    // force the top bit of width k to appear at least once (row 7)
    cols.push(c(`w${k}`, t.u64, I(N).map((i) => (i === 7 ? (1n << BigInt(k - 1)) : r.bits(k)))));
  }
  for (const [name, type, k] of [["u8_w3", t.u8, 3], ["u16_w11", t.u16, 11], ["u32_w17", t.u32, 17], ["u32_w29", t.u32, 29], ["i32_w23", t.i32, 23]]) {
    cols.push(c(name, type, I(N).map((i) => (i === 7 ? 2 ** (k - 1) : Number(r.bits(k))))));
  }
  for (const k of [4, 12, 20, 33, 50]) { // small negative and positive numbers
    cols.push(c(`s${k}`, t.i64, I(N).map(() => { const h = 1n << BigInt(k - 1); return r.bits(k) - h; })));
  }
  cols.push(c("i32_neg_small", t.i32, I(N).map(() => r.int(-100, -1))));
  return cols;
}

function themeFloats(r) {
  return [
    c("f32", t.f32, col(N, f32Edges.map(Math.fround), () => randFloat(r, true), 13)),
    c("f64", t.f64, col(N, f64Edges, () => randFloat(r, false), 13)),
    c("f16", t.f16, col(N, f16Edges, () => r.int(0, 0xffff), 11)),
    c("f32_smooth", t.f32, I(N).map((i) => Math.fround(Math.sin(i / 100) * 100))),
    c("f64_smooth", t.f64, I(N).map((i) => Math.cos(i / 77) * 12345.678)),
    c("f64_ints", t.f64, I(N).map((i) => (i % 9 === 0 ? null : r.int(-50, 50)))),
    c("f32_nonull", t.f32, col(N, f32Edges.map(Math.fround), () => randFloat(r, true))),
  ];
}

function themeStrings(r) {
  return [
    c("s", t.utf8, col(N, uniStrings, (i) => randStr(r, i), 29)),
    c("ls", t.lutf8, col(N, uniStrings.slice().reverse(), (i) => randStr(r, i), 31)),
    c("s_nonull", t.utf8, col(N, uniStrings, (i) => randStr(r, i))),
    c("s_words", t.utf8, I(N).map((i) => `word${i % 997} and ${r.pick(["alpha", "beta", "gamma", "delta"])} ${i}`)),
  ];
}

function themeStringsLong(r) {
  return [
    c("long", t.utf8, col(N, ["x".repeat(257), "é".repeat(300)], () => longStr(r, 257, 1200), 37)),
    c("long_large", t.lutf8, col(N, [], () => longStr(r, 300, 800), 41)),
    c("mixed_len", t.utf8, I(N).map((i) => (i % 50 === 0 ? null : i % 3 === 0 ? longStr(r, 260, 600) : r.ascii(r.int(0, 20))))),
  ];
}

function themeBinary(r) {
  const edges = [new Uint8Array(0), Uint8Array.from([0]), Uint8Array.from([255, 0, 1]), Uint8Array.from(I(256))];
  return [
    c("bin", t.bin, col(N, edges, () => r.bytes(r.int(0, 64)), 13)),
    c("lbin", t.lbin, col(N, edges.slice().reverse(), () => r.bytes(r.int(0, 64)), 17)),
    c("bin_long", t.bin, col(N, [], () => r.bytes(r.int(257, 700)), 29)),
    c("fsb16", new A.FixedSizeBinary(16), col(N, [new Uint8Array(16), new Uint8Array(16).fill(255)], () => r.bytes(16), 19)),
  ];
}

function themeTemporal(r) {
  const dEdges = [0, -1, 1, -719162, 2932896, 10957, 11016, 19000, -25567]; // 1970, 0001-01-01, 9999-12-31, 2000-01-01, 2000-02-29
  const D = 86400n;
  const minS = -62135596800n, maxS = 253402300799n; // 0001-01-01 .. 9999-12-31T23:59:59
  const rs = () => minS + r.bits(40) % (maxS - minS + 1n);
  const sEdges = [0n, -1n, 1n, minS, maxS, 951782400n, 1700000000n];
  const ms = () => rs() * 1000n + BigInt(r.int(0, 999));
  const us = () => rs() * 1000000n + BigInt(r.int(0, 999999));
  const ns = () => randSigned(r, 64);
  const ts = (unit, tz) => new A.Timestamp(unit, tz);
  const U = A.TimeUnit;
  const cols = [c("date32", t.date32, col(N, dEdges, () => r.int(-719162, 2932896), 11))];
  for (const [tz, sfx] of [[null, ""], ["UTC", "_utc"], ["America/New_York", "_ny"]]) {
    if (sfx === "_ny") {
      cols.push(c(`ts_us${sfx}`, ts(U.MICROSECOND, tz), col(N, sEdges.map((s) => s * 1000000n), us, 7)));
      continue;
    }
    cols.push(c(`ts_s${sfx}`, ts(U.SECOND, tz), col(N, sEdges, rs, 7)));
    cols.push(c(`ts_ms${sfx}`, ts(U.MILLISECOND, tz), col(N, [...sEdges.map((s) => s * 1000n), -1n, 999n], ms, 7, 1)));
    cols.push(c(`ts_us${sfx}`, ts(U.MICROSECOND, tz), col(N, [...sEdges.map((s) => s * 1000000n), -1n, 1n], us, 7, 2)));
    cols.push(c(`ts_ns${sfx}`, ts(U.NANOSECOND, tz),
      col(N, [0n, -1n, 1n, -9223372036854775808n, 9223372036854775807n, 1234567890123456789n, D * 1000000000n], ns, 7, 3)));
  }
  cols.push(c("ts_us_mono", ts(U.MICROSECOND, "UTC"), I(N).map((i) => 1700000000000000n + BigInt(i) * 1000000n)));
  return cols;
}

function themeVectors(r) {
  const vec = (d) => Array.from({ length: d }, () => Math.fround((r.f() - 0.5) * 4));
  const N = 1500; // fewer rows: 768 floats a row are slow to format in expect.mjs
  return [
    c("v8", fsl(8, t.f32), col(N, [[0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1].map(Math.fround)], () => vec(8), 43)),
    c("v64", fsl(64, t.f32), I(N).map(() => vec(64))),
    c("v768", fsl(768, t.f32), I(N).map(() => vec(768))),
    c("u8x16", fsl(16, t.u8), col(N, [], () => Array.from(r.bytes(16)), 47)),
  ];
}

// valid vectors with null items (and null rows): 2.0 keeps the items' validity inside the
// fixed-size list's own nullable items encoding (write_copy.mjs: the writer refuses them)
function themeVectorsNullItems(r) {
  const N = 1500;
  return [
    c("id", t.i32, I(N)),
    c("v8", fsl(8, t.f32), I(N).map((i) => (i % 37 === 5 ? null
      : I(8).map((k) => ((i + 3 * k) % 11 === 0 ? null : Math.fround((r.f() - 0.5) * 4)))))),
    c("i16x3", fsl(3, t.i16), I(N).map((i) => (i % 41 === 9 ? null
      : I(3).map((k) => ((i * 3 + k) % 7 === 0 ? null : r.int(-32768, 32767)))))),
  ];
}

function themeLists(r) {
  const lstr = I(N).map((i) => {
    if (i % 17 === 3) return null;
    if (i % 13 === 4) return [];
    return Array.from({ length: r.int(1, 5) }, (_, j) => (j === 1 && i % 5 === 0 ? null : i % 41 === 0 ? r.pick(uniStrings) : r.ascii(r.int(0, 12))));
  });
  const llf = I(N).map((i) => {
    if (i % 19 === 2) return null;
    if (i % 23 === 6) return [];
    return Array.from({ length: r.int(0, 3) }, (_, j) => {
      if ((i + j) % 11 === 0) return null;
      return Array.from({ length: r.int(0, 4) }, (_, k) => ((i + k) % 29 === 0 ? null : Math.fround((r.f() - 0.5) * 100)));
    });
  });
  const li = I(N).map((i) => {
    if (i < 4) return [null, [], [null], [2147483647, -2147483648, 0]][i];
    if (i % 7 === 0) return null;
    if (i % 11 === 0) return [];
    return Array.from({ length: r.int(1, 8) }, (_, j) => ((i + j) % 9 === 0 ? null : r.int(-1000000, 1000000)));
  });
  const lbig = I(N).map((i) => (i % 100 === 0 ? null : Array.from({ length: r.int(0, 40) }, () => BigInt(r.int(0, 1000)))));
  return [
    c("l_str", list(t.utf8), lstr),
    c("ll_f32", list(list(t.f32)), llf),
    c("l_i32", list(t.i32), li),
    c("l_i64_nonull_items", list(t.i64), lbig),
  ];
}

function themeStructs(r, v) {
  const v20 = v === "2.0"; // 2.0 cannot store struct validity: nulls only in the leaves there
  const stype = struct(fld("a", t.i32), fld("b", struct(fld("c", t.utf8), fld("d", list(t.i64)))));
  const st = I(N).map((i) => {
    if (i % 13 === 1 && !v20) return null; // null struct
    const b = i % 11 === 2 && !v20 ? null : {
      c: i % 7 === 3 ? null : r.ascii(r.int(0, 10)),
      d: i % 5 === 4 ? null : i % 9 === 0 ? [] : Array.from({ length: r.int(1, 4) }, (_, j) => (j === 0 && i % 3 === 0 ? null : randSigned(r, 64))),
    };
    return { a: i % 4 === 0 ? null : r.int(-1000, 1000), b };
  });
  const pt = I(N).map(() => ({ x: Math.fround(r.f()), y: Math.fround(r.f() * 100) }));
  return [
    c("st", stype, st),
    c("pt", struct(fld("x", t.f32), fld("y", t.f32)), pt),
    c("id", t.i32, I(N)),
  ];
}

function themeDict(r) {
  const words = ["red", "green", "blue", "", "yellow é", "black"];
  const many = I(500).map((k) => `value-${k}-${k * 7919 % 1000}`);
  return [
    c("dict_s", new A.Dictionary(t.utf8, t.i32), col(N, [], () => r.pick(words), 9)),
    c("dict_s8", new A.Dictionary(t.utf8, t.i8), I(N).map((i) => words[i % 4])),
    c("dict_many", new A.Dictionary(t.utf8, t.i16), col(N, [], () => r.pick(many), 21)),
    c("lowcard_s", t.utf8, col(N, [], () => r.pick(words), 10)),
    c("lowcard_i64", t.i64, I(N).map(() => r.pick([7n, -3n, 1000000000000n, 0n, 42n]))),
    c("lowcard_f64", t.f64, I(N).map(() => r.pick([0.5, 1.25, -7.75]))),
    c("l_lowcard", list(t.utf8), I(N).map((i) => (i % 15 === 0 ? null : Array.from({ length: r.int(0, 3) }, () => r.pick(words))))),
  ];
}

function themeBlobsLegacy(r) {
  const meta = { "lance-encoding:blob": "true" };
  const vals = I(2000).map((i) => {
    if (i % 10 === 3) return null;
    if (i % 10 === 5) return new Uint8Array(0);
    return r.bytes(i % 97 === 0 ? r.int(20000, 100000) : r.int(1, 600));
  });
  return [c("id", t.i32, I(2000)), c("blob", t.lbin, vals, meta)];
}

function themeBlobsV2(r) {
  const meta = {
    "ARROW:extension:name": "lance.blob.v2",
    "lance-encoding:blob-inline-size-threshold": "256",
    "lance-encoding:blob-dedicated-size-threshold": "65536",
  };
  const btype = struct(fld("data", t.lbin), fld("uri", t.utf8));
  const vals = I(2000).map((i) => {
    if (i % 10 === 3) return null;
    if (i % 10 === 5) return { data: new Uint8Array(0), uri: null };
    let len = r.int(1, 200); // inline (kind 0)
    if (i % 7 === 0) len = r.int(300, 5000); // packed side file (kind 1)
    if (i % 401 === 0) len = r.int(70000, 90000); // dedicated side file (kind 2)
    return { data: r.bytes(len), uri: null };
  });
  return [c("id", t.i32, I(2000)), c("blob", btype, vals, meta)];
}

function themeConstNull(r, v) {
  return [
    c("c_i32", t.i32, I(N).map(() => 42)),
    c("c_i64", t.i64, I(N).map(() => -9000000000000000000n)),
    c("c_f64", t.f64, I(N).map(() => 1.5)),
    c("c_bool", t.bool, I(N).map(() => true)),
    c("c_str", t.utf8, I(N).map(() => "same")),
    c("c_fsl", fsl(4, t.f32), I(N).map(() => [1, 2, 3, 4])),
    c("n_i32", t.i32, I(N).map(() => null)),
    c("n_f32", t.f32, I(N).map(() => null)),
    c("n_str", t.utf8, I(N).map(() => null)),
    c("n_list", list(t.i32), I(N).map(() => null)),
    // 2.0 cannot store struct validity: there a struct whose children are all null
    c("n_struct", struct(fld("a", t.i32), fld("b", t.utf8)), I(N).map(() => (v === "2.0" ? { a: null, b: null } : null))),
    c("bool", t.bool, I(N).map((i) => (i % 7 === 0 ? null : (i * 2654435761) % 5 < 2))),
    c("bool_nonull", t.bool, I(N).map((i) => (i * 40503) % 3 === 0)),
  ];
}

// several pages per column. The lance-file writer flushes a column's page once the
// arrays it buffered report > 8 MiB (AccumulationQueue, cache_bytes_per_column); arrays
// decoded from an IPC batch report the whole batch buffer, so 320k rows in 8192-row
// batches give 2-4 pages per column in every version (checked with inspect.mjs:
// e.g. rows [253952,66048] for ints, [131072,131072,57856] for strings in 2.1-2.3).
function themePages(r) {
  const n = 320000;
  const ids = I(n);
  return [
    c("id", t.i64, ids.map((i) => BigInt(i))),
    c("x", t.i32, ids.map((i) => (i % 1000 === 0 ? null : r.int(-100000, 100000)))),
    c("f", t.f64, ids.map((i) => (i % 77 === 0 ? null : i * 0.25))),
    c("s", t.utf8, ids.map((i) => (i % 333 === 0 ? null : `s${i % 4096}-${r.ascii(r.int(0, 6))}`))),
  ];
}

// ---------- forced encodings (2.1, 2.2) ----------
const M = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`lance-encoding:${k}`, String(v)]));

function basicForced(r, meta, suffix = "") {
  return [
    c(`i64${suffix}`, t.i64, col(N, signedEdges(64), () => randSigned(r, 40), 17), meta),
    c(`i32${suffix}`, t.i32, col(N, [], () => r.int(-1000, 1000), 0), meta),
    c(`f64${suffix}`, t.f64, col(N, f64Edges, () => randFloat(r, false), 13), meta),
    c(`f32${suffix}`, t.f32, I(N).map((i) => Math.fround(Math.sin(i / 10))), meta),
    c(`s${suffix}`, t.utf8, col(N, uniStrings, (i) => randStr(r, i), 29), meta),
    c(`bin${suffix}`, t.bin, col(N, [], () => r.bytes(r.int(0, 30)), 19), meta),
    c(`l_i32${suffix}`, list(t.i32), I(N).map((i) => (i % 7 === 0 ? null : Array.from({ length: r.int(0, 5) }, () => r.int(0, 300)))), meta),
  ];
}

const forcedThemes = {
  forced_zstd: (r) => [...basicForced(r, M({ compression: "zstd" })),
    c("i64_zstd9", t.i64, I(N).map(() => BigInt(r.int(0, 1000000))), M({ compression: "zstd", "compression-level": 9 }))],
  forced_lz4: (r) => basicForced(r, M({ compression: "lz4" })),
  forced_none: (r) => basicForced(r, M({ compression: "none" })),
  forced_fsst: (r) => [
    c("s", t.utf8, col(N, uniStrings, (i) => `prefix-common-${randStr(r, i)}`, 29), M({ compression: "fsst" })),
    c("ls", t.lutf8, col(N, [], () => `https://example.com/path/${r.ascii(r.int(0, 30))}`, 31), M({ compression: "fsst" })),
    c("long", t.utf8, col(N, [], () => longStr(r, 257, 500), 37), M({ compression: "fsst" })),
  ],
  forced_fullzip: (r) => basicForced(r, M({ "structural-encoding": "fullzip" })),
  forced_miniblock: (r) => [
    c("long", t.utf8, col(N, [], () => longStr(r, 257, 700), 37), M({ "structural-encoding": "miniblock" })),
    c("v64", fsl(64, t.f32), I(N).map(() => Array.from({ length: 64 }, () => Math.fround(r.f()))), M({ "structural-encoding": "miniblock" })),
    c("bin_long", t.bin, col(N, [], () => r.bytes(r.int(257, 400)), 13), M({ "structural-encoding": "miniblock" })),
  ],
  forced_packed: (r, v) => [
    c("ps", struct(fld("a", t.i32), fld("b", t.f64), fld("c", t.u8)),
      I(N).map((i) => ({ a: r.int(-1e9, 1e9), b: randFloat(r, false), c: i % 256 })), M({ packed: "true" })),
    // LanceDB 0.39 refuses packed structs with nulls (struct or child level) in 2.1 and 2.2
    c("ps2", struct(fld("a", t.i16), fld("b", t.f32)),
      I(N).map(() => ({ a: r.int(-3000, 3000), b: Math.fround(r.f()) })), M({ packed: "true" })),
    // variable-width packed struct: 2.2+ only ("not enabled by the selected file format" in 2.1)
    ...(v === "2.1" ? [] : [c("ps_var", struct(fld("k", t.i64), fld("name", t.utf8), fld("f", t.f32)),
      I(N).map((i) => ({ k: BigInt(i) * 3n, name: r.ascii(r.int(0, 15)), f: Math.fround(i / 8) })), M({ packed: "true" }))]),
  ],
  forced_rle: (r) => {
    let run = 0, v = 0;
    const runny = I(N).map(() => { if (run-- <= 0) { run = r.int(1, 40); v = r.int(-5, 5); } return v; });
    return [
      c("runs_i32", t.i32, runny, M({ "rle-threshold": "1.0" })),
      c("runs_i64", t.i64, runny.map((x) => BigInt(x) * 1000000007n), M({ "rle-threshold": "1.0" })),
      c("runs_u8_nullable", t.u8, runny.map((x, i) => (i % 100 < 10 ? null : x + 5)), M({ "rle-threshold": "1.0" })),
      c("runs_f64", t.f64, runny.map((x) => x / 4), M({ "rle-threshold": "1.0", bss: "off" })),
      c("random_i32", t.i32, I(N).map(() => r.int(0, 3)), M({ "rle-threshold": "1.0" })),
    ];
  },
  forced_dict: (r) => {
    const many = I(300).map((k) => `item-${k}`);
    return [
      c("s300", t.utf8, col(N, [], () => r.pick(many), 17), M({ "dict-divisor": "1", "dict-size-ratio": "1.0" })),
      c("i64_300", t.i64, I(N).map(() => BigInt(r.int(0, 299)) * 1234567n), M({ "dict-divisor": "1", "dict-size-ratio": "1.0" })),
      c("f32_50", t.f32, I(N).map(() => Math.fround(r.int(0, 49) / 7)), M({ "dict-divisor": "1", "dict-size-ratio": "1.0" })),
      c("s_nodict", t.utf8, col(N, [], () => r.pick(["a", "b", "c"]), 5), M({ "dict-divisor": "100000" })),
    ];
  },
  forced_bss: (r) => [
    c("f32_bss_zstd", t.f32, I(N).map((i) => Math.fround(Math.sin(i / 50) * 1000)), M({ bss: "on", compression: "zstd" })),
    c("f64_bss_zstd", t.f64, col(N, [0, -0, NaN, Infinity], (i) => Math.cos(i / 33) * 1e5, 17), M({ bss: "on", compression: "zstd" })),
    c("f32_bss_lz4", t.f32, I(N).map((i) => Math.fround(i / 3)), M({ bss: "on", compression: "lz4" })),
    c("f64_bss_on", t.f64, I(N).map(() => r.f()), M({ bss: "on" })),
    c("f32_bss_off", t.f32, I(N).map(() => Math.fround(r.f())), M({ bss: "off" })),
  ],
};

// ---------- packed structs in full-zip pages (one block: themes + dataset entries) ----------
// lance-encoding:packed=true plus structural-encoding=fullzip on a struct column makes the
// whole struct row one full-zip value: fixed-width rows back to back when every field is
// fixed-width (no control words without nulls), a length before each row otherwise. What
// LanceDB 0.39 writes (the `refuses` entries are checked to still be refused, with these
// messages):
//   fixed-width fields:  2.1, 2.2 refused ("Packed struct per-value compression should not be
//                        used for fixed-width-only structs"); 2.3 written.
//   variable fields:     2.1 refused ("Variable packed struct encoding is not enabled by the
//                        selected file format"); 2.2, 2.3 written.
//   a nullable variable packed struct: refused in 2.2 and 2.3 ("Per-value compression not
//                        yet supported for block type Nullable"), like packed structs with
//                        nulls in mini-block pages (see forced_packed).
const PFZ = M({ packed: "true", "structural-encoding": "fullzip" });
const pfzFixed = (r) => [
  c("id", t.i32, I(N)),
  c("pz", struct(fld("a", t.i32), fld("b", t.f64), fld("c", t.u8)),
    I(N).map((i) => ({ a: r.int(-1e9, 1e9), b: randFloat(r, false), c: i % 256 })), PFZ),
  c("pz_vec", struct(fld("id", t.i64), fld("v", fsl(4, t.f32))),
    I(N).map((i) => ({ id: BigInt(i) * 7n, v: [r.f(), r.f(), r.f(), r.f()].map(Math.fround) })), PFZ),
];
const pfzVariable = (r) => [
  c("id", t.i32, I(N)),
  c("pz_var", struct(fld("k", t.i64), fld("name", t.utf8), fld("f", t.f32)),
    I(N).map((i) => ({ k: BigInt(i) - 5n, name: i % 11 === 0 ? r.pick(uniStrings) : r.ascii(r.int(0, 30)), f: Math.fround(i / 3) })), PFZ),
  c("pz_long", struct(fld("k", t.i32), fld("text", t.utf8)),
    I(N).map((i) => ({ k: i, text: longStr(r, 0, 600) })), PFZ),
];
const pfzNullable = (r) => [c("pz_null", struct(fld("k", t.i64), fld("name", t.utf8)),
  I(N).map((i) => (i % 7 === 0 ? null : { k: BigInt(i), name: r.ascii(r.int(0, 9)) })), PFZ)];
const packedFullzipDatasets = [ // seeds of their own: the other lists' seeds do not move
  { name: "v21_packed_fullzip_fixed", version: "2.1", fn: pfzFixed, seed: 9001, refuses: /fixed-width-only structs/ },
  { name: "v22_packed_fullzip_fixed", version: "2.2", fn: pfzFixed, seed: 9002, refuses: /fixed-width-only structs/ },
  { name: "v23_packed_fullzip_fixed", version: "2.3", fn: pfzFixed, seed: 9003 },
  { name: "v21_packed_fullzip_var", version: "2.1", fn: pfzVariable, seed: 9004, refuses: /not enabled by the selected file format/ },
  { name: "v22_packed_fullzip_var", version: "2.2", fn: pfzVariable, seed: 9005 },
  { name: "v23_packed_fullzip_var", version: "2.3", fn: pfzVariable, seed: 9006 },
  { name: "v22_packed_fullzip_null", version: "2.2", fn: pfzNullable, seed: 9007, refuses: /not yet supported for block type Nullable/ },
];

// ---------- legacy (v1) files: storage "legacy", footer 0.2 ----------
// Legacy files keep no validity for numbers, booleans, lists, structs and fixed-size lists
// (LanceDB reads a null there as the bytes under it: 0, false, [], a struct of its
// children) and read an empty string as null; the expected rows are what LanceDB reads.
// LanceDB writes them in batches of at most 1024 rows (one page per field and batch).
// Legacy blob columns are left out: LanceDB 0.39 cannot read them back (it panics).
function themeLegacyTypes(r) {
  const dec = (p, s) => new A.Decimal(s, p, 128);
  const big = (k) => r.bits(k) - (1n << BigInt(k - 1));
  const words = ["red", "green", "", "blue"];
  const lst = struct(fld("a", t.i32), fld("s", t.utf8), fld("v", fsl(2, t.f32)));
  return [
    c("nul", new A.Null(), I(N).map(() => null)),
    c("dec", dec(38, 4), col(N, [0n, 1n, -1n, 10n ** 38n - 1n, -(10n ** 38n) + 1n, 123456789n], () => big(100), 13)),
    c("dec_s0", dec(9, 0), col(N, [999999999n, -999999999n], () => BigInt(r.int(-1e9 + 1, 1e9 - 1)), 7)),
    c("d64", new A.DateMillisecond(), col(N, [0n, -1n, 86400000n, -62135596800000n, 253402214400000n], () => BigInt(r.int(-719162, 2932896)) * 86400000n + BigInt(r.int(0, 86399999)), 11)),
    c("t32s", new A.TimeSecond(), col(N, [0, 86399], () => r.int(0, 86399), 5)),
    c("t32ms", new A.TimeMillisecond(), col(N, [0, 86399999], () => r.int(0, 86399999), 6)),
    c("t64us", new A.TimeMicrosecond(), col(N, [0n, 86399999999n], () => BigInt(r.int(0, 86399999)) * 1000n, 7)),
    c("t64ns", new A.TimeNanosecond(), col(N, [0n, 86399999999999n], () => BigInt(r.int(0, 86399999)) * 1000000n + 7n, 8)),
    c("dur_ms", new A.Duration(A.TimeUnit.MILLISECOND), col(N, [0n, -1n, 9223372036854775807n], () => big(50), 9)),
    c("dur_ns", new A.Duration(A.TimeUnit.NANOSECOND), col(N, [-9223372036854775808n], () => big(64), 10)),
    c("fsl_bool", fsl(3, t.bool), col(N, [[true, false, true]], () => [r.f() < 0.5, r.f() < 0.5, r.f() < 0.5], 12)),
    c("fsl_i16", fsl(5, t.i16), col(N, [[-32768, 32767, 0, -1, 1]], () => I(5).map(() => r.int(-32768, 32767)), 14)),
    c("fsl_f64", fsl(2, t.f64), col(N, [[NaN, -0]], () => [randFloat(r, false), randFloat(r, false)], 15)),
    c("dict_i64v", new A.Dictionary(t.i64, t.u8), col(N, [], () => r.pick([5n, -7n, 9007199254740993n]), 16)),
    c("dict_u16k", new A.Dictionary(t.lutf8, t.u16), I(N).map((i) => words[i % 4])),
    c("l_struct", list(lst), I(N).map((i) => (i % 19 === 0 ? null : I(r.int(0, 3)).map((j) => ((i + j) % 7 === 0 ? null
      : { a: r.int(-100, 100), s: j === 1 ? "" : r.ascii(r.int(0, 8)), v: (i + j) % 5 === 0 ? null : [Math.fround(r.f()), j] }))))),
    c("l_l_str", list(list(t.utf8)), I(N).map((i) => (i % 17 === 0 ? null : I(r.int(0, 3)).map((j) => ((i + j) % 6 === 0 ? null
      : I(r.int(0, 3)).map(() => r.pick(uniStrings))))))),
    c("st_deep", struct(fld("x", struct(fld("y", struct(fld("z", t.i64), fld("w", list(t.bool))))))),
      I(N).map((i) => (i % 23 === 0 ? null : { x: i % 11 === 0 ? null : { y: { z: BigInt(i) * -3n, w: i % 3 ? [true, i % 2 === 0] : null } } }))),
  ];
}

// One data file per dataset, like the other storage versions: the themes shared with
// them plus the legacy-only types above; seeds of their own (independent of the list
// order), names "legacy_*".
function legacyDatasets(themes) {
  return Object.entries({ ...themes, types: themeLegacyTypes })
    .map(([name, fn], k) => ({ name: `legacy_${name}`, version: "legacy", fn, seed: 9001 + k }));
}

// ---------- compressive encodings of 2.2 / 2.3 ----------
// Each column forces one combination of the encodings a 2.3 (and, where it has them, a 2.2)
// writer picks for run lengths, run values, dictionaries and rep/def levels, with nulls,
// nested structs, lists and runs. `want` lists, per storage version, encodings (as
// inspect.mjs prints them; # stands for any number) that must appear among the column's
// leaf pages: gen.mjs checks them after writing, so a combination the writer stops
// producing fails the run instead of silently going untested.
const cw = (name, type, values, meta, want) => ({ name, type, values, meta, want });
const ND = { "dict-divisor": "100000" }; // no dictionary: the values themselves are encoded
const DICT = { "dict-divisor": "1", "dict-size-ratio": "1.0" };
function runsOf(r, n, lo, hi, val) { // runs of lo..hi equal values
  let left = 0, v;
  return I(n).map(() => { if (left-- <= 0) { left = r.int(lo, hi) - 1; v = val(); } return v; });
}
// mostly runs of 1..3, one in ten of 40..60: many runs per chunk (so that bitpacking a
// chunk's run values pays: Lance packs a tail of < 1024 entries only when that is smaller),
// run lengths too wide to pack
function mixedRuns(r, n, val) {
  let left = 0, v;
  return I(n).map(() => { if (left-- <= 0) { left = (r.f() < 0.1 ? r.int(40, 60) : r.int(1, 3)) - 1; v = val(); } return v; });
}
const wide64 = (r) => BigInt.asIntN(64, (BigInt(r.u32()) << 32n) | BigInt(r.u32()));
const RLE8 = "rle(flat(#),flat(8))";

const encThemes = {
  // run values and run lengths: Flat, bitpacked (out of line, per chunk) or zstd/lz4, u8/u16 lengths
  enc_rle: (r) => {
    const nulls = runsOf(r, N, 1, 30, () => r.f() < 0.3);
    const w3 = [0x7123456789abcdefn, -0x5a5a5a5a5a5a5a5an, 0x1234000000000001n];
    let k = 0;
    return [
      cw("neg_runs", t.i32, runsOf(r, N, 1, 40, () => r.int(-5, 5)).map((v, i) => (nulls[i] ? null : v)), M(ND),
        { "2.2": ["rle(flat(32),flat(8))", "def=rle(flat(16),flat(8))"], "2.3": ["rle(flat(32),flat(8))", "def=rle(flat(16),flat(8))"] }),
      cw("long_runs", t.i32, runsOf(r, N, 300, 2000, () => r.int(-1e9, 1e9)), M(ND),
        { "2.2": ["rle(flat(32),flat(8))"], "2.3": ["rle(flat(32),flat(16))"] }),
      cw("packed_values", t.i32, runsOf(r, N, 1, 40, () => r.int(0, 500)).map((v, i) => (i % 10 < 3 ? null : v)), M(ND),
        { "2.2": ["rle(flat(32),flat(8))"], "2.3": ["rle(bitpack_ool(32,flat(#)),flat(8))"] }),
      cw("packed_u8", t.u8, mixedRuns(r, N, () => r.int(0, 3)), M(ND),
        { "2.2": ["rle(flat(8),flat(8))"], "2.3": ["rle(bitpack_ool(8,flat(#)),flat(8))"] }),
      cw("packed_u16", t.u16, mixedRuns(r, N, () => r.int(0, 60)), M(ND),
        { "2.2": ["rle(flat(16),flat(8))"], "2.3": ["rle(bitpack_ool(16,flat(#)),flat(8))"] }),
      cw("packed_i64", t.i64, mixedRuns(r, N, () => BigInt(r.int(0, 1000))), M(ND),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(bitpack_ool(64,flat(#)),flat(8))"] }),
      cw("packed_lengths", t.i64, runsOf(r, N, 1, 3, () => wide64(r)), M(ND),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(flat(64),bitpack_ool(8,flat(#)))"] }),
      cw("f64_runs", t.f64, runsOf(r, N, 1, 30, () => r.int(-100, 100) / 8), M({ bss: "off", ...ND }),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(flat(64),flat(8))"] }),
      cw("zstd_both", t.i32, runsOf(r, N, 1, 40, () => r.int(-5, 5) * 1000).map((v, i) => (nulls[i] ? null : v)),
        M({ compression: "zstd", bss: "off", ...ND }),
        { "2.2": ["rle(flat(32),flat(8))"], "2.3": ["rle(general(zstd,flat(32)),general(zstd,flat(8)))"] }),
      cw("lz4_values", t.i32, runsOf(r, N, 1, 40, () => r.int(0, 1) * 1000000), M({ compression: "lz4", bss: "off", ...ND }),
        { "2.2": ["rle(flat(32),flat(8))"], "2.3": ["rle(general(lz4,flat(32)),flat(8))"] }),
      cw("zstd_wide", t.i64, runsOf(r, N, 1, 7, () => r.pick(w3)), M({ compression: "zstd", bss: "off", ...ND }),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(general(zstd,flat(64)),general(zstd,flat(8)))"] }),
      cw("lz4_values_packed_lengths", t.i64, runsOf(r, N, 1, 3, () => w3[k++ % 3]), M({ compression: "lz4", bss: "off", ...ND }),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(general(lz4,flat(64)),bitpack_ool(8,flat(#)))"] }),
      cw("packed_values_zstd_lengths", t.i32, runsOf(r, N, 3, 3, () => r.int(0, 4095)), M({ compression: "zstd", bss: "off", ...ND }),
        { "2.2": ["general(zstd,bitpack_inline(32))"], "2.3": ["rle(bitpack_ool(32,flat(#)),general(zstd,flat(8)))"] }),
      cw("flat_values_zstd_lengths", t.i64, runsOf(r, N, 5, 5, () => wide64(r)), M({ compression: "zstd", bss: "off", ...ND }),
        { "2.2": ["rle(flat(64),flat(8))"], "2.3": ["rle(flat(64),general(zstd,flat(8)))"] }),
    ];
  },
  // the same under nested structs and lists, the writer's defaults (no metadata)
  enc_nested: (r) => {
    const small = runsOf(r, N, 1, 40, () => r.int(-5, 5));
    const st = struct(fld("a", struct(fld("x", t.i32), fld("y", t.i64))), fld("b", t.i32));
    return [
      cw("st", st, I(N).map((i) => (i % 13 === 1 ? null : {
        a: i % 11 === 2 ? null : { x: i % 7 === 3 ? null : small[i], y: BigInt(small[(i * 7) % N]) << 33n },
        b: small[(i * 3) % N],
      })), undefined, { "2.2": ["def=bitpack_ool(16,flat(#)) val=rle(flat(32),flat(8))"],
        "2.3": ["rle(flat(32),bitpack_ool(8,flat(#)))", "def=bitpack_ool(16,flat(#))"] }),
      cw("l", list(t.i32), I(N).map((i) => (i % 17 === 3 ? null : i % 19 === 4 ? []
        : I(r.int(1, 6)).map((k) => (k === 2 && i % 5 === 0 ? null : small[(i + k) % N])))), undefined,
      { "2.2": ["rep=bitpack_ool(16,flat(1)) def=bitpack_ool(16,flat(#)) val=rle(flat(32),flat(8))"],
        "2.3": ["rep=bitpack_ool(16,flat(1)) def=bitpack_ool(16,flat(#)) val=rle("] }),
      cw("ls", list(struct(fld("x", t.i32), fld("y", t.u8))), I(N).map((i) => (i % 23 === 3 ? null
        : I(r.int(0, 4)).map((k) => (k === 1 && i % 4 === 0 ? null : { x: small[(i + k) % N], y: (i >> 6) & 255 })))), undefined,
      { "2.2": ["rle(flat(8),flat(8))"], "2.3": ["rle(flat(8),flat(8))"] }),
    ];
  },
  // dictionaries: items Flat / Variable, zstd or lz4 (dict-values-compression), bitpacked;
  // indices bitpacked or RLE (with bitpacked run values in 2.3)
  enc_dict: (r) => {
    const words = I(40).map((k) => `w${k}-${"x".repeat(k % 7)}`);
    const sr = runsOf(r, N, 1, 20, () => r.pick(words));
    const D = (o) => M({ ...DICT, ...o });
    return [
      cw("s_default", t.utf8, I(N).map(() => r.pick(words.slice(0, 8))), undefined,
        { "2.2": ["val=bitpack_inline(32) dict=general(lz4,variable(flat(32)))"], "2.3": ["val=bitpack_inline(32) dict=general(lz4,variable(flat(32)))"] }),
      cw("s_runs", t.utf8, sr.map((x, i) => (i % 9 === 0 ? null : x)), undefined,
        { "2.2": ["dict=general(lz4,variable(flat(32)))"], "2.3": ["val=rle(bitpack_ool(32,flat(#)),flat(8)) dict=general(lz4,variable(flat(32)))"] }),
      cw("s_items_none", t.utf8, sr, D({ "dict-values-compression": "none" }),
        { "2.2": ["val=rle(flat(32),flat(8)) dict=variable(flat(32))"], "2.3": ["val=rle(bitpack_ool(32,flat(#)),flat(8)) dict=variable(flat(32))"] }),
      cw("s_items_zstd", t.utf8, sr, D({ "dict-values-compression": "zstd" }),
        { "2.2": ["dict=general(zstd,variable(flat(32)))"], "2.3": ["dict=general(zstd,variable(flat(32)))"] }),
      cw("i64_items_lz4", t.i64, I(N).map(() => BigInt(r.int(0, 99)) * 123456789n), D({}),
        { "2.2": ["dict=general(lz4,flat(64))"], "2.3": ["dict=general(lz4,flat(64))"] }),
      cw("i64_items_none", t.i64, runsOf(r, N, 1, 30, () => BigInt(r.int(0, 99)) * 123456789n), D({ "dict-values-compression": "none" }),
        { "2.2": ["val=rle(flat(32),flat(8)) dict=flat(64)"], "2.3": ["val=rle(flat(32),flat(8)) dict=flat(64)"] }),
      cw("f64_items_zstd", t.f64, I(N).map((i) => (i % 31 === 0 ? null : r.int(0, 50) / 3)), D({ "dict-values-compression": "zstd" }),
        { "2.2": ["dict=general(zstd,flat(64))"], "2.3": ["dict=general(zstd,flat(64))"] }),
      cw("idx_packed_lengths", t.i64, runsOf(r, N, 1, 7, () => BigInt(r.int(0, 3)) * 1000000007n), D({ compression: "zstd", bss: "off" }),
        { "2.2": ["dict="], "2.3": ["val=rle(bitpack_ool(32,flat(#)),general(zstd,flat(8)))"] }),
      cw("l_dict", listOf(t.utf8, D({})), I(N).map((i) => (i % 11 === 0 ? null : I(r.int(0, 3)).map(() => r.pick(words))))),
    ];
  },
  // rep/def levels: out-of-line bitpacked, RLE (u8 / u16 run lengths)
  enc_levels: (r) => {
    const nullruns = runsOf(r, N, 1, 200, () => r.f() < 0.5);
    return [
      cw("null_runs", list(t.i32), I(N).map((i) => (nullruns[i] ? null : [i, i + 1])), undefined,
        { "2.2": ["def=rle(flat(16),flat(8))"], "2.3": ["def=rle(flat(16),flat(16))"] }),
      cw("random_nulls", list(t.i64), I(N).map(() => (r.f() < 0.2 ? null : r.f() < 0.2 ? []
        : I(r.int(1, 3)).map(() => (r.f() < 0.1 ? null : BigInt(r.u32()))))), undefined,
      { "2.2": ["rep=bitpack_ool(16,flat(1)) def=bitpack_ool(16,flat(#))"], "2.3": ["rep=bitpack_ool(16,flat(1)) def=bitpack_ool(16,flat(#))"] }),
      cw("deep", struct(fld("a", struct(fld("b", struct(fld("x", t.i32)))))), I(N).map((i) => (i % 7 === 1 ? null
        : { a: i % 5 === 2 ? null : { b: i % 3 === 0 ? null : { x: i % 11 === 4 ? null : i } } })), undefined,
      { "2.2": ["def=bitpack_ool(16,flat(#))"], "2.3": ["def=bitpack_ool(16,flat(#))"] }),
    ];
  },
};

// a few rows: levels too small to bitpack are stored Flat; a page of <= 1024 levels packs inline
function levelCols(n, small) {
  const lv = (i) => (i % 3 === 0 ? null : i % 4 === 0 ? [] : [i, null, i]);
  const deep = (i) => (i % 7 === 1 ? null : { a: i % 5 === 2 ? null : { x: i % 3 === 0 ? null : i } });
  const [rep, def] = small ? ["rep=bitpack_inline(16)", "def=flat(16)"] : ["rep=bitpack_inline(16)", "def=bitpack_inline(16)"];
  const want = (w) => ({ "2.2": w, "2.3": w });
  return [
    cw("l", list(t.i32), I(n).map(lv), undefined, want([`${rep} ${def}`])),
    cw("l_zstd", listOf(t.i32, M({ compression: "zstd" })), I(n).map(lv), undefined, want([`${rep} ${def}`])),
    cw("st", struct(fld("a", struct(fld("x", t.i32)))), I(n).map(deep), undefined, want([def])),
  ];
}
encThemes.enc_levels_small = () => levelCols(40, true);
encThemes.enc_levels_mid = () => levelCols(500, false);
// all-null columns with list / struct levels: a constant page whose levels are RLE over the
// whole page, u32 run lengths in 2.3 for runs longer than 65535
encThemes.enc_levels_allnull = () => {
  const n = 70000;
  return [
    cw("l", list(t.i32), I(n).map((i) => (i < 66000 ? [null] : i % 5 === 0 ? null : i % 7 === 0 ? [] : [null, null])), undefined,
      { "2.2": ["constant(null rep=rle(flat(16),flat(8)) def=rle(flat(16),flat(8)))"], "2.3": ["constant(null rep=rle(flat(16),flat(32)) def=rle(flat(16),flat(32)))"] }),
    cw("st", struct(fld("a", struct(fld("x", t.i32)))), I(n).map((i) => (i < 66000 ? { a: null } : i % 5 === 0 ? null : { a: { x: null } })), undefined,
      { "2.2": ["constant(null def=rle(flat(16),flat(8)))"], "2.3": ["constant(null def=rle(flat(16),flat(8)))"] }),
  ];
};
// 2.3 only: the sparse layout's value chunks take the same encodings
const encSparse = (r) => [
  cw("runs", t.i32, runsOf(r, N, 1, 40, () => r.int(0, 300)).map((v, i) => (i % 50 === 7 ? v : null)), M({ "structural-encoding": "sparse", ...ND }),
    { "2.3": ["sparse(val="] }),
  cw("rle", t.i32, I(N).map((i) => (i % 50 === 7 ? Math.floor(i / 400) : null)), M({ "structural-encoding": "sparse", ...ND }),
    { "2.3": ["sparse(val=rle(bitpack_ool(32,flat(#)),flat(8)))"] }),
];

// ---------- dataset list ----------
export function datasetList() {
  const list = [];
  const versions = [["v20", "2.0"], ["v21", "2.1"], ["v22", "2.2"], ["v23", "2.3"]];
  const themes = { ints: themeInts, bitwidths: themeBitwidths, floats: themeFloats, strings: themeStrings,
    strings_long: themeStringsLong, binary: themeBinary, temporal: themeTemporal, vectors: themeVectors,
    lists: themeLists, structs: themeStructs, dict: themeDict, const_null: themeConstNull, pages: themePages };
  let seed = 1;
  for (const [p, v] of versions) {
    for (const [name, fn] of Object.entries(themes)) list.push({ name: `${p}_${name}`, version: v, fn, seed: seed++ });
    if (v === "2.0" || v === "2.1") list.push({ name: `${p}_blobs`, version: v, fn: themeBlobsLegacy, seed: seed++ });
    else list.push({ name: `${p}_blobs_v2`, version: v, fn: themeBlobsV2, seed: seed++ });
  }
  for (const [p, v] of [["v21", "2.1"], ["v22", "2.2"]]) {
    for (const [name, fn] of Object.entries(forcedThemes)) list.push({ name: `${p}_${name}`, version: v, fn, seed: seed++ });
  }
  for (const [p, v] of [["v22", "2.2"], ["v23", "2.3"]]) {
    for (const [name, fn] of Object.entries(encThemes)) list.push({ name: `${p}_${name}`, version: v, fn, seed: seed++ });
  }
  list.push({ name: "v23_enc_sparse", version: "2.3", fn: encSparse, seed: seed++ });
  // the forced encodings of 2.1/2.2 asked of a 2.3 writer (after the rest: seeds unchanged)
  for (const [name, fn] of Object.entries(forcedThemes)) list.push({ name: `v23_${name}`, version: "2.3", fn, seed: seed++ });
  for (const [p, v] of versions) list.push({ name: `${p}_vectors_null_items`, version: v, fn: themeVectorsNullItems, seed: seed++ });
  list.push(...packedFullzipDatasets);
  list.push(...legacyDatasets(themes));
  return list;
}

// leaf columns of a field in a 2.1+ file (one per leaf, in schema order)
function leafCount(type) {
  if (type.typeId === A.Type.Struct) return type.children.reduce((s, f) => s + leafCount(f.type), 0);
  if (type.typeId === A.Type.List || type.typeId === A.Type.LargeList) return leafCount(type.children[0].type);
  return 1;
}

// the `want` encodings of the columns (see encThemes) that the data file lacks
function missingEncodings(file, cols, version) {
  if (!cols.some((c) => c.want?.[version])) return [];
  const pages = inspect(file).cols;
  const problems = [];
  let at = 0;
  for (const c of cols) {
    const n = leafCount(c.type);
    const got = pages.slice(at, at + n).flatMap((p) => p.map((x) => x.enc));
    for (const w of c.want?.[version] ?? []) {
      const re = new RegExp(w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/#/g, "\\d+"));
      if (!got.some((e) => re.test(e))) problems.push(`column ${c.name}: no page encoded ${w} (got ${[...new Set(got)].join(" | ")})`);
    }
    at += n;
  }
  if (at !== pages.length) problems.push(`${pages.length} columns in the file, the schema has ${at} leaves`);
  return problems;
}

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node gen.mjs OUTDIR [filter-regex]"); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
  const dbdir = join(out, "db");
  mkdirSync(dbdir, { recursive: true });
  const db = await lancedb.connect(dbdir);
  const todo = datasetList().filter((d) => !filter || filter.test(d.name));
  let failed = 0, refused = 0;
  const t0 = Date.now();
  for (const d of todo) {
    const cols = d.fn(rngFrom(d.seed * 7919), d.version);
    const buf = toIPC(cols, 8192);
    const path = join(dbdir, `${d.name}.lance`);
    rmSync(path, { recursive: true, force: true });
    try {
      await db.inner.createTable(d.name, buf, "create", [], { new_table_data_storage_version: d.version });
    } catch (e) {
      rmSync(path, { recursive: true, force: true });
      if (d.refuses && d.refuses.test(e.message)) { refused++; continue; } // as expected
      console.error(`gen: ${d.name}: LanceDB refused to write it: ${e.message}`);
      failed++;
      continue;
    }
    if (d.refuses) {
      console.error(`gen: ${d.name}: LanceDB was expected to refuse it (${d.refuses}) but wrote it`);
      failed++;
      continue;
    }
    const files = readdirSync(join(path, "data")).filter((f) => f.endsWith(".lance"));
    if (files.length !== 1) {
      console.error(`gen: ${d.name}: expected one data file, found ${files.length}`);
      failed++;
      continue;
    }
    const missing = missingEncodings(join(path, "data", files[0]), cols, d.version);
    if (missing.length) {
      for (const m of missing) console.error(`gen: ${d.name}: ${m}`);
      failed++;
    }
    writeFileSync(join(out, `${d.name}.file`), join(path, "data", files[0]) + "\n");
    writeFileSync(join(out, `${d.name}.version`), d.version + "\n");
  }
  console.log(`gen: ${todo.length - failed - refused} datasets written in ${((Date.now() - t0) / 1000).toFixed(1)}s` +
    `${refused ? `, ${refused} refused by LanceDB as expected` : ""}${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
