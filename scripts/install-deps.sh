#!/bin/sh
# scripts/install-deps.sh [build|demo|test]: install what the named job needs and is
# missing, on Debian. The README's commands (make demo, make test) and .ci/run call it.
#   build  compiler and C libraries for build/lance.so and lance-dump
#   demo   build + sqlite3 shell + Node.js/npm + the pinned npm packages (LanceDB),
#          Python with torch and PIL (demo/train.py)
#   test   demo + cmocka, clang (fuzz targets), Python with pandas for the interop suites,
#          torch, pip and PIL for the Python package tests (test/python/test_train.py)
# Debian packages come through apt-get: directly as root, through sudo when it is there,
# otherwise the script stops with the exact command to run. npm packages are the exact
# versions pinned in test/interop/package.json. Nothing is installed when nothing is
# missing, so a second run costs a dpkg query.
set -eu
cd "$(dirname "$0")/.."
job=${1:-test}

build_pkgs="gcc make libc6-dev pkg-config libzstd-dev liblz4-dev libroaring-dev
  libsqlite3-dev libstemmer-dev
  libcurl4-openssl-dev libssl-dev"
demo_pkgs="sqlite3 ca-certificates python3 python3-torch python3-pil"
test_pkgs="clang libcmocka-dev python3 python3-pandas
  python3-torch python3-pip python3-pil"
case $job in
  build) pkgs=$build_pkgs ;;
  demo)  pkgs="$build_pkgs $demo_pkgs" ;;
  test)  pkgs="$build_pkgs $demo_pkgs $test_pkgs" ;;
  *) echo "usage: scripts/install-deps.sh [build|demo|test]" >&2; exit 2 ;;
esac
# Node.js may come from a build that bundles npm (Debian's npm would then conflict):
# Debian's nodejs and npm are asked for only when the commands are missing.
if [ "$job" != build ]; then
  command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
  command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi

missing=""
for p in $pkgs; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing="$missing $p"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install-deps: run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
  fi
  echo "install-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The pinned npm packages (LanceDB, Arrow, and s3rver: the S3 server of the object-store
# suite) for the demo and the interop tests.
# `npm ci` cannot be used: the registry lacks LanceDB's other platforms' binaries that a
# lock file names; `npm install` with the exact versions in package.json works.
if [ "$job" != build ]; then
  want=$(sed -n 's/.*"@lancedb\/lancedb": *"\([^"]*\)".*/\1/p' test/interop/package.json)
  have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    test/interop/node_modules/@lancedb/lancedb/package.json 2>/dev/null | head -1)
  s3want=$(sed -n 's/.*"s3rver": *"\([^"]*\)".*/\1/p' test/interop/package.json)
  s3have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    test/interop/node_modules/s3rver/package.json 2>/dev/null | head -1)
  if [ "$have" != "$want" ] || [ "$s3have" != "$s3want" ] ||
     [ ! -d test/interop/node_modules/apache-arrow ]; then
    echo "install-deps: npm install in test/interop (@lancedb/lancedb $want)"
    (cd test/interop && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
