"""A Celery app with cProfile running in every pool process, for ``bench/drain.py --profile``.

Started as ``celery -A profiled_worker worker`` with bench/ on PYTHONPATH; it loads the app module
named by PROFILED_APP (outcry by default). Each pool process profiles from its start to its (warm)
shutdown and writes pool-<pid>.prof to DRAIN_PROFILE_DIR. It counts CPU time (time.process_time),
so other work on the machine and waits on PostgreSQL or SMTP do not show; DRAIN_PROFILE_CLOCK=wall
counts elapsed time instead. cProfile slows Python code down, so the drain figures of a profiled
run are not the benchmark's.
"""

import cProfile
import importlib
import os
import time

from celery.signals import worker_process_init, worker_process_shutdown

_module = importlib.import_module(os.environ.get("PROFILED_APP", "outcry"))
app = getattr(_module, "app", None) or _module.celery.app  # what `celery -A profiled_worker` finds

_profile: cProfile.Profile | None = None


@worker_process_init.connect
def _start_profiling(**kwargs) -> None:
    global _profile
    clock = time.perf_counter if os.environ.get("DRAIN_PROFILE_CLOCK") == "wall" else time.process_time
    _profile = cProfile.Profile(clock)
    _profile.enable()


@worker_process_shutdown.connect
def _write_profile(**kwargs) -> None:
    if _profile is not None:
        _profile.disable()
        _profile.dump_stats(os.path.join(os.environ["DRAIN_PROFILE_DIR"], f"pool-{os.getpid()}.prof"))
