#!/usr/bin/env python3
"""Hostile-input probe of a running System Image Server (python3 standard library only).

    probe.py --base URL --data DIR --app "CMD" --pid PID --token ADMIN_TOKEN --out DIR
             [--password NAME=PASSWORD ...] [--groups names,archives,requests,auth]

Sends hostile names, archives, requests and credentials to the server started by run.sh (beside this script) and
records every case: its group, its name, what was sent, what was expected, the status that came back and the
findings, if any. A case is a finding when the server answers 5xx or not at all, accepts what it should refuse, refuses
an API call without a problem `detail`, dies, or leaves a file behind after a refusal (the publish root and
state/staging, state/work and state/manifests are compared before and after every refused case). Per-case checks
of their own (a status that must be exactly 403, a Location that must stay on this server…) add findings too.

Writes OUT/cases.json (every case) and OUT/memory.json, prints a table per group and the findings, and exits 1 when
there is any finding.

--app is the server executable as a command (e.g. "dotnet /path/systemimage.dll"); the probe runs its verbs with
--data-dir DIR. --pid is the server's process id, for its peak memory (/proc/PID/status VmHWM, reset before the
large-archive case through /proc/PID/clear_refs, which needs root).  --password gives the one-time passwords of the
users run.sh added: alice (the probe changes it), bob (brute-forced) and otp (never changed).
"""
import argparse
import bz2
import concurrent.futures
import gzip
import http.client
import io
import json
import lzma
import os
import random
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.parse
import zlib

MTIME = 1767225600  # 2026-01-01
LOCAL_MARKERS = (b"SQLite format 3", b"PRIVATE KEY", b"-----BEGIN PGP PRIVATE", b"hostile-probe-sentinel")


# --- HTTP ------------------------------------------------------------------------------------------------------------

class Resp:
    def __init__(self, status=None, headers=None, body=b"", error=None, elapsed=0.0, raw_count=1):
        self.status, self.headers, self.body, self.error, self.elapsed = status, headers or [], body, error, elapsed
        self.raw_count = raw_count

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all_headers(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def detail(self):
        """The problem's detail, or None."""
        ctype = (self.header("Content-Type") or "").lower()
        if "json" not in ctype:
            return None
        doc = self.json()
        if isinstance(doc, dict) and isinstance(doc.get("detail"), str) and doc["detail"].strip():
            return doc["detail"]
        return None

    def short(self):
        if self.error:
            return f"no answer: {self.error}"
        d = self.detail()
        if d:
            return d[:220]
        text = self.body[:160].decode("utf-8", "replace").replace("\n", " ")
        return text


class Http:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port

    def request(self, method, path, body=None, headers=None, token=None, src=None, timeout=120):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        start = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout,
                                          source_address=(src, 0) if src else None)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            return Resp(r.status, r.getheaders(), data, None, time.monotonic() - start)
        except (OSError, http.client.HTTPException) as e:
            return Resp(None, [], b"", f"{type(e).__name__}: {e}", time.monotonic() - start)
        finally:
            conn.close()

    def json(self, method, path, doc, token=None, **kw):
        body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
        return self.request(method, path, body=body, headers={"Content-Type": "application/json"}, token=token, **kw)

    def raw(self, data, src=None, timeout=15, half_close=False, pause=None):
        """Sends DATA as is and reads until the server closes (or TIMEOUT); returns the first response parsed."""
        start = time.monotonic()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        chunks = []
        try:
            if src:
                s.bind((src, 0))
            s.connect((self.host, self.port))
            parts = data if isinstance(data, list) else [data]
            for i, part in enumerate(parts):
                try:
                    s.sendall(part)
                except OSError:
                    break  # the server may answer and close before everything is sent
                if pause and i < len(parts) - 1:
                    time.sleep(pause)
            if half_close:
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            while True:
                try:
                    c = s.recv(65536)
                except socket.timeout:
                    break
                except OSError:
                    break
                if not c:
                    break
                chunks.append(c)
        except OSError as e:
            return Resp(None, [], b"", f"{type(e).__name__}: {e}", time.monotonic() - start)
        finally:
            s.close()
        blob = b"".join(chunks)
        if not blob:
            return Resp(None, [], b"", "connection closed without an answer", time.monotonic() - start)
        return parse_raw(blob, time.monotonic() - start)


def parse_raw(blob, elapsed):
    head, _, rest = blob.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        return Resp(None, [], blob, f"not an HTTP answer: {blob[:80]!r}", elapsed)
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers.append((k.decode("latin-1").strip(), v.decode("latin-1").strip()))
    r = Resp(int(m.group(1)), headers, b"", None, elapsed, raw_count=len(re.findall(rb"(?:^|\r\n)HTTP/1\.[01] \d{3}", blob)))
    if (r.header("Transfer-Encoding") or "").lower() == "chunked":
        body, pos = b"", 0
        while True:
            end = rest.find(b"\r\n", pos)
            if end < 0:
                break
            try:
                size = int(rest[pos:end].split(b";")[0], 16)
            except ValueError:
                break
            if size == 0:
                break
            body += rest[end + 2:end + 2 + size]
            pos = end + 2 + size + 2
        r.body = body
    elif r.header("Content-Length"):
        r.body = rest[:int(r.header("Content-Length"))]
    else:
        r.body = rest
    return r


# --- archives --------------------------------------------------------------------------------------------------------

def tar_bytes(entries, fmt=tarfile.PAX_FORMAT, end=True):
    """A tar of ENTRIES: ('f', name, data), ('d', name), ('s', name, target), ('h', name, target), ('c'|'b', name,
    major, minor), ('p', name)."""
    buf = io.BytesIO()
    t = tarfile.open(fileobj=buf, mode="w", format=fmt)
    for e in entries:
        kind, name = e[0], e[1]
        ti = tarfile.TarInfo(name)
        ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname, ti.mode = MTIME, 0, 0, "root", "root", 0o644
        if kind == "f":
            data = e[2] if len(e) > 2 else b"data of " + name.encode("utf-8", "surrogateescape")
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
            continue
        if kind == "d":
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        elif kind == "s":
            ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, e[2], 0o777
        elif kind == "h":
            ti.type, ti.linkname = tarfile.LNKTYPE, e[2]
        elif kind in ("c", "b"):
            ti.type = tarfile.CHRTYPE if kind == "c" else tarfile.BLKTYPE
            ti.devmajor, ti.devminor = e[2], e[3]
        elif kind == "p":
            ti.type = tarfile.FIFOTYPE
        t.addfile(ti)
    if end:
        t.close()
        return buf.getvalue()
    # No end-of-archive marker: tarfile.close() would write it.
    t.fileobj = io.BytesIO()
    t.closed = True
    return buf.getvalue()


def raw_header(name, size=0, typeflag=b"0", linkname=b"", mode=0o644, size_field=None, fix_checksum=True,
               checksum_delta=0):
    """One ustar header block, fields written by hand (for what tarfile refuses to write)."""
    h = bytearray(512)
    n = name if isinstance(name, bytes) else name.encode()
    h[0:len(n)] = n[:100]
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = size_field if size_field is not None else b"%011o\0" % size
    h[136:148] = b"%011o\0" % MTIME
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[265:269] = b"root"
    h[297:301] = b"root"
    if fix_checksum:
        h[148:156] = b"%06o\0 " % (sum(h) + checksum_delta)
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


END = b"\0" * 1024


def xz(data, preset=0):
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=preset)


def xz_with_dictionary(data, dict_byte):
    """An .xz whose LZMA2 filter properties claim the dictionary size DICT_BYTE encodes (40: 4 GiB), header CRC fixed."""
    blob = bytearray(xz(data))
    pos = 12  # stream header
    size = (blob[pos] + 1) * 4
    flags = blob[pos + 1]
    p = pos + 2

    def skip_varint(i):
        while blob[i] & 0x80:
            i += 1
        return i + 1
    if flags & 0x40:
        p = skip_varint(p)
    if flags & 0x80:
        p = skip_varint(p)
    assert blob[p] == 0x21 and blob[p + 1] == 0x01, "unexpected filter flags"
    blob[p + 2] = dict_byte
    crc = zlib.crc32(bytes(blob[pos:pos + size - 4]))
    blob[pos + size - 4:pos + size] = crc.to_bytes(4, "little")
    return bytes(blob)


def many_entries_xz(path, count):
    """A .tar.xz of COUNT empty files f0000000… written block by block (a few seconds for a million)."""
    h = bytearray(raw_header("f0000000"))
    h[148:156] = b" " * 8
    base = sum(h) - sum(h[1:8])
    comp = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=1)
    with open(path, "wb") as out:
        chunk = []
        for i in range(count):
            d = b"%07d" % i
            h[1:8] = d
            h[148:156] = b"%06o\0 " % (base + sum(d))
            chunk.append(bytes(h))
            if len(chunk) == 20000:
                out.write(comp.compress(b"".join(chunk)))
                chunk = []
        chunk.append(END)
        out.write(comp.compress(b"".join(chunk)))
        out.write(comp.flush())
    return os.path.getsize(path)


def multipart(sections, boundary="hostileProbeBoundary7d1f", close=True):
    """SECTIONS: (name, filename or None, data) or raw bytes (sent as is)."""
    out = []
    for s in sections:
        if isinstance(s, bytes):
            out.append(s)
            continue
        name, filename, data = s
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.append(f"--{boundary}\r\nContent-Disposition: {disp}\r\n".encode())
        if filename is not None:
            out.append(b"Content-Type: application/octet-stream\r\n")
        out.append(b"\r\n")
        out.append(data if isinstance(data, bytes) else data.encode())
        out.append(b"\r\n")
    if close:
        out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


# --- the probe -------------------------------------------------------------------------------------------------------

def seg(name):
    return urllib.parse.quote(name, safe="")


def shown(value, limit=90):
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= limit else f"{text[:limit]}…({len(value)} chars)"


class Probe:
    def __init__(self, args):
        self.base = args.base.rstrip("/")
        self.http = Http(self.base)
        self.data = args.data
        self.www = os.path.join(args.data, "www")
        self.app = shlex.split(args.app)
        self.pid = args.pid
        self.admin = args.token
        self.out = args.out
        self.passwords = dict(p.split("=", 1) for p in args.password)
        self.cases = []
        self.memory = {}
        self.dead = False
        self.src_next = 20
        self.unique = 0
        self.group = None
        self.last_case = time.monotonic()
        self.peak_seen = 0

    # -- bookkeeping ------------------------------------------------------------------------------------------------

    def src(self):
        """A client address of its own (127.0.0.N) for a sign-in test, so the per-client limit of one does not spill over."""
        self.src_next += 1
        return f"127.0.0.{self.src_next}"

    def snapshot(self):
        state = {}
        roots = [self.www] + [os.path.join(self.data, "state", d) for d in ("staging", "work", "manifests")]
        for root in roots:
            for dirpath, dirnames, filenames in os.walk(root):
                for d in dirnames:
                    state[os.path.relpath(os.path.join(dirpath, d), self.data) + "/"] = None
                for f in filenames:
                    p = os.path.join(dirpath, f)
                    try:
                        st = os.lstat(p)
                    except OSError:
                        continue
                    state[os.path.relpath(p, self.data)] = (st.st_size, st.st_mtime_ns)
        return state

    @staticmethod
    def diff(before, after):
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
        out = [f"+{p}" for p in added] + [f"-{p}" for p in removed] + [f"~{p}" for p in changed]
        return out

    def alive(self):
        try:
            os.kill(self.pid, 0)
        except OSError:
            return "the server process is gone"
        for _ in range(3):
            r = self.http.request("GET", "/health", timeout=20)
            if r.status == 200:
                return None
            time.sleep(1)
        return f"/health answers {r.status or r.error}"

    def record(self, name, sent, expect, resp=None, before=None, api=True, codes=None, check=None, status=None,
               actual=None, allow_3xx=False, allow_no_answer=False):
        """Judges one case. EXPECT: 'refused' (4xx; for the API with a problem detail), 'accepted' (2xx) or 'any' (no
        5xx, and a reason when refused). CODES: the statuses that are right (others are a finding). CHECK: a function
        of the response giving a finding or None. BEFORE: a snapshot taken before the request (compared when refused)."""
        findings = []
        st = status if status is not None else (resp.status if resp is not None else None)
        if resp is not None and resp.error and status is None:
            if not allow_no_answer:
                findings.append(f"no answer ({resp.error})")
        elif st is not None and isinstance(st, int):
            if st >= 500 and not (codes and st in codes):
                findings.append(f"server error {st}: {resp.short() if resp else ''}")
            elif expect == "refused" and st < 400 and not (allow_3xx and 300 <= st < 400):
                findings.append(f"accepted ({st}) what should be refused")
            elif expect == "accepted" and not 200 <= st < 300:
                findings.append(f"refused ({st}) what should be accepted: {resp.short() if resp else ''}")
            if codes and st not in codes and st < 500:
                findings.append(f"status {st}, expected {'/'.join(map(str, sorted(codes)))}")
            if api and resp is not None and 400 <= st < 500 and not resp.detail():
                findings.append(f"refusal {st} without a problem detail (body: {resp.body[:120]!r})")
        if check is not None:
            extra = check(resp) if resp is not None or status is not None else None
            if extra:
                findings.append(extra)
        refused = isinstance(st, int) and st >= 400 or (resp is not None and resp.error is not None)
        if before is not None and refused:
            left = self.diff(before, self.snapshot())
            if left:
                findings.append("left behind after the refusal: " + ", ".join(left[:8]) + (" …" if len(left) > 8 else ""))
        answer = actual if actual is not None else (resp.short() if resp is not None else "")
        return self.finish(name, sent, expect + (f" {sorted(codes)}" if codes else ""), st, answer, findings)

    def finish(self, name, sent, expect, status, answer, findings):
        if not self.dead:
            dead = self.alive()
            if dead:
                self.dead = True
                findings.append("server dead afterwards: " + dead)
        now = time.monotonic()
        case = {"group": self.group, "name": name, "sent": sent, "expected": expect, "status": status, "answer": answer,
                "findings": findings, "seconds": round(now - self.last_case, 2)}
        self.last_case = now
        self.cases.append(case)
        st = status
        mark = "FINDING" if findings else "ok"
        print(f"  [{mark:7}] {self.group}: {name}: {st} {case['answer'][:100]!r}" + (f" -> {'; '.join(findings)}" if findings else ""),
              flush=True)
        return case

    def verb(self, *args, stdin=None, timeout=120):
        start = time.monotonic()
        p = subprocess.run(self.app + list(args) + ["--data-dir", self.data], input=stdin, capture_output=True,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.monotonic() - start

    def api(self, method, path, doc=None, token="admin", **kw):
        tok = self.admin if token == "admin" else token
        if doc is None:
            return self.http.request(method, "/api/v1" + path, token=tok, **kw)
        return self.http.json(method, "/api/v1" + path, doc, token=tok, **kw)

    def must(self, resp, what):
        if resp.status is None or resp.status >= 300:
            raise SystemExit(f"setup failed: {what}: {resp.status} {resp.short()}")
        return resp

    def vmhwm(self):
        values = {}
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(("VmHWM:", "VmRSS:")):
                        k, v = line.split(":")
                        values[k] = int(v.split()[0]) // 1024
        except OSError:
            pass
        self.peak_seen = max(self.peak_seen, values.get("VmHWM", 0))
        return values

    def reset_peak(self):
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    # -- setup ------------------------------------------------------------------------------------------------------

    def setup(self):
        self.group = "setup"
        for body in ({"name": "stable"}, {"name": "target"}, {"name": "renameme"}, {"name": "victim"},
                     {"name": "arch"}, {"name": "target/sub"}, {"name": "myalias", "alias": "target"}):
            self.must(self.api("POST", "/channels", body), f"create channel {body}")
        for ch, dev in (("stable", "mako"), ("target", "mako"), ("renameme", "dev1"), ("arch", "dev"), ("arch", "nl"),
                         ("arch", "wedge"), ("arch", "u8")):
            self.must(self.api("POST", f"/channels/{seg(ch)}/devices", {"name": dev}), f"create device {ch}/{dev}")
        # One image on stable/mako for the description, phase and tag cases.
        self.upload_ok("stable", "mako", tar_bytes([("d", "etc"), ("f", "etc/hostname", b"probe\n")]))
        tokens = {}
        for role in ("viewer", "publisher"):
            r = self.must(self.api("POST", "/tokens", {"name": f"probe-{role}", "role": role}), f"token {role}")
            tokens[role] = r.json()["secret"]
        r = self.must(self.api("POST", "/tokens", {"name": "probe-revoked", "role": "admin"}), "token to revoke")
        tokens["revoked"] = r.json()["secret"]
        self.must(self.api("DELETE", f"/tokens/{r.json()['token']['id']}"), "revoke token")
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 4))
        r = self.must(self.api("POST", "/tokens", {"name": "probe-expiring", "role": "admin", "expiresAt": expires}),
                      "expiring token")
        tokens["expiring"] = r.json()["secret"]
        tokens["expiring_created"] = time.time()
        self.tokens = tokens
        # Files a mirror or a web server could have put in the publish root (foreign files), and a dot-file.
        with open(os.path.join(self.www, "README"), "w") as f:
            f.write("a mirror's README\n")
        with open(os.path.join(self.www, "stable", "blocker"), "w") as f:
            f.write("a file where a device directory would go\n")
        os.makedirs(os.path.join(self.www, "deep"), exist_ok=True)
        with open(os.path.join(self.www, "deep", "x"), "w") as f:
            f.write("x\n")
        with open(os.path.join(self.www, ".probe-hidden"), "w") as f:
            f.write("hostile-probe-sentinel dot-file\n")
        with open(os.path.join(self.data, "probe-outside.txt"), "w") as f:
            f.write("hostile-probe-sentinel outside the publish root\n")

    def upload(self, channel, device, sections, token="admin", content_type=None, extra_headers=None, **kw):
        body, ctype = multipart(sections) if not isinstance(sections, bytes) else (sections, content_type)
        headers = {"Content-Type": content_type or ctype}
        headers.update(extra_headers or {})
        tok = self.admin if token == "admin" else token
        return self.http.request("POST", f"/api/v1/channels/{seg(channel)}/devices/{seg(device)}/images", body=body,
                                 headers=headers, token=tok, **kw)

    def upload_ok(self, channel, device, tar):
        r = self.upload(channel, device, [("ubuntu", "ubuntu.tar.xz", xz(tar))])
        return self.must(r, f"upload to {channel}/{device}")

    def unique_entry(self):
        self.unique += 1
        return ("f", f"probe-case-{self.unique}", f"case {self.unique} {time.time()}\n".encode())

    # -- 1. names ---------------------------------------------------------------------------------------------------

    # (name, expectation, right statuses or None). README: refusals are a 400, 409 for a file in the way.
    CHANNEL_NAMES = [
        ("channels.json", "refused", {400}), ("channels.json.asc", "refused", {400}), ("CHANNELS.JSON", "refused", {400}),
        ("gpg", "refused", {400}), ("GPG", "refused", {400}), ("gpg/x", "refused", {400}), ("pool", "refused", {400}),
        ("pool/x", "refused", {400}), ("x.json", "refused", {400}), ("x.asc", "refused", {400}),
        ("x.tar.xz", "refused", {400}), ("x.JSON", "refused", {400}), ("a/x.json", "refused", {400}),
        ("a/b.asc/c", "refused", {400}), ("x.tar.xz/y", "refused", {400}), (".hidden", "refused", {400}),
        ("a/.hidden", "refused", {400}), (".", "refused", {400}), ("..", "refused", {400}), ("../x", "refused", {400}),
        ("x/..", "refused", {400}), ("a/../b", "refused", {400}), ("a/./b", "refused", {400}), ("./a", "refused", {400}),
        ("%2e%2e", "refused", {400}), ("%2e%2e%2fx", "refused", {400}), ("a%2fb", "refused", {400}),
        ("..%2f..%2fetc", "refused", {400}), ("a\\b", "refused", {400}), ("..\\..\\x", "refused", {400}),
        ("a\x00b", "refused", {400}), ("\x00", "refused", {400}), ("a\nb", "refused", {400}), ("a\rb", "refused", {400}),
        ("a\tb", "refused", {400}), ("a\x1bb", "refused", {400}), ("a\x7fb", "refused", {400}),
        ("a\u0085b", "refused", {400}), ("a\ud800b", "refused", {400}), ("a b", "refused", {400}),
        (" a", "refused", {400}), ("a ", "refused", {400}), ("x" * 300, "refused", {400}), ("x" * 65, "refused", {400}),
        ("/".join(["y" * 60] * 4), "refused", {400}), ("st\u0430ble", "refused", {400}), ("\u0455table", "refused", {400}),
        ("\uff53\uff54\uff41\uff42\uff4c\uff45", "refused", {400}), ("stable\u200b", "refused", {400}),
        ("\u202eelbats", "refused", {400}), ("\ufb01x", "refused", {400}), ("st\u00e5ble", "refused", {400}),
        ("", "refused", {400}), ("   ", "refused", {400}), ("/", "refused", {400}), ("/lead", "refused", {400}),
        ("trail/", "refused", {400}), ("a//b", "refused", {400}), ("api", "refused", {400}), ("API", "refused", {400}),
        ("api/v1", "refused", {400}), ("admin", "refused", {400}), ("Admin/x", "refused", {400}),
        ("health", "refused", {400}), ("metrics", "refused", {400}), ("openapi", "refused", {400}),
        ("hangfire", "refused", {400}), ("_blazor", "refused", {400}), ("_framework", "refused", {400}),
        ("_content", "refused", {400}), ("README", "refused", {409}), ("README/x", "refused", {409}),
        ("deep/x/y", "refused", {409}), ("stable/mako", "refused", None), ("stable", "refused", {409}),
        ("x" * 64, "accepted", None), ("ok-name_1.2+~", "accepted", None), ("stable/gpg", "accepted", None),
    ]
    DEVICE_NAMES = [
        ("index.json", "refused", {400}), ("device.tar.xz", "refused", {400}), ("version-1.tar.xz", "refused", {400}),
        ("x.asc", "refused", {400}), ("X.Json", "refused", {400}), (".hidden", "refused", {400}), (".", "refused", {400}),
        ("..", "refused", {400}), ("../x", "refused", {400}), ("a/b", "refused", {400}), ("%2e%2e", "refused", {400}),
        ("a%2fb", "refused", {400}), ("a\\b", "refused", {400}), ("a\x00b", "refused", {400}), ("a\nb", "refused", {400}),
        ("a\tb", "refused", {400}), ("a\x7fb", "refused", {400}), ("a b", "refused", {400}), ("x" * 300, "refused", {400}),
        ("x" * 65, "refused", {400}), ("m\u0430ko", "refused", {400}), ("\uff4d\uff41\uff4b\uff4f", "refused", {400}),
        ("mako\u200b", "refused", {400}), ("", "refused", {400}), (" ", "refused", {400}),
        ("blocker", "refused", {409}), ("mako", "refused", {409}), ("gpg", "any", None), ("api", "any", None),
        ("x" * 64, "accepted", None),
    ]
    SHORT_HOSTILE = ["../x", "a/../b", ".hidden", "channels.json", "gpg", "pool/x", "x.json", "x.tar.xz", "api",
                     "README", "a\x00b", "a\nb", "x" * 300, "st\u0430ble", "%2e%2e", "a\\b", ""]

    def names(self):
        self.group = "names"
        for name, expect, codes in self.CHANNEL_NAMES:
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": name})
            self.record(f"create channel {shown(name, 40)}", f"POST /api/v1/channels {{\"name\": \"{shown(name)}\"}}",
                        expect, r, before, codes=codes)
        # A device whose directory would be the sub-channel target/sub's.
        before = self.snapshot()
        r = self.api("POST", "/channels/target/devices", {"name": "sub"})
        self.record("create device 'sub' in target (channel target/sub exists)",
                    'POST /api/v1/channels/target/devices {"name": "sub"}', "refused", r, before)
        for name, expect, codes in self.DEVICE_NAMES:
            before = self.snapshot()
            r = self.api("POST", "/channels/stable/devices", {"name": name})
            self.record(f"create device {shown(name, 40)}",
                        f"POST /api/v1/channels/stable/devices {{\"name\": \"{shown(name)}\"}}", expect, r, before,
                        codes=codes)
        for name in self.SHORT_HOSTILE + ["stable", "target/sub", "stable/mako"]:
            before = self.snapshot()
            r = self.api("POST", "/channels/renameme/rename", {"newName": name})
            case = self.record(f"rename renameme to {shown(name, 40)}",
                               f"POST /api/v1/channels/renameme/rename {{\"newName\": \"{shown(name)}\"}}",
                               "refused", r, before)
            if r.status == 200:  # put it back so the next cases still have a channel to rename
                self.api("POST", f"/channels/{seg(name)}/rename", {"newName": "renameme", "keepRedirect": False})
        for i, name in enumerate(self.SHORT_HOSTILE + ["nonexistent", "myalias", "stable/../stable"]):
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": f"alias-t{i}", "alias": name})
            self.record(f"alias to {shown(name, 40)}", f"POST /api/v1/channels {{\"name\": \"alias-t{i}\", \"alias\": \"{shown(name)}\"}}",
                        "refused", r, before)
        for name in ["../x", ".hidden", "x.json", "api", "README", "a\nb", "gpg/x"]:
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": name, "alias": "target"})
            self.record(f"alias named {shown(name, 40)}", f"POST /api/v1/channels {{\"name\": \"{shown(name)}\", \"alias\": \"target\"}}",
                        "refused", r, before)
        for name in ["../x", "channels.json", "a\x00b", "", "nonexistent", "myalias"]:
            before = self.snapshot()
            r = self.api("PATCH", "/channels/myalias", {"alias": name})
            self.record(f"re-target alias to {shown(name, 40)}", f"PATCH /api/v1/channels/myalias {{\"alias\": \"{shown(name)}\"}}",
                        "refused", r, before)
        for i, name in enumerate(["../x", "channels.json", "gpg", "a\x00b", "x" * 300, "nonexistent", "st\u0430ble"]):
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": f"redir-t{i}", "redirect": name})
            self.record(f"redirect to {shown(name, 40)}", f"POST /api/v1/channels {{\"name\": \"redir-t{i}\", \"redirect\": \"{shown(name)}\"}}",
                        "refused", r, before)
        for name in ["../x", "x.asc", "pool", "a\nb", ".hidden"]:
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": name, "redirect": "target"})
            self.record(f"redirect named {shown(name, 40)}", f"POST /api/v1/channels {{\"name\": \"{shown(name)}\", \"redirect\": \"target\"}}",
                        "refused", r, before)
        before = self.snapshot()
        r = self.api("POST", "/channels", {"name": "README", "redirect": "target"})
        self.record("redirect named README (a file in the publish root)", 'POST /api/v1/channels {"name": "README", "redirect": "target"}',
                    "any", r, before)
        for i, name in enumerate(["../x", "channels.json", "a\x00b", "nonexistent", "x" * 300]):
            before = self.snapshot()
            r = self.api("POST", "/channels/stable/devices", {"name": f"pdr{i}", "redirect": name})
            self.record(f"per-device redirect to {shown(name, 40)}",
                        f"POST /api/v1/channels/stable/devices {{\"name\": \"pdr{i}\", \"redirect\": \"{shown(name)}\"}}",
                        "refused", r, before)
        for name in ["../x", "index.json", ".hidden", "a\nb"]:
            before = self.snapshot()
            r = self.api("POST", "/channels/stable/devices", {"name": name, "redirect": "target"})
            self.record(f"per-device redirect named {shown(name, 40)}",
                        f"POST /api/v1/channels/stable/devices {{\"name\": \"{shown(name)}\", \"redirect\": \"target\"}}",
                        "refused", r, before)
        for i, name in enumerate(["../x", "a\x00b", "nonexistent"]):
            before = self.snapshot()
            r = self.api("POST", "/channels", {"name": f"copy-t{i}", "copyDevicesFrom": name})
            self.record(f"copy devices from {shown(name, 40)}",
                        f"POST /api/v1/channels {{\"name\": \"copy-t{i}\", \"copyDevicesFrom\": \"{shown(name)}\"}}",
                        "refused", r, before)
        # Names in paths: a look-alike of 'victim' must never reach it.
        for path in ["VICTIM", "victim%00", "victim%2F", "victim%2F.", ".%2Fvictim", "victim%20", "%2Fvictim",
                     "victim%2F..%2Fvictim", "vict%C4%B1m"]:
            before = self.snapshot()
            r = self.api("DELETE", f"/channels/{path}")
            # Kestrel refuses a NUL in a path before the application sees the request: a bare 400 (README, "Security").
            self.record(f"DELETE channel path {path}", f"DELETE /api/v1/channels/{path}", "refused", r, before,
                        codes={400, 404}, api="%00" not in path)
        r = self.api("GET", "/channels/victim")
        self.record("victim still exists after the look-alike deletes", "GET /api/v1/channels/victim", "accepted", r)
        r = self.api("GET", "/channels/stable%2Fgpg")
        self.record("control: GET channel stable%2Fgpg (an encoded slash)", "GET /api/v1/channels/stable%2Fgpg", "accepted", r)
        for path in ["..%2F..%2Fetc", "%2e%2e%2fsecrets", "stable%2F..%2F..%2Fsecrets"]:
            r = self.api("GET", f"/channels/{path}/devices")
            self.record(f"GET devices of {path}", f"GET /api/v1/channels/{path}/devices", "refused", r, codes={400, 404})
        self.import_ini_names()
        self.verb_names()
        # A rename into a sub-path of itself: a directory moved below itself.
        before = self.snapshot()
        r = self.api("POST", "/channels/renameme/rename", {"newName": "renameme/child"})
        self.record("rename renameme to renameme/child (below itself)",
                    'POST /api/v1/channels/renameme/rename {"newName": "renameme/child"}', "any", r, before)

    def import_ini_names(self):
        inis = [
            ("channel ../evil", "[global]\nchannels = ../evil\n"),
            ("channel gpg", "[global]\nchannels = gpg\n"),
            ("a good and a bad channel", "[global]\nchannels = ok-ini, x.json\n"),
            ("delta base ../x", "[global]\nchannels = ok-ini2\n[channel_ok-ini2]\ntype = auto\ndeltabase = ../x\n"
                                "files = version\nfile_version = version\n"),
            ("channel README (a file)", "[global]\nchannels = README\n"),
            ("channel with NUL", "[global]\nchannels = a\x00b\n"),
            ("channel .hidden", "[global]\nchannels = .hidden\n"),
            ("1 MB of INI", "[global]\nchannels = " + "a" * (1 << 20) + "\n"),
            ("not INI", "\x00\x01\x02 garbage ]]][[["),
        ]
        for name, text in inis:
            before = self.snapshot()
            r = self.http.request("POST", "/api/v1/config/import-ini", body=text.encode(),
                                  headers={"Content-Type": "text/plain"}, token=self.admin)
            self.record(f"import-ini: {name}", f"POST /api/v1/config/import-ini (text/plain) {shown(text, 70)}",
                        "refused", r, before)

    VERB_CASES = [
        ("create-channel", "../x"), ("create-channel", "a/../b"), ("create-channel", "channels.json"),
        ("create-channel", "gpg"), ("create-channel", "pool/x"), ("create-channel", "x.json"),
        ("create-channel", "x.tar.xz"), ("create-channel", ".hidden"), ("create-channel", "a\nb"),
        ("create-channel", "a b"), ("create-channel", "x" * 300), ("create-channel", "api"),
        ("create-channel", "st\u0430ble"), ("create-channel", "README"), ("create-channel", "a\\b"),
        ("create-device", "stable", "../x"), ("create-device", "stable", "index.json"),
        ("create-device", "stable", ".hidden"), ("create-device", "stable", "blocker"),
        ("create-alias", "../a", "target"), ("create-alias", "okalias-v", "../x"),
        ("create-redirect", "x.asc", "target"), ("create-redirect", "okredir-v", "../x"),
        ("rename-channel", "renameme", "../x"), ("rename-channel", "renameme", "gpg"),
        ("rename-channel", "renameme", "README"), ("create-device-redirect", "stable", "../x", "target"),
    ]

    def verb_names(self):
        before = self.snapshot()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda args: (args, self.verb(*args)), self.VERB_CASES))
        for args, (rc, out, err, secs) in results:
            findings = []
            lines = [line for line in err.splitlines() if line.strip()]
            if rc == 0:
                findings.append(f"accepted (exit 0: {out.strip()[:100]})")
            elif rc != 1:
                findings.append(f"exit {rc}, expected 1")
            if rc != 0 and (not lines or not lines[-1].startswith("error:")):
                findings.append(f"no 'error:' line on stderr: {err[:200]!r}")
            if len(lines) > 1 or "   at " in err:
                findings.append(f"more than one line on stderr (a stack trace?): {err[:300]!r}")
            self.finish(f"verb {args[0]} {' '.join(shown(a, 30) for a in args[1:])}",
                        "systemimage " + " ".join(shlex.quote(shown(a)) for a in args), "refused (exit 1, one error: line)",
                        rc, (lines[-1] if lines else out.strip())[:220], findings)
        left = self.diff(before, self.snapshot())
        self.finish("the refused verbs changed nothing", "snapshot before and after the verbs above", "no change",
                    len(left), ", ".join(left[:5]), [f"changed: {', '.join(left[:8])}"] if left else [])

    # -- 2. archives ------------------------------------------------------------------------------------------------

    def archive_case(self, name, payload, expect, filename="ubuntu.tar.xz", part="ubuntu", device="dev", check=None,
                     codes=None, note=""):
        before = self.snapshot()
        r = self.upload("arch", device, [(part, filename, payload)])
        sent = f"POST …/arch/devices/{device}/images, part {part!r} file {filename!r}, {len(payload)} bytes{note}"
        return self.record(name, sent, expect, r, before, check=check, codes=codes)

    def archive(self, name, entries, expect, fmt=tarfile.PAX_FORMAT, unique=True, **kw):
        entries = ([self.unique_entry()] if unique else []) + list(entries)
        listing = ", ".join(f"{e[0]}:{shown(e[1], 40)}" + (f"->{shown(e[2], 30)}" if e[0] in "sh" else "") for e in entries[1 if unique else 0:])
        return self.archive_case(name, xz(tar_bytes(entries, fmt)), expect, note=f" ({listing[:200]})", **kw)

    def archives(self):
        self.group = "archives"
        R, A, X = "refused", "accepted", "any"
        self.many_entries()  # first, so its memory figure starts from a server that has not yet held large uploads
        self.archive("control: files, a directory, a relative link", [("d", "etc"), ("f", "etc/a"), ("s", "etc/b", "a")], A)
        self.archive("control: './' root entry and ./etc/x", [("d", "./"), ("d", "./etc"), ("f", "./etc/x")], A)
        self.archive("absolute path /etc/passwd", [("f", "/etc/passwd")], R, codes={400})
        self.archive("absolute directory /tmp/", [("d", "/tmp/")], R, codes={400})
        self.archive("'..' entry", [("f", "..")], R, codes={400})
        self.archive("'../x'", [("f", "../x")], R, codes={400})
        self.archive("'./../x'", [("f", "./../x")], R, codes={400})
        self.archive("'a/../../x'", [("d", "a"), ("f", "a/../../x")], R, codes={400})
        self.archive("'a/../b' (stays inside, still '..')", [("d", "a"), ("f", "a/../b")], R, codes={400})
        self.archive("'../' directory", [("d", "../")], R, codes={400})
        self.archive("PAX path '../' (long name)", [("f", "../" + "p" * 120)], R, codes={400})
        self.archive("GNU long name '../'", [("f", "../" + "g" * 120)], R, fmt=tarfile.GNU_FORMAT, codes={400})
        self.archive("hard link to a name not in the archive", [("h", "hl", "nothere")], R, codes={400})
        self.archive("hard link to a later entry", [("h", "hl", "later"), ("f", "later")], R, codes={400})
        self.archive("hard link to itself", [("h", "self", "self")], R, codes={400})
        self.archive("hard link to a directory", [("d", "d"), ("h", "hd", "d")], R, codes={400})
        self.archive("hard link to a directory with '/'", [("d", "d"), ("h", "hd", "d/")], R, codes={400})
        self.archive("hard link to a symlink", [("f", "f"), ("s", "s", "f"), ("h", "hs", "s")], R, codes={400})
        self.archive("hard link through a symlinked directory", [("d", "real"), ("f", "real/f"), ("s", "lnk", "real"),
                                                                ("h", "h", "lnk/f")], R, codes={400})
        self.archive("hard link to /etc/passwd", [("h", "h", "/etc/passwd")], R, codes={400})
        self.archive("hard link to ../etc/passwd", [("h", "h", "../etc/passwd")], R, codes={400})
        self.archive("hard link placed below a symlink to /etc", [("f", "f"), ("s", "lnk", "/etc"), ("h", "lnk/passwd", "f")],
                     R, codes={400})
        self.archive("control: hard link to an earlier file", [("f", "f"), ("h", "h", "f")], A)
        self.archive("hard link to './f' (f earlier)", [("f", "f"), ("h", "h", "./f")], X)
        self.archive("symlink to /tmp/x, then lnk/pwned below it", [("s", "lnk", "/tmp/x"), ("f", "lnk/pwned")], R, codes={400})
        self.archive("symlink to /, then lnk/etc/shadow", [("s", "lnk", "/"), ("f", "lnk/etc/shadow")], R, codes={400})
        self.archive("symlink loop a->b->a, then a/x", [("s", "a", "b"), ("s", "b", "a"), ("f", "a/x")], R, codes={400})
        self.archive("symlink to itself, then s/x", [("s", "s", "s"), ("f", "s/x")], R, codes={400})
        self.archive("symlink loop alone (nothing below it)", [("s", "a", "b"), ("s", "b", "a")], X)
        self.archive("symlink up -> ../.., then up/x", [("s", "up", "../.."), ("f", "up/x")], R, codes={400})
        self.archive("symlink d/up -> ../../etc, then d/up/x", [("d", "d"), ("s", "d/up", "../../etc"), ("f", "d/up/x")], R,
                     codes={400})
        self.archive("symlink chain a -> ., b -> a/../.., then b/x", [("s", "a", "."), ("s", "b", "a/../.."), ("f", "b/x")], R,
                     codes={400})
        self.archive("symlink '.' -> /tmp, then ./x", [("s", ".", "/tmp"), ("f", "./x")], R, codes={400})
        self.archive("symlink './' -> /tmp, then x", [("s", "./", "/tmp"), ("f", "x")], X)
        self.archive("symlink lib -> /usr/lib, then lib/x", [("d", "usr"), ("d", "usr/lib"), ("s", "lib", "/usr/lib"),
                                                             ("f", "lib/x")], R, codes={400})
        self.archive("control: merged-/usr lib -> usr/lib, then lib/x", [("d", "usr"), ("d", "usr/lib"),
                                                                         ("s", "lib", "usr/lib"), ("f", "lib/x")], A)
        self.archive("control: d/l -> .. (inside), then d/l/x", [("d", "d"), ("s", "d/l", ".."), ("f", "d/l/x")], A)
        self.archive("control: etc/mtab -> /proc/mounts (nothing below)", [("d", "etc"), ("s", "etc/mtab", "/proc/mounts")], A)
        self.archive("entry replacing a symlink (file over link)", [("f", "y"), ("s", "x", "y"), ("f", "x")], R, codes={400})
        self.archive("directory replacing a symlink", [("s", "x", "/etc"), ("d", "x")], R, codes={400})
        self.archive("symlink replacing a directory with content", [("d", "d"), ("f", "d/x"), ("s", "d", "/etc"),
                                                                     ("f", "d/passwd")], R, codes={400})
        self.archive("directory turned into a file", [("d", "d"), ("f", "d")], R, codes={400})
        self.archive("file turned into a directory", [("f", "f"), ("d", "f")], R, codes={400})
        self.archive("entry below a regular file", [("f", "f"), ("f", "f/x")], R, codes={400})
        self.archive("same file twice", [("f", "twice", b"one"), ("f", "twice", b"two")], X)
        self.archive("device files: char dev/null, block dev/sda, fifo", [("d", "dev"), ("c", "dev/null", 1, 3),
                                                                          ("b", "dev/sda", 8, 0), ("p", "dev/fifo")], X)
        self.archive("very long path (PAX, 400 bytes over 4 directories)",
                     [("f", "/".join(["l" * 99] * 4))], X)
        self.archive("one name component of 300 bytes (PAX)", [("f", "n" * 300)], X)
        self.archive("name with a newline", [("d", "etc"), ("f", "etc/a\nb", b"one")], X, device="nl")
        self.archive("name with a newline, next build (delta over it)", [("d", "etc"), ("f", "etc/a\nb", b"two")], X, device="nl")
        self.archive("a clean build after the newline builds", [("d", "etc"), ("f", "etc/clean", b"clean")], A, device="nl")
        self.archive("name with invalid UTF-8 (PAX hdrcharset)", [("f", "bad\udcffname")], X)
        rec = self.pax_record("comment", "only a global header")
        self.archive_case("zero-entry tar (a PAX global header only)",
                          xz(raw_header("pax_global_header", len(rec), typeflag=b"g") + pad(rec) + END), R, codes={400})
        self.invalid_utf8_deltas()
        self.archive_case("zero-entry tar (end marker only)", xz(END), R, codes={400})
        self.archive_case("empty file", b"", R, codes={400})
        self.archive_case("xz of nothing", xz(b""), R, codes={400})
        self.archive_case("garbage bytes", random.Random(7).randbytes(65536), R, codes={400})
        self.archive_case("garbage inside a valid xz", xz(random.Random(8).randbytes(65536)), R, codes={400})
        good = tar_bytes([self.unique_entry(), ("f", "payload", b"p" * 200000)])
        goodxz = xz(good)
        self.archive_case("truncated xz (half)", goodxz[:len(goodxz) // 2], R, codes={400})
        self.archive_case("truncated xz (last byte missing)", goodxz[:-1], R, codes={400})
        self.archive_case("tar truncated inside a file's data (xz whole)", xz(good[:4096]), R, codes={400})
        self.archive_case("tar without end-of-archive marker", xz(tar_bytes([self.unique_entry()], end=False)), X)
        self.archive_case("data after the end-of-archive marker", xz(good + b"trailing garbage" + b"\0" * 496), R, codes={400})
        self.archive_case("xz with trailing garbage", goodxz + b"GARBAGE!", R, codes={400})
        self.archive_case("two concatenated xz streams (valid xz)", xz(good[:len(good) // 2]) + xz(good[len(good) // 2:]), X)
        self.archive_case("gzip labelled .tar.xz", gzip.compress(tar_bytes([self.unique_entry()])), R, codes={400})
        self.archive_case("plain tar labelled .tar.xz", tar_bytes([self.unique_entry()]), R, codes={400})
        self.archive_case("bzip2 labelled .tar.xz", bz2.compress(tar_bytes([self.unique_entry()])), R, codes={400})
        self.archive_case("xz labelled .tar.gz", xz(tar_bytes([self.unique_entry()])), R, filename="ubuntu.tar.gz", codes={400})
        self.archive_case("xz labelled .tar", xz(tar_bytes([self.unique_entry()])), R, filename="ubuntu.tar", codes={400})
        self.archive_case("control: gzip as .tar.gz", gzip.compress(tar_bytes([self.unique_entry()])), A, filename="ubuntu.tar.gz")
        self.archive_case("control: plain .tar", tar_bytes([self.unique_entry()]), A, filename="ubuntu.tar")
        gz = gzip.compress(tar_bytes([self.unique_entry(), ("f", "random", random.Random(9).randbytes(100000))]))
        self.archive_case("truncated gzip", gz[:len(gz) // 2], R, filename="ubuntu.tar.gz", codes={400})
        self.archive_case("gzip bomb-ish: 64 MiB of zeros in one entry (.tar.gz)",
                          gzip.compress(tar_bytes([self.unique_entry(), ("f", "zeros", b"\0" * (64 << 20))]), 1), X,
                          filename="ubuntu.tar.gz")
        # Hand-made headers: what tarfile will not write.
        u = tar_bytes([self.unique_entry()], end=False)
        self.archive_case("bad header checksum", xz(u + raw_header("x", 1, checksum_delta=5) + pad(b"x") + END), R, codes={400})
        self.archive_case("size field 8 GiB (base-256) in a small archive",
                          xz(u + raw_header("big", size_field=b"\x80" + (8 << 30).to_bytes(11, "big")) + pad(b"x") + END), R,
                          codes={400})
        self.archive_case("negative size (base-256 0xff…)", xz(u + raw_header("neg", size_field=b"\xff" * 12) + END), R,
                          codes={400})
        self.archive_case("size field not octal", xz(u + raw_header("nan", size_field=b"9999zzzz999\0") + END), R, codes={400})
        self.archive_case("unknown type flag 'Z'", xz(u + raw_header("weird", 1, typeflag=b"Z") + pad(b"z") + END), X)
        self.archive_case("GNU sparse entry type 'S'", xz(u + raw_header("sparse", 0, typeflag=b"S") + END), X)
        self.archive_case("GNU volume header 'V'", xz(u + raw_header("vol", 0, typeflag=b"V") + END), X)
        self.archive_case("contiguous file type '7'", xz(u + raw_header("contig", 1, typeflag=b"7") + pad(b"c") + END), X)
        pax = b"99999999999 path=x\n"
        self.archive_case("PAX record with an absurd length", xz(u + raw_header("PaxHeader", len(pax), typeflag=b"x") + pad(pax)
                                                                 + raw_header("f", 1) + pad(b"f") + END), R, codes={400})
        pax = self.pax_record("path", "safe\x00/../../../tmp/pwned")
        self.archive_case("PAX path with a NUL then '../'", xz(u + raw_header("PaxHeader", len(pax), typeflag=b"x") + pad(pax)
                                                               + raw_header("f", 1) + pad(b"f") + END), X)
        pax = self.pax_record("size", str(1 << 40))
        self.archive_case("PAX size 1 TiB on a 1-byte entry", xz(u + raw_header("PaxHeader", len(pax), typeflag=b"x") + pad(pax)
                                                                 + raw_header("f", 1) + pad(b"f") + END), R, codes={400})
        pax = self.pax_record("linkpath", "../../etc/shadow")
        self.archive_case("PAX linkpath ../../etc/shadow on a hard link",
                          xz(u + raw_header("PaxHeader", len(pax), typeflag=b"x") + pad(pax)
                             + raw_header("h", 0, typeflag=b"1", linkname=b"ok") + END), R, codes={400})
        # An entry type the validator lets through, as the device's first build (no delta), then a plain build.
        self.archive_case("unknown type flag 'Z' as a device's first build", xz(u + raw_header("weird", 1, typeflag=b"Z") + pad(b"z") + END),
                          X, device="wedge")
        self.archive("a clean build after the type 'Z' build", [("f", "clean")], A, device="wedge")
        self.archive_case("xz claiming a 4 GiB dictionary", xz_with_dictionary(tar_bytes([self.unique_entry()]), 40), X)
        # Multipart part names and file names.
        t = xz(tar_bytes([self.unique_entry()]))
        self.archive_case("part named '../x'", t, R, part="../x", codes={400})
        self.archive_case("part named 'version' (the server's own)", t, R, part="version", codes={400})
        self.archive_case("part named 'Ubuntu' (upper case)", t, R, part="Ubuntu", codes={400})
        self.archive_case("part named 'a b'", t, R, part="a b", codes={400})
        self.archive_case("file name ending .zip", t, R, filename="ubuntu.zip", codes={400})
        self.archive_case("file name '../../../evil.tar.xz' (ignored but for its ending)", t, X,
                          filename="../../../probe-evil.tar.xz",
                          check=lambda r: self.no_file_named("probe-evil"))
        before = self.snapshot()
        r = self.upload("arch", "dev", [("ubuntu", "a.tar.xz", t), ("ubuntu", "b.tar.xz", t)])
        self.record("the same part twice", "two parts named ubuntu", R, r, before, codes={400})

    def delta_bytes(self, channel, device, version):
        """The decompressed ubuntu delta to VERSION of a device, read from the tree, or None."""
        try:
            with open(os.path.join(self.www, channel, device, "index.json")) as f:
                index = json.load(f)
        except (OSError, ValueError):
            return None
        for image in index.get("images", []):
            if image.get("type") == "delta" and image.get("version") == version:
                for f in image.get("files", []):
                    if "delta" in f["path"]:
                        with open(os.path.join(self.www, f["path"].lstrip("/")), "rb") as fh:
                            return lzma.decompress(fh.read())
        return None

    def invalid_utf8_deltas(self):
        """A name that is not UTF-8 (PAX hdrcharset=BINARY, as Python's tarfile writes it) or a link to one: refused, since
        .NET reads such names with U+FFFD in place of the bytes and a delta would then name another file."""
        bad = "bad\udcffname"
        for what, entries in [("a file", [("f", bad, b"one")]), ("a symbolic link's target", [("s", "link", bad)])]:
            before = self.snapshot()
            r = self.upload("arch", "u8", [("ubuntu", "ubuntu.tar.xz", xz(tar_bytes([self.unique_entry()] + entries)))])

            def check(r):
                return None if "not valid UTF-8" in (r.detail() or "") else f"refused without saying why: {r.short()}"
            self.record(f"name not UTF-8 (b'bad\\xffname'): {what}", f"POST …/arch/devices/u8/images: {bad!a} + unique entry",
                        "refused", r, before, codes={400}, check=check)

    @staticmethod
    def pax_record(key, value):
        body = f" {key}={value}\n".encode("utf-8", "surrogateescape")
        n = len(body) + 1
        while len(str(n).encode()) + len(body) != n:
            n = len(str(n).encode()) + len(body)
        return str(n).encode() + body

    def no_file_named(self, fragment):
        for dirpath, dirnames, filenames in os.walk(os.path.dirname(self.data)):
            for f in filenames + dirnames:
                if fragment in f:
                    return f"a file named after the upload's file name exists: {os.path.join(dirpath, f)}"
        return None

    def many_entries(self):
        count = 1_100_000
        path = os.path.join(self.out, "many-entries.tar.xz")
        t = time.monotonic()
        size = many_entries_xz(path, count)
        built = time.monotonic() - t
        with open(path, "rb") as f:
            payload = f.read()
        before_mem = self.vmhwm()
        reset = self.reset_peak()
        after_reset = self.vmhwm()
        t = time.monotonic()
        case = self.archive_case(f"{count:,} empty files (> MaxEntriesPerPart 1,000,000)", payload, "refused", codes={400},
                                 note=f" ({size / 1e6:.1f} MB .tar.xz of {count:,} entries, built in {built:.1f} s)")
        took = time.monotonic() - t
        after = self.vmhwm()
        self.memory["many_entries"] = {
            "entries": count, "xz_bytes": size, "seconds": round(took, 1),
            "vmhwm_before_mib": before_mem.get("VmHWM"), "vmrss_before_mib": after_reset.get("VmRSS"),
            "peak_reset": reset, "vmhwm_after_mib": after.get("VmHWM"), "vmrss_after_mib": after.get("VmRSS"),
        }
        case["memory"] = self.memory["many_entries"]
        limit = 600
        if after.get("VmHWM", 0) > limit:
            case["findings"].append(f"peak memory {after.get('VmHWM')} MiB during the refusal (over {limit} MiB)")
        os.remove(path)

    # -- 3. requests ------------------------------------------------------------------------------------------------

    def part(self):
        return ("ubuntu", "ubuntu.tar.xz", xz(tar_bytes([self.unique_entry()])))

    def upload_case(self, name, sections, expect="refused", codes=frozenset({400}), content_type=None, sent=None, **kw):
        before = self.snapshot()
        r = self.upload("stable", "mako", sections, content_type=content_type, **kw)
        size = len(sections) if isinstance(sections, bytes) else len(multipart(sections)[0])
        return self.record(name, sent or f"POST /api/v1/channels/stable/devices/mako/images ({size} bytes multipart)",
                           expect, r, before, codes=set(codes) if codes else None)

    def json_case(self, name, method, path, doc, expect="refused", codes=frozenset({400}), token="admin", raw_body=None,
                  content_type="application/json", **kw):
        before = self.snapshot()
        body = raw_body if raw_body is not None else json.dumps(doc).encode()
        r = self.http.request(method, "/api/v1" + path, body=body, headers={"Content-Type": content_type} if content_type else {},
                              token=self.admin if token == "admin" else token)
        shown_body = shown(body.decode("utf-8", "replace"), 80)
        return self.record(name, f"{method} /api/v1{path} {shown_body}", expect, r, before,
                           codes=set(codes) if codes else None, **kw)

    def requests(self):
        self.group = "requests"
        body, ctype = multipart([self.part()], close=False)
        self.upload_case("multipart without its closing boundary", body, content_type=ctype)
        body, ctype = multipart([self.part()])
        self.upload_case("multipart cut off inside the file part", body[:len(body) // 2], content_type=ctype)
        fields = [(f"f{i}", None, "v") for i in range(5000)]
        before_mem = self.vmhwm()
        self.reset_peak()
        self.upload_case("5,000 multipart fields", [self.part()] + fields)
        self.memory["5000_fields"] = {"vmhwm_before_mib": before_mem.get("VmHWM"), "vmhwm_after_mib": self.vmhwm().get("VmHWM")}
        before_mem = self.vmhwm()
        self.reset_peak()
        self.upload_case("5,000 file parts", [(f"p{i}", f"p{i}.tar.xz", b"x" * 10) for i in range(5000)])
        self.memory["5000_file_parts"] = {"vmhwm_before_mib": before_mem.get("VmHWM"), "vmhwm_after_mib": self.vmhwm().get("VmHWM")}
        self.upload_case("40 fields of 64 KiB", [self.part()] + [(f"description", None, "d" * 65536)] * 40)
        self.upload_case("40 file parts of 64 KiB", [(f"p{i}", f"p{i}.tar.xz", b"x" * 65536) for i in range(40)])
        self.upload_case("a 1 MB description field", [self.part(), ("description", None, "d" * (1 << 20))])
        self.upload_case("a 1 MB unknown field", [self.part(), ("comment", None, "c" * (1 << 20))])
        self.upload_case("unknown field 'foo'", [self.part(), ("foo", None, "bar")])
        self.upload_case("a field name of 2 KiB", [self.part(), ("n" * 2048, None, "v")])
        self.upload_case("a field name with control characters", [self.part(), ("desc\x01ription", None, "v")])
        self.upload_case("description twice", [self.part(), ("description", None, "a"), ("description", None, "b")])
        self.upload_case("phasedPercentage twice", [self.part(), ("phasedPercentage", None, "10"), ("phasedPercentage", None, "90")])
        body, ctype = multipart([self.part(), b"--hostileProbeBoundary7d1f\r\nX-Other: 1\r\n\r\nvalue\r\n"])
        self.upload_case("a section without Content-Disposition", body, content_type=ctype)
        body, ctype = multipart([self.part(), b"--hostileProbeBoundary7d1f\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n"])
        self.upload_case("a Content-Disposition without a name", body, content_type=ctype)
        body, ctype = multipart([self.part(), b"--hostileProbeBoundary7d1f\r\nContent-Disposition: form-data; name=\"tag\"\r\nX-Pad: "
                                 + b"p" * 20000 + b"\r\n\r\nv\r\n"])
        self.upload_case("section headers of 20 KB", body, content_type=ctype)
        body, _ = multipart([self.part()])
        self.upload_case("multipart/form-data without a boundary", body, content_type="multipart/form-data")
        long_b = "b" * 200
        body, ctype = multipart([self.part()], boundary=long_b)
        self.upload_case("a 200-character boundary", body, expect="any", codes=None, content_type=ctype)
        self.upload_case("upload sent as application/json", b'{"ubuntu": "x"}', content_type="application/json")
        self.upload_case("upload sent as text/plain", body, content_type="text/plain")
        self.upload_case("upload without Content-Type", body, content_type="")
        self.upload_case("upload with fields but no file part", [("description", None, "nothing")])
        for field, value in (("minVersion", "-7"), ("minVersion", str(10 ** 9)), ("minVersion", "abc"), ("minVersion", "1e3"),
                             ("minVersion", "99999999999999999999"), ("phasedPercentage", "-1"), ("phasedPercentage", "101"),
                             ("phasedPercentage", "abc"), ("phasedPercentage", ""), ("tag", "a,b"), ("tag", "a=b"),
                             ("tag", "t" * 65), ("tag", "t\x07"), ("bootme", "maybe"), ("description", "d" * 5000),
                             ("description", "bell\x07"), ("description", b"invalid UTF-8 \xff\xfe \xed\xa0\x80")):
            data = value if isinstance(value, bytes) else value.encode()
            self.upload_case(f"upload field {field}={shown(value, 30)}", [self.part(), (field, None, data)])
        # JSON bodies.
        self.json_case("POST /channels as text/plain", "POST", "/channels", {"name": "ct1"}, codes={400, 415}, content_type="text/plain")
        self.json_case("POST /channels as application/xml", "POST", "/channels", None, codes={400, 415},
                       raw_body=b"<name>ct2</name>", content_type="application/xml")
        self.json_case("POST /channels without Content-Type", "POST", "/channels", {"name": "ct3"}, codes={400, 415}, content_type=None)
        self.json_case("POST /channels as a form", "POST", "/channels", None, codes={400, 415}, raw_body=b"name=ct4",
                       content_type="application/x-www-form-urlencoded")
        for name, raw in (("'{'", b"{"), ("'{\"name\":}'", b'{"name":}'), ("an array", b"[1,2]"), ("null", b"null"),
                          ("a string", b'"str"'), ("invalid UTF-8", b'{"name":"\xff\xfe"}'), ("10,000 nested arrays", b"[" * 10000 + b"]" * 10000),
                          ("trailing garbage", b'{"name":"tg1"} junk'), ("an empty body", b""), ("a NUL byte", b'{"name":"a\x00"}'),
                          ("a comment", b'{"name":"cm1" /* c */}'), ("single quotes", b"{'name':'sq1'}")):
            self.json_case(f"malformed JSON: {name}", "POST", "/channels", None, raw_body=raw)
        for doc in ({"name": 5}, {"name": ["a"]}, {"name": {"a": 1}}, {"name": "jt1", "hidden": "yes"},
                    {"name": "jt2", "hidden": 1}, {"name": True}, {"name": "jt3", "alias": 7}):
            self.json_case(f"wrong types {shown(json.dumps(doc), 40)}", "POST", "/channels", doc)
        self.json_case("duplicate key name: '../x' then 'dupkey-ok'", "POST", "/channels", None, expect="any", codes=None,
                       raw_body=b'{"name":"../x","name":"dupkey-ok"}')
        self.json_case("a 10 MB channel name", "POST", "/channels", {"name": "n" * (10 << 20)}, codes={400, 413})
        self.json_case("PATCH paused 'no'", "PATCH", "/channels/stable", {"paused": "no"})
        self.json_case("PATCH hidden null and unknown fields", "PATCH", "/channels/stable", {"hidden": None, "evil": 1},
                       expect="any", codes=None)
        img = "/channels/stable/devices/mako/images/1"
        for value in ("abc", 1e100, 50.5, -1, 101, None, [50], 2 ** 31):
            self.json_case(f"phased percentage {shown(json.dumps(value), 20)}", "PUT", img + "/phased-percentage", {"percentage": value})
        self.json_case("phased percentage: empty object", "PUT", img + "/phased-percentage", {})
        self.json_case("description of 1 MB", "PUT", img + "/description", {"description": "d" * (1 << 20)})
        self.json_case("description of 4097 bytes", "PUT", img + "/description", {"description": "d" * 4097})
        self.json_case("description of 2049 two-byte characters (4098 bytes)", "PUT", img + "/description", {"description": "\u00e9" * 2049})
        self.json_case("control: description of 4096 bytes", "PUT", img + "/description", {"description": "d" * 4096},
                       expect="accepted", codes=None)
        self.json_case("description with a control character", "PUT", img + "/description", {"description": "bell\x07"})
        self.json_case("65 translations", "PUT", img + "/description",
                       {"description": "d", "translations": {f"l{i}": "t" for i in range(65)}})
        self.json_case("a translation of 1 MB", "PUT", img + "/description", {"description": "d", "translations": {"de": "t" * (1 << 20)}})
        self.json_case("a translation with a control character", "PUT", img + "/description",
                       {"description": "d", "translations": {"de": "a\x1bb"}})
        self.json_case("a translation language '../x'", "PUT", img + "/description", {"description": "d", "translations": {"../x": "t"}},
                       expect="any", codes=None)
        self.json_case("translations as a list", "PUT", img + "/description", {"description": "d", "translations": ["de"]})
        for tag in ("a,b", "a=b", "t" * 65, 5, "t\n"):
            self.json_case(f"tag {shown(json.dumps(tag), 30)}", "POST", img + "/tag", {"tag": tag})
        for doc, expect in (({"fromChannel": "../x"}, "refused"), ({"fromChannel": "stable", "version": -1}, "refused"),
                            ({"fromChannel": "stable", "phasedPercentage": 101}, "refused"),
                            ({"fromChannel": "stable", "version": 99999999}, "refused"),
                            ({"fromChannel": "stable", "offset": -99999}, "refused"),
                            ({"fromChannel": "stable", "tag": "a=b"}, "refused")):
            self.json_case(f"copy {shown(json.dumps(doc), 50)}", "POST", "/channels/target/devices/mako/images/copy", doc,
                           expect=expect, codes={400, 404, 409})
        cfg = {"type": "auto", "versionBase": 1, "fullCount": 10, "deltaBase": [], "files": [{"name": "version", "generator": "version",
                                                                                            "arguments": []}], "schedule": None, "paused": False}
        for name, change in (("versionBase -5", {"versionBase": -5}), ("versionBase 70000", {"versionBase": 70000}),
                             ("fullCount -1", {"fullCount": -1}), ("schedule of 8 fields", {"schedule": "* * * * * * * *"}),
                             ("deltaBase ../x", {"deltaBase": ["../x"]}),
                             ("generator ../x", {"files": [{"name": "ubuntu", "generator": "../x", "arguments": []}]}),
                             ("part name ../x", {"files": [{"name": "../x", "generator": "version", "arguments": []}]}),
                             ("http generator to a file: URL", {"files": [{"name": "ubuntu", "generator": "http", "arguments": ["file:///etc/passwd"]},
                                                                           {"name": "version", "generator": "version", "arguments": []}]})):
            self.json_case(f"config {name}", "PUT", "/channels/victim/config", dict(cfg, **change))
        for route in ("/audit", "/jobs"):
            for value in ("-1", "0", str(10 ** 9), "abc", "1.5", "1001", "99999999999999999999"):
                before = self.snapshot()
                r = self.api("GET", f"{route}?limit={value}")
                self.record(f"GET {route}?limit={value}", f"GET /api/v1{route}?limit={value}", "refused", r, before, codes={400})
            for value in ("1", "1000"):
                r = self.api("GET", f"{route}?limit={value}")
                self.record(f"control: GET {route}?limit={value}", f"GET /api/v1{route}?limit={value}", "accepted", r)
        for query in ("since=yesterday", "since=9999-99-99", "channel=%00"):
            r = self.api("GET", f"/audit?{query}")
            self.record(f"GET /audit?{query}", f"GET /api/v1/audit?{query}", "refused" if "since" in query else "any", r,
                        codes={400} if "since" in query else None)
        for path, expect in (("/channels/stable/devices/mako/images?type=evil", "refused"),
                             ("/channels/stable/devices/mako/images/99999999999", "refused"),
                             ("/channels/stable/devices/mako/images/1?type=delta", "refused"),
                             ("/jobs/999999", "refused"), ("/tokens/-1", "refused"), ("/users/..%2F..%2Fadmin", "refused")):
            r = self.api("GET", path)
            self.record(f"GET {path}", f"GET /api/v1{path}", expect, r)
        for doc in ({"name": "x", "role": "superadmin"}, {"name": "x", "role": "admin", "expiresAt": "2000-01-01T00:00:00Z"},
                    {"name": "x", "role": "admin", "expiresAt": "not a date"}, {"name": "", "role": "viewer"}):
            self.json_case(f"token {shown(json.dumps(doc), 60)}", "POST", "/tokens", doc)
        self.json_case("token named with 10 KB", "POST", "/tokens", {"name": "t" * 10240, "role": "viewer"}, expect="any", codes=None)
        for doc in ({"name": "a b", "role": "viewer"}, {"name": "u" * 101, "role": "viewer"}, {"name": "shortpw", "role": "viewer", "password": "p" * 11},
                    {"name": "longpw", "role": "viewer", "password": "p" * 1025}, {"name": "rootuser", "role": "root"},
                    {"name": "nul\x00user", "role": "viewer"}):
            self.json_case(f"user {shown(json.dumps(doc), 60)}", "POST", "/users", doc, codes={400})
        for doc in ({"fingerprint": "zz"}, {"fingerprint": "0" * 40}, {"fingerprint": self.master_fingerprint()},
                    {"fingerprint": "A" * 40, "publicKey": "not a key"}):
            self.json_case(f"revoke key {shown(json.dumps(doc), 60)}", "POST", "/keyrings/blacklist", doc, codes={400, 404})
        r = self.api("POST", "/keyrings/..%2F..%2Fsecrets/rotate")
        self.record("rotate key '../../secrets'", "POST /api/v1/keyrings/..%2F..%2Fsecrets/rotate", "refused", r, codes={400, 404})
        r = self.api("POST", "/jobs/999999/cancel")
        self.record("cancel job 999999", "POST /api/v1/jobs/999999/cancel", "refused", r, codes={404})
        self.raw_requests()
        self.static_paths()
        self.static_methods()
        self.open_redirects()

    def master_fingerprint(self):
        r = self.api("GET", "/keyrings")
        for k in r.json() or []:
            if k.get("name") == "archive-master":
                return k["fingerprints"][0]
        return "F" * 40

    def raw_requests(self):
        auth = f"Authorization: Bearer {self.admin}\r\n".encode()
        host = f"Host: 127.0.0.1:{self.http.port}\r\n".encode()
        up = b"POST /api/v1/channels/stable/devices/mako/images HTTP/1.1\r\n" + host + auth
        js = b"POST /api/v1/channels HTTP/1.1\r\n" + host + auth + b"Content-Type: application/json\r\n"
        cases = [
            ("upload claiming Content-Length 10^13", up + b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000000000\r\n\r\n--b\r\n",
             "refused", {413}, True, False),
            ("JSON claiming Content-Length 10^13", js + b"Content-Length: 10000000000000\r\n\r\n{\"name\":\"cl1\"}", "refused", {413}, True, False),
            ("JSON claiming 1000 bytes, sending 14, then half-close (closing unanswered is fine)",
             js + b"Content-Length: 1000\r\n\r\n{\"name\":\"cl2\"}", "refused", {400}, True, True),
            ("JSON claiming 5 bytes, sending 60 (the rest a second request)",
             js + b"Content-Length: 5\r\nConnection: close\r\n\r\n{\"name\":\"cl3\"} and then some garbage that is not HTTP at all\r\n\r\n",
             "refused", {400}, True, False),
            ("Content-Length and Transfer-Encoding both", js + b"Content-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             "refused", {400}, False, False),
            ("negative Content-Length", js + b"Content-Length: -5\r\n\r\n", "refused", {400}, False, False),
            ("two different Content-Lengths", js + b"Content-Length: 14\r\nContent-Length: 15\r\n\r\n{\"name\":\"cl4\"}", "refused",
             {400}, False, False),
            ("a bad chunk size", js + b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n", "refused", {400}, False, False),
            ("a header line of 100 KB", b"GET /api/v1/channels HTTP/1.1\r\n" + host + auth + b"X-Big: " + b"x" * 100000 + b"\r\n\r\n",
             "refused", {431}, False, False),
            ("1,000 headers", b"GET /api/v1/channels HTTP/1.1\r\n" + host + auth + b"".join(b"X-H%d: v\r\n" % i for i in range(1000)) + b"\r\n",
             "refused", {431}, False, False),
            ("a URL of 100 KB", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n" + host + b"\r\n", "refused", {414, 404, 400}, False, False),
            ("HTTP/1.1 without Host", b"GET /channels.json HTTP/1.1\r\n\r\n", "refused", {400}, False, False),
            ("an unknown HTTP version", b"GET /channels.json HTTP/9.9\r\n" + host + b"\r\n", "refused", {400, 505}, False, False),
            ("a NUL in the request line", b"GET /chan\x00nels.json HTTP/1.1\r\n" + host + b"\r\n", "refused", {400}, False, False),
            ("a NUL in a header", b"GET /channels.json HTTP/1.1\r\n" + host + b"X-A: a\x00b\r\n\r\n", "refused", {400}, False, False),
        ]
        for name, data, expect, codes, api, half in cases:
            before = self.snapshot()
            r = self.http.raw(data, half_close=half, timeout=10)
            self.record(name, shown(data[:140].decode("latin-1"), 160), expect, r, before, codes=codes, api=api,
                        check=lambda r: None if r.raw_count <= 2 else f"{r.raw_count} answers", allow_no_answer=half)

    def static_paths(self):
        paths = ["/../secrets/archive-master.sec", "/..%2fsecrets%2farchive-master.sec", "/%2e%2e/secrets/archive-master.sec",
                 "/%2e%2e%2fsecrets%2farchive-master.sec", "/pool/../../systemimage.db", "/pool/%2e%2e/%2e%2e/systemimage.db",
                 "/pool/..%2f..%2fsystemimage.db", "/gpg/..%5c..%5csecrets%5carchive-master.sec", "/..\\secrets\\archive-master.sec",
                 "/%252e%252e/systemimage.db", "/.%2e/probe-outside.txt", "/../probe-outside.txt", "/%2e%2e/probe-outside.txt",
                 "/stable/../../probe-outside.txt", "/systemimage.db", "/systemimage.db-wal", "/hangfire.db", "/secrets/",
                 "/secrets/archive-master.sec", "/state/", "/state/publish.lock", "/state/verified-signatures", "/.probe-hidden",
                 "/%2eprobe-hidden", "/stable/../.probe-hidden", "//etc/passwd", "/channels.json%00.txt", "/channels.json/",
                 "/channels.json::$DATA", "/gpg", "/gpg/", "/pool/", "/stable/", "/stable/mako/", "/probe-outside.txt",
                 "/~root/.bashrc", "/proc/self/environ", "/%c0%ae%c0%ae/probe-outside.txt", "/..;/probe-outside.txt"]
        for path in paths:
            r = self.http.raw(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode(), timeout=10)

            def leak(r, path=path):
                if r.status == 200 or any(m in r.body for m in LOCAL_MARKERS):
                    return f"served {len(r.body)} bytes: {r.body[:60]!r}"
                return None
            self.record(f"GET {path}", f"GET {path} (raw)", "refused", r, api=False, codes={400, 404}, check=leak)
        r = self.http.raw(b"GET http://127.0.0.1/../probe-outside.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        self.record("absolute-form target http://127.0.0.1/../probe-outside.txt", "GET http://127.0.0.1/../probe-outside.txt",
                    "refused", r, api=False, codes={400, 404},
                    check=lambda r: f"served: {r.body[:60]!r}" if any(m in r.body for m in LOCAL_MARKERS) else None)
        r = self.http.raw(b"GET /./channels.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        self.record("control: GET /./channels.json", "GET /./channels.json", "accepted", r, api=False)

    def static_methods(self):
        channels = os.path.join(self.www, "channels.json")
        for method, path, body in (("PUT", "/channels.json", b"{}"), ("DELETE", "/channels.json", None), ("POST", "/channels.json", b"{}"),
                                   ("PATCH", "/channels.json", b"{}"), ("PUT", "/pool/probe-new.tar.xz", b"x"),
                                   ("DELETE", "/gpg/archive-master.tar.xz", None), ("PUT", "/stable/mako/index.json", b"{}"),
                                   ("MKCOL", "/probe-newdir", None), ("PROPFIND", "/", None), ("MOVE", "/channels.json", None),
                                   ("COPY", "/channels.json", None), ("CONNECT", "/channels.json", None)):
            before = self.snapshot()
            headers = {"Destination": "/probe-moved.json"} if method in ("MOVE", "COPY") else {}
            if body is not None:
                headers["Content-Type"] = "application/json"
            r = self.http.request(method, path, body=body, headers=headers)
            self.record(f"{method} {path}", f"{method} {path}", "refused", r, before, api=False, codes={400, 404, 405})
        r = self.http.raw(b"TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Probe-Secret: trace-me\r\nCookie: session=trace-me\r\nConnection: close\r\n\r\n")
        self.record("TRACE / (echoes headers?)", "TRACE / with X-Probe-Secret and a cookie", "refused", r, api=False,
                    codes={400, 404, 405}, check=lambda r: "echoed the request headers" if b"trace-me" in r.body else None)
        r = self.http.request("OPTIONS", "/channels.json")
        self.record("OPTIONS /channels.json", "OPTIONS /channels.json", "any", r, api=False)
        r = self.http.request("HEAD", "/channels.json")
        self.record("control: HEAD /channels.json", "HEAD /channels.json", "accepted", r, api=False)
        with open(channels, "rb") as f:
            content = f.read()
        r = self.http.request("GET", "/channels.json")
        self.record("channels.json unchanged after the method cases", "GET /channels.json", "accepted", r, api=False,
                    check=lambda r: None if r.body == content else "the served channels.json differs from the file")

    def location_check(self, r):
        loc = r.header("Location") if r is not None else None
        if not loc:
            return None
        u = urllib.parse.urlsplit(loc.strip())
        here = f"{self.http.host}:{self.http.port}"
        if u.scheme or u.netloc:
            if u.scheme not in ("http", "https") or u.netloc != here:
                return f"redirects off the server: Location {loc!r}"
        elif loc.startswith(("//", "/\\", "\\")) or loc.strip() != loc:
            return f"Location {loc!r} leaves the server in a browser"
        return None

    def open_redirects(self):
        for query in ("ReturnUrl=https://evil.example", "returnUrl=//evil.example", "returnUrl=/%5Cevil.example",
                      "returnUrl=%2F%09%2Fevil.example"):
            r = self.http.request("GET", f"/admin/sign-in?{query}")
            hidden = re.search(rb'name="returnUrl" value="([^"]*)"', r.body)
            value = hidden.group(1).decode() if hidden else None

            def bad(r, value=value):
                # The page may carry any local path: the sign-in cases below check where it finally leads.
                if value is None:
                    return "no returnUrl field on the page"
                return None if value.startswith("/") and not value.startswith(("//", "/\\")) else f"the form carries returnUrl {value!r}"
            self.record(f"GET /admin/sign-in?{query}", f"GET /admin/sign-in?{query}", "any", r, api=False, check=bad,
                        actual=f"form returnUrl={value!r}")
        for path in ("/admin/signin?ReturnUrl=https://evil.example", "/admin/sign-in/sso?returnUrl=https://evil.example",
                     "//evil.example/", "/admin//evil.example", "/admin/account?returnUrl=//evil.example"):
            r = self.http.request("GET", path)
            self.record(f"GET {path}", f"GET {path} (no session)", "any", r, api=False, check=self.location_check,
                        actual=f"{r.status} Location: {r.header('Location')}")
        urls = ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
                "https:evil.example", "javascript:alert(1)", " //evil.example", "\t//evil.example", "/%2F%2Fevil.example",
                "//evil.example/%2F..", "/\\/evil.example", "http://127.0.0.1.evil.example/", "/admin@evil.example",
                "///evil.example", "/\r\nLocation: https://evil.example"]
        users = {}
        for i in range(2):
            name = f"redir{i}"
            pw = f"redirect-probe-{i}-password"
            self.must(self.api("POST", "/users", {"name": name, "role": "viewer", "password": pw}), f"user {name}")
            users[name] = pw
        for i, url in enumerate(urls):
            name = f"redir{i // 8}"
            src = self.src() if i % 8 == 0 else src
            r, jar = self.sign_in(name, users[name], return_url=url, src=src)
            self.record(f"sign-in with returnUrl {shown(url, 40)}", f"POST /admin/sign-in name={name} returnUrl={shown(url)}",
                        "any", r, api=False, codes={302}, check=self.location_check, actual=f"Location: {r.header('Location')}")

    # -- sign-in helpers --------------------------------------------------------------------------------------------

    @staticmethod
    def cookies_of(resp, jar=None):
        jar = dict(jar or {})
        for value in resp.all_headers("Set-Cookie"):
            nv = value.split(";")[0]
            k, _, v = nv.partition("=")
            if "expires=thu, 01 jan 1970" in value.lower() or v == "":
                jar.pop(k.strip(), None)
            else:
                jar[k.strip()] = v
        return jar

    @staticmethod
    def cookie_header(jar):
        return "; ".join(f"{k}={v}" for k, v in jar.items())

    def form_token(self, path, jar, src=None):
        r = self.http.request("GET", path, headers={"Cookie": self.cookie_header(jar)} if jar else {}, src=src)
        jar = self.cookies_of(r, jar)
        m = re.search(rb'name="__RequestVerificationToken" value="([^"]+)"', r.body)
        return (m.group(1).decode() if m else None), jar, r

    def sign_in(self, name, password, return_url=None, src=None, extra=None, token=True):
        tok, jar, _ = self.form_token("/admin/sign-in", {}, src=src)
        form = {"_handler": "sign-in", "name": name, "password": password}
        if token:
            form["__RequestVerificationToken"] = tok or ""
        if return_url is not None:
            form["returnUrl"] = return_url
        form.update(extra or {})
        body = urllib.parse.urlencode(form)
        r = self.http.request("POST", "/admin/sign-in", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie_header(jar)}, src=src)
        return r, self.cookies_of(r, jar)

    def change_password(self, jar, current, new, return_url=None, src=None):
        tok, jar, page = self.form_token("/admin/account", jar, src=src)
        form = {"_handler": "change-password", "__RequestVerificationToken": tok or "", "current": current,
                "replacement": new, "repeat": new}
        if return_url is not None:
            form["returnUrl"] = return_url
        r = self.http.request("POST", "/admin/account", body=urllib.parse.urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie_header(jar)}, src=src)
        return r, self.cookies_of(r, jar)

    def page(self, path, jar, method="GET", src=None):
        return self.http.request(method, path, headers={"Cookie": self.cookie_header(jar)}, src=src)

    # -- 4. tokens and sign-in --------------------------------------------------------------------------------------

    def auth(self):
        self.group = "auth"
        t = self.tokens
        for method, path in (("GET", "/channels"), ("POST", "/channels"), ("GET", "/tokens"), ("DELETE", "/channels/victim")):
            r = self.http.request(method, "/api/v1" + path, body=b"{}" if method == "POST" else None,
                                  headers={"Content-Type": "application/json"} if method == "POST" else {})
            self.record(f"no token: {method} {path}", f"{method} /api/v1{path} without Authorization", "refused", r, codes={401})
        valid = self.admin
        for name, value in (("'Bearer' alone", "Bearer"), ("'Bearer ' and nothing", "Bearer "), ("a short bearer", "Bearer x"),
                            ("Basic credentials", "Basic YWRtaW46YWRtaW4="), ("the token plus one character", f"Bearer {valid}x"),
                            ("the token minus one character", f"Bearer {valid[:-1]}"), ("the token and a second word", f"Bearer {valid} extra"),
                            ("'Token' scheme", f"Token {valid}"), ("the token alone, no scheme", valid),
                            ("an 8 KB token", "Bearer " + "A" * 8192), ("a token of another alphabet", "Bearer sis_\u00e9\u00e9\u00e9".encode().decode("latin-1")),
                            ("upper-case token", f"Bearer {valid.upper()}"), ("the prefix only", "Bearer sis_")):
            r = self.http.request("POST", "/api/v1/channels", body=b'{"name":"badtoken"}',
                                  headers={"Content-Type": "application/json", "Authorization": value})
            self.record(f"malformed bearer: {name}", f"POST /api/v1/channels with Authorization: {shown(value, 60)}", "refused", r,
                        codes={401})
        r = self.http.raw(f"GET /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {self.tokens['viewer']}\r\n"
                          f"Authorization: Bearer {valid}\r\nConnection: close\r\n\r\n".encode())
        self.record("two Authorization headers (viewer, then admin)", "GET /api/v1/tokens with two Authorization headers", "refused", r,
                    codes={400, 401, 403})
        r = self.api("GET", "/channels", token=t["revoked"])
        self.record("revoked token", "GET /api/v1/channels with a revoked admin token", "refused", r, codes={401})
        wait = t["expiring_created"] + 5 - time.time()
        if wait > 0:
            time.sleep(wait)
        r = self.api("GET", "/channels", token=t["expiring"])
        self.record("expired token", "GET /api/v1/channels with an admin token whose expiresAt has passed", "refused", r, codes={401})
        admin_calls = [("POST", "/channels", {"name": "by-low-role"}), ("DELETE", "/channels/victim", None),
                       ("POST", "/channels/victim/rename", {"newName": "victim2"}), ("POST", "/channels/stable/devices", {"name": "lowrole"}),
                       ("POST", "/tokens", {"name": "escalate", "role": "admin"}), ("GET", "/tokens", None),
                       ("POST", "/tree/cleanup", None), ("POST", "/tree/resign", None), ("GET", "/users", None),
                       ("POST", "/users", {"name": "escalate", "role": "admin", "password": "escalate-password-1"}),
                       ("PUT", "/channels/victim/config", {"type": "manual"}), ("POST", "/keyrings/image-signing/rotate", None),
                       ("POST", "/keyrings/blacklist", {"fingerprint": "0" * 40}), ("POST", "/jobs/1/cancel", None),
                       ("POST", "/config/import-ini", "[global]\nchannels = lowrole\n"),
                       ("PUT", "/channels/stable/devices/mako/keyring", None)]
        publisher_calls = [("POST", "/channels/stable/devices/mako/images", None),
                           ("PUT", "/channels/stable/devices/mako/images/1/phased-percentage", {"percentage": 50}),
                           ("PUT", "/channels/stable/devices/mako/images/1/description", {"description": "viewer was here"}),
                           ("DELETE", "/channels/stable/devices/mako/images/1", None), ("POST", "/channels/victim/import", None)]
        for role, calls in (("viewer", admin_calls + publisher_calls), ("publisher", admin_calls)):
            for method, path, doc in calls:
                before = self.snapshot()
                if isinstance(doc, str):
                    r = self.http.request(method, "/api/v1" + path, body=doc.encode(), headers={"Content-Type": "text/plain"}, token=t[role])
                elif path.endswith("/images") and method == "POST":
                    r = self.upload("stable", "mako", [self.part()], token=t[role])
                else:
                    r = self.api(method, path, doc, token=t[role])
                self.record(f"{role} token: {method} {path}", f"{method} /api/v1{path} with a {role} token", "refused", r, before,
                            codes={403})
        r = self.api("GET", "/channels", token=t["viewer"])
        self.record("control: viewer token lists channels", "GET /api/v1/channels with a viewer token", "accepted", r)
        r = self.http.request("GET", "/admin/jobs", token=t["viewer"])
        self.record("viewer token on the Hangfire dashboard", "GET /admin/jobs with a viewer token", "refused", r, api=False, codes={403})
        r = self.http.request("GET", "/admin/jobs")
        self.record("no token on the Hangfire dashboard", "GET /admin/jobs", "refused", r, api=False, codes={401, 302}, allow_3xx=True,
                    check=lambda r: None if r.status != 302 or "/admin/sign-in" in (r.header("Location") or "") else f"Location {r.header('Location')}")
        self.sessions()
        self.brute_force()
        self.timing()

    def sessions(self):
        alice_pw = self.passwords.get("alice")
        new_pw = "alice-own-password-" + str(random.Random(3).randrange(10 ** 6))
        src = self.src()
        r, jar = self.sign_in("alice", alice_pw, src=src)
        self.record("alice signs in with her one-time password", "POST /admin/sign-in name=alice", "any", r, api=False, codes={302},
                    actual=f"Location: {r.header('Location')}")
        r = self.page("/admin", jar, src=src)
        self.record("one-time password: /admin redirects to /admin/account", "GET /admin with alice's cookie", "any", r, api=False,
                    codes={302}, check=lambda r: None if "/admin/account" in (r.header("Location") or "") else f"Location {r.header('Location')}",
                    actual=f"Location: {r.header('Location')}")
        r, jar2 = self.change_password(jar, alice_pw, new_pw, return_url="//evil.example", src=src)
        self.record("password change with returnUrl //evil.example", "POST /admin/account (change-password) returnUrl=//evil.example",
                    "any", r, api=False, check=self.location_check, actual=f"{r.status} Location: {r.header('Location')}")
        if r.status not in (200, 302) or "systemimage" not in jar2:
            self.finish("alice's password change worked", "POST /admin/account", "a new cookie", r.status, r.short(),
                        [f"the password change did not give a new cookie ({r.status}): {r.short()}"])
        jar = jar2
        r = self.page("/admin", jar, src=src)
        self.record("control: alice's new cookie opens /admin", "GET /admin with alice's cookie", "accepted", r, api=False)
        copied = dict(jar)
        r = self.http.request("POST", "/admin/sign-out", body=b"", headers={"Cookie": self.cookie_header(jar),
                                                                          "Content-Type": "application/x-www-form-urlencoded"}, src=src)
        self.record("sign-out without an anti-forgery token", "POST /admin/sign-out with alice's cookie, no token", "refused", r,
                    api=False, codes={400})
        r = self.page("/admin", jar, src=src)
        self.record("the session survives a refused sign-out", "GET /admin with alice's cookie", "accepted", r, api=False)
        tok, jar, _ = self.form_token("/admin/account", jar, src=src)
        r = self.http.request("POST", "/admin/sign-out", body=urllib.parse.urlencode({"__RequestVerificationToken": tok or ""}),
                              headers={"Cookie": self.cookie_header(jar), "Content-Type": "application/x-www-form-urlencoded"}, src=src)
        self.record("sign-out with its token", "POST /admin/sign-out with alice's cookie and token", "any", r, api=False, codes={302},
                    actual=f"Location: {r.header('Location')}")
        for path in ("/admin", "/admin/users", "/admin/account", "/api/v1/channels"):
            r = self.page(path, copied, src=src)
            self.record(f"cookie copied before sign-out, used after: {path}", f"GET {path} with alice's old cookie", "refused", r,
                        api=path.startswith("/api"), allow_3xx=True, codes={302, 401},
                        check=lambda r: None if r.status != 302 or "/admin/sign-in" in (r.header("Location") or "") else f"Location {r.header('Location')}",
                        actual=f"{r.status} Location: {r.header('Location')}")
        r = self.page("/admin", {"systemimage": "CfDJ8garbage" + "A" * 300}, src=src)
        self.record("a forged cookie", "GET /admin with a made-up systemimage cookie", "refused", r, api=False, allow_3xx=True,
                    codes={302, 401}, actual=f"{r.status} Location: {r.header('Location')}")
        # The one-time-password user reaches nothing but /admin/account.
        otp_src = self.src()
        r, ojar = self.sign_in("otp", self.passwords.get("otp"), src=otp_src)
        self.record("otp signs in with a one-time password", "POST /admin/sign-in name=otp", "any", r, api=False, codes={302},
                    actual=f"Location: {r.header('Location')}")
        for path in ("/admin", "/admin/users", "/admin/tokens", "/admin/keys", "/admin/channels/stable", "/admin/jobs",
                     "/admin/api/", "/openapi/v1.json", "/admin/runs"):
            r = self.page(path, ojar, src=otp_src)
            self.record(f"one-time password user: GET {path}", f"GET {path} with otp's cookie", "refused", r, api=False,
                        allow_3xx=True, codes={302},
                        check=lambda r: None if "/admin/account" in (r.header("Location") or "") else f"not sent to /admin/account: {r.status} {r.header('Location')}",
                        actual=f"{r.status} Location: {r.header('Location')}")
        for method, path in (("POST", "/api/v1/channels"), ("POST", "/admin/users"), ("GET", "/api/v1/users")):
            r = self.http.request(method, path, body=b'{"name":"by-otp"}' if method == "POST" else None,
                                  headers={"Cookie": self.cookie_header(ojar), "Content-Type": "application/json"}, src=otp_src)
            self.record(f"one-time password user: {method} {path}", f"{method} {path} with otp's cookie", "refused", r,
                        api=False, codes={400, 401, 403, 405})
        r = self.page("/admin/account", ojar, src=otp_src)
        self.record("control: one-time password user opens /admin/account", "GET /admin/account with otp's cookie", "accepted", r, api=False)
        # A disabled and a removed user's cookies.
        for name, how in (("dis1", "disable"), ("rem1", "remove")):
            pw = f"{name}-probe-password"
            self.must(self.api("POST", "/users", {"name": name, "role": "viewer", "password": pw}), f"user {name}")
            s = self.src()
            r, ujar = self.sign_in(name, pw, src=s)
            ok = self.page("/admin/account", ujar, src=s).status
            if how == "disable":
                self.api("PATCH", f"/users/{name}", {"disabled": True})
            else:
                self.api("DELETE", f"/users/{name}")
            r = self.page("/admin/account", ujar, src=s)
            self.record(f"cookie of a user who was then {how}d", f"GET /admin/account with {name}'s cookie (before: {ok})", "refused", r,
                        api=False, allow_3xx=True, codes={302, 401},
                        check=lambda r: None if r.status != 302 or "/admin/sign-in" in (r.header("Location") or "") else f"Location {r.header('Location')}",
                        actual=f"{r.status} Location: {r.header('Location')}")
        # Odd sign-in forms.
        s = self.src()
        for name, user, pw, extra, token in (
                ("a user name of 2,000 characters", "u" * 2000, "whatever-password", None, True),
                ("a password of 2,000 characters", "nobody", "p" * 2000, None, True),
                ("a password of 60 KB", "nobody", "p" * 60000, None, True),
                ("a password of 1 MB (over the form limit)", "nobody", "p" * (1 << 20), None, True),
                ("a NUL in the user name", "ali\x00ce", "whatever-password", None, True),
                ("control characters in the user name", "\x1b[31malice\r\n", "whatever-password", None, True),
                ("no anti-forgery token", "alice", "whatever-password", None, False),
                ("5,000 form fields", "nobody", "whatever-password", {f"f{i}": "v" for i in range(5000)}, True),
                ("a form field name of 2 KB", "nobody", "whatever-password", {"k" * 2048: "v"}, True)):
            r, _ = self.sign_in(user, pw, src=s, extra=extra, token=token)
            self.record(f"sign-in with {name}", f"POST /admin/sign-in with {name}", "refused", r, api=False, codes={400, 401, 429},
                        check=lambda r: "signed in" if "systemimage" in self.cookies_of(r) else None)

    def brute_force(self):
        src = self.src()
        right = self.passwords.get("bob")
        statuses = []
        for i in range(1, 41):
            pw = right if i == 6 else f"wrong-password-{i}"
            r, jar = self.sign_in("bob", pw, src=src)
            statuses.append(r.status)
            if i <= 5:
                expect, codes, what = "refused", {401}, "wrong password"
            elif i == 6:
                expect, codes, what = "refused", {401}, "the RIGHT password while locked"
            elif i <= 10:
                expect, codes, what = "refused", {401}, "wrong password (locked)"
            else:
                expect, codes, what = "refused", {429}, "wrong password beyond 10 a minute"

            def check(r, i=i, jar=jar):
                if "systemimage" in jar:
                    return "signed in"
                if r.status == 429 and not (r.header("Retry-After") or "").strip().isdigit():
                    return f"429 without a Retry-After in seconds ({r.header('Retry-After')!r})"
                if r.status == 401 and b"Wrong user name or password." not in r.body:
                    return "401 without the sign-in page's message"
                return None
            self.record(f"brute force bob #{i}: {what}", f"POST /admin/sign-in name=bob ({'right' if i == 6 else 'wrong'} password), burst",
                        expect, r, api=False, codes=codes, check=check,
                        actual=f"{r.status}" + (f" Retry-After {r.header('Retry-After')}" if r.header("Retry-After") else ""))
        r = self.api("GET", "/users/bob")
        doc = r.json() or {}
        self.record("bob is locked after the burst", "GET /api/v1/users/bob", "accepted", r,
                    check=lambda r: None if doc.get("lockedUntil") else f"not locked: {doc.get('state')}",
                    actual=f"state={doc.get('state')!r} lockedUntil={doc.get('lockedUntil')!r}")
        for typed in ("Bob", "BOB", " bob"):
            s = self.src()
            r, jar = self.sign_in(typed, right, src=s)
            self.record(f"right password as {typed!r} while bob is locked", f"POST /admin/sign-in name={typed!r} (right password)",
                        "refused", r, api=False, codes={401, 429},
                        check=lambda r, jar=jar: "signed in: the lockout is bypassed" if "systemimage" in jar else None)
        s = self.src()
        seen = []
        for i in range(31):
            r, _ = self.sign_in(f"nobody{i}", "whatever-password", src=s)
            seen.append(r.status)
        self.finish("31 sign-ins from one address (different names)", "31 × POST /admin/sign-in from one client address",
                    "the 31st refused with 429", seen[-1], f"statuses {seen}",
                    [] if seen[-1] == 429 and 429 not in seen[:30] else [f"statuses {seen}"])

    def timing(self):
        for i in range(10):
            self.must(self.api("POST", "/users", {"name": f"tu{i}", "role": "viewer", "password": f"timing-user-{i}-password"}), "timing user")
        src = self.src()
        known, unknown = [], []
        for i in range(10):
            for name, bucket in ((f"tu{i}", known), (f"nx{i}-nobody", unknown)):
                r, _ = self.sign_in(name, "a-wrong-password-here", src=src)
                bucket.append((r.elapsed, r.status))
        k = statistics.median(e for e, _ in known)
        u = statistics.median(e for e, _ in unknown)
        self.memory["timing"] = {"existing_user_median_ms": round(k * 1000, 1), "unknown_user_median_ms": round(u * 1000, 1),
                                 "existing_ms": [round(e * 1000, 1) for e, _ in known], "unknown_ms": [round(e * 1000, 1) for e, _ in unknown]}
        findings = []
        if {s for _, s in known + unknown} != {401}:
            findings.append(f"statuses {[s for _, s in known]} / {[s for _, s in unknown]}")
        if abs(k - u) > 0.025 and max(k, u) / max(min(k, u), 1e-6) > 1.5:
            findings.append(f"timing tells: existing {k * 1000:.0f} ms, unknown {u * 1000:.0f} ms")
        self.finish("wrong password: existing vs unknown user (medians of 10)", "10 × (tu<i>, nx<i>) interleaved, one address",
                    "same time", 401, f"existing {k * 1000:.1f} ms, unknown {u * 1000:.1f} ms", findings)


# --- main ------------------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--password", action="append", default=[])
    ap.add_argument("--groups", default="names,archives,requests,auth")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    probe = Probe(args)
    start = time.monotonic()
    probe.setup()
    timings = {}
    for group in args.groups.split(","):
        if probe.dead:
            break
        t = time.monotonic()
        print(f"== {group} ==", flush=True)
        getattr(probe, group)()
        timings[group] = round(time.monotonic() - t, 1)
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(probe.cases, f, indent=1)
    probe.vmhwm()
    probe.memory["run_peak_vmhwm_mib"] = probe.peak_seen
    with open(os.path.join(args.out, "memory.json"), "w") as f:
        json.dump(dict(probe.memory, seconds=timings), f, indent=1)
    print()
    print(f"{'group':10} {'cases':>6} {'2xx':>5} {'3xx':>5} {'4xx':>5} {'other':>6} {'findings':>9} {'seconds':>8}")
    total = findings = 0
    for group in args.groups.split(","):
        cs = [c for c in probe.cases if c["group"] == group]
        by = lambda lo, hi: sum(1 for c in cs if isinstance(c["status"], int) and lo <= c["status"] < hi and c["name"].find("verb ") != 0)
        nf = sum(1 for c in cs if c["findings"])
        total += len(cs)
        findings += nf
        print(f"{group:10} {len(cs):>6} {by(200, 300):>5} {by(300, 400):>5} {by(400, 500):>5} {len(cs) - by(200, 500):>6} {nf:>9} {timings.get(group, 0):>8}")
    print(f"{'total':10} {total:>6} {'':>5} {'':>5} {'':>5} {'':>6} {findings:>9} {round(time.monotonic() - start, 1):>8}")
    if probe.memory.get("many_entries"):
        m = probe.memory["many_entries"]
        print(f"memory: {m['entries']:,} entries ({m['xz_bytes'] / 1e6:.1f} MB .tar.xz) refused in {m['seconds']} s; server VmHWM "
              f"{m['vmhwm_before_mib']} MiB before (VmRSS {m['vmrss_before_mib']} MiB at the reset), {m['vmhwm_after_mib']} MiB after")
    for key, what in (("5000_fields", "5,000 multipart fields"), ("5000_file_parts", "5,000 file parts")):
        if probe.memory.get(key):
            m = probe.memory[key]
            print(f"memory: {what}: VmHWM {m['vmhwm_after_mib']} MiB after (peak reset before; {m['vmhwm_before_mib']} MiB before the reset)")
    print(f"memory: highest VmHWM read during the run: {probe.peak_seen} MiB")
    if probe.memory.get("timing"):
        tm = probe.memory["timing"]
        print(f"timing: wrong password, existing user median {tm['existing_user_median_ms']} ms, unknown user {tm['unknown_user_median_ms']} ms")
    if findings:
        print()
        print("FINDINGS:")
        for c in probe.cases:
            if c["findings"]:
                print(f"- [{c['group']}] {c['name']}\n    sent: {c['sent']}\n    expected: {c['expected']}; got: {c['status']} {c['answer'][:200]!r}\n"
                      f"    finding: {'; '.join(c['findings'])}")
    return 1 if findings or probe.dead else 0


if __name__ == "__main__":
    sys.exit(main())
