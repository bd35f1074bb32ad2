#!/bin/sh
# bench/evolve/run.sh [bench.py options]: build the extension, run the dataset-evolution
# benchmark against LanceDB 0.39 (bench/README.md, "evolve").
#   BENCH_DATA  scratch directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-evolve)
#   B           build directory (default build)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-evolve}
make -s B="$B" all
if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
  (cd test/interop && npm install --no-audit --no-fund)
fi
exec /usr/bin/python3 bench/evolve/bench.py "$DATA" --lib "$B/lance" "$@"
