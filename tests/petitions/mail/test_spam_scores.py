"""SpamAssassin's verdict (local rules, no network tests) on the emails Outcry sends: each below 1.0.

Each message is built with the production builders and its bytes piped to `spamassassin -t -L`,
one process per message in a small pool (each takes a second or more).
"""

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

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
