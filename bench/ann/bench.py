#!/usr/bin/python3
"""bench/ann/bench.py DATA [--lib build/lance] [--configs CFG,...] [--queries N] [--warm W]
                          [--build-ours 0|1]

Vector-index search, sqlite-lance against LanceDB 0.39 on LanceDB's own index
(DATA made by bench/knn/make_data.mjs and bench/ann/lancedb.mjs, which builds
the indexes on copies DATA/ann/CFG.lance and records LanceDB's answers and
times in DATA/ann/CFG.lancedb.json):

  truth    exact top-10 ids of every query: the lance table with
           _options = 'exact=1' on DATA/SET.lance, cached in
           DATA/ann/SET.truth.json
  ours     on DATA/ann/CFG.lance (LanceDB's index), one query at a time:
             SELECT id FROM t WHERE vec MATCH ? AND _k = 10
               AND _options = 'nprobes=N refine_factor=R'
           ("exact": _options = 'exact=1', the default threads)
  LanceDB  the same settings through @lancedb/lancedb (lancedb.mjs: nearestTo
           .nprobes(N).refineFactor(R).limit(10).select(["id"]); exact:
           bypassVectorIndex()), timed around the query in node

recall@10 = |ids & truth| / 10, mean over the queries.  Times: wall ms per
query (perf_counter around execute + fetchall; W untimed warm-up queries per
setting first, warm page cache), p50 and p95 over the queries; and the
process CPU ms per query (time.process_time: every thread; LanceDB's from
process.cpuUsage), p50, which a machine shared with other jobs disturbs less
than wall time.  first: the very first query on a freshly opened table
(nprobes=20 refine_factor=1), which loads the index (ours: every partition at
once; LanceDB: what the query touches) with the files in the page cache.
Build: LanceDB's createIndex seconds and _indices/ MB (lancedb.mjs); ours with
lance_create_index on a fresh copy DATA/ann/CFG.ours.lance (hard links) when --build-ours 1
(default): 'not available' with the error when the extension refuses it.
Goals (issue 10): at equal recall p50 <= 0.5x LanceDB's; build <= 0.5x.
"""
import argparse, json, os, shutil, sqlite3, statistics, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import cpu_model, lance_con, pct, warm_tree  # noqa: E402

K = 10
NPROBES = (10, 20, 50)
REFINE = (1, 10)
CONFIGS = {  # as bench/ann/lancedb.mjs
    "n1m_d128_ivf_pq": ("n1m_d128", "IVF_PQ", "num_partitions=1000 num_sub_vectors=16 distance_type=l2"),
    "n1m_d128_hnsw_sq": ("n1m_d128", "IVF_HNSW_SQ", "num_partitions=1000 distance_type=l2"),
    "n100k_d768_ivf_pq": ("n100k_d768", "IVF_PQ", "num_partitions=316 num_sub_vectors=48 distance_type=l2"),
    "n100k_d768_hnsw_sq": ("n100k_d768", "IVF_HNSW_SQ", "num_partitions=316 distance_type=l2"),
}
SQL = "SELECT id FROM {t} WHERE vec MATCH ? AND _k = 10 AND _options = ?"


def queries(data, name, dim, n):
    with open(os.path.join(data, name + ".queries.f32"), "rb") as f:
        buf = f.read()
    w = dim * 4
    return [buf[i * w:(i + 1) * w] for i in range(min(n, len(buf) // w))]


def truth(con, data, name, qs):
    path = os.path.join(data, "ann", name + ".truth.json")
    if os.path.exists(path):
        with open(path) as f:
            t = json.load(f)
        if len(t) >= len(qs):
            return t[:len(qs)]
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS truth_{name} USING lance('{data}/{name}.lance')")
    t0 = time.perf_counter()
    t = [[r[0] for r in con.execute(SQL.format(t="truth_" + name), (q, "exact=1"))] for q in qs]
    print(f"# truth {name}: {len(qs)} exact queries in {time.perf_counter() - t0:.1f} s", flush=True)
    with open(path, "w") as f:
        json.dump(t, f)
    return t


def recall(got, want):
    return statistics.mean(len(set(g) & set(w)) / K for g, w in zip(got, want))


def run(con, table, qs, opts, warm):
    sql = SQL.format(t=table)
    for q in qs[:warm]:
        con.execute(sql, (q, opts)).fetchall()
    ms, cpu, ids = [], [], []
    for q in qs:
        c, t = time.process_time(), time.perf_counter()
        rows = con.execute(sql, (q, opts)).fetchall()
        ms.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
        ids.append([r[0] for r in rows])
    return ms, cpu, ids


def du_mb(path):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(path) for n in ns) / 1e6


def build_ours(con, data, cfg, set_name, typ, opts):
    """lance_create_index on a fresh copy; (seconds, MB) or the refusal text"""
    dst = os.path.join(data, "ann", cfg + ".ours.lance")
    shutil.rmtree(dst, ignore_errors=True)
    # hard links: a commit only adds files or renames new ones into place
    shutil.copytree(os.path.join(data, set_name + ".lance"), dst, copy_function=os.link)
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS ours_{cfg} USING lance('{dst}')")
    t0 = time.perf_counter()
    try:
        con.execute("SELECT lance_create_index(?, 'vec', ?, ?)", (f"ours_{cfg}", typ, opts)).fetchall()
    except sqlite3.Error as e:
        shutil.rmtree(dst, ignore_errors=True)
        return str(e)
    return time.perf_counter() - t0, du_mb(os.path.join(dst, "_indices"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "lance"))
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--warm", type=int, default=3)
    ap.add_argument("--build-ours", type=int, default=1)
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    with open(os.path.join(data, "meta.json")) as f:
        meta = json.load(f)
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().machine}, {os.cpu_count()} cores, "
          f"{cpu_model()}; SQLite {sqlite3.sqlite_version}; LANCE_SIMD={os.environ.get('LANCE_SIMD', '')!r}")
    print(f"# reproduce: BENCH_DATA={data} bench/ann/run.sh --configs {args.configs} --queries {args.queries} "
          f"--warm {args.warm} --build-ours {args.build_ours}", flush=True)
    con = lance_con(os.path.abspath(args.lib))
    rows, builds = [], []
    for cfg in args.configs.split(","):
        set_name, typ, opts = CONFIGS[cfg]
        m = meta[set_name]
        qs = queries(data, set_name, m["dim"], args.queries)
        want = truth(con, data, set_name, qs)
        with open(os.path.join(data, "ann", cfg + ".lancedb.json")) as f:
            ldb = json.load(f)
        with open(os.path.join(data, "ann", cfg + ".build.json")) as f:
            lb = json.load(f)
        path = os.path.join(data, "ann", cfg + ".lance")
        warm_tree(path)
        con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS t_{cfg} USING lance('{path}')")
        t0 = time.perf_counter()
        con.execute(SQL.format(t="t_" + cfg), (qs[0], "nprobes=20 refine_factor=1")).fetchall()
        first = ((time.perf_counter() - t0) * 1e3, ldb["first"])
        settings = [(f"nprobes={n} refine_factor={r}", f"nprobes={n} refine_factor={r}") for n in NPROBES for r in REFINE]
        settings.append(("exact", "exact=1"))
        for label, o in settings:
            ms, cpu, ids = run(con, "t_" + cfg, qs, o, args.warm)
            l_ms, l_cpu, l_ids = (ldb[label][k][:len(qs)] for k in ("ms", "cpu", "ids"))
            r = (cfg, typ, label, recall(ids, want), recall(l_ids, want), pct(ms, 50), pct(ms, 95),
                 pct(l_ms, 50), pct(l_ms, 95), pct(cpu, 50), pct(l_cpu, 50))
            rows.append(r)
            print(f"# {cfg} {label}: recall ours {r[3]:.3f} LanceDB {r[4]:.3f}; p50 ours {r[5]:.2f} ms "
                  f"LanceDB {r[7]:.2f} ms; p95 ours {r[6]:.2f} LanceDB {r[8]:.2f}; cpu p50 ours {r[9]:.2f} "
                  f"LanceDB {r[10]:.2f}", flush=True)
        ours = build_ours(con, data, cfg, set_name, typ, opts) if args.build_ours else "not run"
        builds.append((cfg, typ, opts, lb, ours, first))
        print(f"# {cfg} build: LanceDB {lb['seconds']:.1f} s {lb['index_mb']:.1f} MB; ours "
              + (f"{ours[0]:.1f} s {ours[1]:.1f} MB" if isinstance(ours, tuple) else f"not available ({ours})"),
              flush=True)

    print("\n| index | setting | recall@10 ours | recall@10 LanceDB | p50 ours | p95 ours | p50 LanceDB "
          "| p95 LanceDB | ours / LanceDB p50 | CPU p50 ours | CPU p50 LanceDB | ours / LanceDB CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for cfg, typ, label, ro, rl, p50, p95, l50, l95, c50, lc50 in rows:
        print(f"| {cfg} | {label} | {ro:.3f} | {rl:.3f} | {p50:.2f} | {p95:.2f} | {l50:.2f} | {l95:.2f} "
              f"| {p50 / l50:.2f}x | {c50:.2f} | {lc50:.2f} | {c50 / lc50:.2f}x |")
    print("\n| index | parameters | LanceDB build s | LanceDB index MB | ours build s | ours index MB "
          "| first query ours ms | first query LanceDB ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for cfg, typ, opts, lb, ours, first in builds:
        o = f"{ours[0]:.1f} | {ours[1]:.1f}" if isinstance(ours, tuple) else "not available | -"
        print(f"| {cfg} ({typ}) | {opts} | {lb['seconds']:.1f} | {lb['index_mb']:.1f} | {o} "
              f"| {first[0]:.0f} | {first[1]:.0f} |")
    print("\n(times in ms per query; recall against exact top-10)")


if __name__ == "__main__":
    main()
