#!/usr/bin/python3
"""bench/knn/bench.py DATA [--lib build/lance] [--vec VEC0] [--floor FLOOR]
                           [--base-lib OTHER/lance] [--sets n1m_d128,n100k_d768]
                           [--metrics l2,cosine] [--engines knn,knn2,vec,floor]
                           [--queries N] [--warm W]

Exact top-10 vector search, all engines in this process, same vectors and
queries (DATA made by bench/knn/make_data.mjs), timed per query:

  knn    the lance virtual table over DATA/SET.lance (LanceDB 0.39), one thread:
           SELECT _rowid, _distance FROM t WHERE vec MATCH ? AND _k = 10
           [AND _metric = 'cosine']
  knn2   the same with AND _options = 'threads=2' (two threads)
  base   knn through another build of the extension (--base-lib, e.g. one
         from before the zero-copy reads; run.sh KNN_BASE=REV builds one)
  vec    sqlite-vec 0.1.9, vec0 tables in DATA/vec.db (made here on first use,
         rowid = row + 1), one per set and metric:
           SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 10
  floor  bench/knn/floor.c: plain C loop over the floats in memory (gcc -O2),
         built as a shared object and called through ctypes.

Times: time.perf_counter around execute + fetchall of each query (floor:
around the ctypes call); p50 and p95 over the queries.  W untimed warm-up
queries per engine first (the files are also read once before, so the page
cache is warm), then the queries one by one, each engine in turn.
Goals, on p50 per set and metric:
  knn <= 1.25x floor;  vec >= 5x knn.
Checks: the top-10 row sets of knn and vec are compared with floor's
(agreement = shared rows / 10, mean over queries; exact search, so ~1.0 is
expected, ties and float rounding aside), and knn's _distance with floor's
distance for the shared rows (max relative difference).
"""
import argparse, ctypes, json, os, sqlite3, statistics, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import lance_con, pct, warm_file, warm_tree  # noqa: E402
K = 10
KNN_SQL = "SELECT _rowid, _distance FROM {t} WHERE vec MATCH ? AND _k = 10"
VEC_SQL = "SELECT rowid, distance FROM {t} WHERE embedding MATCH ? AND k = 10"


def vectors(path, dim, chunk=8192):
    """(row, float32 bytes) for each vector of a .f32 file."""
    width = dim * 4
    with open(path, "rb") as f:
        row = 0
        while True:
            buf = f.read(width * chunk)
            if not buf:
                break
            mv = memoryview(buf)
            for o in range(0, len(buf), width):
                yield row, bytes(mv[o:o + width])
                row += 1


def build_vec(args, meta, path):
    """vec0 copies of every set, one table per metric, rowid = row + 1."""
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = vec_con(args, tmp)
    for name, m in meta.items():
        for metric in ("l2", "cosine"):
            t0 = time.perf_counter()
            con.execute("BEGIN")
            con.execute(f"CREATE VIRTUAL TABLE v_{name}_{metric} USING "
                        f"vec0(embedding float[{m['dim']}] distance_metric={metric})")
            con.executemany(f"INSERT INTO v_{name}_{metric}(rowid, embedding) VALUES (?, ?)",
                            ((r + 1, v) for r, v in vectors(os.path.join(args.data, name + ".f32"), m["dim"])))
            con.execute("COMMIT")
            print(f"# vec.db: v_{name}_{metric} loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    con.close()
    os.rename(tmp, path)
    print(f"# made {path} ({os.path.getsize(path) / 1e6:.0f} MB)", flush=True)


def vec_con(args, db):
    con = sqlite3.connect(db, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(args.vec)
    return con


def queries(args, name, dim):
    qs = [v for _, v in vectors(os.path.join(args.data, name + ".queries.f32"), dim)]
    return qs[:args.queries]


def interleaved(runners, qs, warm):
    """runners: {engine: fn(q) -> rows}.  W warm-up queries per engine, then
    query by query, every engine in turn (the order rotates per query), so a
    change in machine load hits all engines alike."""
    names = list(runners)
    for q in qs[:warm]:
        for e in names:
            runners[e](q)
    res = {e: ([], []) for e in names}
    for i, q in enumerate(qs):
        for j in range(len(names)):
            e = names[(i + j) % len(names)]
            t = time.perf_counter()
            rows = runners[e](q)
            res[e][0].append((time.perf_counter() - t) * 1e3)
            res[e][1].append(rows)
    return res


class Floor:
    """floor.c built as a shared object (-DFLOOR_NO_MAIN), called through
    ctypes on the vectors of one set read into memory."""

    def __init__(self, lib):
        self.lib = ctypes.CDLL(lib)
        self.lib.floor_search.restype = ctypes.c_int
        self.lib.floor_search.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_char_p,
                                          ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
        self.dist = (ctypes.c_float * K)()
        self.id = (ctypes.c_long * K)()
        self.buf = None

    def load(self, path, rows, dim):
        self.buf = None
        with open(path, "rb") as f:
            self.buf = bytearray(f.read())
        if len(self.buf) != rows * dim * 4:
            sys.exit(f"{path}: {len(self.buf)} bytes, expected {rows} x {dim} float32")
        self.ptr = (ctypes.c_char * len(self.buf)).from_buffer(self.buf)
        self.rows, self.dim = rows, dim

    def search(self, q, metric):
        n = self.lib.floor_search(ctypes.addressof(self.ptr), self.rows, self.dim, q, K, metric == "cosine",
                                  self.dist, self.id)
        return [(self.id[i], self.dist[i]) for i in range(n)]


def agreement(got, want):
    """mean over queries of |rows(got) & rows(want)| / K"""
    return statistics.mean(len({r for r, _ in g} & {r for r, _ in w}) / K for g, w in zip(got, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "lance"))
    ap.add_argument("--vec", default=os.path.join(HERE, "node_modules", "sqlite-vec-linux-x64", "vec0"))
    ap.add_argument("--floor", default=os.path.join(ROOT, "build", "bench", "knn_floor.so"))
    ap.add_argument("--base-lib", default=None)
    ap.add_argument("--sets", default="n1m_d128,n100k_d768")
    ap.add_argument("--metrics", default="l2,cosine")
    ap.add_argument("--engines", default="knn,knn2,vec,floor")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--warm", type=int, default=2)
    args = ap.parse_args()
    args.data = os.path.abspath(args.data)
    args.lib = os.path.abspath(args.lib)
    engines = args.engines.split(",")
    if args.base_lib and "base" not in engines:
        engines.append("base")
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    sets = args.sets.split(",")
    vec_path = os.path.join(args.data, "vec.db")
    if "vec" in engines and not os.path.exists(vec_path):
        build_vec(args, meta, vec_path)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().machine}, {os.cpu_count()} cores, {cpu}")
    print(f"# SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {args.queries} queries, "
          f"top-{K}, {args.warm} warm-up queries per engine, warm page cache")
    lib = args.lib + ".so" if os.path.exists(args.lib + ".so") else args.lib
    print(f"# lance: {lib} ({time.strftime('%Y-%m-%d %H:%M', time.gmtime(os.path.getmtime(lib)))}); "
          f"floor: {args.floor}")
    print(f"# reproduce: BENCH_DATA={args.data} bench/knn/run.sh --sets {args.sets} "
          f"--metrics {args.metrics} --engines {args.engines} --queries {args.queries} --warm {args.warm}"
          + (f" (KNN_BASE=REV for --base-lib {args.base_lib})" if args.base_lib else ""),
          flush=True)

    L = V = FL = LB = None
    if "floor" in engines:
        FL = Floor(args.floor)
    if "knn" in engines or "knn2" in engines:
        L = lance_con(args.lib)
    if "base" in engines:
        LB = lance_con(os.path.abspath(args.base_lib))
        print(f"# base: {args.base_lib}", flush=True)
    if "vec" in engines:
        V = vec_con(args, vec_path)
        warm_file(vec_path)
        print(f"# sqlite-vec {V.execute('SELECT vec_version()').fetchone()[0]}", flush=True)

    table = []
    for name in sets:
        m = meta[name]
        dim, rows = m["dim"], m["rows"]
        qs = queries(args, name, dim)
        lance_row = None
        if LB:
            LB.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS l_{name} USING lance('{args.data}/{name}.lance')")
        if L:
            L.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS l_{name} USING lance('{args.data}/{name}.lance')")
            warm_tree(os.path.join(args.data, name + ".lance"))
            lance_row = {rid: i for rid, i in L.execute(f"SELECT _rowid, id FROM l_{name}")}
            if len(lance_row) != rows:
                sys.exit(f"l_{name}: {len(lance_row)} rows, expected {rows}")
        if FL:
            FL.load(os.path.join(args.data, name + ".f32"), rows, dim)
        for metric in args.metrics.split(","):
            runners = {}
            if FL:
                runners["floor"] = lambda q, metric=metric: FL.search(q, metric)
            sql = KNN_SQL.format(t="l_" + name) + (" AND _metric = 'cosine'" if metric == "cosine" else "")
            if L and "knn" in engines:
                runners["knn"] = lambda q, sql=sql: L.execute(sql, (q,)).fetchall()
            if L and "knn2" in engines:
                sql2 = sql + " AND _options = 'threads=2'"
                runners["knn2"] = lambda q, sql2=sql2: L.execute(sql2, (q,)).fetchall()
            if LB:
                runners["base"] = lambda q, sql=sql: LB.execute(sql, (q,)).fetchall()
            if V:
                vsql = VEC_SQL.format(t=f"v_{name}_{metric}")
                runners["vec"] = lambda q, vsql=vsql: V.execute(vsql, (q,)).fetchall()
            res = interleaved(runners, qs, args.warm)
            for e in ("knn", "knn2", "base"):
                if e in res:
                    res[e] = (res[e][0], [[(lance_row[rid], d) for rid, d in q] for q in res[e][1]])
            if "vec" in res:
                res["vec"] = (res["vec"][0], [[(rid - 1, d) for rid, d in q] for q in res["vec"][1]])
            p50 = {e: pct(t, 50) for e, (t, _) in res.items()}
            p95 = {e: pct(t, 95) for e, (t, _) in res.items()}
            notes = []
            for e in ("knn", "knn2", "base", "vec"):
                if e in res and "floor" in res:
                    notes.append(f"{e} agreement {agreement(res[e][1], res['floor'][1]):.3f}")
            if "knn" in res and "floor" in res:
                rel = 0.0
                for g, w in zip(res["knn"][1], res["floor"][1]):
                    wd = dict(w)
                    for r_, d in g:
                        if r_ in wd:
                            rel = max(rel, abs(d - wd[r_]) / max(abs(wd[r_]), 1e-30))
                notes.append(f"knn _distance max rel diff {rel:.1e}")
            print(f"# {name} {metric}: " + ", ".join(
                f"{e} p50 {p50[e]:.2f} ms p95 {p95[e]:.2f} ms" for e in res) + "; " + "; ".join(notes), flush=True)
            table.append((name, rows, dim, metric, p50, p95))

    def ms(d, e):
        return f"{d[e]:.1f}" if e in d else "-"

    print("\n| set | metric | knn p50 | knn p95 | sqlite-vec p50 | sqlite-vec p95 | floor p50 | floor p95 "
          "| knn/floor | goal <= 1.25 | sqlite-vec/knn | goal >= 5 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for name, rows, dim, metric, p50, p95 in table:
        r1 = p50["knn"] / p50["floor"] if "knn" in p50 and "floor" in p50 else None
        r2 = p50["vec"] / p50["knn"] if "knn" in p50 and "vec" in p50 else None
        cells = [f"{rows // 1000}k x {dim}" if rows < 10**6 else f"{rows // 10**6}M x {dim}", metric,
                 ms(p50, "knn"), ms(p95, "knn"), ms(p50, "vec"), ms(p95, "vec"), ms(p50, "floor"), ms(p95, "floor"),
                 f"{r1:.2f}x" if r1 else "-", ("PASS" if r1 <= 1.25 else "MISS") if r1 else "-",
                 f"{r2:.2f}x" if r2 else "-", ("PASS" if r2 >= 5 else "MISS") if r2 else "-"]
        print("| " + " | ".join(cells) + " |")
    if any(e in p50 for *_, p50, _ in table for e in ("knn2", "base")):
        print("\n| set | metric | knn p50 (1 thread) | knn threads=2 p50 | 1 thread / 2 threads "
              "| base p50 | base / knn |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for name, rows, dim, metric, p50, p95 in table:
            t = p50.get("knn")
            cells = [f"{rows // 1000}k x {dim}" if rows < 10**6 else f"{rows // 10**6}M x {dim}", metric,
                     ms(p50, "knn"), ms(p50, "knn2"),
                     f"{t / p50['knn2']:.2f}x" if t and "knn2" in p50 else "-",
                     ms(p50, "base"), f"{p50['base'] / t:.2f}x" if t and "base" in p50 else "-"]
            print("| " + " | ".join(cells) + " |")
    print("\n(times in ms per query)")


if __name__ == "__main__":
    main()
