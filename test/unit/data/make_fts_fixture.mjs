// make_fts_fixture.mjs: writes test/unit/data/fts.lance, the small dataset with two
// full-text-search indexes that test/unit/test_fts.c reads (the output is committed, so
// the unit tests need no node).  Modules come from test/interop/node_modules:
//   node test/unit/data/make_fts_fixture.mjs test/unit/data
// One fragment of 150 rows, id = i, text = text2 = the words of row i:
//   "common", then W[i % 5] (W = alpha beta gamma delta omega), then "three" when
//   i % 3 == 0, then for row 7 "echo" 130 times, then for i < 36 "x" followed by
//   character i of "0123456789abcdefghijklmnopqrstuvwxyz" (36 transitions out of one FST
//   node: a node with a 256-byte index); row 10 is null (not a document).
// text_idx on text: simple tokenizer, positions, no stemming, no stop words;
// text2_idx on text2: the same without positions.
// "common" is in 149 documents: one full posting block of 128 and a tail of 21; its
// first block's positions are one bitpacked group of 128; "echo" has 130 positions in
// one document: one group and a varint tail of 2.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const lancedb = await import(req.resolve("@lancedb/lancedb"));
const out = path.resolve(process.argv[2] || ".");
const W = ["alpha", "beta", "gamma", "delta", "omega"];
const rows = Array.from({ length: 150 }, (_, i) => {
  const w = ["common", W[i % 5]];
  if (i % 3 === 0) w.push("three");
  if (i === 7) for (let k = 0; k < 130; k++) w.push("echo");
  if (i < 36) w.push("x" + "0123456789abcdefghijklmnopqrstuvwxyz"[i]);
  const text = i === 10 ? null : w.join(" ");
  return { id: i, text, text2: text };
});
fs.rmSync(path.join(out, "fts.lance"), { recursive: true, force: true });
const db = await lancedb.connect(out);
const t = await db.createTable("fts", rows);
await t.createIndex("text", { config: lancedb.Index.fts({ withPosition: true, stem: false, removeStopWords: false }) });
await t.createIndex("text2", { config: lancedb.Index.fts({ withPosition: false, stem: false, removeStopWords: false }) });
for (const i of await t.listIndices()) console.log(i.name, i.indexUuid);
// LanceDB's BM25 for a few queries, pinned in test_fts.c
for (const q of ["echo", "three common", "x5 alpha", "common common"]) {
  const res = await t.query().fullTextSearch(q, { columns: ["text"] }).limit(3).withRowId(true).select(["id"]).toArray();
  console.log(JSON.stringify(q), res.map((r) => `${r._rowid}:${r._score}`).join(" "));
}
