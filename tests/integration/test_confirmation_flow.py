"""Double opt-in over HTTP: the emailed link, the button, then the letter in the target's mailbox."""

import re

import pytest
import requests

from petitions.enums import SignatureStatus
from petitions.models import Signature

pytestmark = pytest.mark.integration


def test_letter_goes_only_after_the_signer_presses_confirm(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server
):
    letter_campaign.signers_at_risk = True
    letter_campaign.save()
    target = letter_campaign.targets.get()

    web_server.sign(letter_campaign.slug, bob_form)
    [confirmation] = smtp_server.wait_for_messages(1, then_quiet_for=2.0)
    text = confirmation.message.get_body(("plain",)).get_content()
    link = web_server.base_url + re.search(r"https?://[^/\s]+(/c/\S+/confirm/\S+/)", text).group(1)
    with requests.Session() as session:
        page = session.get(link, timeout=10)
        status_after_opening = Signature.objects.get().status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        confirmed = session.post(link, data={"csrfmiddlewaretoken": token}, headers={"Referer": link}, timeout=10)
    messages = smtp_server.wait_for_messages(2, then_quiet_for=2.0)

    assert confirmation.rcpt_tos == ["bob.builder@example.net"]
    assert status_after_opening == SignatureStatus.PENDING
    assert confirmed.status_code == 200
    assert "your signature is confirmed" in confirmed.text
    assert [m.rcpt_tos for m in messages] == [["bob.builder@example.net"], [target.email]]
