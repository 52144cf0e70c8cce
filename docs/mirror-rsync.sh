#!/usr/bin/env bash
# Copies the published tree to a mirror with rsync, in the order devices need: pool files first, then keyrings,
# then the rest of each device directory, then every index.json, channels.json last, and only then removes what
# the tree no longer has. A device reading the mirror at any moment never meets a file that names one it lacks.
#
# As the server's mirror-sync command (SystemImage:Import:MirrorSyncCommand=/path/to/mirror-rsync.sh,
# MirrorSyncArguments:0=mirror.example.org:/srv/www/) it copies only the paths the server says changed
# ($SYSTEMIMAGE_CHANGED, in that order already). By hand, give the publish root too; it compares the whole tree:
#   docs/mirror-rsync.sh mirror.example.org:/srv/www/ data/www
# Any rsync destination works (host:/path/, rsync://host/module/, a local directory). Extra rsync options (an
# ssh key, a bandwidth limit) go in $MIRROR_RSYNC_OPTIONS.
set -euo pipefail

destination=${1:?usage: mirror-rsync.sh DESTINATION [PUBLISH_ROOT]}
root=${2:-${SYSTEMIMAGE_PUBLISH_ROOT:?usage: mirror-rsync.sh DESTINATION PUBLISH_ROOT (the server sets SYSTEMIMAGE_PUBLISH_ROOT)}}
root=${root%/}/
destination=${destination%/}/
# -rlt: files, links and times (no owners: the mirror's own user owns them); readable by the web server there.
read -r -a extra <<<"${MIRROR_RSYNC_OPTIONS:-}"
options=(-rlt --chmod=D755,F644 --exclude='.*' "${extra[@]}")
# rsync skips a file whose size and modification second match the mirror's copy. Pool files are named by their
# content, so that is safe for them; everything else (a signature rewritten within the same second keeps its size)
# is compared by content, which costs little: all of it but the pool is small.
by_content=(--checksum)

# rsync exits 24 when a file vanished while it copied: the tree changed meanwhile (a publish removed it), and the
# next run copies the change. Anything else stops the script.
send() {
  local status=0
  rsync "${options[@]}" "$@" || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 24 ] || exit "$status"
}

if [ -n "${SYSTEMIMAGE_CHANGED:-}" ] && [ -z "${2:-}" ]; then
  # The server's list is ordered; rsync sorts each list it is given, so each stage gets its own run.
  stage() { grep -E "$1" "$SYSTEMIMAGE_CHANGED" | { grep -vE "${2:-^$}" || true; } || true; }
  copy() { local files; files=$(cat); [ -z "$files" ] || send "$@" --ignore-missing-args --files-from=- "$root" "$destination" <<<"$files"; }
  stage '^pool/' | copy
  stage '^gpg/' | copy "${by_content[@]}"
  stage '.' '^(pool|gpg)/|(^|/)index\.json(\.asc)?$|^channels\.json(\.asc)?$' | copy "${by_content[@]}"
  stage '(^|/)index\.json(\.asc)?$' | copy "${by_content[@]}"
  stage '^channels\.json(\.asc)?$' | copy "${by_content[@]}"
  # Removals last, and only when the server saw some: deletes what the tree no longer has, copies nothing.
  if [ -s "${SYSTEMIMAGE_REMOVED:-/dev/null}" ]; then
    send --existing --ignore-existing --delete "$root" "$destination"
  fi
  exit 0
fi

send --include='/pool/***' --exclude='*' "$root" "$destination"
send "${by_content[@]}" --include='/gpg/***' --exclude='*' "$root" "$destination"
send "${by_content[@]}" --exclude='/pool/' --exclude='/gpg/' --exclude='index.json' --exclude='index.json.asc' --exclude='/channels.json' --exclude='/channels.json.asc' "$root" "$destination"
send "${by_content[@]}" --exclude='/pool/' --exclude='/channels.json' --exclude='/channels.json.asc' "$root" "$destination"
send "${by_content[@]}" --exclude='/pool/' "$root" "$destination"
send --existing --ignore-existing --delete "$root" "$destination"
