"""Permutation interop, the extension's side (perm_run.sh): every split of the
permutations LanceDB built (OUT/lancedb.json) read through lance(...,
permutation=, split=) must give LanceDB's source rows in LanceDB's order; then
lance_permutation() writes ours_* for perm_check.mjs (OUT/ours.json: rows in
order, base_version, split_names, split counts).
    /usr/bin/python3 perm_compare.py BUILD/lance.so OUT"""
import json
import sqlite3
import sys

lib, out = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "perm"
db = f"{out}/db"
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension(lib)
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
        print("FAIL", what, file=sys.stderr)


def view_listing():
    """The view (a materialized view of src) as LanceDB must read it: view.json."""
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS v USING lance('{db}/view.lance')")
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS src USING lance('{db}/src.lance')")
    got = [list(r) for r in con.execute("SELECT id, key, _source_rowid FROM v ORDER BY id")]
    want = [list(r) for r in con.execute("SELECT id, key, rowid FROM src WHERE x > 40 ORDER BY id")]
    check(got == want, f"view: {len(got)} rows, the source's {len(want)} rows with x > 40")
    version = con.execute("SELECT max(version) FROM lance_versions('v')").fetchone()[0]
    json.dump({"rows": got, "version": version}, open(f"{out}/view.json", "w"))


if mode == "refresh":  # LanceDB changed src (perm_check.mjs ours): refresh the view
    r = json.loads(con.execute("SELECT lance_refresh(?)", (f"{db}/view.lance",)).fetchone()[0])
    check(r["added"] == 2 and r["removed"] == 3 and r["version"] == 2, f"view refresh: {r}")
    view_listing()
    print(f"perm view refresh: {checks - failures}/{checks} checks passed")
    sys.exit(1 if failures else 0)

want = json.load(open(f"{out}/lancedb.json"))
names = {"random": ["train", "val"], "hash": ["a", "b"]}
for name, w in want.items():
    con.execute(f"CREATE VIRTUAL TABLE l_{name} USING lance('{db}/lperm_{name}.lance')")
    got = [[str(r), s] for r, s in con.execute(f"SELECT row_id, split_id FROM l_{name}")]
    check(got == w["rows"], f"{name}: LanceDB's permutation rows as listed")
    for sp, ids in w["splits"].items():
        split = names[name][int(sp)] if name in names else sp
        t = f"s_{name}_{sp}"
        con.execute(f"CREATE VIRTUAL TABLE {t} USING lance('{db}/src.lance', "
                    f"permutation='{db}/lperm_{name}.lance', split='{split}')")
        got_ids = [i for (i,) in con.execute(f"SELECT id FROM {t}")]
        check(got_ids == ids, f"{name}: split {split}: {len(got_ids)} source rows in LanceDB's order")

ours = {
    "random": "filter=x > 10 split_random=0.7,0.3 split_names=train,val seed=42 shuffle=true",
    "sequential": "split_sequential=20,30",
    "hash": "split_hash=key split_weights=1,1 split_names=a,b",
    "calculated": "split_calculated=id % 3",
}
con.execute(f"CREATE VIRTUAL TABLE src USING lance('{db}/src.lance')")
listing = {}
for name, opts in ours.items():
    n = con.execute("SELECT lance_permutation('src', ?, ?)", (f"{db}/ours_{name}.lance", opts)).fetchone()[0]
    con.execute(f"CREATE VIRTUAL TABLE o_{name} USING lance('{db}/ours_{name}.lance')")
    rows = [[str(r), s] for r, s in con.execute(f"SELECT row_id, split_id FROM o_{name}")]
    check(len(rows) == n, f"{name}: lance_permutation returned {n}, table has {len(rows)}")
    counts = {}
    for _, s in rows:
        counts[s] = counts.get(s, 0) + 1
    listing[name] = {"rows": rows, "counts": counts, "base_version": "1",
                     "split_names": json.dumps(names[name], separators=(",", ":")) if name in names else None}
# the two builders agree where the result does not depend on the random source
check(listing["sequential"]["rows"] == want["sequential"]["rows"], "sequential: same rows as LanceDB's")
check(sorted(listing["random"]["rows"]) != listing["random"]["rows"], "random: shuffled")
json.dump(listing, open(f"{out}/ours.json", "w"))
# a materialized view of src (LanceDB opens it in perm_check.mjs)
con.execute("SELECT lance_create_view(?, 'src', 'SELECT id, key FROM src WHERE x > 40')",
            (f"{db}/view.lance",))
view_listing()
print(f"perm sql: {checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
