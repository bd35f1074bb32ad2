#!/usr/bin/python3
"""bench/scan/bench.py DATA [--lib build/lance] [--runs 3] [--only 12345]
                        [--take-batches 200] [--take-seconds 2]
   bench/scan/bench.py DATA --rss lance|native|base   (one query 2, prints VmHWM kB)

SQL-level benchmark of the lance virtual table against native SQLite tables
holding the same rows, all measured in one process and one run.  DATA holds
the Lance datasets written by bench/scan/make_data.mjs; the native copies go
to DATA/native.db (made here on first use, see build_native()).

  1  SELECT count(*) FROM t WHERE category='delta' AND value > 0.5   goal <= 0.5x native time
  2  SELECT category, sum(value) FROM t GROUP BY category             goal <= 1.0x native time
  3  projection: max(c0) vs max(c0..c9) of a 10-column table: bytes read
     by the 1-column query <= 15% of the 10-column query's
  4  take: 64-row random batches by rowid IN (...) from the 4 KB-blob table,
     rows/s vs native rowid IN (ratio is lance/native, higher is better)
  5  peak RSS of query 2 on lance (separate process) <= 200 MB

Times are wall clock (time.perf_counter) of execute + fetchall, best of N
runs, OS page cache warm (one untimed warm-up run first); lance and native
runs alternate so that both see the same load.  Bytes are from
/proc/self/io around the statement: rchar (bytes the process asked of
read/pread, cache or not; the goal is judged on it) and read_bytes after the
table's files were evicted from the page cache (bytes that really came from
disk, including the kernel's readahead).
"""
import argparse, json, os, random, sqlite3, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CATS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
Q1 = "SELECT count(*) FROM {t} WHERE category='delta' AND value > 0.5"
Q2 = "SELECT category, sum(value) FROM {t} GROUP BY category"
P1 = "SELECT max(c0) FROM {t}"
P10 = "SELECT " + ", ".join(f"max(c{i})" for i in range(10)) + " FROM {t}"


def lance_con(data, lib, db=":memory:"):
    con = sqlite3.connect(db, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(lib)
    for name in ("scan", "wide", "take"):
        schema = "temp." if db != ":memory:" else ""
        con.execute(f"CREATE VIRTUAL TABLE {schema}l_{name} USING lance('{data}/{name}.lance')")
    return con


def build_native(data, lib, path):
    """Native copies: same rows, in Lance row order, one transaction per
    table, no index but the rowid (1..N, so take rowid = id + 1)."""
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = lance_con(data, lib, tmp)
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.execute("CREATE TABLE n_scan(id INTEGER, category TEXT, value REAL, flag INTEGER)")
    con.execute("INSERT INTO n_scan SELECT id, category, value, flag FROM l_scan")
    con.execute("COMMIT")
    con.execute("BEGIN")
    cols = ", ".join([f"c{i} REAL" for i in range(5)] + [f"c{i} INTEGER" for i in range(5, 10)])
    con.execute(f"CREATE TABLE n_wide({cols})")
    con.execute("INSERT INTO n_wide SELECT " + ", ".join(f"c{i}" for i in range(10)) + " FROM l_wide")
    con.execute("COMMIT")
    con.execute("BEGIN")
    con.execute("CREATE TABLE n_take(id INTEGER, payload BLOB)")
    con.execute("INSERT INTO n_take(rowid, id, payload) SELECT id + 1, id, payload FROM l_take")
    con.execute("COMMIT")
    con.close()
    os.rename(tmp, path)
    print(f"# made {path} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s",
          flush=True)


def best_of(pairs, runs):
    """pairs: [(con, sql), ...]; runs alternate between them (lance, native,
    lance, ...) so that both see the same machine load.  Best time and the
    rows of each."""
    for con, sql in pairs:
        con.execute(sql).fetchall()  # warm-up
    best, rows = [float("inf")] * len(pairs), [None] * len(pairs)
    for _ in range(runs):
        for k, (con, sql) in enumerate(pairs):
            t = time.perf_counter()
            rows[k] = con.execute(sql).fetchall()
            best[k] = min(best[k], time.perf_counter() - t)
    return best, rows


def proc_io():
    out = {}
    with open("/proc/self/io") as f:
        for line in f:
            k, v = line.split(":")
            out[k] = int(v)
    return out


def evict(paths):
    """Drop the files' pages from the page cache (posix_fadvise DONTNEED;
    no root needed).  Unlike drop_caches this keeps the code of python,
    libsqlite3 and lance.so cached, so read_bytes counts the table only."""
    files = []
    for top in paths:
        if os.path.isfile(top):
            files.append(top)
        for d, _, names in os.walk(top):
            files += [os.path.join(d, f) for f in names]
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)  # dirty pages (data just written) would stay cached
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def io_of(con, sql, evict_paths=None):
    """(rchar, read_bytes) of one execution of sql, after evicting
    evict_paths from the page cache when given."""
    if evict_paths:
        evict(evict_paths)
    a = proc_io()
    con.execute(sql).fetchall()
    b = proc_io()
    return b["rchar"] - a["rchar"], b["read_bytes"] - a["read_bytes"]


def check_scan(tag, q1, q2, expect):
    if q1[0][0] != expect["q1_count"]:
        sys.exit(f"{tag}: query 1 gave {q1[0][0]}, expected {expect['q1_count']}")
    got = dict(q2)
    for c in CATS:
        e = expect["sum_by_category"][c]
        if c not in got or abs(got[c] - e) > 1e-9 * abs(e):
            sys.exit(f"{tag}: query 2 sum for {c} is {got.get(c)}, expected {e}")


def take_bench(con, table, ids, batches, runs, seconds):
    sql = f"SELECT id, payload FROM {table} WHERE rowid IN ({', '.join('?' * 64)})"
    for b in batches[:4]:  # warm-up + check
        got = con.execute(sql, [ids[i] for i in b]).fetchall()
        if sorted(r[0] for r in got) != sorted(b) or any(len(r[1]) != 4096 for r in got):
            sys.exit(f"{table}: rowid IN returned the wrong rows")
    best = 0.0
    for _ in range(runs):  # a run stops after `seconds` (at least one batch)
        t0 = time.perf_counter()
        n, t = 0, t0
        for b in batches:
            n += len(con.execute(sql, [ids[i] for i in b]).fetchall())
            t = time.perf_counter()
            if t - t0 >= seconds:
                break
        best = max(best, n / (t - t0))
    return best


def rss_child(args):
    """--rss WHICH: run query 2 once (or nothing, for 'base') and exit."""
    if args.rss == "native":
        con = sqlite3.connect(os.path.join(args.data, "native.db"))
        con.execute(Q2.format(t="n_scan")).fetchall()
    else:
        con = lance_con(args.data, args.lib)
        if args.rss == "lance":
            con.execute(Q2.format(t="l_scan")).fetchall()
    # VmHWM, not getrusage: ru_maxrss keeps the forking parent's RSS across exec.
    with open("/proc/self/status") as f:
        print(next(l.split()[1] for l in f if l.startswith("VmHWM:")))


def rss_of(args, which):
    cmd = [sys.executable, os.path.abspath(__file__), args.data, "--lib", args.lib, "--rss", which]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) * 1024  # kB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "lance"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--take-batches", type=int, default=200)
    ap.add_argument("--take-seconds", type=float, default=2.0)
    ap.add_argument("--rss")
    ap.add_argument("--only", default="12345")
    args = ap.parse_args()
    args.data = os.path.abspath(args.data)
    args.lib = os.path.abspath(args.lib)
    if args.rss:
        return rss_child(args)

    with open(os.path.join(args.data, "expect.json")) as f:
        expect = json.load(f)
    native_path = os.path.join(args.data, "native.db")
    if not os.path.exists(native_path):
        build_native(args.data, args.lib, native_path)
    L = lance_con(args.data, args.lib)
    N = sqlite3.connect(native_path, isolation_level=None)
    nrows = L.execute("SELECT count(*) FROM l_scan").fetchone()[0]
    if nrows != expect["rows"]:
        sys.exit(f"l_scan has {nrows} rows, expected {expect['rows']}")
    nfrag = L.execute("SELECT count(DISTINCT _rowaddr >> 32) FROM l_scan").fetchone()[0]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().machine}, {os.cpu_count()} cores, {cpu}")
    print(f"# SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, best of {args.runs}, warm page cache")
    print(f"# scan: {nrows} rows in {nfrag} fragments; native.db {os.path.getsize(native_path) / 1e6:.0f} MB")
    print(f"# reproduce: {sys.executable} bench/scan/bench.py {args.data} --runs {args.runs}"
          f" --take-batches {args.take_batches} --take-seconds {args.take_seconds}", flush=True)
    print("\n| query | lance | native | ratio | goal | result |\n|---|---:|---:|---:|---|---|", flush=True)

    def row(r):  # (query, lance, native, ratio, goal, verdict), printed when measured
        print("| " + " | ".join(r) + " |", flush=True)

    def verdict(ok):
        return "PASS" if ok else "MISS"

    if "1" in args.only or "2" in args.only:
        (tl1, tn1), (q1l, q1n) = best_of([(L, Q1.format(t="l_scan")), (N, Q1.format(t="n_scan"))], args.runs)
        (tl2, tn2), (q2l, q2n) = best_of([(L, Q2.format(t="l_scan")), (N, Q2.format(t="n_scan"))], args.runs)
        check_scan("lance", q1l, q2l, expect)
        check_scan("native", q1n, q2n, expect)
        row(("1 count where category='delta' AND value>0.5", f"{tl1 * 1e3:.0f} ms",
                     f"{tn1 * 1e3:.0f} ms", f"{tl1 / tn1:.2f}x", "<= 0.5x", verdict(tl1 / tn1 <= 0.5)))
        row(("2 category, sum(value) GROUP BY category", f"{tl2 * 1e3:.0f} ms",
                     f"{tn2 * 1e3:.0f} ms", f"{tl2 / tn2:.2f}x", "<= 1.0x", verdict(tl2 / tn2 <= 1.0)))

    if "3" in args.only:
        wl = L.execute("SELECT count(*) FROM l_wide").fetchone()[0]
        files = {"l": [os.path.join(args.data, "wide.lance")], "n": [native_path]}
        io = {}
        for tag, con, t in (("l", L, "l_wide"), ("n", N, "n_wide")):
            for q, sql in (("1", P1), ("10", P10)):
                rchar, _ = io_of(con, sql.format(t=t))
                _, disk = io_of(con, sql.format(t=t), files[tag])
                io[tag + q] = (rchar, disk)
        mb = lambda b: f"{b / 1e6:.1f} MB"
        r_rchar = io["l1"][0] / io["l10"][0]
        r_disk = io["l1"][1] / max(io["l10"][1], 1)
        row((f"3 bytes read (rchar), max(c0) / max(c0..c9), {wl} rows",
                     f"{mb(io['l1'][0])} / {mb(io['l10'][0])}",
                     f"{mb(io['n1'][0])} / {mb(io['n10'][0])}",
                     f"{r_rchar * 100:.1f} %", "<= 15 %", verdict(r_rchar <= 0.15)))
        row(("3 bytes from disk, files evicted first (read_bytes)",
                     f"{mb(io['l1'][1])} / {mb(io['l10'][1])}",
                     f"{mb(io['n1'][1])} / {mb(io['n10'][1])}",
                     f"{r_disk * 100:.1f} %", "<= 15 %", verdict(r_disk <= 0.15)))

    if "4" in args.only:
        tn = L.execute("SELECT count(*) FROM l_take").fetchone()[0]
        lids = [None] * tn
        for rid, i in L.execute("SELECT rowid, id FROM l_take"):
            lids[i] = rid
        nids = list(range(1, tn + 1))
        rnd = random.Random(64)
        batches = [rnd.sample(range(tn), 64) for _ in range(args.take_batches)]
        rl = take_bench(L, "l_take", lids, batches, args.runs, args.take_seconds)
        rn = take_bench(N, "n_take", nids, batches, args.runs, args.take_seconds)
        row((f"4 take 64 random rows by rowid IN, 4 KB blob, {tn} rows",
                     f"{rl:,.0f} rows/s", f"{rn:,.0f} rows/s", f"{rl / rn:.2g}x", "(report)", "-"))

    if "5" in args.only:
        base = rss_of(args, "base")
        rl = rss_of(args, "lance")
        rn = rss_of(args, "native")
        row(("5 peak RSS of query 2 (process; python+sqlite alone: "
                     f"{base / 1e6:.0f} MB)", f"{rl / 1e6:.0f} MB", f"{rn / 1e6:.0f} MB",
                     f"{rl / rn:.1f}x", "<= 200 MB", verdict(rl <= 200e6)))
        print(f"\n# RSS alone: /usr/bin/time -v {sys.executable} bench/scan/bench.py {args.data} --rss lance")


if __name__ == "__main__":
    main()
