"""What a signer meets on the way to signing, tried as a person would: the findings of a real try
on a phone in Azerbaijani, each pinned by a test that failed before its fix."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from campaigns.enums import CampaignStatus
from petitions.enums import SignatureStatus
from petitions.models import Signature
from petitions.signing.email_typos import suggested_address
from petitions.signing.forms import SignForm
from tests.factories import MessageTemplateFactory, SignatureFactory, live_campaign

pytestmark = pytest.mark.django_db


def _az_template(campaign):
    return MessageTemplateFactory(
        campaign=campaign,
        language="az",
        page_title='"İşçi Masası"nın dörd üzvünə azadlıq',
        summary="Prezident Administrasiyasına yazın.",
        story="2023-cü ildə dörd həmkarlar ittifaqı üzvü həbs edildi.",
        letter_subject="Həbsdə olan həmkarlar ittifaqı üzvlərini azad edin",
        letter_body="Hörmətli {target_name},\n\nOnları azad edin.\n\n{signer_signoff}",
    )


def test_azerbaijani_content_runs_left_to_right(client, campaign):
    _az_template(campaign)

    page = client.get(f"/az/c/{campaign.slug}/").content.decode()

    assert '<html lang="az" dir="ltr">' in page
    # Nothing runs right to left but the Arabic entry of the language menu.
    assert page.count('dir="rtl"') == 1
    assert 'lang="ar" dir="rtl">العربيّة</a>' in page
    assert 'hreflang="az" lang="az" dir="ltr"' in page
    assert '<div class="story" lang="az" dir="ltr">' in page


def test_arabic_page_still_runs_right_to_left(client, campaign):
    page = client.get(f"/ar/c/{campaign.slug}/").content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    # The campaign has English content only: that block is marked as English, left to right.
    assert '<div class="story" lang="en" dir="ltr">' in page


def test_home_page_lists_each_campaign_in_the_visitors_language(client, organisation):
    campaign = live_campaign(organisation=organisation, slug="free-the-four", default_language="en")
    _az_template(campaign)  # created after the English one: "whichever comes first" is English...
    other = live_campaign(organisation=organisation, slug="second", default_language="az")
    _az_template(other)  # ...and here Azerbaijani is the default language

    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    azerbaijani = client.get("/", HTTP_ACCEPT_LANGUAGE="az").content.decode()

    assert english.count("Free the Workers&#x27; Table four") == 2
    assert "İşçi Masası" not in english
    assert azerbaijani.count("İşçi Masası") == 2
    assert "Free the Workers" not in azerbaijani


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "This page does not exist"), ("az", "Belə səhifə yoxdur"), ("ru", "Такой страницы нет")],
)
def test_404_is_branded_translated_and_points_to_live_campaigns(client, campaign, language, heading):
    response = client.get(f"/{language}/c/free-the-fo/")

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}" dir="ltr">' in page
    assert heading in page
    assert f'href="/{language}/c/{campaign.slug}/"' in page  # the campaign the cut link meant


def test_404_of_an_unprefixed_address_speaks_the_browsers_language(client, campaign):
    page = client.get("/c/free-the-fo/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Такой страницы нет" in page


def test_500_page_is_branded_and_renders_when_the_database_is_what_failed(client, campaign, settings):
    from django.db import connection
    from django.test import RequestFactory

    from outcry.errors import server_error

    request = RequestFactory().get("/c/free-the-four/")
    with translation.override("en"), connection.execute_wrapper(_refuse_queries):
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "signing twice does no harm" in page


def _refuse_queries(execute, sql, params, many, context):
    from django.db import OperationalError

    raise OperationalError("the database is restarting")


def test_csrf_failure_is_the_branded_page_in_the_visitors_language(campaign, bob_form):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/az/my-data/", {"email": bob_form["email"]})

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="az" dir="ltr">' in page
    assert "Forbidden" not in page


def test_held_signer_sees_the_same_true_text_as_everyone(client, campaign, bob_form):
    campaign.abuse_block_disposable = True
    campaign.save()
    held = client.post(f"/en/c/{campaign.slug}/", bob_form | {"email": "bob@mailinator.com"}, follow=True)
    signed = client.post(f"/en/c/{campaign.slug}/", bob_form | {"email": "carol@example.net"}, follow=True)

    statuses = sorted(Signature.objects.values_list("status", flat=True))
    assert statuses == sorted([SignatureStatus.HELD, SignatureStatus.CONFIRMED])
    for response in (held, signed):
        page = response.content.decode()
        assert "Thank you for standing with this campaign" in page
        assert "Letters go out as the campaign's pacing allows" in page
        assert "on its way" not in page
    assert held.content == signed.content


def test_thank_you_page_does_not_double_the_titles_quotes(client, organisation):
    campaign = live_campaign(organisation=organisation, slug="az-first", default_language="az")
    _az_template(campaign)

    page = client.get(f"/az/c/{campaign.slug}/share/").content.decode()

    assert "&quot;İşçi Masası&quot;nın dörd üzvünə azadlıq" in page
    assert "“&quot;" not in page
    assert "&quot;”" not in page


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("bob@gmial.com", "bob@gmail.com"), ("bob@gmail.con", "bob@gmail.com"), ("ivan@mail.ri", "ivan@mail.ru")],
)
def test_a_misspelt_mail_domain_is_questioned_before_anything_is_stored(client, campaign, bob_form, typed, meant):
    response = client.post(f"/en/c/{campaign.slug}/", bob_form | {"email": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Did you mean {meant}?" in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert Signature.objects.count() == 0

    # Sent again as it was, the address is taken as meant.
    again = client.post(f"/en/c/{campaign.slug}/", bob_form | {"email": typed, "email_checked": typed})
    assert again.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.unit
def test_correct_common_addresses_are_not_questioned():
    for address in ["a@gmail.com", "a@mail.ru", "a@yandex.com.tr", "a@uni-baku.az", "a@example.org", "a@mail.com"]:
        assert suggested_address(address) is None, address


def test_the_form_carries_the_typo_hint_and_the_message_counter_for_the_script(client, campaign):
    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert 'data-common-domains="' in page
    assert "gmail.com" in page
    assert 'data-counter="%(count)s of %(limit)s characters"' in page
    assert 'maxlength="2000"' not in page  # the browser would cut a pasted message silently
    assert "Up to 2,000 characters." in page


def test_an_over_long_message_is_refused_and_kept(client, campaign, bob_form):
    message = "Azadlıq! " * 250  # 2,249 characters once the form strips the last space

    response = client.post(f"/en/c/{campaign.slug}/", bob_form | {"message": message})

    page = response.content.decode()
    assert "Your message is 2249 characters long; the limit is 2000." in page
    assert message.strip() in page
    assert Signature.objects.count() == 0


def test_line_breaks_count_as_one_character(client, campaign, bob_form):
    message = ("x" * 99 + "\r\n") * 20  # 2,000 characters as the signer sees them, 2,020 as sent

    response = client.post(f"/en/c/{campaign.slug}/", bob_form | {"message": message})

    assert response.status_code == 302


@pytest.mark.unit
@pytest.mark.parametrize(
    ("first", "last"),
    [("🙂", "🙂"), ("...", "!!!"), ("Bob", "🙂"), ("B", ""), ("A", "."), ("Bob", "1234"), ("Bob", "<b@x.org>")],
)
def test_names_must_be_names(first, last):
    data = {"first_name": first, "last_name": last, "email": "bob@example.net", "country": "GB"}

    form = SignForm(data)

    assert not form.is_valid()
    assert "first_name" in form.errors or "last_name" in form.errors


@pytest.mark.unit
@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Bob", "O'Brien"),
        ("Jean-Luc", "Picard"),
        ("Əli", "Məmmədov"),
        ("Иван", "Петров"),
        ("J.", "Smith"),
        ("王", "秀英"),
    ],
)
def test_real_names_pass(first, last):
    data = {"first_name": first, "last_name": last, "email": "bob@example.net", "country": "GB"}

    assert SignForm(data).is_valid(), SignForm(data).errors


def test_organisation_label_is_not_uppercased(client, campaign):
    page = client.get(f"/az/c/{campaign.slug}/").content.decode()

    assert "Workers&#x27; Table Solidarity</p>" in page
    assert "text-uppercase text-body-secondary mb-1" not in page


def test_closed_campaign_offers_no_sharing(client, campaign):
    open_page = client.get(f"/en/c/{campaign.slug}/").content.decode()
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    from campaigns.selectors import forget_campaign_pages

    forget_campaign_pages()
    closed_page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert "Share this campaign" in open_page
    assert "Share this campaign" not in closed_page
    assert "This campaign is closed" in closed_page


def test_not_yet_open_campaign_still_offers_sharing(client, campaign):
    campaign.starts_at = timezone.now() + timedelta(days=2)
    campaign.save()

    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert "Share this campaign" in page


def test_my_data_shows_the_public_title_in_the_visitors_language(client, campaign):
    from petitions.privacy import signer_requests

    _az_template(campaign)
    signature = SignatureFactory(campaign=campaign, email="bob@example.net")
    token = signer_requests.data_link(signature.email_hash).rstrip("/").rsplit("/", 1)[1]

    page = client.get(f"/az/my-data/{token}/").content.decode()

    assert "&quot;İşçi Masası&quot;nın dörd üzvünə azadlıq" in page
    assert campaign.name not in page


@pytest.mark.unit
@pytest.mark.parametrize(
    ("title", "language", "shown"),
    [
        ("Free the Workers' Table four", "en", "“Free the Workers' Table four”"),
        ('"İşçi Masası"nın dörd üzvünə azadlıq', "az", '"İşçi Masası"nın dörd üzvünə azadlıq'),
        ("Свободу четверым", "ru", "«Свободу четверым»"),
    ],
)
def test_titles_are_quoted_once_in_the_languages_marks(title, language, shown):
    from outcry.languages import quote_title

    assert quote_title(title, language) == shown
