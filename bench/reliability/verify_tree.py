#!/usr/bin/env python3
"""Checks a published tree the way a device would, independently of the server's own code.

    verify_tree.py ROOT WORK [--base URL]

Reads the keyrings out of ROOT/gpg/*.tar.xz, checks their chain (archive-master -> image-master ->
image-signing, blacklist), then channels.json and every device's index.json with their .asc, and every file
an index lists: it must exist with the listed size and SHA-256, and its .asc must verify with gpgv against the
image-signing keyring (or the device's keyring when channels.json gives one). With --base, channels.json, the
indexes and their signatures are fetched over HTTP from a running server instead of read from ROOT (the files
they list are still read from ROOT).

Pool files never change once published, so a pool file already checked with the same size and modification
time (of it and of its .asc) is not hashed again: WORK/verified.json remembers them between runs.

Prints one JSON object: {"errors": [...], "devices": {"channel/device": [images...]}, "checked": N}; exits 1
when there is any error.
"""
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import urllib.request


def main():
    args = sys.argv[1:]
    base = None
    if "--base" in args:
        i = args.index("--base")
        base = args[i + 1].rstrip("/")
        del args[i:i + 2]
    root, work = args
    os.makedirs(work, exist_ok=True)
    gnupg = os.path.join(work, "gnupg")
    os.makedirs(gnupg, mode=0o700, exist_ok=True)
    checker = Checker(root, work, gnupg, base)
    checker.run()
    print(json.dumps({"errors": checker.errors, "devices": checker.devices, "checked": checker.checked}, indent=1))
    return 1 if checker.errors else 0


class Checker:
    def __init__(self, root, work, gnupg, base):
        self.root, self.work, self.gnupg, self.base = root, work, gnupg, base
        self.errors, self.devices, self.checked = [], {}, 0
        self.cache_path = os.path.join(work, "verified.json")
        try:
            with open(self.cache_path) as f:
                self.cache = json.load(f)
        except (OSError, ValueError):
            self.cache = {}

    def run(self):
        keyrings = {}
        for name in ("archive-master", "image-master", "image-signing", "blacklist"):
            keyrings[name] = self.keyring(f"/gpg/{name}.tar.xz", name)
        for name, signer in (("archive-master", "archive-master"), ("image-master", "archive-master"),
                             ("image-signing", "image-master"), ("blacklist", "image-master")):
            if keyrings[name] and keyrings[signer]:
                self.verify_local(f"/gpg/{name}.tar.xz", keyrings[signer])
        signing = keyrings["image-signing"]
        if not signing:
            return
        channels = self.fetch_json("/channels.json", [signing])
        if channels is None:
            return
        jobs = {}
        for channel, entry in sorted(channels.items()):
            for device, dev in sorted(entry.get("devices", {}).items()):
                index_path = dev.get("index")
                if not index_path:
                    self.errors.append(f"channels.json: {channel}/{device} has no index")
                    continue
                keys = [signing]
                if dev.get("keyring"):
                    device_keys = self.keyring(dev["keyring"]["path"], f"device-{channel}-{device}".replace("/", "_"))
                    keys = [k for k in (signing, device_keys) if k]
                index = self.fetch_json(index_path, keys)
                if index is None:
                    continue
                images = []
                for image in index.get("images", []):
                    summary = {k: image.get(k) for k in ("type", "version", "base", "version_detail")}
                    images.append(summary | {"files": len(image.get("files", []))})
                    for f in image.get("files", []):
                        jobs[f["path"]] = (f, keys)
                self.devices[f"{channel}/{device}"] = images
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for error in pool.map(lambda job: self.check_file(*job), jobs.values()):
                if error:
                    self.errors.append(error)
        self.checked += len(jobs)
        with open(self.cache_path + ".tmp", "w") as f:
            json.dump(self.cache, f)
        os.replace(self.cache_path + ".tmp", self.cache_path)

    def local(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def keyring(self, path, name):
        """Extracts keyring.gpg from a keyring tarball of the tree; None (and an error) when it cannot."""
        try:
            with tarfile.open(self.local(path), "r:xz") as tar:
                data = tar.extractfile("keyring.gpg").read()
        except (OSError, KeyError, tarfile.TarError) as e:
            self.errors.append(f"{path}: cannot read its keyring.gpg: {e}")
            return None
        out = os.path.join(self.work, f"{name}.gpg")
        with open(out, "wb") as f:
            f.write(data)
        return out

    def gpgv(self, keyrings, signature, data):
        """True when the detached signature (a path) verifies data (a path) with one of the keyrings."""
        for keyring in keyrings:
            result = subprocess.run(["gpgv", "--homedir", self.gnupg, "--keyring", keyring, signature, data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if result.returncode == 0:
                return True
        return False

    def verify_local(self, path, keyring):
        self.checked += 1
        if not os.path.exists(self.local(path + ".asc")):
            self.errors.append(f"{path}.asc is missing")
        elif not self.gpgv([keyring], self.local(path + ".asc"), self.local(path)):
            self.errors.append(f"{path}.asc does not verify with gpgv")

    def fetch_json(self, path, keyrings):
        """Reads a signed JSON file (from the tree, or over HTTP with --base), checks its .asc and parses it."""
        self.checked += 1
        try:
            if self.base:
                data = self.http(path)
                signature = self.http(path + ".asc")
            else:
                with open(self.local(path), "rb") as f:
                    data = f.read()
                with open(self.local(path + ".asc"), "rb") as f:
                    signature = f.read()
        except OSError as e:
            self.errors.append(f"{path}: cannot read it or its .asc: {e}")
            return None
        name = path.strip("/").replace("/", "_")
        data_file, sig_file = os.path.join(self.work, name), os.path.join(self.work, name + ".asc")
        with open(data_file, "wb") as f:
            f.write(data)
        with open(sig_file, "wb") as f:
            f.write(signature)
        if not self.gpgv(keyrings, sig_file, data_file):
            self.errors.append(f"{path}.asc does not verify with gpgv" + (" (as served)" if self.base else ""))
            return None
        try:
            return json.loads(data)
        except ValueError as e:
            self.errors.append(f"{path}: not JSON: {e}")
            return None

    def http(self, path):
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return response.read()

    def check_file(self, entry, keyrings):
        path, signature = entry["path"], entry["signature"]
        local, local_sig = self.local(path), self.local(signature)
        try:
            stat, sig_stat = os.stat(local), os.stat(local_sig)
        except OSError as e:
            return f"{path}: listed but missing ({e.strerror}: {e.filename})"
        if stat.st_size != entry["size"]:
            return f"{path}: size {stat.st_size}, the index says {entry['size']}"
        key = [stat.st_size, stat.st_mtime_ns, sig_stat.st_size, sig_stat.st_mtime_ns, entry["checksum"]]
        if path.startswith("/pool/") and self.cache.get(path) == key:
            return None
        digest = hashlib.sha256()
        with open(local, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != entry["checksum"]:
            return f"{path}: sha256 {digest.hexdigest()}, the index says {entry['checksum']}"
        if not self.gpgv(keyrings, local_sig, local):
            return f"{signature} does not verify {path} with gpgv"
        if path.startswith("/pool/"):
            self.cache[path] = key
        return None


if __name__ == "__main__":
    sys.exit(main())
