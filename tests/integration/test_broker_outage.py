"""Redis down while people sign: the row is the truth, the broker only a doorbell."""

import time

import pytest

from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration

# A request must not wait on a dead broker for long: one quick publish retry, then the sweeper.
MAX_SIGNING_SECONDS_WITHOUT_BROKER = 10.0
# The worker reconnects with a growing back-off (2 s, 4 s, 6 s, ...), then beat's sweeper runs.
RECOVERY_TIMEOUT_SECONDS = 45.0


def test_broker_outage_signing_succeeds_and_the_letter_follows_the_restart(
    letter_campaign, bob_form, smtp_server, stack_on_private_redis
):
    target = letter_campaign.targets.get()
    browser = stack_on_private_redis.browser
    thanks_url = f"{browser.base_url}/c/{letter_campaign.slug}/share/"
    stack_on_private_redis.redis.stop()

    started = time.monotonic()
    response = browser.sign(letter_campaign.slug, bob_form)
    signing_seconds = time.monotonic() - started
    signature = Signature.objects.filter(campaign=letter_campaign).first()
    during_outage = Delivery.objects.filter(campaign=letter_campaign).first()
    letters_during_outage = smtp_server.messages
    stack_on_private_redis.redis.start()
    letters = smtp_server.wait_for_messages(1, timeout=RECOVERY_TIMEOUT_SECONDS, then_quiet_for=2.0)
    sent = wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).first(),
        timeout=10,
        what="the delivery to be recorded as sent",
    )

    assert (response.status_code, response.url) == (200, thanks_url)
    assert signing_seconds < MAX_SIGNING_SECONDS_WITHOUT_BROKER
    assert signature is not None
    assert (signature.first_name, signature.last_name) == ("Bob", "Builder")
    assert (during_outage.status, during_outage.enqueued_at) == (DeliveryStatus.QUEUED, None)
    assert letters_during_outage == []
    assert len(letters) == 1
    assert letters[0].rcpt_tos == [target.email]
    assert (sent.pk, sent.attempts) == (during_outage.pk, 1)


def test_broker_outage_the_confirmation_email_follows_the_restart_once(
    letter_campaign, bob_form, smtp_server, stack_on_private_redis
):
    letter_campaign.signers_at_risk = True
    letter_campaign.save()
    browser = stack_on_private_redis.browser
    stack_on_private_redis.redis.stop()

    response = browser.sign(letter_campaign.slug, bob_form)
    during_outage = Signature.objects.get(campaign=letter_campaign)
    mailed_during_outage = smtp_server.messages
    stack_on_private_redis.redis.start()
    # The sweeper asks again every second here: a second email would come within the quiet time.
    messages = smtp_server.wait_for_messages(1, timeout=RECOVERY_TIMEOUT_SECONDS, then_quiet_for=5.0)
    after = Signature.objects.get(pk=during_outage.pk)

    assert response.status_code == 200
    assert (during_outage.status, during_outage.confirmation_mailed_at) == (SignatureStatus.PENDING, None)
    assert mailed_during_outage == []
    assert [m.rcpt_tos for m in messages] == [["bob.builder@example.net"]]
    assert "/confirm/" in messages[0].message.get_body(("plain",)).get_content()
    assert after.status == SignatureStatus.PENDING
    assert after.confirmation_mailed_at is not None
