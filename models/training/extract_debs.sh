#!/usr/bin/env bash
# Extracts each downloaded .deb into SRC/<package>/ (no install, no maintainer scripts).
set -euo pipefail
DEBS=${1:?debs dir}; SRC=${2:?src dir}
mkdir -p "$SRC"
for deb in "$DEBS"/*.deb; do
  pkg=$(basename "$deb"); pkg=${pkg%%_*}
  [ -d "$SRC/$pkg" ] && continue
  tmp="$SRC/.tmp-$pkg"; rm -rf "$tmp"; mkdir -p "$tmp"
  dpkg-deb -x "$deb" "$tmp"
  # Docs, man pages and licenses are not code; drop them to keep the walk small.
  rm -rf "$tmp/usr/share/doc" "$tmp/usr/share/man" "$tmp/usr/share/lintian"
  mv "$tmp" "$SRC/$pkg"
done
