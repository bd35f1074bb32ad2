// node write_copy.mjs OUTDIR LANCE_SO [name-filter-regex]
// Writes through the extension, reads with LanceDB.  For every dataset gen.mjs wrote
// (OUTDIR/db/<name>.lance, every type and encoding LanceDB writes), the sqlite3 shell
// with the extension loaded creates OUTDIR/write/<name>.lance with the same schema
// (the schema= spelling made from LanceDB's Arrow schema) and copies every row into it
// with INSERT INTO copy SELECT * FROM source, in one transaction.  LanceDB then opens
// the copy and its scan, in the lance-dump text format, must equal OUTDIR/<name>.expected.jsonl
// (LanceDB's scan of the original), line for line.
// Known and accepted: SQLite has no NaN (it reads NaN as NULL), so a float NaN in the
// source comes back as null; every other difference fails.
// Skipped, with the reason printed: blob columns (writing blobs is not supported yet).
// Skipped too: legacy_types (null, date64, time and duration columns have no schema= spelling).
// Refused, the error checked: fixed-size lists with null items (*_vectors_null_items; the
// writer does not write item validity yet).
// Then a copy of a 2.0 dataset: INSERT is refused with the unsupported error, DELETE works
// and LanceDB counts the rows left; the same for a legacy (v1) dataset, and DELETE refused
// on a legacy dataset with a dictionary column (its values live in the manifest file).
import * as lancedb from "@lancedb/lancedb";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fmtRow } from "./fmt.mjs";
import { quoteStr, sqlite } from "./sqlite_cli.mjs";

const quoteId = (s) => `"${s.replaceAll('"', '""')}"`;

// The schema= spelling of an Arrow field's type (docs/sql.md), or throw.
function ddlType(t) {
  const id = t.typeId, name = t.toString();
  if (t.dictionary) return ddlType(t.dictionary);
  switch (name) {
    case "Int8": case "Int16": case "Int32": case "Int64": case "Uint8": case "Uint16":
    case "Uint32": case "Uint64": case "Float16": case "Float32": case "Float64":
      return name.toUpperCase();
    case "Bool": return "BOOLEAN";
    case "Utf8": return "TEXT";
    case "LargeUtf8": return "LARGE_TEXT";
    case "Binary": return "BLOB";
    case "LargeBinary": return "LARGE_BLOB";
    case "Date32<DAY>": return "DATE";
  }
  if (name.startsWith("Timestamp<")) {
    const unit = ["s", "ms", "us", "ns"][t.unit];
    return t.timezone ? `TIMESTAMP(${unit}, ${quoteStr(t.timezone)})` : `TIMESTAMP(${unit})`;
  }
  if (name.startsWith("FixedSizeBinary")) return `FIXED_BLOB(${t.byteWidth})`;
  if (name.startsWith("FixedSizeList")) return `${ddlType(t.children[0].type)}[${t.listSize}]`;
  if (name.startsWith("List<") || name.startsWith("LargeList<")) return `${ddlType(t.children[0].type)}[]`;
  if (name.startsWith("Struct<"))
    return `STRUCT(${t.children.map((c) => `${quoteId(c.name)} ${ddlType(c.type)}${c.nullable ? "" : " NOT NULL"}`).join(", ")})`;
  throw new Error(`no schema= spelling for ${name} (type id ${id})`);
}

function ddl(schema) {
  return schema.fields.map((f) => `${quoteId(f.name)} ${ddlType(f.type)}${f.nullable ? "" : " NOT NULL"}`).join(", ");
}

function isBlob(schema) {
  return schema.fields.some((f) => f.metadata.get("lance-encoding:blob") === "true" ||
    f.metadata.get("ARROW:extension:name") === "lance.blob.v2");
}


// Equal, or the only difference is NaN (expected) vs null (got) in a top-level float.
function sameRow(want, got) {
  if (want === got) return true;
  const w = JSON.parse(want), g = JSON.parse(got);
  const keys = Object.keys(w);
  if (keys.join() !== Object.keys(g).join()) return false;
  return keys.every((k) => JSON.stringify(w[k]) === JSON.stringify(g[k]) || (w[k] === "NaN" && g[k] === null));
}

async function main() {
  const [out, soArg, filt] = process.argv.slice(2);
  if (!out || !soArg) { console.error("usage: node write_copy.mjs OUTDIR LANCE_SO [filter-regex]"); process.exit(2); }
  const so = resolve(soArg).replace(/\.so$/, "");
  const filter = filt ? new RegExp(filt) : null;
  const src = join(out, "db"), dst = join(out, "write");
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dst, { recursive: true });
  const names = readdirSync(src).filter((f) => f.endsWith(".lance")).map((f) => f.slice(0, -6))
    .filter((n) => (!filter || filter.test(n)) && existsSync(join(out, `${n}.expected.jsonl`))).sort();
  const srcDb = await lancedb.connect(src), dstDb = await lancedb.connect(dst);
  let passed = 0, failed = 0, skipped = 0, rows = 0;
  for (const name of names) {
    try {
      const schema = await (await srcDb.openTable(name)).schema();
      if (isBlob(schema)) { skipped++; console.log(`write_copy: ${name}: skipped (blob columns)`); continue; }
      if (name === "legacy_types") { skipped++; console.log(`write_copy: ${name}: skipped (null, date64, time, duration: no schema= spelling)`); continue; }
      const version = name.startsWith("v21") ? "2.1" : "2.2";
      const copy = `CREATE VIRTUAL TABLE s USING lance(${quoteStr(resolve(src, name + ".lance"))});
CREATE VIRTUAL TABLE c USING lance(${quoteStr(resolve(dst, name + ".lance"))}, schema=${quoteStr(ddl(schema))}, data_storage_version='${version}');
INSERT INTO c SELECT * FROM s;\n`;
      if (name.endsWith("_vectors_null_items")) {
        let refused = "";
        try { sqlite(so, copy); } catch (e) { refused = e.message; }
        if (!refused.includes("null items inside a fixed-size list are not supported"))
          throw new Error(`want the writer's unsupported error for null items, got: ${refused || "success"}`);
        passed++;
        continue;
      }
      sqlite(so, copy);
      const table = await dstDb.openTable(name);
      const at = await table.query().withRowId().toArrow();
      const fields = at.schema.fields.map((f) => f.name);
      const got = [];
      const byRowId = [];
      for (const batch of at.batches) {
        const ridIdx = fields.indexOf("_rowid");
        const cols = batch.data.children.map((data, k) => ({ name: fields[k], data })).filter((c) => c.name !== "_rowid");
        for (let i = 0; i < batch.numRows; i++) byRowId.push([batch.data.children[ridIdx].values[i], fmtRow(cols, i)]);
      }
      byRowId.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [, line] of byRowId) got.push(line);
      const want = readFileSync(join(out, `${name}.expected.jsonl`), "utf8").split("\n").filter((l) => l);
      const bad = [];
      if (got.length !== want.length) bad.push(`row count ${got.length}, want ${want.length}`);
      for (let i = 0; i < Math.min(got.length, want.length) && bad.length < 3; i++)
        if (!sameRow(want[i], got[i])) bad.push(`row ${i}:\n    want ${want[i].slice(0, 300)}\n    got  ${got[i].slice(0, 300)}`);
      if (bad.length) throw new Error(bad.join("\n  "));
      passed++;
      rows += got.length;
    } catch (e) {
      failed++;
      console.log(`write_copy: ${name}: FAIL ${e.message}`);
    }
  }
  // 2.0 and legacy datasets: rows cannot be written (no writer for those files), deletes
  // work and LanceDB reads them; a legacy dataset with a dictionary column refuses deletes.
  for (const [from, insertErr, deleteErr] of [
    ["v20_ints", "writing rows to a dataset of Lance file version 2.0 is not supported", null],
    ["legacy_ints", "writing rows to a dataset of legacy (v1) Lance files is not supported", null],
    ["legacy_dict", "writing rows to a dataset of legacy (v1) Lance files is not supported",
      "writing to a legacy dataset with a dictionary field ('dict_s', its values kept in the manifest file) is not supported"],
  ]) {
    if (!existsSync(join(src, `${from}.lance`)) || (filter && !filter.test(from))) continue;
    try {
      const copy = `${from}_append`, path = join(dst, `${copy}.lance`);
      cpSync(join(src, `${from}.lance`), path, { recursive: true });
      const before = await (await dstDb.openTable(copy)).countRows();
      const refused = (sql) => {
        try { sqlite(so, `CREATE VIRTUAL TABLE t USING lance(${quoteStr(resolve(path))});\n${sql}\n`); } catch (e) { return e.message; }
        return "";
      };
      const ins = refused("INSERT INTO t SELECT * FROM t LIMIT 1;");
      if (!ins.includes(insertErr)) throw new Error(`INSERT: want the unsupported error, got: ${ins || "success"}`);
      const del = refused("DELETE FROM t WHERE rowid % 3 = 0;");
      if (deleteErr ? !del.includes(deleteErr) : del) throw new Error(`DELETE: want ${deleteErr || "success"}, got: ${del || "success"}`);
      const after = await (await dstDb.openTable(copy)).countRows();
      const want = deleteErr ? before : before - Math.ceil(before / 3);
      if (after !== want) throw new Error(`after DELETE LanceDB counts ${after} rows, want ${want}`);
      passed++;
    } catch (e) {
      failed++;
      console.log(`write_copy: ${from} append/delete: FAIL ${e.message}`);
    }
  }
  console.log(`write_copy: ${passed} passed, ${failed} failed, ${skipped} skipped (${rows} rows written here, read by LanceDB)`);
  process.exit(failed ? 1 : 0);
}

await main();
