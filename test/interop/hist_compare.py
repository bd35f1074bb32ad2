#!/usr/bin/python3
"""hist_compare.py OUT LANCE_SO [name-filter-regex]

Reads every dataset that hist_gen.mjs wrote and hist_expect.mjs described (OUT/<ds>/...)
through the `lance` virtual table (Python's sqlite3 + the extension LANCE_SO) and compares
each version, tag and the latest state, value by value, with what LanceDB returned.
See hist_README.md for the tests, the canonical encoding and the column-mapping rule.
Ends with exactly `hist: N passed, M failed`; the exit status is 1 if M > 0.
"""
import json
import math
import os
import sys

from sql_suite import SetupError, connect, datasets, qstr

MAX_SHOWN = 5          # mismatches shown per test
MAX_SAME_ERROR = 3     # failing tests shown per distinct error message
MAX_DETAILED = 30      # failing tests whose mismatches are listed; later ones get one line


def qident(name):
    return '"' + name.replace('"', '""') + '"'


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def show(v):
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    s = repr(v) if not isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 200 else s[:200] + "..."


def same_value(exp, got, sqlite_type):
    """exp: canonical JSON value (hist_README.md); got: the Python value sqlite3 returned"""
    if exp is None:
        return got is None
    if isinstance(exp, dict):
        if "int" in exp:
            return type(got) is int and got == int(exp["int"])
        if "blob" in exp:
            return isinstance(got, bytes) and got.hex() == exp["blob"]
        if "blob_len" in exp:
            return isinstance(got, bytes) and len(got) == exp["blob_len"]
        if "real" in exp:
            if type(got) is not float:
                return False
            r = exp["real"]
            if r == "inf":
                return got == math.inf
            if r == "-inf":
                return got == -math.inf
            if r == "-0.0":
                return got == 0.0 and math.copysign(1.0, got) < 0
        raise ValueError(f"unknown canonical value {exp!r}")
    if isinstance(exp, str):
        return type(got) is str and got == exp
    if isinstance(exp, bool):
        raise ValueError("booleans are 0/1 in the canonical encoding")
    if sqlite_type == "REAL":
        if type(got) is not float:
            return False
        e = float(exp)
        # exact double equality; a positive zero must not come back as -0.0
        return got == e and (e != 0.0 or math.copysign(1.0, got) > 0)
    return type(got) is int and got == exp


class Dataset:
    def __init__(self, out, name):
        self.name = name
        d = os.path.join(out, name)
        self.dir = d
        with open(os.path.join(d, "info.json"), encoding="utf-8") as f:
            self.info = json.load(f)
        with open(os.path.join(d, "versions.json"), encoding="utf-8") as f:
            self.versions = json.load(f)
        self.path = self.info["path"]
        self.latest = self.info["latest"]
        self._schema = {}
        self._rows = {}

    def schema(self, v):
        if v not in self._schema:
            with open(os.path.join(self.dir, f"schema_v{v}.json"), encoding="utf-8") as f:
                self._schema[v] = json.load(f)
        return self._schema[v]

    def rows(self, v):
        if v not in self._rows:
            self._rows[v] = load_jsonl(os.path.join(self.dir, f"v{v}.jsonl"))
        return self._rows[v]

    def mapped_rows(self, v):
        """rows of version v seen through the LATEST schema: a latest column takes the value
        of the version-v field with the same field id AND the same Arrow type, else NULL"""
        latest = self.schema(self.latest)
        own = {f["id"]: f for f in self.schema(v)}
        src = []
        for f in latest:
            o = own.get(f["id"])
            src.append(o["name"] if o is not None and o["arrow"] == f["arrow"] else None)
        out = []
        for r in self.rows(v):
            m = {"_rowid": r["_rowid"]}
            for f, s in zip(latest, src):
                m[f["name"]] = r[s] if s is not None else None
            out.append(m)
        return out


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.errors = {}  # error message -> number of tests that failed with it
        self.detailed = 0  # tests failed on mismatches so far

    def fail_error(self, test, msg):
        self.failed += 1
        n = self.errors.get(msg, 0) + 1
        self.errors[msg] = n
        if n <= MAX_SAME_ERROR:
            print(f"FAIL {test}: {msg}")

    def compare(self, test, cur, sql, columns, expected, version_col=None):
        """run sql; columns: [(name, sqlite_type)] after _rowid (and _version if version_col)"""
        try:
            got = cur.execute(sql).fetchall()
        except Exception as e:  # sqlite3.Error, or anything the extension makes Python raise
            self.fail_error(test, f"{type(e).__name__}: {e}")
            return
        problems = []
        if len(got) != len(expected):
            problems.append(f"row count: expected {len(expected)}, got {len(got)}")
        exp_by = {}
        for r in expected:
            rid = r["_rowid"]
            exp_by[int(rid["int"]) if isinstance(rid, dict) else rid] = r
        seen = set()
        prev = None
        shown = 0
        for row in got:
            rid = row[0]
            if prev is not None and not (type(rid) is int and rid > prev):
                problems.append(f"rows not ordered by _rowid ({prev} then {show(rid)})")
            prev = rid if type(rid) is int else prev
            if version_col is not None and row[1] != version_col:
                problems.append(f"rowid {rid}: _version is {show(row[1])}, expected {version_col}")
            vals = row[2:] if version_col is not None else row[1:]
            e = exp_by.get(rid) if type(rid) is int else None
            if e is None:
                problems.append(f"rowid {show(rid)}: not expected in this version")
                continue
            seen.add(rid)
            for (name, st), g in zip(columns, vals):
                ev = e[name]
                try:
                    ok = same_value(ev, g, st)
                except ValueError as err:
                    ok, g = False, f"<{err}>"
                if not ok:
                    problems.append(f"rowid {rid} column {name}: expected {show(ev)}, got {show(g)}")
            if len(problems) > 50:
                break
        missing = [rid for rid in exp_by if rid not in seen]
        if missing and len(problems) <= 50:
            problems.append(f"{len(missing)} expected rows missing, e.g. rowid {', '.join(map(str, missing[:5]))}")
        if problems:
            self.failed += 1
            self.detailed += 1
            print(f"FAIL {test}: {len(problems)}{'+' if len(problems) > 50 else ''} mismatches"
                  + (f", e.g. {problems[0]}" if self.detailed > MAX_DETAILED else ""))
            if self.detailed <= MAX_DETAILED:
                for p in problems[:MAX_SHOWN]:
                    print(f"    {p}")
        else:
            self.passed += 1


def run_dataset(runner, ds, con_factory):
    """all tests of one dataset; con_factory() gives a connection with the extension loaded
    (or raises with a one-line message)"""
    latest_schema = ds.schema(ds.latest)
    lcols = [(f["name"], f["sqlite"]) for f in latest_schema]
    lsel = ", ".join(qident(n) for n, _ in lcols)
    tests = []  # (test name, fn(cur))

    def add(name, fn):
        tests.append((f"{ds.name} {name}", fn))

    for vi in ds.versions:
        v = vi["version"]
        own = [(f["name"], f["sqlite"]) for f in ds.schema(v)]
        osel = ", ".join(qident(n) for n, _ in own)

        def pinned(cur, v=v, own=own, osel=osel):
            pt = qident(f"p{v}")
            cur.execute(f"CREATE VIRTUAL TABLE {pt} USING lance({qstr(ds.path)}, version={v})")
            runner.compare(cur.test, cur, f"SELECT _rowid, {osel} FROM {pt} ORDER BY _rowid", own, ds.rows(v))
        add(f"v{v} pinned lance(path, version={v})", pinned)
        add(f"v{v} WHERE _version = {v}", lambda cur, v=v: runner.compare(
            cur.test, cur, f"SELECT _rowid, _version, {lsel} FROM t WHERE _version = {v} ORDER BY _rowid",
            lcols, ds.mapped_rows(v), version_col=v))
        add(f"v{v} FROM t({v})", lambda cur, v=v: runner.compare(
            cur.test, cur, f"SELECT _rowid, {lsel} FROM t({v}) ORDER BY _rowid", lcols, ds.mapped_rows(v)))
    for tag, v in sorted(ds.info["tags"].items()):
        add(f"tag {tag} (v{v}) WHERE _tag = '{tag}'", lambda cur, tag=tag, v=v: runner.compare(
            cur.test, cur, f"SELECT _rowid, {lsel} FROM t WHERE _tag = {qstr(tag)} ORDER BY _rowid", lcols, ds.mapped_rows(v)))
        add(f"tag {tag} (v{v}) FROM t(NULL, '{tag}')", lambda cur, tag=tag, v=v: runner.compare(
            cur.test, cur, f"SELECT _rowid, {lsel} FROM t(NULL, {qstr(tag)}) ORDER BY _rowid", lcols, ds.mapped_rows(v)))
    add(f"latest (v{ds.latest}) no constraint", lambda cur: runner.compare(
        cur.test, cur, f"SELECT _rowid, {lsel} FROM t ORDER BY _rowid", lcols, ds.rows(ds.latest)))
    for tag in ds.info.get("deleted_tags", []):
        def deleted(cur, tag=tag):
            try:
                n = cur.execute(f"SELECT count(*) FROM t WHERE _tag = {qstr(tag)}").fetchone()[0]
            except Exception:
                runner.passed += 1  # an error is a fine answer for a tag that no longer exists
                return
            if n == 0:
                runner.passed += 1
            else:
                runner.failed += 1
                print(f"FAIL {cur.test}: deleted tag '{tag}' returned {n} rows (expected an error or none)")
        add(f"deleted tag {tag}", deleted)

    try:
        con = con_factory()
        cur = con.cursor()
        cur.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(ds.path)})")
    except Exception as e:
        msg = e.args[0] if isinstance(e, SetupError) else f"{type(e).__name__}: {e}"
        for name, _ in tests:
            runner.fail_error(name, msg)
        return
    for name, fn in tests:
        cur = con.cursor()
        cur.test = name
        try:
            fn(cur)
        except Exception as e:
            runner.fail_error(name, f"{type(e).__name__}: {e}")
    con.close()


class TCursor:
    """a cursor that carries the test name"""
    def __init__(self, cur):
        self._cur = cur
        self.test = None

    def execute(self, *a):
        return self._cur.execute(*a)


class TConnection:
    def __init__(self, con):
        self._con = con

    def cursor(self):
        return TCursor(self._con.cursor())

    def close(self):
        self._con.close()


def main(suite="hist"):
    """suite: the name the results are printed under (read_compare.py reuses this)"""
    out, so, names = datasets(suite, "info.json")
    runner = Runner()
    if not names:
        runner.failed += 1

    def con_factory():
        return TConnection(connect(so))

    for name in names:
        try:
            ds = Dataset(out, name)
            run_dataset(runner, ds, con_factory)
        except (OSError, ValueError, KeyError) as e:
            runner.fail_error(f"{name}", f"bad expected files: {type(e).__name__}: {e}")
    for msg, n in runner.errors.items():
        if n > MAX_SAME_ERROR:
            print(f"     ... {n - MAX_SAME_ERROR} more tests failed with: {msg}")
    print(f"{suite}: {runner.passed} passed, {runner.failed} failed")
    sys.exit(1 if runner.failed else 0)


if __name__ == "__main__":
    main()
