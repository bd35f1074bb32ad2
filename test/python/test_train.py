"""The Python package (python/sqlite_lance) with Debian's python3-torch: loading,
LanceDataset / LanceIterableDataset over a table and over permutation splits,
one SQL take per batch, DataLoader workers under fork and spawn, value types,
checkpoints pinned to data, a small CNN trained for one epoch on PNG images,
and `pip install ./python` into a venv, offline.  Run from the repository root
with the python3 that has Debian's torch:
    /usr/bin/python3 test/python/test_train.py [build-dir]
Prints the unittest summary and exits 1 on any failure."""
import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
os.environ["SQLITE_LANCE_PATH"] = os.path.join(BUILD, "lance.so")
sys.path.insert(0, os.path.abspath("python"))

import torch  # noqa: E402
from PIL import Image  # noqa: E402
from torch.utils.data import DataLoader, default_collate  # noqa: E402

import sqlite_lance  # noqa: E402
from sqlite_lance import checkpoint  # noqa: E402
from sqlite_lance.torch import LanceDataset, LanceIterableDataset, collate, split_bytes  # noqa: E402

N = 240


def png(i):
    """32x32 RGB: noise, with a red (label 0) or blue (label 1) square somewhere."""
    g = torch.Generator().manual_seed(i)
    px = (torch.rand(32, 32, 3, generator=g) * 90).to(torch.uint8)
    label = i % 2
    x, y = (i * 7) % 20, (i * 11) % 20
    px[y:y + 12, x:x + 12, :] = 40
    px[y:y + 12, x:x + 12, 2 if label else 0] = 230
    buf = io.BytesIO()
    Image.fromarray(px.numpy(), "RGB").save(buf, "PNG")
    return buf.getvalue(), label


def make_dataset(path):
    con = sqlite_lance.connect()
    con.execute(f"CREATE VIRTUAL TABLE s USING lance('{path}', schema='id INT64 NOT NULL, "
                "image BLOB, label INT64, score FLOAT64, flag BOOLEAN, caption TEXT, "
                "emb FLOAT32[4], tags TEXT[]')")
    rows = []
    for i in range(N):
        img, label = png(i)
        emb = struct.pack("<4f", i, -i, 0.5, label)
        rows.append((i, img, label, i / 4, i % 3 == 0, f"scene {i}", emb, '["a"]'))
    with con:
        con.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()


def images(batch):
    """default_collate's list of PNG bytes -> a float tensor [B, 3, 32, 32]."""
    out = [torch.tensor(list(Image.open(io.BytesIO(b)).convert("RGB").getdata()),
                        dtype=torch.float32).view(32, 32, 3).permute(2, 0, 1) / 255 for b in batch]
    return torch.stack(out)


def ids_of(loader):
    return sorted(int(i) for batch in loader for i in batch["id"])


class TrainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sqlite_lance_py_")
        cls.src = os.path.join(cls.tmp, "scenes.lance")
        cls.perm = os.path.join(cls.tmp, "perm.lance")
        make_dataset(cls.src)
        con = sqlite_lance.connect()
        con.execute(f"CREATE VIRTUAL TABLE s USING lance('{cls.src}')")
        con.execute("SELECT lance_permutation('s', ?, 'split_random=0.75,0.25 "
                    "split_names=train,val seed=42 shuffle=true')", (cls.perm,))
        con.execute(f"CREATE VIRTUAL TABLE p USING lance('{cls.perm}')")
        cls.train_ids = [r for (r,) in con.execute("SELECT row_id FROM p WHERE split_id = 0")]
        con.close()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_load(self):
        self.assertEqual(sqlite_lance.loadable_path(), os.path.join(BUILD, "lance.so"))
        import sqlite3
        con = sqlite3.connect(":memory:")
        sqlite_lance.load(con)
        self.assertTrue(con.execute("SELECT lance_version()").fetchone()[0].startswith("sqlite-lance"))

    def test_values(self):
        ds = LanceDataset(self.src)
        self.assertEqual(len(ds), N)
        s = ds[7]
        self.assertEqual(s["id"].dtype, torch.int64)
        self.assertEqual(int(s["id"]), 7)
        self.assertEqual(s["score"].dtype, torch.float64)
        self.assertEqual(float(s["score"]), 7 / 4)
        self.assertEqual(s["flag"].dtype, torch.bool)
        self.assertFalse(bool(s["flag"]))
        self.assertEqual(s["emb"].dtype, torch.float32)
        self.assertEqual(s["emb"].tolist(), [7.0, -7.0, 0.5, 1.0])
        self.assertIsInstance(s["image"], bytes)
        self.assertEqual(s["image"], png(7)[0])
        self.assertEqual(s["caption"], "scene 7")
        self.assertEqual(s["tags"], '["a"]')
        self.assertEqual(int(ds[-1]["id"]), N - 1)
        with self.assertRaises(IndexError):
            ds[N]
        with self.assertRaises(ValueError):
            LanceDataset(self.src, columns=["id", "nosuch"])

    def test_convert_rows_nulls(self):
        from sqlite_lance.torch import _kind, convert_rows
        kinds = [_kind("int64"), _kind("fixed_size_list<float32>[2]"), _kind("binary"),
                 _kind("float64"), _kind("bool"), _kind("fixed_size_list<uint8>[3]")]
        rows = [(1, struct.pack("<2f", 1, 2), b"x", None, 1, b"abc"),
                (None, None, b"", 2.5, 0, b"\x00\x01\xff")]
        a, b = convert_rows(list("avbftu"), kinds, rows)
        self.assertEqual((int(a["a"]), a["v"].tolist(), a["b"], a["f"], bool(a["t"])),
                         (1, [1.0, 2.0], b"x", None, True))
        self.assertEqual((b["a"], b["v"], b["b"], float(b["f"]), bool(b["t"])), (None, None, b"", 2.5, False))
        self.assertEqual(b["u"].dtype, torch.uint8)
        self.assertEqual(b["u"].tolist(), [0, 1, 255])
        self.assertEqual(convert_rows(["a"], kinds[:1], []), [])

    def test_permutation_split_order(self):
        ds = LanceDataset(self.src, columns=["id"], permutation=self.perm, split="train")
        self.assertEqual(len(ds), 180)
        self.assertEqual(ds.row_ids(), self.train_ids)
        got = [int(s["id"]) for s in ds.__getitems__(list(range(len(ds))))]
        self.assertEqual(got, self.train_ids)  # row id = id here: one fragment, no deletes
        val = LanceDataset(self.src, columns=["id"], permutation=self.perm, split="val")
        self.assertEqual(len(val), 60)
        self.assertFalse(set(val.row_ids()) & set(ds.row_ids()))
        with self.assertRaises(ValueError):
            LanceDataset(self.src, split="train")

    def test_one_take_per_batch(self):
        ds = LanceDataset(self.src, columns=["id", "image"], filter="label = 1")
        self.assertEqual(len(ds), N // 2)
        con = ds._connection()
        stmts = []
        con.set_trace_callback(stmts.append)
        batch = ds.__getitems__([5, 3, 5, 0, 59])
        self.assertEqual([int(s["id"]) for s in batch], [11, 7, 11, 1, 119])
        self.assertEqual(len([q for q in stmts if q.startswith("SELECT")]), 1)
        self.assertIn("rowid IN (", stmts[0])

    def assertSameBatch(self, got, want):
        """A batch of LanceDataset(batches=True) equals default_collate of the samples."""
        self.assertEqual(list(got), list(want))
        for k in want:
            if isinstance(want[k], torch.Tensor):
                self.assertIsInstance(got[k], torch.Tensor, k)
                self.assertEqual((got[k].dtype, got[k].shape), (want[k].dtype, want[k].shape), k)
                self.assertTrue(torch.equal(got[k], want[k]), k)
            else:
                self.assertEqual(type(got[k]), type(want[k]), k)
                self.assertEqual(got[k], want[k], k)

    def test_batches_equal_rows(self):
        rows, batches = LanceDataset(self.src), LanceDataset(self.src, batches=True)
        for idx in ([5, 3, 5, 0, N - 1, -2], list(range(N)), [7]):
            got = collate(batches.__getitems__(idx))
            self.assertSameBatch(got, default_collate(rows.__getitems__(idx)))
        self.assertEqual(got["image"], [png(7)[0]])
        self.assertEqual(got["emb"].tolist(), [[7.0, -7.0, 0.5, 1.0]])
        con = batches._connection()  # one statement per batch, the batch take
        stmts = []
        con.set_trace_callback(stmts.append)
        batches.__getitems__([1, 2, 3])
        top = [q for q in stmts if not q.startswith("--")]  # "-- ": run inside the call
        self.assertEqual(len(top), 1)
        self.assertIn("lance_take_columns(", top[0])
        takes = [q for q in stmts if q.startswith("-- SELECT rowid")]
        self.assertEqual(len(takes), 1)
        self.assertIn('FROM "src" WHERE rowid IN (', takes[0])
        with self.assertRaises(ValueError):
            LanceDataset(self.src, batches=True, transform=lambda s: s)
        with self.assertRaises(ValueError):
            LanceDataset(self.src, bytes_as="tensor")  # batches only
        tens = LanceDataset(self.src, columns=["image", "id"], batches=True, bytes_as="tensor")
        idx = [9, 0, 9, N - 1]
        values, offsets = tens.__getitems__(idx)["image"]
        self.assertEqual((values.dtype, offsets.dtype, offsets.shape), (torch.uint8, torch.int64, (5,)))
        self.assertEqual(split_bytes(values, offsets), [png(i)[0] for i in (9, 0, 9, N - 1)])

    def test_batches_perm_nulls_deletes_versions(self):
        perm_rows = LanceDataset(self.src, columns=["id", "emb"], permutation=self.perm, split="val")
        perm_b = LanceDataset(self.src, columns=["id", "emb"], permutation=self.perm, split="val",
                              batches=True)
        idx = list(range(len(perm_b)))[::-1]
        self.assertSameBatch(perm_b.__getitems__(idx), default_collate(perm_rows.__getitems__(idx)))
        src = os.path.join(self.tmp, "nulls.lance")
        con = sqlite_lance.connect()
        con.execute(f"CREATE VIRTUAL TABLE n USING lance('{src}', schema='id INT64 NOT NULL, "
                    "b BLOB, k INT32, f FLOAT32, t TEXT, e FLOAT32[2], ok BOOLEAN')")
        with con:
            con.executemany("INSERT INTO n VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(i, bytes([i]) * i if i % 3 else None, i if i % 4 else None,
                              i / 2 if i % 5 else None, f"t{i}" if i % 2 else None,
                              struct.pack("<2f", i, i) if i % 6 else None, i % 2 if i % 7 else None)
                             for i in range(1, 30)])
        v1 = con.execute("SELECT max(version) FROM lance_versions(?)", (src,)).fetchone()[0]
        with con:
            con.execute("DELETE FROM n WHERE id IN (3, 10)")
        con.close()
        pinned_rows = LanceDataset(src, version=v1)
        pinned = LanceDataset(src, version=v1, batches=True)
        latest = LanceDataset(src, batches=True)
        self.assertEqual((len(pinned), len(latest)), (29, 27))
        idx = [2, 9, 0, 28, 9, 5]  # ids 3 and 10: deleted after v1, read at v1
        want, got = pinned_rows.__getitems__(idx), pinned.__getitems__(idx)
        for k in pinned.columns:
            for i, w in enumerate(want):
                g = got[k][i]
                if isinstance(w[k], torch.Tensor):
                    self.assertTrue(torch.equal(g, w[k]), (k, i))
                else:
                    self.assertEqual(g, w[k], (k, i))
        self.assertEqual([int(s) for s in pinned.__getitems__([2, 9])["id"]], [3, 10])
        self.assertNotIn(3, [int(s) for s in latest.__getitems__(list(range(27)))["id"]])
        import sqlite3
        with self.assertRaisesRegex(sqlite3.OperationalError, "row id 2 not found"):
            latest._take_batch([2])  # row id 2 (id 3) is deleted in the latest version

    def test_batches_dataloader_workers(self):
        for ctx, bytes_as in (("fork", "list"), ("spawn", "list"), ("fork", "tensor")):
            ds = LanceDataset(self.src, columns=["id", "image", "emb", "label"],
                              permutation=self.perm, split="train", batches=True, bytes_as=bytes_as)
            ds[0]  # a connection in the parent must not leak into the workers
            seen = []
            for batch in ds.loader(batch_size=16, shuffle=True, num_workers=2,
                                   multiprocessing_context=ctx):
                self.assertEqual(batch["emb"].shape, (len(batch["id"]), 4))
                self.assertEqual(batch["label"].dtype, torch.int64)
                if bytes_as == "tensor":
                    batch["image"] = split_bytes(*batch["image"])
                for i, img, emb in zip(batch["id"], batch["image"], batch["emb"]):
                    self.assertEqual(img, png(int(i))[0])
                    self.assertEqual(float(emb[0]), float(i))
                seen += [int(i) for i in batch["id"]]
            self.assertEqual(sorted(seen), sorted(self.train_ids), ctx)

    def test_pickle_without_connection(self):
        ds = LanceDataset(self.src, columns=["id"])
        ds[0]  # opens this process's connection
        clone = pickle.loads(pickle.dumps(ds))
        self.assertIsNone(clone._conn)
        self.assertEqual(int(clone[3]["id"]), 3)

    def test_dataloader_workers(self):
        for ctx in ("fork", "spawn"):
            ds = LanceDataset(self.src, columns=["id", "image", "emb"], permutation=self.perm, split="train")
            ds[0]  # a connection in the parent must not leak into the workers
            loader = DataLoader(ds, batch_size=16, shuffle=True, num_workers=2,
                                multiprocessing_context=ctx)
            seen = []
            for batch in loader:
                self.assertEqual(batch["emb"].shape[1], 4)
                for i, img, emb in zip(batch["id"], batch["image"], batch["emb"]):
                    self.assertEqual(img, png(int(i))[0])
                    self.assertEqual(float(emb[0]), float(i))
                seen += [int(i) for i in batch["id"]]
            self.assertEqual(sorted(seen), sorted(self.train_ids), ctx)

    def test_iterable(self):
        ds = LanceIterableDataset(self.src, columns=["id"], seed=3, read_size=32)
        first = [int(s["id"]) for s in ds]
        self.assertEqual(sorted(first), list(range(N)))
        self.assertNotEqual(first, list(range(N)))
        self.assertEqual([int(s["id"]) for s in ds], first)  # same seed and epoch
        ds.set_epoch(1)
        self.assertNotEqual([int(s["id"]) for s in ds], first)
        for ctx in ("fork", "spawn"):
            loader = DataLoader(ds, batch_size=10, num_workers=2, multiprocessing_context=ctx)
            self.assertEqual(ids_of(loader), list(range(N)), ctx)
        plain = LanceIterableDataset(self.src, columns=["id"], shuffle=False,
                                     permutation=self.perm, split="val")
        self.assertEqual([int(s["id"]) for s in plain], plain.row_ids())

    def test_checkpoint(self):
        src = os.path.join(self.tmp, "ck.lance")
        shutil.copytree(self.src, src)
        ref = checkpoint.pin(src, "epoch-1")
        model = torch.nn.Linear(4, 2)
        ckfile = os.path.join(self.tmp, "model.pt")
        checkpoint.save(ckfile, model.state_dict(), ref, epoch=1)
        con = sqlite_lance.connect()
        con.execute(f"CREATE VIRTUAL TABLE c USING lance('{src}')")
        with con:
            con.execute("DELETE FROM c WHERE id < 100")
        con.close()
        self.assertEqual(len(LanceDataset(src)), N - 100)
        ck = checkpoint.load(ckfile)
        self.assertEqual(ck["epoch"], 1)
        self.assertEqual(ck["data"]["version"], ref["version"])
        model.load_state_dict(ck["model"])
        again = checkpoint.open_dataset(ck["data"], columns=["id"])
        self.assertEqual(len(again), N)
        self.assertEqual(again.version, ref["version"])
        con = sqlite_lance.connect()
        con.execute("SELECT lance_tag_delete(?, 'epoch-1')", (src,))
        con.close()
        with self.assertWarns(UserWarning):
            self.assertEqual(len(checkpoint.open_dataset(ck["data"])), N)
        # a tag made in SQL, with a permutation split
        con = sqlite_lance.connect()
        v = con.execute("SELECT lance_tag_create(?, 'sql-tag', 1)", (self.src,)).fetchone()[0]
        con.close()
        ref2 = checkpoint.from_tag(self.src, "sql-tag", permutation=self.perm, split="val")
        self.assertEqual((ref2["version"], ref2["split"]), (v, "val"))
        self.assertEqual(len(checkpoint.open_dataset(ref2, columns=["id"])), 0)
        with self.assertRaises(LookupError):
            checkpoint.from_tag(self.src, "nosuch")

    def test_cnn_one_epoch(self):
        torch.manual_seed(0)
        train = LanceDataset(self.src, columns=["image", "label"], permutation=self.perm, split="train")
        val = LanceDataset(self.src, columns=["image", "label"], permutation=self.perm, split="val")
        model = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 2))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = []
        for batch in DataLoader(train, batch_size=12, shuffle=True, num_workers=2):
            loss = torch.nn.functional.cross_entropy(model(images(batch["image"])), batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss))
        self.assertEqual(len(losses), 15)
        correct = 0
        with torch.no_grad():
            for batch in DataLoader(val, batch_size=30):
                correct += int((model(images(batch["image"])).argmax(1) == batch["label"]).sum())
        print(f"\n  cnn: loss {losses[0]:.3f} -> {losses[-1]:.3f}, val accuracy {correct}/60",
              file=sys.stderr)
        self.assertLess(sum(losses[-3:]) / 3, sum(losses[:3]) / 3)
        self.assertGreaterEqual(correct, 54)

    def test_pip_install(self):
        venv = os.path.join(self.tmp, "venv")
        # a venv that sees Debian's torch, filled by Debian's pip (--python: no pip copy
        # in the venv, which ensurepip would take ~20 s to make)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                        venv], check=True)
        env = dict(os.environ, PIP_NO_INDEX="1", SQLITE_LANCE_BUILD=os.path.relpath(BUILD, "."))
        env.pop("SQLITE_LANCE_PATH")
        py = os.path.join(venv, "bin", "python")
        subprocess.run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-index",
                        "./python"], check=True, env=env, stdout=subprocess.DEVNULL)
        out = subprocess.run(
            [py, "-c", "import sqlite_lance, sqlite_lance.torch as t; "
             "print(sqlite_lance.loadable_path()); "
             f"print(len(t.LanceDataset({self.src!r}, columns=['id'])))"],
            check=True, env=env, cwd=self.tmp, capture_output=True, text=True).stdout.split()
        self.assertTrue(out[0].startswith(venv) and out[0].endswith("sqlite_lance/lance.so"), out[0])
        self.assertEqual(out[1], str(N))


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=1).result
    sys.exit(0 if result.wasSuccessful() else 1)
