"""The defences on the real stack: gunicorn's threads share the per-IP count through Redis, held
signatures send nothing, and releasing them sends their letters through the worker to SMTP."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from petitions.abuse import moderation
from petitions.enums import SignatureStatus
from petitions.models import Signature
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration


def test_held_signers_send_nothing_until_released(letter_campaign, bob_form, smtp_server, celery_worker, web_server):
    letter_campaign.abuse_ip_hourly_limit = 3
    letter_campaign.save()
    bot = web_server.sign(letter_campaign.slug, bob_form | {"email": "bot@example.net", "homepage": "http://x.example"})
    forms = [bob_form | {"email": f"signer{n}@example.net"} for n in range(6)]

    # Six people at once from one address, on four server threads: the count is shared and atomic,
    # so exactly two of them fit under the limit of three (the bot was the first).
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = [bot, *pool.map(lambda form: web_server.sign(letter_campaign.slug, form), forms)]
    letters = smtp_server.wait_for_messages(2, then_quiet_for=2.0)

    assert {(r.status_code, r.url.endswith("/share/")) for r in responses} == {(200, True)}
    assert Signature.objects.with_email("bot@example.net").get().hold_reasons == "honeypot"
    held_people = Signature.objects.filter(status=SignatureStatus.HELD, hold_reasons="ip_limit")
    assert held_people.count() == 4
    assert len(letters) == 2

    released = moderation.release_signatures(signature_ids=list(held_people.values_list("pk", flat=True)))

    assert released.letters_queued == 4
    wait_until(lambda: len(smtp_server.messages) == 6, timeout=20, what="the released signers' letters")
    assert Signature.objects.with_email("bot@example.net").get().status == SignatureStatus.HELD
