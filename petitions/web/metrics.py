"""/metrics: the sending queue and the counters in Prometheus' text format, then the web's own
request metrics (outcry/webmetrics.py), for a scraper that holds METRICS_TOKEN. Without the
setting the address does not exist (404).

The queue is read from the rows (petitions/reporting/queue.py), so one scrape of any web process
sees every worker's work. Campaigns are named by their public slug; nothing about a signer is in it.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from outcry.webmetrics import exposition
from petitions.reporting.counters import totals_by_campaign
from petitions.reporting.queue import letters_by_campaign_and_status, sent_last_hour_by_campaign, waiting_by_campaign

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METRICS = {
    "outcry_letters": "Letters by campaign and status.",
    "outcry_oldest_waiting_letter_seconds": "Age of the campaign's oldest letter queued or being sent.",
    "outcry_letters_retrying": "Letters queued again after a failed attempt.",
    "outcry_letters_sent_last_hour": "Letters that left in the past hour.",
    "outcry_signatures": "Counted signatures (the public counter).",
    "outcry_letters_sent": "Letters sent and not returned (the public counter).",
}


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("No metrics here")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        response = HttpResponse("A valid bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    now = timezone.now()
    slugs = dict(Campaign.objects.exclude(status=CampaignStatus.DRAFT).values_list("pk", "slug"))
    samples: dict[str, list[str]] = {name: [] for name in METRICS}
    for campaign_id, status, count in letters_by_campaign_and_status():
        if campaign_id in slugs:
            labels = f'campaign="{_label(slugs[campaign_id])}",status="{status}"'
            samples["outcry_letters"].append(f"outcry_letters{{{labels}}} {count}")
    waiting, sent = waiting_by_campaign(now=now), sent_last_hour_by_campaign(now=now)
    totals = totals_by_campaign()
    for campaign_id, slug in sorted(slugs.items(), key=lambda item: item[1]):
        label = f'campaign="{_label(slug)}"'
        age, retrying = waiting.get(campaign_id, (0.0, 0))
        signatures, emails_sent = totals.get(campaign_id, (0, 0))
        samples["outcry_oldest_waiting_letter_seconds"].append(
            f"outcry_oldest_waiting_letter_seconds{{{label}}} {age:.1f}"
        )
        samples["outcry_letters_retrying"].append(f"outcry_letters_retrying{{{label}}} {retrying}")
        samples["outcry_letters_sent_last_hour"].append(
            f"outcry_letters_sent_last_hour{{{label}}} {sent.get(campaign_id, 0)}"
        )
        samples["outcry_signatures"].append(f"outcry_signatures{{{label}}} {signatures}")
        samples["outcry_letters_sent"].append(f"outcry_letters_sent{{{label}}} {emails_sent}")
    lines = []
    for name, help_text in METRICS.items():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", *samples[name]]
    return HttpResponse("\n".join(lines) + "\n" + exposition(), content_type=CONTENT_TYPE)
