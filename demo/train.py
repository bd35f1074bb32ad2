"""demo/train.py: part 3 of the demo. First two feature columns of every frame are
backfilled from SQL functions written in Python (create_function): a perceptual hash
(aHash) and a small embedding, computed from the PNG bytes; frames sharing a hash are
near-duplicate candidates. Then one PyTorch epoch on the permutation's train split
(demo/train.sql made demo/out/perm.lance and tagged frames 'train-v1'), then a
checkpoint pinned to that data version, reopened after new frames arrived.
Run with Debian's python3 (python3-torch, python3-pil) from the repository root:
    /usr/bin/python3 demo/train.py [build-dir]
Prints only what does not depend on floating-point details of the machine."""
import io
import os
import sys

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
os.environ.setdefault("SQLITE_LANCE_PATH", os.path.abspath(os.path.join(BUILD, "lance.so")))
sys.path.insert(0, os.path.abspath("python"))

import torch  # noqa: E402
from PIL import Image  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

import sqlite_lance  # noqa: E402
from sqlite_lance import checkpoint  # noqa: E402
from sqlite_lance.torch import LanceDataset  # noqa: E402

LABELS = ["bicycle", "car", "pedestrian", "truck"]


def decode(sample):
    """PNG bytes -> [3, 32, 32] float tensor; label text -> class index."""
    img = Image.open(io.BytesIO(sample["image"])).convert("RGB")
    x = torch.tensor(list(img.getdata()), dtype=torch.float32).view(32, 32, 3).permute(2, 0, 1)
    return x / 255, LABELS.index(sample["label"])


def gray(png, w, h):
    """PNG bytes -> w x h grayscale pixels (PIL's integer resampling: the same everywhere)."""
    return list(Image.open(io.BytesIO(png)).convert("L").resize((w, h), Image.BILINEAR).getdata())


def ahash(png):
    """64-bit average hash: is each pixel of an 8x8 thumbnail brighter than the
    thumbnail's mean (as a signed int64, SQLite's integer)."""
    p = gray(png, 8, 8)
    mean = sum(p) / 64
    bits = sum(1 << i for i, x in enumerate(p) if x > mean)
    return bits - (1 << 64) if bits >= 1 << 63 else bits


def embed(png):
    """A 16-d embedding: the 4x4 grayscale thumbnail, centred and scaled to unit length,
    as a JSON array (the column is FLOAT32[16])."""
    p = gray(png, 4, 4)
    mean = sum(p) / 16
    v = [x - mean for x in p]
    n = sum(x * x for x in v) ** 0.5 or 1.0
    return "[" + ",".join(f"{x / n:.4f}" for x in v) + "]"


def backfill():
    """lance_add_columns + lance_backfill with the two Python functions; duplicate hashes."""
    print("== demo/train.py: backfill phash and emb from Python SQL functions")
    con = sqlite_lance.connect()
    con.create_function("ahash", 1, ahash, deterministic=True)
    con.create_function("embed", 1, embed, deterministic=True)
    con.execute("CREATE VIRTUAL TABLE frames USING lance('demo/out/frames.lance')")
    con.execute("SELECT lance_add_columns('frames', 'phash INT64, emb FLOAT32[16]')")
    for col, fn in (("phash", "ahash(image)"), ("emb", "embed(image)")):
        v = con.execute(f"SELECT lance_backfill('frames', '{col}', '{fn}', "
                        f"'where={col} IS NULL commit_every=100')").fetchone()[0]
        print(f"{col}: version {v}")
    n, done = con.execute("SELECT count(*), count(phash) + count(emb) FROM frames").fetchone()
    print(f"{n} frames, {done} values computed")
    groups, biggest = con.execute("SELECT count(*), max(c) FROM (SELECT count(*) AS c FROM frames "
                                  "GROUP BY phash HAVING count(*) > 1)").fetchone()
    print(f"near-duplicate candidates: {groups} hashes shared by several frames (at most {biggest})")
    con.close()


def main():
    backfill()
    torch.manual_seed(0)
    print("== demo/train.py: one PyTorch epoch on the 'train' split")
    # The checkpoint's data: the version tagged 'train-v1' (frames grew since).
    ref = checkpoint.from_tag("demo/out/frames.lance", "train-v1",
                              permutation="demo/out/perm.lance", split="train")
    train = checkpoint.open_dataset(ref, columns=["image", "label"], transform=decode)
    val = LanceDataset(ref["dataset"], columns=["image", "label"], permutation=ref["permutation"],
                       split="val", transform=decode)
    print(f"train rows {len(train)}, val rows {len(val)}, data version {train.version}")
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 4))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    batches = seen = 0
    loader = DataLoader(train, batch_size=16, shuffle=True, num_workers=2,
                        generator=torch.Generator().manual_seed(0))
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        batches, seen = batches + 1, seen + len(y)
    print(f"epoch 1: {batches} batches, {seen} frames (2 DataLoader workers, one SQL take per batch)")
    with torch.no_grad():
        correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in DataLoader(val, batch_size=64))
    print(f"val accuracy above chance (25%): {correct / len(val) > 0.25}")
    checkpoint.save("demo/out/model.pt", model.state_dict(), ref, epoch=1)
    ck = checkpoint.load("demo/out/model.pt")
    again = checkpoint.open_dataset(ck["data"], columns=["id"])
    latest = LanceDataset(ref["dataset"], columns=["id"])
    print(f"checkpoint: data version {ck['data']['version']}, tag {ck['data']['tag']}; "
          f"reopened {len(again)} train rows; the table now has {len(latest)} frames at version "
          f"{latest.version}")


if __name__ == "__main__":
    main()
