// Writes the blob fixtures of test/sql (committed): with LanceDB 0.39 from
// test/interop/node_modules, 40 rows each, payload of row i = bytes
// (i * 7 + k) % 256 for k < len(i); row i % 10 == 3 is null, i % 10 == 5 empty.
//   blobs_legacy.lance    storage 2.1, large_binary + lance-encoding:blob
//   blobs_legacy20.lance  the same in storage 2.0 (a null is the descriptor {1, 0})
//   blobs_v2.lance        storage 2.2, lance.blob.v2: inline, packed and dedicated
// Run from the repository root: node test/sql/data/make_blob_fixtures.mjs [name...]
// (default: all three; name one to rewrite only it).
import { createRequire } from "node:module";
import { rmSync } from "node:fs";
const req = createRequire(new URL("../../interop/package.json", import.meta.url));
const A = await import(new URL("../../interop/node_modules/apache-arrow/Arrow.node.mjs", import.meta.url));
const lancedb = req("@lancedb/lancedb");
const { toIPC } = await import(new URL("../../interop/arrowbuild.mjs", import.meta.url));

export const blobLen = (i) => (i === 1 ? 70000 : i % 7 === 0 ? 1000 + i : 10 + i);
const payload = (i) => Uint8Array.from({ length: blobLen(i) }, (_, k) => (i * 7 + k) % 256);
const value = (i) => (i % 10 === 3 ? null : i % 10 === 5 ? new Uint8Array(0) : payload(i));
const ids = Array.from({ length: 40 }, (_, i) => i);
const dir = new URL(".", import.meta.url).pathname;
const db = await lancedb.connect(dir);

const legacy = () => [
  { name: "id", type: new A.Int32(), values: ids },
  { name: "blob", type: new A.LargeBinary(), values: ids.map(value), meta: { "lance-encoding:blob": "true" } },
];
const btype = new A.Struct([new A.Field("data", new A.LargeBinary(), true), new A.Field("uri", new A.Utf8(), true)]);
const v2 = () => [
  { name: "id", type: new A.Int32(), values: ids },
  { name: "blob", type: btype, values: ids.map((i) => (i % 10 === 3 ? null : { data: value(i), uri: null })),
    meta: { "ARROW:extension:name": "lance.blob.v2", "lance-encoding:blob-inline-size-threshold": "256",
            "lance-encoding:blob-dedicated-size-threshold": "65536" } },
];
const fixtures = {
  blobs_legacy: [legacy, "2.1"],
  blobs_legacy20: [legacy, "2.0"],
  blobs_v2: [v2, "2.2"],
};
const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(fixtures);
for (const name of names) {
  if (!fixtures[name]) throw new Error(`no fixture ${name} (${Object.keys(fixtures).join(", ")})`);
  const [cols, storage] = fixtures[name];
  rmSync(`${dir}/${name}.lance`, { recursive: true, force: true });
  await db.inner.createTable(name, toIPC(cols()), "create", [], { new_table_data_storage_version: storage });
  console.log(`wrote ${name}.lance (storage ${storage})`);
}
