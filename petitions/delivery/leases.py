"""Who holds a letter's lease, so that a lease whose holder was killed is released at once.

A letter being sent is leased for DELIVERY_LEASE_SECONDS, long enough for the slowest mail server;
a worker killed mid-send would otherwise leave its letters waiting all that time. The claim writes
the holder as host, process id and the process's start time (the start time tells a process apart
from a later one given the same id, as after a container restart). A sweeper on the same host
(the same container or machine: it shares the process table) can then see that the holder is gone.
Holders on other hosts wait for their lease, as before.
"""

import functools
import os
import socket
from pathlib import Path


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]  # field 22 of proc(5); the name before ")" may hold spaces


@functools.cache
def holder() -> str:
    """This process, as the claim writes it into the row."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid()) or ''}"[:100]


os.register_at_fork(after_in_child=holder.cache_clear)  # each pool process is a holder of its own


def here_prefix() -> str:
    return f"{socket.gethostname()}:"


def is_gone(leased_by: str) -> bool:
    """Whether the holder was a process of this host that no longer runs. False whenever it cannot
    be told (another host, no /proc): such a lease simply runs out."""
    host, _, rest = leased_by.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit() or not started or not Path("/proc/self/stat").exists():
        return False
    return _started(int(pid)) != started
