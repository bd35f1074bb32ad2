#!/bin/sh
# Object-store interop tests (s3_check.mjs): s3rver (a real S3 server process) and
# s3_proxy.mjs (conditional puts, SigV4 checks, request counts, fault injection) on
# 127.0.0.1 only; LanceDB 0.39 and the extension write and read the same bucket.
#   test/interop/s3_run.sh [PATH/TO/lance.so]     (default: build/lance.so; ~1 minute)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${1:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
if [ ! -d node_modules/s3rver ]; then
	echo "s3: test/interop/node_modules/s3rver is missing: run scripts/install-deps.sh" >&2
	exit 2
fi
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
# an extension built with sanitizers needs their runtimes preloaded into the sqlite3
# shells that load it (as write_run.sh does), never into node
. ./san_preload.sh
san_preload "$so"
export LANCE_SQLITE_PRELOAD="$preload" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec node s3_check.mjs "${so%.so}"
