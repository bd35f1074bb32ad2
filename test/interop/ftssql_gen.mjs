// node ftssql_gen.mjs OUTDIR
// Writes the datasets of the SQL full-text and hybrid search interop suite (ftssql) with
// LanceDB 0.39 under OUTDIR/db/<name>.lance and OUTDIR/<name>/gen.json (the dataset's
// path and its versions). ftssql_expect.mjs asks LanceDB, ftssql_compare.py asks the
// `lance` virtual table the same queries (`body MATCH ... AND _k = N`, fts(), hybrid).
//
// docs: 600 seeded sentences over a small Zipf-like vocabulary (so terms repeat, phrases
// recur and posting lists span several blocks), a short title, a category, an integer and
// an 8-d float32 vector. FTS indexes: body with positions, title without. After the build
// (version V_INDEX) 60 rows are appended (not covered by the index) and 40 deleted.
import * as A from "apache-arrow";
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rngFrom } from "./gen.mjs";

export const VOCAB = ("rain night street car pedestrian curb light wet road crossing truck " +
  "bicycle rider dark fog snow city highway bridge tunnel signal red green yellow stop " +
  "turn left right lane parked moving running walking standing child dog umbrella " +
  "reflection headlight shadow corner building window sidewalk traffic jam morning " +
  "evening sunny cloudy storm wind puddle splash driver bus taxi motorcycle scooter " +
  "crowd market sign cone barrier construction worker police siren ambulance").split(" ");
const CATS = ["day", "night", "dawn"];

function sentence(r, n) {
  const w = [];
  for (let i = 0; i < n; i++) {
    const z = Math.floor(VOCAB.length * Math.pow(r.f(), 2.2)); // skewed: early words common
    w.push(VOCAB[Math.min(z, VOCAB.length - 1)]);
  }
  if (r.f() < 0.3) w[0] = w[0][0].toUpperCase() + w[0].slice(1) + "s"; // case + plural: stemming
  return w.join(r.f() < 0.2 ? ", " : " ");
}

function rows(r, from, n) {
  return Array.from({ length: n }, (_, j) => ({
    id: from + j,
    body: sentence(r, r.int(4, 24)),
    title: sentence(r, r.int(1, 4)),
    category: CATS[r.int(0, CATS.length - 1)],
    n: r.int(0, 99),
    vec: Array.from({ length: 8 }, () => Math.fround(r.f() * 2 - 1)),
  }));
}

async function main() {
  const out = process.argv[2];
  if (!out) { console.error("usage: node ftssql_gen.mjs OUTDIR"); process.exit(2); }
  const r = rngFrom(20261203);
  const db = await lancedb.connect(join(out, "db"));
  const name = "docs";
  const schema = new A.Schema([
    new A.Field("id", new A.Int32(), false), new A.Field("body", new A.Utf8(), true),
    new A.Field("title", new A.Utf8(), true), new A.Field("category", new A.Utf8(), true),
    new A.Field("n", new A.Int32(), true),
    new A.Field("vec", new A.FixedSizeList(8, new A.Field("item", new A.Float32(), true)), true)]);
  const t = await db.createTable(name, rows(r, 0, 600), { schema });
  await t.createIndex("body", { config: lancedb.Index.fts({ withPosition: true }) });
  await t.createIndex("title", { config: lancedb.Index.fts({ withPosition: false }) });
  const vIndex = await t.version();
  await t.add(rows(r, 600, 60));
  await t.delete("id % 15 = 7");
  const vLast = await t.version();
  mkdirSync(join(out, name), { recursive: true });
  writeFileSync(join(out, name, "gen.json"), JSON.stringify({
    name, path: join(out, "db", name + ".lance"), v_index: vIndex, v_last: vLast }));
  console.log(`ftssql_gen: ${name} (index at version ${vIndex}, last ${vLast})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
