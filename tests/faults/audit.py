"""The audit every fault case ends with, and the table of all cases.

lost: letters that did not end as the case expects (sent and received by the SMTP server, or
failed where the case makes them fail). duplicates: extra copies the SMTP server accepted, i.e.
messages received minus distinct Message-IDs. Counters: petitions.counters.recount_campaign
compares the shards with the rows; any drift is reported (and fails the case).
"""

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from petitions.enums import PENDING_STATUSES, SENT_STATUSES, DeliveryStatus
from petitions.mail.letters import letter_message_id
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from tests.integration.processes import REPO_DIR
from tests.integration.smtp import RecordingHandler

FAILED_STATUSES = (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED)
TABLE_PATH = REPO_DIR / "test-artifacts" / "faults.md"
COLUMNS = ("case", "letters", "sent", "failed", "lost", "duplicates", "kills", "seconds", "notes")


@dataclass
class Audit:
    case: str
    letters: int
    sent: int
    failed: int
    lost: int
    duplicates: int
    kills: int
    seconds: float
    counter_drift: list[tuple[int, int, int]]  # (campaign id, signatures drift, emails-sent drift)
    strays: int  # messages received that are no letter of the case
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        return [
            self.case,
            str(self.letters),
            str(self.sent),
            str(self.failed),
            str(self.lost),
            str(self.duplicates),
            str(self.kills),
            f"{self.seconds:.0f}",
            "; ".join(self.notes),
        ]


def message_ids(handler: RecordingHandler) -> Counter:
    """How many times the server accepted each Message-ID."""
    return Counter(str(received.message["Message-ID"]) for received in handler.messages)


def unfinished(campaign_ids: Iterable[int]) -> int:
    return Delivery.objects.filter(campaign_id__in=list(campaign_ids), status__in=PENDING_STATUSES).count()


def wait_until_settled(
    campaign_ids: Iterable[int], *, timeout: float, quiet: float = 2.0, sleep: Callable[[float], None] = time.sleep
) -> bool:
    """Wait until no letter of the campaigns is queued or sending, then `quiet` seconds more (a
    late duplicate would arrive in them). False if letters were still pending after `timeout`.
    `sleep` may do work while it waits (a Supervisor's sleep restarts a worker that exited)."""
    campaign_ids = list(campaign_ids)
    deadline = time.monotonic() + timeout
    while unfinished(campaign_ids):
        if time.monotonic() > deadline:
            return False
        sleep(0.2)
    sleep(quiet)
    return True


def audit(
    case: str,
    *,
    campaign_ids: Iterable[int],
    handler: RecordingHandler,
    started: float,
    kills: int = 0,
    expected_to_fail: Iterable[int] = (),
    notes: Iterable[str] = (),
) -> Audit:
    """Compare the rows with what the SMTP server received, recount the counters, and record the
    row in the table (before the case asserts anything, so a failing case is in the table too)."""
    campaign_ids = list(campaign_ids)
    expected_to_fail = set(expected_to_fail)
    received = message_ids(handler)
    rows = list(Delivery.objects.filter(campaign_id__in=campaign_ids).values_list("pk", "status"))
    ids = {letter_message_id(pk): pk for pk, _ in rows}
    lost = 0
    for pk, status in rows:
        if pk in expected_to_fail:
            lost += status not in FAILED_STATUSES
        else:
            lost += status not in SENT_STATUSES or received[letter_message_id(pk)] == 0
    result = Audit(
        case=case,
        letters=len(rows),
        sent=sum(status in SENT_STATUSES for _, status in rows),
        failed=sum(status in FAILED_STATUSES for _, status in rows),
        lost=lost,
        duplicates=sum(count - 1 for message_id, count in received.items() if message_id in ids),
        kills=kills,
        seconds=time.monotonic() - started,
        counter_drift=[],
        strays=sum(count for message_id, count in received.items() if message_id not in ids),
        notes=list(notes),
    )
    for campaign_id in campaign_ids:
        recount = recount_campaign(campaign_id=campaign_id)
        if recount.signatures_drift or recount.emails_sent_drift:
            result.counter_drift.append((campaign_id, recount.signatures_drift, recount.emails_sent_drift))
    result.notes.append("counters = rows" if not result.counter_drift else f"COUNTER DRIFT {result.counter_drift}")
    if result.strays:
        result.notes.append(f"{result.strays} message(s) that are no letter of the case")
    TABLE.add(result)
    return result


class Table:
    """Every audited case of the run, written to test-artifacts/faults.md after each one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[Audit] = []
        self.header: list[str] = []

    def add(self, row: Audit) -> None:
        self.rows.append(row)
        print("\n" + " | ".join(f"{name}={value}" for name, value in zip(COLUMNS, row.cells(), strict=True)))
        self.write()

    def markdown(self) -> str:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["--:"] * 7 + ["---"]) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row.cells()) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = "".join(f"{line}\n" for line in self.header)
        self.path.write_text(f"# Fault suite\n\n{header}\n{self.markdown()}")


TABLE = Table(TABLE_PATH)
