#!/usr/bin/env bash
# Hostile-input probe: a running server is fed hostile names, archives, requests and credentials, then its tree is
# checked whole.
#
#   run.sh [GROUPS]      GROUPS: comma-separated, of names,archives,requests,auth (default: all four)
#
# Starts the server on a free port of 127.0.0.1 with a data directory of its own, waits for /health, creates an admin
# token (`tokens create`) and three users with one-time passwords (`users add --password-stdin`: alice, whose password
# the probe changes; bob, brute-forced; otp, who never changes it), and runs probe.py (beside this script; python3
# standard library only). probe.py records every case (what was sent, what was expected, the status, the findings)
# and judges it: a finding is any 5xx or missing answer, something accepted that should be refused, an API refusal
# without a problem `detail`, a status other than the one the README promises, the server dead afterwards, or a file
# left in the publish root or in state/staging, state/work or state/manifests after a refusal. Then this script runs
# `check-tree --verify --json` (nothing missing, no bad signature, not behind; orphans compared with the run's start),
# checks state/staging and state/work are empty, and has bench/reliability/verify_tree.py read the tree as a device
# would (every file each index.json lists, with its size, SHA-256 and gpgv-verified .asc). Prints a table per group and
# every finding, keeps cases.json and memory.json in bench/out/hostile/, and exits 1 when there is any finding.
#
# Needs python3, gpgv, curl. Run as root for the peak-memory figure (it resets /proc/PID/clear_refs before the
# 1.1-million-entry archive); without root the figure is the peak since the server started.
#
#   APP    the server: a systemimage.dll (run with dotnet) or an executable (default: the first of
#          src/Server/bin/{Release,Debug}/net10.0/systemimage.dll that exists, else a Release build made into the work
#          directory, as bench/reliability does)
#   KEEP=1 keep the work directory (printed): data directory, server log, verifier output
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/hostile"
. "$root/bench/lib.sh"
groups="${1:-names,archives,requests,auth}"
for tool in python3 gpgv curl; do
    command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install -y python3 gpgv curl)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")"
data="$work/data"
out="$root/bench/out/hostile"
mkdir -p "$out"
server_pid=""
findings=0
start_ns=$(date +%s%N)

cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ "${KEEP:-0}" == 1 || $findings -gt 0 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The server command: APP, or a build the repository already has, or a fresh Release build.
app="${APP:-}"
if [[ -z "$app" ]]; then
    for candidate in "$root/src/Server/bin/Release/net10.0/systemimage.dll" "$root/src/Server/bin/Debug/net10.0/systemimage.dll"; do
        [[ -f "$candidate" ]] && { app="$candidate"; break; }
    done
fi
if [[ -z "$app" ]]; then
    echo "Building the server (Release) into $work/app..."
    publish_server "$work/app"
    app="$work/app/systemimage"
fi
if [[ "$app" == *.dll ]]; then app_cmd=(dotnet "$app"); else app_cmd=("$app"); fi
si() { "${app_cmd[@]}" "$@" --data-dir "$data"; }
echo "server: ${app_cmd[*]}"
echo "work directory: $work"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# From the repository root, so its appsettings.json applies (as `dotnet run` would); the data directory is the run's own.
(cd "$root" && exec "${app_cmd[@]}" serve --urls "$base" --data-dir "$data") > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
    curl -fsS "$base/health" > /dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped: $(tail -5 "$work/server.log")" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$base/health" > /dev/null || { echo "the server did not answer on $base in 120 s" >&2; exit 1; }
echo "server on $base (pid $server_pid), ready after $(seconds "$start_ns" "$(date +%s%N)") s"

token="$(si tokens create hostile-probe --role admin | tail -1)"
declare -A passwords=([alice]="alice-one-time-password-1" [bob]="bob-one-time-password-22" [otp]="otp-one-time-password-333")
password_args=()
for user in alice bob otp; do
    printf '%s\n' "${passwords[$user]}" | si users add "$user" --role admin --password-stdin > /dev/null
    password_args+=(--password "$user=${passwords[$user]}")
done
si check-tree --json > "$work/check-before.json" 2>/dev/null || true

rc=0
python3 "$here/probe.py" --base "$base" --data "$data" --app "${app_cmd[*]}" --pid "$server_pid" --token "$token" \
    --out "$work/probe" --groups "$groups" "${password_args[@]}" | tee "$work/probe.log" || rc=$?
cp "$work/probe/cases.json" "$work/probe/memory.json" "$out/" 2>/dev/null || true
[[ $rc -eq 0 ]] || findings=$((findings + $(python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1])) if c["findings"]) or 1)' "$work/probe/cases.json" 2>/dev/null || echo 1)))

echo
echo "== after the probe =="
after=()
note() { after+=("$1"); echo "  FINDING: $1"; findings=$((findings + 1)); }
if ! kill -0 "$server_pid" 2>/dev/null; then
    note "the server process is gone (log: $(tail -3 "$work/server.log" | tr '\n' ' '))"
elif ! curl -fsS "$base/health" > /dev/null; then
    note "/health does not answer"
fi
crc=0
si check-tree --verify --json > "$work/check-after.json" 2> "$work/check-after.err" || crc=$?
python3 - "$work/check-before.json" "$work/check-after.json" "$crc" > "$work/check-tree.txt" <<'EOF' || true
import json, sys
try:
    before = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    before = {"orphaned": []}
try:
    after = json.load(open(sys.argv[2]))
except (OSError, ValueError):
    print(f"check-tree --verify --json printed no JSON (exit {sys.argv[3]})")
    sys.exit()
for p in after.get("missing", []):
    print(f"check-tree: missing {p}")
for b in after.get("badSignatures") or []:
    print(f"check-tree: bad signature {b['path']}: {b['reason']}")
if after.get("behind", 0):
    print(f"check-tree: the tree is {after['behind']} publish(es) behind the database")
for p in sorted(set(after.get("orphaned", [])) - set(before.get("orphaned", []))):
    print(f"check-tree: orphaned {p}")
if sys.argv[3] not in ("0",) and not any(after.get(k) for k in ("missing", "badSignatures")):
    print(f"check-tree --verify exited {sys.argv[3]}")
EOF
while IFS= read -r line; do [[ -n "$line" ]] && note "$line"; done < "$work/check-tree.txt"
foreign="$(python3 -c 'import json,sys; print(", ".join(json.load(open(sys.argv[1])).get("foreign", [])))' "$work/check-after.json" 2>/dev/null || true)"
echo "  check-tree --verify: exit $crc; foreign files (the probe's own README, stable/blocker, deep/, .probe-hidden): ${foreign:-none}"
left="$(find "$data/state/staging" "$data/state/work" -mindepth 1 2>/dev/null | head -5 | paste -sd ' ' || true)"
[[ -z "$left" ]] || note "state/staging or state/work not empty: $left"
vrc=0
python3 "$root/bench/reliability/verify_tree.py" "$data/www" "$work/verify" > "$work/verify.json" || vrc=$?
python3 - "$work/verify.json" "$vrc" > "$work/verify.txt" <<'EOF' || true
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print(f"verify_tree.py did not run (exit {sys.argv[2]})")
    sys.exit()
for e in doc["errors"]:
    print(f"verify_tree: {e}")
print(f"#ok verify_tree: {doc['checked']} files checked over {len(doc['devices'])} devices")
EOF
while IFS= read -r line; do
    if [[ "$line" == "#ok "* ]]; then echo "  ${line#\#ok }"; elif [[ -n "$line" ]]; then note "$line"; fi
done < "$work/verify.txt"
if grep -qE '^(fail|crit):|Unhandled exception' "$work/server.log"; then
    echo "  server log: $(grep -cE '^(fail|crit):' "$work/server.log") fail/crit entries (see $work/server.log)"
fi
printf '%s\n' "${after[@]:-}" > "$out/after.txt"

echo
echo "Hostile-input probe: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/probe/cases.json" 2>/dev/null || echo '?') cases, \
$findings finding(s), $(seconds "$start_ns" "$(date +%s%N)") s in all; cases.json and memory.json in $out"
[[ $findings -eq 0 ]]
