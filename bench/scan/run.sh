#!/bin/sh
# bench/scan/run.sh [bench.py options]: build the extension, write the Lance
# datasets with LanceDB if missing (the native SQLite copies are made by
# bench.py on first use), run the SQL scan benchmark (bench/README.md).
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-scan)
#   B           build directory (default build)
#   ROWS        rows of scan.lance when the data is made (default 10000000)
#   WIDE_ROWS   rows of the 10-column wide.lance (default 1000000)
#   TAKE_ROWS   rows of take.lance, 4 KB blob each (default 200000)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-scan}

make -s B="$B" all
if [ ! -f "$DATA/expect.json" ]; then
  if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
    (cd test/interop && npm install --no-audit --no-fund)
  fi
  mkdir -p "$DATA"
  rm -f "$DATA/native.db"
  node bench/scan/make_data.mjs "$DATA" "${ROWS:-10000000}" "${WIDE_ROWS:-1000000}" "${TAKE_ROWS:-200000}"
fi
exec /usr/bin/python3 bench/scan/bench.py "$DATA" --lib "$B/lance" "$@"
