// LanceDB's side of write_stress.py:
//   node write_stress_node.mjs count PATH            prints the row count of the dataset
//   node write_stress_node.mjs append PATH W SECONDS appends rows (writer W, seq 0, 1, ...)
//                                                    one per commit, printing "ack SEQ"
//                                                    (or "err MESSAGE") for each
import * as lancedb from "@lancedb/lancedb";
import * as A from "apache-arrow";
import { basename, dirname } from "node:path";
import { toIPC } from "./arrowbuild.mjs";

const [cmd, path, w, secs] = process.argv.slice(2);
const db = await lancedb.connect(dirname(path));
const table = await db.openTable(basename(path, ".lance"));
if (cmd === "count") {
  console.log(JSON.stringify(await table.countRows()));
} else {
  const end = Date.now() + Number(secs) * 1000;
  for (let seq = 0; Date.now() < end; ) {
    const ipc = toIPC([
      { name: "writer", type: new A.Int64(), nullable: false, values: [BigInt(w)] },
      { name: "seq", type: new A.Int64(), nullable: false, values: [BigInt(seq)] },
      { name: "payload", type: new A.Utf8(), nullable: true, values: [`w${w}-${seq}`] },
    ], 4096);
    try {
      await table.inner.add(ipc, "append");
      console.log(`ack ${seq}`);
      seq++;
    } catch (e) {
      console.log(`err ${String(e.message).split("\n")[0]}`);
    }
  }
}
