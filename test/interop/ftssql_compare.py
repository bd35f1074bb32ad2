#!/usr/bin/python3
"""ftssql_compare.py OUT LANCE_SO

Runs every case ftssql_expect.mjs recorded (OUT/docs/expect.json: LanceDB 0.39's answers)
through the `lance` virtual table with Python's sqlite3 and the extension LANCE_SO:

    SELECT _rowid, id, _score FROM docs WHERE <col> MATCH ? [AND _k = K] [AND (where)]
                                              [AND _version = V]
    SELECT _rowid, id, _relevance_score FROM docs
     WHERE body MATCH ? AND vec MATCH ? AND _k = K [AND (where)]          -- hybrid

and, for the plain-text cases, the fts() function (`fts('docs', 'body', ?, K)`), which
must give the table's answer. Rows compare as LanceDB's: the same scores rank by rank
within 1e-5 relative, the same row ids except that rows of equal score may come in any
order and, at the k-th row, be any of the rows sharing that score. A case LanceDB refuses
must fail here too. Ends with `ftssql: N passed, M failed`; exit status 1 if M > 0.
"""
import json
import math
import os
import sys

from sql_suite import SetupError, connect, qstr

REL_TOL = 1e-5


def near(a, b):
    return a is not None and b is not None and abs(a - b) <= max(1e-7, REL_TOL * max(abs(a), abs(b)))


def same_rows(want, got):
    """None when got equals want up to ties, else a sentence saying where they differ"""
    if len(want) != len(got):
        return f"{len(got)} rows, LanceDB {len(want)}"
    for i, (w, g) in enumerate(zip(want, got)):
        if not near(w["score"], g[2]):
            return f"rank {i}: score {g[2]!r} (row {g[0]}), LanceDB {w['score']!r} (row {w['_rowid']})"
    # groups of equal score: the same row ids, except in the last group (the cut)
    i = 0
    while i < len(want):
        j = i
        while j < len(want) and near(want[j]["score"], want[i]["score"]):
            j += 1
        ws = {w["_rowid"] for w in want[i:j]}
        gs = {g[0] for g in got[i:j]}
        if ws != gs and j < len(want):
            return f"rows of score {want[i]['score']!r}: {sorted(gs)[:6]}, LanceDB {sorted(ws)[:6]}"
        i = j
    ids = {w["_rowid"]: w["id"] for w in want}
    for g in got:
        if g[0] in ids and ids[g[0]] != g[1]:
            return f"row {g[0]}: id {g[1]}, LanceDB {ids[g[0]]}"
    return None


def vec_blob(v):
    import struct
    return struct.pack(f"<{len(v)}f", *v)


def run_case(con, c):
    hybrid = c["vec"] is not None
    score = "_relevance_score" if hybrid else "_score"
    sql = f"SELECT _rowid, id, {score} FROM docs WHERE \"{c['column']}\" MATCH ?"
    args = [c["match"]]
    if hybrid:
        sql += " AND vec MATCH ?"
        args.append(vec_blob(c["vec"]))
    if c["k"] is not None:
        sql += " AND _k = ?"
        args.append(c["k"])
    if c["where"]:
        sql += f" AND ({c['where']})"
    if c["version"]:
        sql += f" AND _version = {int(c['version'])}"
    return con.execute(sql, args).fetchall()


def main():
    if len(sys.argv) < 3:
        print("usage: ftssql_compare.py OUT LANCE_SO", file=sys.stderr)
        sys.exit(2)
    out, so = sys.argv[1], sys.argv[2]
    passed = failed = 0
    try:
        exp = json.load(open(os.path.join(out, "docs", "expect.json")))
        con = connect(so)
        con.execute(f"CREATE VIRTUAL TABLE docs USING lance({qstr(exp['path'])})")
    except (OSError, ValueError, SetupError) as e:
        print(f"ftssql: {e}\nftssql: 0 passed, 1 failed")
        sys.exit(1)
    for c in exp["cases"]:
        try:
            got = run_case(con, c)
            err = None
        except Exception as e:  # sqlite3.Error
            got, err = None, str(e)
        if "error" in c:
            ok = err is not None
            why = f"LanceDB refuses ({c['error'][:120]}) but the table answered {len(got or [])} rows"
        elif err is not None:
            ok, why = False, f"error: {err}"
        else:
            why = same_rows(c["rows"], got)
            ok = why is None
            if ok and c["vec"] is None and c["column"] == "body" and not c["match"].startswith("{") \
                    and not c["where"] and not c["version"]:
                k = c["k"] if c["k"] is not None else 1000000
                f = con.execute("SELECT rowid, NULL, _score FROM fts('docs', 'body', ?, ?)",
                                [c["match"], k]).fetchall()
                if [r[0] for r in f] != [r[0] for r in got] or any(not near(a[2], b[2]) for a, b in zip(f, got)):
                    ok, why = False, "fts() differs from the table's MATCH"
        if ok:
            passed += 1
            if err is not None:
                print(f"ok   {c['case']}: refused as LanceDB refuses: {err}")
        else:
            failed += 1
            print(f"FAIL {c['case']}: {why}")
    print(f"ftssql: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
