// The sqlite3 shell with the extension loaded, for the write suites (write_copy.mjs,
// write_hist.mjs): runs a script, returns stdout, throws on any error output.
import { spawnSync } from "node:child_process";

export const quoteStr = (s) => `'${s.replaceAll("'", "''")}'`;

// sanitizer builds: their runtimes are preloaded into sqlite3 (write_run.sh), never node
const env = { ...process.env, ...(process.env.LANCE_SQLITE_PRELOAD ? { LD_PRELOAD: process.env.LANCE_SQLITE_PRELOAD } : {}) };

export function sqlite(so, sql) {
  const r = spawnSync("sqlite3", ["-batch", ":memory:", "-cmd", `.load ${so}`], { input: sql, encoding: "utf8", env });
  if (r.status !== 0 || r.stderr) throw new Error(`sqlite3 (${r.status}): ${(r.stderr || r.stdout).trim()}\n  in: ${sql.slice(0, 300)}`);
  return r.stdout;
}
