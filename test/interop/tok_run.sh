#!/bin/sh
# Interop of the full-text tokenizers (format/index/tokenize.h) with LanceDB 0.39:
# tok_gen.mjs has LanceDB build FTS indexes (with positions) for every tokenizer option
# combination over test texts and all code points, tok_compare.mjs reads them back with
# lance-dump --fts-index and compares every (token, position) with build/tok-tool.
#   test/interop/tok_run.sh [PATH/TO/lance-dump] [PATH/TO/tok-tool]   data in out_tok/
# TOK_REUSE=1 compares against the indexes a previous run left in out_tok/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dump=${1:-$here/../../build/lance-dump}
tool=${2:-$(dirname "$dump")/tok-tool}
case $dump in /*) ;; *) dump=$(pwd)/$dump ;; esac
case $tool in /*) ;; *) tool=$(pwd)/$tool ;; esac
cd "$here"
export LANCEDB_LOG=${LANCEDB_LOG:-error} RUST_LOG=${RUST_LOG:-error}
if [ "${TOK_REUSE:-0}" = 1 ] && [ -f out_tok/.complete ]; then
	echo "tok interop: reusing the indexes in test/interop/out_tok"
else
	rm -rf out_tok
	mkdir out_tok
	node tok_gen.mjs out_tok
	touch out_tok/.complete
fi
node tok_compare.mjs out_tok "$dump" "$tool"
