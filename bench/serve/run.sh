#!/usr/bin/env bash
# Serving benchmark: requests/s for one index.json from our server (Release build) and from nginx
# serving the same publish root, both on 127.0.0.1, measured with wrk in the same run.
# Target: ours >= 0.8 x nginx. Installs nginx and wrk with apt-get when missing.
#   DURATION  seconds per wrk run (default 10)   CONNECTIONS  open connections (default 64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/out/serve"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
OUR_PORT=5380
NGINX_PORT=5381

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null
fi

rm -rf "$out" && mkdir -p "$out"
dotnet publish -c Release --use-current-runtime --self-contained false -v q --nologo -o "$out/app" "$root/src/Server/Server.csproj" >/dev/null
app=("$out/app/systemimage")
"${app[@]}" create-channel ubuntu-touch/stable --data-dir "$out/data" >/dev/null
for device in mako flo krillin arale; do
    "${app[@]}" create-device ubuntu-touch/stable "$device" --data-dir "$out/data" >/dev/null
done
path=/ubuntu-touch/stable/mako/index.json

cleanup() { kill "${server_pid:-}" 2>/dev/null || true; nginx -c "$out/nginx.conf" -s stop 2>/dev/null || true; }
trap cleanup EXIT

(cd "$out" && exec "$out/app/systemimage" serve --urls "http://127.0.0.1:$OUR_PORT" --data-dir "$out/data" \
    --Logging:LogLevel:Default=Warning >"$out/server.log" 2>&1) &
server_pid=$!

cat >"$out/nginx.conf" <<CONF
worker_processes auto;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    types { application/json json; application/pgp-signature asc; application/x-xz xz; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $out/data/www;
        location ~ /\. { return 404; }
    }
}
CONF
nginx -c "$out/nginx.conf"

for port in $OUR_PORT $NGINX_PORT; do
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port$path" && break; sleep 0.2; done
done

rate() { # warm up, then measure; prints requests/s
    wrk -t2 -c"$CONNECTIONS" -d3s "http://127.0.0.1:$1$path" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$1$path" | awk '/Requests\/sec/ {print $2}'
}
ours=$(rate $OUR_PORT)
theirs=$(rate $NGINX_PORT)
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
echo "index.json requests/s: ours $ours, nginx $theirs, ratio $ratio (target >= 0.8)"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.8) }' && echo "serve benchmark: PASS" || { echo "serve benchmark: FAIL"; exit 1; }
