"""What the SQL interop suites (hist_compare.py, knn_compare.py) share: quoting, loading
the extension into a fresh connection, and finding the datasets named on the command line.
"""
import os
import re
import sys

try:
    import sqlite3
    SQLITE_IMPORT_ERROR = None
except ImportError as e:  # a Python built without sqlite3
    sqlite3 = None
    SQLITE_IMPORT_ERROR = str(e)


class SetupError(Exception):
    pass


def qstr(s):
    return "'" + s.replace("'", "''") + "'"


def connect(so):
    """a :memory: connection with the extension `so` loaded, or SetupError saying why not"""
    if sqlite3 is None:
        raise SetupError(f"this Python has no sqlite3 module ({SQLITE_IMPORT_ERROR})")
    con = sqlite3.connect(":memory:")
    if not hasattr(con, "enable_load_extension"):
        raise SetupError(f"{sys.executable}'s sqlite3 module cannot load extensions (use Debian's /usr/bin/python3)")
    if not os.path.exists(so) and not os.path.exists(so + ".so"):
        raise SetupError(f"extension {so} does not exist (build it first)")
    try:
        con.enable_load_extension(True)
        con.load_extension(so)
    except sqlite3.Error as e:
        raise SetupError(f"cannot load extension {so}: {e}")
    return con


def datasets(suite, marker):
    """argv OUT LANCE_SO [name-filter-regex] -> (out, so, names): the datasets in OUT that
    hold `marker`, sorted; prints why when there are none (the caller counts a failure)"""
    if len(sys.argv) < 3:
        print(f"usage: {suite}_compare.py OUT LANCE_SO [name-filter-regex]", file=sys.stderr)
        sys.exit(2)
    out, so = sys.argv[1], sys.argv[2]
    filt = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
    try:
        names = sorted(n for n in os.listdir(out) if os.path.isfile(os.path.join(out, n, marker))
                       and (filt is None or filt.search(n)))
    except OSError as e:
        print(f"{suite}: cannot list {out}: {e}")
        names = []
    if not names:
        print(f"{suite}: no datasets in {out} (run {suite}_gen.mjs and {suite}_expect.mjs first)")
    return out, so, names
