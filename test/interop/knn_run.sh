#!/bin/sh
# Vector-search interop tests: LanceDB writes datasets with float32 (8, 64, 768 dims) and
# uint8 vectors (knn_gen.mjs), its exact search (bypassVectorIndex) gives the expected
# nearest neighbours (knn_expect.mjs), and knn_compare.py runs the same searches through
# the `lance` virtual table (`vec MATCH :q AND _k = N`) with Debian's Python sqlite3.
# See knn_README.md.
#   test/interop/knn_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_knn/ (rebuilt every run). KNN_REUSE=1 reuses it when a
# previous run completed (out_knn/.complete): the data does not depend on the build.
# KNN_PYTHON overrides the interpreter (default /usr/bin/python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${1:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
if [ ! -d node_modules/@lancedb/lancedb ] || [ ! -d node_modules/apache-arrow ]; then
	echo "knn: test/interop/node_modules is missing: run 'npm install' in test/interop first" >&2
	exit 2
fi
py=${KNN_PYTHON:-/usr/bin/python3}
if [ ! -x "$py" ]; then
	echo "knn: $py not found (the tests need Debian's python3, whose sqlite3 loads extensions)"
	echo "knn: 0 passed, 1 failed"
	exit 1
fi
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_knn
if [ "${KNN_REUSE:-0}" = 1 ] && [ -f $out/.complete ]; then
	echo "knn: reusing the datasets in test/interop/$out"
else
	rm -rf $out
	mkdir $out
	node knn_gen.mjs $out
	node knn_expect.mjs $out
	touch $out/.complete
fi
# an extension built with sanitizers needs their runtimes loaded first into python
if ldd "$so" 2>/dev/null | grep -q 'libasan'; then
	cc=${CC:-cc}
	LD_PRELOAD="$($cc -print-file-name=libasan.so) $($cc -print-file-name=libubsan.so)" \
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} PYTHONDONTWRITEBYTECODE=1 exec "$py" knn_compare.py $out "$so"
fi
PYTHONDONTWRITEBYTECODE=1 exec "$py" knn_compare.py $out "$so"
