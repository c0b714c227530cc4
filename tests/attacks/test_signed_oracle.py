"""Has this address signed? Asked by an attacker who knows an address and may sign with it.

The attacker reads every public output (counter.json, the campaign page with its counts by country,
the embed with and without its form, the sharing page, the big-screen display and its figures, the
home page, the public API's campaigns, counts and recent signers), signs with the address through the page or the embed,
reads them all again, and keeps everything it saw: the answer to its post and where it led. For
each probe that is one observation; the best any attacker can do with them is to guess, for each
distinct observation, the case it was seen with more often. Its accuracy on equal numbers of
signed and never-signed addresses is the figure: 0.5 is chance.

Between reads every cache is emptied: the attacker that waits out the caches is the strongest one.
"""

import re
from collections import Counter, defaultdict

import pytest
from django.core.cache import cache
from django.core.management import call_command

from campaigns.models import Campaign
from campaigns.selectors import forget_campaign_pages
from petitions.enums import SignatureStatus
from petitions.models import Signature
from petitions.signing import service
from petitions.web.embedding import embed_form_token
from tests.factories import live_campaign

pytestmark = pytest.mark.django_db

PROBES_PER_CASE = 8
OWN_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
# What changes with every request for everyone alike: the CSRF token, the form's time stamp, the
# embed's form token. Removed before comparing, as an attacker would.
PER_REQUEST = re.compile(r'(name="(?:csrfmiddlewaretoken|form_stamp|embed_token)" value=")[^"]*"')


@pytest.fixture(autouse=True)
def _no_api_limit(settings):
    """The attacker reads the API many times a minute; its limit is the same for a signed address and a new one."""
    settings.API_REQUESTS_PER_MINUTE = 0


def _letters(n: int) -> str:
    """A first name no one else has, of letters only (names with digits are refused)."""
    return "Probe" + "".join(chr(ord("a") + int(digit)) for digit in f"{n:04d}")


def _read_everything(client, slug: str) -> tuple[str, ...]:
    cache.clear()
    forget_campaign_pages()
    urls = [f"/c/{slug}/counter.json", f"/c/{slug}/", f"/c/{slug}/embed/", f"/c/{slug}/embed/?form=1"]
    urls += [f"/c/{slug}/share/", f"/c/{slug}/display/", f"/c/{slug}/display.json", "/"]
    urls += [f"/api/v1/campaigns{part}" for part in ["", f"/{slug}", f"/{slug}/counts", f"/{slug}/recent-signers"]]
    return tuple(PER_REQUEST.sub(r'\1"', client.get(url).content.decode()) for url in urls)


def _probe(client, campaign, email: str, n: int, *, embed: bool) -> tuple:
    """Sign with `email` (through the embed's form or the page); what the attacker saw."""
    form = {
        "first_name": _letters(n),
        "last_name": "Prober",
        "email": email,
        "country": "AZ",
        "show_name_publicly": "on",
        "message": "A unique message to look for.",
    }
    before = _read_everything(client, campaign.slug)
    if embed:
        form["embed_token"] = embed_form_token(campaign.pk)
        answer = client.post(f"/c/{campaign.slug}/embed/?form=1", form, **OWN_ORIGIN)
    else:
        answer = client.post(f"/c/{campaign.slug}/", form)
    landed = client.get(answer["Location"]).content.decode()
    after = _read_everything(client, campaign.slug)
    changed = tuple(b != a for b, a in zip(before, after, strict=True))
    return (embed, answer.status_code, answer["Location"], tuple(sorted(answer.cookies)), landed, changed)


def best_attacker_accuracy(observations: list[tuple[str, tuple]]) -> float:
    """The accuracy of the best guess per distinct observation (the Bayes-optimal attacker)."""
    seen: dict[tuple, Counter] = defaultdict(Counter)
    for case, observation in observations:
        seen[observation][case] += 1
    return sum(max(cases.values()) for cases in seen.values()) / len(observations)


def run_attack(client, campaign) -> tuple[float, list]:
    """Probe as many signed as never-signed addresses, interleaved; the attacker's best accuracy."""
    for n in range(PROBES_PER_CASE):
        service.sign_petition(
            campaign=campaign,
            data={"email": f"signed-{n}@example.net", "first_name": "Leyla", "show_name_publicly": True},
            language="en",
            client_ip="198.51.100.9",
        )
    Signature.objects.filter(campaign=campaign).update(status=SignatureStatus.CONFIRMED)
    observations = []
    for n in range(PROBES_PER_CASE):
        for case, email in (("signed", f"signed-{n}@example.net"), ("new", f"never-{n}@example.net")):
            # Each pair goes through the page or, every other pair, through the embed: both cases
            # get each way in equally often, so the way in alone tells nothing.
            observation = _probe(client, campaign, email, len(observations), embed=bool(n % 2))
            observations.append((case, observation))
    return best_attacker_accuracy(observations), observations


def test_at_risk_campaign_answers_a_signed_and_a_new_address_alike(client, organisation):
    campaign = live_campaign(organisation=organisation, slug="at-risk", signers_at_risk=True)

    accuracy, observations = run_attack(client, campaign)

    print(f"\nsigners at risk: attacker accuracy {accuracy:.2f} over {len(observations)} probes")
    assert accuracy == 0.5
    assert all(not any(observation[5]) for _, observation in observations), "a public output changed"
    # Nothing was counted or sent for the probes of never-signed addresses: they wait for the
    # addresses' owners, who were each mailed a confirmation link.
    assert Signature.objects.filter(status=SignatureStatus.PENDING).count() == PROBES_PER_CASE


def test_without_the_at_risk_setting_the_attacker_wins_as_documented(client, organisation):
    """The trade-off docs/operators/security.md states: counted at once means answered at once."""
    campaign = live_campaign(organisation=organisation, slug="not-at-risk", signers_at_risk=False)

    accuracy, observations = run_attack(client, campaign)

    print(f"\nsigners not at risk: attacker accuracy {accuracy:.2f} over {len(observations)} probes")
    assert accuracy == 1.0


def test_new_campaigns_and_the_demo_are_at_risk_by_default(organisation):
    assert Campaign(organisation=organisation, name="New", slug="new").signers_at_risk is True
    call_command("seed_demo")
    assert Campaign.objects.get(slug="workers-table-four").signers_at_risk is True
