#!/usr/bin/env bash
# Publishing benchmark: 4,000 index.json from an empty tree (target < 10 s), then one change
# published and signed with that tree in place (target < 100 ms). Release build; output in bench/out/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$root/bench/out"
dotnet build -c Release -v q --nologo "$root/bench/publish/PublishBench/PublishBench.csproj" >/dev/null
dotnet "$root/bench/publish/PublishBench/bin/Release/net10.0/PublishBench.dll" "$root/bench/out/publish-data"
