#!/bin/sh
# bench/train/run.sh [bench.py options]: DataLoader throughput through the Python
# package (bench/README.md, "bench/train"): image bytes plus two numeric columns,
# shuffled batches of 256, 4 workers; against a native SQLite table with the same
# rows and against LanceDB 0.39's own takes (node, takeRowIds).
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-train)
#   B           build directory (default build)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-train}
make -s B="$B" all
exec /usr/bin/python3 bench/train/bench.py "$DATA" --lib "$B/lance.so" "$@"
