#!/usr/bin/env bash
# adopt-tree benchmark: a classic installation of the fixture's shape (../shared/fixtures/classic-tree), CHANNELS x
# DEVICES x IMAGES (default 50 x 4 x 15: 3,000 images, a delta from each build's predecessor), signed with the fixture's
# keys, adopted by our server (Release build) into an empty data directory. Baseline in the same run: what reading and
# copying the same files costs at least, `sha256sum` of every file (a process per core) plus `cp -r` of the tree.
# Prints the figures and the ratio adoption / baseline, then checks the adopted tree with `check-tree --verify`.
#   CHANNELS DEVICES IMAGES   the tree's shape        POOL_MB   size of a rootfs pool file (default 4; deltas a quarter)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/bench/lib.sh"
out="$root/bench/out/adopt-tree"
CHANNELS="${CHANNELS:-50}"
DEVICES="${DEVICES:-4}"
IMAGES="${IMAGES:-15}"
POOL_MB="${POOL_MB:-4}"
fixture="${SYSTEMIMAGE_CLASSIC_TREE:-$root/../shared/fixtures/classic-tree}"

rm -rf "$out" && mkdir -p "$out"
publish_server "$out/app"
app="$out/app/systemimage"

start=$(date +%s%N)
python3 "$root/bench/adopt-tree/generate.py" "$fixture" "$out/classic" "$CHANNELS" "$DEVICES" "$IMAGES" $((POOL_MB * 1024 * 1024))
generated=$(date +%s%N)
files=$(find "$out/classic/www" -type f | wc -l)
bytes=$(find "$out/classic/www" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
echo "classic tree: $CHANNELS channels x $DEVICES devices x $IMAGES images, $files files, $((bytes / 1024 / 1024)) MiB (made in $(seconds "$start" "$generated") s)"

# Warm the page cache the same way for both sides.
find "$out/classic/www" -type f -print0 | xargs -0 cat >/dev/null

base_start=$(date +%s%N)
find "$out/classic/www" -type f -print0 | xargs -0 -P "$(nproc)" -n 256 sha256sum >/dev/null
cp -r "$out/classic/www" "$out/copy"
base_end=$(date +%s%N)
echo "baseline (sha256sum of every file, a process per core, then cp -r): $(seconds "$base_start" "$base_end") s"

"$app" list-channels --data-dir "$out/data" >/dev/null 2>&1 # the first start generates development keys: not part of the adoption
adopt_start=$(date +%s%N)
"$app" adopt-tree "$out/classic" --data-dir "$out/data" >"$out/adopt.log" 2>"$out/adopt.err"
adopt_end=$(date +%s%N)
tail -n 1 "$out/adopt.log"
echo "adopt-tree: $(seconds "$adopt_start" "$adopt_end") s"
awk -v a="$((adopt_end - adopt_start))" -v b="$((base_end - base_start))" 'BEGIN { printf "ratio adopt-tree / baseline: %.2f\n", a / b }'

"$app" check-tree --verify --data-dir "$out/data"
