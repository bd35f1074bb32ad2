#!/bin/sh
# bench/ann/run.sh [bench.py options]: build the extension, write the vector
# sets with LanceDB if missing (bench/knn/make_data.mjs: clustered 1M x 128 and
# 100k x 768 float32, 100 queries), let LanceDB 0.39 build its indexes on
# copies and answer the queries if not done yet (bench/ann/lancedb.mjs), then
# compare our search on those indexes with LanceDB's (bench/ann/bench.py;
# bench/README.md has the results).
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-ann)
#   B           build directory (default build)
#   CONFIGS     index configurations for lancedb.mjs (default: all of them)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-ann}

make -s B="$B" all
if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
  (cd test/interop && npm install --no-audit --no-fund)
fi
if [ ! -f "$DATA/meta.json" ]; then
  mkdir -p "$DATA"
  LANCEDB_LOG=${LANCEDB_LOG:-error} node bench/knn/make_data.mjs "$DATA"
fi
# builds only what is missing; the answers are written again each run
LANCEDB_LOG=${LANCEDB_LOG:-error} node bench/ann/lancedb.mjs "$DATA" ${CONFIGS:-}
exec /usr/bin/python3 bench/ann/bench.py "$DATA" --lib "$B/lance" "$@"
