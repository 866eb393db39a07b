"""A throwaway PostgreSQL server in a temporary folder, for tests and benchmarks.

Why: the PostgreSQL store must be tested and measured against a real server, and CI has
Debian's `postgresql` package but no running cluster. `LocalPostgres` runs `initdb` and
`pg_ctl` from that package on a free loopback port with trust authentication, and removes
everything on `stop()`. PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` system user (created by the Debian package) in a folder that user owns.

>>> with LocalPostgres() as server:  # doctest: +SKIP
...     url = server.url  # postgresql://postgres@127.0.0.1:54321/postgres
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from storyline.errors import BackendUnavailable, StoreError

__all__ = ["LocalPostgres", "postgres_bindir"]


def postgres_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl ($PG_BINDIR, PATH, or Debian's layout), if any."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalPostgres:
    """initdb + pg_ctl start on 127.0.0.1:<free port>; `stop()` shuts it down and deletes it."""

    def __init__(self, fsync: bool = False) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise BackendUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's "
                "`postgresql` package (apt-get install -y postgresql) or set PG_BINDIR"
            )
        self.bindir = bindir
        # fsync off by default: a test server's data is thrown away, and fsync only measures
        # the disk. Benchmarks pass fsync=True to measure a durable server.
        self.fsync = fsync
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"
        self._started = False

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StoreError(
                f"{args[0]} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"
            )

    def start(self) -> LocalPostgres:
        if os.geteuid() == 0:
            uid = pwd.getpwnam(self.user)
            os.chown(self.folder, uid.pw_uid, uid.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            self.user,
            "-E",
            "UTF8",
            "--no-locale",
            "--no-instructions",
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started = True
        return self

    def stop(self) -> None:
        try:
            if self._started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
                self._started = False
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
