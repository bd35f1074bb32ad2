#!/bin/sh
# One SQL interop suite: LanceDB writes the datasets (NAME_gen.mjs), LanceDB reads the
# expected answers from them (NAME_expect.mjs), and NAME_compare.py asks the same through
# the `lance` virtual table with Debian's Python sqlite3. Called by hist_run.sh and
# knn_run.sh, which describe their suites.
#   test/interop/sql_suite.sh NAME [PATH/TO/lance.so]     (default: build/lance.so)
# Data goes to test/interop/out_NAME/ (rebuilt every run). SUITE_REUSE=1 reuses it when a
# previous run completed (out_NAME/.complete): the data does not depend on the build.
# SUITE_PYTHON overrides the interpreter (default /usr/bin/python3).
set -eu
name=$1
here=$(cd "$(dirname "$0")" && pwd)
so=${2:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
if [ ! -d node_modules/@lancedb/lancedb ] || [ ! -d node_modules/apache-arrow ]; then
	echo "$name: test/interop/node_modules is missing: run 'npm install' in test/interop first" >&2
	exit 2
fi
py=${SUITE_PYTHON:-/usr/bin/python3}
if [ ! -x "$py" ]; then
	echo "$name: $py not found (the tests need Debian's python3, whose sqlite3 loads extensions)"
	echo "$name: 0 passed, 1 failed"
	exit 1
fi
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error} PYTHONDONTWRITEBYTECODE=1
out=out_$name
if [ "${SUITE_REUSE:-0}" = 1 ] && [ -f "$out/.complete" ]; then
	echo "$name: reusing the datasets in test/interop/$out"
else
	rm -rf "$out"
	mkdir "$out"
	node "${name}_gen.mjs" "$out"
	node "${name}_expect.mjs" "$out"
	touch "$out/.complete"
fi
# an extension built with sanitizers needs their runtimes loaded first into python
. "$here/san_preload.sh"
san_preload "$so"
LD_PRELOAD="$preload" exec "$py" "${name}_compare.py" "$out" "$so"
