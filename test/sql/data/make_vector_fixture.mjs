// Writes test/sql/data/vectors.lance (committed) for the vector-search tests:
// 300 rows in 2 fragments with a deletion; v8: fixed_size_list<float32>[8]
// (rows 7, 77 null; rows 10..12 equal to row 9 for ties), cat: 'a'..'e',
// score: float64, u8: fixed_size_list<uint8>[4] (hamming), f64: fsl<float64>[4],
// f16: fsl<float16>[4].  Deterministic.  Run from the repository root.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
const A = await import(new URL("../../interop/node_modules/apache-arrow/Arrow.node.mjs", import.meta.url));
const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = req("@lancedb/lancedb");
const { toIPC } = await import(new URL("../../interop/arrowbuild.mjs", import.meta.url));

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const fsl = (n, t) => new A.FixedSizeList(n, new A.Field("item", t, true));
const rows = (from, to) => {
  const ids = [], v8 = [], cat = [], score = [], u8 = [], f64 = [], f16 = [];
  for (let i = from; i < to; i++) {
    ids.push(i);
    const c = i % 5;
    const v = Array.from({ length: 8 }, (_, j) => Math.fround((j === c ? 1 : 0) + (rnd() - 0.5) * 0.4));
    v8.push(i === 7 || i === 77 ? null : v);
    cat.push("abcde"[c]);
    score.push(Math.round(rnd() * 1000) / 1000);
    u8.push(Array.from({ length: 4 }, () => Math.floor(rnd() * 256)));
    f64.push(v.slice(0, 4).map((x) => x * 1.5));
    f16.push(v.slice(0, 4).map((x) => Math.round(x * 64) / 64));
  }
  for (const k of [10, 11, 12]) if (k >= from && k < to) v8[k - from] = v8[9 - from].slice();
  return [
    { name: "id", type: new A.Int64(), values: ids.map(BigInt) },
    { name: "v8", type: fsl(8, new A.Float32()), values: v8 },
    { name: "cat", type: new A.Utf8(), values: cat },
    { name: "score", type: new A.Float64(), values: score },
    { name: "u8", type: fsl(4, new A.Uint8()), values: u8 },
    { name: "f64", type: fsl(4, new A.Float64()), values: f64 },
    { name: "f16", type: fsl(4, new A.Float16()), values: f16 },
  ];
};
const dir = new URL(".", import.meta.url).pathname;
rmSync(`${dir}/vectors.lance`, { recursive: true, force: true });
const db = await lancedb.connect(dir);
await db.inner.createTable("vectors", toIPC(rows(0, 200)), "create", [], {});
const t = await db.openTable("vectors");
await t.inner.add(toIPC(rows(200, 300)), "append");
await t.delete("id IN (3, 150, 250)");
console.log("wrote vectors.lance");
