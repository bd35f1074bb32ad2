#!/usr/bin/python3
"""bench/fts/bench.py DATA [--lib build/lance] [--queries bench/fts/queries.tsv]
                           [--engines fts5,lancedb,ext,ext_own] [--rounds 5] [--warm 1]
                           [--builds 3] [--json FILE]

Full-text search over the GCIDE corpus (DATA/docs.lance and DATA/meta.json made by
bench/fts/make_data.mjs), top 10, all engines in one run (bench/README.md):

  fts5     native SQLite FTS5: DATA/docs.db holds docs(id INTEGER PRIMARY KEY,
           headword, body), copied from docs.lance through the extension (made on
           first use); the index is an external-content table
             fts5(headword UNINDEXED, body, content='docs', content_rowid='id',
                  tokenize='unicode61', detail=full)
           built by INSERT INTO fts(fts) VALUES('rebuild') then 'optimize' (its
           segments merged into one b-tree, in the same transaction); queries
             SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10
           (rank = bm25(fts); "a" / "a" OR "b" / "a" AND "b" / "a b").
  lancedb  LanceDB 0.39 (node, bench/fts/lancedb.mjs): createIndex("body",
           Index.fts({withPosition: true})), default tokenizer; queries
           query().fullTextSearch(q).select(["id"]).limit(10).toArray().
  ext      the extension on the index LanceDB built (the same dataset):
             SELECT rowid, _score FROM docs WHERE body MATCH ? AND _k = 10
           with plain text for term and OR queries and LanceDB's JSON query objects
           for AND ({"match": {..., "operator": "And"}}) and phrases ({"phrase": ...}).
  ext_own  the same query on an index the extension built itself with
           lance_create_index('docs', 'body', 'FTS', 'with_position=true'), on its own
           copy of docs.lance: measured only once that function exists.

Builds: --builds times each engine builds its index on a fresh copy of the data
(DATA/run/), the engines in turn; build seconds = median, index MB (10^6 bytes) of
the last build: FTS5 the pages of its shadow tables (dbstat: fts_data, fts_idx,
fts_docsize, fts_config; the content stays in docs), LanceDB and the extension the
files under docs.lance/_indices/. The queries run on the last build.
Latency: W untimed warm-up rounds over all queries, then R rounds; in each round the
queries one by one, every engine in turn (the order rotates per query), so that load
changes on a shared machine hit all engines alike. Times: time.perf_counter around
execute + fetchall (lancedb: performance.now in node around building the query and
toArray, the pipe excluded); p50 / p95 over all timed (query, round) samples.
Overlap with LanceDB, per query |A & B| / max(|A|, |B|) (1 when both are empty), mean
over the queries; "ties" also counts a row of A missing from B when its score equals
B's last score (the two engines cut a run of equal scores at different rows).
Goals: ext_own build seconds and index MB <= lancedb's; ext and ext_own p50 and p95
<= fts5's, over all queries and per query class; ext and ext_own overlap with lancedb
>= 0.99.
"""
import argparse, json, os, shutil, sqlite3, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import cpu_model, lance_con, pct, warm_tree  # noqa: E402
K = 10
EXT_SQL = "SELECT rowid, _score FROM docs WHERE body MATCH ? AND _k = 10"
FTS5_SQL = "SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10"
FTS5_TABLE = ("CREATE VIRTUAL TABLE fts USING fts5(headword UNINDEXED, body, content='docs', "
              "content_rowid='id', tokenize='unicode61', detail=full)")
CREATE_INDEX = "SELECT lance_create_index('docs', 'body', 'FTS', 'with_position=true')"
ENGINES = ("fts5", "lancedb", "ext", "ext_own")


def read_queries(path):
    """[(kind, terms)] from the tab-separated file (# comments)."""
    qs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            kind, terms = line.rstrip("\n").split("\t")[:2]
            if kind not in ("term", "or", "and", "phrase") or not terms.strip():
                sys.exit(f"{path}:{n}: expected KIND<tab>TERMS, KIND one of term, or, and, phrase")
            qs.append((kind, terms))
    return qs


def fts5_query(kind, terms):
    words = terms.split()
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    return (" AND " if kind == "and" else " OR ").join(f'"{w}"' for w in words)


def ext_query(kind, terms):
    if kind == "and":
        return json.dumps({"match": {"column": "body", "terms": terms, "operator": "And", "fuzziness": 0}})
    if kind == "phrase":
        return json.dumps({"phrase": {"column": "body", "terms": terms, "slop": 0}})
    return terms


def tree_bytes(top):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(top) for n in names)


def make_docs_db(args, meta, path):
    """DATA/docs.db: the rows of docs.lance in a plain table, read through the extension."""
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = lance_con(args.lib, tmp)
    con.execute(f"CREATE VIRTUAL TABLE temp.src USING lance('{args.data}/docs.lance')")
    con.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, headword TEXT, body TEXT)")
    con.execute("BEGIN")
    con.execute("INSERT INTO docs SELECT id, headword, body FROM temp.src")
    con.execute("COMMIT")
    n, nbytes = con.execute("SELECT count(*), sum(length(CAST(body AS BLOB))) FROM docs").fetchone()
    con.close()
    if (n, nbytes) != (meta["rows"], meta["body_bytes"]):
        sys.exit(f"{tmp}: {n} rows, {nbytes} body bytes; meta.json says {meta['rows']}, {meta['body_bytes']}")
    os.rename(tmp, path)


class LanceDB:
    """bench/fts/lancedb.mjs in a child process, one JSON line per request."""

    def __init__(self):
        env = dict(os.environ, LANCEDB_LOG=os.environ.get("LANCEDB_LOG", "error"))
        self.p = subprocess.Popen(["node", os.path.join(HERE, "lancedb.mjs")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, **req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            sys.exit("lancedb.mjs exited")
        ans = json.loads(line)
        if "error" in ans:
            sys.exit(f"lancedb.mjs {req}: {ans['error']}")
        return ans

    def close(self):
        self.p.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.p.stdin.close()
        self.p.wait()


def fresh_copy(src, dst):
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    elif os.path.exists(dst):
        os.remove(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    (shutil.copytree if os.path.isdir(src) else shutil.copyfile)(src, dst)


def build_fts5(args, run):
    db = os.path.join(run, "fts5", "docs.db")
    fresh_copy(os.path.join(args.data, "docs.db"), db)
    con = sqlite3.connect(db, isolation_level=None)
    t = time.perf_counter()
    con.execute("BEGIN")
    con.execute(FTS5_TABLE)
    con.execute("INSERT INTO fts(fts) VALUES('rebuild')")
    con.execute("INSERT INTO fts(fts) VALUES('optimize')")
    con.execute("COMMIT")
    secs = time.perf_counter() - t
    size = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN "
                       "('fts_data', 'fts_idx', 'fts_docsize', 'fts_config')").fetchone()[0]
    con.close()
    return secs, size


def build_lancedb(args, run, ldb):
    top = os.path.join(run, "lancedb")
    fresh_copy(os.path.join(args.data, "docs.lance"), os.path.join(top, "docs.lance"))
    secs = ldb.ask(op="build", dir=top)["seconds"]
    return secs, tree_bytes(os.path.join(top, "docs.lance", "_indices"))


def build_ext(args, run):
    """(seconds, bytes), or (None, why) when the extension cannot build FTS indexes."""
    path = os.path.join(run, "ext", "docs.lance")
    fresh_copy(os.path.join(args.data, "docs.lance"), path)
    con = lance_con(args.lib)
    con.execute(f"CREATE VIRTUAL TABLE docs USING lance('{path}')")
    t = time.perf_counter()
    try:
        con.execute(CREATE_INDEX).fetchall()
        secs = time.perf_counter() - t
    except sqlite3.Error as e:
        return None, str(e)
    finally:
        con.close()
    return secs, tree_bytes(os.path.join(path, "_indices"))


def builds(args, run, engines, ldb):
    """{engine: (median seconds, index bytes of the last build)} or (None, reason)."""
    secs = {e: [] for e in ("fts5", "lancedb", "ext_own") if e in engines}
    size, why = {}, {}
    for i in range(args.builds):
        for e in list(secs):
            if e == "fts5":
                s, b = build_fts5(args, run)
            elif e == "lancedb":
                s, b = build_lancedb(args, run, ldb)
            else:
                s, b = build_ext(args, run)
                if s is None:
                    why[e] = b
                    del secs[e]
                    continue
            secs[e].append(s)
            size[e] = b
            print(f"# build {i + 1}/{args.builds} {e}: {s:.2f} s, index {b / 1e6:.1f} MB", flush=True)
    out = {e: (statistics.median(v), size[e]) for e, v in secs.items()}
    out.update({e: (None, w) for e, w in why.items()})
    return out


def ext_runner(args, path, name):
    """fn(kind, terms) -> [(id, score)] through the extension on the dataset at path,
    or (None, reason) when this build has no full-text search."""
    con = lance_con(args.lib)
    con.execute(f"CREATE VIRTUAL TABLE docs USING lance('{path}')")
    ids = dict(con.execute("SELECT rowid, id FROM docs"))
    try:
        con.execute(EXT_SQL, ("webster",)).fetchall()
    except sqlite3.Error as e:
        con.close()
        return None, f"{name}: {e}"

    def run(kind, terms):
        return [(ids[r], s) for r, s in con.execute(EXT_SQL, (ext_query(kind, terms),)).fetchall()]
    return run, None


def runners(args, run, engines, ldb, built):
    """{engine: fn(kind, terms) -> [(id, score)] best first, or (ms, rows) from an engine
    that times itself (lancedb)} and {engine: reason} for the engines that cannot run in
    this build."""
    fns, why = {}, {}
    if "fts5" in engines:
        con = sqlite3.connect(os.path.join(run, "fts5", "docs.db"), isolation_level=None)
        fns["fts5"] = lambda kind, terms: [(r, -s) for r, s in
                                           con.execute(FTS5_SQL, (fts5_query(kind, terms),)).fetchall()]
    if "lancedb" in engines:
        def lance(kind, terms):
            a = ldb.ask(op="query", kind=kind, terms=terms, k=K)
            return a["ms"], [tuple(r) for r in a["rows"]]
        fns["lancedb"] = lance
    for e, sub in (("ext", "lancedb"), ("ext_own", "ext")):
        if e not in engines:
            continue
        if e == "ext_own" and built.get(e, (None,))[0] is None:
            why[e] = built.get(e, (None, "not run"))[1]
            continue
        fn, reason = ext_runner(args, os.path.join(run, sub, "docs.lance"), e)
        if fn:
            fns[e] = fn
        else:
            why[e] = reason
    return fns, why


def interleaved(fns, qs, warm, rounds):
    """{engine: ([ms per sample], [rows per query])}: warm untimed rounds, then timed
    rounds, query by query, every engine in turn (the order rotates per query)."""
    names = list(fns)
    for _ in range(warm):
        for q in qs:
            for e in names:
                fns[e](*q)
    res = {e: ([], [None] * len(qs)) for e in names}
    i = 0
    for _ in range(rounds):
        for n, q in enumerate(qs):
            for j in range(len(names)):
                e = names[(i + j) % len(names)]
                t = time.perf_counter()
                got = fns[e](*q)
                ms = (time.perf_counter() - t) * 1e3
                if isinstance(got, tuple):  # lancedb: timed in node
                    ms, got = got
                res[e][0].append((n, ms))
                res[e][1][n] = got
            i += 1
    return res


def overlap(got, want, ties):
    """mean over queries of |got & want| / max(|got|, |want|); with ties, a row of got
    missing from want also counts when its score equals want's last score (relative
    1e-6)."""
    vals = []
    for g, w in zip(got, want):
        if not g and not w:
            vals.append(1.0)
            continue
        wr = {r for r, _ in w}
        shared = sum(1 for r, _ in g if r in wr)
        if ties and len(w) == K:
            last = w[-1][1]
            shared += sum(1 for r, s in g if r not in wr and abs(s - last) <= 1e-6 * abs(last))
        vals.append(min(shared, max(len(g), len(w))) / max(len(g), len(w)))
    return statistics.mean(vals), sum(1 for v in vals if v < 1)


def score_diff(got, want):
    """max relative difference of the scores of the rows both found"""
    rel = 0.0
    for g, w in zip(got, want):
        wd = dict(w)
        for r, s in g:
            if r in wd:
                rel = max(rel, abs(s - wd[r]) / max(abs(wd[r]), 1e-30))
    return rel


def header(args, meta, nq):
    cpu = cpu_model()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(ROOT, "test", "interop", "node_modules", "@lancedb", "lancedb", "package.json")) as f:
        lancedb = json.load(f)["version"]
    lib = args.lib + ".so" if os.path.exists(args.lib + ".so") else args.lib
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().machine}, {os.cpu_count()} cores, "
          f"CPU (lscpu) {cpu}")
    print(f"# SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, node {node}, LanceDB {lancedb}; "
          f"lance: {lib} ({time.strftime('%Y-%m-%d %H:%M', time.gmtime(os.path.getmtime(lib)))})")
    print(f"# corpus: {meta['rows']} GCIDE entries, {meta['body_bytes'] / 1e6:.1f} MB of text; {nq} queries "
          f"({args.queries}), top-{K}, {args.warm} warm-up and {args.rounds} timed rounds, {args.builds} builds")
    print(f"# reproduce: BENCH_DATA={args.data} bench/fts/run.sh --engines {args.engines} --rounds {args.rounds} "
          f"--warm {args.warm} --builds {args.builds}", flush=True)


def goal(ok, measured=True):
    return ("PASS" if ok else "FAIL") if measured else "not yet measured"


def own_state(built):
    """what the ext_own build row says when it has no figures"""
    why = built.get("ext_own", (None, "not run"))[1]
    return "not yet measured" if "no such function: lance_create_index" in str(why) else "build failed"


def report(qs, built, res, why):
    """the markdown tables of bench/README.md"""
    kinds = sorted({k for k, _ in qs}, key=("term", "or", "and", "phrase").index)
    print("\n| engine | index build s | index MB | p50 ms | p95 ms | " +
          " | ".join(f"p50 / p95 {k} ({sum(1 for q in qs if q[0] == k)})" for k in kinds) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(kinds))
    for e in (e for e in ENGINES if e in res or e in built or e in why):
        secs, size = built.get(e, (None, None))
        b = (f"{secs:.2f}", f"{size / 1e6:.1f}") if secs is not None else ("-", "-")
        if e == "ext_own" and secs is None:
            b = (own_state(built),) * 2
        if e == "ext":
            b = ("(LanceDB's)", "(LanceDB's)")
        if e in res:
            ts = [ms for _, ms in res[e][0]]
            lat = [f"{pct(ts, 50):.2f}", f"{pct(ts, 95):.2f}"]
            lat += [" / ".join(f"{pct([ms for n, ms in res[e][0] if qs[n][0] == k], p):.2f}" for p in (50, 95))
                    for k in kinds]
        else:
            lat = ["-"] * (2 + len(kinds))
        print(f"| {e} | " + " | ".join(list(b) + lat) + " |")
    for e, w in why.items():
        print(f"\n{e}: not measured: {w}")
    if "lancedb" in res:
        want = res["lancedb"][1]
        print("\n| vs lancedb | mean top-10 overlap | queries < 1 | with ties at the cut | queries < 1 "
              "| max rel. score diff (shared rows) |")
        print("|---|---:|---:|---:|---:|---:|")
        for e in ("ext", "ext_own", "fts5"):
            if e in res:
                (o, n), (ot, nt) = overlap(res[e][1], want, False), overlap(res[e][1], want, True)
                if e == "fts5":  # its scores are not LanceDB's: no ties, no score comparison
                    print(f"| {e} | {o:.3f} | {n} | - | - | - |")
                else:
                    print(f"| {e} | {o:.3f} | {n} | {ot:.3f} | {nt} | {score_diff(res[e][1], want):.1e} |")
    p50 = {e: pct([ms for _, ms in res[e][0]], 50) for e in res}
    lb, own = built.get("lancedb", (None, None)), built.get("ext_own", (None, None))
    ok_own = own[0] is not None and lb[0] is not None
    tried = ok_own or ("ext_own" in built and own_state(built) == "build failed")
    print("\n| goal | measured | result |\n|---|---|---|")
    print("| ext_own build s <= lancedb's | " + (f"{own[0]:.2f} vs {lb[0]:.2f}" if ok_own else "-") +
          f" | {goal(ok_own and own[0] <= lb[0], tried)} |")
    print("| ext_own index MB <= lancedb's | " + (f"{own[1] / 1e6:.1f} vs {lb[1] / 1e6:.1f}" if ok_own else "-") +
          f" | {goal(ok_own and own[1] <= lb[1], tried)} |")
    for e in ("ext", "ext_own"):
        have = e in p50 and "fts5" in p50
        if not have:
            continue
        for k in [None] + kinds:  # all queries, then each class
            lat = {x: [ms for n, ms in res[x][0] if k is None or qs[n][0] == k] for x in (e, "fts5")}
            a, b = [pct(lat[e], p) for p in (50, 95)], [pct(lat["fts5"], p) for p in (50, 95)]
            print(f"| {e} p50 and p95 <= fts5's, {k or 'all'} queries | {a[0]:.2f} / {a[1]:.2f} vs "
                  f"{b[0]:.2f} / {b[1]:.2f} ms | {goal(a[0] <= b[0] and a[1] <= b[1])} |")
    for e in ("ext", "ext_own"):
        have = e in res and "lancedb" in res
        if not have:
            continue
        o = overlap(res[e][1], res["lancedb"][1], False)[0]
        ot = overlap(res[e][1], res["lancedb"][1], True)[0]
        print(f"| {e} top-10 overlap with lancedb >= 0.99 | {o:.4f} ({ot:.4f} with ties at the cut) "
              f"| {goal(o >= 0.99)} |")


def save(path, qs, built, res):
    """per query: the engines' rows and p50 ms (for looking into a result)"""
    out = {"builds": {e: list(v) for e, v in built.items()}, "queries": []}
    for n, (kind, terms) in enumerate(qs):
        out["queries"].append({"kind": kind, "terms": terms, "engines": {
            e: {"p50_ms": pct([ms for i, ms in t if i == n], 50), "rows": rows[n]} for e, (t, rows) in res.items()}})
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "lance"))
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.tsv"))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warm", type=int, default=1)
    ap.add_argument("--builds", type=int, default=3)
    ap.add_argument("--json", default=None, help="per-query results (default DATA/run/results.json)")
    args = ap.parse_args()
    args.data, args.lib = os.path.abspath(args.data), os.path.abspath(args.lib)
    engines = args.engines.split(",")
    if any(e not in ENGINES for e in engines) or args.builds < 1 or args.rounds < 1:
        sys.exit(f"--engines: some of {','.join(ENGINES)}; --builds and --rounds >= 1")
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    if not os.path.exists(os.path.join(args.data, "docs.db")):
        make_docs_db(args, meta, os.path.join(args.data, "docs.db"))
    qs = read_queries(args.queries)
    header(args, meta, len(qs))
    run = os.path.join(args.data, "run")
    ldb = LanceDB() if "lancedb" in engines or "ext" in engines else None
    built = builds(args, run, engines if "ext" not in engines else engines + ["lancedb"], ldb)
    if ldb and "lancedb" not in engines:
        ldb.close()
        ldb = None
    warm_tree(run)
    fns, why = runners(args, run, engines, ldb, built)
    res = interleaved(fns, qs, args.warm, args.rounds)
    if ldb:
        ldb.close()
    report(qs, built, res, why)
    save(args.json or os.path.join(run, "results.json"), qs, built, res)


if __name__ == "__main__":
    main()
