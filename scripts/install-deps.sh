#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# Installs the Debian packages Stadtpult needs, but only those that are
# missing (checked with dpkg-query). Runs `apt-get update` once, and only
# when something has to be installed. Works as root; uses sudo otherwise.
#
#   scripts/install-deps.sh           build + run (make demo)
#   scripts/install-deps.sh --tests   also what the test suites need (make check)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

with_tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) with_tests=1 ;;
    -h|--help) sed -n '4,10p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option: $arg" >&2; exit 2 ;;
  esac
done

build_pkgs=(
  meson ninja-build pkg-config gcc
  libglib2.0-dev libglib2.0-bin
  libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev libsodium-dev
  gettext desktop-file-utils appstream glib-networking
  sqlite3 curl ca-certificates make tzdata
  libstemmer-dev openthesaurus-de-text trans-de-en wngerman espeak-ng
)
test_pkgs=(
  xvfb python3-dogtail python3-pyatspi at-spi2-core dbus-x11 gnome-keyring
  imagemagick x11-apps libsecret-tools curl chromium wrk
)

pkgs=("${build_pkgs[@]}")
(( with_tests )) && pkgs+=("${test_pkgs[@]}")

# Node.js and npm usually come with the machine image; only fall back to
# Debian's packages when they are absent.
if (( with_tests )); then
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm  >/dev/null 2>&1 || pkgs+=(npm)
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

missing=()
for p in "${pkgs[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if (( ${#missing[@]} )); then
  echo "install-deps: installing missing packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: not root and no sudo; please install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

if (( with_tests )); then
  web="$root/tests/web"
  # Reinstall only when the lock file changed since the last `npm ci`.
  stamp="$web/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$web/package-lock.json" -nt "$stamp" ]]; then
    echo "install-deps: npm ci in tests/web"
    (cd "$web" && npm ci --no-audit --no-fund)
  else
    echo "install-deps: tests/web node modules up to date"
  fi
fi
