#!/bin/sh
# bench/s3: full scans and 64-row takes over S3 with added latency, the extension
# against LanceDB 0.39 (bench/README.md).  s3rver and the proxy run on 127.0.0.1.
#   ROWS=10000000 DELAY_MS=20 TAKES=20 bench/s3/run.sh      (B=build by default)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
[ -d test/interop/node_modules/s3rver ] || { echo "bench/s3: run scripts/install-deps.sh" >&2; exit 2; }
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
# bench.mjs imports LanceDB, Arrow, s3rver and the proxy from test/interop
cp bench/s3/bench.mjs test/interop/.bench_s3.mjs
trap 'rm -f test/interop/.bench_s3.mjs' EXIT
node test/interop/.bench_s3.mjs "$PWD/$B/lance.so"
