#!/usr/bin/python3
"""bench/filter/bench.py DATA_DIR --lib build/lance [--runs N] [--points N]

Selective filters on DATA_DIR/filter.lance (make_data.mjs; bench/README.md,
"bench/filter"), each answered four ways, result row counts checked equal:
  lance+index  the `lance` table at the latest version: LanceDB's BTREE / BITMAP /
               LABEL_LIST indexes answer the pushed filters (scalar_filter.c)
  lance scan   the same table pinned at the version before the indexes (lance(...,
               version=N)): pushed filters run on every decoded row
  sqlite       a native SQLite table (file in DATA_DIR) with B-tree indexes on id, cat,
               val, and a (label, row) table with an index on label
  lancedb      LanceDB 0.39 with its indexes (lancedb_bench.mjs, node)
Queries:
  point  SELECT id, cat, val FROM t WHERE id = ?        median over --points random ids
  eq     SELECT id, val FROM t WHERE cat = 'c123'       0.1 % of the rows, best of --runs
  range  SELECT id FROM t WHERE val BETWEEN 5000 AND 5999                    1 %
  label  SELECT id FROM t WHERE array_has_any(labels, '["l7"]')            ~2 %
Times are wall seconds with the files in the page cache (one untimed warm-up run);
for the selective queries also the best CPU seconds of the process (every thread, user
and system: Python's process_time, node's process.cpuUsage), which a loaded machine
disturbs less than wall time.
"""
import argparse, json, os, random, sqlite3, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from benchlib import lance_con, warm_tree, cpu_model  # noqa: E402

Q = {
    "eq": ("SELECT id, val FROM {t} WHERE cat = 'c123'", "SELECT id, val FROM n WHERE cat = 'c123'"),
    "range": ("SELECT id FROM {t} WHERE val BETWEEN 5000 AND 5999", "SELECT id FROM n WHERE val BETWEEN 5000 AND 5999"),
    "label": ("SELECT id FROM {t} WHERE array_has_any(labels, '[\"l7\"]')",
              "SELECT n.id FROM nl JOIN n ON n.rowid = nl.rid WHERE nl.label = 'l7'"),
}


def best(con, sql, runs, args=()):
    """best wall seconds, row count, best CPU seconds of the process (all threads)"""
    con.execute(sql, args).fetchall()  # warm-up
    b, n, cpu = 1e9, 0, 1e9
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        n = len(con.execute(sql, args).fetchall())
        b = min(b, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return b, n, cpu


def point(con, sql, ids):
    con.execute(sql, (ids[0],)).fetchall()
    ts, n = [], 0
    for i in ids:
        t0 = time.perf_counter()
        n += len(con.execute(sql, (i,)).fetchall())
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2], n


def native(data, con):
    path = os.path.join(data, "native.db")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        if os.path.exists(tmp):
            os.remove(tmp)
        con.execute(f"ATTACH '{tmp}' AS nat")
        con.execute("CREATE TABLE nat.n(id INTEGER, cat TEXT, val INTEGER)")
        con.execute("CREATE TABLE nat.nl(rid INTEGER, label TEXT)")
        con.execute("BEGIN")
        con.execute("INSERT INTO nat.n(rowid, id, cat, val) SELECT rowid, id, cat, val FROM t")
        con.execute("INSERT INTO nat.nl SELECT t.rowid, j.value FROM t, json_each(t.labels) j")
        con.execute("COMMIT")
        for ddl in ("CREATE INDEX nat.n_id ON n(id)", "CREATE INDEX nat.n_cat ON n(cat)",
                    "CREATE INDEX nat.n_val ON n(val)", "CREATE INDEX nat.nl_label ON nl(label)"):
            con.execute(ddl)
        con.execute("DETACH nat")
        os.rename(tmp, path)
    c = sqlite3.connect(path, isolation_level=None)
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default="build/lance")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--points", type=int, default=200)
    a = ap.parse_args()
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    ds = os.path.join(a.data, "filter.lance")
    warm_tree(ds)
    con = lance_con(a.lib)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{ds}')")
    con.execute(f"CREATE VIRTUAL TABLE t0 USING lance('{ds}', version={meta['v_noindex']})")
    nat = native(a.data, con)
    rnd = random.Random(7)
    ids = [rnd.randrange(meta["rows"]) for _ in range(a.points)]
    idfile = os.path.join(a.data, "ids.json")
    json.dump(ids, open(idfile, "w"))
    res = {}
    psql = "SELECT id, cat, val FROM {t} WHERE id = ?"
    res["point"] = {"lance+index": point(con, psql.format(t="t"), ids), "lance scan": point(con, psql.format(t="t0"), ids[:3]),
                    "sqlite": point(nat, "SELECT id, cat, val FROM n WHERE id = ?", ids)}
    for k, (lq, nq) in Q.items():
        res[k] = {"lance+index": best(con, lq.format(t="t"), a.runs), "lance scan": best(con, lq.format(t="t0"), min(a.runs, 2)),
                  "sqlite": best(nat, nq, a.runs)}
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(["node", os.path.join(here, "lancedb_bench.mjs"), a.data, idfile, str(a.runs)],
                         capture_output=True, text=True, env=dict(os.environ, LANCEDB_LOG="error"))
    ldb = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    if out.returncode:
        print(out.stderr, file=sys.stderr)
    print(f"# {meta['rows']} rows; CPU: {cpu_model()}; {os.cpu_count()} cores")
    print(f"{'query':6} {'rows':>7} {'lance+index':>12} {'lance scan':>11} {'sqlite':>10} {'lancedb':>10}  (seconds; point: median per lookup)"
          f"  {'cpu lance+index':>15} {'cpu lancedb':>11}")
    ok = True
    for k in ("point", "eq", "range", "label"):
        r = res[k]
        n = r["lance+index"][1]
        lv = ldb.get(k, {})
        checks = [r["sqlite"][1] == n, lv.get("rows") == n]
        if k != "point":
            checks.append(r["lance scan"][1] == n)
        ok &= all(checks)
        cpu = f"  {r['lance+index'][2]:15.6f} {lv.get('cpu', float('nan')):11.6f}" if k != "point" else ""
        print(f"{k:6} {n:7} {r['lance+index'][0]:12.6f} {r['lance scan'][0]:11.6f} {r['sqlite'][0]:10.6f} "
              f"{lv.get('s', float('nan')):10.6f}{cpu}{'' if all(checks) else '  ROW COUNTS DIFFER'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
