// node bench/fts/make_data.mjs OUTDIR [DICTD_DIR]
//
// Writes the full-text benchmark's corpus: every entry of GCIDE (the GNU
// Collaborative International Dictionary of English, Debian package
// dict-gcide, installed by bench/fts/run.sh) as one document.
//
// Input, DICTD_DIR (default /usr/share/dictd):
//   gcide.index    one line per headword: HEADWORD \t OFFSET \t LENGTH, the two
//                  numbers in dictd's base64 (digits A-Z a-z 0-9 + /, most
//                  significant first), a byte range of the uncompressed
//                  gcide.dict. Several headwords share one range (an entry with
//                  its derived forms and compounds).
//   gcide.dict.dz  gcide.dict compressed by dictzip (a gzip file with a random
//                  access table in the gzip extra field; plain gunzip reads it).
// A document is one distinct byte range, in file order, skipping the four
// "00-database-*" ranges (dictd's own metadata). Text is UTF-8; a range that
// is not valid UTF-8 (three entries hold stray Windows-1252 bytes) is decoded
// as Windows-1252.
//
// Output:
//   OUTDIR/docs.lance   LanceDB 0.39 dataset (default storage version), one
//                       createTable, no index.  Columns:
//       id        int64   0, 1, 2, ... in file order
//       headword  utf8    the entry line's word (the text before " \" on its
//                         first line, e.g. "Bell" for "Bell \Bell\, n. ..."),
//                         else the range's first headword in gcide.index
//       body      utf8    the entry's whole text as dictd serves it
//   OUTDIR/meta.json    rows, body_bytes (UTF-8 bytes of all bodies), the
//                       source files' sizes: bench.py checks its copies against it
// The Lance/Arrow modules come from test/interop/node_modules (pinned in
// test/interop/package.json).
import { createRequire } from "node:module";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const A = require("apache-arrow"); // the same instance @lancedb/lancedb uses
const lancedb = require("@lancedb/lancedb");

const outDir = process.argv[2];
const dictDir = process.argv[3] ?? "/usr/share/dictd";
if (!outDir) {
  console.error("usage: node make_data.mjs OUTDIR [DICTD_DIR]");
  process.exit(2);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function b64num(s) {
  let v = 0;
  for (const ch of s) {
    const d = B64.indexOf(ch);
    if (d < 0) throw new Error(`gcide.index: bad base64 digit in "${s}"`);
    v = v * 64 + d;
  }
  return v;
}

// distinct ranges of gcide.index: Map "off,len" -> {off, len, heads[]}
function readIndex(path) {
  const ranges = new Map();
  const lines = readFileSync(path, "utf8").split("\n");
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    const f = line.split("\t");
    if (f.length !== 3) throw new Error(`${path}:${i + 1}: expected 3 tab-separated fields`);
    const off = b64num(f[1]), len = b64num(f[2]), key = `${off},${len}`;
    if (!ranges.has(key)) ranges.set(key, { off, len, heads: [] });
    ranges.get(key).heads.push(f[0]);
  }
  return [...ranges.values()].filter((r) => !r.heads.some((h) => h.startsWith("00-database-")))
    .sort((a, b) => a.off - b.off);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const cp1252 = new TextDecoder("windows-1252");
function text(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}

const t0 = Date.now();
const ranges = readIndex(join(dictDir, "gcide.index"));
const dict = gunzipSync(readFileSync(join(dictDir, "gcide.dict.dz")));
const ids = new BigInt64Array(ranges.length), heads = [], bodies = [];
let bodyBytes = 0;
for (const [i, r] of ranges.entries()) {
  if (r.off + r.len > dict.length) throw new Error(`gcide.index: range ${r.off}+${r.len} past the dictionary`);
  const body = text(dict.subarray(r.off, r.off + r.len));
  const m = /^(.*?) \\/.exec(body.split("\n", 1)[0]);
  ids[i] = BigInt(i);
  heads.push(m && m[1].trim() !== "" ? m[1].trim() : r.heads[0]);
  bodies.push(body);
  bodyBytes += Buffer.byteLength(body, "utf8");
}

const table = new A.Table({
  id: A.makeVector(ids),
  headword: A.vectorFromArray(heads, new A.Utf8()),
  body: A.vectorFromArray(bodies, new A.Utf8()),
});
rmSync(join(outDir, "docs.lance"), { recursive: true, force: true });
const db = await lancedb.connect(outDir);
const t = await db.createTable("docs", table, { mode: "overwrite" });
const rows = await t.countRows();
if (rows !== ranges.length) throw new Error(`docs: wrote ${rows} rows, expected ${ranges.length}`);
const size = (f) => statSync(join(dictDir, f)).size;
writeFileSync(join(outDir, "meta.json"), JSON.stringify({
  rows, body_bytes: bodyBytes, source: dictDir,
  gcide_index_bytes: size("gcide.index"), gcide_dict_dz_bytes: size("gcide.dict.dz"),
}, null, 1) + "\n");
console.log(`docs.lance: ${rows} documents, ${(bodyBytes / 1e6).toFixed(1)} MB of text, ` +
  `${((Date.now() - t0) / 1000).toFixed(1)} s`);
