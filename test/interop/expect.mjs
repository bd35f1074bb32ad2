// node expect.mjs OUTDIR [name-filter-regex]
// Reads every dataset gen.mjs wrote (OUTDIR/db/<name>.lance) back with LanceDB — a full
// scan — and writes OUTDIR/<name>.expected.jsonl in the lance-dump text format, and
// OUTDIR/<name>.file (the dataset's single data file).
// Order: a scan of a one-fragment dataset returns rows in file order; this is checked
// with the row ids (fragment id << 32 | row offset), which must be 0..n-1 in order.
import * as lancedb from "@lancedb/lancedb";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fmtRow } from "./fmt.mjs";

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node expect.mjs OUTDIR [filter-regex]"); process.exit(2); }
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
  const dbdir = join(out, "db");
  const db = await lancedb.connect(dbdir);
  const names = readdirSync(dbdir).filter((f) => f.endsWith(".lance")).map((f) => f.slice(0, -6))
    .filter((n) => !filter || filter.test(n)).sort();
  if (!names.length) { console.error(`expect: no datasets in ${dbdir}`); process.exit(1); }
  let failed = 0, rowsTotal = 0;
  const t0 = Date.now();
  for (const name of names) {
    try {
      const files = readdirSync(join(dbdir, `${name}.lance`, "data")).filter((f) => f.endsWith(".lance"));
      if (files.length !== 1) throw new Error(`expected one data file, found ${files.length}`);
      writeFileSync(join(out, `${name}.file`), join(dbdir, `${name}.lance`, "data", files[0]) + "\n");

      const table = await db.openTable(name);
      const count = await table.countRows();
      const frags = (await table.stats()).fragmentStats?.numFragments;
      if (frags !== undefined && frags !== 1) throw new Error(`expected one fragment, found ${frags}`);
      const at = await table.query().withRowId().toArrow();
      const fields = at.schema.fields.map((f) => f.name);
      const ridIdx = fields.indexOf("_rowid");
      if (ridIdx < 0) throw new Error("no _rowid column in the scan");
      const lines = [];
      let fragId = null;
      for (const batch of at.batches) {
        const cols = batch.data.children.map((data, k) => ({ name: fields[k], data })).filter((c) => c.name !== "_rowid");
        const rid = batch.data.children[ridIdx].values; // BigUint64Array
        for (let i = 0; i < batch.numRows; i++) {
          const id = rid[i];
          const frag = id >> 32n, off = Number(id & 0xffffffffn);
          if (fragId === null) fragId = frag;
          if (frag !== fragId) throw new Error(`rows of two fragments (${fragId}, ${frag})`);
          if (off !== lines.length) throw new Error(`scan not in file order: row ${lines.length} has row offset ${off}`);
          lines.push(fmtRow(cols, i));
        }
      }
      if (lines.length !== count) throw new Error(`scan returned ${lines.length} rows, countRows says ${count}`);
      writeFileSync(join(out, `${name}.expected.jsonl`), lines.join("\n") + "\n");
      // schema as LanceDB reports it, for humans debugging a mismatch
      writeFileSync(join(out, `${name}.schema.txt`), at.schema.fields.filter((f) => f.name !== "_rowid")
        .map((f) => `${f.name}: ${f.type}${f.metadata.size ? " " + JSON.stringify(Object.fromEntries(f.metadata)) : ""}`).join("\n") + "\n");
      rowsTotal += lines.length;
    } catch (e) {
      console.error(`expect: ${name}: ${e.stack || e.message}`);
      failed++;
    }
  }
  console.log(`expect: ${names.length - failed} datasets, ${rowsTotal} rows in ${((Date.now() - t0) / 1000).toFixed(1)}s${failed ? `, ${failed} FAILED` : ""}`);
  process.exit(failed ? 1 : 0);
}

await main();
