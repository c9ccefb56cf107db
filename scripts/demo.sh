#!/usr/bin/env bash
# Builds semsearch and runs it on a sample workspace with the default model: index, then a few searches.
# Usage: bash scripts/demo.sh [workspace-folder] ["query"]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

dotnet build server/SemanticSearch.Cli -c Release -nologo -v q >/dev/null
semsearch=(dotnet "$repo/server/SemanticSearch.Cli/bin/Release/net10.0/semsearch.dll")

model_args=()
if [ ! -f models/default/semsearch-model.json ]; then
  # No trained default model in this checkout yet: fall back to the tiny random-weight test model (it matches
  # mostly on shared words, so results are lexical rather than semantic).
  /usr/bin/python3 -c "import onnx, numpy" 2>/dev/null || {
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-onnx python3-numpy >/dev/null
  }
  /usr/bin/python3 models/tiny-random/build_tiny_model.py --out artifacts/demo-model >/dev/null
  model_args=(--model "$repo/artifacts/demo-model")
  echo "note: models/default is not present yet; using the tiny random-weight test model." >&2
fi

workspace=${1:-}
if [ -z "$workspace" ]; then
  workspace=$(mktemp -d)/sample-repo
  cp -r tests/fixtures/sample-repo "$workspace"
fi

"${semsearch[@]}" index "$workspace" "${model_args[@]}"
for query in "${2:-validate an email address}" "evict least recently used cache entry" "retry an http request with backoff"; do
  echo
  echo "\$ semsearch search $workspace \"$query\" -k 3"
  "${semsearch[@]}" search "$workspace" "$query" -k 3 --quiet "${model_args[@]}"
done
