#!/usr/bin/env bash
# Puts a framework-dependent build of SemanticSearch.Server into client-vscode/server/ for packaging and prints the
# matching VS Code platform target on its last line (empty when packaging without a server).
#   SEMSEARCH_RID=linux-x64|linux-arm64|win-x64|win-arm64|osx-x64|osx-arm64   default: this machine's
#   SEMSEARCH_SERVER_DIR=<folder with SemanticSearch.Server.dll>                copy that build instead of publishing
#   SEMSEARCH_READY_TO_RUN=false                                                 IL only (a quicker publish, for
#                                                                                 local builds; slower server start)
# Framework-dependent and RID-specific: needs the .NET runtime on the user's machine, and carries only that
# platform's ONNX Runtime (a portable build carries all of them, 260 MB). ReadyToRun by default: the server's own
# assemblies carry native code, so a reopened window does not wait for the JIT (the runtime, initialize, the
# model and the index open all run less JIT-compiled code); README's "Build, test, package" has the figures.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
dest="$here/server"
project="$repo/server/SemanticSearch.Server/SemanticSearch.Server.csproj"

if [ -z "${SEMSEARCH_RID:-}" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) SEMSEARCH_RID=linux-x64 ;;
    Linux-aarch64) SEMSEARCH_RID=linux-arm64 ;;
    Darwin-arm64) SEMSEARCH_RID=osx-arm64 ;;
    Darwin-x86_64) SEMSEARCH_RID=osx-x64 ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) SEMSEARCH_RID=win-x64 ;;
    *) echo "bundle-server: unknown platform $(uname -s)-$(uname -m); set SEMSEARCH_RID" >&2; exit 1 ;;
  esac
fi
case "$SEMSEARCH_RID" in
  linux-*) target="linux-${SEMSEARCH_RID#linux-}" ;;
  win-*) target="win32-${SEMSEARCH_RID#win-}" ;;
  osx-*) target="darwin-${SEMSEARCH_RID#osx-}" ;;
  *) echo "bundle-server: unsupported RID $SEMSEARCH_RID" >&2; exit 1 ;;
esac

rm -rf "$dest"
if [ -n "${SEMSEARCH_SERVER_DIR:-}" ]; then
  src="$SEMSEARCH_SERVER_DIR"
elif [ -f "$project" ]; then
  ready_to_run="${SEMSEARCH_READY_TO_RUN:-true}"
  case "$ready_to_run" in
    true | false) ;;
    *) echo "bundle-server: SEMSEARCH_READY_TO_RUN must be true or false, not '$ready_to_run'" >&2; exit 1 ;;
  esac
  src="$repo/server/SemanticSearch.Server/bin/Release/publish-$SEMSEARCH_RID"
  # A fresh folder: an IL-only publish over a ReadyToRun one (or back) must not leave the other's files behind.
  rm -rf "$src"
  dotnet publish "$project" -c Release -r "$SEMSEARCH_RID" --self-contained false -o "$src" -nologo -v q \
    -p:UseAppHost=false -p:SatelliteResourceLanguages=en -p:PublishReadyToRun="$ready_to_run" >&2
else
  echo "bundle-server: no server project at $project and SEMSEARCH_SERVER_DIR unset; packaging without a server" >&2
  echo "(users then set semanticSearch.serverPath)" >&2
  echo ""
  exit 0
fi
[ -f "$src/SemanticSearch.Server.dll" ] || { echo "bundle-server: $src/SemanticSearch.Server.dll missing" >&2; exit 1; }
mkdir -p "$dest"
cp -r "$src"/. "$dest"/
find "$dest" -name '*.pdb' -delete
echo "bundle-server: $(du -sh "$dest" | cut -f1) for $SEMSEARCH_RID in $dest${ready_to_run:+ (ReadyToRun: $ready_to_run)}" >&2
echo "$target"
