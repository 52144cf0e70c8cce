#!/usr/bin/env bash
# Compares our liblzma wrapper (XzBench, via SystemImage.Core.Compression) with the xz command on a
# ~110 MB tar of system files. Everything it writes goes to bench/out/ (gitignored).
#
#   LEVEL      preset for both tools            (default 6)
#   BLOCK      .xz block size in bytes          (default 33554432 = 32 MiB)
#   REPEAT     timed runs per tool; best counts (default 2)
#   CORPUS_MB  size of the tar to build         (default 110)
#
# Exits 1 when ours is slower than xz by more than 10 % compressing or 20 % decompressing,
# or when either tool's output does not round-trip.
set -euo pipefail

LEVEL="${LEVEL:-6}"
BLOCK="${BLOCK:-33554432}"
REPEAT="${REPEAT:-2}"
CORPUS_MB="${CORPUS_MB:-110}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/out"
mkdir -p "$out"
command -v xz >/dev/null || { echo "xz not found (Debian: apt-get install -y xz-utils)" >&2; exit 1; }

# 1. Corpus: a deterministic spread of regular files from /usr/lib and /usr/share (≤ 4 MiB each),
#    taken at an even stride through the sorted path list so it mixes binaries, text and data.
corpus="$out/corpus.tar"
list="$out/corpus.list"
target=$((CORPUS_MB * 1024 * 1024))
if [[ ! -f "$corpus" ]] || (( $(stat -c %s "$corpus") < target )); then
    echo "Building $corpus (~$CORPUS_MB MB)..."
    find /usr/lib /usr/share -xdev -type f -readable -size -4M -printf '%s\t%p\n' 2>/dev/null \
        | LC_ALL=C sort -t $'\t' -k2 > "$out/candidates.tsv"
    awk -F'\t' -v target="$target" '
        { size[NR] = $1; path[NR] = $2; total += $1 }
        END {
            stride = int(total / target); if (stride < 1) stride = 1
            for (start = 1; start <= stride && taken < target; start++)
                for (i = start; i <= NR && taken < target; i += stride)
                    if (!(i in used)) { used[i] = 1; taken += size[i]; print path[i] }
        }' "$out/candidates.tsv" | LC_ALL=C sort > "$list"
    tar --create --file "$corpus" --no-recursion --owner=0 --group=0 --numeric-owner \
        --mtime='2024-01-01 00:00:00Z' --verbatim-files-from --files-from "$list" 2>/dev/null || true
fi
corpus_bytes=$(stat -c %s "$corpus")
echo "Corpus: $corpus, $corpus_bytes bytes, $(wc -l < "$list") files"

# 2. Our side: a Release build of the console driver.
echo "Building XzBench (Release)..."
dotnet build "$root/bench/xz/XzBench/XzBench.csproj" -c Release -o "$out/XzBench" --nologo -v quiet >/dev/null
bench="$out/XzBench/XzBench"

now_ns() { date +%s%N; }

# Runs "$@" REPEAT times and prints the best wall-clock time in seconds.
best_of() {
    local best="" start end
    for ((run = 1; run <= REPEAT; run++)); do
        start=$(now_ns); "$@"; end=$(now_ns)
        local seconds
        seconds=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
        if [[ -z "$best" ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$seconds"; fi
    done
    echo "$best"
}

xz_compress() { xz -T0 "-$LEVEL" --block-size="$BLOCK" -c -- "$corpus" > "$out/corpus.xz-made.tar.xz"; }
our_compress() { "$bench" compress "$corpus" "$out/corpus.ours-made.tar.xz" "$LEVEL" "$BLOCK" 0 > /dev/null; }
xz_decompress() { xz -d -T0 -c -- "$out/corpus.xz-made.tar.xz" > "$out/corpus.xz-decoded.tar"; }
our_decompress() { "$bench" decompress "$out/corpus.xz-made.tar.xz" "$out/corpus.ours-decoded.tar" > /dev/null; }

echo "Compressing: level $LEVEL, block size $BLOCK, threads $(nproc), best of $REPEAT..."
xz_c=$(best_of xz_compress)
our_c=$(best_of our_compress)
echo "Decompressing: best of $REPEAT..."
xz_d=$(best_of xz_decompress)
our_d=$(best_of our_decompress)

# 3. Correctness: both decoders restore the corpus, and xz restores our file.
status=0
cmp -s "$corpus" "$out/corpus.xz-decoded.tar" || { echo "FAIL: xz -d did not restore the corpus" >&2; status=1; }
cmp -s "$corpus" "$out/corpus.ours-decoded.tar" || { echo "FAIL: our decoder did not restore the corpus" >&2; status=1; }
xz -d -T0 -c -- "$out/corpus.ours-made.tar.xz" | cmp -s - "$corpus" || { echo "FAIL: xz -d did not restore our .xz file" >&2; status=1; }
identical=no
cmp -s "$out/corpus.xz-made.tar.xz" "$out/corpus.ours-made.tar.xz" && identical=yes

xz_size=$(stat -c %s "$out/corpus.xz-made.tar.xz")
our_size=$(stat -c %s "$out/corpus.ours-made.tar.xz")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
c_ratio=$(ratio "$our_c" "$xz_c")
d_ratio=$(ratio "$our_d" "$xz_d")

printf '\n%-14s %12s %12s %12s\n' "" "xz" "ours" "ours/xz"
printf '%-14s %11ss %11ss %12s\n' "compress" "$xz_c" "$our_c" "$c_ratio"
printf '%-14s %11ss %11ss %12s\n' "decompress" "$xz_d" "$our_d" "$d_ratio"
printf '%-14s %12s %12s %12s\n' "size (bytes)" "$xz_size" "$our_size" "$(ratio "$our_size" "$xz_size")"
printf 'input %s bytes; compressed/input %s; byte-identical .xz: %s\n' "$corpus_bytes" "$(ratio "$xz_size" "$corpus_bytes")" "$identical"

if awk -v r="$c_ratio" 'BEGIN { exit !(r > 1.1) }'; then echo "FAIL: compression is more than 10 % slower than xz" >&2; status=1; fi
if awk -v r="$d_ratio" 'BEGIN { exit !(r > 1.2) }'; then echo "FAIL: decompression is more than 20 % slower than xz" >&2; status=1; fi
exit "$status"
