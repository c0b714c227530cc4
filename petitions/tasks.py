"""Thin named tasks: load by id, call a service. Letters' retries live in their rows, not in Celery."""

import smtplib
from collections import Counter

from celery import shared_task
from celery.signals import worker_process_shutdown

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from outcry.databases import DATABASE_UNAVAILABLE, wait_for_database
from petitions.delivery import digests, queueing, sending, sweep
from petitions.mail import caps, domain_check, transport
from petitions.privacy import dossier, retention, sign_in_records, signer_requests
from petitions.reporting import counters, notices
from petitions.responses import forwarding, report_back, sweeper
from petitions.signing import confirmations, receipts
from petitions.webhooks import collecting, posting


def signer_mail_task(name: str):
    """Emails to a signer (copy, receipt, confirmation, data link): nothing waits on them in the
    database, so a few short Celery retries are enough when the mail server stumbles."""
    return shared_task(name=name, autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=30, max_retries=4)


# How long a worker holds a letter's message waiting for the database before giving it up to the
# sweeper: longer than a restart or fail-over takes.
DATABASE_WAIT_SECONDS = 600


@shared_task(name="petitions.send_delivery")
def send_delivery_task(delivery_id: int) -> str:
    """One letter, at its sending slot (paced targets)."""
    return _send_letter(delivery_id)


@shared_task(name="petitions.send_deliveries")
def send_deliveries_task(delivery_ids: list[int]) -> dict[str, int]:
    """Letters published together, one after another; how many ended how (the worker logs it). A
    message redelivered after a worker died sends only what is still queued: each letter is
    claimed on its own (petitions/delivery/sending.py)."""
    return dict(Counter(str(_send_letter(delivery_id)) for delivery_id in delivery_ids))


def _send_letter(delivery_id: int) -> str:
    try:
        return sending.send_delivery(delivery_id=delivery_id).status
    except DATABASE_UNAVAILABLE:
        # Hold this message and take no other until the database is back (outcry/databases.py).
        if not wait_for_database(longest_seconds=DATABASE_WAIT_SECONDS):
            raise
        return sending.send_delivery(delivery_id=delivery_id).status


@signer_mail_task("petitions.send_signer_copy")
def send_signer_copy_task(delivery_id: int) -> None:
    """A courtesy copy for the signer; the letter itself is safe whatever happens to it."""
    sending.send_signer_copy(delivery_id=delivery_id)


@signer_mail_task("petitions.forward_response")
def forward_response_task(response_id: int) -> int:
    """A target's reply to the signers who asked for it; sent once (the row's forwarded_at)."""
    return forwarding.forward_response(response_id)


@signer_mail_task("petitions.send_report_back")
def send_report_back_task(report_id: int) -> int:
    """A published response to the signers who agreed to be contacted; each signer once."""
    return report_back.send_report_back(report_id)


@shared_task(name="petitions.build_dossier")
def build_dossier_task(dossier_id: int) -> str:
    """A delivery dossier's PDF and CSV; a message delivered twice builds it once (the row's state)."""
    return dossier.build_dossier(dossier_id)


@shared_task(name="petitions.check_sending_domain")
def check_sending_domain_task() -> bool:
    """The sending domain's DNS looked up again for the admin's first page; True if all is there."""
    return not domain_check.record_check().failed


@shared_task(name="petitions.sweep_responses")
def sweep_responses_task() -> int:
    return sweeper.sweep_responses()


@signer_mail_task("petitions.send_receipt")
def send_receipt_task(signature_id: int) -> bool:
    return receipts.send_receipt(signature_id=signature_id)


@signer_mail_task("petitions.send_first_confirmation")
def send_first_confirmation_task(signature_id: int) -> bool:
    """A signature's confirmation email, once: signing, a release and the sweeper ask for it."""
    return confirmations.send_confirmation(signature_id=signature_id, unless_mailed=True)


@signer_mail_task("petitions.send_confirmation")
def send_confirmation_task(signature_id: int) -> bool:
    """The link again, for a signer who signs again while pending."""
    return confirmations.send_confirmation(signature_id=signature_id)


@shared_task(name="petitions.sweep_confirmations")
def sweep_confirmations_task() -> int:
    return confirmations.sweep_confirmations()


@shared_task(name="petitions.forget_unconfirmed")
def forget_unconfirmed_task() -> int:
    return confirmations.forget_unconfirmed()


@shared_task(name="petitions.forget_mail_counts")
def forget_mail_counts_task() -> int:
    return caps.forget_old_counts()


@shared_task(name="petitions.sweep_deliveries")
def sweep_deliveries_task() -> dict:
    report = sweep.sweep_deliveries()
    return {"released": report.released, "enqueued": report.enqueued}


@shared_task(name="petitions.send_webhooks")
def send_webhooks_task(delivery_ids: list[int]) -> dict[str, int]:
    """Webhook deliveries, each claimed on its own: a redelivered message POSTs nothing twice."""
    return dict(Counter(posting.send_webhook(delivery_id=delivery_id) for delivery_id in delivery_ids))


@shared_task(name="petitions.collect_webhooks")
def collect_webhooks_task() -> dict:
    """New events become deliveries; lost ones are enqueued again."""
    created = collecting.collect_events()
    report = posting.sweep_webhooks()
    return {"created": created, "released": report.released, "enqueued": report.enqueued}


@shared_task(name="petitions.dispatch_paced_letters")
def dispatch_paced_letters_task() -> int:
    return queueing.dispatch_paced_letters()


@shared_task(name="petitions.compose_digests")
def compose_digests_task() -> int:
    return digests.compose_digests()


@shared_task(name="petitions.reconcile_counters")
def reconcile_counters_task() -> int:
    campaign_ids = Campaign.objects.exclude(status=CampaignStatus.DRAFT).values_list("pk", flat=True)
    for campaign_id in campaign_ids:
        counters.recount_campaign(campaign_id=campaign_id)
    return len(campaign_ids)


@shared_task(name="petitions.notify_milestones")
def notify_milestones_task() -> int:
    return notices.notify_milestones()


@shared_task(name="petitions.send_daily_summaries")
def send_daily_summaries_task() -> int:
    return notices.send_daily_summaries()


@worker_process_shutdown.connect
def close_mail_connection(**kwargs) -> None:
    """Say goodbye to the mail server (SMTP QUIT) when a worker process stops."""
    transport.reset()


@shared_task(name="petitions.anonymise_closed_campaigns")
def anonymise_closed_campaigns_task() -> int:
    """Retention, and erasures a signer asked for that could not finish at once."""
    return retention.anonymise_due_campaigns() + signer_requests.finish_erasures()


@shared_task(name="petitions.forget_sign_in_records")
def forget_sign_in_records_task() -> int:
    return sign_in_records.forget_old_sign_in_records()


@signer_mail_task("petitions.send_data_link")
def send_data_link_task(signature_id: int) -> bool:
    return signer_requests.send_data_link(signature_id=signature_id)
