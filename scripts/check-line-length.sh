#!/usr/bin/env bash
# Fails when a tracked C# file has a line longer than .editorconfig's max_line_length for [*.{cs,ts}]
# (dotnet format does not enforce it; ESLint does for the TypeScript client, from the same setting).
set -uo pipefail
cd "$(dirname "$0")/.."
limit=$(awk '/^\[/{section=$0} section=="[*.{cs,ts}]" && /^max_line_length *=/{gsub(/[^0-9]/,""); print; exit}' .editorconfig)
if [ -z "$limit" ]; then
  echo "no max_line_length for [*.{cs,ts}] in .editorconfig"; exit 2
fi
# Characters, not bytes (awk implementations differ on that): a line of arrows and ellipses counts what it shows.
long=$(git ls-files -z '*.cs' | /usr/bin/python3 -c '
import sys
limit = int(sys.argv[1])
for path in sys.stdin.read().split("\0"):
    if path:
        for number, line in enumerate(open(path, encoding="utf-8-sig"), 1):
            if len(line.rstrip("\r\n")) > limit:
                print(f"{path}:{number}: {len(line.rstrip())} characters")
' "$limit")
if [ -n "$long" ]; then
  echo "lines longer than $limit characters (.editorconfig max_line_length):"
  echo "$long" | head -40
  exit 1
fi
echo "line length: every C# line is at most $limit characters"
