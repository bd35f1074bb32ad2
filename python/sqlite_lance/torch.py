"""sqlite_lance.torch: Lance datasets (and permutations of them) as PyTorch datasets.

    from sqlite_lance.torch import LanceDataset
    ds = LanceDataset("bdd.lance", columns=["image", "label_id", "embedding"],
                      permutation="perm.lance", split="train")
    loader = DataLoader(ds, batch_size=256, num_workers=4)

LanceDataset is map-style: index i is the i-th row of the dataset in its read order,
or of the permutation's split in permutation order.  The row ids are read once, in
the constructor, and the source version is pinned then (the permutation's own
source version when one is given, else the latest or version=/tag=), so every
worker reads the same snapshot.  DataLoader batches arrive through __getitems__:
one SQL take (`WHERE rowid IN (...)`) per batch, rows then put back in the order
asked.

Batch mode (LanceDataset(..., batches=True)): __getitems__ returns the batch
already collated, built from one `lance_take_columns` call (docs/sql.md): each
column's values arrive packed in one buffer and become one tensor (numbers: (n,);
vectors: (n, dim)) without a Python object per row, or one list (bytes, str: one
object per value, as default_collate's lists).  Give
the DataLoader collate_fn=sqlite_lance.torch.collate (or use ds.loader(...)); the
batch equals default_collate of the per-row samples.  bytes_as="tensor" hands binary
columns (images) over as a pair (values, offsets) instead of a list of bytes: all the
batch's bytes in one uint8 tensor and n + 1 int64 offsets, value i being
values[offsets[i]:offsets[i + 1]] (split_bytes() gives the list back), for a model
that decodes them as tensors (measured here, it does not make DataLoader's transfer
of a batch cheaper than a list of bytes).  A column holding NULLs in a
batch comes as a list of the per-row values (None for NULL); transform= is per
sample, so it is refused in batch mode.

LanceIterableDataset streams the same rows with its own seeded shuffle (a new
order per set_epoch), split between DataLoader workers by chunks.

Workers: each process opens its own SQLite connection on first use; nothing
sqlite-related is pickled (spawn) and a connection inherited through fork is never
used (a new one is opened in the child).

Values: integer, float and bool columns come as 0-d tensors (int64, float64,
bool); vector columns (fixed-size lists of float16/float32/float64/int8/uint8) as
1-d tensors of that type; binary and blob columns (images) as bytes; text as str;
anything else (lists, structs, dates) as the TEXT the table returns.  NULL is
None.  transform(sample) is applied to each sample, a dict column -> value.
"""
import array
import json
import os
import re
import sys

import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info
from torch.utils.data import default_collate

from . import connect, quote

__all__ = ["LanceDataset", "LanceIterableDataset", "convert_rows", "collate", "split_bytes"]

# Connections inherited through fork: kept referenced (never closed nor used in
# the child, where closing could touch the parent's open files).
_INHERITED = []

_INT_TYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_FLOAT_TYPES = {"halffloat", "float16", "float", "float32", "double", "float64"}
_VECTOR_DTYPES = {
    "float16": torch.float16, "halffloat": torch.float16, "float32": torch.float32,
    "float": torch.float32, "float64": torch.float64, "double": torch.float64,
    "int8": torch.int8, "uint8": torch.uint8,
}
_FIXED_LIST = re.compile(r"^fixed_size_list<(\w+)>\[(\d+)\]$")
# SQLite's default limit on host parameters in one statement is 32766.
_TAKE_CHUNK = 30000


def _kind(arrow_type):
    """How a column of this Arrow type is handed to torch: a converter name."""
    if arrow_type in _INT_TYPES:
        return ("int", None)
    if arrow_type in _FLOAT_TYPES:
        return ("float", None)
    if arrow_type == "bool":
        return ("bool", None)
    m = _FIXED_LIST.match(arrow_type)
    if m and m.group(1) in _VECTOR_DTYPES:
        return ("vector", _VECTOR_DTYPES[m.group(1)])
    if arrow_type.startswith(("binary", "large_binary", "fixed_size_binary")):
        return ("bytes", None)
    return ("raw", None)


def _convert_column(kind, values):
    """A column of a batch (a list) converted as _convert does, in one go where it can:
    numbers as one tensor unbound into 0-d views, same-width vectors as one buffer."""
    k, dtype = kind
    if k in ("bytes", "raw"):
        return values
    if None not in values:
        if k in ("int", "float", "bool"):
            dt = torch.int64 if k == "int" else torch.float64 if k == "float" else torch.bool
            return torch.tensor(values, dtype=dt).unbind(0)
        if k == "vector" and values and all(isinstance(v, bytes) for v in values) \
                and len(set(map(len, values))) == 1 and len(values[0]) > 0:
            flat = torch.frombuffer(bytearray(b"".join(values)), dtype=dtype)
            return flat.view(len(values), -1).unbind(0)
    return [_convert(kind, v) for v in values]


def convert_rows(columns, kinds, rows):
    """Samples (dicts column -> value) of rows (tuples of SQLite values, one per column)."""
    if not rows:
        return []
    cols = [_convert_column(k, list(vals)) for k, vals in zip(kinds, zip(*rows))]
    return [dict(zip(columns, vals)) for vals in zip(*cols)]


def _convert(kind, value):
    if value is None:
        return None
    k, dtype = kind
    if k == "int":
        return torch.tensor(value, dtype=torch.int64)
    if k == "float":
        return torch.tensor(value, dtype=torch.float64)
    if k == "bool":
        return torch.tensor(bool(value))
    if k == "vector":
        if not isinstance(value, bytes):  # a vector with null items reads as JSON text
            raise ValueError(f"vector value with null items: {value}")
        return torch.frombuffer(bytearray(value), dtype=dtype)
    return value


class _LanceSource:
    """What both datasets share: the pinned source, its row ids, the lazy
    per-process connection and batch takes.  Picklable (plain values only)."""

    def __init__(self, path, columns=None, permutation=None, split=None, version=None,
                 tag=None, filter=None, transform=None):
        if split is not None and permutation is None:
            raise ValueError("split= needs permutation=")
        self.path = os.fspath(path)
        self.permutation = os.fspath(permutation) if permutation is not None else None
        self.split = split
        self.filter = filter
        self.transform = transform
        self._conn = None
        self._conn_pid = None
        con = connect()
        try:
            con.execute("CREATE VIRTUAL TABLE temp.src USING lance(" + self._args(version, tag) + ")")
            schema = dict(con.execute(
                "SELECT name, arrow_type FROM lance_schema('temp.src') WHERE parent_id = -1"))
            if columns is None:
                columns = list(schema)
            missing = [c for c in columns if c not in schema]
            if missing:
                raise ValueError(f"{self.path}: no column {', '.join(missing)} "
                                 f"(columns: {', '.join(schema)})")
            self.columns = list(columns)
            self.kinds = [_kind(schema[c]) for c in self.columns]
            where = f" WHERE {filter}" if filter else ""
            self._ids = array.array("q")
            self.version = None
            for rowid, ver in con.execute(f"SELECT rowid, _version FROM temp.src{where}"):
                self._ids.append(rowid)
                self.version = ver
            if self.version is None:  # no rows: the version read all the same
                self.version = version or self._latest_version(con, tag)
        finally:
            con.close()

    def _args(self, version, tag, with_permutation=True):
        a = [quote(self.path)]
        if version is not None:
            a.append(f"version={int(version)}")
        if tag is not None:
            a.append("tag=" + quote(tag))
        if with_permutation and self.permutation is not None:
            a.append("permutation=" + quote(self.permutation))
            if self.split is not None:
                a.append("split=" + quote(self.split))
        return ", ".join(a)

    def _latest_version(self, con, tag):
        if tag is not None:
            row = con.execute("SELECT version FROM lance_tags(?) WHERE tag = ?",
                              (self.path, tag)).fetchone()
        else:
            row = con.execute("SELECT max(version) FROM lance_versions(?)", (self.path,)).fetchone()
        return row[0] if row else None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_conn"] = None
        state["_conn_pid"] = None
        return state

    def _connection(self):
        """This process's connection, with temp.src = the source pinned at self.version."""
        pid = os.getpid()
        if self._conn is not None and self._conn_pid != pid:
            _INHERITED.append(self._conn)  # made before a fork: not ours to use
            self._conn = None
        if self._conn is None:
            con = connect()
            con.execute("CREATE VIRTUAL TABLE temp.src USING lance("
                        + self._args(self.version, None, with_permutation=False) + ")")
            self._conn, self._conn_pid = con, pid
        return self._conn

    def _take(self, rowids):
        """Samples (dicts) of rows rowids, in that order (repeats allowed)."""
        con = self._connection()
        cols = ", ".join('"' + c.replace('"', '""') + '"' for c in self.columns)
        found = {}
        uniq = list(dict.fromkeys(rowids))
        for i in range(0, len(uniq), _TAKE_CHUNK):
            part = uniq[i:i + _TAKE_CHUNK]
            sql = (f"SELECT rowid, {cols} FROM temp.src WHERE rowid IN ("
                   + ",".join("?" * len(part)) + ")")
            for row in con.execute(sql, part):
                found[row[0]] = row
        ordered = []
        for r in rowids:
            row = found.get(r)
            if row is None:
                raise IndexError(f"{self.path}: row id {r} not found at version {self.version}")
            ordered.append(row[1:])
        out = convert_rows(self.columns, self.kinds, ordered)
        return [self.transform(s) for s in out] if self.transform else out

    def row_ids(self):
        """The row ids, in read order (a copy)."""
        return list(self._ids)


class _Batch(dict):
    """A batch collated by LanceDataset(batches=True): collate() passes it on."""


def collate(batch):
    """collate_fn for LanceDataset(batches=True): its batches as they are (a dict
    column -> tensor or list), anything else through default_collate."""
    if isinstance(batch, _Batch):
        return dict(batch)
    return default_collate(batch)


def _offsets(offsets):
    off = array.array("q")
    off.frombytes(offsets)
    if sys.byteorder != "little":
        off.byteswap()
    return off


def split_bytes(values, offsets):
    """The list of bytes of a bytes_as="tensor" pair (values, offsets)."""
    b, o = values.numpy().tobytes(), offsets.tolist()
    return [b[o[i]:o[i + 1]] for i in range(len(o) - 1)]


def _batch_column(kind, typ, n, data, offsets, nulls, bytes_as="list"):
    """One column of lance_take_columns' result as default_collate would give the
    per-row values: a tensor of n numbers, an (n, dim) tensor of vectors, or a list;
    binary columns with bytes_as="tensor" as (uint8 values, int64 offsets)."""
    k, dtype = kind
    if k == "bytes" and bytes_as == "tensor" and nulls is None and typ == "binary":
        values = torch.frombuffer(bytearray(data), dtype=torch.uint8) if data \
            else torch.empty(0, dtype=torch.uint8)
        return values, torch.frombuffer(bytearray(offsets), dtype=torch.int64)
    if typ in ("int64", "float64"):
        dt = torch.int64 if typ == "int64" else torch.float64
        buf = torch.frombuffer(bytearray(data), dtype=dt) if n else torch.empty(0, dtype=dt)
        if nulls is not None:
            vals = buf.tolist()
            return [None if nulls[i] else _convert(kind, vals[i]) for i in range(n)]
        return buf.to(torch.bool) if k == "bool" else buf
    off = _offsets(offsets)
    if k == "vector" and nulls is None and n and off[1] > 0:
        w = off[1]  # one value's bytes: every value has them (a fixed-size list)?
        if w % torch.empty(0, dtype=dtype).element_size() == 0 \
                and off == array.array("q", range(0, n * w + 1, w)):
            return torch.frombuffer(bytearray(data), dtype=dtype).view(n, -1)
    vals = [data[a:b] for a, b in zip(off, off[1:])]
    if typ == "text":
        vals = [v.decode("utf-8") for v in vals]
    if nulls is not None:
        return [None if nulls[i] else _convert(kind, vals[i]) for i in range(n)]
    if k == "vector":
        return default_collate([_convert(kind, v) for v in vals])
    return vals


class LanceDataset(_LanceSource, Dataset):
    """Map-style dataset over a Lance dataset or one split of a permutation.

    LanceDataset(path, columns=None, permutation=None, split=None, version=None,
                 tag=None, filter=None, transform=None, batches=False, bytes_as="list")

    batches=True: __getitems__ returns whole collated batches (see the module's
    doc); use collate_fn=collate or loader().  bytes_as="tensor" (batches only):
    binary columns as a (uint8 values, int64 offsets) pair.
    """

    def __init__(self, path, columns=None, batches=False, bytes_as="list", **kwargs):
        if batches and kwargs.get("transform") is not None:
            raise ValueError("transform= is applied per sample: not with batches=True "
                             "(transform the batch in the training loop)")
        if bytes_as not in ("list", "tensor") or (bytes_as == "tensor" and not batches):
            raise ValueError('bytes_as is "list", or "tensor" with batches=True')
        super().__init__(path, columns=columns, **kwargs)
        self.batches, self.bytes_as = bool(batches), bytes_as

    def loader(self, **kwargs):
        """DataLoader(self, collate_fn=collate, **kwargs)."""
        kwargs.setdefault("collate_fn", collate)
        return DataLoader(self, **kwargs)

    def _take_batch(self, rowids):
        """The batch of rows rowids (in that order, repeats allowed), collated: one
        lance_take_columns call, each column built from its packed buffer."""
        con = self._connection()
        ids = array.array("q", rowids)
        if sys.byteorder != "little":
            ids.byteswap()
        cols = json.dumps(self.columns)
        out = {}
        rows = con.execute("SELECT type, n, data, offsets, nulls FROM lance_take_columns("
                           "'src', ?, ?)", (ids.tobytes(), cols)).fetchall()
        for name, kind, (typ, n, data, offsets, nulls) in zip(self.columns, self.kinds, rows):
            out[name] = _batch_column(kind, typ, n, data, offsets, nulls, self.bytes_as)
        return out

    def __len__(self):
        return len(self._ids)

    def __getitem__(self, i):
        if i < 0:
            i += len(self._ids)
        if not 0 <= i < len(self._ids):
            raise IndexError(f"index {i} out of range ({len(self._ids)} rows)")
        return self._take([self._ids[i]])[0]

    def __getitems__(self, indices):
        n = len(self._ids)
        ids = []
        for i in indices:
            if not -n <= i < n:
                raise IndexError(f"index {i} out of range ({n} rows)")
            ids.append(self._ids[i])
        if self.batches:
            return _Batch(self._take_batch(ids))
        return self._take(ids)


class LanceIterableDataset(_LanceSource, IterableDataset):
    """Iterable dataset with its own seeded shuffle.

    LanceIterableDataset(path, columns=None, permutation=None, split=None,
                         version=None, tag=None, filter=None, transform=None,
                         shuffle=True, seed=0, read_size=256)

    Each epoch's order is a permutation drawn from seed + epoch (set_epoch); with
    DataLoader workers, chunk j of read_size rows of that order goes to worker
    j % num_workers, so together the workers yield every row once per epoch.
    """

    def __init__(self, path, columns=None, shuffle=True, seed=0, read_size=256, **kwargs):
        super().__init__(path, columns=columns, **kwargs)
        if read_size < 1:
            raise ValueError("read_size must be positive")
        self.shuffle, self.seed, self.read_size, self.epoch = shuffle, seed, read_size, 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __len__(self):
        return len(self._ids)

    def order(self):
        """This epoch's order: positions into row_ids()."""
        n = len(self._ids)
        if not self.shuffle:
            return list(range(n))
        g = torch.Generator()
        g.manual_seed(self.seed + self.epoch)
        return torch.randperm(n, generator=g).tolist()

    def __iter__(self):
        info = get_worker_info()
        wid, nw = (info.id, info.num_workers) if info else (0, 1)
        order = self.order()
        for j, start in enumerate(range(0, len(order), self.read_size)):
            if j % nw != wid:
                continue
            chunk = order[start:start + self.read_size]
            yield from self._take([self._ids[i] for i in chunk])
