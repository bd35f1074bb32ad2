#!/bin/sh
# Interop of the write side with LanceDB: commit_check.mjs drives build/commit-tool
# (commit_tool.c) on datasets LanceDB writes and checks every version with LanceDB.
#   test/interop/commit_run.sh [PATH/TO/commit-tool]    data in test/interop/out_commit/
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/commit-tool}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
node commit_check.mjs out_commit "$bin"
