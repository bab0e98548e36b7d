#!/bin/bash
# SPDX-License-Identifier: EUPL-1.2
# bench/sync: Stadtpult sync vs. PouchDB -> express-pouchdb, one run on
# loopback. Usage: bench/run-sync.sh   (or `make bench`)
# Env: BUILD_DIR (default build), SP_BENCH_FIRST (100000), SP_BENCH_INCR
# (1000), SP_BENCH_PUSH (10000), SP_BENCH_RUNS (5), SP_BENCH_FIRST_RUNS (3),
# SP_BENCH_BATCH (PouchDB batch_size, 1000).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac

export SP_BENCH_FIRST="${SP_BENCH_FIRST:-100000}"
export SP_BENCH_INCR="${SP_BENCH_INCR:-1000}"
export SP_BENCH_PUSH="${SP_BENCH_PUSH:-10000}"
export SP_BENCH_RUNS="${SP_BENCH_RUNS:-5}"
export SP_BENCH_FIRST_RUNS="${SP_BENCH_FIRST_RUNS:-3}"
export SP_BENCH_BATCH="${SP_BENCH_BATCH:-1000}"

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root"
fi
ninja -C "$build" sync-server/stadtpult-server bench/bench-sync

command -v node >/dev/null || { echo "bench: node (>= 20) is needed for the PouchDB reference" >&2; exit 1; }
# npm ci (exact versions from package-lock.json); skipped when the installed
# tree already matches the lock file
if ! cmp -s "$here/pouchdb/package-lock.json" "$here/pouchdb/node_modules/.stadtpult-lock" 2>/dev/null; then
  (cd "$here/pouchdb" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/pouchdb/package-lock.json" "$here/pouchdb/node_modules/.stadtpult-lock"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== PouchDB reference (express-pouchdb on loopback) ==" >&2
node "$here/pouchdb/bench.js" > "$tmp/pouchdb.json"

echo "== Stadtpult ==" >&2
"$build/bench/bench-sync" \
  --server "$build/sync-server/stadtpult-server" \
  --reference "$tmp/pouchdb.json" \
  --first "$SP_BENCH_FIRST" --incr "$SP_BENCH_INCR" --push "$SP_BENCH_PUSH" \
  --runs "$SP_BENCH_RUNS" --first-runs "$SP_BENCH_FIRST_RUNS"

echo
echo "pouchdb raw: $(cat "$tmp/pouchdb.json")"
echo "machine: $(nproc) cores, $(uname -sr), node $(node --version)"
