#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# Starts (or stops) the Stadtpult demo: the sync server with demo content on
# 127.0.0.1:8080 and, when a display is available, the desktop client signed
# in as the demo editor. Called by `make demo` and `make stop`.
#
#   scripts/demo.sh start [BUILD_DIR]
#   scripts/demo.sh stop
#
# Environment: DEMO_PORT (default 8080), DEMO_DIR (default demo).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

cmd="${1:-start}"
build="${2:-build}"
port="${DEMO_PORT:-8080}"
dir="${DEMO_DIR:-demo}"
url="http://127.0.0.1:${port}"

server_pid="$dir/server.pid"
app_pid="$dir/app.pid"

# Prints the pid in FILE if that process is still running and is ours
# (its command line mentions stadtpult), else nothing.
live_pid() {
  local file="$1" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q stadtpult || return 1
  echo "$pid"
}

stop_one() {
  local file="$1" what="$2" pid
  if pid="$(live_pid "$file")"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "Stopped the $what (pid $pid)."
  fi
  rm -f "$file"
}

healthy() {
  curl -fsS --max-time 2 "$url/healthz" >/dev/null 2>&1
}

case "$cmd" in
  stop)
    stop_one "$app_pid" "desktop client"
    stop_one "$server_pid" "sync server"
    exit 0
    ;;
  start) ;;
  *) echo "usage: $0 start [BUILD_DIR] | stop" >&2; exit 2 ;;
esac

server="$build/sync-server/stadtpult-server"
app="$build/app/stadtpult"
[[ -x "$server" ]] || { echo "demo: $server is missing; build first (make demo does)" >&2; exit 1; }

mkdir -p "$dir" "$dir/profile"

if pid="$(live_pid "$server_pid")"; then
  echo "The demo server is already running (pid $pid)."
else
  if healthy; then
    echo "demo: something else already answers on $url; stop it first (make stop)." >&2
    exit 1
  fi
  echo "Starting the sync server on $url (log: $dir/server.log) ..."
  nohup "$server" --demo --db "$dir/stadtpult-demo.db" \
        --port "$port" --bind 127.0.0.1 \
        >"$dir/server.log" 2>&1 </dev/null &
  echo $! > "$server_pid"
fi

for _ in $(seq 150); do
  healthy && break
  if ! live_pid "$server_pid" >/dev/null; then
    echo "demo: the server exited; last lines of $dir/server.log:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    rm -f "$server_pid"
    exit 1
  fi
  sleep 0.2
done
if ! healthy; then
  echo "demo: the server did not answer $url/healthz within 30 s; see $dir/server.log" >&2
  exit 1
fi
echo "The sync server is up: $url/ (citizen page), $url/api/v1/services"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo
  echo "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the"
  echo "desktop client was not started. The sync server runs alone at $url/"
  echo "Demo accounts: see README.md (e.g. redaktion / redaktion)."
  echo "Stop it with: make stop"
  exit 0
fi

if [[ ! -x "$app" ]]; then
  echo "demo: $app was not built (GTK 4 / libadwaita missing?); the server runs alone at $url/" >&2
  echo "Stop it with: make stop"
  exit 0
fi

if pid="$(live_pid "$app_pid")"; then
  echo "The desktop client is already running (pid $pid)."
else
  echo "Starting the desktop client, signed in as redaktion (log: $dir/app.log) ..."
  STADTPULT_DEMO_LOGIN="redaktion:redaktion@$url" \
  LANGUAGE="${LANGUAGE:-de}" \
    nohup "$app" --profile "$dir/profile" >"$dir/app.log" 2>&1 </dev/null &
  echo $! > "$app_pid"
  sleep 2
  if ! live_pid "$app_pid" >/dev/null; then
    echo "demo: the desktop client exited; last lines of $dir/app.log:" >&2
    tail -n 20 "$dir/app.log" >&2 || true
    rm -f "$app_pid"
    exit 1
  fi
fi
echo
echo "Stadtpult demo is running: desktop client + sync server at $url/"
echo "Stop both with: make stop"
