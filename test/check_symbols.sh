#!/bin/sh
# The extension exports exactly one symbol: sqlite3_lance_init.
set -e
so=${1:-build/lance.so}
syms=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' | sort)
if [ "$syms" != "sqlite3_lance_init" ]; then
  echo "FAIL: $so exports more than sqlite3_lance_init:"; echo "$syms"; exit 1
fi
echo "symbols: ok (only sqlite3_lance_init)"
