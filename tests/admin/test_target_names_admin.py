"""Organisers give a target's name and title per language on the target's own admin page."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, TargetName
from tests.admin.test_lifecycle import act
from tests.factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db


def target_form(target, *names: tuple[str, str, str]) -> dict:
    """The target's change form as the browser posts it: its stored names first, then `names`
    (language, name, title) as new rows."""
    data = {
        "name": target.name,
        "title": target.title,
        "email": target.email,
        "language": target.language,
        "is_active": "on",
        "hourly_cap": "60",
        "timezone": target.timezone,
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
    }
    stored = list(target.names.all())
    rows = [(row.pk, row.language, row.name, row.title) for row in stored] + [("", *row) for row in names]
    for number, (pk, language, name, title) in enumerate(rows):
        data |= {
            f"names-{number}-id": pk,
            f"names-{number}-target": target.pk,
            f"names-{number}-language": language,
            f"names-{number}-name": name,
            f"names-{number}-title": title,
        }
    return data | {"names-TOTAL_FORMS": str(len(rows)), "names-INITIAL_FORMS": str(len(stored))}


def test_campaign_page_links_each_target_to_its_names_per_language(alice_client, alpha):
    TargetName.objects.create(target=alpha.target, language="ru", name="Альфа министр")

    page = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])).content.decode()

    url = reverse("admin:campaigns_target_change", args=[alpha.target.pk])
    assert f'<a href="{url}">Names and titles per language</a> (ru)' in page


def test_organiser_names_the_target_in_russian_and_the_russian_page_shows_it(client, alice_client, alpha):
    MessageTemplateFactory(campaign=alpha.campaign, language="ru", page_title="Альфа")
    url = reverse("admin:campaigns_target_change", args=[alpha.target.pk])

    form = alice_client.get(url).content.decode()
    response = alice_client.post(url, target_form(alpha.target, ("ru", "Альфа министр", "Министр (юстиции)")))

    assert 'name="names-0-language"' in form
    assert response.status_code == 302, response.content.decode()
    page = client.get(f"/ru/c/{alpha.campaign.slug}/").content.decode()
    assert "<li><bdi>Альфа министр, Министр (юстиции)</bdi>" in page


def test_a_second_name_in_the_same_language_is_refused(alice_client, alpha):
    TargetName.objects.create(target=alpha.target, language="ru", name="Альфа министр")
    url = reverse("admin:campaigns_target_change", args=[alpha.target.pk])

    response = alice_client.post(url, target_form(alpha.target, ("ru", "Другой", "")))

    assert response.status_code == 200
    assert "Please correct the duplicate data for language" in response.content.decode()
    assert list(TargetName.objects.values_list("name", flat=True)) == ["Альфа министр"]


def test_target_list_and_pages_are_the_organisers_own(alice_client, alpha, bravo):
    listed = alice_client.get(reverse("admin:campaigns_target_changelist")).content.decode()
    other = alice_client.get(reverse("admin:campaigns_target_change", args=[bravo.target.pk]), follow=True)
    posted = alice_client.post(
        reverse("admin:campaigns_target_change", args=[bravo.target.pk]), target_form(bravo.target, ("ru", "X", ""))
    )

    assert "Alpha Minister" in listed
    assert "Bravo" not in listed
    assert "Bravo Minister" not in other.content.decode()
    assert posted.status_code in (302, 404)
    assert not TargetName.objects.filter(target=bravo.target).exists()


def test_duplicate_copies_the_targets_names(alice_client, alpha):
    TargetName.objects.create(target=alpha.target, language="ru", name="Альфа министр", title="Министр")

    act(alice_client, "duplicate", alpha.campaign)

    copy = Campaign.objects.get(slug="alpha-secret-2").targets.get()
    assert copy.label_in("ru") == "Альфа министр, Министр"
    assert alpha.target.names.count() == 1
