#!/bin/sh
# Interop tests of WRITES: datasets written through the extension are read by LanceDB
# (write_copy.mjs: every dataset of run.sh's suite copied with INSERT ... SELECT;
# write_hist.mjs: histories where LanceDB and the extension take turns;
# merge_check.mjs: lance_merge_insert vs LanceDB's mergeInsert on the same data;
# compact_check.mjs: lance_compact read and searched by LanceDB, LanceDB's compaction
# read and searched here; cleanup_check.mjs: lance_cleanup vs LanceDB's, both ways, and
# under a concurrent writer and reader), and
# write_stress.py: concurrent writers (two extension processes and LanceDB) and
# SIGKILLed transactions.  Needs the datasets run.sh made in out/.
#   test/interop/write_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${1:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
if [ ! -f out/.complete ]; then
	echo "write: the datasets of run.sh are missing (test/interop/out): run run.sh first" >&2
	exit 2
fi
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error} PYTHONDONTWRITEBYTECODE=1
# an extension built with sanitizers needs their runtimes preloaded into the processes
# that load it (sqlite3, python), never into node
. ./san_preload.sh
san_preload "$so"
export LANCE_SQLITE_PRELOAD="$preload"
rc=0
node write_copy.mjs out "$so" || rc=1
node write_hist.mjs out "$so" || rc=1
node merge_check.mjs out "$so" || rc=1
node compact_check.mjs out "$so" || rc=1
node cleanup_check.mjs out "$so" || rc=1
if [ -n "$preload" ]; then
	LD_PRELOAD="$preload" /usr/bin/python3 write_stress.py out "$so" || rc=1
else
	/usr/bin/python3 write_stress.py out "$so" || rc=1
fi
exit $rc
