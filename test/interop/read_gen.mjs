// node read_gen.mjs OUTDIR
// The datasets of the SQL value suite (read_run.sh) are gen.mjs's, all but the 320k-row
// `pages` themes (the file tests cover pages; SQL values do not depend on them). When
// test/interop/out holds a completed run of gen.mjs + expect.mjs (run.sh makes it),
// OUTDIR/db links to its datasets instead of writing them again; otherwise gen.mjs writes
// them into OUTDIR/db.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const READ_DATASETS = /^(?!.*_pages$)/;

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2];
  if (!out) { console.error("usage: node read_gen.mjs OUTDIR"); process.exit(2); }
  mkdirSync(out, { recursive: true });
  const shared = join(here, "out");
  if (existsSync(join(shared, ".complete")) && existsSync(join(shared, "db"))) {
    symlinkSync(resolve(shared, "db"), join(out, "db"));
    console.log(`read_gen: using the datasets of ${shared}/db`);
    return;
  }
  const r = spawnSync(process.execPath, [join(here, "gen.mjs"), out, READ_DATASETS.source], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
