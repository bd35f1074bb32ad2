#!/usr/bin/env python3
"""bench/rowid/bench.py DATA_DIR --lib build/lance [--runs N]

Row-id lookups of writes and takes on a stable-row-id dataset of many
fragments (bench/README.md, "bench/rowid").  Makes DATA_DIR/base.lance once
(FRAGS fragments of ROWS_PER_FRAG rows, one INSERT transaction each, stable
row ids on), then per run copies it to DATA_DIR/run.lance and times, each on
a fresh copy opened in a new connection:
  scan     SELECT count(*) FROM t WHERE id % 10 = 7   (finding the rows alone)
  delete   BEGIN; DELETE FROM t WHERE id % 10 = 7 (1/10 of the rows, scattered:
           every row id is looked up); then the COMMIT (deletion files, manifest)
  update   the same for UPDATE t SET v = v + 1 WHERE id % 10 = 3
  take     SELECT count(*) FROM t WHERE rowid IN (...) (the ids of 1/10 of the rows)
Prints the best time of each over the runs; the row counts are checked.
"""
import argparse
import os
import shutil
import sqlite3
import time


def connect(lib):
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(lib)
    return con


def make_base(path, lib, frags, per):
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    con = connect(lib)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{tmp}', schema='id INT64 NOT NULL, v INT64',"
                " enable_stable_row_ids=1)")
    for f in range(frags):  # one transaction, one fragment each
        con.execute("WITH RECURSIVE s(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM s WHERE x < ?) "
                    "INSERT INTO t(id, v) SELECT x, x * 2 FROM s", (f * per, f * per + per - 1))
    n = con.execute("SELECT count(*) FROM lance_fragments('t')").fetchone()[0]
    assert n == frags, f"{n} fragments, expected {frags}"
    con.close()
    os.rename(tmp, path)


def fresh(data, lib):
    run = os.path.join(data, "run.lance")
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(os.path.join(data, "base.lance"), run)
    con = connect(lib)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{run}')")
    return con


def timed(con, sql, args=()):
    t0 = time.perf_counter()
    cur = con.execute(sql, args)
    rows = cur.fetchall()
    return time.perf_counter() - t0, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default="build/lance")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--frags", type=int, default=1000)
    ap.add_argument("--rows-per-frag", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    base = os.path.join(a.data, "base.lance")
    total = a.frags * a.rows_per_frag
    if not os.path.isdir(base):
        t0 = time.perf_counter()
        make_base(base, a.lib, a.frags, a.rows_per_frag)
        print(f"made {base}: {a.frags} fragments x {a.rows_per_frag} rows in {time.perf_counter() - t0:.1f} s")
    best = {}
    keep = lambda k, t: best.__setitem__(k, min(best.get(k, t), t))
    for _ in range(a.runs):
        for kind, sql, check in (
                ("delete", "DELETE FROM t WHERE id % 10 = 7", "SELECT count(*) FROM t"),
                ("update", "UPDATE t SET v = v + 1 WHERE id % 10 = 3",
                 "SELECT count(*) FROM t WHERE v = id * 2 + 1")):
            con = fresh(a.data, a.lib)
            t, _ = timed(con, sql.replace("DELETE FROM", "SELECT count(*) FROM")
                         .replace("UPDATE t SET v = v + 1", "SELECT count(*) FROM t"))
            keep("scan", t)
            con.execute("BEGIN")
            t, _ = timed(con, sql)
            keep(kind, t)
            t, _ = timed(con, "COMMIT")
            keep(kind + "_commit", t)
            got = con.execute(check).fetchone()[0]
            want = total - total // 10 if kind == "delete" else total // 10
            assert got == want, f"{kind}: {got} rows, expected {want}"
            if kind == "update":
                ids = [r[0] for r in con.execute("SELECT rowid FROM t WHERE id % 10 = 5")]
                ph = ",".join("?" * len(ids))
                t, rows = timed(con, f"SELECT count(*) FROM t WHERE rowid IN ({ph})", ids)
                assert rows[0][0] == len(ids), f"take found {rows[0][0]} of {len(ids)} rows"
                keep("take", t)
            con.close()
    n = total // 10
    print(f"{a.frags} fragments x {a.rows_per_frag} rows, stable row ids; best of {a.runs} runs, ms:")
    print(f"  scan finding the {n} rows (SELECT count(*) with the same WHERE): {best['scan'] * 1000:.1f}")
    for k in ("delete", "update"):
        print(f"  {k.upper()} of {n} scattered rows: statement {best[k] * 1000:.1f}, "
              f"COMMIT {best[k + '_commit'] * 1000:.1f}")
    print(f"  SELECT ... WHERE rowid IN ({n} ids): {best['take'] * 1000:.1f}")
    shutil.rmtree(os.path.join(a.data, "run.lance"), ignore_errors=True)


if __name__ == "__main__":
    main()
