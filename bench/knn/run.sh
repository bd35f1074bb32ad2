#!/bin/sh
# bench/knn/run.sh [bench.py options]: build the extension and the plain-C
# floor, install sqlite-vec 0.1.9 if missing, write the vectors with LanceDB
# if missing (the sqlite-vec copy, DATA/vec.db, is made by bench.py on first
# use), run the vector-search benchmark (bench/README.md).
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-knn)
#   B           build directory (default build)
#   KNN_BASE    a git revision: also build the extension as of that revision
#               (in $B/bench/base) and time it as engine "base" (e.g. the
#               commit before the zero-copy reads, to measure them)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-knn}
CC=${CC:-gcc}
VEC_VERSION=0.1.9

make -s B="$B" all
mkdir -p "$B/bench"
# the floor: plain -O2, no -march=native (see floor.c); the shared object is
# what bench.py times, the program is for running (and profiling) it alone
FLOOR_CFLAGS="-std=c11 -O2 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE"
$CC $FLOOR_CFLAGS -o "$B/bench/knn_floor" bench/knn/floor.c -lm
$CC $FLOOR_CFLAGS -DFLOOR_NO_MAIN -shared -fPIC -o "$B/bench/knn_floor.so" bench/knn/floor.c -lm

VEC=bench/knn/node_modules/sqlite-vec-linux-x64
if [ "$(node -p "require('./$VEC/package.json').version" 2>/dev/null)" != "$VEC_VERSION" ]; then
  (cd bench/knn && npm install --no-save --no-audit --no-fund --prefix . \
     "sqlite-vec@$VEC_VERSION" "sqlite-vec-linux-x64@$VEC_VERSION")
fi

BASE_ARGS=""
if [ -n "${KNN_BASE:-}" ]; then
  rm -rf "$B/bench/base" && mkdir -p "$B/bench/base"
  git archive "$KNN_BASE" | tar -x -C "$B/bench/base"
  make -s -C "$B/bench/base" B=build build/lance.so
  BASE_ARGS="--base-lib $B/bench/base/build/lance"
fi

if [ ! -f "$DATA/meta.json" ]; then
  if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
    (cd test/interop && npm install --no-audit --no-fund)
  fi
  mkdir -p "$DATA"
  rm -f "$DATA/vec.db"
  node bench/knn/make_data.mjs "$DATA"
fi
exec /usr/bin/python3 bench/knn/bench.py "$DATA" --lib "$B/lance" --vec "$VEC/vec0" \
  --floor "$B/bench/knn_floor.so" $BASE_ARGS "$@"
