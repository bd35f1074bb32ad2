// node compact_check.mjs OUTDIR LANCE_SO
// lance_compact against LanceDB 0.39, both ways.  LanceDB writes a table of 7 fragments
// (5 indexed by an IVF_FLAT vector index and an FTS index, 2 appended after; every 7th
// row deleted) and copies it twice.
//   ours:   the extension compacts one copy (one Rewrite version); LanceDB then reads it
//           as the original's rows, and answers vector searches (k=10, every partition
//           probed: exact) with the original's ids and distances and full-text searches
//           with the original's ids; the extension's own searches agree.
//   theirs: LanceDB compacts the other copy (optimize: compaction, index remapping);
//           the extension reads its rows and answers the same searches the same way.
import * as lancedb from "@lancedb/lancedb";
import { Field, FixedSizeList, Float32, Int64, Schema, Utf8 } from "apache-arrow";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { sqlite } from "./sqlite_cli.mjs";

const [out, so] = [resolve(process.argv[2] ?? "out"), resolve(process.argv[3] ?? "../../build/lance.so")];
const dir = join(out, "compact");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let failed = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failed++; console.log(`FAIL ${what}`); } };

const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const rows = (from, n) => Array.from({ length: n }, (_, i) => ({
  id: BigInt(from + i),
  text: Array.from({ length: 4 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(" "),
  vec: Array.from({ length: 8 }, () => Math.round(rnd() * 1000) / 100),
}));

const db = await lancedb.connect(dir);
const schema = new Schema([new Field("id", new Int64(), true), new Field("text", new Utf8(), true),
  new Field("vec", new FixedSizeList(8, new Field("item", new Float32(), true)), true)]);
const t = await db.createTable("orig", rows(0, 200), { schema });
for (let k = 1; k < 5; k++) await t.add(rows(200 * k, 200));
await t.createIndex("vec", { config: lancedb.Index.ivfFlat({ numPartitions: 2 }) });
await t.createIndex("text", { config: lancedb.Index.fts() });
await t.add(rows(1000, 30));
await t.add(rows(1030, 30));
await t.delete("id % 7 = 0");
for (const name of ["ours", "theirs"]) cpSync(join(dir, "orig.lance"), join(dir, `${name}.lance`), { recursive: true });

const res = JSON.parse(sqlite(so, `SELECT lance_compact('${join(dir, "ours.lance")}', 'target_rows_per_fragment=400');\n`));
check(res.fragments_removed === 7 && res.fragments_added === 3 && res.version === (await t.version()) + 1,
      `ours: compaction result ${JSON.stringify(res)}`);
const theirs = await db.openTable("theirs");
await theirs.optimize();

const queries = [0, 1, 2, 3, 4].map(() => Array.from({ length: 8 }, () => Math.round(rnd() * 1000) / 100));
const key = (rs) => rs.map((r) => `${r.id}`).sort().join(",");
const vsearch = async (tbl, q) =>
  (await tbl.search(q).nprobes(2).limit(10).toArray()).map((r) => `${r.id}:${r._distance.toFixed(3)}`).join(",");
const fsearch = async (tbl, w) => key(await tbl.search(w, "fts").limit(2000).toArray());
const sqlRows = (path) => sqlite(so, `CREATE VIRTUAL TABLE t USING lance('${path}');\n` +
  `SELECT group_concat(id || ':' || text) FROM (SELECT id, text FROM t ORDER BY id);\n`).trim();
const sqlV = (path, q) => sqlite(so, `CREATE VIRTUAL TABLE t USING lance('${path}');\n` +
  `SELECT group_concat(id || ':' || printf('%.3f', _distance)) FROM (SELECT id, _distance FROM t WHERE vec MATCH '${JSON.stringify(q)}' AND _k = 10 AND _options = 'nprobes=2' ORDER BY _distance, id);\n`).trim();
const sqlF = (path, w) => sqlite(so, `CREATE VIRTUAL TABLE t USING lance('${path}');\n` +
  `SELECT group_concat(id) FROM (SELECT CAST(id AS TEXT) AS id FROM t WHERE text MATCH '${w}' ORDER BY 1);\n`).trim();

const orig = await db.openTable("orig");
const ours = await db.openTable("ours");
const want = (await orig.query().toArray()).map((r) => `${r.id}:${r.text}`).sort().join(",");
check((await ours.countRows()) === (await orig.countRows()), `ours: LanceDB counts ${await ours.countRows()}`);
check((await ours.query().toArray()).map((r) => `${r.id}:${r.text}`).sort().join(",") === want, "ours: LanceDB reads other rows");
const sortedSql = (s) => s.split(",").sort().join(",");
check(sortedSql(sqlRows(join(dir, "theirs.lance"))) === want, "theirs: the extension reads other rows");
for (const q of queries) {
  const w = await vsearch(orig, q);
  check((await vsearch(ours, q)) === w, `ours: LanceDB vector search ${await vsearch(ours, q)} != ${w}`);
  check(sqlV(join(dir, "ours.lance"), q) === w, `ours: extension vector search ${sqlV(join(dir, "ours.lance"), q)} != ${w}`);
  check(sqlV(join(dir, "theirs.lance"), q) === w, `theirs: extension vector search ${sqlV(join(dir, "theirs.lance"), q)} != ${w}`);
}
for (const word of ["alpha", "delta", "hotel"]) {
  const w = await fsearch(orig, word);
  check((await fsearch(ours, word)) === w, `ours: LanceDB full-text '${word}' finds other rows`);
  check(sortedSql(sqlF(join(dir, "ours.lance"), word)) === w, `ours: extension full-text '${word}' finds other rows`);
  check(sortedSql(sqlF(join(dir, "theirs.lance"), word)) === w, `theirs: extension full-text '${word}' finds other rows`);
}
console.log(`compact: ${checks - failed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
