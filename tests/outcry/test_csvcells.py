"""Spreadsheet cells: a would-be formula is written as text, and read back as the text it was."""

import pytest

from outcry.csvcells import neutralise, restore

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("-", "'-"), ("\t", "'\t"), ("a=b", "a=b"), (True, "yes"), (None, ""), (42, "42")],
)
def test_neutralise_quotes_only_formula_starts(value, cell):
    assert neutralise(value) == cell


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+994 12", "-", "@SUM(A1)", "'quoted'", "O'Brien", "Əliyev"])
def test_restore_gives_back_what_was_neutralised(text):
    assert restore(neutralise(text)) == text


def test_restore_keeps_an_apostrophe_that_guards_nothing():
    assert restore("'Ali") == "'Ali"
