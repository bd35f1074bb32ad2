"""sqlite_lance: the sqlite-lance extension from Python.

    import sqlite3, sqlite_lance
    con = sqlite3.connect(":memory:")
    sqlite_lance.load(con)
    con.execute("CREATE VIRTUAL TABLE bdd USING lance('data/bdd.lance')")

loadable_path() finds the library: $SQLITE_LANCE_PATH when set, else the copy
bundled at install (sqlite_lance/lance.so), else build/lance.so of the checkout
this package sits in (python/sqlite_lance -> ../../build).  The PyTorch datasets
are in sqlite_lance.torch, checkpoints pinned to data in sqlite_lance.checkpoint.
"""
import os
import sqlite3

__all__ = ["load", "loadable_path", "connect", "__version__"]
__version__ = "0.1.0"

_HERE = os.path.dirname(os.path.abspath(__file__))


def loadable_path():
    """The path of the extension library (lance.so) this package loads."""
    env = os.environ.get("SQLITE_LANCE_PATH")
    if env:
        if not os.path.exists(env):
            raise FileNotFoundError(f"SQLITE_LANCE_PATH={env}: no such file")
        return env
    candidates = [
        os.path.join(_HERE, "lance.so"),
        os.path.normpath(os.path.join(_HERE, os.pardir, os.pardir, "build", "lance.so")),
    ]
    for c in candidates:
        if os.path.exists(c):
            return c
    raise FileNotFoundError(
        "sqlite_lance: lance.so not found (looked in: " + ", ".join(candidates)
        + "); run `make` in the sqlite-lance checkout or set SQLITE_LANCE_PATH")


def load(conn):
    """Load the extension into an sqlite3 connection (like sqlite_vec.load)."""
    if not hasattr(conn, "enable_load_extension"):
        raise RuntimeError("this Python's sqlite3 module cannot load extensions "
                           "(built without SQLITE_ENABLE_LOAD_EXTENSION)")
    conn.enable_load_extension(True)
    try:
        conn.load_extension(loadable_path())
    finally:
        conn.enable_load_extension(False)


def connect(database=":memory:", **kwargs):
    """sqlite3.connect(database, **kwargs) with the extension loaded."""
    conn = sqlite3.connect(database, **kwargs)
    load(conn)
    return conn


def quote(text):
    """text as an SQL string literal ('it''s')."""
    return "'" + str(text).replace("'", "''") + "'"
