"""People signing, in a process of its own: `python -m tests.faults.signer CAMPAIGN_ID FIRST COUNT RATE
REPORT`. It calls sign_petition as the signing view does, so it publishes to the REDIS_URL of its
environment (the case's private Redis) and falls back on the sweeper when that is down. It signs
COUNT people (numbered from FIRST), RATE a second (0: as fast as it can), and writes a JSON report:
how many signed, how many raised, and the slowest signing in seconds. `Signer` starts one from a case."""

import json
import sys
import time
from pathlib import Path

from tests.integration.processes import ServiceProcess

MAX_SECONDS = 300.0


class Signer(ServiceProcess):
    """The script above as one of a case's processes."""

    def __init__(self, stack, *, campaign_id: int, first: int, count: int, rate: float, name: str) -> None:
        self.report_path = stack.workdir / f"{name}.json"
        argv = [sys.executable, "-m", "tests.faults.signer", str(campaign_id), str(first), str(count), str(rate)]
        super().__init__(name, [*argv, str(self.report_path)], env=stack.env, log_path=stack.workdir / f"{name}.log")
        stack.track(self)

    def result(self, timeout: float, sleep=time.sleep) -> dict:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            sleep(0.2)
        self.stop()
        assert self.process.returncode == 0, self.log()
        return json.loads(self.report_path.read_text())


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import close_old_connections

    from campaigns.models import Campaign
    from petitions.signing.service import sign_petition

    campaign_id, first, count, rate, report = int(argv[0]), int(argv[1]), int(argv[2]), float(argv[3]), argv[4]
    campaign = Campaign.objects.prefetch_related("targets").get(pk=campaign_id)
    signed, errors, slowest = 0, [], 0.0
    started = time.monotonic()
    for n in range(first, first + count):
        if rate:
            time.sleep(max(0.0, started + (n - first) / rate - time.monotonic()))
        if time.monotonic() - started > MAX_SECONDS:
            break
        data = {"first_name": "Outage", "last_name": f"Signer {n}", "email": f"outage{n}@example.net", "country": "GB"}
        begun = time.monotonic()
        close_old_connections()  # as every request begins: a connection the server dropped is replaced
        try:
            sign_petition(campaign=campaign, data=data, language="en", client_ip="192.0.2.1")
        except Exception as exc:  # noqa: BLE001 - reported, the case fails on any
            errors.append(f"{type(exc).__name__}: {exc}")
        else:
            signed += 1
        slowest = max(slowest, time.monotonic() - begun)
    result = {"signed": signed, "errors": errors[:5], "error_count": len(errors), "slowest": slowest}
    result["seconds"] = time.monotonic() - started
    Path(report).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
