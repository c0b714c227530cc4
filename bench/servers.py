"""Starting and reliably stopping the processes the benchmark needs.

Every server runs in its own process group so that stopping it also stops
gunicorn's workers, even if the benchmark fails half-way.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path


class CommandFailed(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_command(argv: list[str], *, cwd: Path, env: dict, log: Path, timeout: float = 120) -> str:
    """Run a setup command to completion; its output goes to `log` and is returned."""
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(argv)}\n")
        out.flush()
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
        out.write(proc.stdout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-25:])
        raise CommandFailed(f"{' '.join(argv[1:3])} failed ({proc.returncode}):\n{tail}")
    return proc.stdout


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    """A plain GET to 127.0.0.1, for readiness polls and spot checks."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Server:
    """A gunicorn (or any) server process bound to 127.0.0.1:`port`."""

    def __init__(self, name: str, argv: list[str], *, cwd: Path, env: dict, log: Path):
        self.name, self.argv, self.cwd, self.env, self.log = name, argv, cwd, env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, port: int, path: str, timeout: float = 30) -> None:
        """Poll until `path` answers 200, failing early if the server died."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CommandFailed(f"{self.name} exited ({self.proc.returncode}); see {self.log}")
            try:
                status, _ = http_get(port, path, timeout=2)
                if status == 200:
                    return
                last = f"HTTP {status}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise CommandFailed(f"{self.name} not ready after {timeout:.0f}s ({last}); see {self.log}")

    def stop(self) -> None:
        """SIGTERM the whole process group, then SIGKILL what is left after 10 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass
        # Workers that outlived the master would still hold the port and the DB.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
