#!/usr/bin/env bash
# Builds semsearch and runs it on a sample workspace with the default model it carries (models/default, copied
# beside semsearch.dll by the build): index, then a few searches. No model option, no setting.
# Usage: bash scripts/demo.sh [workspace-folder] ["query"]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

dotnet build server/SemanticSearch.Cli -c Release -nologo -v q >/dev/null
semsearch=(dotnet "$repo/server/SemanticSearch.Cli/bin/Release/net10.0/semsearch.dll")

workspace=${1:-}
if [ -z "$workspace" ]; then
  workspace=$(mktemp -d)/sample-repo
  cp -r tests/fixtures/sample-repo "$workspace"
fi

"${semsearch[@]}" index "$workspace"
for query in "${2:-validate an email address}" "evict least recently used cache entry" "retry an http request with backoff"; do
  echo
  echo "\$ semsearch search $workspace \"$query\" -k 3"
  "${semsearch[@]}" search "$workspace" "$query" -k 3 --quiet
done
