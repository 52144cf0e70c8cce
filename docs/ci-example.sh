#!/usr/bin/env bash
# A CI job publishing a build through the System Image Server REST API with curl:
# upload the build to a channel, promote it to another, phase it, and run an import job and poll it.
#
#   SI_URL     the server, e.g. https://system-image.example.com (no trailing slash)
#   SI_TOKEN   a publisher token: systemimage tokens create ci --role publisher
#   CHANNEL    the channel builds land in (may contain '/')        DEVICE   the device
#   PROMOTE_TO the channel to promote into                         ROOTFS   the build (.tar.zst, .tar.gz, .tar.xz, .tar.bz2, .tar)
#   PERCENT    phased percentage of the promoted image (default 10)
#   IMPORT_CHANNEL  optional: an automatic channel to import now and wait for
set -euo pipefail

: "${SI_URL:?}" "${SI_TOKEN:?}" "${CHANNEL:?}" "${DEVICE:?}" "${PROMOTE_TO:?}" "${ROOTFS:?}"
PERCENT="${PERCENT:-10}"

# Channel names go into paths percent-encoded: ubuntu-touch/devel -> ubuntu-touch%2Fdevel.
enc() { jq -rn --arg v "$1" '$v|@uri'; }
api() { curl --fail-with-body -sS -H "Authorization: Bearer $SI_TOKEN" "$@"; }

echo "1. Upload $ROOTFS to $CHANNEL/$DEVICE"
image=$(api -F "ubuntu=@$ROOTFS" -F "description=CI build ${CI_PIPELINE_ID:-local}" \
    "$SI_URL/api/v1/channels/$(enc "$CHANNEL")/devices/$(enc "$DEVICE")/images")
# 201: the new image; 200 when this build was published already: {message, image}.
echo "   version $(jq -r '(.image // .).version' <<<"$image"): $(jq -r '.message // (.versionDetail)' <<<"$image")"

echo "2. Promote $CHANNEL to $PROMOTE_TO"
promoted=$(api -H 'Content-Type: application/json' -d "$(jq -n --arg from "$CHANNEL" '{fromChannel: $from}')" \
    "$SI_URL/api/v1/channels/$(enc "$PROMOTE_TO")/promote")
echo "   $(jq -r .message <<<"$promoted")"

echo "3. Phase the new version of $PROMOTE_TO/$DEVICE to $PERCENT %"
latest=$(api "$SI_URL/api/v1/channels/$(enc "$PROMOTE_TO")/devices/$(enc "$DEVICE")/images?type=full" | jq -r '.[0].version')
api -X PUT -H 'Content-Type: application/json' -d "{\"percentage\": $PERCENT}" \
    "$SI_URL/api/v1/channels/$(enc "$PROMOTE_TO")/devices/$(enc "$DEVICE")/images/$latest/phased-percentage" | jq -r '"   version \(.version) phased at \(.phasedPercentage) %"'

if [[ -n "${IMPORT_CHANNEL:-}" ]]; then
    echo "4. Import $IMPORT_CHANNEL now and wait for the job"
    job=$(api -X POST "$SI_URL/api/v1/channels/$(enc "$IMPORT_CHANNEL")/import" | jq -r .jobId)
    for _ in $(seq 1 300); do
        state=$(api "$SI_URL/api/v1/jobs/$job" | jq -r .state)
        [[ "$state" == queued || "$state" == running ]] || break
        sleep 2
    done
    api "$SI_URL/api/v1/jobs/$job" | jq -r '"   job \(.id): \(.state): \(.summary)"'
    [[ "$state" == succeeded || "$state" == nothing-new ]]
fi
echo "Done."
