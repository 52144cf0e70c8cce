#!/usr/bin/env bash
# Reliability campaign (issue 12): the tree is always the old or the new state, whatever happens to a writer.
#
#   run.sh [crash|concurrency|diskfull|all]     (default: all)
#
#   crash        kill -9 at KILLS offsets of a `publish-image` (next build of a ~CORPUS_MB MB rootfs, with a delta) and
#                at KILLS offsets of an `import-images` (automatic channel, cdimage-ubuntu + version): half the offsets
#                spread evenly over the whole run, half over its last phase (after the part is prepared: delta,
#                signing, commit, publish), as measured on an uninterrupted run first; and 3 more points each, as soon
#                as the log says the delta was written, the change committed, the tree published (after the commit
#                the next verb must bring the new version out). After each kill another verb
#                runs (it finishes a publish the killed one committed), then the tree is checked.
#   concurrency  a running server and ROUNDS rounds of 4 writers at once: two CLI `publish-image` (same device in
#                even rounds, different devices in odd ones), an API upload (a truncated tarball every 5th round, which
#                must be refused) and an import (API `?wait=true` in even rounds, the verb in odd ones).
#   diskfull     the data directory on a FULL_MB MB tmpfs with a running server: a build larger than the disk, then
#                small builds published on a disk filled to a few free-space levels.
#
# Checks, after every kill, round and disk-full step: `check-tree --verify --json` clean (nothing missing, no bad
# signature, behind 0; orphans only if `cleanup-tree` then removes them), state/staging and state/work empty, and
# verify_tree.py (beside this script: every file each index.json lists exists with its size and sha256 and its .asc
# verifies with gpgv against the keyring inside gpg/image-signing.tar.xz, keyrings chained to archive-master), and the
# device's newest version is the previous one or the new one with all its files, never anything else.
# Exit 1 when any check fails.
#
#   CORPUS_MB   rootfs size of the crash part (default 32)     KILLS    kill points per verb (default 10)
#   SMALL_MB    rootfs size of the other parts (default 4)     ROUNDS   concurrency rounds (default 20)
#   CHANGE      % of files each next build changes (default 10)  FULL_MB  tmpfs size of the disk-full part (default 48)
#   KEEP=1      keep the work directory (printed) for inspection; it is also kept when a check fails
#   APP         a directory holding an already published server to use instead of building one
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/bench/lib.sh"
part="${1:-all}"
case "$part" in crash | concurrency | diskfull | all) ;; *) echo "usage: $0 [crash|concurrency|diskfull|all]" >&2; exit 2 ;; esac
CORPUS_MB="${CORPUS_MB:-32}"
SMALL_MB="${SMALL_MB:-4}"
CHANGE="${CHANGE:-10}"
KILLS="${KILLS:-10}"
ROUNDS="${ROUNDS:-20}"
FULL_MB="${FULL_MB:-48}"
for tool in gpgv python3 jq curl tar gzip; do
    command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install -y gpgv python3 jq curl tar gzip)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/reliability.XXXXXX")"
app="${APP:-$work/app}/systemimage"
verifier="$root/bench/reliability/verify_tree.py"
server_pid=""
mounted=""
failures=0
summary=()

cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n "$mounted" ]] && umount "$mounted" 2>/dev/null
    if [[ "${KEEP:-0}" == 1 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

if [[ -z "${APP:-}" ]]; then
    echo "Building the server (Release) into $work/app..."
    publish_server "$work/app"
fi

# --- builds -------------------------------------------------------------------------------------------------------

# make_rootfs MB DIR: a tree of real system files (corpus_files) to derive builds from.
make_rootfs() {
    corpus_files $(($1 * 1024 * 1024)) > "$work/files-$1.list"
    mkdir -p "$2"
    tar --create --no-recursion --verbatim-files-from --files-from "$work/files-$1.list" 2>/dev/null | tar -x -C "$2"
}

# next_build DIR N OUT: the next build of DIR as OUT (.tar.gz, reproducible tar): CHANGE % of its files changed (a
# different share each build), a stamp file of the previous build removed and one of this build added.
next_build() {
    local dir="$1" n="$2" out="$3" every=$((100 / CHANGE)) i files
    mapfile -t files < <(cd "$dir" && find . -type f ! -path './build-stamps/*' | LC_ALL=C sort)
    for ((i = n % every; i < ${#files[@]}; i += every)); do
        printf 'build %s of %s\n' "$n" "${files[i]}" | cat - "$dir/${files[i]}" > "$dir/.next" && mv "$dir/.next" "$dir/${files[i]}"
    done
    mkdir -p "$dir/build-stamps" && rm -f "$dir/build-stamps/"* && head -c 4096 /dev/urandom > "$dir/build-stamps/$n"
    (cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | tar --create --no-recursion --owner=0 --group=0 --numeric-owner \
        --mtime='2026-01-01 00:00:00Z' --verbatim-files-from --files-from - -f -) | gzip -1 > "$out"
}

# add_cdimage_build CDIMAGE NAME TARGZ: a cdimage build directory with the rootfs and its SHA256SUMS (SPEC §5).
add_cdimage_build() {
    mkdir -p "$1/$2"
    cp "$3" "$1/$2/vivid-preinstalled-touch-armhf.tar.gz"
    (cd "$1/$2" && sha256sum --binary vivid-preinstalled-touch-armhf.tar.gz > SHA256SUMS)
}

hash12() { sha256sum "$1" | cut -c1-12; }

# --- checks -------------------------------------------------------------------------------------------------------

# verify_published DATA [BASE_URL]: verify_tree.py over DATA's tree (indexes over HTTP with a base URL); its JSON in
# $work/verify.json. Fails the campaign on any error.
verify_published() {
    local rc=0
    python3 "$verifier" "$1/www" "$work/verify" ${2:+--base "$2"} > "$work/verify.json" || rc=$?
    if [[ $rc -ne 0 ]]; then
        if jq -e . "$work/verify.json" >/dev/null 2>&1; then
            jq -r '.errors[] | "  FAIL: verify_tree: " + .' "$work/verify.json" | head -20
            failures=$((failures + 1))
        else
            fail "verify_tree.py did not run (exit $rc)"
            echo '{"errors":["did not run"],"devices":{}}' > "$work/verify.json"
        fi
        return 1
    fi
}

# latest DEVICE: "VERSION VERSION_DETAIL FILES" of the device's newest full image in $work/verify.json ("none" if none).
latest() {
    jq -r --arg d "$1" '(.devices[$d] // []) | map(select(.type == "full")) | max_by(.version)
        | if . == null then "none" else "\(.version) \(.version_detail) \(.files)" end' "$work/verify.json"
}

# has_delta DEVICE BASE VERSION: the device's index has the delta BASE -> VERSION.
has_delta() {
    jq -e --arg d "$1" --argjson b "$2" --argjson v "$3" \
        '(.devices[$d] // []) | any(.type == "delta" and .base == $b and .version == $v)' "$work/verify.json" >/dev/null
}

# mentions MARKER: some index (any device) has an image whose version_detail contains MARKER.
mentions() { jq -e --arg m "$1" '[.devices[][] | .version_detail // "" | contains($m)] | any' "$work/verify.json" >/dev/null; }

# check_tree DATA: check-tree --verify --json clean; orphans removed by cleanup-tree; staging and work areas empty.
check_tree() {
    local data="$1" rc=0 json problems orphans
    json="$("$app" check-tree --verify --json --data-dir "$data" 2> "$work/check-tree.err")" || rc=$?
    if ! jq -e . >/dev/null 2>&1 <<< "$json"; then
        fail "check-tree --verify --json printed no JSON (exit $rc): $(head -c 300 "$work/check-tree.err")"
        return 1
    fi
    problems="$(jq -r '(.missing[] | "missing " + .), (.badSignatures[]? | "bad signature " + .path + ": " + .reason),
        (.foreign[] | "foreign " + .), (if .behind > 0 then "behind \(.behind)" else empty end)' <<< "$json")"
    if [[ -n "$problems" ]]; then
        fail "check-tree --verify: $(head -5 <<< "$problems" | paste -sd ';')"
    elif [[ $rc -ne 0 ]]; then
        fail "check-tree --verify exited $rc: $(head -c 300 "$work/check-tree.err")"
    fi
    orphans="$(jq '.orphaned | length' <<< "$json")"
    if [[ "$orphans" -gt 0 ]]; then
        "$app" cleanup-tree --data-dir "$data" > /dev/null 2> "$work/cleanup.err" || fail "cleanup-tree failed: $(cat "$work/cleanup.err")"
        orphans="$("$app" check-tree --json --data-dir "$data" 2>/dev/null | jq '.orphaned | length')" || orphans="?"
        [[ "$orphans" == 0 ]] || fail "check-tree still lists $orphans orphan(s) after cleanup-tree"
    fi
    local left
    left="$(find "$data/state/staging" "$data/state/work" -mindepth 1 2>/dev/null | head -5 | paste -sd ' ' || true)"
    [[ -z "$left" ]] || fail "state/staging or state/work not empty: $left"
    [[ -z "$problems" ]]
}

# --- 1. kill -9 ---------------------------------------------------------------------------------------------------

# tod HH:MM:SS.fff: seconds since midnight.
tod() { awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }' <<< "$1"; }

# run_killed WHEN LOG COMMAND...: runs COMMAND (-v, stderr in LOG) and kill -9s it WHEN: a number of seconds after its
# start, or "at:PATTERN": as soon as its log has a line matching PATTERN (grep -E). Sets rc (137 when killed), killed_at
# (seconds after the start) and phase (the last progress line it logged).
run_killed() {
    local when="$1" log="$2" pid start_ns
    shift 2
    start_ns=$(date +%s%N)
    "$@" -v > "$log.out" 2> "$log" &
    pid=$!
    if [[ "$when" == at:* ]]; then
        while kill -0 "$pid" 2>/dev/null && ! grep -qsE "${when#at:}" "$log"; do sleep 0.01; done
    else
        sleep "$when"
    fi
    kill -9 "$pid" 2>/dev/null || true
    killed_at=$(seconds "$start_ns" "$(date +%s%N)")
    rc=0 && wait "$pid" 2>/dev/null || rc=$?
    phase="$(grep -E '^[0-9:.]+ (info|warn|fail):' "$log" | tail -1 \
        | sed -E 's/^[0-9:.]+ [a-z]+: ([A-Za-z]+\.)*([A-Za-z]+)\[[0-9]+\] /\2: /' | cut -c1-110 || true)"
    [[ -n "$phase" ]] || phase="(starting: nothing logged yet)"
}

# crash_campaign KIND: KIND is publish or import.
crash_campaign() {
    local kind="$1"
    local data="$work/crash-$kind" tree="$work/rootfs-crash-$kind" cdimage="$work/cdimage-$kind"
    local channel device="mako" n=1 build marker
    echo
    echo "== kill -9 during $kind =="
    [[ "$kind" == publish ]] && channel=stable || channel=daily
    cat > "$work/crash-$kind.ini" <<EOF
[global]
channels = $channel
[channel_$channel]
type = $([[ "$kind" == publish ]] && echo manual || echo auto)
fullcount = 4
$([[ "$kind" == import ]] && printf 'files = ubuntu, version\nfile_ubuntu = cdimage-ubuntu;%s;vivid;import=any\nfile_version = version\n' "$cdimage")
EOF
    "$app" import-config "$work/crash-$kind.ini" --data-dir "$data" > /dev/null 2> "$work/setup.log"
    "$app" create-device "$channel" "$device" --data-dir "$data" > /dev/null
    make_rootfs "$CORPUS_MB" "$tree"

    # verb N: the verb publishing build N (made first, outside any timing); marker: how its version_detail names it.
    prepare() {
        next_build "$tree" "$1" "$work/$kind-build-$1.tar.gz"
        if [[ "$kind" == publish ]]; then
            verb=("$app" publish-image "$channel" "$device" "ubuntu=$work/$kind-build-$1.tar.gz" --data-dir "$data")
            marker="ubuntu=$(hash12 "$work/$kind-build-$1.tar.gz"),"
        else
            add_cdimage_build "$cdimage" "20260101.$1" "$work/$kind-build-$1.tar.gz"
            verb=("$app" import-images --channel "$channel" --data-dir "$data")
            marker="ubuntu=20260101.$1,"
        fi
    }
    prepare 1 && "${verb[@]}" > /dev/null
    echo "build 1 ($(stat -c %s "$work/$kind-build-1.tar.gz") bytes .tar.gz) $([[ "$kind" == publish ]] && echo published || echo imported) as version 1"

    # The uninterrupted run, with its progress log to place the last phase.
    n=2 && prepare 2
    local start_ns end_ns start_tod prepared total tail_start
    start_tod="$(date +%H:%M:%S.%N)" start_ns=$(date +%s%N)
    "${verb[@]}" -v > "$work/$kind-uninterrupted.out" 2> "$work/$kind-uninterrupted.log"
    end_ns=$(date +%s%N)
    total=$(seconds "$start_ns" "$end_ns")
    prepared="$(grep -m1 'Prepared part' "$work/$kind-uninterrupted.log" | cut -d' ' -f1 || true)"
    if [[ -n "$prepared" ]]; then
        tail_start=$(awk -v p="$(tod "$prepared")" -v s="$(tod "$start_tod")" 'BEGIN { d = p - s; if (d < 0) d += 86400; printf "%.1f", d }')
    else
        tail_start=$(awk -v t="$total" 'BEGIN { printf "%.1f", t / 2 }')
    fi
    echo "uninterrupted $kind of build 2: $total s (the part prepared at $tail_start s, then delta, signing, commit, publish)"

    local half=$((KILLS / 2)) offsets=() k
    for ((k = 0; k < KILLS - half; k++)); do offsets+=("$(awk -v t="$total" -v k=$k -v n=$((KILLS - half)) 'BEGIN { printf "%.2f", t * (2 * k + 1) / (2 * n) }')"); done
    for ((k = 0; k < half; k++)); do offsets+=("$(awk -v a="$tail_start" -v t="$total" -v k=$k -v n=$half 'BEGIN { printf "%.2f", a + (t - a) * (2 * k + 1) / (2 * n) }')"); done
    # And at three moments named by the log, whatever the machine's speed: the delta written (before the commit), the
    # change committed (its publish under way: the next verb must bring it out), the tree published (before clean-up).
    offsets+=("at:Wrote delta" "at:Committed [0-9]+ change" "at:Published tree")

    local point=0 old=0 new=0 bad=0 missed=0 offset attempt prev prev_version state now
    for offset in "${offsets[@]}"; do
        point=$((point + 1))
        for attempt in 1 2 3 4 5; do
            verify_published "$data" || true
            prev="$(latest "$channel/$device")"
            prev_version="${prev%% *}"
            n=$((n + 1)) && prepare "$n"
            run_killed "$offset" "$work/$kind-kill-$point.log" "${verb[@]}"
            [[ $rc -eq 137 ]] && break
            missed=$((missed + 1))
            check_tree "$data" || true
            if [[ "$offset" == at:* ]]; then
                echo "  point $point: the $kind finished (exit $rc) without logging '${offset#at:}'; again"
                continue
            fi
            # A busy machine's run times vary: the same point a little earlier.
            echo "  point $point: the $kind finished (exit $rc) before ${offset} s; again at $(awk -v o="$offset" 'BEGIN { printf "%.2f", o * 0.8 }') s"
            offset=$(awk -v o="$offset" 'BEGIN { printf "%.2f", o * 0.8 }')
        done
        if [[ $rc -ne 137 ]]; then
            fail "point $point: could not kill the $kind (it kept finishing first)"
            continue
        fi
        # Another verb: its start finishes what the killed one committed.
        "$app" list-images "$channel" "$device" --data-dir "$data" > /dev/null 2> "$work/after-kill.err" \
            || fail "point $point: list-images after the kill failed: $(cat "$work/after-kill.err")"
        local before_failures=$failures
        check_tree "$data" || true
        verify_published "$data" || true
        now="$(latest "$channel/$device")"
        read -r version detail files <<< "$now"
        if [[ "$version" == "$prev_version" ]] && ! mentions "$marker"; then
            state=old && old=$((old + 1))
        elif [[ "$version" == $((prev_version + 1)) && "$detail," == *"$marker"* && "$files" == 2 ]] && has_delta "$channel/$device" "$prev_version" "$version"; then
            state=new && new=$((new + 1))
        else
            state=MIXED
            fail "point $point: the device shows '$now' after the kill; expected version $prev_version, or $((prev_version + 1)) with $marker its 2 files and its delta"
        fi
        if [[ "$offset" == "at:Committed"* || "$offset" == "at:Published"* ]] && [[ "$state" != new ]]; then
            fail "point $point: killed after the commit ('${offset#at:}'), but the next verb did not bring out the new version"
        fi
        [[ $failures -eq $before_failures ]] || bad=$((bad + 1))
        printf '  point %2d  kill at %6.2f s%s  -> %-5s state (v%s)  last logged: %s\n' "$point" "$killed_at" \
            "$([[ "$offset" == at:* ]] && echo " (on '${offset#at:}')")" "$state" "$version" "$phase"
        if [[ $failures -ne $before_failures ]]; then
            echo "  tree state kept in $work (KEEP=1 to keep it after the run); kill log $work/$kind-kill-$point.log"
            KEEP=1
        fi
    done
    local stale
    stale="$("$app" list-imports --json --data-dir "$data" 2>/dev/null | jq '[.[] | select(.state == 1)] | length' 2>/dev/null || echo 0)"
    echo "$kind: $point kill points, $old old-state outcomes, $new new-state outcomes, $bad with a failed check ($missed runs finished before their kill and were run again)"
    if [[ "$kind" == import && "$stale" != 0 ]]; then
        # A killed run's lease (SystemImage:Import:RunLeaseSeconds, 60 s) runs out; whoever looks next fails it.
        echo "  $stale killed run(s) still within their lease; waiting 65 s for it to run out"
        sleep 65
        stale="$("$app" list-imports --json --data-dir "$data" 2>/dev/null | jq '[.[] | select(.state == 0 or .state == 1)] | length')"
        [[ "$stale" == 0 ]] || fail "list-imports still shows $stale killed run(s) as queued or running after their lease ran out"
        echo "  after the lease: no run left queued or running"
    fi
    summary+=("kill -9 during $kind ($CORPUS_MB MB rootfs, uninterrupted $total s): $point kill points, $old old state, $new new state, $bad failed")
    crash_points=$((crash_points + point)) crash_old=$((crash_old + old)) crash_new=$((crash_new + new)) crash_bad=$((crash_bad + bad))
}

crash_points=0 crash_old=0 crash_new=0 crash_bad=0

# --- 2. concurrency -----------------------------------------------------------------------------------------------

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_server DATA: serve DATA on a free port of 127.0.0.1; sets base and server_pid.
start_server() {
    local port
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    "$app" serve --urls "$base" --data-dir "$1" > "$work/server-$(basename "$1").log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 120); do
        curl -fsS "$base/channels.json" > /dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped: $(tail -5 "$work/server-$(basename "$1").log")" >&2; return 1; }
        sleep 0.5
    done
    echo "the server did not answer on $base in 60 s" >&2
    return 1
}

stop_server() {
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

concurrency_campaign() {
    local data="$work/concurrency" tree="$work/rootfs-concurrency" cdimage="$work/cdimage-concurrency" n=0 token
    echo
    echo "== $ROUNDS rounds of 4 concurrent writers =="
    cat > "$work/concurrency.ini" <<EOF
[global]
channels = stable, nightly
[channel_stable]
type = manual
fullcount = 4
[channel_nightly]
type = auto
fullcount = 4
files = ubuntu, version
file_ubuntu = cdimage-ubuntu;$cdimage;vivid;import=any
file_version = version
EOF
    "$app" import-config "$work/concurrency.ini" --data-dir "$data" > /dev/null 2> "$work/setup.log"
    for device in mako flo krillin; do "$app" create-device stable "$device" --data-dir "$data" > /dev/null; done
    "$app" create-device nightly mako --data-dir "$data" > /dev/null
    token="$("$app" tokens create bench --role publisher --data-dir "$data" | tail -1)"
    make_rootfs "$SMALL_MB" "$tree"
    # Version 1 everywhere, so every later change comes with a delta.
    for device in mako flo krillin; do
        n=$((n + 1)) && next_build "$tree" $n "$work/c-$n.tar.gz"
        "$app" publish-image stable "$device" "ubuntu=$work/c-$n.tar.gz" --data-dir "$data" > /dev/null
    done
    n=$((n + 1)) && next_build "$tree" $n "$work/c-$n.tar.gz" && add_cdimage_build "$cdimage" "20260101.$n" "$work/c-$n.tar.gz"
    "$app" import-images --channel nightly --data-dir "$data" > /dev/null
    start_server "$data"
    echo "server on $base; builds of ~$SMALL_MB MB; stable/{mako,flo,krillin} and nightly/mako at version 1"

    local accepted=0 refused=0 lost=0 round start_ns
    for ((round = 1; round <= ROUNDS; round++)); do
        local rd="$work/round-$round" b_device i w
        mkdir -p "$rd"
        local -a names=() devices=() markers=() pools=() expect=()
        # Writer 1 and 2: CLI publishes; 3: API upload (truncated every 5th round); 4: import.
        for i in 1 2 3 4; do n=$((n + 1)) && next_build "$tree" $n "$rd/$i.tar.gz"; done
        ((round % 2 == 0)) && b_device=mako || b_device=flo
        names=("cli stable/mako" "cli stable/$b_device" "api stable/krillin" "import nightly/mako")
        devices=(stable/mako "stable/$b_device" stable/krillin nightly/mako)
        expect=(ok ok ok ok)
        if ((round % 5 == 0)); then
            head -c $(($(stat -c %s "$rd/3.tar.gz") / 2)) "$rd/3.tar.gz" > "$rd/3.cut.tar.gz" && mv "$rd/3.cut.tar.gz" "$rd/3.tar.gz"
            names[2]="api stable/krillin (truncated)" && expect[2]=refused
        fi
        for i in 1 2 3; do markers+=("ubuntu=$(hash12 "$rd/$i.tar.gz"),") && pools+=("ubuntu-$(sha256sum "$rd/$i.tar.gz" | cut -d' ' -f1)"); done
        add_cdimage_build "$cdimage" "20260101.$n" "$rd/4.tar.gz"
        markers+=("ubuntu=20260101.$n,") && pools+=("")

        start_ns=$(date +%s%N)
        local pids=()
        ( "$app" publish-image stable mako "ubuntu=$rd/1.tar.gz" --data-dir "$data" > "$rd/1.out" 2>&1; echo $? > "$rd/1.rc" ) &
        pids+=($!)
        ( "$app" publish-image stable "$b_device" "ubuntu=$rd/2.tar.gz" --data-dir "$data" > "$rd/2.out" 2>&1; echo $? > "$rd/2.rc" ) &
        pids+=($!)
        ( code="$(curl -sS -o "$rd/3.out" -w '%{http_code}' -H "Authorization: Bearer $token" -F "ubuntu=@$rd/3.tar.gz" \
            "$base/api/v1/channels/stable/devices/krillin/images")"; [[ "$code" == 2?? ]] && echo 0 > "$rd/3.rc" || echo "$code" > "$rd/3.rc" ) &
        pids+=($!)
        if ((round % 2 == 0)); then
            ( code="$(curl -sS -o "$rd/4.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" "$base/api/v1/channels/nightly/import?wait=true")"
              [[ "$code" == 200 && "$(jq -r '.state + " " + .summary' "$rd/4.out")" == "succeeded Imported nightly"* ]] && echo 0 > "$rd/4.rc" || echo "$code $(jq -r .state "$rd/4.out" 2>/dev/null)" > "$rd/4.rc" ) &
            pids+=($!)
            names[3]="api import nightly/mako"
        else
            ( "$app" import-images --channel nightly --data-dir "$data" > "$rd/4.out" 2>&1 && grep -q '^Imported nightly' "$rd/4.out"; echo $? > "$rd/4.rc" ) &
            pids+=($!)
        fi
        wait "${pids[@]}"
        local took
        took=$(seconds "$start_ns" "$(date +%s%N)")

        local before_failures=$failures outcome=()
        check_tree "$data" || true
        verify_published "$data" "$base" || true
        for i in 0 1 2 3; do
            local rc_file="$rd/$((i + 1)).rc" result
            result="$(cat "$rc_file")"
            if [[ "$result" == 0 ]]; then
                accepted=$((accepted + 1))
                local found
                found="$(jq -r --arg d "${devices[i]}" --arg m "${markers[i]}" \
                    '(.devices[$d] // []) | map(select(.type == "full" and ((.version_detail // "") + ",") as $v | ($v | contains($m))))
                     | if length == 1 and .[0].files == 2 then "yes" else "no" end' "$work/verify.json")"
                if [[ "$found" != yes ]]; then
                    lost=$((lost + 1))
                    fail "round $round: ${names[i]} was accepted but ${markers[i]%,} is not in ${devices[i]}'s index with its files"
                fi
                [[ "${expect[i]}" == ok ]] || fail "round $round: ${names[i]} should have been refused but was accepted"
                outcome+=("ok")
            else
                refused=$((refused + 1))
                if mentions "${markers[i]}" || { [[ -n "${pools[i]}" ]] && compgen -G "$data/www/pool/${pools[i]}*" > /dev/null; }; then
                    fail "round $round: ${names[i]} was refused ($result) but left ${markers[i]%,} in the tree"
                fi
                [[ "${expect[i]}" == refused ]] || fail "round $round: ${names[i]} was refused ($result): $(head -c 300 "$rd/$((i + 1)).out")"
                outcome+=("refused")
            fi
        done
        printf '  round %2d  %5s s  %-4s %-4s %-7s %-4s  (B on %s)%s\n' "$round" "$took" "${outcome[@]}" "$b_device" \
            "$([[ $failures -eq $before_failures ]] || echo '  <- FAILED')"
        [[ $failures -eq $before_failures ]] || KEEP=1
    done
    kill -0 "$server_pid" 2>/dev/null || fail "the server stopped during the rounds"
    stop_server
    echo "concurrency: $ROUNDS rounds x 4 writers: $accepted accepted, $refused refused, $lost lost"
    summary+=("concurrency ($ROUNDS rounds x 4 writers, ~$SMALL_MB MB builds): $accepted accepted, $refused refused (the truncated uploads), $lost lost")
}

# --- 3. disk full -------------------------------------------------------------------------------------------------

# one_line_error OUT: the verb's stderr is one "error: ..." line with no stack trace.
one_line_error() {
    local lines
    lines="$(grep -c . "$1" || true)"
    if [[ "$lines" != 1 ]] || ! grep -q '^error: ' "$1" || grep -qE '^\s+at |Exception:|Unhandled' "$1"; then
        fail "the failed verb did not say why in one line ($lines line(s)): $(head -c 400 "$1" | tr '\n' '|')"
        return 1
    fi
}

diskfull_campaign() {
    local mnt="$work/tmpfs" data tree="$work/rootfs-diskfull" n=0 rc
    echo
    echo "== disk full (tmpfs of $FULL_MB MB) =="
    mkdir -p "$mnt"
    if ! mount -t tmpfs -o "size=${FULL_MB}m" tmpfs "$mnt" 2> "$work/mount.err"; then
        echo "cannot mount a tmpfs here ($(cat "$work/mount.err")): the disk-full part is SKIPPED"
        summary+=("disk full: SKIPPED (no tmpfs: $(cat "$work/mount.err"))")
        [[ "${CI:-}" == true ]] && failures=$((failures + 1))
        return 0
    fi
    mounted="$mnt"
    data="$mnt/data"
    cat > "$work/diskfull.ini" <<EOF
[global]
channels = stable
[channel_stable]
type = manual
fullcount = 2
EOF
    "$app" import-config "$work/diskfull.ini" --data-dir "$data" > /dev/null 2> "$work/setup.log"
    "$app" create-device stable mako --data-dir "$data" > /dev/null
    make_rootfs "$SMALL_MB" "$tree"
    n=1 && next_build "$tree" $n "$work/d-$n.tar.gz"
    "$app" publish-image stable mako "ubuntu=$work/d-$n.tar.gz" --data-dir "$data" > /dev/null
    start_server "$data"
    free_kb() { df -k --output=avail "$mnt" | tail -1 | tr -d ' '; }
    echo "version 1 published; server on $base; $(free_kb) KiB free"

    # served_state: the served tree verifies (indexes fetched over HTTP) and prints the device's newest full image.
    served_state() { verify_published "$data" "$base" || true; latest stable/mako; }

    # a. A build larger than the whole disk (random data: xz cannot shrink it).
    mkdir -p "$work/big" && head -c $(((FULL_MB + 8) * 1024 * 1024)) /dev/urandom > "$work/big/blob"
    tar -C "$work/big" -cf - blob | gzip -1 > "$work/big.tar.gz" && rm -rf "$work/big"
    local before after outcomes=() index_before
    before="$(served_state)" index_before="$(sha256sum < "$data/www/stable/mako/index.json")"
    rc=0 && "$app" publish-image stable mako "ubuntu=$work/big.tar.gz" --data-dir "$data" > /dev/null 2> "$work/big.err" || rc=$?
    if [[ $rc -eq 1 ]]; then
        one_line_error "$work/big.err" || true
        echo "  build of $(stat -c %s "$work/big.tar.gz") bytes: exit 1, \"$(head -1 "$work/big.err" | cut -c1-150)\""
    else
        fail "publishing a build larger than the disk exited $rc: $(head -c 300 "$work/big.err")"
    fi
    after="$(served_state)"
    [[ "$after" == "$before" && "$(sha256sum < "$data/www/stable/mako/index.json")" == "$index_before" ]] \
        || fail "the tree changed after the refused build: '$before' -> '$after'"
    kill -0 "$server_pid" 2>/dev/null || fail "the server stopped"
    check_tree "$data" || true
    outcomes+=("larger than the disk: $([[ $rc -eq 1 ]] && echo 'failed cleanly' || echo "exit $rc")")
    rm -f "$work/big.tar.gz"

    # b. Small builds on a disk filled up to a few free-space levels (KiB), freed after each; the next publish must work.
    local pool_kb level filler="$mnt/filler" prev_version state
    pool_kb=$(( $(stat -c %s "$(ls -S "$data"/www/pool/ubuntu-*.tar.xz | head -1)") / 1024 ))
    for level in 0 64 512 $((pool_kb / 2)) $((pool_kb - 128)) $((pool_kb + 128)) $((pool_kb + 1024)); do
        ((level < 0)) && continue
        before="$(served_state)"
        prev_version="${before%% *}"
        n=$((n + 1)) && next_build "$tree" $n "$work/d-$n.tar.gz"
        local free
        free=$(free_kb)
        if ((free > level)); then
            fallocate -l $(((free - level) * 1024)) "$filler" 2>/dev/null || head -c $(((free - level) * 1024)) /dev/zero > "$filler" 2>/dev/null || true
        fi
        rc=0 && "$app" publish-image stable mako "ubuntu=$work/d-$n.tar.gz" --data-dir "$data" > /dev/null 2> "$work/d-$n.err" || rc=$?
        local message="published"
        if [[ $rc -ne 0 ]]; then
            message="exit $rc, \"$(head -1 "$work/d-$n.err" | cut -c1-120)\""
            [[ $rc -eq 1 ]] || fail "level $level KiB: publish-image exited $rc"
            one_line_error "$work/d-$n.err" || true
        fi
        # While the disk is still full: the server still serves a tree that verifies, the old or the new state.
        after="$(served_state)"
        kill -0 "$server_pid" 2>/dev/null || fail "level $level KiB: the server stopped"
        local served_version="${after%% *}"
        [[ "$served_version" == "$prev_version" || "$served_version" == $((prev_version + 1)) ]] \
            || fail "level $level KiB: the server shows version $served_version (before: $prev_version)"
        rm -f "$filler"
        check_tree "$data" || true
        verify_published "$data" || true
        local now version detail files
        now="$(latest stable/mako)" && read -r version detail files <<< "$now"
        local marker="ubuntu=$(hash12 "$work/d-$n.tar.gz"),"
        if [[ "$version" == "$prev_version" ]] && ! mentions "$marker"; then
            state=old
        elif [[ "$version" == $((prev_version + 1)) && "$detail," == *"$marker"* && "$files" == 2 ]]; then
            state=new
        else
            state=MIXED && fail "level $level KiB: the device shows '$now' (before: version $prev_version)"
        fi
        [[ $rc -eq 0 && "$state" != new ]] && fail "level $level KiB: publish-image succeeded but the tree shows '$now'"
        # The next publish, with space again.
        n=$((n + 1)) && next_build "$tree" $n "$work/d-$n.tar.gz"
        "$app" publish-image stable mako "ubuntu=$work/d-$n.tar.gz" --data-dir "$data" > /dev/null 2> "$work/d-$n.err" \
            || fail "level $level KiB: the next publish after freeing space failed: $(cat "$work/d-$n.err")"
        verify_published "$data" "$base" || true
        mentions "ubuntu=$(hash12 "$work/d-$n.tar.gz")," || fail "level $level KiB: the next publish is not served"
        printf '  %5s KiB free: %-60s -> %s state; after freeing: check-tree clean, next publish served\n' "$level" "$message" "$state"
        outcomes+=("$level KiB free: $([[ $rc -eq 0 ]] && echo published || echo "failed cleanly"), $state state")
    done
    curl -fsS "$base/health" > /dev/null || fail "/health does not answer after the disk-full steps"
    stop_server
    umount "$mnt" && mounted=""
    summary+=("disk full ($FULL_MB MB tmpfs): $(IFS=';'; echo "${outcomes[*]}" | sed 's/;/; /g')")
}

case "$part" in
    crash) crash_campaign publish && crash_campaign import ;;
    concurrency) concurrency_campaign ;;
    diskfull) diskfull_campaign ;;
    all) crash_campaign publish && crash_campaign import && concurrency_campaign && diskfull_campaign ;;
esac

echo
echo "== summary =="
[[ "$part" == crash || "$part" == all ]] \
    && echo "kill -9: $crash_points kill points, $crash_old old-state outcomes, $crash_new new-state outcomes, $crash_bad failures"
for line in "${summary[@]}"; do echo "$line"; done
if [[ $failures -eq 0 ]]; then
    echo "reliability campaign: PASS"
else
    echo "reliability campaign: FAIL ($failures failed check(s))"
    exit 1
fi
