"""bench/benchlib.py: helpers shared by the benchmarks' Python drivers (bench/knn/bench.py,
bench/fts/bench.py): an extension-loaded SQLite connection, reading files into the page
cache, nearest-rank percentiles, the CPU model as lscpu names it, a child process's JSON
result with its peak RSS (bench/ingest, bench/evolve)."""
import json, os, sqlite3, subprocess, sys


def lance_con(lib, db=":memory:"):
    """a connection to db (autocommit) with the extension at lib loaded"""
    con = sqlite3.connect(db, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(lib)
    return con


def warm_file(path):
    """read the file once, so that the runs after find it in the page cache"""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def warm_tree(top):
    for d, _, names in os.walk(top):
        for n in names:
            warm_file(os.path.join(d, n))


def pct(xs, p):
    """the p-th percentile of xs, nearest rank"""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def cpu_model():
    """lscpu's "Model name" ("?" without lscpu)"""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return "?"
    return next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name:")), "?")


def run_child(cmd, who, cwd=None):
    """Run cmd, whose last stdout line is a JSON object; that object plus the child's
    peak RSS (rss_mb, from wait4). Exits naming `who` when the child fails."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=cwd)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{who}: {' '.join(cmd)} failed with status {status}")
    res = json.loads(out.strip().splitlines()[-1])
    res["rss_mb"] = ru.ru_maxrss / 1024
    return res
