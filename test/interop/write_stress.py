"""Concurrency and crash safety of writes through the extension.

  /usr/bin/python3 write_stress.py OUTDIR LANCE_SO

1. Concurrency: two processes with the extension and one LanceDB (node) process append
   to one dataset for a bounded time, each row tagged with its writer and sequence
   number.  Afterwards the row count equals the sum of acknowledged appends, nothing is
   duplicated, every acknowledged row is there, and LanceDB counts the same.
2. Crash safety: a process commits transactions (each: insert TXN_ROWS rows tagged with
   the transaction number, delete one earlier row) and prints each transaction number
   once COMMIT returned; it is killed with SIGKILL at a random moment, several times.
   Afterwards the dataset opens here and in LanceDB, every acknowledged transaction is
   fully present, and no transaction is partly present.
Prints one line per check and `write_stress: N passed, M failed`.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

from sql_suite import connect, qstr, SetupError

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = "writer INT64 NOT NULL, seq INT64 NOT NULL, payload TEXT"
TXN_ROWS = 7


def writer_main(so, path, writer, seconds):
    """one extension process appending rows (autocommit) until the time is up"""
    con = connect(so)
    con.isolation_level = None  # autocommit: each INSERT is one commit
    con.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(path)})")
    end, seq = time.time() + seconds, 0
    while time.time() < end:
        try:
            con.execute("INSERT INTO t VALUES (?, ?, ?)", (writer, seq, f"w{writer}-{seq}"))
        except Exception as e:  # a refused commit is not acknowledged
            print(f"err {e}", flush=True)
            continue
        print(f"ack {seq}", flush=True)
        seq += 1


def crash_main(so, path, first):
    """commit transactions forever, printing each acknowledged transaction number"""
    con = connect(so)
    con.isolation_level = None
    con.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(path)})")
    txn = first
    while True:
        con.execute("BEGIN")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                        [(txn, k, "x" * (k * 37 % 300)) for k in range(TXN_ROWS)])
        con.execute("DELETE FROM t WHERE writer = ? AND seq = 0", (txn - 3,))
        con.execute("COMMIT")
        print(f"ack {txn}", flush=True)
        txn += 1


NODE_ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # sanitizers: not into node


def lancedb_count(path):
    r = subprocess.run(["node", os.path.join(HERE, "write_stress_node.mjs"), "count", path],
                       capture_output=True, text=True, timeout=120, env=NODE_ENV)
    if r.returncode != 0:
        raise RuntimeError(f"LanceDB count failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"write_stress: FAIL {what}")


def concurrency(so, out, checks, seconds=8):
    path = os.path.join(out, "concurrent.lance")
    con = connect(so)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(path)}, schema={qstr(SCHEMA)})")
    procs = [subprocess.Popen([sys.executable, __file__, "writer", so, path, str(w), str(seconds)],
                              stdout=subprocess.PIPE, text=True) for w in (1, 2)]
    node = subprocess.Popen(["node", os.path.join(HERE, "write_stress_node.mjs"), "append", path, "3", str(seconds)],
                            stdout=subprocess.PIPE, text=True, env=NODE_ENV)
    acked = {}
    for w, p in zip((1, 2, 3), procs + [node]):
        lines = p.communicate(timeout=seconds + 120)[0].split("\n")
        acked[w] = [int(l.split()[1]) for l in lines if l.startswith("ack ")]
        errs = [l for l in lines if l.startswith("err ")]
        if w == 3:  # LanceDB gives up after its own retry limit when contention is this high
            gave_up = [l for l in errs if "Failed to commit the transaction after" in l]
            if gave_up:
                print(f"write_stress: concurrency: LanceDB gave up {len(gave_up)} appends after its retry limit")
            errs = [l for l in errs if l not in gave_up]
        checks.check(not errs, f"concurrency: writer {w} had refused appends: {errs[:3]}")
        checks.check(p.returncode == 0, f"concurrency: writer {w} exited with {p.returncode}")
    rows = con.execute("SELECT writer, seq FROM t").fetchall()
    total = sum(len(v) for v in acked.values())
    checks.check(len(rows) == total, f"concurrency: {len(rows)} rows, {total} acknowledged appends")
    checks.check(len(set(rows)) == len(rows), "concurrency: duplicated rows")
    want = {(w, s) for w, seqs in acked.items() for s in seqs}
    checks.check(want <= set(rows), f"concurrency: {len(want - set(rows))} acknowledged rows missing")
    checks.check(lancedb_count(path) == total, "concurrency: LanceDB counts a different number of rows")
    print(f"write_stress: concurrency: {total} appends acknowledged "
          f"({', '.join(f'writer {w}: {len(v)}' for w, v in acked.items())}), all present")


def crash(so, out, checks, rounds=6):
    path = os.path.join(out, "crash.lance")
    con = connect(so)
    con.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(path)}, schema={qstr(SCHEMA)})")
    rng = random.Random(7)
    acked, first = [], 1
    for _ in range(rounds):
        p = subprocess.Popen([sys.executable, __file__, "crash", so, path, str(first)], stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 1.5))
        p.send_signal(signal.SIGKILL)
        got = [int(l.split()[1]) for l in p.communicate()[0].split("\n") if l.startswith("ack ")]
        acked += got
        first = (max(got) if got else first) + 2  # the killed transaction's number is skipped
    con2 = connect(so)
    con2.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(path)})")
    per_txn = dict(con2.execute("SELECT writer, count(*) FROM t GROUP BY writer").fetchall())
    for txn in acked:  # all its rows, less (txn, 0) if txn + 3 committed
        have = per_txn.get(txn, 0)
        checks.check(have in (TXN_ROWS, TXN_ROWS - 1), f"crash: acknowledged transaction {txn} has {have} rows")
    partial = {w: n for w, n in per_txn.items() if n not in (TXN_ROWS, TXN_ROWS - 1)}
    checks.check(not partial, f"crash: partly visible transactions {partial}")
    checks.check(lancedb_count(path) == sum(per_txn.values()), "crash: LanceDB counts a different number of rows")
    print(f"write_stress: crash: {rounds} SIGKILLs, {len(acked)} acknowledged transactions, all present, none partial")


def main():
    if sys.argv[1] == "writer":
        return writer_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    if sys.argv[1] == "crash":
        return crash_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    out, so = sys.argv[1], sys.argv[2]
    d = os.path.join(out, "write_stress")
    subprocess.run(["rm", "-rf", d], check=True)
    os.makedirs(d)
    checks = Checks()
    try:
        concurrency(so, d, checks)
        crash(so, d, checks)
    except SetupError as e:
        print(f"write_stress: setup: {e}")
        checks.failed += 1
    print(f"write_stress: {checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
