"""Transactions on a lance table against a native SQLite table as the oracle.

A generator of random statement sequences (INSERT, INSERT ... SELECT from the
table itself, UPDATE, DELETE, SELECT; BEGIN / COMMIT / ROLLBACK; SAVEPOINT /
RELEASE / ROLLBACK TO; statements that fail part-way with a NOT NULL
violation) runs every statement on both tables and compares, statement by
statement, whether it failed and what it returned.  After every script a
fresh connection reads the committed dataset, which must equal the native
table, and every transaction that changed rows committed exactly one version.
Datasets with and without stable row ids.  Run from the repository root:
    /usr/bin/python3 test/python/test_txn_oracle.py [build-dir] [seeds] [first-seed]
Prints 'txn oracle: N scripts passed, N failed' and exits 1 on any failure."""
import os
import random
import shutil
import sqlite3
import sys

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 1
TMP = os.path.join(BUILD, "txn_oracle")


def connect():
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(os.path.join(BUILD, "lance"))
    return con


def cond(r):
    k = r.randrange(6)
    a = r.randrange(40)
    if k == 0:
        return f"id = {a}"
    if k == 1:
        return f"id < {a}"
    if k == 2:
        return f"v % 3 = {a % 3}"
    if k == 3:
        return f"s = 's{a % 5}'"
    if k == 4:
        return f"id BETWEEN {a} AND {a + r.randrange(10)}"
    return f"v > {a * 10}"


def row(r):
    v = "NULL" if r.random() < 0.1 else str(r.randrange(500))
    s = "NULL" if r.random() < 0.1 else f"'s{r.randrange(5)}'"
    return f"({r.randrange(40)}, {v}, {s})"


def statement(r, state):
    """One statement ({T} is the table), updating state (open savepoints)."""
    k = r.randrange(100)
    if k < 2:  # past the 8,192 rows a transaction keeps in memory: rows spill to files
        return ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
                f"{r.randrange(8200, 9000)}) INSERT INTO {{T}}(id, v, s) SELECT x % 97, x, "
                f"'s' || (x % 5) FROM c")
    if k < 18:
        n = r.randrange(1, 5)
        rows = [row(r) for _ in range(n)]
        if r.random() < 0.08:  # fails part-way: NOT NULL id
            rows.insert(r.randrange(len(rows) + 1), "(NULL, 1, 'bad')")
        return "INSERT INTO {T}(id, v, s) VALUES " + ", ".join(rows)
    if k < 23:
        return (f"INSERT INTO {{T}}(id, v, s) SELECT id + {r.randrange(1, 50)}, v * 2, s "
                f"FROM {{T}} WHERE {cond(r)}")
    if k < 38:
        sets = r.choice([f"v = v + {r.randrange(1, 9)}", f"s = 's{r.randrange(5)}'",
                         f"v = {r.randrange(100)}, s = NULL", "id = id + 100",
                         "v = v * 2, s = s || 'x'"])
        if r.random() < 0.05:
            sets = "id = CASE WHEN v > 250 THEN NULL ELSE id END"  # may fail part-way
        return f"UPDATE {{T}} SET {sets} WHERE {cond(r)}"
    if k < 48:
        return f"DELETE FROM {{T}} WHERE {cond(r)}"
    if k < 70:
        return r.choice([
            "SELECT id, v, s FROM {T} ORDER BY id, v, s LIMIT 300",
            "SELECT count(*), sum(v), total(id * v) FROM {T}",
            "SELECT count(*), sum(v), count(s), min(id), max(id) FROM {T}",
            f"SELECT id, v FROM {{T}} WHERE {cond(r)} ORDER BY id, v",
            "SELECT s, count(*) FROM {T} GROUP BY s ORDER BY s",
            "SELECT a.id, b.v FROM {T} a JOIN {T} b ON a.id = b.id + 1 WHERE a.id < 3 ORDER BY 1, 2",
        ])
    if k < 78:
        if state["in_txn"]:
            return r.choice(["COMMIT", "COMMIT", "ROLLBACK"])
        return "BEGIN"
    if k < 86:
        name = f"sp{r.randrange(3)}"
        return f"SAVEPOINT {name}"
    if k < 93:
        return f"RELEASE sp{r.randrange(3)}"
    return f"ROLLBACK TO sp{r.randrange(3)}"


def run(con, sql):
    try:
        return ("ok", con.execute(sql).fetchall())
    except sqlite3.Error as e:
        return ("error", type(e).__name__)


def versions(con, table):
    return con.execute(f"SELECT max(version) FROM lance_versions('{table}')").fetchone()[0]


def script(seed, stable):
    r = random.Random(seed)
    path = os.path.join(TMP, f"t{seed}_{stable}.lance")
    shutil.rmtree(path, ignore_errors=True)
    con = connect()
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{path}', schema='id INT64 NOT NULL, "
                f"v INT64, s TEXT'{', enable_stable_row_ids=true' if stable else ''})")
    con.execute("CREATE TABLE n(id INTEGER NOT NULL, v INTEGER, s TEXT)")
    init = ", ".join(row(r) for _ in range(r.randrange(0, 30)))
    log = []
    if init:
        for t in ("t", "n"):
            con.execute(f"INSERT INTO {t}(id, v, s) VALUES {init}")
        log.append(f"INSERT INTO t VALUES {init}")
    state = {"in_txn": False}
    for _ in range(r.randrange(10, 60)):
        sql = statement(r, state)
        before = versions(con, "t")
        a = run(con, sql.format(T="t"))
        b = run(con, sql.format(T="n")) if "{T}" in sql else a  # BEGIN, SAVEPOINT...: once
        log.append(sql.format(T="t"))
        if a != b:
            return f"seed {seed} stable={stable}: lance {a} != native {b}\n  " + ";\n  ".join(log)
        state["in_txn"] = con.in_transaction
        after = versions(con, "t")
        if after - before > 1:
            return f"seed {seed}: one statement made {after - before} versions\n  " + ";\n  ".join(log)
    if con.in_transaction:
        con.execute("COMMIT")
        log.append("COMMIT")
    want = con.execute("SELECT id, v, s FROM n ORDER BY id, v, s").fetchall()
    con.close()
    fresh = connect()
    fresh.execute(f"CREATE VIRTUAL TABLE t USING lance('{path}')")
    got = fresh.execute("SELECT id, v, s FROM t ORDER BY id, v, s").fetchall()
    fresh.close()
    if got != want:
        return f"seed {seed} stable={stable}: committed {got} != native {want}\n  " + ";\n  ".join(log)
    shutil.rmtree(path, ignore_errors=True)
    return None


def main():
    os.makedirs(TMP, exist_ok=True)
    passed = failed = 0
    for seed in range(FIRST, FIRST + SEEDS):
        for stable in (False, True):
            err = script(seed, stable)
            if err:
                failed += 1
                print("FAIL", err)
            else:
                passed += 1
    print(f"txn oracle: {passed} scripts passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
