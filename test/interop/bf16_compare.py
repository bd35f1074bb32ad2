#!/usr/bin/python3
"""bf16_compare.py OUT LANCE_SO

The bfloat16 dataset bf16_gen.mjs wrote, through the `lance` virtual table: every row's
b (REAL; NaN is NULL in SQLite) and vec (a float32 BLOB: the bf16 values widened
exactly) equal what LanceDB read back (bf16_expect.mjs), and vector search
(`vec MATCH :q AND _k = 10`, l2 / cosine / dot, the query rounded to bfloat16) gives the
exact top-10 ids in order with distances within 1e-5 relative of the double-precision
ones.  Ends with `bf16: N passed, M failed`."""
import json, math, os, struct, sys

from sql_suite import SetupError, connect

REL = 1e-5


def main():
    out, so = sys.argv[1], sys.argv[2]
    try:
        con = connect(so)
    except SetupError as e:
        print(f"bf16: setup: {e}\nbf16: 0 passed, 1 failed")
        return 1
    ex = json.load(open(os.path.join(out, "expect.json")))
    g = json.load(open(os.path.join(out, "gen.json")))
    con.execute(f"CREATE VIRTUAL TABLE t USING lance('{os.path.join(out, 'db', 'bf16.lance')}')")
    ok = bad = 0

    def check(cond, what):
        nonlocal ok, bad
        if cond:
            ok += 1
        else:
            bad += 1
            print("FAIL", what)

    got = {r[0]: r[1:] for r in con.execute("SELECT id, b, vec, typeof(vec) FROM t")}
    check(len(got) == len(ex["rows"]), f"row count {len(got)} vs {len(ex['rows'])}")
    for r in ex["rows"]:
        b, vec, tv = got.get(r["id"], (None, None, None))
        want_b = None if r["b"] is None else struct.unpack("<f", struct.pack("<I", r["b"] << 16))[0]
        if want_b is not None and math.isnan(want_b):
            want_b = None  # SQLite has no NaN: NULL
        same_b = (b is None and want_b is None) or (b is not None and want_b is not None and b == want_b
                                                      and math.copysign(1, b) == math.copysign(1, want_b))
        check(same_b, f"row {r['id']} b: {b!r} vs {r['b']!r}")
        if r["vec"] is None:
            check(vec is None, f"row {r['id']} vec: {vec!r} vs null")
        else:
            vals = list(struct.unpack(f"<{g['dim']}f", vec)) if tv == "blob" and len(vec) == 4 * g["dim"] else None
            check(vals == r["vec"], f"row {r['id']} vec: {tv} {vals} vs {r['vec']}")
    for c in ex["cases"]:
        q = struct.pack(f"<{g['dim']}f", *g["queries"][c["query"]])
        res = con.execute("SELECT id, _distance FROM t WHERE vec MATCH ? AND _k = 10 AND _metric = ?",
                          (q, c["metric"])).fetchall()
        ids_ok = [r[0] for r in res] == [r[0] for r in c["rows"]]
        d_ok = all(abs(a[1] - b[1]) <= REL * max(1.0, abs(b[1])) for a, b in zip(res, c["rows"]))
        check(ids_ok and d_ok and len(res) == 10, f"query {c['query']} {c['metric']}: {res} vs {c['rows']}")
    print(f"bf16: LanceDB's own search of the column: {ex['lancedbSearch']}")
    print(f"bf16: {ok} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
