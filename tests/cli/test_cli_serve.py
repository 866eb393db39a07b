"""`storyline serve` as a user runs it: a real process on loopback over a store file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def outward_address() -> str | None:
    """The address this machine would send from (no packet is sent), if not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s")


def new_store(path):
    """An empty store, as `storyline ingest` creates it (serve refuses a missing one)."""
    from storyline.store import open_store

    open_store(path).close()
    return str(path)


def test_serve_answers_on_loopback_with_token_from_environment(tmp_path):
    port = free_port()
    db = new_store(tmp_path / "new.db")
    server = serve("--db", db, "--port", str(port), env={"STORYLINE_TOKEN": "from-env"})
    try:
        health = wait_for(f"http://127.0.0.1:{port}/api/v1/health", server)["data"]
        assert health == {**health, "articles": 0, "stories": 0, "uploads": "enabled"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/ingest",
            data=b'{"title": "T", "text": "' + b"Flood waters rose overnight. " * 30 + b'"}\n',
            headers={"content-type": "application/x-ndjson", "authorization": "Bearer from-env"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert json.loads(response.read())["data"]["added"] == 1
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_prints_its_url_and_logs_each_request(tmp_path):
    port = free_port()
    server = serve("--db", new_store(tmp_path / "s.db"), "--port", str(port))
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/health", server)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert f"at http://127.0.0.1:{port}/" in stderr
    assert '"GET /api/v1/health HTTP/1.1" 200' in stderr


def test_serve_binds_loopback_by_default(tmp_path):
    port = free_port()
    server = serve("--db", new_store(tmp_path / "s.db"), "--port", str(port))
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/health", server)
        other = outward_address()
        if other is None:
            pytest.skip("this machine has no address besides loopback")
        with pytest.raises(OSError):  # the machine's outward address must not answer
            socket.create_connection((other, port), timeout=2).close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_file_that_is_not_a_store(tmp_path):
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_bytes(b"these are my notes, not a database\n" * 200)
    server = serve("--db", str(not_a_store), "--port", str(free_port()))
    _, stderr = server.communicate(timeout=60)
    assert server.returncode == 1
    assert "not a Storyline store" in stderr
    assert not_a_store.read_bytes().startswith(b"these are my notes")


def test_serve_config_travels_whole_to_worker_processes(tmp_path):
    from storyline.serve.config import ServeConfig

    config = ServeConfig(
        db_path=tmp_path / "s.db", token="t", requests_per_minute=7, uploads_per_minute=2
    )
    assert ServeConfig.from_json(config.to_json()) == config
