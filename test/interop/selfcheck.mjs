// node selfcheck.mjs — asserts the expected-JSON formatter (fmt.mjs) on edge values,
// and the row-subset / line-splitting helpers of compare.mjs. Exits 1 on a failure.
import * as A from "apache-arrow";
import { fmtDate32, fmtF32, fmtF64, fmtHex, fmtInt, fmtStr, fmtTimestamp, fmtValue, halfToNumber, shortestF32 } from "./fmt.mjs";
import { splitTop, subsetRows } from "./compare.mjs";
import { mk } from "./arrowbuild.mjs";

let fails = 0, checks = 0;
function eq(got, want, what) {
  checks++;
  if (got !== want) { fails++; console.error(`selfcheck FAIL ${what}: got ${got}, want ${want}`); }
}

// integers
eq(fmtInt(0), "0", "int 0");
eq(fmtInt(-128), "-128", "int8 min");
eq(fmtInt(9007199254740991n), "9007199254740991", "2^53-1");
eq(fmtInt(-9007199254740991n), "-9007199254740991", "-(2^53-1)");
eq(fmtInt(9007199254740992n), '"9007199254740992"', "2^53");
eq(fmtInt(-9007199254740992n), '"-9007199254740992"', "-2^53");
eq(fmtInt(18446744073709551615n), '"18446744073709551615"', "u64 max");
eq(fmtInt(-9223372036854775808n), '"-9223372036854775808"', "i64 min");
eq(fmtInt(4294967295), "4294967295", "u32 max");

// float64: Number.prototype.toString
eq(fmtF64(0), "0", "f64 0");
eq(fmtF64(-0), "-0.0", "f64 -0");
eq(fmtF64(NaN), '"NaN"', "f64 NaN");
eq(fmtF64(Infinity), '"Infinity"', "f64 inf");
eq(fmtF64(-Infinity), '"-Infinity"', "f64 -inf");
eq(fmtF64(1e21), "1e+21", "f64 1e21");
eq(fmtF64(1e20), "100000000000000000000", "f64 1e20");
eq(fmtF64(1e-7), "1e-7", "f64 1e-7");
eq(fmtF64(1.5e-7), "1.5e-7", "f64 1.5e-7");
eq(fmtF64(0.000001), "0.000001", "f64 1e-6");
eq(fmtF64(0.1 + 0.2), "0.30000000000000004", "f64 0.1+0.2");
eq(fmtF64(5e-324), "5e-324", "f64 min denormal");
eq(fmtF64(1.7976931348623157e308), "1.7976931348623157e+308", "f64 max");
eq(fmtF64(-2.5), "-2.5", "f64 -2.5");
eq(fmtF64(123456789012345680000), "123456789012345680000", "f64 big");

// float32: fewest digits that round-trip through double -> float32
eq(fmtF32(Math.fround(0.1)), "0.1", "f32 0.1");
eq(fmtF32(Math.fround(1 / 3)), "0.33333334", "f32 1/3");
eq(fmtF32(Math.fround(-0)), "-0.0", "f32 -0");
eq(fmtF32(0), "0", "f32 0");
eq(fmtF32(NaN), '"NaN"', "f32 NaN");
eq(fmtF32(Math.fround(Infinity)), '"Infinity"', "f32 inf");
eq(fmtF32(Math.fround(1e-45)), "1e-45", "f32 min denormal");
eq(fmtF32(-1.401298464324817e-45), "-1e-45", "f32 -min denormal");
eq(fmtF32(Math.fround(3.4028234663852886e38)), "3.4028235e+38", "f32 max");
eq(fmtF32(Math.fround(1.1754943508222875e-38)), "1.1754944e-38", "f32 min normal");
eq(fmtF32(16777216), "16777216", "f32 2^24");
eq(fmtF32(Math.fround(16777217)), "16777216", "f32 2^24+1 rounds");
eq(fmtF32(Math.fround(1e21)), "1e+21", "f32 1e21");
eq(fmtF32(Math.fround(1e-7)), "1e-7", "f32 1e-7");
eq(fmtF32(Math.fround(123456789)), "123456790", "f32 123456789");
eq(fmtF32(Math.fround(0.3)), "0.3", "f32 0.3");
eq(fmtF32(Math.fround(100)), "100", "f32 100");
eq(fmtF32(Math.fround(2 ** -149 * 3)), "4e-45", "f32 3 denormal ulps");
eq(fmtF32(2 ** 127), "1.7014118e+38", "f32 2^127");
eq(fmtF32(2 ** -126), "1.1754944e-38", "f32 2^-126");
eq(fmtF32(2 ** 90), "1.2379401e+27", "f32 2^90");

// shortestF32 against a plain search: every p from 1, candidates m-1, m, m+1 around the
// nearest p-digit decimal, nearest wins, exact ties (checked with BigInt) to the even digit
function reference(x) {
  const a = Math.abs(x);
  const exact = (c, e) => { // c*10^e - a as an exact fraction numerator over a common scale
    const [M, E] = (() => { const f = new Float32Array([a]); const u = new Uint32Array(f.buffer)[0]; const ef = u >>> 23, mf = u & 0x7fffff; return [BigInt(ef ? mf | 0x800000 : mf), ef ? ef - 150 : -149]; })();
    const S = 2000n;
    const scale = 10n ** S * 2n ** S;
    const v = c * 10n ** (BigInt(e) + S) * 2n ** S - M * 2n ** (BigInt(E) + S) * 10n ** S;
    void scale;
    return v < 0n ? -v : v;
  };
  for (let p = 1; p <= 9; p++) {
    const [mant, es] = a.toExponential(p - 1).split("e");
    const m = BigInt(mant.replace(".", "")), e = Number(es) - (p - 1);
    let best = null, bd = null;
    for (const c of [m - 1n, m, m + 1n]) {
      if (c <= 0n || Math.fround(Number(`${c}e${e}`)) !== a) continue;
      const d = exact(c, e);
      if (bd === null || d < bd || (d === bd && c % 2n === 0n)) { best = Number(`${c}e${e}`); bd = d; }
    }
    if (best !== null) return x < 0 ? -best : best;
  }
  throw new Error("no repr");
}
eq(shortestF32(265811.125), 265811.12, "f32 exact tie to even (down)");
eq(shortestF32(-176909.375), -176909.38, "f32 exact tie to even (up)");
eq(shortestF32(1879838.25), 1879838.2, "f32 exact tie 1879838.25");
{
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  let s = 12345;
  for (let k = 0; k < 20000; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    u[0] = k < 256 ? (k << 23) : s; // all powers of two first, then random bit patterns
    const x = f[0];
    if (!Number.isFinite(x) || x === 0) continue;
    checks++;
    if (shortestF32(x) !== reference(x)) { fails++; if (fails < 10) console.error(`selfcheck FAIL shortestF32(${x}) = ${shortestF32(x)}, reference ${reference(x)}`); }
  }
}

// float16 (printed through the float32 rule)
eq(fmtF32(halfToNumber(0x3c00)), "1", "f16 1");
eq(fmtF32(halfToNumber(0x8000)), "-0.0", "f16 -0");
eq(fmtF32(halfToNumber(0x7c00)), '"Infinity"', "f16 inf");
eq(fmtF32(halfToNumber(0xfc00)), '"-Infinity"', "f16 -inf");
eq(fmtF32(halfToNumber(0x7e00)), '"NaN"', "f16 NaN");
eq(fmtF32(halfToNumber(0x0001)), "5.9604645e-8", "f16 min denormal");
eq(fmtF32(halfToNumber(0x7bff)), "65504", "f16 max");
eq(fmtF32(halfToNumber(0x3555)), "0.33325195", "f16 ~1/3");
eq(fmtF32(halfToNumber(0x2e66)), "0.099975586", "f16 ~0.1");

// strings and binary
eq(fmtStr('a"b\\c'), '"a\\"b\\\\c"', "str quote/backslash");
eq(fmtStr("\b\f\n\r\t"), '"\\b\\f\\n\\r\\t"', "str short escapes");
eq(fmtStr("\u0000\u0001\u001f\u007f"), '"\\u0000\\u0001\\u001f\u007f"', "str control bytes");
eq(fmtStr("é中😀\u2028/"), '"é中😀\u2028/"', "str unicode unchanged");
eq(fmtStr(""), '""', "str empty");
eq(fmtHex(Uint8Array.from([0, 15, 16, 255])), '"000f10ff"', "hex");
eq(fmtHex(new Uint8Array(0)), '""', "hex empty");

// dates and timestamps
eq(fmtDate32(0), '"1970-01-01"', "date 0");
eq(fmtDate32(-1), '"1969-12-31"', "date -1");
eq(fmtDate32(-719162), '"0001-01-01"', "date 0001-01-01");
eq(fmtDate32(2932896), '"9999-12-31"', "date 9999-12-31");
eq(fmtDate32(11016), '"2000-02-29"', "date leap day");
eq(fmtDate32(-25567), '"1900-01-01"', "date 1900");
const U = A.TimeUnit;
eq(fmtTimestamp(0n, U.SECOND), '"1970-01-01T00:00:00Z"', "ts s 0");
eq(fmtTimestamp(-1n, U.SECOND), '"1969-12-31T23:59:59Z"', "ts s -1");
eq(fmtTimestamp(-1n, U.MILLISECOND), '"1969-12-31T23:59:59.999Z"', "ts ms -1");
eq(fmtTimestamp(999n, U.MILLISECOND), '"1970-01-01T00:00:00.999Z"', "ts ms 999");
eq(fmtTimestamp(1n, U.MICROSECOND), '"1970-01-01T00:00:00.000001Z"', "ts us 1");
eq(fmtTimestamp(-1n, U.NANOSECOND), '"1969-12-31T23:59:59.999999999Z"', "ts ns -1");
eq(fmtTimestamp(1234567890123456789n, U.NANOSECOND), '"2009-02-13T23:31:30.123456789Z"', "ts ns big");
eq(fmtTimestamp(-9223372036854775808n, U.NANOSECOND), '"1677-09-21T00:12:43.145224192Z"', "ts ns min");
eq(fmtTimestamp(9223372036854775807n, U.NANOSECOND), '"2262-04-11T23:47:16.854775807Z"', "ts ns max");
eq(fmtTimestamp(253402300799n, U.SECOND), '"9999-12-31T23:59:59Z"', "ts s max");
eq(fmtTimestamp(-62135596800000000n, U.MICROSECOND), '"0001-01-01T00:00:00.000000Z"', "ts us 0001");
eq(fmtTimestamp(951782400n, U.SECOND), '"2000-02-29T00:00:00Z"', "ts leap day");

// nested values through Arrow data
{
  const st = new A.Struct([new A.Field("a", new A.Int32()), new A.Field("b", new A.List(new A.Field("item", new A.Int64())))]);
  const d = mk(st, [{ a: 1, b: [1n, null, 9007199254740993n] }, null, { a: null, b: [] }, { a: 2, b: null }]);
  eq(fmtValue(d, 0), '{"a":1,"b":[1,null,"9007199254740993"]}', "struct/list 0");
  eq(fmtValue(d, 1), "null", "struct null");
  eq(fmtValue(d, 2), '{"a":null,"b":[]}', "struct/list 2");
  eq(fmtValue(d, 3), '{"a":2,"b":null}', "struct/list 3");
  const dict = mk(new A.Dictionary(new A.Utf8(), new A.Int8()), ["x", null, "y", "x"]);
  eq([0, 1, 2, 3].map((i) => fmtValue(dict, i)).join(","), '"x",null,"y","x"', "dictionary");
  const fs = mk(new A.FixedSizeList(2, new A.Field("item", new A.Float32())), [[0.1, -0], null]);
  eq(fmtValue(fs, 0), "[0.1,-0.0]", "fsl");
  eq(fmtValue(fs, 1), "null", "fsl null");
  const h = mk(new A.Float16(), [0x3c00, null, 0x7e00]);
  eq([0, 1, 2].map((i) => fmtValue(h, i)).join(","), '1,null,"NaN"', "f16 data");
  const ts = mk(new A.Timestamp(U.NANOSECOND, "UTC"), [1n, null]);
  eq(fmtValue(ts, 0), '"1970-01-01T00:00:00.000000001Z"', "ts data");
  const lb = mk(new A.LargeBinary(), [Uint8Array.from([1, 2]), null]);
  eq(fmtValue(lb, 0) + fmtValue(lb, 1), '"0102"null', "large binary");
  const bo = mk(new A.Bool(), [true, false, null]);
  eq([0, 1, 2].map((i) => fmtValue(bo, i)).join(","), "true,false,null", "bool");
  const all = (d, n) => Array.from({ length: n }, (_, i) => fmtValue(d, i)).join(",");
  const dec = mk(new A.Decimal(3, 38, 128), [0n, -12340n, 5n, null, 10n ** 38n - 1n, -(10n ** 38n) + 1n]);
  eq(all(dec, 6), '"0.000","-12.340","0.005",null,"99999999999999999999999999999999999.999","-99999999999999999999999999999999999.999"', "decimal128");
  eq(all(mk(new A.Decimal(0, 9, 128), [-7n, 0n]), 2), '"-7","0"', "decimal128 scale 0");
  eq(all(mk(new A.DateMillisecond(), [0n, -1n, 86400000n, null]), 4), '"1970-01-01","1969-12-31","1970-01-02",null', "date64");
  eq(all(mk(new A.TimeSecond(), [86399, null]), 2), "86399,null", "time32");
  eq(all(mk(new A.TimeNanosecond(), [86399999999999n, 1n]), 2), "86399999999999,1", "time64");
  eq(all(mk(new A.Duration(U.MILLISECOND), [-1n, -9223372036854775808n]), 2), '-1,"-9223372036854775808"', "duration");
}

// compare.mjs helpers
{
  const r = subsetRows("x", 0, 3000, 17);
  eq(r[0], 0, "subset has first row");
  eq(r[r.length - 1], 2999, "subset has last row");
  eq(r.length, 19, "subset size");
  eq(JSON.stringify(r), JSON.stringify(subsetRows("x", 0, 3000, 17)), "subset reproducible");
  eq(r.every((v, i) => i === 0 || v > r[i - 1]), true, "subset sorted unique");
  eq(JSON.stringify(subsetRows("y", 1, 2, 17)), "[0,1]", "subset of 2 rows");
  eq(JSON.stringify(splitTop('{"a":1,"b":{"c":[1,2],"d":"x,}"},"e\\"":null}')), JSON.stringify([["a", "1"], ["b", '{"c":[1,2],"d":"x,}"}'], ['e\\"', "null"]]), "splitTop");
}

console.log(`selfcheck: ${checks - fails}/${checks} ok`);
process.exit(fails ? 1 : 0);
