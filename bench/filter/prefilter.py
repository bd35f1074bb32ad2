#!/usr/bin/python3
"""bench/filter/prefilter.py OUTDIR --lib build/lance [--rows N] [--dim D] [--runs N]

A vector search with a selective filter, prefiltered by a BITMAP index or not
(bench/README.md, "bench/filter"): writes OUTDIR/pre.lance through the extension
(N rows, default 1,000,000, in fragments of 100,000: id int64, cat text of 1000
values, emb float32[D] pseudo-random, default D 128), copies it (the copy stays
without indexes), builds BITMAP on cat and IVF_FLAT (16 partitions) on emb in
the original, then times, best of --runs, the searches
  SELECT id, _distance FROM t WHERE emb MATCH :q AND _k = 10 AND cat = 'c123'
exact (_options = 'exact=1') and through IVF_FLAT (nprobes=16: every partition),
on both copies, with the bytes the process read with read calls (/proc/self/io
rchar: takes; a scan of the vector column reads its pages mapped, not counted there)
and the results checked equal."""
import argparse, os, random, shutil, struct, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from benchlib import lance_con, warm_tree, cpu_model  # noqa: E402


def rchar():
    with open("/proc/self/io") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("rchar:"))


def build(con, path, rows, dim):
    con.execute(f"CREATE VIRTUAL TABLE w USING lance('{path}', schema='id INT64, cat TEXT, emb FLOAT32[{dim}]')")
    rnd = random.Random(11)
    for start in range(0, rows, 100000):
        con.execute("BEGIN")
        con.executemany("INSERT INTO w VALUES (?, ?, ?)",
                        ((i, f"c{rnd.randrange(1000)}", struct.pack(f"{dim}f", *(rnd.random() for _ in range(dim))))
                         for i in range(start, min(rows, start + 100000))))
        con.execute("COMMIT")
    con.execute("DROP TABLE w")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--lib", default="build/lance")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    idx, plain = os.path.join(a.out, "pre.lance"), os.path.join(a.out, "plain.lance")
    con = lance_con(a.lib)
    if not os.path.exists(idx):
        os.makedirs(a.out, exist_ok=True)
        build(con, idx, a.rows, a.dim)
        shutil.copytree(idx, plain)
        con.execute(f"CREATE VIRTUAL TABLE w USING lance('{idx}')")
        con.execute("SELECT lance_create_index('w', 'cat', 'BITMAP', '')").fetchall()
        con.execute("SELECT lance_create_index('w', 'emb', 'IVF_FLAT', 'num_partitions=16')").fetchall()
        con.execute("DROP TABLE w")
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{idx}')")
    con.execute(f"CREATE VIRTUAL TABLE p USING lance('{plain}')")
    warm_tree(a.out)
    q = struct.pack(f"{a.dim}f", *(random.Random(5).random() for _ in range(a.dim)))
    print(f"# {a.rows} rows, dim {a.dim}; CPU: {cpu_model()}; load {os.getloadavg()[0]:.1f}")
    print(f"{'search':10} {'table':16} {'seconds':>9} {'pread bytes':>12}  rows")
    res = {}
    for mode, opt in (("exact", "exact=1"), ("ivf", "nprobes=16")):
        for name, t in (("bitmap index", "t"), ("no index", "p")):
            sql = f"SELECT id, _distance FROM {t} WHERE emb MATCH ? AND _k = 10 AND cat = 'c123' AND _options = '{opt}'"
            con.execute(sql, (q,)).fetchall()
            best, nb, out = 1e9, 0, None
            for _ in range(a.runs):
                r0, t0 = rchar(), time.perf_counter()
                out = con.execute(sql, (q,)).fetchall()
                dt, nb = time.perf_counter() - t0, rchar() - r0
                best = min(best, dt)
            res[(mode, t)] = out
            print(f"{mode:10} {name:16} {best:9.4f} {nb:12,}  {len(out)}")
        if t == "p" and res[(mode, "t")] != res[(mode, "p")]:
            print(f"{mode}: RESULTS DIFFER", file=sys.stderr)
            sys.exit(1)
    ex = con.execute("SELECT lance_explain(?)", (f"SELECT id FROM t WHERE emb MATCH x'{q.hex()}' AND _k = 10 AND cat = 'c123' AND _options = 'exact=1'",)).fetchone()[0]
    print(ex)


if __name__ == "__main__":
    main()
