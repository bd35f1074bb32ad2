#!/bin/sh
# Setup for test/sql/vtab_args.sql (run from the repository root): links to
# test/unit/data/hist.lance under directory names that need quoting or
# escaping, build/sqlargs/it's/h.lance and build/sqlargs/my data/h.lance.
set -e
rm -rf build/sqlargs
for d in "it's" "my data"; do
  mkdir -p "build/sqlargs/$d"
  ln -s "$PWD/test/unit/data/hist.lance" "build/sqlargs/$d/h.lance"
done
