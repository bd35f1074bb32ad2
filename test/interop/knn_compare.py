#!/usr/bin/python3
"""knn_compare.py OUT LANCE_SO [name-filter-regex]

Runs every vector-search case knn_expect.mjs recorded (OUT/<ds>/expect.json: LanceDB's
exact search) through the `lance` virtual table with Python's sqlite3 and the extension
LANCE_SO:

    SELECT id, _distance, _rowid FROM t WHERE vec MATCH ? AND _k = K [AND _metric = 'm']
                                             [AND (prefilter)]

and compares the rows: same _rowid and id in the same order, _distance within tolerance.
A result that differs from LanceDB's only by the order (or, at the k-th row, the choice)
of rows whose distances are equal within tolerance is a TIE-ORDER difference: listed
separately, not a failure. See knn_README.md for the rule. Ends with exactly
`knn: N passed, M failed`; the exit status is 1 if M > 0.
"""
import json
import math
import os
import struct
import sys

from sql_suite import SetupError, connect, datasets, qstr

REL_TOL = 1e-5         # relative tolerance on _distance
ABS_TOL = 1e-6         # absolute tolerance near 0
MAX_SHOWN = 4          # problems shown per failing case
MAX_SAME_ERROR = 3     # failing cases shown per distinct error message
MAX_DETAILED = 30      # failing cases shown in detail; later ones get one line
MAX_TIES_SHOWN = 10    # tie-order differences listed
# KNN_STRICT_PREFILTER=1: a filter SQLite applies after the search (OR, documented in
# docs/sql.md) fails unless the answer equals LanceDB's prefiltered one
STRICT_PREFILTER = os.environ.get("KNN_STRICT_PREFILTER") == "1"


def near(a, b, s=0.0):
    """equal within tolerance; s: the size of the summed terms (dot: sum |q_i v_i|), which
    the float32 rounding error of a cancelling result is relative to"""
    if type(a) not in (int, float) or type(b) not in (int, float) or math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= max(ABS_TOL, REL_TOL * max(abs(a), abs(b), s))


def show_row(r):
    return f"rowid {r[0]} id {r[1]} d={r[2]!r}"


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.errors = {}     # error message -> number of cases that failed with it
        self.detailed = 0
        self.ties = []       # (case, kind, detail)
        self.postfiltered = []  # cases equal to LanceDB's postfilter() answer (documented)

    def fail_error(self, case, msg):
        self.failed += 1
        n = self.errors.get(msg, 0) + 1
        self.errors[msg] = n
        if n <= MAX_SAME_ERROR:
            print(f"FAIL {case}: {msg}")

    def fail_problems(self, case, problems):
        self.failed += 1
        self.detailed += 1
        if self.detailed > MAX_DETAILED:
            print(f"FAIL {case}: {problems[0]}")
            return
        print(f"FAIL {case}: {len(problems)} problem{'s' if len(problems) > 1 else ''}")
        for p in problems[:MAX_SHOWN]:
            print(f"    {p}")


def build_sql(c, elem, qvec):
    """the SQL and its parameters for case c"""
    where = f" AND ({c['where']})" if c["where"] else ""
    # LanceDB's distance_range(lo, hi): lo <= _distance < hi (repr() of a float32 widened
    # to double reads back exactly)
    lo, hi = c.get("range") or (None, None)
    where += f" AND _distance >= {lo!r}" if lo is not None else ""
    where += f" AND _distance < {hi!r}" if hi is not None else ""
    if c["mode"] == "params":
        # everything bound, metric always explicit, ORDER BY _distance (must not change a thing)
        sql = f"SELECT id, _distance, _rowid FROM t WHERE vec MATCH :q AND _k = :k AND _metric = :m{where} ORDER BY _distance"
        return sql, {"q": qblob(elem, qvec), "k": c["k"], "m": c["metric"]}
    metric = "" if c["metric"] == "l2" and not c["explicit_l2"] else f" AND _metric = {qstr(c['metric'])}"
    sql = f"SELECT id, _distance, _rowid FROM t WHERE vec MATCH ? AND _k = {c['k']}{metric}{where}"
    if c["mode"] == "json":
        # repr() of a float32 widened to double reads back to the same double, so to the same float32
        q = "[" + ", ".join(repr(float(x)) if elem == "float32" else str(int(x)) for x in qvec) + "]"
        return sql, (q,)
    return sql, (qblob(elem, qvec),)


def qblob(elem, qvec):
    if elem == "float32":
        return struct.pack(f"<{len(qvec)}f", *qvec)
    return bytes(int(x) for x in qvec)  # uint8 vectors: the raw bytes


def check(c, got):
    """None if got equals LanceDB's rows; ("tie", kind, detail) for a tie-order difference;
    else a list of problems"""
    exp = [(r["_rowid"], r["id"], float(r["_distance"])) for r in c["rows"]]
    scale = {r["_rowid"]: r.get("s", 0.0) for r in c["rows"] + c["boundary"]}
    problems = []
    for i, g in enumerate(got):
        if len(g) == 3 and g[1] is None and type(g[0]) is int and type(g[2]) is int:
            problems.append(f"position {i} (rowid {g[2]} id {g[0]}): _distance is NULL (SQLite's NaN); "
                            "LanceDB leaves rows with a NaN distance out")
        elif len(g) != 3 or type(g[0]) is not int or type(g[1]) is not float or type(g[2]) is not int:
            problems.append(f"position {i}: expected (INTEGER id, REAL _distance, INTEGER _rowid), got {g!r}")
    if problems:
        if len(got) != len(exp):
            problems.insert(0, f"row count: LanceDB {len(exp)}, SQL {len(got)}")
        return problems
    got = [(g[2], g[0], g[1]) for g in got]   # (id, _distance, _rowid) -> (rowid, id, distance) like exp
    if len(got) == len(exp) and all(g[0] == e[0] and g[1] == e[1] and near(g[2], e[2], scale[e[0]]) for g, e in zip(got, exp)):
        return None
    # tie-order difference?  same length, position by position equal distances, every row
    # one LanceDB returned (or ranked just after the k-th at an equal distance) with its id
    # and distance, no row twice
    known = {r["_rowid"]: (r["_rowid"], r["id"], float(r["_distance"])) for r in c["rows"] + c["boundary"]}
    tie = len(got) == len(exp) and len({g[0] for g in got}) == len(got)
    if tie:
        for g, e in zip(got, exp):
            k = known.get(g[0])
            sc = max(scale.get(g[0], 0.0), scale[e[0]])
            if k is None or k[1] != g[1] or not near(g[2], k[2], sc) or not near(g[2], e[2], sc):
                tie = False
                break
    if tie:
        moved = [(i, g, e) for i, (g, e) in enumerate(zip(got, exp)) if g[0] != e[0]]
        # exact: LanceDB's own distances of the rows involved are equal (a true tie, which
        # both sides should order by _rowid); near: equal only within the tolerance
        exact = all(known[g[0]][2] == e[2] for _, g, e in moved)
        i, g, e = moved[0]
        return ("tie", "exact" if exact else "near",
                f"{len(moved)} positions, first {i}: LanceDB {show_row(e)}, SQL {show_row(g)}")
    # a failure: describe it
    if len(got) != len(exp):
        problems.append(f"row count: LanceDB {len(exp)}, SQL {len(got)}")
    for i, (g, e) in enumerate(zip(got, exp)):
        if g[0] != e[0] or g[1] != e[1] or not near(g[2], e[2], scale[e[0]]):
            problems.append(f"first difference at position {i}: LanceDB {show_row(e)}, SQL {show_row(g)}")
            break
    erids = {e[0] for e in exp}
    grids = {g[0] for g in got}
    missing = [e for e in exp if e[0] not in grids]
    extra = [g for g in got if g[0] not in erids and g[0] not in known]
    if missing:
        problems.append(f"{len(missing)} LanceDB rows missing, e.g. " + "; ".join(show_row(m) for m in missing[:3]))
    if extra:
        problems.append(f"{len(extra)} rows LanceDB did not return, e.g. " + "; ".join(show_row(x) for x in extra[:3]))
    for g in got:
        k = known.get(g[0])
        if k is not None and (k[1] != g[1] or not near(g[2], k[2], scale[g[0]])):
            problems.append(f"rowid {g[0]}: LanceDB id {k[1]} d={k[2]!r}, SQL id {g[1]} d={g[2]!r}")
            break
    if len(grids) != len(got):
        problems.append("a rowid appears twice")
    return problems or [f"differs from LanceDB (order): LanceDB {exp[:3]}..., SQL {got[:3]}..."]


def run_dataset(runner, ex, so, state):
    cases = ex["cases"]
    try:
        con = connect(so)
        con.execute(f"CREATE VIRTUAL TABLE t USING lance({qstr(ex['path'])})")
        if state.get("unsupported") is None:
            # the syntax at all? (one clean line if the extension has no vector search yet)
            q0 = ex["queries"][0]
            try:
                con.execute("SELECT _distance FROM t WHERE vec MATCH ? AND _k = 1", (qblob(ex["elem"], q0),)).fetchall()
                state["unsupported"] = False
            except Exception as e:
                state["unsupported"] = True
                print(f"knn: {so} does not support `vec MATCH :q AND _k = N` yet: {type(e).__name__}: {e}")
        if state["unsupported"]:
            runner.failed += len(cases)
            return
    except Exception as e:
        msg = e.args[0] if isinstance(e, SetupError) else f"{type(e).__name__}: {e}"
        for c in cases:
            runner.fail_error(c["case"], msg)
        return
    for c in cases:
        name = f"{c['case']} [{c['mode']}]"
        try:
            sql, params = build_sql(c, ex["elem"], ex["queries"][c["q"]])
            got = con.execute(sql, params).fetchall()
        except Exception as e:  # sqlite3.Error, or anything the extension makes Python raise
            runner.fail_error(name, f"{type(e).__name__}: {e}")
            continue
        res = check(c, got)
        if isinstance(res, list) and "post_rows" in c and not STRICT_PREFILTER:
            # docs/sql.md: a condition the table cannot evaluate (OR) is applied by SQLite
            # after the search; LanceDB's postfilter() is that same semantics
            post = check(dict(c, rows=c["post_rows"], boundary=[]), got)
            if not isinstance(post, list):
                runner.passed += 1
                runner.postfiltered.append(name)
                continue
        if res is None:
            runner.passed += 1
        elif isinstance(res, tuple):
            runner.passed += 1
            runner.ties.append((name, res[1], res[2]))
        else:
            runner.fail_problems(name, res)
    con.close()


def main():
    out, so, names = datasets("knn", "expect.json")
    runner = Runner()
    if not names:
        runner.failed += 1
    state = {"unsupported": None}
    for name in names:
        try:
            with open(os.path.join(out, name, "expect.json"), encoding="utf-8") as f:
                ex = json.load(f)
            run_dataset(runner, ex, so, state)
        except (OSError, ValueError, KeyError) as e:
            runner.fail_error(name, f"bad expected files: {type(e).__name__}: {e}")
    for msg, n in runner.errors.items():
        if n > MAX_SAME_ERROR:
            print(f"     ... {n - MAX_SAME_ERROR} more cases failed with: {msg}")
    if runner.ties:
        exact = sum(1 for t in runner.ties if t[1] == "exact")
        print(f"knn: {len(runner.ties)} tie-order differences (passed): {exact} among rows LanceDB gives exactly "
              f"equal distances, {len(runner.ties) - exact} among near ties (equal within the tolerance)")
        for name, kind, detail in runner.ties[:MAX_TIES_SHOWN]:
            print(f"TIE  {name}: {kind}: {detail}")
        if len(runner.ties) > MAX_TIES_SHOWN:
            print(f"     ... {len(runner.ties) - MAX_TIES_SHOWN} more tie-order differences")
    if runner.postfiltered:
        print(f"knn: {len(runner.postfiltered)} cases (passed) equal LanceDB's postfilter() answer, not its default "
              f"prefiltered one: SQLite applies their condition after the search (docs/sql.md; "
              f"KNN_STRICT_PREFILTER=1 fails them), e.g. {runner.postfiltered[0]}")
    print(f"knn: {runner.passed} passed, {runner.failed} failed")
    sys.exit(1 if runner.failed else 0)


if __name__ == "__main__":
    main()
