#!/usr/bin/env bash
# Builds semantic-search.vsix: compiles, bundles the server for one platform (see bundle-server.sh), packages
# with @vscode/vsce. Usage: bash scripts/package.sh [out.vsix]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-semantic-search.vsix}"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsc -p .
target="$(bash scripts/bundle-server.sh | tail -1)"
args=(package --allow-missing-repository --skip-license -o "$out")
# A platform-specific package (the bundled server carries native ONNX Runtime libraries).
[ -n "$target" ] && args+=(--target "$target")
npx vsce "${args[@]}"
