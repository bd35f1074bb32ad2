// Permutation interop (perm_run.sh): LanceDB 0.39's permutation builder and
// lance_permutation() write the same table layout, and each side reads the other's.
//   node perm_check.mjs OUT gen     LanceDB writes OUT/db/src (200 rows) and four
//                                   permutations of it (random + names + shuffle +
//                                   filter, sequential counts, hash, calculated);
//                                   OUT/lancedb.json: each permutation's rows in order
//                                   and the source ids of each split in that order
//   node perm_check.mjs OUT ours    LanceDB opens the permutations the extension wrote
//                                   (OUT/db/ours_*.lance) as plain tables: schema and
//                                   metadata as its own, rows in the order
//                                   OUT/ours.json (the extension's listing) gives
import * as lancedb from "@lancedb/lancedb";
import { permutationBuilder } from "@lancedb/lancedb";
import { readFileSync, writeFileSync } from "node:fs";

const [out, mode] = process.argv.slice(2);
const db = await lancedb.connect(`${out}/db`);
let failures = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failures++; console.error(`FAIL ${what}`); } };

async function rows(t, cols) {
  return (await t.query().select(cols).toArray()).map((r) => cols.map((c) => r[c]));
}

if (mode === "gen") {
  const data = [];
  for (let i = 0; i < 200; i++) data.push({ id: i, key: `k${i % 7}`, x: i % 50 });
  const src = await db.createTable("src", data, { mode: "overwrite" });
  const idOf = new Map();
  for (const r of await src.query().withRowId().select(["id"]).toArray()) idOf.set(String(r._rowid), r.id);
  const built = {
    random: permutationBuilder(src).filter("x > 10")
      .splitRandom({ ratios: [0.7, 0.3], seed: 42, splitNames: ["train", "val"] }).shuffle({ seed: 7 }),
    sequential: permutationBuilder(src).splitSequential({ counts: [20, 30] }),
    hash: permutationBuilder(src).splitHash({ columns: ["key"], splitWeights: [1, 1], splitNames: ["a", "b"] }),
    calculated: permutationBuilder(src).splitCalculated({ calculation: "id % 3" }),
  };
  const result = {};
  for (const [name, b] of Object.entries(built)) {
    const t = await b.persist(db, `lperm_${name}`).execute();
    const rs = (await rows(t, ["row_id", "split_id"])).map(([r, s]) => [String(r), Number(s)]);
    const splits = {};
    for (const [r, s] of rs) (splits[s] ??= []).push(idOf.get(r));
    result[name] = { rows: rs, splits };
  }
  writeFileSync(`${out}/lancedb.json`, JSON.stringify(result));
  console.log(`perm gen: src + ${Object.keys(built).length} LanceDB permutations`);
} else if (mode === "view") {
  await checkView();
  console.log(`perm view: ${checks - failures}/${checks} checks passed`);
} else {
  const ours = JSON.parse(readFileSync(`${out}/ours.json`, "utf8"));
  const theirs = await db.openTable("lperm_random");
  const ts = await theirs.schema();
  for (const [name, want] of Object.entries(ours)) {
    const t = await db.openTable(`ours_${name}`);
    const s = await t.schema();
    check(JSON.stringify(s.fields.map((f) => [f.name, String(f.type), f.nullable])) ===
          JSON.stringify(ts.fields.map((f) => [f.name, String(f.type), f.nullable])), `${name}: schema ${s}`);
    check(s.metadata.get("base_version") === want.base_version, `${name}: base_version ${s.metadata.get("base_version")}`);
    check((s.metadata.get("split_names") ?? null) === want.split_names, `${name}: split_names ${s.metadata.get("split_names")}`);
    const got = (await rows(t, ["row_id", "split_id"])).map(([r, sp]) => [String(r), Number(sp)]);
    check(JSON.stringify(got) === JSON.stringify(want.rows), `${name}: ${got.length} rows in order (want ${want.rows.length})`);
    for (const [sp, n] of Object.entries(want.counts))
      check(await t.countRows(`split_id = ${sp}`) === n, `${name}: split ${sp} count`);
  }
  await checkView();
  // LanceDB changes the view's source; perm_compare.py refresh then refreshes the view
  const src = await db.openTable("src");
  await src.add([{ id: 1000, key: "k1", x: 45 }, { id: 1001, key: "k2", x: 49 }, { id: 1002, key: "k3", x: 3 }]);
  await src.delete("id IN (41, 42, 43)");
  console.log(`perm ours: ${checks - failures}/${checks} checks passed`);
}

// The materialized view the extension wrote (view.json: its rows by id, its version).
async function checkView() {
  const want = JSON.parse(readFileSync(`${out}/view.json`, "utf8"));
  const v = await db.openTable("view");
  const s = await v.schema(), ss = await (await db.openTable("src")).schema();
  const typeOf = (n) => String(ss.fields.find((f) => f.name === n).type);
  check(JSON.stringify(s.fields.map((f) => [f.name, String(f.type)])) ===
        JSON.stringify([["id", typeOf("id")], ["key", typeOf("key")], ["_source_rowid", "Uint64"]]), `view: schema ${s}`);
  check(await v.version() === want.version, `view: version ${await v.version()} (want ${want.version})`);
  const got = (await rows(v, ["id", "key", "_source_rowid"])).map(([i, k, r]) => [Number(i), k, Number(r)]);
  got.sort((a, b) => a[0] - b[0]);
  check(JSON.stringify(got) === JSON.stringify(want.rows), `view: ${got.length} rows (want ${want.rows.length})`);
  console.log(`perm view: LanceDB read the view at version ${want.version}`);
}
if (failures) process.exit(1);
