"""About forty script-injection payloads, typed by an organiser and by a signer, rendered on every
public page, the admin's signature and letter views, the review page and the letter itself: none
may come out as markup or script."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from campaigns.models import MessageTemplate, Target
from petitions.delivery import sending
from petitions.enums import SignatureStatus
from petitions.mail import signer_mail
from petitions.models import Delivery, Signature
from petitions.privacy import signer_requests
from petitions.signing import confirmations, receipts
from petitions.signing.forms import BIDI_CONTROLS
from tests.attacks.payloads import XSS, executable_marks
from tests.factories import CampaignFactory, TargetFactory, live_campaign
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


def literal(text: str) -> str:
    """Organiser text where braces are literal (placeholders are checked on save)."""
    return text.replace("{", "{{").replace("}", "}}")


@pytest.fixture
def root(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", None)  # no hashing: fast
    verified_login(client, admin)
    return client


def poisoned_campaign(payload: str):
    campaign = live_campaign(slug="poisoned", offer_signer_copy=True)
    campaign.organisation.name = payload
    campaign.organisation.save()
    MessageTemplate.objects.filter(campaign=campaign).update(
        page_title=payload[:200], summary=payload, story=payload, letter_subject=literal(payload)[:250]
    )
    template = campaign.templates.get()
    template.letter_body = literal(payload) + "\n{signer_message}\n{signer_signoff}"
    template.save()
    Target.objects.filter(campaign=campaign).update(name=payload[:200], title=payload[:200])
    return campaign


def public_pages(client, campaign, form) -> dict[str, str]:
    pages = {
        "home": client.get(reverse("campaigns:home")),
        "campaign": client.get(reverse("petitions:campaign", args=[campaign.slug])),
        "thanks": client.get(reverse("petitions:share", args=[campaign.slug])),
        # The form re-rendered with what was typed (an invalid email keeps it from being stored).
        "echoed form": client.post(reverse("petitions:campaign", args=[campaign.slug]), {**form, "email": "x"}),
    }
    for name in ("petitions:embed", "petitions:embed_form", "petitions:embed_counter"):
        try:
            pages[name] = client.get(reverse(name, args=[campaign.slug]))
        except NoReverseMatch:
            continue
    return {name: response.content.decode() for name, response in pages.items()}


def signer_pages(client, signature) -> dict[str, str]:
    """The signer's private pages, reached by their emailed links."""
    pages = {"receipt": client.get(urlsplit(receipts.receipt_url(signature)).path)}
    Signature.objects.filter(pk=signature.pk).update(status=SignatureStatus.PENDING)
    pages["confirm"] = client.get(urlsplit(confirmations.confirmation_url(signature)).path)
    Signature.objects.filter(pk=signature.pk).update(status=SignatureStatus.CONFIRMED)
    data_path = urlsplit(signer_requests.data_link(signature.email_hash)).path
    pages["my data"] = client.get(data_path)
    pages["my data request"] = client.get(reverse("petitions:my_data_request"))
    export = client.get(f"{data_path}export.json")
    assert export["Content-Type"].startswith("application/json")
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    return {name: response.content.decode() for name, response in pages.items()}


def signer_form(payload: str, email: str = "mallory@example.net") -> dict:
    """The payload in every free-text field; names must be names (tested below), so they are plain."""
    return {
        "first_name": "Mallory",
        "last_name": "Payload",
        "email": email,
        "country": "GB",
        "city": payload[:100],
        "organisation": payload[:200],
        "message": payload,
        "wants_copy": "on",
    }


def sign_and_send(client, campaign, form) -> None:
    signed = client.post(reverse("petitions:campaign", args=[campaign.slug]), form)
    assert signed.status_code == 302, signed.content.decode()[:500]
    for delivery in Delivery.objects.filter(signature__in=Signature.objects.with_email(form["email"])):
        sending.send_delivery(delivery_id=delivery.pk)


@pytest.mark.parametrize("payload", XSS, ids=range(len(XSS)))
def test_payload_never_becomes_markup_on_public_pages_or_in_letters(client, payload):
    campaign = poisoned_campaign(payload)
    TargetFactory(campaign=campaign, name="Second office")
    form = signer_form(payload)
    sign_and_send(client, campaign, form)
    sending.send_signer_copy(delivery_id=Delivery.objects.first().pk)

    signature = Signature.objects.get()
    rendered = public_pages(client, campaign, form) | signer_pages(client, signature)
    for message in mail.outbox:
        rendered[f"mail to {message.to}"] = message.alternatives[0][0]
    for build, url in (
        (signer_mail.build_receipt, "/r"),
        (signer_mail.build_confirmation, "/c"),
        (signer_mail.build_data_link, "/d"),
    ):
        rendered[build.__name__] = build(signature=signature, url=url).alternatives[0][0]

    assert len(mail.outbox) == 3  # two letters and the signer's copy
    assert {name: marks for name, html in rendered.items() if (marks := executable_marks(html))} == {}
    counter = client.get(reverse("petitions:counter", args=[campaign.slug]))
    assert counter["Content-Type"] == "application/json"


def test_payloads_never_become_markup_in_admin(client, root):
    campaign = live_campaign(slug="poisoned")
    for n, payload in enumerate(XSS):
        CampaignFactory(name=payload[:200], organisation__name=payload[:200])
        sign_and_send(client, campaign, signer_form(payload, email=f"mallory{n}@example.net"))
    signatures = list(Signature.objects.values_list("pk", flat=True))
    list_url = reverse("admin:petitions_signature_changelist")
    pages = {
        "signatures": root.get(list_url),
        "letters": root.get(reverse("admin:petitions_delivery_changelist")),
        "campaigns": root.get(reverse("admin:campaigns_campaign_changelist")),
        "review": root.post(list_url, {"action": "release_selected", "_selected_action": signatures}),
        **{f"signature {pk}": root.get(reverse("admin:petitions_signature_change", args=[pk])) for pk in signatures},
        **{
            f"letter {pk}": root.get(reverse("admin:petitions_delivery_change", args=[pk]))
            for pk in Delivery.objects.values_list("pk", flat=True)
        },
    }

    assert {name: response.status_code for name, response in pages.items() if response.status_code != 200} == {}
    assert len(pages) == 4 + 2 * len(XSS)
    leaks = {name: marks for name, r in pages.items() if (marks := executable_marks(r.content.decode()))}
    assert leaks == {}


# Harmless even raw: encoded, commented out, template or shell syntax, or (the mglyph one) a
# mutation that needs a browser's parser, which html.parser is not.
TEXT_ONLY = [
    "${alert(1337)}",
    "%3Cscript%3Ealert(1337)%3C/script%3E",
    "&lt;script&gt;alert(1337)&lt;/script&gt;",
    "<!--<script>alert(1337)</script>-->",
    "{{ 1337|add:1 }}{% debug %}",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1337)>",
    "<scr<script>ipt>alert(1337)</scr</script>ipt>",
]


def test_checker_sees_the_payloads_when_they_are_not_escaped():
    """The suite above could not fail if the checker were blind: raw, almost every payload is caught."""
    caught = [p for p in XSS if executable_marks(f"<div>{p}</div>") or executable_marks(f'<a href="{p}">x</a>')]

    assert sorted(set(XSS) - set(caught)) == sorted(TEXT_ONLY)


@pytest.mark.parametrize("payload", XSS, ids=range(len(XSS)))
def test_payload_as_a_name_is_refused_with_a_form_error_and_no_row(client, payload):
    campaign = live_campaign(slug="names")
    form = signer_form(payload) | {"first_name": payload[:100], "last_name": payload[:100]}

    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), form)

    assert response.status_code == 200
    assert "Please write your name in letters" in response.content.decode()
    assert not executable_marks(response.content.decode())
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("payload", XSS, ids=range(len(XSS)))
def test_payload_in_the_signers_own_letter_never_becomes_markup(client, payload):
    """An edited letter and an opening paragraph, on the echoed form and in the letter's HTML part."""
    campaign = live_campaign(slug="own-words", signer_voice="edit")
    own = {
        "own_subject": payload.replace("\n", " ")[:200],
        "own_body": f"Dear {{target_name}},\n{payload}\n{{signer_signoff}}",
    }
    form = signer_form("plain") | own
    echoed = client.post(reverse("petitions:campaign", args=[campaign.slug]), {**form, "email": "x"}).content.decode()
    signed = client.post(reverse("petitions:campaign", args=[campaign.slug]), form)

    rendered = {"echoed form": echoed}
    if signed.status_code == 302:
        for delivery in Delivery.objects.all():
            sending.send_delivery(delivery_id=delivery.pk)
        [letter] = mail.outbox
        rendered["letter"] = letter.alternatives[0][0]
        assert payload.translate(BIDI_CONTROLS).strip() in letter.body  # sent as typed, as text
    else:
        assert "leave out web addresses" in signed.content.decode() or "special characters" in signed.content.decode()
    assert {name: marks for name, html in rendered.items() if (marks := executable_marks(html))} == {}
