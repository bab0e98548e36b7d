#!/bin/bash
# SPDX-License-Identifier: EUPL-1.2
#
# Runs one dogtail UI test against the real desktop client, the way a person
# would use it: a private X server (Xvfb), a private D-Bus session with the
# AT-SPI accessibility bus and an unlocked gnome-keyring for libsecret.
#
#   run-ui-test.sh TEST.py [ARGS...]
#
# Environment: STADTPULT_APP, STADTPULT_SERVER (binaries), optional
# SP_UI_ARTIFACTS (where screenshots go; default: current directory).
# Exit status 77 (skip) when the tools are not installed.

set -u

here="$(cd "$(dirname "$0")" && pwd)"
test_py="$1"; shift
case "$test_py" in /*) ;; *) test_py="$here/$test_py" ;; esac

for tool in Xvfb dbus-run-session gnome-keyring-daemon xwd; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed" >&2
    exit 77
  fi
done
if [ ! -x /usr/libexec/at-spi-bus-launcher ] || ! /usr/bin/python3 -c 'import dogtail, pyatspi' 2>/dev/null; then
  echo "SKIP: at-spi2-core, python3-dogtail or python3-pyatspi is not installed" >&2
  exit 77
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stadtpult-ui.XXXXXX")"
xvfb_pid=

cleanup () {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
  fi
  if [ -z "${SP_UI_KEEP_TMP:-}" ]; then
    rm -rf "$tmp"
  else
    echo "kept $tmp" >&2
  fi
}
trap cleanup EXIT

# A free display: no lock file and no socket.
display=
for n in $(seq 99 199); do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 1 50); do
      [ -e "/tmp/.X11-unix/X$n" ] && break
      kill -0 "$xvfb_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$xvfb_pid" 2>/dev/null && [ -e "/tmp/.X11-unix/X$n" ]; then
      display=":$n"
      break
    fi
    wait "$xvfb_pid" 2>/dev/null
    xvfb_pid=
  fi
done
if [ -z "$display" ]; then
  echo "could not start Xvfb" >&2
  exit 1
fi

# A private home: settings, keyring and profile never touch the user's.
mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

export DISPLAY="$display"
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_DATA_HOME="$tmp/data"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export SP_UI_TMP="$tmp"
export SP_UI_ARTIFACTS="${SP_UI_ARTIFACTS:-$PWD}"
# The keyfile backend keeps toolkit-accessibility visible to every process
# of the session (the memory backend of the unit tests would not).
export GSETTINGS_BACKEND=keyfile
export GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=atspi NO_AT_BRIDGE=0
export LANG=C.UTF-8 LANGUAGE=en
unset WAYLAND_DISPLAY SESSION_MANAGER DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS

dbus-run-session -- bash -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately >"$SP_UI_TMP/at-spi.log" 2>&1 &
  launcher=$!
  gsettings set org.gnome.desktop.interface toolkit-accessibility true
  eval "$(echo -n stadtpult-ui-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  sleep 1
  /usr/bin/python3 "$@"
  rc=$?
  kill $launcher 2>/dev/null
  exit $rc
' run-ui-test "$test_py" "$@"
