"""Organisers choose a target's country for its public holidays and list their own dates to skip,
as date fields: on the target's own page, and inline in the campaign."""

import zoneinfo
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.models import Target
from tests.admin.test_target_names_admin import target_form
from tests.campaigns.test_admin import campaign_form

pytestmark = pytest.mark.django_db


def next_novruz() -> date:
    """The first day of the next Novruz in Baku (20 March), where the list of holidays starts from."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Baku")).date()
    this_year = date(today.year, 3, 20)
    return this_year if this_year >= today else date(today.year + 1, 3, 20)


def change_url(target) -> str:
    return reverse("admin:campaigns_target_change", args=[target.pk])


def test_organiser_chooses_a_country_and_two_dates_and_sees_them_with_the_coming_holidays(alice_client, alpha):
    data = target_form(alpha.target) | {"holiday_country": "AZ", "skip_dates": ["2027-01-05", "", "2026-12-24"]}

    response = alice_client.post(change_url(alpha.target), data)
    page = alice_client.get(change_url(alpha.target)).content.decode()

    assert response.status_code == 302, response.content.decode()
    alpha.target.refresh_from_db()
    assert (alpha.target.holiday_country, alpha.target.skip_dates) == ("AZ", ["2026-12-24", "2027-01-05"])
    assert '<option value="AZ" selected>Azerbaijan</option>' in page
    assert '<input type="date" name="skip_dates" value="2026-12-24"' in page
    assert '<input type="date" name="skip_dates" value="2027-01-05"' in page
    novruz = next_novruz()
    assert "No letters go on these public holidays of Azerbaijan in the next 12 months:" in page
    assert (
        f'<li><bdi>Spring Festival</bdi>, <time datetime="{novruz.isoformat()}">{date_format(novruz)}</time> – '
        f'<time datetime="{novruz.replace(day=24).isoformat()}">{date_format(novruz.replace(day=24))}</time></li>'
    ) in page


def test_without_a_country_the_page_says_only_the_organisers_dates_are_skipped(alice_client, alpha):
    page = alice_client.get(change_url(alpha.target)).content.decode()

    assert "No country chosen, so no public holidays are skipped: only your own dates." in page
    assert '<option value="" selected>No country: no public holidays</option>' in page
    assert "No dates of your own yet." in page


def test_a_date_that_is_not_one_is_named_and_nothing_typed_is_lost(alice_client, alpha):
    data = target_form(alpha.target) | {"holiday_country": "AZ", "skip_dates": ["2026-12-24", "24.12.2027"]}

    response = alice_client.post(change_url(alpha.target), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "24.12.2027 is not a date. Give it as year-month-day, e.g. 2026-12-31." in page
    assert '<input type="date" name="skip_dates" value="2026-12-24"' in page
    assert '<input type="text" name="skip_dates" value="24.12.2027" aria-label="Date" aria-invalid="true">' in page
    assert '<option value="AZ" selected>Azerbaijan</option>' in page
    alpha.target.refresh_from_db()
    assert (alpha.target.holiday_country, alpha.target.skip_dates) == ("", [])


def test_a_region_of_another_country_is_refused_with_the_right_ones_named(alice_client, alpha):
    data = target_form(alpha.target) | {
        "holiday_country": "GB",
        "holiday_subdivision": "Bavaria",
        "skip_dates": ["2026-12-24"],
    }

    response = alice_client.post(change_url(alpha.target), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Bavaria is not a state or region of United Kingdom. Choose one of: "
        "ENG (England), NIR (Northern Ireland), SCT (Scotland), WLS (Wales)."
    ) in page
    assert 'name="holiday_subdivision" value="Bavaria"' in page
    assert '<input type="date" name="skip_dates" value="2026-12-24"' in page
    alpha.target.refresh_from_db()
    assert alpha.target.holiday_subdivision == ""


def test_a_region_named_in_words_is_stored_as_its_code_and_suggested_from_the_countrys_list(alice_client, alpha):
    data = target_form(alpha.target) | {"holiday_country": "GB", "holiday_subdivision": "scotland"}

    alice_client.post(change_url(alpha.target), data)
    page = alice_client.get(change_url(alpha.target)).content.decode()

    alpha.target.refresh_from_db()
    assert alpha.target.holiday_subdivision == "SCT"
    assert 'list="outcry-subdivisions-GB"' in page
    assert '<datalist id="outcry-subdivisions-GB"><option value="ENG">England</option>' in page
    assert "No letters go on these public holidays of United Kingdom, SCT (Scotland) in the next 12 months:" in page


def test_removing_every_date_empties_the_list(alice_client, alpha):
    Target.objects.filter(pk=alpha.target.pk).update(skip_dates=["2026-12-24"])

    response = alice_client.post(change_url(alpha.target), target_form(alpha.target))

    assert response.status_code == 302
    alpha.target.refresh_from_db()
    assert alpha.target.skip_dates == []


def test_the_list_of_holidays_follows_the_country_chosen_before_saving(alice_client):
    url = reverse("admin:campaigns_target_public_holidays")

    spain = alice_client.get(url, {"country": "ES", "subdivision": "Catalunya", "zone": "Europe/Madrid"})
    wrong = alice_client.get(url, {"country": "ES", "subdivision": "Bavaria", "zone": "nowhere"})
    none = alice_client.get(url, {"country": ""})
    script = alice_client.get(url, {"country": "ES", "subdivision": "<script>alert(1)</script>"})
    stranger = Client().get(url, {"country": "ES"})

    assert "public holidays of Spain, CT (Catalunya) in the next 12 months" in spain.content.decode()
    assert "National Day of Catalonia" in spain.content.decode()
    assert "Bavaria is not a state or region of Spain." in wrong.content.decode()
    assert "National Day of Catalonia" not in wrong.content.decode()
    assert "Epiphany" in wrong.content.decode()  # the country's own holidays still show
    assert "No country chosen" in none.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is not a state or region of Spain." in script.content.decode()
    assert "<script>" not in script.content.decode()
    assert stranger.status_code == 302
    assert stranger.url.startswith("/admin/login/")


def test_the_campaign_form_takes_the_country_and_dates_of_each_target_inline(alice_client, alpha):
    data = campaign_form(
        alpha.organisation,
        **{
            "templates-0-letter_body": "Dear {target_name},\n{signer_signoff}",
            "targets-0-holiday_country": "ES",
            "targets-0-holiday_subdivision": "CT",
            "targets-0-skip_dates": ["2027-04-23", "2027-01-05"],
        },
    )
    url = reverse("admin:campaigns_campaign_add")

    form = alice_client.get(url).content.decode()
    response = alice_client.post(url, data)

    # The hidden form "Add another Target" copies carries the list, its row to copy renamed with it.
    assert '<input type="date" name="targets-__prefix__-skip_dates" aria-label="Date" disabled>' in form
    assert '<select name="targets-__prefix__-holiday_country" data-holiday-country' in form
    assert response.status_code == 302, response.content.decode()
    target = Target.objects.get(email="office@example.org")
    assert (target.holiday_country, target.holiday_subdivision) == ("ES", "CT")
    assert target.skip_dates == ["2027-01-05", "2027-04-23"]
