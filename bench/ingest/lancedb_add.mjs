// node lancedb_add.mjs DIR ROWS CHUNK: LanceDB's side of bench/ingest.
// Creates DIR/lancedb.lance and adds ROWS rows (id int64, text ~100 bytes, vec
// float32[768]) in add() calls of CHUNK rows each (one Arrow IPC buffer per call:
// a single call of 1M rows x 3 KB would not fit in one Node buffer).  Rows are
// generated before each call and only the calls are timed; prints JSON
// {"seconds": ..., "rows": ..., "calls": ...}.
import { createRequire } from "node:module";
import { toIPC } from "../../test/interop/arrowbuild.mjs";
// the pinned modules of test/interop (ES build of apache-arrow: what toIPC uses)
import * as A from "../../test/interop/node_modules/apache-arrow/Arrow.node.mjs";
import { rng } from "../rng.mjs";

const lancedb = createRequire(new URL("../../test/interop/package.json", import.meta.url))("@lancedb/lancedb");
const [dir, rowsArg, chunkArg] = process.argv.slice(2);
const rows = Number(rowsArg), chunk = Number(chunkArg);
const r = rng(42);
const text = (i) => `row ${i} `.padEnd(100, "abcdefghijklmnopqrstuvwxyz".charAt(i % 26));
function batch(start, n) {
  const ids = [], texts = [], vecs = [];
  for (let i = start; i < start + n; i++) {
    ids.push(BigInt(i));
    texts.push(text(i));
    const v = new Array(768);
    for (let k = 0; k < 768; k++) v[k] = r.f() - 0.5;
    vecs.push(v);
  }
  return toIPC([
    { name: "id", type: new A.Int64(), nullable: false, values: ids },
    { name: "text", type: new A.Utf8(), nullable: true, values: texts },
    { name: "vec", type: new A.FixedSizeList(768, new A.Field("item", new A.Float32(), true)), nullable: true, values: vecs },
  ], 8192);
}
const db = await lancedb.connect(dir);
let seconds = 0, calls = 0, table = null;
for (let start = 0; start < rows; start += chunk) {
  const ipc = batch(start, Math.min(chunk, rows - start));
  const t0 = process.hrtime.bigint();
  if (!table) {
    await db.inner.createTable("lancedb", ipc, "create", [], {});
    table = await db.openTable("lancedb");
  } else {
    await table.inner.add(ipc, "append");
  }
  seconds += Number(process.hrtime.bigint() - t0) / 1e9;
  calls++;
}
console.log(JSON.stringify({ seconds, rows: await table.countRows(), calls }));
