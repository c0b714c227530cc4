"""The fault suite's PostgreSQL, stopped, crashed and started on demand.

`make faults` gives the suite a throwaway cluster of its own (`tests/services.py --own-postgres`),
which says how to control it in OUTCRY_TEST_POSTGRES_CONTROL; on any other database the cases that
need it are skipped, saying why.
"""

import json
import os
import subprocess

CONTROL = json.loads(os.environ.get("OUTCRY_TEST_POSTGRES_CONTROL") or "null")
WHY_NOT = "needs the fault suite's own PostgreSQL cluster: run `make faults`"


def available() -> bool:
    return CONTROL is not None


def _pg_ctl(*args: str) -> None:
    argv = [CONTROL["pg_ctl"], "-D", CONTROL["data"], *args]
    if CONTROL["as_postgres"]:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, timeout=120)


def stop(mode: str) -> None:
    """`fast`: a clean shutdown (connections ended, in-flight transactions rolled back);
    `immediate`: a crash (the server killed, WAL replayed at the next start)."""
    _pg_ctl("-m", mode, "-w", "stop")


def start() -> None:
    _pg_ctl("-o", CONTROL["options"], "-l", CONTROL["log"], "-w", "start")
