"""The extension through Python's sqlite3 module (Debian's python3), over
the LanceDB-written fixtures in test/unit/data.  Run from the repository root:
    /usr/bin/python3 test/python/test_vtab.py [build-dir]
Prints 'python: N passed, N failed' and exits 1 on any failure."""
import os
import sqlite3
import sys
import unittest

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
DATA = "test/unit/data"


def connect():
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(os.path.join(BUILD, "lance"))
    return con


class VtabTest(unittest.TestCase):
    def setUp(self):
        self.con = connect()

    def tearDown(self):
        self.con.close()

    def test_versions_and_types(self):
        c = self.con
        c.execute(f"CREATE VIRTUAL TABLE h USING lance('{DATA}/hist.lance', version=6)")
        rows = c.execute("SELECT id, s, d, _version FROM h ORDER BY id").fetchall()
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows[0], (0, "r0", 0, 6))
        self.assertEqual([r[0] for r in rows], [0, 1, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14])
        self.assertEqual(c.execute("SELECT count(*) FROM h(2)").fetchone(), (15,))
        self.assertEqual(c.execute("SELECT count(*), max(_version) FROM h(NULL, 'mid')").fetchone(), (12, 4))

    def test_rowid_lookup_and_filters(self):
        c = self.con
        c.execute(f"CREATE VIRTUAL TABLE s USING lance('{DATA}/stable.lance')")
        self.assertEqual(c.execute("SELECT id, s FROM s WHERE rowid = ?", (5,)).fetchall(), [(5, "u")])
        ids = c.execute("SELECT id FROM s WHERE id > ? AND s <> 'u' ORDER BY id", (8,)).fetchall()
        self.assertEqual([i for (i,) in ids], [10, 11])

    def test_errors(self):
        with self.assertRaises(sqlite3.OperationalError) as e:
            self.con.execute(f"CREATE VIRTUAL TABLE x USING lance('{DATA}/none.lance')")
        self.assertIn("no dataset here", str(e.exception))

    def test_blob_payloads(self):
        # test/sql/data/make_blob_fixtures.mjs: row i holds (i*7 + k) % 256
        def length(i):
            return 70000 if i == 1 else 1000 + i if i % 7 == 0 else 10 + i
        # blobs_legacy20 is storage 2.0: a null there is the descriptor {1, 0}, an empty blob {0, 0}
        for name in ("blobs_legacy", "blobs_legacy20", "blobs_v2"):
            self.con.execute(f"CREATE VIRTUAL TABLE {name} USING lance('test/sql/data/{name}.lance')")
            rows = self.con.execute(f"SELECT id, blob FROM {name} ORDER BY id").fetchall()
            self.assertEqual(len(rows), 40)
            for i, blob in rows:
                if i % 10 == 3:
                    self.assertIsNone(blob, f"{name} row {i}")
                elif i % 10 == 5:
                    self.assertEqual(blob, b"", f"{name} row {i}")
                else:
                    want = bytes((i * 7 + k) % 256 for k in range(length(i)))
                    self.assertEqual(blob, want, f"{name} row {i}")

    def test_writes_from_python(self):
        import shutil
        import struct
        import tempfile
        d = tempfile.mkdtemp(prefix="lance-py-")
        try:
            c = self.con
            c.isolation_level = None
            c.execute(f"CREATE VIRTUAL TABLE w USING lance('{d}/w.lance', "
                      "schema='id INT64 NOT NULL, name TEXT, emb FLOAT32[2]')")
            rows = [(i, f"n{i}", struct.pack("<2f", i, -i)) for i in range(1000)]
            c.execute("BEGIN")
            c.executemany("INSERT INTO w VALUES (?, ?, ?)", rows)
            c.execute("COMMIT")
            self.assertEqual(c.execute("SELECT count(*), max(_version) FROM w").fetchone(), (1000, 2))
            self.assertEqual(c.execute("SELECT name, emb FROM w WHERE id = 7").fetchone(),
                             ("n7", struct.pack("<2f", 7, -7)))
            c.execute("BEGIN")
            c.execute("DELETE FROM w WHERE id < 500")
            c.execute("ROLLBACK")
            self.assertEqual(c.execute("SELECT count(*), max(_version) FROM w").fetchone(), (1000, 2))
            with self.assertRaisesRegex(sqlite3.Error, "column emb: expected BLOB"):
                c.execute("INSERT INTO w VALUES (1, 'x', ?)", (b"abc",))
            c.execute("UPDATE w SET name = 'odd' WHERE id % 2 = 1")
            self.assertEqual(c.execute("SELECT count(*) FROM w WHERE name = 'odd'").fetchone(), (500,))
            self.assertEqual(c.execute("SELECT max(_version) FROM w").fetchone(), (3,))
        finally:
            shutil.rmtree(d)

    def test_pandas_read_sql(self):
        import pandas  # Debian's python3-pandas, installed by .ci/run
        self.con.execute(f"CREATE VIRTUAL TABLE b USING lance('{DATA}/big.lance')")
        df = pandas.read_sql("SELECT id FROM b WHERE id < 300", self.con)
        self.assertEqual(len(df), 300)
        self.assertEqual(int(df["id"].sum()), 44850)


class SimdEnvTest(unittest.TestCase):
    """LANCE_SIMD is read when the extension loads: each variant the CPU runs
    answers; an unknown value refuses the load with one sentence."""

    def load(self, value):
        import subprocess
        code = ("import sqlite3, sys\n"
                "con = sqlite3.connect(':memory:'); con.enable_load_extension(True)\n"
                "try:\n"
                f"    con.load_extension({os.path.join(BUILD, 'lance')!r})\n"
                "except sqlite3.Error as e:\n"
                "    print('error:', e); sys.exit(0)\n"
                "print(con.execute(\"SELECT l2_distance(vec_f32('[1,2,3]'), vec_f32('[4,6,3]'))\").fetchone()[0])\n")
        env = dict(os.environ, LANCE_SIMD=value)
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout.strip()

    def test_variants(self):
        with open("/proc/cpuinfo") as f:
            flags = f.read()
        self.assertEqual(self.load(""), "5.0")
        self.assertEqual(self.load("scalar"), "5.0")
        for name, need in (("avx2", ("avx2", "fma", "f16c")),
                           ("avx512", ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni"))):
            if all(f" {f}" in flags for f in need):
                self.assertEqual(self.load(name), "5.0")
            else:
                self.assertTrue(self.load(name).startswith(
                    f"error: error during initialization: lance: LANCE_SIMD={name}: this CPU cannot run the {name} kernels (it lacks "))
        self.assertEqual(self.load("sse9"),
                         "error: error during initialization: lance: LANCE_SIMD=sse9: unknown variant (expected scalar, avx2 or avx512)")


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print(f"python: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed or result.testsRun == 0 else 0)
