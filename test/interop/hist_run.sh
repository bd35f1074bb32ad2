#!/bin/sh
# SQL interop tests on datasets WITH HISTORY: LanceDB writes datasets with many versions,
# tags, deletions, schema changes, a restore and a compaction (hist_gen.mjs), reads every
# version back (hist_expect.mjs), and hist_compare.py reads the same through the `lance`
# virtual table with Debian's Python sqlite3. See hist_README.md.
#   test/interop/hist_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_hist/ (rebuilt every run). HIST_REUSE=1 reuses it when a
# previous run completed (out_hist/.complete): the data does not depend on the build.
# HIST_PYTHON overrides the interpreter (default /usr/bin/python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${1:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
if [ ! -d node_modules/@lancedb/lancedb ] || [ ! -d node_modules/apache-arrow ]; then
	echo "hist: test/interop/node_modules is missing: run 'npm install' in test/interop first" >&2
	exit 2
fi
py=${HIST_PYTHON:-/usr/bin/python3}
if [ ! -x "$py" ]; then
	echo "hist: $py not found (the tests need Debian's python3, whose sqlite3 loads extensions)"
	echo "hist: 0 passed, 1 failed"
	exit 1
fi
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
out=out_hist
if [ "${HIST_REUSE:-0}" = 1 ] && [ -f $out/.complete ]; then
	echo "hist: reusing the datasets in test/interop/$out"
else
	rm -rf $out
	mkdir $out
	node hist_gen.mjs $out
	node hist_expect.mjs $out
	touch $out/.complete
fi
# an extension built with sanitizers needs their runtimes loaded first into python
if ldd "$so" 2>/dev/null | grep -q 'libasan'; then
	cc=${CC:-cc}
	LD_PRELOAD="$($cc -print-file-name=libasan.so) $($cc -print-file-name=libubsan.so)" \
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} exec "$py" hist_compare.py $out "$so"
fi
exec "$py" hist_compare.py $out "$so"
