// node bf16_gen.mjs OUT
// bfloat16 columns as LanceDB 0.39 writes them: an Arrow extension type
// "lance.bfloat16" on fixed_size_binary(2) (Lance logical type "lance.bfloat16";
// vectors: "fixed_size_list:lance.bfloat16:N").  Writes OUT/db/bf16.lance with
//   id   int32
//   b    bfloat16 (nullable; row 5 null, row 7 NaN, row 8 -inf, row 9 -0)
//   vec  fixed_size_list<bfloat16>[16] (nullable; row 3 null)
// in two fragments (two adds), and OUT/gen.json {queries}: 6 query vectors.
// Values are deterministic (xorshift); bf16 bits are float32 bits rounded to
// nearest even (the top 16 bits).
import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
const DIM = 16, N = 300;
let s = 0x9e3779b9;
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 * 2 - 1; };
const f = new Float32Array(1), u = new Uint32Array(f.buffer);
function bf16(x) {
  f[0] = x;
  const b = u[0];
  if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x40;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
const ext = new Map([["ARROW:extension:name", "lance.bfloat16"], ["ARROW:extension:metadata", ""]]);
const item = new A.Field("item", new A.FixedSizeBinary(2), true, ext);
const schema = new A.Schema([
  new A.Field("id", new A.Int32(), false),
  new A.Field("b", new A.FixedSizeBinary(2), true, ext),
  new A.Field("vec", new A.FixedSizeList(DIM, item), true),
]);
function batch(start, n) {
  const ids = Int32Array.from({ length: n }, (_, i) => start + i);
  const bb = new Uint8Array(2 * n), bv = new Uint8Array(2 * n * DIM);
  const bValid = new Uint8Array(Math.ceil(n / 8)), vValid = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) {
    const id = start + i;
    const x = id === 7 ? NaN : id === 8 ? -Infinity : id === 9 ? -0 : rnd() * 100;
    const h = bf16(x);
    bb[2 * i] = h & 255; bb[2 * i + 1] = h >> 8;
    if (id !== 5) bValid[i >> 3] |= 1 << (i & 7);
    const c = (id % 7) - 3; // a few clusters
    for (let d = 0; d < DIM; d++) {
      const hv = bf16(c + rnd() * (d + 1) / DIM);
      bv[2 * (i * DIM + d)] = hv & 255; bv[2 * (i * DIM + d) + 1] = hv >> 8;
    }
    if (id !== 3) vValid[i >> 3] |= 1 << (i & 7);
  }
  const F = schema.fields;
  const nb = (v) => n - [...Array(n).keys()].filter((i) => v[i >> 3] & (1 << (i & 7))).length;
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(F), length: n, nullCount: 0, children: [
    A.makeData({ type: F[0].type, length: n, nullCount: 0, data: ids }),
    A.makeData({ type: F[1].type, length: n, nullCount: nb(bValid), nullBitmap: bValid, data: bb }),
    A.makeData({ type: F[2].type, length: n, nullCount: nb(vValid), nullBitmap: vValid,
                 child: A.makeData({ type: item.type, length: n * DIM, nullCount: 0, data: bv }) }),
  ] }));
}
mkdirSync(join(out, "db"), { recursive: true });
const db = await lancedb.connect(join(out, "db"));
const t = await db.createTable("bf16", new A.Table(schema, [batch(0, 200)]), { mode: "overwrite" });
await t.add(new A.Table(schema, [batch(200, N - 200)]));
const queries = [];
for (let k = 0; k < 6; k++) queries.push(Array.from({ length: DIM }, (_, d) => (k % 7) - 3 + rnd() * (d + 1) / DIM));
writeFileSync(join(out, "gen.json"), JSON.stringify({ dim: DIM, rows: N, queries }));
