"""bench/evolve: evolving a dataset of ROWS rows (id INT64, x FLOAT64, written by LanceDB),
the extension against LanceDB 0.39 on copies of the same dataset, each operation in its
own process (time of the operation alone; peak RSS of the process, getrusage):

  add      add a column from an expression: lance_add_columns('t', 'y FLOAT64',
           'x * 2 + id') vs LanceDB addColumns({y: 'x * 2 + id'})
  vector   a FLOAT32[512] column computed by an SQL function for every row:
           lance_add_columns('t', 'emb FLOAT32[512]') (all NULL, nothing written) then
           lance_backfill('t', 'emb', 'randomblob(2048)', 'commit_every=1048576') vs
           LanceDB addColumns({emb: arrow_cast(array_repeat(CAST(id AS FLOAT), 512),
           'FixedSizeList(512, Float32)')}) (both 2 KB per row, stored uncompressed)
  merge    merge insert of ROWS/10 rows, half of them matching, into the ROWS:
           lance_merge_insert(... 'when_matched=update_all when_not_matched=insert') from
           a temp table vs LanceDB mergeInsert(id).whenMatchedUpdateAll()
           .whenNotMatchedInsertAll() from an Arrow table (sources built untimed)
  update   UPDATE t SET x = x + 1 (every row: the column-only path) vs LanceDB
           update({x: 'x + 1'})

  /usr/bin/python3 bench/evolve/bench.py DIR --lib build/lance [--rows N] [--ops add,vector,...]
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
ROOT = os.path.dirname(os.path.dirname(HERE))

EXT_SQL = {
    "add": "SELECT lance_add_columns('t', 'y FLOAT64', 'x * 2 + id')",
    "vector": "SELECT lance_add_columns('t', 'emb FLOAT32[512]'); "
              "SELECT lance_backfill('t', 'emb', 'randomblob(2048)', 'commit_every=1048576')",
    "merge": "SELECT lance_merge_insert('t', 'id', 'SELECT id, x FROM temp.src', "
             "'when_matched=update_all when_not_matched=insert')",
    "update": "UPDATE t SET x = x + 1",
}


def child_ext(lib, path, op, rows):
    import sqlite3
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(lib)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{path}')")
    n = rows
    if op == "merge":
        n = rows // 10
        con.execute("CREATE TEMP TABLE src(id INTEGER, x REAL)")
        con.execute(f"WITH RECURSIVE s(v) AS (SELECT {rows - n // 2} UNION ALL SELECT v + 1 FROM s "
                    f"WHERE v < {rows - n // 2 + n - 1}) INSERT INTO temp.src SELECT v, -v * 0.5 FROM s")
    t0 = time.perf_counter()
    for stmt in EXT_SQL[op].split("; "):
        con.execute(stmt).fetchall()
    print(json.dumps({"seconds": time.perf_counter() - t0, "rows": n}))


def run(cmd):
    return run_child(cmd, "evolve", cwd=ROOT)


def count(lib, path, what):
    import sqlite3
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(lib)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{path}')")
    return con.execute(f"SELECT {what} FROM t").fetchone()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        return child_ext(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--lib", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--ops", default="add,vector,merge,update")
    a = ap.parse_args()
    lib = os.path.abspath(a.lib)
    d = os.path.abspath(a.dir)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    node = ["node", os.path.join(HERE, "lancedb.mjs"), d]
    run(node + ["setup", str(a.rows)])
    names = {"add": "add", "vector": "vec", "merge": "merge", "update": "update"}
    print(f"evolve: {a.rows} rows (id INT64, x FLOAT64) written by LanceDB; "
          f"peak RSS goal <= 256 MB, speed goal >= LanceDB")
    for op in a.ops.split(","):
        for side in ("ext", "ldb"):
            shutil.copytree(os.path.join(d, "base.lance"), os.path.join(d, f"{side}_{names[op]}.lance"))
        e = run([sys.executable, os.path.abspath(__file__), "child", lib,
                 os.path.join(d, f"ext_{names[op]}.lance"), op, str(a.rows)])
        l = run(node + [op, str(a.rows)])
        check = {"add": "count(y), sum(y)", "vector": "count(emb), min(vec_dims(emb))",
                 "merge": "count(*), sum(x < 0)", "update": "count(*), sum(x)"}[op]
        ce = count(lib, os.path.join(d, f"ext_{names[op]}.lance"), check)
        cl = count(lib, os.path.join(d, f"ldb_{names[op]}.lance"), check)
        re, rl = e["rows"] / e["seconds"], l["rows"] / l["seconds"]
        print(f"  {op:6s} extension {e['seconds']:7.2f} s {re:12,.0f} rows/s  peak RSS {e['rss_mb']:5.0f} MB"
              f" | LanceDB {l['seconds']:7.2f} s {rl:12,.0f} rows/s  peak RSS {l['rss_mb']:5.0f} MB"
              f" | {re / rl:5.2f}x  {'PASS' if re >= rl and e['rss_mb'] <= 256 else 'MISS'}")
        print(f"         check ({check}): extension {ce}, LanceDB {cl}")
        for side in ("ext", "ldb"):
            shutil.rmtree(os.path.join(d, f"{side}_{names[op]}.lance"), ignore_errors=True)


if __name__ == "__main__":
    main()
