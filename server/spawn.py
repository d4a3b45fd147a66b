"""Starting `handmesh serve` as a child process on free loopback ports, for the demo and
the benchmarks that need a server of their own (`--spawn`).

The child is the real command, so what is measured is what users run. Readiness is its
"ready" line on stdout (printed after warm-up); stopping is SIGINT, then SIGKILL if it has
not exited within a few seconds.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

READY_MARK = "handmesh serve: ready"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SpawnedServer:
    """A `handmesh serve` child; use as a context manager. ``router`` and ``pub`` are its
    bind addresses (default: free loopback ports); ``extra_args`` go to `serve` as they are
    (e.g. ["--device", "cpu"]); its log (stderr) goes to ``log`` when given."""

    def __init__(
        self,
        extra_args: list[str] | None = None,
        ready_timeout_s: float = 180.0,
        log: Path | None = None,
        router: str | None = None,
        pub: str | None = None,
    ) -> None:
        self.router = router or f"tcp://127.0.0.1:{free_port()}"
        self.pub = pub or f"tcp://127.0.0.1:{free_port()}"
        self.command = [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--router",
            self.router,
            "--pub",
            self.pub,
            *(extra_args or []),
        ]
        self.ready_timeout_s = ready_timeout_s
        self.log_path = log
        self.process: subprocess.Popen | None = None
        self._log = None
        self.ready_line = ""

    def __enter__(self) -> SpawnedServer:
        # The child's log (stderr) goes to a file when asked, else nowhere.
        self._log = open(self.log_path, "w") if self.log_path else None
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=self._log or subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with code {self.process.returncode} before it was ready"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            readable, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if readable:
                line = self.process.stdout.readline()
                if line.startswith(READY_MARK):
                    self.ready_line = line.strip()
                    return self
        self.stop()
        raise TimeoutError(f"the server was not ready within {self.ready_timeout_s} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
