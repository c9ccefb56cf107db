#!/usr/bin/env bash
# C# and Java training sources (see README.md, "Training data"): Debian's binary packages carry no C# or Java
# source (assemblies and jars), but Debian's SOURCE packages do. This fetches the upstream tarballs of the
# source packages in source-packages.txt and unpacks each into WORK/srcpkg/<name>/, ready for the miner's
# --source-root.
#   1. adds a deb-src line for bookworm main if apt has none (root; printed),
#   2. downloads each package's upstream tarball(s) from the URLs `apt-get source --print-uris` names and checks
#      their SHA256 (nothing is built; Debian's packaging files are not code to learn from),
#   3. unpacks them into WORK/srcpkg/<name>/.
# Usage: models/training/fetch_source_packages.sh [WORK_DIR=/work/data]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/work/data}
mkdir -p "$WORK/srcdl/.empty" "$WORK/srcpkg"

if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "adding /etc/apt/sources.list.d/debian-src.sources (deb-src, bookworm main)"
  cat > /etc/apt/sources.list.d/debian-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -q
fi

cd "$WORK/srcdl"
failed=0
for name in $(grep -v '^#' "$HERE/source-packages.txt"); do
  if [ -d "$WORK/srcpkg/$name" ]; then continue; fi
  # Only the upstream tarball(s): NAME_VER.orig.tar.*, NAME_VER.orig-COMPONENT.tar.* or, for native packages,
  # NAME_VER.tar.*. Fetched one by one (not `apt-get source`, which gives up when any file of the package is
  # missing on the mirror, as the .debian.tar often is here) and checked against the SHA256 in apt's index.
  got=0
  while read -r url file size hash; do
    url=${url//\'/}
    case "$file" in *.dsc|*.debian.tar.*|*.asc) continue ;; esac
    case "$file" in *.tar.*) ;; *) continue ;; esac
    if [ ! -f "$file" ]; then
      curl -fsS -o "$file.part" "$url" 2>/dev/null && mv "$file.part" "$file" || { rm -f "$file.part"; continue; }
    fi
    if [ "${hash#SHA256:}" != "$(sha256sum "$file" | cut -d' ' -f1)" ]; then
      echo "checksum mismatch: $file"; rm -f "$file"; continue
    fi
    mkdir -p "$WORK/srcpkg/$name.tmp"
    nice -n 10 tar -xf "$file" -C "$WORK/srcpkg/$name.tmp" && got=$((got + 1)) || echo "unpack failed: $file"
  # (from an empty folder: apt leaves out files it finds in the current one)
  done < <(cd "$WORK/srcdl/.empty" && apt-get source --print-uris -q "$name" 2>/dev/null | grep "^'")
  if [ "$got" -gt 0 ]; then
    mv "$WORK/srcpkg/$name.tmp" "$WORK/srcpkg/$name"
  else
    rm -rf "$WORK/srcpkg/$name.tmp"
    echo "not on the mirror: $name"
    failed=$((failed + 1))
  fi
done
echo "source packages in $WORK/srcpkg: $(ls "$WORK/srcpkg" | wc -l) ($failed not fetched)"
