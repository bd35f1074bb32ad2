#!/bin/sh
# Runs every test/sql/*.sql through the sqlite3 shell with the extension
# loaded and compares stdout+stderr with test/sql/<name>.expected word for
# word.  Prints "N passed, N failed"; exits 1 on any failure.
B=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
pass=0; fail=0
for f in test/sql/*.sql; do
  [ -e "$f" ] || continue
  exp=${f%.sql}.expected
  out=$(sqlite3 -batch :memory: -cmd ".load $B/lance" < "$f" 2>&1)
  if [ "$out" = "$(cat "$exp" 2>/dev/null)" ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "FAIL $f"; printf '%s\n' "$out" | diff "$exp" - | head -20
  fi
done
echo "sql: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
