"""`make run`'s supervisor (deploy/keep-running, used by the Procfile): a worker or beat that
exits is started again, and stopping `make run` stops it for good."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEEP_RUNNING = ROOT / "deploy" / "keep-running"

pytestmark = pytest.mark.unit


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_worker_and_beat_run_under_the_supervisor():
    processes = procfile()
    assert processes["worker"].startswith("deploy/keep-running celery -A outcry worker ")
    assert processes["beat"].startswith("deploy/keep-running celery -A outcry beat ")


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def started(pids: Path) -> list[int]:
    return [int(pid) for pid in pids.read_text().split()] if pids.exists() else []


def test_a_process_that_dies_is_started_again_and_a_stop_stops_it(tmp_path):
    pids = tmp_path / "pids"
    # As honcho starts a Procfile line: a session of its own, stopped with killpg.
    supervisor = subprocess.Popen(
        [str(KEEP_RUNNING), "sh", "-c", f"echo $$ >> {pids}; exec sleep 60"],
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(started(pids)) == 1)
        os.kill(started(pids)[0], signal.SIGKILL)  # as the OOM killer would
        wait_for(lambda: len(started(pids)) == 2)
        first, second = started(pids)
        assert first != second

        os.killpg(supervisor.pid, signal.SIGTERM)
        assert supervisor.wait(timeout=10) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(second, 0)
        time.sleep(2.5)  # longer than the pause before a restart: nothing comes back
        assert len(started(pids)) == 2
        assert "'sh' exited with status 137; starting it again in 2 s" in supervisor.stderr.read()
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)


def test_without_a_command_it_says_how_to_use_it():
    result = subprocess.run([str(KEEP_RUNNING)], capture_output=True, text=True, timeout=10)
    assert result.returncode == 64
    assert "usage:" in result.stderr
