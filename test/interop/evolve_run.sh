#!/bin/sh
# Interop tests of schema evolution (evolve_check.mjs: the extension's
# lance_add_columns / lance_alter_columns / lance_drop_columns / lance_backfill read
# by LanceDB 0.39, LanceDB's addColumns / alterColumns / dropColumns read here, every
# version row for row), rowversion_check.mjs (created_at / last_updated_at versions of
# rows after UPDATE, merge insert and compaction, as LanceDB keeps them) and
# evolve_kill.py (a backfill SIGKILLed again and again).
#   test/interop/evolve_run.sh [PATH/TO/lance.so]     (default: build/lance.so)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${1:-$here/../../build/lance.so}
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error} PYTHONDONTWRITEBYTECODE=1
. ./san_preload.sh
san_preload "$so"
export LANCE_SQLITE_PRELOAD="$preload" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
mkdir -p out
rc=0
node evolve_check.mjs out "$so" || rc=1
node rowversion_check.mjs out "$so" || rc=1
if [ -f evolve_kill.py ]; then
	if [ -n "$preload" ]; then
		LD_PRELOAD="$preload" /usr/bin/python3 evolve_kill.py out "$so" || rc=1
	else
		/usr/bin/python3 evolve_kill.py out "$so" || rc=1
	fi
fi
exit $rc
