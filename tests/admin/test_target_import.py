"""An organiser imports a campaign's targets from a CSV file: a preview first, then all or nothing;
and exports them in the same columns."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Target, TargetName

pytestmark = pytest.mark.django_db

HEADER = "email;name;title;language;name_ru;title_ru;hourly_cap\r\n"
CLEAN = (
    HEADER
    + "elmar@gov.example.az;Elmar Əliyev;Nazir;az;Эльмар Алиев;Министр;30\r\n"
    + 'office@gov.example.az;"Office; Justice";;;;;\r\n'
)
ONE_BAD_ROW = CLEAN + "not-an-address;Nobody;;;;;lots\r\n"


def url(name: str, campaign) -> str:
    return reverse(f"admin:campaigns_campaign_targets_{name}", args=[campaign.pk])


def upload(client, campaign, text: str, name: str = "targets.csv"):
    data = b"\xef\xbb\xbf" + text.encode()
    return client.post(url("import", campaign), {"file": SimpleUploadedFile(name, data, "text/csv")})


def save(client, campaign, preview):
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    return client.post(url("import", campaign), {"digest": digest, "save": "Save"}, follow=True)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_campaign_form_links_to_the_import_and_the_export(alice_client, alpha):
    page = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])).content.decode()

    assert f'<a href="{url("import", alpha.campaign)}">Import targets</a>' in page
    assert f'<a href="{url("export", alpha.campaign)}">Export targets</a>' in page


def test_import_page_explains_the_columns_and_offers_both_downloads(alice_client, alpha):
    page = text(alice_client.get(url("import", alpha.campaign)))

    assert "Upload a file of targets" in page
    assert "time_zone The target's time zone, e.g. Asia/Baku or Europe/Madrid; empty for UTC." in page
    assert "name_en, title_en, …, title_ar" in page
    assert "hourly_cap At most this many letters an hour; empty for 60, none for no limit (not advised)." in page
    assert "the campaign's targets now (CSV)" in page
    assert "an empty template (CSV)" in page


def test_a_file_with_a_bad_row_shows_the_rows_errors_and_saves_nothing(alice_client, alpha):
    response = upload(alice_client, alpha.campaign, ONE_BAD_ROW)

    page = text(response)
    assert response.status_code == 200
    assert "New targets: 2; to update: 0; unchanged: 0; with errors: 1." in page
    assert "1 row has errors, so nothing can be saved. Fix the file and upload it again." in page
    assert (
        "4 error not-an-address Nobody email: Enter a valid email address. hourly_cap: Write a whole number of "
        "letters an hour, or none for no limit (not advised)."
    ) in page
    assert "The other 2 rows have no errors." in page
    assert 'name="save"' not in response.content.decode()
    assert list(alpha.campaign.targets.values_list("email", flat=True)) == ["minister@alpha.example.org"]


def test_a_clean_file_is_previewed_then_saved_with_the_counts(alice_client, alpha):
    preview = upload(alice_client, alpha.campaign, CLEAN)

    assert alpha.campaign.targets.count() == 1  # a preview saves nothing
    assert "2 new elmar@gov.example.az Elmar Əliyev, Nazir" in text(preview)
    assert "3 new office@gov.example.az Office; Justice" in text(preview)
    assert 'value="Save 2 targets"' in preview.content.decode()

    saved = save(alice_client, alpha.campaign, preview)

    assert saved.redirect_chain[-1][0] == reverse("admin:campaigns_campaign_overview", args=[alpha.campaign.pk])
    assert "2 targets added, 0 updated, 0 unchanged." in text(saved)
    elmar = alpha.campaign.targets.get(email="elmar@gov.example.az")
    assert (elmar.title, elmar.language, elmar.hourly_cap) == ("Nazir", "az", 30)
    assert elmar.label_in("ru") == "Эльмар Алиев, Министр"
    form = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk]))
    assert 'value="Elmar Əliyev"' in form.content.decode()  # in the campaign form's targets


def test_a_second_upload_updates_the_targets_it_names(alice_client, alpha):
    save(alice_client, alpha.campaign, upload(alice_client, alpha.campaign, CLEAN))
    changed = CLEAN.replace(";Nazir;", ";Baş nazir;").replace(";Эльмар Алиев;Министр;", ";;;")

    preview = upload(alice_client, alpha.campaign, changed)
    saved = save(alice_client, alpha.campaign, preview)

    assert "2 update elmar@gov.example.az Elmar Əliyev, Baş nazir Changes: title, name_ru, title_ru" in text(preview)
    assert "3 unchanged office@gov.example.az" in text(preview)
    assert "0 targets added, 1 updated, 1 unchanged." in text(saved)
    elmar = alpha.campaign.targets.get(email="elmar@gov.example.az")
    assert elmar.title == "Baş nazir"
    assert not elmar.names.exists()
    assert alpha.campaign.targets.count() == 3


def test_the_export_imported_again_changes_nothing(alice_client, alpha):
    TargetName.objects.create(target=alpha.target, language="az", name="Alfa Nazir", title="=cmd|' /C calc'!A0")
    before = list(Target.objects.values()), list(TargetName.objects.values())

    exported = alice_client.get(url("export", alpha.campaign))
    preview = alice_client.post(
        url("import", alpha.campaign), {"file": SimpleUploadedFile("again.csv", exported.content, "text/csv")}
    )

    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["Content-Disposition"] == 'attachment; filename="alpha-secret-targets.csv"'
    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert "'=cmd|' /C calc'!A0" in exported.content.decode()
    assert "New targets: 0; to update: 0; unchanged: 1; with errors: 0." in text(preview)
    assert "Nothing to save: the file matches the campaign's targets." in text(preview)
    assert (list(Target.objects.values()), list(TargetName.objects.values())) == before


def test_the_empty_template_has_the_columns_alone(alice_client, alpha):
    response = alice_client.get(url("template", alpha.campaign))

    lines = response.content.decode().splitlines()
    assert lines[0].startswith(
        "\ufeffemail,name,title,language,time_zone,country,for_signers_in,for_postcodes,default,name_en,title_en,"
    )
    assert len(lines) == 1


def test_a_file_that_is_not_csv_is_refused_on_the_page_with_the_reason(alice_client, alpha):
    response = alice_client.post(
        url("import", alpha.campaign),
        {"file": SimpleUploadedFile("targets.xlsx", b"PK\x03\x04 a workbook", "application/vnd.ms-excel")},
    )

    assert "This is a spreadsheet workbook, not a CSV file." in text(response)
    assert "Preview" not in text(response)


def test_a_save_without_the_previewed_file_saves_nothing(alice_client, alpha):
    preview = upload(alice_client, alpha.campaign, CLEAN)
    upload(alice_client, alpha.campaign, ONE_BAD_ROW)  # another file in between: the first one is gone

    response = save(alice_client, alpha.campaign, preview)

    assert "The file to save is no longer kept: upload it again." in text(response)
    assert alpha.campaign.targets.count() == 1


def test_the_file_is_checked_again_when_saved_against_the_targets_as_they_are_then(alice_client, alpha):
    preview = upload(alice_client, alpha.campaign, CLEAN)
    Target.objects.create(campaign=alpha.campaign, name="Added meanwhile", email="ELMAR@gov.example.az")

    response = save(alice_client, alpha.campaign, preview)

    assert "1 target added, 1 updated, 0 unchanged." in text(response)
    assert alpha.campaign.targets.filter(email__iexact="elmar@gov.example.az").get().name == "Elmar Əliyev"
