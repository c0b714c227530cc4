"""How busy the machine is with work that is not ours.

The two cores are shared with whatever else runs (a test suite, a browser);
anything else busy during a run skews every figure, so the report says how
busy the machine was before the benchmark started and after it ended.
"""

import time


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_percent(seconds: float = 1.0) -> float:
    """Share of all cores busy over `seconds`, while this process only sleeps."""
    busy0, total0 = _cpu_times()
    time.sleep(seconds)
    busy1, total1 = _cpu_times()
    return 100 * (busy1 - busy0) / max(1, total1 - total0)
