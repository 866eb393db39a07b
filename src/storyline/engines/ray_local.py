"""A throwaway multi-node Ray cluster on loopback, for tests and benchmarks.

Why: the Ray engine must be shown to work across nodes, not only in Ray's single-process
local mode. `LocalRayCluster` runs `ray start --head` and `ray start --address` (one CPU
each by default) with their own temp folder so it never joins or
disturbs another Ray on the machine. Every node binds 127.0.0.1 only, so token
authentication is off (the driver reads Ray's auth settings once per process, which would
tie a test session to one cluster's token). `stop()` ends exactly the processes it started (found by
that folder in their command line, and their children), never all Ray processes as
`ray stop` would.

>>> with LocalRayCluster(nodes=2) as cluster:  # doctest: +SKIP
...     engine = RayEngine(address=cluster.address)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storyline.errors import BackendUnavailable, StorylineError

__all__ = ["LocalRayCluster"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRayCluster:
    """`nodes` Ray nodes on 127.0.0.1 with `cpus_per_node` CPUs each; `address` to join."""

    def __init__(self, nodes: int = 2, cpus_per_node: int = 1) -> None:
        ray_cli = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
        if not Path(ray_cli).exists():
            raise BackendUnavailable("the `ray` command is missing: pip install 'storyline[ray]'")
        self.ray_cli = ray_cli
        self.nodes = nodes
        self.cpus_per_node = cpus_per_node
        # Short path: Ray's unix socket paths under it must stay below ~107 characters.
        self.folder = tempfile.mkdtemp(prefix="slray-", dir="/tmp")
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        package_root = str(Path(__file__).resolve().parents[2])
        paths = [package_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        self.env = {
            # Workers import storyline from the same tree as the driver.
            "PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in paths),
            "RAY_AUTH_MODE": "disabled",
            "RAY_USAGE_STATS_ENABLED": "0",
        }

    def _ray(self, *args: str) -> None:
        done = subprocess.run(
            [self.ray_cli, *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise StorylineError(f"ray {args[0]} failed: {done.stderr.strip()[-800:]}")

    def start(self) -> LocalRayCluster:
        common = [
            f"--num-cpus={self.cpus_per_node}",
            "--object-store-memory=200000000",
            "--disable-usage-stats",
            "--node-ip-address=127.0.0.1",
        ]
        try:
            self._ray(
                "start",
                "--head",
                f"--port={self.port}",
                "--include-dashboard=false",
                f"--temp-dir={self.folder}",
                *common,
            )
            for _ in range(self.nodes - 1):
                self._ray("start", f"--address={self.address}", *common)
        except BaseException:
            self.stop()
            raise
        return self

    def _pids(self) -> list[int]:
        """Processes whose command line names our folder, and all their descendants."""
        parents: dict[int, int] = {}
        ours: set[int] = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
            if self.folder.encode() in cmdline:
                ours.add(pid)
        grew = True
        while grew:
            children = {pid for pid, parent in parents.items() if parent in ours} - ours
            grew = bool(children)
            ours |= children
        ours.discard(os.getpid())
        return sorted(ours)

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self._pids()
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 10
            while pids and time.monotonic() < deadline and self._pids():
                time.sleep(0.3)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalRayCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
