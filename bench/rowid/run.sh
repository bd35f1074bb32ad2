#!/bin/sh
# bench/rowid/run.sh [bench.py options]: build the extension, make the
# 1,000-fragment stable-row-id dataset if missing, time DELETE / UPDATE /
# rowid IN of 10,000 scattered rows (bench/README.md, "bench/rowid").
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-rowid)
#   B           build directory (default build)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-rowid}
make -s B="$B" all
exec /usr/bin/python3 bench/rowid/bench.py "$DATA" --lib "$B/lance" "$@"
