#!/usr/bin/env bash
# Adoption counting benchmark: index.json requests/s from our server (Release build) with download counting on
# (SystemImage:Adoption:Enabled=true, every request counted as a check-in) and off, on two copies of the same data
# directory, measured with wrk in the same run, alternating on/off ROUNDS times (the best rate of each is kept).
# Target: on >= 0.9 x off. Installs wrk with apt-get when missing.
#   DURATION  seconds per wrk run (default 10)   CONNECTIONS  open connections (default 64)   ROUNDS (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/out/adoption"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-3}"
ON_PORT=5390
OFF_PORT=5391

if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

rm -rf "$out" && mkdir -p "$out"
dotnet publish -c Release --use-current-runtime --self-contained false -v q --nologo -o "$out/app" "$root/src/Server/Server.csproj" >/dev/null
app=("$out/app/systemimage")
"${app[@]}" create-channel ubuntu-touch/stable --data-dir "$out/on" >/dev/null
for device in mako flo krillin arale; do
    "${app[@]}" create-device ubuntu-touch/stable "$device" --data-dir "$out/on" >/dev/null
done
cp -a "$out/on" "$out/off"
path=/ubuntu-touch/stable/mako/index.json

cleanup() { kill "${on_pid:-}" "${off_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT

serve() { # PORT DATA ENABLED
    (cd "$out" && exec "$out/app/systemimage" serve --urls "http://127.0.0.1:$1" --data-dir "$2" \
        --SystemImage:Adoption:Enabled="$3" --Logging:LogLevel:Default=Warning >"$2.log" 2>&1) &
}
serve $ON_PORT "$out/on" true; on_pid=$!
serve $OFF_PORT "$out/off" false; off_pid=$!

for port in $ON_PORT $OFF_PORT; do
    for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$port$path" && break; sleep 0.2; done
done

rate() { # warm up, then measure; prints requests/s
    wrk -t2 -c"$CONNECTIONS" -d3s "http://127.0.0.1:$1$path" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$1$path" | awk '/Requests\/sec/ {print $2}'
}
best_on=0; best_off=0
for round in $(seq 1 "$ROUNDS"); do
    on=$(rate $ON_PORT); off=$(rate $OFF_PORT)
    echo "round $round: counting on $on req/s, off $off req/s"
    best_on=$(awk -v a="$on" -v b="$best_on" 'BEGIN { print (a > b ? a : b) }')
    best_off=$(awk -v a="$off" -v b="$best_off" 'BEGIN { print (a > b ? a : b) }')
done
sleep 7 # one flush interval and more: the counts reach the database
ratio=$(awk -v a="$best_on" -v b="$best_off" 'BEGIN { printf "%.2f", a / b }')
echo "index.json requests/s: counting on $best_on, off $best_off, ratio $ratio (target >= 0.9)"
counted=$(sqlite3 "$out/on/systemimage.db" "select sum(Count) from DownloadCounts where Kind = 2" 2>/dev/null || echo "?")
echo "check-ins counted by the server with counting on: $counted"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.9) }' && echo "adoption benchmark: PASS" || { echo "adoption benchmark: FAIL"; exit 1; }
