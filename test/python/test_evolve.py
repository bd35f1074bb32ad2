"""Schema evolution and backfills through Python's sqlite3 module: application-defined
functions (create_function) in lance_add_columns and lance_backfill expressions,
sqlite3_interrupt() (Connection.interrupt) and a failing expression in the middle of
a backfill (what was committed stays, nothing else), lance_progress read from another
connection, and the new schema seen by a second connection without re-creating the
table.  Run from the repository root:
    /usr/bin/python3 test/python/test_evolve.py [build-dir]
Prints 'python evolve: N passed, N failed' and exits 1 on any failure."""
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import unittest

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"


def connect(db=":memory:"):
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    con.enable_load_extension(True)
    con.load_extension(os.path.join(BUILD, "lance"))
    return con


class EvolveTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lance-evolve-")
        self.path = os.path.join(self.dir, "t.lance")
        self.con = connect()
        c = self.con
        c.execute(f"CREATE VIRTUAL TABLE t USING lance('{self.path}', "
                  "schema='id INT64 NOT NULL, name TEXT')")
        for f in range(4):  # four fragments of 500 rows
            c.execute("WITH RECURSIVE s(v) AS (SELECT ? UNION ALL SELECT v + 1 FROM s WHERE v < ?) "
                      "INSERT INTO t SELECT v, 'n' || v FROM s", (f * 500, f * 500 + 499))

    def tearDown(self):
        self.con.close()
        shutil.rmtree(self.dir)

    def versions(self):
        return [r[0] for r in self.con.execute(f"SELECT version FROM lance_versions('{self.path}')")]

    def test_udf_in_add_columns(self):
        c = self.con
        c.create_function("py_sq", 1, lambda x: None if x is None else x * x)
        v = c.execute("SELECT lance_add_columns('t', 'sq INT64', 'py_sq(id)')").fetchone()[0]
        self.assertEqual(v, max(self.versions()))
        rows = c.execute("SELECT id, sq FROM t WHERE id IN (0, 7, 1999) ORDER BY id").fetchall()
        self.assertEqual(rows, [(0, 0), (7, 49), (1999, 1999 * 1999)])
        ops = c.execute(f"SELECT operation FROM lance_versions('{self.path}') ORDER BY version DESC LIMIT 1").fetchone()
        self.assertEqual(ops, ("merge",))

    def test_other_connection_sees_new_schema(self):
        db = os.path.join(self.dir, "main.db")
        a, b = connect(db), connect(db)
        a.execute(f"CREATE VIRTUAL TABLE u USING lance('{self.path}')")
        self.assertEqual(b.execute("SELECT count(*) FROM u").fetchone(), (2000,))
        a.execute("SELECT lance_add_columns('u', 'flag BOOLEAN', 'id % 2 = 0')")
        self.assertEqual(a.execute("SELECT sum(flag) FROM u").fetchone(), (1000,))
        self.assertEqual(b.execute("SELECT sum(flag) FROM u").fetchone(), (1000,))
        a.execute("SELECT lance_alter_columns('u', 'rename=flag:even')")
        self.assertEqual(b.execute("SELECT sum(even) FROM u").fetchone(), (1000,))
        a.close()
        b.close()

    def test_expression_error_mid_backfill(self):
        c = self.con
        c.execute("SELECT lance_add_columns('t', 'y INT64')")
        before = self.versions()

        def f(i):
            if i == 1700:
                raise ValueError("boom")
            return i + 1
        c.create_function("py_f", 1, f)
        with self.assertRaises(sqlite3.OperationalError) as e:
            c.execute("SELECT lance_backfill('t', 'y', 'py_f(id)', 'where=y IS NULL commit_every=500')")
        self.assertEqual(str(e.exception), "lance_backfill: the expression failed: "
                         "user-defined function raised exception")
        # fragments 0..2 committed one version each, fragment 3 (the failing row) nothing
        self.assertEqual(len(self.versions()), len(before) + 3)
        self.assertEqual(c.execute("SELECT count(y), min(id), max(id) FROM t WHERE y IS NOT NULL").fetchone(),
                         (1500, 0, 1499))
        prog = c.execute(f"SELECT state, rows_done, rows_total FROM lance_progress('{self.path}')").fetchall()
        self.assertEqual(prog, [("failed", 1500, 2000)])
        # a second call resumes: only fragment 3's rows are computed
        seen = []
        c.create_function("py_g", 1, lambda i: seen.append(i) or i + 1)
        c.execute("SELECT lance_backfill('t', 'y', 'py_g(id)', 'where=y IS NULL commit_every=500')")
        self.assertEqual(sorted(seen), list(range(1500, 2000)))
        self.assertEqual(c.execute("SELECT count(*) FROM t WHERE y = id + 1").fetchone(), (2000,))

    def test_interrupt_then_resume(self):
        c = self.con
        c.execute("SELECT lance_add_columns('t', 'y INT64')")
        calls = []
        stop = threading.Event()

        def slow(i):
            calls.append(i)
            if len(calls) == 1250:
                stop.set()
                c.interrupt()
            return -i
        c.create_function("py_slow", 1, slow)
        with self.assertRaises(sqlite3.OperationalError) as e:
            c.execute("SELECT lance_backfill('t', 'y', 'py_slow(id)', 'where=y IS NULL commit_every=100')")
        self.assertEqual(str(e.exception), "interrupted")
        self.assertTrue(stop.is_set())
        # a version every 100 rows, also in the middle of fragments: rows 1200..1249 lost
        done = c.execute("SELECT count(*), max(id) FROM t WHERE y IS NOT NULL").fetchone()
        self.assertEqual(done, (1200, 1199))
        self.assertEqual(len(self.versions()), 2 + 4 + 12)
        prog = c.execute(f"SELECT state, rows_done FROM lance_progress('{self.path}')").fetchall()
        self.assertEqual(prog, [("interrupted", 1200)])
        calls.clear()
        c.execute("SELECT lance_backfill('t', 'y', 'py_slow(id)', 'where=y IS NULL')")
        self.assertEqual(sorted(calls), list(range(1200, 2000)))
        self.assertEqual(c.execute("SELECT count(*) FROM t WHERE y = -id").fetchone(), (2000,))

    def test_commits_inside_a_fragment_without_filter(self):
        # no where=: a cut fragment is finished by a second pass that computes only
        # the rows after the cut (the first ones are read back, not recomputed)
        c = self.con
        c.execute("SELECT lance_add_columns('t', 'y INT64')")
        calls = []
        c.create_function("py_h", 1, lambda i: calls.append(i) or 3 * i)
        before = len(self.versions())
        c.execute("SELECT lance_backfill('t', 'y', 'py_h(id)', 'commit_every=300')")
        self.assertEqual(sorted(calls), list(range(2000)))
        self.assertEqual(len(self.versions()), before + 7)  # 300, 600, ..., 1800, then 2000
        self.assertEqual(c.execute("SELECT count(*) FROM t WHERE y = 3 * id").fetchone(), (2000,))
        ops = c.execute(f"SELECT DISTINCT operation FROM lance_versions('{self.path}') WHERE version > ?",
                        (before,)).fetchall()
        self.assertEqual(ops, [("data_replacement",)])

    def test_progress_from_another_connection(self):
        c = self.con
        c.execute("SELECT lance_add_columns('t', 'y INT64')")
        other = connect()
        seen = []

        def f(i):
            if i % 500 == 250:  # mid-fragment: what the other connection sees now
                seen.append(other.execute(
                    f"SELECT state, rows_done, rows_total FROM lance_progress('{self.path}')").fetchone())
            return i
        c.create_function("py_p", 1, f)
        c.execute("SELECT lance_backfill('t', 'y', 'py_p(id)', 'commit_every=500')")
        self.assertEqual(seen, [("running", 0, 2000), ("running", 500, 2000),
                                ("running", 1000, 2000), ("running", 1500, 2000)])
        self.assertEqual(other.execute(f"SELECT state, rows_done FROM lance_progress('{self.path}')").fetchone(),
                         ("done", 2000))
        other.close()

    def test_index_build_progress_and_interrupt(self):
        """An FTS index build reports to lance_progress while it runs; interrupted once
        the report says running, it commits nothing and the report says interrupted."""
        c = self.con
        before = max(self.versions())
        report = os.path.join(self.path, "_progress", "index-name_idx.json")
        states = []

        def handler():
            if os.path.exists(report):
                with open(report) as fh:
                    states.append(fh.read())
                return 1
            return 0
        c.set_progress_handler(handler, 1)
        with self.assertRaises(sqlite3.OperationalError) as e:
            c.execute("SELECT lance_create_index('t', 'name', 'FTS', 'progress=0')")
        c.set_progress_handler(None, 1)
        self.assertIn("interrupted", str(e.exception))
        self.assertTrue(states and '"running"' in states[0], states)
        self.assertEqual(max(self.versions()), before)
        q = f"SELECT operation, column, state, rows_total, phase FROM lance_progress('{self.path}')"
        self.assertEqual(c.execute(q).fetchall(), [("create_index", "name", "interrupted", 2000, "index")])
        c.execute("SELECT lance_create_index('t', 'name', 'FTS')")
        self.assertEqual(c.execute(f"SELECT state, rows_done, rows_total, version FROM lance_progress('{self.path}')").fetchall(),
                         [("done", 2000, 2000, before + 1)])


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(EvolveTest)
    res = unittest.TextTestRunner(verbosity=1).run(suite)
    n = res.testsRun
    bad = len(res.failures) + len(res.errors)
    print(f"python evolve: {n - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)
