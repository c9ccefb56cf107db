#!/usr/bin/env bash
# Puts a framework-dependent build of SemanticSearch.Server into client-vscode/server/ for packaging.
# SEMSEARCH_SERVER_DIR=<folder with SemanticSearch.Server.dll> copies that build instead of publishing the repo's.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
dest="$here/server"
project="$repo/server/SemanticSearch.Server/SemanticSearch.Server.csproj"
rm -rf "$dest"
if [ -n "${SEMSEARCH_SERVER_DIR:-}" ]; then
  src="$SEMSEARCH_SERVER_DIR"
elif [ -f "$project" ]; then
  # Portable (no RID): runs on any OS with the .NET runtime; ONNX Runtime's native builds ride along per platform.
  src="$repo/server/SemanticSearch.Server/bin/Release/publish"
  dotnet publish "$project" -c Release -o "$src" -nologo -v q -p:UseAppHost=false
else
  echo "bundle-server: no server project at $project and SEMSEARCH_SERVER_DIR unset; packaging without a server" >&2
  echo "(set semanticSearch.serverPath to use one)" >&2
  exit 0
fi
[ -f "$src/SemanticSearch.Server.dll" ] || { echo "bundle-server: $src/SemanticSearch.Server.dll missing" >&2; exit 1; }
mkdir -p "$dest"
cp -r "$src"/. "$dest"/
# Debug symbols and other platforms' GPU builds are dead weight in the .vsix.
find "$dest" -name '*.pdb' -delete
echo "bundle-server: $(du -sh "$dest" | cut -f1) in $dest"
