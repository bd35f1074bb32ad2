// node evolve_read.mjs DATASET: every version of the dataset as LanceDB 0.39 reads it,
// as JSON {version: [rows, non-NULL y, sum of y]} (evolve_kill.py compares it).
import * as lancedb from "@lancedb/lancedb";
import { basename, dirname } from "node:path";

const path = process.argv[2];
const db = await lancedb.connect(dirname(path));
const t = await db.openTable(basename(path).replace(/\.lance$/, ""));
const out = {};
for (const { version } of await t.listVersions()) {
  await t.checkout(version);
  const hasY = (await t.schema()).fields.some((f) => f.name === "y");
  const rows = await t.query().select(hasY ? ["y"] : ["id"]).toArray();
  let n = 0, s = 0;
  if (hasY) for (const r of rows) if (r.y !== null && r.y !== undefined) { n++; s += Number(r.y); }
  out[version] = [rows.length, n, s];
}
console.log(JSON.stringify(out));
