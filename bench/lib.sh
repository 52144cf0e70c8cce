# Shared helpers of the benchmark scripts; source it: . "$root/bench/lib.sh"

# corpus_files TARGET_BYTES: prints a deterministic spread of readable regular files from /usr/lib and /usr/share
# (each under 4 MiB), taken at an even stride through the sorted path list until TARGET_BYTES are reached, so the
# corpus mixes binaries, text and data the way a root file system does.
corpus_files() {
    find /usr/lib /usr/share -xdev -type f -readable -size -4M -printf '%s\t%p\n' 2>/dev/null | LC_ALL=C sort -t $'\t' -k2 \
        | awk -F'\t' -v target="$1" '
            { size[NR] = $1; path[NR] = $2; total += $1 }
            END { stride = int(total / target); if (stride < 1) stride = 1
                  for (i = 1; i <= NR && taken < target; i += stride) { taken += size[i]; print path[i] } }'
}

# rootfs_tar LIST OUT_TAR: a reproducible tar of the files in LIST (owner root, fixed mtime, sorted), as a build
# system would make a rootfs tarball.
rootfs_tar() {
    local tree
    tree="$(mktemp -d)"
    tar --create --no-recursion --verbatim-files-from --files-from "$1" 2>/dev/null | tar -x -C "$tree"
    (cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | tar --create --no-recursion --owner=0 --group=0 --numeric-owner \
        --mtime='2026-01-01 00:00:00Z' --verbatim-files-from --files-from - -f "$2")
    rm -rf "$tree"
}

# seconds START_NS END_NS: the time between two `date +%s%N` readings, in seconds with one decimal.
seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

# publish_server OUT_DIR: a Release, ReadyToRun build of the server executable in OUT_DIR.
publish_server() {
    dotnet publish -c Release --use-current-runtime --self-contained false -v q --nologo -o "$1" "$root/src/Server/Server.csproj" >/dev/null
}
