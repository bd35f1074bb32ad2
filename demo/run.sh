#!/bin/sh
# demo/run.sh [--check]: build the extension, write the demo dataset
# demo/out/scenes.lance with the pinned LanceDB (test/interop/node_modules, installed
# there if missing), then run demo/demo.sql and demo/train.sql in the sqlite3 shell
# with the extension loaded, echoing each statement and its result, and demo/train.py
# (one PyTorch epoch, a checkpoint) with /usr/bin/python3.
#   --check   run quietly and compare the session with demo/expected.txt (exit 1 on
#             a difference); the dataset is deterministic, so the output is too.
#   B         build directory (default build)
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: demo/run.sh [--check]" >&2; exit 2 ;;
esac

make -s B="$B" all
if [ ! -d test/interop/node_modules/@lancedb/lancedb ] || [ ! -d test/interop/node_modules/apache-arrow ]; then
  (cd test/interop && npm install --no-audit --no-fund)
fi
# LANCEDB_LOG=error: no "No existing dataset ... will be created" warning
LANCEDB_LOG=error node demo/make_demo.mjs demo/out >&2

# Part 2 (demo/train.sql) and 3 (demo/train.py) write these; start from none.
rm -rf demo/out/frames.lance demo/out/perm.lance demo/out/hash_v2.lance demo/out/hash_v4.lance \
  demo/out/night_peds.lance demo/out/occluded.lance demo/out/model.pt
session() {
  for part in demo/demo.sql demo/train.sql; do
    sed "s|^\.load \./build/lance\$|.load ./$B/lance|" "$part" | sqlite3 -batch :memory: 2>&1
  done
  # Debian's python3, which has python3-torch (a pyenv python3 may come first in PATH)
  /usr/bin/python3 demo/train.py "$B" 2>&1
}
if [ "$check" = 1 ]; then
  # the echoed .load line names the build directory: compare it as build/
  if session | sed "s|^\.load \./$B/lance\$|.load ./build/lance|" | diff -u demo/expected.txt - ; then
    echo "demo: session matches demo/expected.txt"
  else
    echo "demo: session differs from demo/expected.txt (diff above)" >&2
    exit 1
  fi
else
  session
fi
