#!/bin/sh
# bench/decode/run.sh [bench_decode options]: build liblanceformat and the
# benchmark, write the 1M-row datasets with LanceDB if missing, run the
# decode benchmark on the 2.2 and the 2.1 data file.
#   BENCH_DATA  dataset directory (default ${TMPDIR:-/tmp}/sqlite-lance-bench-decode)
#   B           build directory (default build)
#   ROWS        rows to write when the data is made (default 1000000)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/sqlite-lance-bench-decode}
ROWS=${ROWS:-1000000}
CC=${CC:-gcc}

make -s "$B/liblanceformat.a"
mkdir -p "$B/bench"
$CC -std=c11 -O2 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Iformat \
  -o "$B/bench/bench_decode" bench/decode/bench_decode.c "$B/liblanceformat.a" -lzstd -llz4 -lroaring -lm

datafile() { ls "$DATA/$1.lance/data/"*.lance 2>/dev/null | head -n 1; }
if [ -z "$(datafile v22)" ] || [ -z "$(datafile v21)" ]; then
  if [ ! -d test/interop/node_modules/@lancedb/lancedb ]; then
    (cd test/interop && npm install --no-audit --no-fund)
  fi
  mkdir -p "$DATA"
  node bench/decode/make_data.mjs "$DATA" "$ROWS"
fi

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
for v in v22 v21; do
  f=$(datafile $v)
  echo "# reproduce: $B/bench/bench_decode${*:+ $*} $f"
  "$B/bench/bench_decode" "$@" "$f"
  echo
done
