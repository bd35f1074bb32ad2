// node bench/fts/lancedb.mjs: the LanceDB 0.39 side of the full-text benchmark,
// driven by bench/fts/bench.py through stdin/stdout, one JSON object per line
// each way, so that bench.py can interleave LanceDB's queries with the SQLite
// engines' (the times are taken here, around the LanceDB calls only).
//
// Requests and answers:
//   {"op": "build", "dir": DIR}      open table "docs" of the LanceDB database DIR
//       -> {"seconds": S}            and build its FTS index on "body":
//                                    Index.fts({withPosition: true}), the default
//                                    tokenizer; S = wall time of createIndex.
//                                    Later queries go to this table.
//   {"op": "query", "kind": KIND, "terms": TEXT, "k": K}
//       -> {"ms": T, "rows": [[id, _score], ...]}   best first
//       KIND term or or: fullTextSearch(TEXT) (a match query, operator Or)
//            and:        fullTextSearch(new MatchQuery(TEXT, "body", {operator: And}))
//            phrase:     fullTextSearch(new PhraseQuery(TEXT, "body"))  (slop 0)
//       then .select(["id"]).limit(K).toArray(); T = milliseconds from building
//       the query to the rows in JS (performance.now).
//   {"op": "quit"}
// Errors are answered as {"error": MESSAGE}.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const lancedb = require("@lancedb/lancedb");
const { Index, MatchQuery, Operator, PhraseQuery } = lancedb;

let table = null;

function fullText(kind, terms) {
  switch (kind) {
    case "term":
    case "or":
      return terms;
    case "and":
      return new MatchQuery(terms, "body", { operator: Operator.And });
    case "phrase":
      return new PhraseQuery(terms, "body");
    default:
      throw new Error(`unknown query kind "${kind}"`);
  }
}

async function handle(req) {
  switch (req.op) {
    case "build": {
      table = await (await lancedb.connect(req.dir)).openTable("docs");
      const t = performance.now();
      await table.createIndex("body", { config: Index.fts({ withPosition: true }), replace: true });
      return { seconds: (performance.now() - t) / 1e3 };
    }
    case "query": {
      const t = performance.now();
      const got = await table.query().fullTextSearch(fullText(req.kind, req.terms), { columns: "body" })
        .select(["id"]).limit(req.k).toArray();
      const ms = performance.now() - t;
      return { ms, rows: got.map((r) => [Number(r.id), r._score]) };
    }
    default:
      throw new Error(`unknown op "${req.op}"`);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const req = JSON.parse(line);
  if (req.op === "quit") break;
  let ans;
  try {
    ans = await handle(req);
  } catch (e) {
    ans = { error: String(e?.message ?? e) };
  }
  process.stdout.write(JSON.stringify(ans) + "\n");
}
