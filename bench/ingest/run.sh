#!/bin/sh
# bench/ingest/run.sh [bench.py options]: build the extension, install LanceDB for
# node if missing, run the ingest benchmark (bench/README.md).
#   BENCH_DATA  scratch directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-ingest)
#   B           build directory (default build)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-ingest}
make -s B="$B" all
if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
  (cd test/interop && npm install --no-audit --no-fund)
fi
exec /usr/bin/python3 bench/ingest/bench.py "$DATA" --lib "$B/lance" "$@"
