"""bench/train/bench.py DATA [--rows N] [--workers W] [--batch B] [--epochs E] [--per-row]:
DataLoader throughput, rows/s and MB/s of image bytes, for one shuffled epoch of
(image bytes ~1.5 KB, label int64, score float64) rows in batches of B with W workers:
  lance     sqlite_lance.torch.LanceDataset(batches=True): one lance_take_columns
            call per batch, tensors built from its column buffers, images a list of bytes
  --variants adds lance-tensor (bytes_as="tensor": images as one uint8 tensor +
            offsets) and lance-rows (the per-row path: one `rowid IN (...)` take per
            batch, a dict per sample, default_collate)
  sqlite    the same rows in a native SQLite table, a map-style dataset taking each
            batch with `SELECT ... WHERE rowid IN (...)` (the same Python around it)
  lancedb   LanceDB 0.39's own takes (node, takeRowIds per batch, W processes)
The datasets are made once under DATA (Lance through the extension's writer)."""
import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--lib", default="build/lance.so")
ap.add_argument("--rows", type=int, default=200000)
ap.add_argument("--workers", type=int, default=4)
ap.add_argument("--batch", type=int, default=256)
ap.add_argument("--epochs", type=int, default=1)
ap.add_argument("--variants", action="store_true",
                help="also time LanceDataset's list-of-bytes batches and its per-row path")
args = ap.parse_args()
os.environ["SQLITE_LANCE_PATH"] = os.path.abspath(args.lib)

import torch  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

import sqlite_lance  # noqa: E402
from sqlite_lance.torch import LanceDataset, collate, convert_rows  # noqa: E402

COLS = ["image", "label", "score"]
KINDS = [("bytes", None), ("int", None), ("float", None)]  # LanceDataset's kinds of them

D = os.path.join(args.data, f"rows{args.rows}")
LANCE, NATIVE = os.path.join(D, "db", "frames.lance"), os.path.join(D, "native.db")


def rows(n):
    rng = random.Random(7)
    for i in range(n):
        yield i, rng.randbytes(1200 + rng.randrange(600)), i % 10, rng.random()


def make():
    os.makedirs(os.path.join(D, "db"), exist_ok=True)
    con = sqlite_lance.connect()
    con.execute(f"CREATE VIRTUAL TABLE f USING lance('{LANCE}', schema='id INT64 NOT NULL, "
                "image BLOB, label INT64, score FLOAT64')")
    with con:
        con.executemany("INSERT INTO f VALUES (?, ?, ?, ?)", rows(args.rows))
    con.close()
    nat = sqlite3.connect(NATIVE)
    nat.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, image BLOB, label INTEGER, score REAL)")
    with nat:
        nat.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows(args.rows))
    nat.close()


class NativeDataset(Dataset):
    """The native table, read as LanceDataset reads: one IN (...) take per batch, values
    converted by the same code (sqlite_lance.torch.convert_rows)."""

    def __init__(self, path, n):
        self.path, self.n, self.con = path, n, None

    def __len__(self):
        return self.n

    def __getstate__(self):
        return {"path": self.path, "n": self.n, "con": None}

    def __getitems__(self, idx):
        if self.con is None:
            self.con = sqlite3.connect(self.path)
        ids = list(idx)  # id INTEGER PRIMARY KEY = rowid = 0..n-1
        got = {r[0]: r for r in self.con.execute(
            "SELECT id, image, label, score FROM t WHERE rowid IN (" + ",".join("?" * len(ids)) + ")", ids)}
        return convert_rows(COLS, KINDS, [got[i][1:] for i in ids])


def epoch(ds, collate_fn=None):
    loader = DataLoader(ds, batch_size=args.batch, shuffle=True, num_workers=args.workers,
                        generator=torch.Generator().manual_seed(1), persistent_workers=False,
                        collate_fn=collate_fn)
    t0 = time.perf_counter()
    n = nbytes = 0
    for batch in loader:
        n += len(batch["label"])
        img = batch["image"]
        nbytes += int(img[1][-1]) if isinstance(img, tuple) else sum(len(b) for b in img)
    return n, nbytes, time.perf_counter() - t0


def lancedb():
    con = sqlite_lance.connect()
    con.execute(f"CREATE VIRTUAL TABLE f USING lance('{LANCE}')")
    ids = [r for (r,) in con.execute("SELECT rowid FROM f")]
    random.Random(1).shuffle(ids)
    order = os.path.join(D, "order.json")
    json.dump(ids, open(order, "w"))
    t0 = time.perf_counter()
    procs = [subprocess.Popen(["node", os.path.join(HERE, "lancedb_take.mjs"), os.path.join(D, "db"),
                               "frames", order, str(w), str(args.workers), str(args.batch)],
                              stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, LANCEDB_LOG="error"))
             for w in range(args.workers)]
    outs = [p.communicate()[0].split() for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit("lancedb_take.mjs failed")
    return sum(int(o[0]) for o in outs), sum(int(o[1]) for o in outs), time.perf_counter() - t0


if not os.path.exists(NATIVE):
    t0 = time.perf_counter()
    make()
    print(f"made {args.rows} rows in {time.perf_counter() - t0:.1f} s under {D}")
n_lance = LanceDataset(LANCE, columns=COLS, batches=True)
runs = [("lance", lambda: epoch(n_lance, collate))]
if args.variants:
    runs.append(("lance-tensor", lambda: epoch(LanceDataset(LANCE, columns=COLS, batches=True,
                                                            bytes_as="tensor"), collate)))
    runs.append(("lance-rows", lambda: epoch(LanceDataset(LANCE, columns=COLS))))
runs += [("sqlite", lambda: epoch(NativeDataset(NATIVE, args.rows))), ("lancedb", lancedb)]
# Epochs round-robin over the readers (lance, ..., lancedb, lance, ...) so that load
# changes on a shared machine hit all of them alike; best epoch of each.
# CPU: user + system seconds of this process and of the workers / node processes
# (reaped at the end of each epoch), for the best epoch.


def cpu_seconds():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


best = {}
for _ in range(args.epochs):
    for name, run in runs:
        c0 = cpu_seconds()
        n, nbytes, s = run()
        cpu = cpu_seconds() - c0
        if n != args.rows:
            raise SystemExit(f"{name}: {n} rows, expected {args.rows}")
        if name not in best or s < best[name][0]:
            best[name] = (s, nbytes, cpu)
results = {}
for name, _ in runs:
    s, nbytes, cpu = best[name]
    results[name] = (args.rows / s, nbytes / s / 1e6)
    print(f"{name:12s} {args.rows} rows in {s:6.2f} s: {args.rows / s:10.0f} rows/s "
          f"{nbytes / s / 1e6:8.1f} MB/s  cpu {cpu:6.2f} s")
faster = max(results["sqlite"][0], results["lancedb"][0])
print(f"lance / faster of sqlite and lancedb: {results['lance'][0] / faster:.2f}x")
