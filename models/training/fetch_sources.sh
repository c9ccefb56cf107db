#!/usr/bin/env bash
# Reproducible training-data recipe (see README.md, "Training data"):
#   1. apt-get download every package in packages.txt (Debian bookworm; source-bearing binary packages),
#   2. extract each .deb without installing it (extract_debs.sh),
#   3. mine pairs with the C# miner (engine chunkers) into $WORK/pairs.
# Usage: models/training/fetch_sources.sh [WORK_DIR=/work/data] [EVALS_DIR=<repo>/../shared/evals]
# MORE=1 also fetches packages-more.txt (600 larger packages; roughly 3x the mining time).
# SOURCES=1 also fetches the C# and Java source packages of source-packages.txt (fetch_source_packages.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${1:-/work/data}
EVALS=${2:-$ROOT/../shared/evals}
mkdir -p "$WORK/debs" "$WORK/src" "$WORK/pairs"

# Only names not downloaded yet; batches keep the command line short. apt-get download needs no install.
cd "$WORK/debs"
LISTS=("$HERE/packages.txt")
[ "${MORE:-0}" = 1 ] && LISTS+=("$HERE/packages-more.txt")
comm -23 <(cat "${LISTS[@]}" | grep -v '^#' | sort -u) <(ls -- *.deb 2>/dev/null | sed 's/_.*//' | sort -u) \
  | xargs -r -n 200 nice -n 10 apt-get download -q

nice -n 10 "$HERE/extract_debs.sh" "$WORK/debs" "$WORK/src"

[ "${SOURCES:-0}" = 1 ] && "$HERE/fetch_source_packages.sh" "$WORK"
ROOTS=(--source-root "$WORK/src")
[ -d "$WORK/srcpkg" ] && ROOTS+=(--source-root "$WORK/srcpkg")

cd "$ROOT"
dotnet build models/training/miner -c Release -v q
# CPython's own library (libpython3.11-stdlib, installed here) is real documented Python too.
STDLIB=()
[ -d /usr/lib/python3.11 ] && STDLIB=(--source cpython3.11-stdlib=/usr/lib/python3.11)
time nice -n 10 dotnet models/training/miner/bin/Release/net10.0/SemanticSearch.Miner.dll \
  --out "$WORK/pairs" "${ROOTS[@]}" "${STDLIB[@]}" \
  --exclude-evals "$EVALS" --valid-fraction 0.02 --valid-cap 5000 --max-per-package 3000
