"""bench/ingest: INSERT of ROWS rows (id, ~100-byte text, 768-d float32 vector) in one
transaction through the extension, against LanceDB's add() of the same shape of rows
from node, in one run.  Prints rows/s, MB/s (of the rows' raw bytes: 8 + 100 + 3072 per
row) and each writer's peak RSS (getrusage of its own process), then the ratio.

  /usr/bin/python3 bench/ingest/bench.py DIR --lib build/lance [--rows N] [--chunk N] [--runs N]

The extension's rows come from a recursive CTE with printf() text and randomblob(3072)
vectors; their generation alone (the same SELECT counted, not inserted) is timed too and
reported; the net figure (insert minus generation) and the whole INSERT are compared.  LanceDB's
rows are generated in node before each add() call and only the calls are timed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import run_child  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROW_BYTES = 8 + 100 + 768 * 4
SELECT = ("WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < {rows}) "
          "SELECT value AS id, printf('row %d %-90s', value, 'x') AS text, randomblob(3072) AS vec FROM s")


def child_ext(lib, path, rows, mode):
    import sqlite3
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(lib)
    con.isolation_level = None
    t0 = time.perf_counter()
    if mode == "generate":
        con.execute(f"SELECT count(*), sum(length(vec)) FROM ({SELECT.format(rows=rows)})").fetchall()
    else:
        con.execute(f"CREATE VIRTUAL TABLE t USING lance('{path}', "
                    "schema='id INT64 NOT NULL, text TEXT, vec FLOAT32[768]')")
        t0 = time.perf_counter()
        con.execute("BEGIN")
        con.execute(f"INSERT INTO t {SELECT.format(rows=rows)}")
        con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    n = rows if mode == "generate" else con.execute("SELECT count(*) FROM t").fetchone()[0]
    print(json.dumps({"seconds": seconds, "rows": n}))


def run(cmd, cwd=None):
    return run_child(cmd, "ingest", cwd=cwd)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        return child_ext(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--lib", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=65536)
    ap.add_argument("--runs", type=int, default=1, help="best of N for each of the three timings")
    a = ap.parse_args()
    me = [sys.executable, os.path.abspath(__file__), "child", os.path.abspath(a.lib)]
    gen = ext = ldb = None
    for _ in range(max(1, a.runs)):  # interleaved, so a load swing hits all three alike
        shutil.rmtree(a.dir, ignore_errors=True)
        os.makedirs(a.dir)
        g = run(me + [os.path.join(a.dir, "unused"), str(a.rows), "generate"])
        e = run(me + [os.path.join(a.dir, "ext.lance"), str(a.rows), "insert"])
        shutil.rmtree(os.path.join(a.dir, "ext.lance"), ignore_errors=True)
        l = run(["node", os.path.join(HERE, "lancedb_add.mjs"), a.dir, str(a.rows), str(a.chunk)])
        if e["rows"] != a.rows or l["rows"] != a.rows:
            sys.exit(f"ingest: row counts {e['rows']} (extension), {l['rows']} (LanceDB), want {a.rows}")
        gen = g if not gen or g["seconds"] < gen["seconds"] else gen
        ext = e if not ext or e["seconds"] < ext["seconds"] else ext
        ldb = l if not ldb or l["seconds"] < ldb["seconds"] else ldb
    net = ext["seconds"] - gen["seconds"]
    mb = a.rows * ROW_BYTES / 1e6
    print(f"ingest: {a.rows} rows x {ROW_BYTES} bytes ({mb:.0f} MB), best of {max(1, a.runs)}")
    print(f"  extension INSERT (one transaction): {ext['seconds']:.2f} s incl. generating the rows "
          f"({gen['seconds']:.2f} s alone): net {net:.2f} s"
          + (f" = {a.rows / net:,.0f} rows/s, {mb / net:,.0f} MB/s" if net > 0 else
             " (the INSERT took no longer than generating its rows)")
          + f", peak RSS {ext['rss_mb']:.0f} MB")
    print(f"  LanceDB add() ({ldb['calls']} calls of {a.chunk} rows): {ldb['seconds']:.2f} s = "
          f"{a.rows / ldb['seconds']:,.0f} rows/s, {mb / ldb['seconds']:,.0f} MB/s, peak RSS {ldb['rss_mb']:.0f} MB")
    ratio, whole = (ldb["seconds"] / net if net > 0 else float("inf")), ldb["seconds"] / ext["seconds"]
    print(f"  speed vs LanceDB: net {ratio:.2f}x (goal >= 1.25: {'PASS' if ratio >= 1.25 else 'MISS'}), "
          f"whole INSERT {whole:.2f}x (goal >= 1.0: {'PASS' if whole >= 1.0 else 'MISS'}); "
          f"extension peak RSS {ext['rss_mb']:.0f} MB (goal <= 512: {'PASS' if ext['rss_mb'] <= 512 else 'MISS'})")


if __name__ == "__main__":
    main()
