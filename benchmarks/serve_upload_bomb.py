"""Peak RSS of `storyline serve` while it receives a gzip bomb named dump.csv.gz."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zlib

db, expanded_mib, pythonpath = sys.argv[1], int(sys.argv[2]), sys.argv[3]
comp = zlib.compressobj(9, zlib.DEFLATED, 31)
chunk = b"a" * (1 << 20)
parts = [comp.compress(b"text,title\n")]
for _ in range(expanded_mib):
    parts.append(comp.compress(chunk))
parts.append(comp.flush())
bomb = b"".join(parts)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = {**os.environ, "PYTHONPATH": pythonpath, "STORYLINE_TOKEN": "t"}
server = subprocess.Popen(
    [sys.executable, "-m", "storyline", "serve", "--db", db, "--port", str(port)],
    env=env,
    stderr=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL,
)


def hwm():
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024


try:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
            break
        except OSError:
            time.sleep(0.5)
    before = hwm()
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="dump.csv.gz"\r\n'
            "Content-Type: application/gzip\r\n\r\n"
        ).encode()
        + bomb
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/ingest",
        data=body,
        headers={
            "content-type": f"multipart/form-data; boundary={boundary}",
            "authorization": "Bearer t",
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            status, text = r.status, r.read()[:200]
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()[:200]
    print(
        f"upload of {len(bomb):,} bytes expanding to {expanded_mib} MiB: status {status} "
        f"in {time.perf_counter() - started:.1f} s; "
        f"server peak RSS {before} MB before, {hwm()} MB after; {text.decode(errors='replace')}"
    )
finally:
    server.terminate()
    server.wait(30)
