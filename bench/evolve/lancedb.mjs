// node bench/evolve/lancedb.mjs DIR OP ROWS: LanceDB 0.39's side of bench/evolve (bench.py).
//   setup    write DIR/base.lance: ROWS rows (id INT64, x FLOAT64), 65536 rows per add()
//   add      addColumns y = x * 2 + id                    on DIR/ldb_add.lance
//   vector   addColumns emb = 512 float32 from an SQL expression on DIR/ldb_vec.lance
//   merge    mergeInsert of ROWS/10 rows (half matched) on DIR/ldb_merge.lance
//   update   update x = x + 1 on every row                 on DIR/ldb_update.lance
// Prints {"seconds": s, "rows": n} (n: rows the operation wrote or merged); only the
// operation is timed (opening the table and building the merge source are not).
import { createRequire } from "node:module";
// the pinned modules of test/interop
import * as A from "../../test/interop/node_modules/apache-arrow/Arrow.node.mjs";

const lancedb = createRequire(new URL("../../test/interop/package.json", import.meta.url))("@lancedb/lancedb");
const [dir, op, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);

function batch(from, n, sign) {
  const id = new BigInt64Array(n), x = new Float64Array(n);
  for (let i = 0; i < n; i++) id[i] = BigInt(from + i), x[i] = sign * (from + i) * 0.5;
  return A.tableFromArrays({ id, x });
}

const db = await lancedb.connect(dir);
let t0, n = rows;
if (op === "setup") {
  const t = await db.createTable("base", batch(0, Math.min(rows, 65536), 1));
  for (let at = 65536; at < rows; at += 65536) await t.add(batch(at, Math.min(65536, rows - at), 1));
  t0 = performance.now();
} else {
  const t = await db.openTable({ add: "ldb_add", vector: "ldb_vec", merge: "ldb_merge", update: "ldb_update" }[op]);
  if (op === "merge") {
    n = rows / 10;
    const src = batch(rows - n / 2, n, -1);
    t0 = performance.now();
    await t.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(src);
  } else {
    t0 = performance.now();
    if (op === "add") await t.addColumns([{ name: "y", valueSql: "x * 2 + id" }]);
    else if (op === "vector")
      await t.addColumns([{ name: "emb", valueSql: "arrow_cast(array_repeat(CAST(id AS FLOAT), 512), 'FixedSizeList(512, Float32)')" }]);
    else await t.update({ valuesSql: { x: "x + 1" } });
  }
}
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, rows: n }));
