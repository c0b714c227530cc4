"""CSV files as spreadsheets save them read alike, for every import (targets, paper signers)."""

import pytest

from outcry.csvfiles import FileProblem, decode, records_of

ROWS = [["first_name", "city"], ["Əli", "Bakı"], ["Мария", "Москва"]]


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        ("first_name,city\r\nƏli,Bakı\r\nМария,Москва\r\n".encode(), ","),
        ("\ufefffirst_name;city\r\nƏli;Bakı\r\nМария;Москва\r\n".encode(), ";"),  # Excel, comma as decimal mark
        ("first_name\tcity\r\nƏli\tBakı\r\nМария\tМосква\r\n".encode("utf-16"), "\t"),  # Excel's Unicode text
        ("sep=;\r\nfirst_name;city\r\nƏli;Bakı\r\nМария;Москва\r\n".encode(), ";"),  # Excel's separator hint
    ],
    ids=["utf-8 commas", "bom semicolons", "utf-16 tabs", "sep= line"],
)
def test_every_way_a_spreadsheet_saves_csv_reads_the_same(data, delimiter):
    assert records_of(decode(data)) == ROWS


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04rest of a zip", "spreadsheet workbook"),
        ("first_name\r\nÖzgür\r\n".encode("cp1254"), "not UTF-8 text"),
        (b"first\x00name\r\n", "not a CSV file"),
    ],
    ids=["xlsx", "windows code page", "binary"],
)
def test_a_file_that_is_not_csv_text_is_refused_with_what_to_do(data, words):
    with pytest.raises(FileProblem, match=words):
        decode(data)
