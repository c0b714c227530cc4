"""SpamAssassin's verdict (local rules, no network tests) on the emails Outcry sends: each below 1.0.

Each message is built with the production builders and its bytes piped to `spamassassin -t -L`,
one process per message in a small pool (each takes a second or more).
"""

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from petitions.delivery.sending import send_delivery
from tests.factories import SignatureFactory, queue_letters
from tests.petitions.mail.test_mail_headers import every_email, russian  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SPAMASSASSIN = shutil.which("spamassassin") or "/usr/bin/spamassassin"
LIMIT = 1.0


def spam_score(raw: bytes) -> tuple[float, str]:
    """The score and the rules that fired, as SpamAssassin's X-Spam-Status header gives them."""
    result = subprocess.run([SPAMASSASSIN, "-t", "-L"], input=raw, capture_output=True, timeout=60, check=True)
    headers = result.stdout.split(b"\n\n", 1)[0].decode(errors="replace")
    status = re.search(r"^X-Spam-Status:(.*(?:\n[ \t].*)*)", headers, re.MULTILINE).group(1)
    score = float(re.search(r"score=(-?[0-9.]+)", status).group(1))
    tests = re.search(r"tests=([^\s]*(?:\s+[A-Z0-9_,=.]+)*)", status)
    return score, re.sub(r"\s+", "", tests.group(1)) if tests else ""


def test_every_email_scores_below_one(russian):  # noqa: F811
    messages = {kind: message.message().as_bytes() for kind, message in every_email(russian).items() if message}
    with ThreadPoolExecutor(max_workers=4) as pool:
        scores = dict(zip(messages, pool.map(spam_score, messages.values()), strict=True))
    for kind, (score, rules) in scores.items():
        print(f"{kind:16} {score:5.1f}  {rules}")
    assert {kind: scores[kind] for kind in scores if scores[kind][0] >= LIMIT} == {}
    assert len(scores) >= 8


def test_letters_in_the_signers_own_words_score_below_one(campaign):
    """An edited letter and one opened by a signer's paragraph, as sent, with the signer's own markup."""
    own = {
        "own_subject": "A nurse from Leeds asks you to free the four",
        "own_body": (
            "Dear {target_name},\n\nI am a nurse in Leeds & I write as one <b>worker</b> to another. Four people "
            "are in prison for organising a union at their workplace. Please let them go home to their "
            "families.\n\nWith respect,\n{signer_signoff}"
        ),
    }
    paragraph = {"own_paragraph": "My brother works in the same factory. He is afraid to speak up now."}
    for fields in (own, paragraph):
        signature = SignatureFactory(campaign=campaign, first_name="Jane", last_name="Doe", city="Leeds", **fields)
        for delivery_id in queue_letters(signature=signature):
            send_delivery(delivery_id=delivery_id)
    with ThreadPoolExecutor(max_workers=2) as pool:
        scores = list(pool.map(spam_score, [message.message().as_bytes() for message in mail.outbox]))
    for kind, (score, rules) in zip(("edited", "paragraph"), scores, strict=True):
        print(f"{kind:16} {score:5.1f}  {rules}")
    assert len(scores) == 2
    assert [score for score, _ in scores if score >= LIMIT] == []
