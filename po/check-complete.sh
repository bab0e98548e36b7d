#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# Fails unless the translation LANG is complete: every message found in the
# current sources (po/POTFILES.in) is translated, none fuzzy, and the .po
# passes msgfmt --check.
# Usage: check-complete.sh SOURCE_ROOT LANG
set -eu
src=$1
lang=$2
po="$src/po/$lang.po"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

msgfmt --check -o /dev/null "$po"

# Every source file with translatable strings must be in POTFILES.in, or
# its strings would stay English. In a git checkout only tracked files
# count (work in progress of others is not part of the project yet).
source_files () {
  if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$src" ls-files -- 'app/*.c' 'ui/*.ui' 'core/*.c'
  else
    (cd "$src" && find app ui core -name '*.c' -o -name '*.ui' 2>/dev/null)
  fi
}
unlisted=$(source_files | sort | while read -r file; do
    grep -qE '(^|[^A-Za-z0-9_])N?C?_ ?\(|translatable="yes"' "$src/$file" || continue
    grep -qxF "$file" "$src/po/POTFILES.in" || echo "$file"
  done)
if [ -n "$unlisted" ]; then
  echo "Files with translatable strings missing from po/POTFILES.in:" >&2
  echo "$unlisted" >&2
  exit 1
fi

# Collect the messages of the sources as they are now (same keywords as the
# meson "glib" preset), so a new untranslated string fails the check even
# before stadtpult-update-po has been run.
xgettext --directory="$src" --files-from="$src/po/POTFILES.in" \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --keyword=ngettext:1,2 \
  --output="$tmp/current.pot"
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/current.pot"

stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1)
echo "$lang: $stats"
case "$stats" in
  *fuzzy*|*untranslated*)
    echo "$lang.po is incomplete; missing or fuzzy:" >&2
    msgattrib --only-fuzzy --no-obsolete "$tmp/merged.po" >&2 || true
    msgattrib --untranslated --no-obsolete "$tmp/merged.po" >&2 || true
    exit 1 ;;
esac
