"""Letters routed to the targets that fit the signer: a coalition campaign of 30 targets in 10
countries (the embassy, the consulate and the trade mission in each), signed over HTTP by people in
those countries and in two countries no target is for. Each signer writes to their country's three,
the others to the default targets; the letters greet the matched target by its name in the letter's
language; digests, pacing and the figures per target follow the same routing."""

from collections import Counter
from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import DeliveryMode, DigestPeriod, TargetRouting
from campaigns.models import TargetName
from petitions.delivery.digests import compose_digests
from petitions.delivery.pacing import dispatch_paced
from petitions.delivery.sending import send_delivery
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from petitions.signing.confirmations import confirm_signature
from petitions.tracking.figures import target_figures
from tests.factories import MessageTemplateFactory, TargetFactory

pytestmark = pytest.mark.django_db

# Where the targets are, and the language their letters are written in.
COUNTRIES = {
    "DE": "en", "FR": "en", "GB": "en", "TR": "tr", "RU": "ru",
    "ES": "es", "GE": "ru", "NL": "en", "SE": "en", "EG": "ar",
}  # fmt: skip
OFFICES = ["Embassy", "Consulate", "Trade mission"]
NATIVE = {"tr": "Büyükelçiliği", "ru": "Посольство", "es": "Embajada", "ar": "السفارة"}
SIGNERS_PER_COUNTRY = 5
NOWHERE = ["JP", "BR"]  # no target is for these signers' countries
DEFAULT_COUNTRY = "GB"  # its three offices also take everyone no target fits


@pytest.fixture
def coalition(campaign):
    campaign.target_routing = TargetRouting.COUNTRY
    campaign.save()
    campaign.targets.all().delete()
    for language in set(COUNTRIES.values()) - {"en"}:
        MessageTemplateFactory(
            campaign=campaign,
            language=language,
            letter_subject=f"Free them ({language})",
            letter_body="{target_name} ({target_title}),\n\n{signer_signoff}",
        )
    campaign.templates.filter(language="en").update(
        letter_body="Dear {target_name}, {target_title},\n\n{signer_signoff}"
    )
    for code, language in COUNTRIES.items():
        for office in OFFICES:
            target = TargetFactory(
                campaign=campaign,
                name=f"{office} of Azerbaijan in {code}",
                title=f"Head of the {office.lower()}",
                email=f"{office.split()[0].lower()}-{code.lower()}@mfa.example.az",
                language=language,
                countries=[code],
                is_default=code == DEFAULT_COUNTRY,
            )
            if language in NATIVE:
                TargetName.objects.create(
                    target=target, language=language, name=f"{NATIVE[language]} {office} {code}", title=f"T-{code}"
                )
    return campaign


def letters(n: int) -> str:
    """A number as letters, since names hold no digits: 0 -> "a", 27 -> "bb"."""
    return chr(ord("a") + n % 26) * (1 + n // 26)


def signer(code: str, n: int) -> dict:
    return {
        "first_name": "Aysel",
        "last_name": f"Signer{code}{letters(n)}",
        "email": f"aysel.{code.lower()}{n}@example.net",
        "country": code,
    }


def sign_over_http(client, campaign, data) -> None:
    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line.lower() or "alert" in line
    ][:10]


def sign_everyone(client, campaign) -> list[str]:
    countries = [code for code in COUNTRIES for _ in range(SIGNERS_PER_COUNTRY)] + NOWHERE * SIGNERS_PER_COUNTRY
    for n, code in enumerate(countries):
        sign_over_http(client, campaign, signer(code, n))
    return countries


def test_thirty_targets_in_ten_countries_each_signer_writes_to_their_countrys_three(client, coalition):
    assert coalition.targets.count() == 30
    countries = sign_everyone(client, coalition)

    written = {
        signature.country.code: set() for signature in Signature.objects.all()
    }  # country -> the countries of the targets its signers wrote to
    per_signature = Counter()
    for delivery in Delivery.objects.select_related("signature", "target"):
        written[delivery.signature.country.code] |= {c.code for c in delivery.target.countries}
        per_signature[delivery.signature_id] += 1
    for code in COUNTRIES:
        assert written[code] == {code}
    for code in NOWHERE:
        assert written[code] == {DEFAULT_COUNTRY}
    assert set(per_signature.values()) == {3}
    letters_per_target = Counter(Delivery.objects.values_list("target__email", flat=True))
    assert len(letters_per_target) == 30
    assert letters_per_target["embassy-de@mfa.example.az"] == SIGNERS_PER_COUNTRY
    assert letters_per_target["embassy-gb@mfa.example.az"] == SIGNERS_PER_COUNTRY * (1 + len(NOWHERE))
    print(
        f"\nmatched targets: {len(countries)} signers from {len(set(countries))} countries, "
        f"{coalition.targets.count()} targets in {len(COUNTRIES)} countries, {Delivery.objects.count()} letters; "
        f"letters per target: min {min(letters_per_target.values())}, max {max(letters_per_target.values())}"
    )


def test_each_letter_greets_its_matched_target_in_the_letters_language(client, coalition):
    sign_everyone(client, coalition)

    for delivery in Delivery.objects.filter(status=DeliveryStatus.QUEUED):
        send_delivery(delivery_id=delivery.pk)

    assert len(mail.outbox) == Delivery.objects.count()
    by_address = {parseaddr(message.to[0])[1]: message for message in mail.outbox}
    turkish = by_address["consulate-tr@mfa.example.az"]
    assert turkish.body.startswith("Büyükelçiliği Consulate TR (T-TR),")
    assert "SignerTR" in turkish.body
    arabic = by_address["embassy-eg@mfa.example.az"]
    assert arabic.body.startswith("السفارة Embassy EG (T-EG),")
    german = by_address["trade-de@mfa.example.az"]
    assert german.body.startswith("Dear Trade mission of Azerbaijan in DE, Head of the trade mission,")
    to_de = [m for m in mail.outbox if parseaddr(m.to[0])[1] == "embassy-de@mfa.example.az"]
    assert len({m.body.split("\n\n")[1].split("\n")[0] for m in to_de}) == SIGNERS_PER_COUNTRY


def test_figures_per_target_count_only_the_letters_routed_to_it(client, coalition):
    sign_everyone(client, coalition)
    for delivery in Delivery.objects.filter(status=DeliveryStatus.QUEUED):
        send_delivery(delivery_id=delivery.pk)

    sent = {figures.name: figures.sent for figures in target_figures(coalition)}

    assert sent["Embassy of Azerbaijan in FR"] == SIGNERS_PER_COUNTRY
    assert sent["Consulate of Azerbaijan in GB"] == SIGNERS_PER_COUNTRY * (1 + len(NOWHERE))
    assert sum(sent.values()) == Delivery.objects.count()


def test_a_digest_per_matched_target_names_only_the_signers_routed_to_it(client, coalition):
    coalition.delivery_mode, coalition.digest_period = DeliveryMode.DIGEST, DigestPeriod.DAY
    coalition.save()
    sign_everyone(client, coalition)

    compose_digests(now=timezone.now() + timedelta(days=2))

    digests = Delivery.objects.filter(signature=None).select_related("target")
    assert digests.count() == 30
    spain = digests.get(target__email="embassy-es@mfa.example.az")
    assert spain.body.count("SignerES") == SIGNERS_PER_COUNTRY
    assert "SignerTR" not in spain.body
    assert "SignerJP" not in spain.body
    britain = digests.get(target__email="embassy-gb@mfa.example.az")
    assert britain.body.count("SignerJP") == britain.body.count("SignerBR") == SIGNERS_PER_COUNTRY


def test_pacing_hands_out_slots_per_matched_target(client, coalition):
    coalition.targets.update(hourly_cap=60)
    sign_everyone(client, coalition)

    slots = dispatch_paced(now=timezone.now(), horizon=timedelta(hours=1))

    per_target = Counter(Delivery.objects.get(pk=slot.delivery_id).target.email for slot in slots)
    assert per_target["embassy-de@mfa.example.az"] == SIGNERS_PER_COUNTRY
    assert per_target["embassy-gb@mfa.example.az"] == SIGNERS_PER_COUNTRY * (1 + len(NOWHERE))
    assert sum(per_target.values()) == Delivery.objects.count()


def test_without_a_default_target_an_unmatched_signer_writes_to_every_target(client, coalition):
    coalition.targets.update(is_default=False)

    sign_over_http(client, coalition, signer("JP", 1))

    assert Delivery.objects.count() == 30


def test_the_page_names_each_targets_countries_and_the_route_table(client, coalition):
    page = client.get(reverse("petitions:campaign", args=[coalition.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "(for signers in Germany)" in page
    assert "(for signers in United Kingdom; and everyone else)" in page
    assert "data-routes=" in page
    assert "data-route-note" in page
    assert "Your letter goes to:" in page


def test_a_signer_at_risk_writes_to_their_countrys_targets_once_they_confirm(client, coalition):
    coalition.signers_at_risk = True
    coalition.save()
    sign_over_http(client, coalition, signer("TR", 1) | {"targets": "ignored"})
    signature = Signature.objects.get()
    assert not Delivery.objects.exists()

    assert confirm_signature(signature=signature)

    assert set(Delivery.objects.values_list("target__email", flat=True)) == {
        "embassy-tr@mfa.example.az",
        "consulate-tr@mfa.example.az",
        "trade-tr@mfa.example.az",
    }
