"""sqlite_lance.checkpoint: model checkpoints pinned to the data they were trained on.

    from sqlite_lance import checkpoint
    ref = checkpoint.pin("bdd.lance", "run-42", permutation="perm.lance", split="train")
    ...train...
    checkpoint.save("model.pt", model.state_dict(), ref, epoch=3)

    later:
    ckpt = checkpoint.load("model.pt")
    model.load_state_dict(ckpt["model"])
    ds = checkpoint.open_dataset(ckpt["data"], columns=["image", "label"])  # the same rows

pin() tags the dataset's current version (lance_tag_create), so cleanup keeps it, and
returns a data reference: a plain dict {"dataset", "version", "tag", "permutation",
"split"} with an absolute dataset path; from_tag() makes one from a tag created in
SQL (lance_tag_create).  open_dataset() reopens exactly that version
(through the permutation and split when given) as a LanceDataset; when the tag was
moved or deleted since, it still reads the recorded version and warns.
"""
import os
import warnings

from . import connect

__all__ = ["pin", "from_tag", "save", "load", "open_dataset"]


def pin(dataset, tag, version=None, permutation=None, split=None):
    """Tag `version` (default: the latest) of the dataset at path `dataset` and
    return the data reference to store with a checkpoint."""
    path = os.path.abspath(os.fspath(dataset))
    con = connect()
    try:
        args = (path, tag) if version is None else (path, tag, int(version))
        placeholders = ", ".join("?" * len(args))
        v = con.execute(f"SELECT lance_tag_create({placeholders})", args).fetchone()[0]
    finally:
        con.close()
    return {"dataset": path, "version": v, "tag": tag,
            "permutation": os.path.abspath(os.fspath(permutation)) if permutation else None,
            "split": split}


def from_tag(dataset, tag, permutation=None, split=None):
    """The data reference of an existing tag (made with lance_tag_create in SQL)."""
    path = os.path.abspath(os.fspath(dataset))
    con = connect()
    try:
        row = con.execute("SELECT version FROM lance_tags(?) WHERE tag = ?", (path, tag)).fetchone()
    finally:
        con.close()
    if row is None:
        raise LookupError(f"{path}: no tag {tag!r}")
    return {"dataset": path, "version": row[0], "tag": tag,
            "permutation": os.path.abspath(os.fspath(permutation)) if permutation else None,
            "split": split}


def save(file, model_state, data, **extra):
    """torch.save({"model": model_state, "data": data, **extra}, file)."""
    import torch
    if not isinstance(data, dict) or "dataset" not in data or "version" not in data:
        raise ValueError("data must be a reference from checkpoint.pin()")
    torch.save({"model": model_state, "data": dict(data), **extra}, file)


def load(file, map_location=None):
    """The dict save() wrote: "model", "data" and the extra keys."""
    import torch
    return torch.load(file, map_location=map_location)


def open_dataset(data, iterable=False, **kwargs):
    """A LanceDataset (LanceIterableDataset when iterable) over exactly the data
    of reference `data`; kwargs as LanceDataset's (columns, transform, ...)."""
    from .torch import LanceDataset, LanceIterableDataset
    tag = data.get("tag")
    if tag:
        con = connect()
        try:
            row = con.execute("SELECT version FROM lance_tags(?) WHERE tag = ?",
                              (data["dataset"], tag)).fetchone()
        finally:
            con.close()
        if row is None or row[0] != data["version"]:
            warnings.warn(f"{data['dataset']}: tag {tag!r} "
                          + ("was deleted" if row is None else f"now points to version {row[0]}")
                          + f"; reading the checkpoint's version {data['version']}")
    cls = LanceIterableDataset if iterable else LanceDataset
    return cls(data["dataset"], version=data["version"], permutation=data.get("permutation"),
               split=data.get("split"), **kwargs)
