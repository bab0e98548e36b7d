#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# Compiles each po/LANG.po into OUTDIR/LANG/LC_MESSAGES/stadtpult.mo so the
# uninstalled app (BUILD_LOCALEDIR in config.h) runs translated, then writes
# the stamp file.
# Usage: build-locale.sh OUTDIR STAMP PO...
set -eu
outdir=$1
stamp=$2
shift 2
for po in "$@"; do
  lang=$(basename "$po" .po)
  mkdir -p "$outdir/$lang/LC_MESSAGES"
  msgfmt -o "$outdir/$lang/LC_MESSAGES/stadtpult.mo" "$po"
done
touch "$stamp"
