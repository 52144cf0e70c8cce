#!/usr/bin/python3
"""Writes a classic system-image installation of the classic fixture's shape, at a given size, signed with the
fixture's own keys, for the adopt-tree benchmark.

usage: generate.py FIXTURE OUT CHANNELS DEVICES IMAGES POOL_BYTES

Every channel has IMAGES builds; each build is a full image (a rootfs pool file shared by the channel's devices and a
version tarball per device) and, from the second build on, a delta from the previous build (a pool delta shared by the
devices). Files carry sidecars and detached signatures as the classic server writes them. Files of equal content are
hard links to a handful of signed originals (a signature covers bytes, not names), so the tree is large to read but
quick to make. Indexes and channels.json are signed one by one with the fixture's image-signing key (GnuPG).
"""
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

DEVICE_NAMES = ["mako", "flo", "krillin", "arale", "turbo", "frieza", "cooler", "hammerhead"]
VARIANTS = 4


def sign(home, path):
    subprocess.run(["gpg", "--homedir", home, "--batch", "--yes", "--armor", "--detach-sign", "-o", path + ".asc", path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path, value):
    with open(path, "w") as out:
        json.dump(value, out, indent=4, sort_keys=True)
        out.write("\n")


def link_signed(original, path):
    for suffix in ("", ".asc"):
        os.link(original + suffix, path + suffix)


def main():
    fixture, out, channels, devices, images, pool_bytes = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    random.seed(20261206)
    shutil.rmtree(out, ignore_errors=True)
    www = os.path.join(out, "www")
    os.makedirs(os.path.join(www, "pool"))
    shutil.copytree(os.path.join(fixture, "secret"), os.path.join(out, "secret"))
    shutil.copytree(os.path.join(fixture, "www", "gpg"), os.path.join(www, "gpg"))
    names = ["ch%02d" % c for c in range(channels)]
    os.makedirs(os.path.join(out, "etc"))
    with open(os.path.join(out, "etc", "config"), "w") as config:
        config.write("[global]\nbase_path = %s\nchannels = %s\ngpg_key_path = secret/gpg/keys/\n"
                     "gpg_keyring_path = secret/gpg/keyrings/\npublish_path = www/\nstate_path = state/\n"
                     % (out, ", ".join(names)))

    home = tempfile.mkdtemp(prefix="si-bench-gpg-")
    shutil.copytree(os.path.join(fixture, "secret", "gpg", "keys", "image-signing"), home, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("S.*", "*.lock"))
    originals = os.path.join(out, "originals")
    os.makedirs(originals)
    made = {}
    for kind, size in (("full", pool_bytes), ("delta", max(pool_bytes // 4, 1)), ("version", 408)):
        for v in range(VARIANTS):
            path = os.path.join(originals, "%s-%d.tar.xz" % (kind, v))
            with open(path, "wb") as data:
                data.write(random.randbytes(size))
            sign(home, path)
            made[(kind, v)] = (path, sha256(path), size)
    sidecar = os.path.join(originals, "sidecar.json")
    write_json(sidecar, {"generator": "cdimage-ubuntu", "version_detail": "ubuntu=bench"})
    sign(home, sidecar)

    def place(kind, variant, tree_path):
        original, checksum, size = made[(kind, variant)]
        link_signed(original, os.path.join(www, tree_path.lstrip("/")))
        side = tree_path[:-len(".tar.xz")] + ".json"
        link_signed(sidecar, os.path.join(www, side.lstrip("/")))
        return {"checksum": checksum, "path": tree_path, "signature": tree_path + ".asc", "size": size}

    channels_json = {}
    for c, channel in enumerate(names):
        hashes = [hashlib.sha256(("%s-%d" % (channel, n)).encode()).hexdigest() for n in range(images + 1)]
        fulls, deltas = {}, {}
        for n in range(1, images + 1):
            fulls[n] = place("full", n % VARIANTS, "/pool/ubuntu-%s.tar.xz" % hashes[n])
            if n > 1:
                deltas[n] = place("delta", n % VARIANTS, "/pool/ubuntu-%s.delta-ubuntu-%s.tar.xz" % (hashes[n], hashes[n - 1]))
        channels_json[channel] = {"devices": {}}
        for device in DEVICE_NAMES[:devices]:
            os.makedirs(os.path.join(www, channel, device))
            entries = []
            for n in range(1, images + 1):
                detail = "ubuntu=2024%04d,version=%d" % (n, n)
                version = dict(place("version", n % VARIANTS, "/%s/%s/version-%d.tar.xz" % (channel, device, n)), order=1)
                entries.append({"type": "full", "version": n, "description": detail, "version_detail": detail,
                                "files": [dict(fulls[n], order=0), version]})
                if n > 1:
                    entries.append({"type": "delta", "version": n, "base": n - 1, "description": detail,
                                    "version_detail": detail, "files": [dict(deltas[n], order=0), version]})
            index = os.path.join(www, channel, device, "index.json")
            write_json(index, {"global": {"generated_at": "Sat Dec 05 16:26:13 UTC 2026"}, "images": entries})
            sign(home, index)
            channels_json[channel]["devices"][device] = {"index": "/%s/%s/index.json" % (channel, device)}
    write_json(os.path.join(www, "channels.json"), channels_json)
    sign(home, os.path.join(www, "channels.json"))
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], check=False)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
