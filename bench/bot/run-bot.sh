#!/bin/bash
# SPDX-License-Identifier: EUPL-1.2
# bench/bot: the Stadtpult FAQ matcher vs. NLP.js (node-nlp), one run:
# accuracy on the labelled questions, in-process speed and POST
# /api/v1/bot/ask over HTTP (wrk), for the Berlin catalogue (560 services)
# and a synthetic one (10 000 entries); over HTTP at 560 entries also a bare
# libsoup server with a constant answer (bench-soup-floor), the upper bound
# for any libsoup server. Usage: bench/bot/run-bot.sh
# (or `make bench-bot`).
# Env: BUILD_DIR (default build), SP_BOT_DLDB (tests/data/berlin-dldb),
# SP_BOT_QUESTIONS (bench/bot/questions-berlin.json), SP_BOT_ENTRIES (10000;
# 0 skips the large catalogue), SP_BOT_REPS (our timed passes, 20),
# SP_BOT_NLPJS_REPS (5) and SP_BOT_NLPJS_BIG_REPS (1): NLP.js' passes,
# SP_BOT_NLPJS_TIMEOUT (3600: seconds NLP.js may take for the large
# catalogue, training included),
# SP_BOT_WRK_DURATION (10s), SP_BOT_WRK_CONNECTIONS (8),
# SP_BOT_WRK_THREADS (1), SP_BOT_HTTP (1; 0 skips the HTTP part),
# SP_BOT_FAQ (data/faq/demo-jena.json) + SP_BOT_FAQ_QUESTIONS
# (bench/bot/questions-jena.json): accuracy on the demo FAQ, when both exist.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac

dldb="${SP_BOT_DLDB:-$root/tests/data/berlin-dldb}"
questions="${SP_BOT_QUESTIONS:-$here/questions-berlin.json}"
faq="${SP_BOT_FAQ:-$root/data/faq/demo-jena.json}"
faq_questions="${SP_BOT_FAQ_QUESTIONS:-$here/questions-jena.json}"
entries="${SP_BOT_ENTRIES:-10000}"
reps="${SP_BOT_REPS:-20}"
export SP_BOT_NLPJS_REPS="${SP_BOT_NLPJS_REPS:-5}"
export SP_BOT_NLPJS_BIG_REPS="${SP_BOT_NLPJS_BIG_REPS:-1}"
nlpjs_timeout="${SP_BOT_NLPJS_TIMEOUT:-3600}"
duration="${SP_BOT_WRK_DURATION:-10s}"
connections="${SP_BOT_WRK_CONNECTIONS:-8}"
threads="${SP_BOT_WRK_THREADS:-1}"
http="${SP_BOT_HTTP:-1}"
export SP_SOURCE_ROOT="$root"

[ -f "$dldb/services_de.json" ] || { echo "bench-bot: no DLDB export at $dldb" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" >&2
fi
ninja -C "$build" sync-server/stadtpult-server bench/bot/bench-bot bench/bot/bench-soup-floor >&2
server="$build/sync-server/stadtpult-server"
bench="$build/bench/bot/bench-bot"
floor_bin="$build/bench/bot/bench-soup-floor"

command -v node >/dev/null || { echo "bench-bot: node (>= 20) is needed for the NLP.js reference" >&2; exit 1; }
if ! cmp -s "$here/nlpjs/package-lock.json" "$here/nlpjs/node_modules/.stadtpult-lock" 2>/dev/null; then
  (cd "$here/nlpjs" && npm ci --no-audit --no-fund --loglevel=error) >&2
  cp "$here/nlpjs/package-lock.json" "$here/nlpjs/node_modules/.stadtpult-lock"
fi
if [ "$http" = 1 ] && ! command -v wrk >/dev/null; then
  echo "bench-bot: wrk not found (apt-get install wrk): skipping the HTTP part" >&2
  http=0
fi

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/http" "$tmp/models"

# the Jena demo FAQ and its question set: a second, small accuracy table
faq_args=()
if [ -f "$faq" ] && [ -f "$faq_questions" ]; then
  faq_args=(--faq "$faq" --faq-questions "$faq_questions")
fi
"$bench" --dldb "$dldb" --synthetic "$entries" --write-catalogue "$tmp/cat" "${faq_args[@]}"
n_real="$(ls "$tmp/cat" | sed -n 's/^entries-\([0-9]*\)\.json$/\1/p' | sort -n | head -n1)"
big=""
[ "$entries" -gt "$n_real" ] && big="$tmp/cat/entries-$entries.json"

# one JSON string per line, for wrk's Lua
node -e 'for (const x of JSON.parse(require("fs").readFileSync(process.argv[1]))) console.log(JSON.stringify(x.q))' \
  "$questions" > "$tmp/questions.lines"

echo "== NLP.js in-process, $n_real entries ==" >&2
faq_env=()
if [ ${#faq_args[@]} -gt 0 ]; then
  faq_env=(SP_BOT_FAQ_ENTRIES="$tmp/cat/entries-faq.json" SP_BOT_FAQ_QUESTIONS="$faq_questions")
fi
env SP_BOT_QUESTIONS="$questions" SP_BOT_MODEL_DIR="$tmp/models" "${faq_env[@]}" \
  node "$here/nlpjs/bench.js" bench "$tmp/cat/entries-$n_real.json" "$SP_BOT_NLPJS_REPS" \
  > "$tmp/nlpjs-$n_real.json"
refs=(--reference "$tmp/nlpjs-$n_real.json")
if [ -n "$big" ]; then
  echo "== NLP.js in-process, $entries entries (training limit $nlpjs_timeout s) ==" >&2
  if SP_BOT_QUESTIONS="$questions" SP_BOT_MODEL_DIR="$tmp/models" timeout "$nlpjs_timeout" \
       node "$here/nlpjs/bench.js" bench "$big" "$SP_BOT_NLPJS_BIG_REPS" > "$tmp/nlpjs-$entries.json"; then
    :
  else
    echo "bench-bot: NLP.js did not finish $entries entries within $nlpjs_timeout s" >&2
    echo "{\"sizes\":{\"$entries\":{\"timeout_s\":$nlpjs_timeout}}}" > "$tmp/nlpjs-$entries.json"
  fi
  refs+=(--reference "$tmp/nlpjs-$entries.json")
fi

# wait_listening LOGFILE PID: prints the base URL once the process printed
# "listening on http://..."
wait_listening() {
  for _ in $(seq 1 1200); do
    if url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$1" 2>/dev/null | head -n1)" && [ -n "$url" ]; then
      echo "$url"
      return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# run_wrk WHO SIZE URL
run_wrk() {
  local body='{"question":"Wie melde ich meine Wohnung an?","session":"bench-warmup"}'
  local code
  code="$(curl -s -o "$tmp/smoke.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "$body" "${3}api/v1/bot/ask" || true)"
  if [ "$code" != 200 ]; then
    echo "bench-bot: $1 $2: POST /api/v1/bot/ask answered $code: $(head -c 300 "$tmp/smoke.json" 2>/dev/null); skipped" >&2
    return 0
  fi
  echo "$1 $2 entries: $(head -c 200 "$tmp/smoke.json")" >&2
  SP_BOT_WRK_QUESTIONS="$tmp/questions.lines" SP_BOT_WRK_OUT="$tmp/http/warmup.json" \
    wrk -t "$threads" -c "$connections" -d 2s -s "$here/ask.lua" "$3" > /dev/null
  SP_BOT_WRK_QUESTIONS="$tmp/questions.lines" SP_BOT_WRK_OUT="$tmp/http/$1-$2.json" \
    wrk -t "$threads" -c "$connections" -d "$duration" --latency -s "$here/ask.lua" "$3" >&2
}

# serve_and_wrk WHO SIZE COMMAND...: starts the server COMMAND (it prints
# "listening on http://..."), runs wrk against it, stops it
serve_and_wrk() {
  local who="$1" size="$2" log="$tmp/$1-$2.log" pid url
  shift 2
  "$@" > "$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  if url="$(wait_listening "$log" "$pid")"; then
    run_wrk "$who" "$size" "$url"
  else
    echo "bench-bot: the $who server did not start: $(tail -n 3 "$log")" >&2
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

if [ "$http" = 1 ]; then
  set -- "$n_real" "$dldb"
  [ -n "$big" ] && set -- "$@" "$entries" "$tmp/cat/dldb-$entries"
  while [ $# -gt 0 ]; do
    size="$1" dir="$2"
    shift 2

    echo "== Stadtpult HTTP, $size entries ==" >&2
    db="$tmp/ours-$size.db"
    if "$server" import dldb "$dir" --db "$db" > "$tmp/import-$size.log" 2>&1; then
      serve_and_wrk ours "$size" "$server" --db "$db" --port 0
    else
      echo "bench-bot: 'stadtpult-server import dldb' failed, our HTTP part is skipped:" >&2
      tail -n 5 "$tmp/import-$size.log" >&2
    fi

    echo "== NLP.js HTTP, $size entries ==" >&2
    if [ -f "$tmp/models/nlpjs-$size.model" ]; then
      serve_and_wrk nlpjs "$size" env SP_BOT_MODEL_DIR="$tmp/models" \
        node "$here/nlpjs/bench.js" serve "$tmp/cat/entries-$size.json"
    else
      echo "bench-bot: no trained NLP.js model for $size entries: skipped" >&2
    fi

    # the floor: a bare SoupServer with a constant answer, what no libsoup
    # server can beat (the answer does not depend on the catalogue)
    if [ "$size" = "$n_real" ]; then
      echo "== libsoup alone HTTP (constant answer) ==" >&2
      serve_and_wrk floor "$size" "$floor_bin" --port 0
    fi
  done
fi

echo "== Stadtpult in-process ==" >&2
"$bench" --dldb "$dldb" --questions "$questions" --synthetic "$entries" --reps "$reps" \
  "${refs[@]}" --http-dir "$tmp/http" --json "$tmp/ours.json" "${faq_args[@]}"

echo
for f in "$tmp"/nlpjs-*.json; do echo "nlp.js raw: $(cat "$f")"; done
for f in "$tmp"/http/*-*.json; do
  [ -e "$f" ] && [ "$(basename "$f")" != warmup.json ] && echo "wrk $(basename "$f" .json): $(cat "$f")"
done
echo "wrk: -t $threads -c $connections -d $duration; in-process passes: stadtpult $reps, nlp.js $SP_BOT_NLPJS_REPS (560) / $SP_BOT_NLPJS_BIG_REPS (large)"
echo "machine: $(nproc) cores, $(uname -sr), node $(node --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
