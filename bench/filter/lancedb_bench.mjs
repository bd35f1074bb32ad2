// node bench/filter/lancedb_bench.mjs DATA_DIR IDS_JSON RUNS
// LanceDB 0.39's side of bench/filter: the same queries as bench.py on
// DATA_DIR/filter.lance with LanceDB's own indexes (query().where().select().toArray()).
// Prints JSON {name: {"s": best or median seconds, "cpu": best CPU seconds of the
// process (selective queries only), "rows": n}}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const lancedb = require("@lancedb/lancedb");
const [dir, idsJson, runsArg] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsJson, "utf8"));
const runs = Number(runsArg ?? 5);
const t = await (await lancedb.connect(dir)).openTable("filter");
const q = async (where, cols) => (await t.query().where(where).select(cols).toArray()).length;
const out = {};
const best = async (name, where, cols) => {
  let b = Infinity, cpu = Infinity, n = 0;
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    n = await q(where, cols);
    b = Math.min(b, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0); /* every thread of the process, user + system */
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  out[name] = { s: b, cpu, rows: n };
};
{ // point lookups: median latency over the ids (after one warm-up)
  await q(`id = ${ids[0]}`, ["id", "cat", "val"]);
  const ts = [];
  let n = 0;
  for (const id of ids) {
    const t0 = process.hrtime.bigint();
    n += await q(`id = ${id}`, ["id", "cat", "val"]);
    ts.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  ts.sort((a, b) => a - b);
  out.point = { s: ts[Math.floor(ts.length / 2)], rows: n };
}
await best("eq", "cat = 'c123'", ["id", "val"]);
await best("range", "val BETWEEN 5000 AND 5999", ["id"]);
await best("label", "array_has_any(labels, ['l7'])", ["id"]);
console.log(JSON.stringify(out));
