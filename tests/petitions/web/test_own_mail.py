"""Sending the letter from one's own mailbox too: the buttons on the thank-you and receipt pages,
the tap counted apart (no cookie, our own pages only, bounded per network address), and the figure
in counter.json and on the page, never in "letters sent"."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from campaigns.enums import TargetRouting
from campaigns.models import TargetName
from campaigns.selectors import forget_campaign_pages
from petitions.abuse.own_mail import OWN_MAIL_CLICKS_PER_HOUR
from petitions.models import Signature
from petitions.reporting.counters import add_to_counters, recount_campaign
from petitions.reporting.public import campaign_counters
from tests.factories import MessageTemplateFactory, SignatureFactory, TargetFactory, receipt_token
from tests.petitions.web.origins import FOREIGN_POSTS

pytestmark = pytest.mark.django_db

OWN_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
HREF = re.compile(r'href="([^"]+)"[^>]*data-own-mail="(\w+)"')


@pytest.fixture
def offering(campaign):
    """The campaign with the buttons switched on (signers not at risk, as the factories make it)."""
    campaign.own_mailbox_links = True
    campaign.save()
    return campaign


def buttons(page: str) -> dict[str, str]:
    return {kind: html.unescape(href) for href, kind in HREF.findall(page)}


def fields(link: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def own_mail_count(campaign) -> int:
    cache.clear()
    return campaign_counters(campaign).own_mail


def test_the_thank_you_page_offers_the_letter_in_each_mail_app(client, offering):
    target = offering.targets.get()

    page = client.get(f"/en/c/{offering.slug}/share/").content.decode()

    assert "Send it from your own mailbox too" in page
    assert "the target then sees your email address" in page
    links = buttons(page)
    assert set(links) == {"mailto", "gmail", "outlook", "yahoo"}
    assert links["mailto"].startswith(f"mailto:{target.email}?")
    gmail = fields(links["gmail"])
    assert gmail["to"] == target.email
    assert gmail["su"] == "Release the jailed trade unionists"
    # The page knows nobody: the signer's parts are hints to fill in.
    assert gmail["body"].startswith("Dear Presidential Administration,\n\nRelease the four trade unionists.")
    assert "[your name]" in gmail["body"]
    assert fields(links["outlook"])["body"] == fields(links["yahoo"])["body"] == gmail["body"]


@pytest.mark.parametrize(("switch", "at_risk"), [(False, False), (True, True)], ids=["switched-off", "signers-at-risk"])
def test_no_buttons_unless_switched_on_and_signers_are_not_at_risk(client, campaign, switch, at_risk):
    campaign.own_mailbox_links, campaign.signers_at_risk = switch, at_risk
    campaign.save()

    page = client.get(f"/en/c/{campaign.slug}/share/").content.decode()

    assert "Send it from your own mailbox too" not in page
    assert "data-own-mail" not in page
    assert client.post(f"/c/{campaign.slug}/own-mail/", **OWN_ORIGIN).status_code == 403


def test_each_target_gets_the_letter_in_its_own_language(client, offering):
    MessageTemplateFactory(
        campaign=offering,
        language="az",
        page_title="Dördlüyü azad edin",
        letter_subject="Həmkarlar ittifaqı üzvlərini azad edin",
        letter_body="Hörmətli {target_name},\n\nDördlüyü azad edin.\n\n{signer_signoff}",
    )
    minister = TargetFactory(campaign=offering, name="Minister", language="az", email="nazir@gov.example.az")
    TargetName.objects.create(target=minister, language="az", name="Nazir")

    page = client.get(f"/en/c/{offering.slug}/share/").content.decode()

    mailto = [href for href, kind in HREF.findall(page) if kind == "mailto"]
    assert len(mailto) == 2  # the letters differ: one set of buttons for each
    azerbaijani = fields(html.unescape(next(link for link in mailto if "nazir@" in link)))
    assert azerbaijani["subject"] == "Həmkarlar ittifaqı üzvlərini azad edin"
    assert azerbaijani["body"].startswith("Hörmətli Nazir,\r\n\r\nDördlüyü azad edin.")
    assert azerbaijani["body"].endswith("[adınız]\r\n[təşkilatınız, şəhəriniz və ölkəniz]\r\n")  # hints in Azerbaijani
    assert 'lang="az"' in page


def test_targets_with_the_same_letter_share_one_set_of_buttons(client, offering):
    second = TargetFactory(campaign=offering, email="deputy@president.example.org")
    first = offering.targets.exclude(pk=second.pk).get()
    template = offering.templates.get()
    template.letter_body = "To whom it may concern,\n\nRelease them.\n\n{signer_signoff}"
    template.save()

    page = client.get(f"/en/c/{offering.slug}/share/").content.decode()

    links = buttons(page)
    assert fields(links["gmail"])["to"] == f"{first.email},{second.email}"
    assert links["mailto"].startswith(f"mailto:{first.email},{second.email}?")


def test_a_long_letter_is_cut_in_the_links_and_offered_whole_to_copy(client, offering):
    template = offering.templates.get()
    template.letter_body = "Dear {target_name},\n\n" + "We ask you to release the four trade unionists. " * 60
    template.save()

    page = client.get(f"/en/c/{offering.slug}/share/").content.decode()

    assert "The letter is too long for some of these buttons" in page
    assert fields(buttons(page)["mailto"])["body"].endswith("[…]")
    whole = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert html.unescape(whole).count("We ask you to release") == 60


def test_new_and_repeat_signers_land_on_the_same_thank_you_page(client, offering, bob_form):
    new = client.post(f"/en/c/{offering.slug}/", bob_form, follow=True)
    repeat = client.post(f"/en/c/{offering.slug}/", bob_form, follow=True)

    assert Signature.objects.count() == 1
    assert "Send it from your own mailbox too" in new.content.decode()
    assert repeat.content == new.content
    assert "Builder" not in new.content.decode()


def test_the_receipt_page_offers_the_letter_written_for_its_signer(client, offering):
    bob = SignatureFactory(campaign=offering, first_name="Bob", last_name="Builder", city="Leeds")

    response = client.get(f"/c/{offering.slug}/receipt/{receipt_token(bob)}/")

    body = fields(buttons(response.content.decode())["gmail"])["body"]
    assert body.endswith("Yours,\nBob Builder\nLeeds, United Kingdom\n")
    assert "[your name]" not in body
    assert "no-store" in response["Cache-Control"]


def test_a_tap_counts_one_apart_from_letters_sent_and_sets_no_cookie(client, offering):
    add_to_counters(campaign_id=offering.pk, signatures=2, emails_sent=2)

    responses = [client.post(f"/c/{offering.slug}/own-mail/", **OWN_ORIGIN) for _ in range(3)]

    assert [response.status_code for response in responses] == [204, 204, 204]
    assert all(response.cookies == {} and "Set-Cookie" not in response for response in responses)
    assert all("no-cache" in response["Cache-Control"] for response in responses)
    cache.clear()
    body = client.get(f"/c/{offering.slug}/counter.json").json()
    assert (body["own_mail"], body["emails_sent"], body["signatures"]) == (3, 2, 2)


def test_a_browser_too_old_to_send_origin_still_counts(client, offering):
    assert client.post(f"/c/{offering.slug}/own-mail/").status_code == 204
    assert own_mail_count(offering) == 1


@pytest.mark.parametrize("headers", FOREIGN_POSTS)
def test_a_tap_posted_from_another_site_is_refused(client, offering, headers):
    response = client.post(f"/c/{offering.slug}/own-mail/", **headers)

    assert response.status_code == 403
    assert own_mail_count(offering) == 0


def test_reading_the_endpoint_counts_nothing(client, offering):
    assert client.get(f"/c/{offering.slug}/own-mail/").status_code == 405
    assert own_mail_count(offering) == 0


def test_a_script_inflating_the_count_is_bounded_per_network_address(client, offering):
    for _ in range(OWN_MAIL_CLICKS_PER_HOUR + 20):
        answer = client.post(f"/c/{offering.slug}/own-mail/", REMOTE_ADDR="203.0.113.9", **OWN_ORIGIN)
        assert answer.status_code == 204  # the same answer: the script learns nothing
    client.post(f"/c/{offering.slug}/own-mail/", REMOTE_ADDR="198.51.100.4", **OWN_ORIGIN)

    assert own_mail_count(offering) == OWN_MAIL_CLICKS_PER_HOUR + 1


def test_the_count_is_never_logged_with_the_address(client, offering, caplog):
    caplog.set_level("DEBUG")
    for _ in range(OWN_MAIL_CLICKS_PER_HOUR + 2):
        client.post(f"/c/{offering.slug}/own-mail/", REMOTE_ADDR="203.0.113.77", **OWN_ORIGIN)

    assert "203.0.113.77" not in caplog.text


def test_the_campaign_page_says_how_many_went_from_signers_own_mailboxes(client, offering):
    add_to_counters(campaign_id=offering.pk, signatures=5, emails_sent=4, own_mail=1312)

    page = html.unescape(client.get(f"/en/c/{offering.slug}/").content.decode())

    assert 'plus <bdi data-counter="own_mail">1,312</bdi> sent from signers\' own mailboxes' in page
    assert 'data-counter="emails_sent">4<' in page


def test_the_campaign_page_says_nothing_of_own_mailboxes_before_the_first(client, offering):
    page = client.get(f"/en/c/{offering.slug}/").content.decode()

    assert "own mailboxes" not in page
    assert client.get(f"/c/{offering.slug}/counter.json").json()["own_mail"] == 0


def test_the_recount_keeps_the_own_mailbox_count(offering):
    add_to_counters(campaign_id=offering.pk, own_mail=7, signatures=3)

    recount_campaign(campaign_id=offering.pk)

    forget_campaign_pages()
    counters = own_mail_count(offering), campaign_counters(offering).signatures
    assert counters == (7, 0)


def test_the_switch_shows_in_the_admin_only_once_signers_are_not_at_risk(admin_client, campaign):
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    offered = admin_client.get(url).content.decode()
    campaign.signers_at_risk = True
    campaign.save()
    at_risk = admin_client.get(url).content.decode()

    assert 'name="own_mailbox_links"' in offered
    assert "The target then sees their email address" in offered
    assert 'name="own_mailbox_links"' not in at_risk


def test_the_dashboard_shows_the_own_mailbox_count_apart_from_letters_sent(admin_client, offering):
    add_to_counters(campaign_id=offering.pk, emails_sent=4, own_mail=12)

    page = admin_client.get(f"/admin/petitions/signature/dashboard/{offering.pk}/").content.decode()

    assert '<strong data-figure="emails_sent">4</strong> letters sent' in page
    assert """<strong data-figure="own_mail">12</strong> opened to send from signers' own mailboxes""" in page


@pytest.fixture
def routed(offering):
    """Letters by country: the embassy in Germany, and the default one for everyone else."""
    offering.target_routing = TargetRouting.COUNTRY
    offering.save()
    offering.targets.all().delete()
    TargetFactory(
        campaign=offering, name="Embassy in Berlin", title="", email="berlin@mfa.example.az", countries=["DE"]
    )
    TargetFactory(campaign=offering, name="Embassy in London", title="", email="london@mfa.example.az", is_default=True)
    return offering


def test_where_letters_go_by_country_the_thank_you_page_says_whom_each_letter_is_for(client, routed):
    page = client.get(f"/en/c/{routed.slug}/share/").content.decode()

    labels = dict(re.findall(r"<bdi>([^<]+)</bdi> <span [^>]*data-own-mail-for>\(([^)]+)\)", page))
    assert labels == {
        "Embassy in Berlin": "for signers in Germany",
        "Embassy in London": "for everyone whom no other target fits",
    }
    assert page.count('data-own-mail="mailto"') == 2


def test_the_receipt_page_offers_only_the_letters_to_the_signers_own_targets(client, routed):
    signer = SignatureFactory(campaign=routed, country="DE", wants_receipt=True)

    page = client.get(f"/c/{routed.slug}/receipt/{receipt_token(signer)}/").content.decode()

    assert page.count('data-own-mail="mailto"') == 1
    assert buttons(page)["mailto"].startswith("mailto:berlin@mfa.example.az?")
    assert "data-own-mail-for" not in page
