"""A simulated bot run and a simulated human run against the defaults: who is held.

The figures (bots held, humans wrongly held, per kind) are written to
test-artifacts/abuse-figures.json; docs/organisers/moderation.md quotes them.
"""

import itertools
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from petitions.enums import SignatureStatus
from petitions.models import Signature
from tests.factories import live_campaign
from tests.petitions.abuse.helpers import sign, solved_captcha, stamped

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
HUMAN_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "mail.ru", "unite.example", "teachers-union.example"]


FIRST_NAMES = ["Aysel", "Leyla", "Elvin", "Rəşad", "Nigar", "Orxan", "Ayşe", "Mehmet", "Ирина", "Sara"]


def person(n: int, domain: str) -> dict:
    return {
        "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
        "last_name": "Example",
        "email": f"person{n}@{domain}",
        "country": "AZ",
        "city": "Baku",
        "message": "Free them.",
    }


def humans(rng: random.Random, campaign, count: int, *, captcha: bool):
    """People: 3.5 s to 10 minutes on the page, half of them behind one mobile carrier's address."""
    for n in range(count):
        data = stamped(campaign, person(n, rng.choice(HUMAN_DOMAINS)), seconds_ago=rng.uniform(3.5, 600))
        if captcha:
            data["altcha"] = solved_captcha()
        ip = "100.64.0.1" if n % 2 else f"198.18.{n // 200}.{n % 200}"
        yield "human", data, ip


def bots(rng: random.Random, campaign, count: int):
    """Five kinds of bot, in equal numbers, from a few data-centre addresses."""
    harvested = stamped(campaign, {}, seconds_ago=0)["form_stamp"]  # one GET of the page
    replayed = solved_captcha()  # one captcha solved by hand, then replayed
    kinds = ["naive", "fast", "patient", "disposable", "replay"]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        data = person(10_000 + n, "bot-farm.example")
        ip = f"192.0.2.{n % 4}"
        if kind == "naive":  # fills every field it finds, posts at once
            data |= {"homepage": "http://cheap-pills.example", "form_stamp": harvested}
        elif kind == "fast":  # leaves the honeypot alone, but posts within a second of its GET
            data = stamped(campaign, data, seconds_ago=rng.uniform(0, 1.5))
        elif kind == "patient":  # waits like a person, but runs no JavaScript
            data = stamped(campaign, data, seconds_ago=rng.uniform(5, 60))
        elif kind == "disposable":  # a human-like form from a throw-away address
            data = stamped(campaign, data | {"email": f"x{n}@mailinator.com"}, seconds_ago=20)
        else:  # replays one solved captcha
            data = stamped(campaign, data, seconds_ago=20) | {"altcha": replayed}
        yield f"bot:{kind}", data, ip


def run(client, campaign, people) -> dict:
    kinds = {}
    for kind, data, ip in people:
        assert sign(client, campaign, data, ip=ip).status_code == 302  # held or not, the same page
        kinds[data["email"].strip().lower()] = kind
    held, total = Counter(), Counter()
    for email, status in Signature.objects.filter(campaign=campaign).values_list("email", "status"):
        total[kinds[email]] += 1
        held[kinds[email]] += status == SignatureStatus.HELD
    return {kind: {"held": held[kind], "of": total[kind]} for kind in sorted(total)}


# 100 of the 200 people share one carrier address; the per-IP limit is set to 60 an hour so that
# the run shows what the soft signal does past it.
EXPECTED = {
    "off": {
        # Without the captcha, the 40 people past the limit on the shared address are held (an
        # organiser can release them), and a patient bot that runs no script passes as a person.
        "human": {"held": 40, "of": 200},
        "bot:naive": {"held": 40, "of": 40},
        "bot:fast": {"held": 40, "of": 40},
        "bot:patient": {"held": 0, "of": 40},
        "bot:disposable": {"held": 40, "of": 40},
        "bot:replay": {"held": 0, "of": 40},
    },
    "on": {
        # With it, a solved puzzle outweighs the shared address, and only its first use passes.
        "human": {"held": 0, "of": 200},
        "bot:naive": {"held": 40, "of": 40},
        "bot:fast": {"held": 40, "of": 40},
        "bot:patient": {"held": 40, "of": 40},
        "bot:disposable": {"held": 40, "of": 40},
        "bot:replay": {"held": 39, "of": 40},
    },
}


@pytest.mark.parametrize("captcha", ["off", "on"], ids=["defaults", "with-captcha"])
def test_bots_are_held_and_humans_are_not(client, captcha):
    rng = random.Random(6)
    campaign = live_campaign(abuse_min_fill_seconds=3, abuse_captcha=captcha == "on", abuse_ip_hourly_limit=60)

    people = itertools.chain(humans(rng, campaign, 200, captcha=captcha == "on"), bots(rng, campaign, 200))
    figures = run(client, campaign, people)

    record(f"captcha {captcha}", figures)
    assert figures == EXPECTED[captcha]


def record(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "abuse-figures.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(existing | {name: figures}, indent=2, sort_keys=True))
