"""The responses' sweeper: rings again for forwards and report-backs whose message was lost."""

from petitions.core.doorbell import publish_ids
from petitions.responses.forwarding import FORWARD_TASK, owed_forwards
from petitions.responses.report_back import REPORT_BACK_TASK, owed_report_backs


def sweep_responses() -> int:
    """How many were queued again. A broker that is down raises: beat runs this again later."""
    forwards, reports = owed_forwards(), owed_report_backs()
    if forwards:
        publish_ids(FORWARD_TASK, forwards)
    if reports:
        publish_ids(REPORT_BACK_TASK, reports)
    return len(forwards) + len(reports)
