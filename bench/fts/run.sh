#!/bin/sh
# bench/fts/run.sh [bench.py options]: build the extension, install the corpus
# (Debian package dict-gcide) if missing, write it as a Lance dataset with
# LanceDB if missing (the plain SQLite copy DATA/docs.db is made by bench.py on
# first use), run the full-text search benchmark (bench/README.md).
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-fts)
#   B           build directory (default build)
#   GCIDE_DIR   where gcide.index and gcide.dict.dz are (default /usr/share/dictd,
#               where dict-gcide puts them)
# Not part of `make test`, so scripts/install-deps.sh does not install dict-gcide:
# this script does, with apt-get, when run as root (the package depends on dictd,
# the dictionary server, which apt-get installs along).
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-fts}
GCIDE_DIR=${GCIDE_DIR:-/usr/share/dictd}

make -s B="$B" all
if [ ! -f "$GCIDE_DIR/gcide.index" ] || [ ! -f "$GCIDE_DIR/gcide.dict.dz" ]; then
  if [ "$GCIDE_DIR" = /usr/share/dictd ] && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y dict-gcide || { apt-get update && apt-get install -y dict-gcide; }
  else
    echo "bench/fts: the corpus is missing: $GCIDE_DIR/gcide.index and gcide.dict.dz" >&2
    echo "  install the Debian package dict-gcide (as root: apt-get install dict-gcide;" >&2
    echo "  this script does it when run as root), or set GCIDE_DIR to a directory holding them" >&2
    exit 1
  fi
fi
if [ ! -f "$DATA/meta.json" ]; then
  if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
    (cd test/interop && npm install --no-audit --no-fund)
  fi
  mkdir -p "$DATA"
  rm -f "$DATA/docs.db"
  LANCEDB_LOG=${LANCEDB_LOG:-error} node bench/fts/make_data.mjs "$DATA" "$GCIDE_DIR"
fi
exec /usr/bin/python3 bench/fts/bench.py "$DATA" --lib "$B/lance" "$@"
