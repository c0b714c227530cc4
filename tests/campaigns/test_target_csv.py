"""Targets from and to CSV files as spreadsheets save them: every row checked by the model's rules,
saved all or nothing, and an exported file read back as the very same targets."""

import csv
import io
from datetime import time
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import Target, TargetName
from campaigns.targetcolumns import HEADERS, NAME_COLUMNS, TARGET_COLUMNS
from campaigns.targetcsv import MAX_BYTES, MAX_ROWS, FileProblem, export_csv, read_table
from campaigns.targetimport import check, save
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def plan_of(campaign, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return check(campaign, read_table(data))


def problem(data: bytes) -> str:
    with pytest.raises(FileProblem) as raised:
        read_table(data)
    return str(raised.value)


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="release-them", default_language="az")


# Reading what spreadsheets save


def test_excel_utf8_with_a_byte_order_mark_reads_the_azerbaijani_and_russian_names():
    data = BOM + "email,name,title,name_ru\r\nelmar@gov.example.az,Elmar Əliyev,Nazir,Эльмар Алиев\r\n".encode()

    table = read_table(data)

    assert table.headers == ["email", "name", "title", "name_ru"]
    assert table.lines[0].number == 2
    assert table.lines[0].cells == {
        "email": "elmar@gov.example.az",
        "name": "Elmar Əliyev",
        "title": "Nazir",
        "name_ru": "Эльмар Алиев",
    }


def test_semicolons_as_excel_writes_them_in_european_locales_keep_commas_inside_cells():
    data = "Email;Name;Title\r\nbaku@gov.example.az;Ramil Məmmədov;Nazir, ədliyyə\r\n".encode()

    cells = read_table(data).lines[0].cells

    assert cells == {"email": "baku@gov.example.az", "name": "Ramil Məmmədov", "title": "Nazir, ədliyyə"}


def test_quoted_commas_and_line_breaks_stay_in_their_cell_and_rows_keep_spreadsheet_numbers():
    data = 'email,name,title\n"a@gov.example.org","Мамедова, Айгюн","Minister,\nJustice"\nb@gov.example.org,B,\n'

    lines = read_table(data.encode()).lines

    assert lines[0].cells["name"] == "Мамедова, Айгюн"
    assert lines[0].cells["title"] == "Minister,\nJustice"
    assert [line.number for line in lines] == [2, 3]


def test_utf16_tab_separated_unicode_text_from_excel_is_read():
    data = "email\tname\r\nx@gov.example.az\tƏliyev\r\n".encode("utf-16")

    assert read_table(data).lines[0].cells == {"email": "x@gov.example.az", "name": "Əliyev"}


def test_excels_separator_line_is_followed():
    data = b"sep=;\r\nemail;name\r\nx@gov.example.org;X, Y\r\n"

    assert read_table(data).lines[0].cells == {"email": "x@gov.example.org", "name": "X, Y"}


def test_empty_rows_and_empty_columns_that_spreadsheets_add_are_ignored():
    data = b"email;name;;\r\nx@gov.example.org;X;;\r\n;;;\r\n;;;\r\n"

    table = read_table(data)

    assert table.headers == ["email", "name"]
    assert [line.cells for line in table.lines] == [{"email": "x@gov.example.org", "name": "X"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04 workbook", "This is a spreadsheet workbook, not a CSV file."),
        ("email,name\nx@gov.example.org,Мамедова\n".encode("cp1251"), "The file is not UTF-8 text."),
        (b"name,title\nX,Y\n", "The file has no email column."),
        (b"email,name,timezone\nx@y.org,X,UTC\n", "The first row names columns the import does not know: timezone."),
        (b"email,name,email\n", "The first row names a column twice: email."),
        (b"email,name\n", "The file has a first row of column names but no targets under it."),
        (b"email,,name\nx@y.org,stray,X\n", "Column 2 has cells but no name in the first row."),
    ],
)
def test_a_file_that_is_not_a_csv_of_targets_is_refused_with_a_reason(data, message):
    assert message in problem(data)


def test_too_large_and_too_long_files_are_refused():
    too_long = "email\n" + "".join(f"t{n}@gov.example.org\n" for n in range(MAX_ROWS + 1))

    assert "larger than 2 MB" in problem(b"email\n" + b"x" * MAX_BYTES)
    assert f"at most {MAX_ROWS}" in problem(too_long.encode())


# Checking every row with the model's rules


def test_each_bad_row_gets_its_errors_in_plain_words_next_to_its_number(campaign):
    text = (
        "email,name,title,language,time_zone,name_ru,title_ru,hourly_cap,send_from,send_until,weekdays_only\n"
        "good@gov.example.az,Elmar Əliyev,Nazir,az,Asia/Baku,,,30,09:00,17:00,yes\n"
        "not-an-address,Bad Email,,,,,,,,,\n"
        "lang@gov.example.az,X,,xx,Mars/Olympus,,Министр,lots,9h,,maybe\n"
        "window@gov.example.az,Y,,,,,,,09:00,,\n"
        "Good@Gov.Example.az,Z,,,,,,,,,\n"
        "noname@gov.example.az,,,,,,,,,,\n"
    )

    plan = plan_of(campaign, text)

    errors = {row.number: row.errors for row in plan.rows}
    assert errors[2] == []
    assert errors[3] == ["email: Enter a valid email address."]
    assert errors[4] == [
        "language: xx is not one of the languages en, az, ru, tr, es, ar (empty: the campaign's main language).",
        "time_zone: Mars/Olympus is not a known time zone (e.g. Asia/Baku).",
        "name_ru: This field cannot be blank.",
        "hourly_cap: Write a whole number of letters an hour, or none for no limit (not advised).",
        "send_from: 9h is not a time of day like 09:00 or 17:30.",
        "weekdays_only: Write yes or no, not maybe.",
    ]
    assert errors[5] == ["send_until: Give both ends of the sending window, or neither."]
    assert errors[6] == ["email: the same address as row 2."]
    assert errors[7] == ["name: This field cannot be blank."]
    assert [row.action for row in plan.rows] == ["new", *["error"] * 5]


def test_a_row_with_more_cells_than_columns_says_where_the_quotes_are_missing(campaign):
    plan = plan_of(campaign, "email,name\nx@gov.example.org,Mamedova, Aygun\n")

    assert plan.rows[0].errors == [
        "The row has more cells than the first row names columns: a comma or semicolon inside a name must be in quotes."
    ]


def test_a_file_with_one_bad_row_saves_nothing(campaign):
    plan = plan_of(campaign, "email,name\nfine@gov.example.org,Fine\nbroken,Broken\n")

    with pytest.raises(ValueError, match="never saved"):
        save(plan)
    assert not Target.objects.exists()


def test_a_clean_file_adds_targets_with_their_names_and_sending_rules(campaign):
    text = (
        "email,name,title,language,time_zone,name_ru,title_ru,hourly_cap,send_from,send_until,weekdays_only\n"
        "elmar@gov.example.az,Elmar Əliyev,Nazir,,asia/baku,Эльмар Алиев,Министр,,9:00 AM,17:30,yes\n"
        'office@gov.example.org,"Office, Justice",,ru,,,,none,,,\n'
    )

    saved = save(plan_of(campaign, text))

    assert (saved.added, saved.updated, saved.unchanged) == (2, 0, 0)
    elmar, office = campaign.targets.order_by("pk")
    assert (elmar.name, elmar.title, elmar.language, elmar.timezone) == ("Elmar Əliyev", "Nazir", "", "Asia/Baku")
    assert (elmar.hourly_cap, elmar.window_start, elmar.window_end) == (60, time(9), time(17, 30))
    assert elmar.weekdays_only is True
    assert elmar.label_in("ru") == "Эльмар Алиев, Министр"
    assert (office.name, office.language, office.timezone, office.hourly_cap) == ("Office, Justice", "ru", "UTC", None)
    assert not office.names.exists()


def test_an_address_already_a_target_updates_it_in_any_case_and_leaves_left_out_columns_alone(campaign):
    target = TargetFactory(campaign=campaign, email="Minister@Gov.example.az", name="Old", hourly_cap=20)
    TargetName.objects.create(target=target, language="ru", name="Старый", title="")
    TargetName.objects.create(target=target, language="tr", name="Eski", title="")
    other = TargetFactory(campaign=campaign, email="other@gov.example.az", name="Untouched")

    plan = plan_of(campaign, "email,name,name_ru,title_ru,name_tr,title_tr\nminister@gov.example.az,New,Новый,,,\n")
    row = plan.rows[0]
    saved = save(plan)

    assert (row.action, row.changes) == ("update", ["email", "name", "name_ru", "name_tr"])
    assert (saved.added, saved.updated) == (0, 1)
    target.refresh_from_db()
    assert (target.email, target.name, target.hourly_cap, target.timezone) == (
        "minister@gov.example.az",
        "New",
        20,
        "Asia/Baku",
    )
    assert list(target.names.values_list("language", "name")) == [("ru", "Новый")]
    other.refresh_from_db()
    assert other.name == "Untouched"
    assert campaign.targets.count() == 2


def test_only_the_columns_of_the_file_are_written_to_an_existing_target(campaign):
    target = TargetFactory(campaign=campaign, email="m@gov.example.az", hourly_cap=20)
    plan = plan_of(campaign, "email,hourly_cap\nm@gov.example.az,45\n")
    # The letters' side moves the next slot while the organiser looks at the preview.
    Target.objects.filter(pk=target.pk).update(bounce_reason="mailbox full", name="Renamed meanwhile")

    save(plan)

    target.refresh_from_db()
    assert (target.hourly_cap, target.name, target.bounce_reason) == (45, "Renamed meanwhile", "mailbox full")


def test_targets_of_another_campaign_with_the_same_address_are_not_touched(campaign):
    elsewhere = TargetFactory(email="m@gov.example.az", name="Elsewhere")

    plan = plan_of(campaign, "email,name\nm@gov.example.az,Here\n")
    save(plan)

    assert plan.rows[0].action == "new"
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Elsewhere"
    assert campaign.targets.get().name == "Here"


# Writing, and reading back


def test_an_exported_file_imports_as_the_same_targets_changing_nothing(campaign):
    hostile = TargetFactory(
        campaign=campaign,
        email="hostile@gov.example.org",
        name='=HYPERLINK("http://evil")',
        title="-Minister, Justice; Labour",
        language="ru",
        hourly_cap=None,
        window_start=time(9, 0),
        window_end=time(17, 30, 15),
        weekdays_only=True,
    )
    TargetName.objects.create(target=hostile, language="az", name="Əliyev", title="@nazir")
    TargetFactory(campaign=campaign, email="plain@gov.example.org", name="Plain", title="", language="", hourly_cap=60)
    before = list(campaign.targets.values()), list(TargetName.objects.values())

    exported = export_csv(campaign)
    plan = plan_of(campaign, exported)

    assert exported.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert list(rows[0]) == HEADERS
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["title"] == "'-Minister, Justice; Labour"
    assert rows[0]["title_az"] == "'@nazir"
    assert (rows[0]["hourly_cap"], rows[0]["send_until"], rows[0]["weekdays_only"]) == ("none", "17:30:15", "yes")
    assert (rows[1]["language"], rows[1]["hourly_cap"], rows[1]["weekdays_only"]) == ("", "60", "no")
    assert [(row.action, row.changes) for row in plan.rows] == [("unchanged", []), ("unchanged", [])]
    saved = save(plan)
    assert (saved.added, saved.updated, saved.unchanged) == (0, 0, 2)
    assert (list(campaign.targets.values()), list(TargetName.objects.values())) == before


def test_the_empty_template_names_every_column_and_no_target(campaign):
    TargetFactory(campaign=campaign)

    template = export_csv(None)

    assert template == "\ufeff" + ",".join(HEADERS) + "\r\n"
    assert HEADERS[:5] == ["email", "name", "title", "language", "time_zone"]
    assert HEADERS[-4:] == ["hourly_cap", "send_from", "send_until", "weekdays_only"]
    assert {"name_ru", "title_ru", "name_az", "title_az", "name_ar", "title_ar"} <= set(HEADERS)


def test_checking_a_long_file_asks_the_database_twice_whatever_its_length(campaign, django_assert_num_queries):
    TargetFactory.create_batch(3, campaign=campaign)
    rows = "".join(f"t{n}@gov.example.org,Target {n},,,,Имя {n},,,\n" for n in range(500))
    table = read_table(f"email,name,title,language,time_zone,name_ru,title_ru,send_from,send_until\n{rows}".encode())

    with django_assert_num_queries(2):
        plan = check(campaign, table)

    assert plan.counts["new"] == 500


def test_the_organisers_documentation_lists_every_column():
    page = (Path(settings.BASE_DIR) / "docs" / "organisers" / "campaign.md").read_text()

    undocumented = [column.header for column in TARGET_COLUMNS if f"| `{column.header}` |" not in page]
    assert undocumented == [], "document the column in docs/organisers/campaign.md (Many targets at once)"
    assert all(f"`{column.header}`" in page for column in NAME_COLUMNS[:4] + NAME_COLUMNS[-2:])
