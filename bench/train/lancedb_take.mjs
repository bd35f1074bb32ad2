// bench/train/lancedb_take.mjs DB TABLE ORDER_FILE WORKER WORKERS BATCH: LanceDB 0.39's
// own takes, one worker of W: batches j = WORKER, WORKER+W, ... of the shuffled row ids in
// ORDER_FILE (JSON), each `table.takeRowIds(batch).select([...]).toArrow()`.
// Prints "rows bytes seconds" (image bytes) for this worker.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
const here = dirname(fileURLToPath(import.meta.url));
const req = createRequire(join(here, "..", "..", "test", "interop", "package.json"));
const lancedb = req("@lancedb/lancedb");
const [dbPath, name, orderFile, w, nw, bs] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(orderFile, "utf8"));
const db = await lancedb.connect(dbPath);
const t = await db.openTable(name);
const W = Number(nw), B = Number(bs);
let rows = 0, bytes = 0;
const t0 = process.hrtime.bigint();
for (let j = Number(w); j * B < ids.length; j += W) {
  const batch = ids.slice(j * B, (j + 1) * B).map((x) => BigInt(x));
  const tab = await t.takeRowIds(batch).select(["image", "label", "score"]).toArrow();
  rows += tab.numRows;
  const img = tab.getChild("image");
  for (const d of img.data) bytes += d.valueOffsets[d.length] - d.valueOffsets[0];
}
console.log(rows, bytes, Number(process.hrtime.bigint() - t0) / 1e9);
