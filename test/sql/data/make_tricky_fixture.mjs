// Writes test/sql/data/tricky.lance (committed): values that make pushed
// filters easy to get wrong: NULL, NaN, -0.0, +-inf, int64 and uint64
// extremes (uint64 above 2^63 reads as TEXT), unicode, embedded NUL, and two
// fragments.  Run from the repository root.
import { rmSync } from "node:fs";
const A = await import(new URL("../../interop/node_modules/apache-arrow/Arrow.node.mjs", import.meta.url));
const { createRequire } = await import("node:module");
const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = req("@lancedb/lancedb");
const { toIPC } = await import(new URL("../../interop/arrowbuild.mjs", import.meta.url));

const i64 = [null, -9223372036854775808n, 9223372036854775807n, 0n, -1n, 1n, 5n, 9007199254740993n, -5n, 42n];
const u64 = [0n, 18446744073709551615n, 9223372036854775808n, 9223372036854775807n, null, 1n, 5n, 42n, 12345678901234567890n, 7n];
const f64 = [NaN, -0, 0, Infinity, -Infinity, null, 0.5, -2.5, 1e300, 5];
const f32 = [Math.fround(0.1), NaN, -0, null, 3.5, -1, Infinity, Math.fround(1e-40), 5, 0];
const s = ["", "a", "b", null, "é", "a\u0000b", "日本", "B", "ab", "𝄞"];
const i32 = [1, 2, 3, 4, null, 6, 7, 8, 9, 10];
const cols = (k) => [
  { name: "id", type: new A.Int32(), values: i32.map((v, j) => j + 10 * k) },
  { name: "i64", type: new A.Int64(), values: i64 },
  { name: "u64", type: new A.Uint64(), values: u64 },
  { name: "f64", type: new A.Float64(), values: f64 },
  { name: "f32", type: new A.Float32(), values: f32 },
  { name: "s", type: new A.Utf8(), values: s },
  { name: "i32", type: new A.Int32(), values: i32 },
];
const dir = new URL(".", import.meta.url).pathname;
rmSync(`${dir}/tricky.lance`, { recursive: true, force: true });
const db = await lancedb.connect(dir);
await db.inner.createTable("tricky", toIPC(cols(0)), "create", [], {});
const t = await db.openTable("tricky");
await t.inner.add(toIPC(cols(1)), "append");
console.log("wrote tricky.lance");
