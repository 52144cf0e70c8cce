#!/usr/bin/env bash
# Importer benchmark (issue "Automatic channels", speed), through the real `systemimage import-images` over a cdimage
# tree made here:
#   A. An import pass over CHANNELS automatic channels x DEVICES devices with nothing new (target: under 5 s; no
#      recompression, no re-signing). The first, publishing pass is timed too, for information.
#   B. One new ~ROOTFS_MB MB rootfs imported for 10 devices of a channel against the same for 1 device, each in a
#      fresh data directory (target: within 1.3x; content addressing compresses it once).
#
#   CHANNELS (50)  DEVICES (10)  SMALL_MB (4, the rootfs of part A)  ROOTFS_MB (105, part B)  OUT (bench/out/importer)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/bench/lib.sh"
out="${OUT:-$root/bench/out/importer}"
CHANNELS="${CHANNELS:-50}"
DEVICES="${DEVICES:-10}"
SMALL_MB="${SMALL_MB:-4}"
ROOTFS_MB="${ROOTFS_MB:-105}"
mkdir -p "$out"
for tool in xz gzip tar sha256sum; do
    command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install -y xz-utils gzip tar coreutils)" >&2; exit 1; }
done

# cdimage_tree DIR MB: DIR/20260101/ with SHA256SUMS and vivid rootfs (MB of system files) and device tarballs for armhf.
cdimage_tree() {
    local build="$1/20260101"
    [[ -f "$build/SHA256SUMS" ]] && return
    mkdir -p "$build"
    corpus_files $(($2 * 1024 * 1024)) > "$1.list"
    rootfs_tar "$1.list" "$1.tar"
    gzip -6 -c "$1.tar" > "$build/vivid-preinstalled-touch-armhf.tar.gz"
    tar --create --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' -C "$root" README.md | gzip -6 -c \
        > "$build/vivid-preinstalled-touch-armhf.device.tar.gz"
    (cd "$build" && sha256sum vivid-preinstalled-touch-armhf.tar.gz vivid-preinstalled-touch-armhf.device.tar.gz > SHA256SUMS)
    rm -f "$1.tar"
}

# configure DATA TREE PREFIX COUNT DEVICES: COUNT automatic channels PREFIX00.. importing TREE, DEVICES devices each.
configure() {
    local data="$1" tree="$2" prefix="$3" count="$4" devices="$5" ini="$1.ini" names=() i d
    for ((i = 0; i < count; i++)); do names+=("$(printf '%s%02d' "$prefix" "$i")"); done
    { echo "[global]"; echo "channels = $(IFS=,; echo "${names[*]}")"
      for name in "${names[@]}"; do
          printf '[channel_%s]\ntype = auto\nfiles = ubuntu, device, version\n' "$name"
          printf 'file_ubuntu = cdimage-ubuntu;%s;vivid\nfile_device = cdimage-device;%s;vivid\nfile_version = version\n' "$tree" "$tree"
      done; } > "$ini"
    si "$data" import-config "$ini" >/dev/null
    for ((d = 0; d < devices; d++)); do si "$data" create-device "${names[0]}" "$(printf 'dev%02d' "$d")" >/dev/null; done
    for name in "${names[@]:1}"; do si "$data" copy-devices "${names[0]}" "$name" >/dev/null; done
}

si() { local data="$1"; shift; "$out/app/systemimage" "$@" --data-dir "$data"; }

echo "Building the server and two cdimage trees (${SMALL_MB} MB and ${ROOTFS_MB} MB rootfs)..."
publish_server "$out/app"
cdimage_tree "$out/cdimage-small" "$SMALL_MB"
cdimage_tree "$out/cdimage-big" "$ROOTFS_MB"

# A. Nothing new over CHANNELS x DEVICES.
rm -rf "$out/data-a"
configure "$out/data-a" "$out/cdimage-small" chan "$CHANNELS" "$DEVICES"
start=$(date +%s%N); si "$out/data-a" import-images > "$out/a-first.log"; end=$(date +%s%N)
first=$(seconds "$start" "$end")
published=$(grep -c "published version 1" "$out/a-first.log" || true)
tree_before=$(cd "$out/data-a/www" && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
start=$(date +%s%N); si "$out/data-a" import-images > "$out/a-second.log"; end=$(date +%s%N)
again=$(seconds "$start" "$end")
tree_after=$(cd "$out/data-a/www" && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
start=$(date +%s%N); si "$out/data-a" list-channels > /dev/null; end=$(date +%s%N)
startup=$(seconds "$start" "$end")
unchanged=$([[ "$tree_before" == "$tree_after" ]] && echo "tree unchanged" || echo "TREE CHANGED")

# B. One new big rootfs for 10 devices vs 1 device.
rm -rf "$out/data-one" "$out/data-ten"
configure "$out/data-one" "$out/cdimage-big" one 1 1
configure "$out/data-ten" "$out/cdimage-big" ten 1 10
start=$(date +%s%N); si "$out/data-one" import-images > "$out/b-one.log"; end=$(date +%s%N)
one=$(seconds "$start" "$end")
start=$(date +%s%N); si "$out/data-ten" import-images > "$out/b-ten.log"; end=$(date +%s%N)
ten=$(seconds "$start" "$end")
pool_files=$(ls "$out/data-ten/www/pool/"ubuntu-*.tar.xz | wc -l)

ratio=$(awk -v a="$ten" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
echo "A. $CHANNELS channels x $DEVICES devices, first pass (publishes $published images):  ${first} s"
echo "   nothing-new pass:                                            ${again} s (target < 5 s; process start alone ${startup} s), $unchanged"
echo "B. one new ${ROOTFS_MB} MB rootfs: 1 device ${one} s, 10 devices ${ten} s -> ${ratio}x (target <= 1.3), ubuntu pool files: $pool_files"
ok=$(awk -v a="$again" -v r="$ratio" -v p="$pool_files" -v u="$unchanged" 'BEGIN { print (a < 5 && r <= 1.3 && p == 1 && u == "tree unchanged") ? "PASS" : "FAIL" }')
echo "importer benchmark: $ok"
[[ "$ok" == PASS ]]
