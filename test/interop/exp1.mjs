import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
const db = await lancedb.connect("/tmp/exp1");
const n = 5;
const enc = new TextEncoder();
function lstr(strs) {
  const parts = strs.map(s => s == null ? new Uint8Array(0) : enc.encode(s));
  const off = new BigInt64Array(strs.length + 1); let tot = 0;
  parts.forEach((p, i) => { tot += p.length; off[i + 1] = BigInt(tot); });
  const data = new Uint8Array(tot); let o = 0; for (const p of parts) { data.set(p, o); o += p.length; }
  const nb = new Uint8Array(Math.ceil(strs.length / 8)); let nulls = 0;
  strs.forEach((s, i) => { if (s != null) nb[i >> 3] |= 1 << (i & 7); else nulls++; });
  return A.makeData({ type: new A.LargeUtf8(), length: strs.length, nullCount: nulls, nullBitmap: nb, valueOffsets: off, data });
}
const cols = {
  s: lstr(["a", null, "héllo", "", "x\u0000y"]),
  h: A.makeData({ type: new A.Float16(), length: 5, data: new Uint16Array([0x3c00, 0x8000, 0x7e00, 0x0001, 0x7bff]) }),
  ts: A.makeData({ type: new A.TimestampNanosecond("UTC"), length: 5, data: new BigInt64Array([0n, 1n, -1n, 1234567890123456789n, 5n]) }),
  d: A.makeData({ type: new A.Dictionary(new A.Utf8(), new A.Int32()), length: 5, data: new Int32Array([0, 1, 0, 1, 1]), dictionary: A.vectorFromArray(["aa", "bb"], new A.Utf8()) }),
  lb: A.makeData({type: new A.LargeBinary(), length: 5, valueOffsets: new BigInt64Array([0n,1n,2n,3n,4n,5n]), data: new Uint8Array([1,2,3,4,5])}),
};
const fields = Object.entries(cols).map(([k, d]) => new A.Field(k, d.type, true));
fields[4] = new A.Field("lb", new A.LargeBinary(), true, new Map([["lance-encoding:blob", "true"]]));
const schema = new A.Schema(fields);
const rb = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, children: Object.values(cols) }));
const tbl = new A.Table([rb]);
const buf = Buffer.from(A.tableToIPC(tbl, "file"));
for (const v of ["2.1"]) {
const t = await db.inner.createTable("t"+v, buf, "overwrite", [], { new_table_data_storage_version: v });
const lt = await db.openTable("t"+v);
const out = await lt.query().withRowId().toArrow();
console.log(v, out.schema.fields.map(f => `${f.name}:${f.type} ${JSON.stringify([...f.metadata])}`));
for (const r of out.toArray()) console.log(JSON.stringify(r.toJSON(), (k, v) => typeof v === "bigint" ? v.toString() : v));
}
{
const bf = new A.Field("b", new A.Struct([new A.Field("data", new A.LargeBinary(), true), new A.Field("uri", new A.Utf8(), true)]), true, new Map([["ARROW:extension:name","lance.blob.v2"]]));
console.log(bf.type.toString(), [...bf.metadata]);
const ch = [A.makeData({type: new A.LargeBinary(), length: 4, nullCount: 1, nullBitmap: new Uint8Array([0b1101]), valueOffsets: new BigInt64Array([0n,3n,3n,3n,200000n]), data: new Uint8Array(200000).fill(7)}),
  A.makeData({type: new A.Utf8(), length: 4, nullCount: 4, nullBitmap: new Uint8Array([0]), valueOffsets: new Int32Array([0,0,0,0,0]), data: new TextEncoder().encode("s3://x")})];
const sd = A.makeData({type: bf.type, length: 4, nullCount: 1, nullBitmap: new Uint8Array([0b1101]), children: ch});
const schema = new A.Schema([bf]);
const rb = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: 4, children: [sd] }));
const buf = Buffer.from(A.tableToIPC(new A.Table([rb]), "file"));
for (const v of ["2.1", "2.2", "2.3"]) {
  try {
  await db.inner.createTable("b"+v, buf, "overwrite", [], { new_table_data_storage_version: v });
  const lt = await db.openTable("b"+v);
  const out = await lt.query().withRowId().toArrow();
  console.log(v, out.schema.fields.map(f => `${f.name}:${f.type} ${JSON.stringify([...f.metadata])}`));
  for (const r of out.toArray()) console.log(JSON.stringify(r.toJSON(), (k, v) => typeof v === "bigint" ? v.toString() : v));
  } catch (e) { console.log(v, "ERR", e.message); }
}
}
