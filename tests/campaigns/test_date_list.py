"""The organiser's own dates: a list of date fields, stored as a list of ISO dates."""

import pytest
from django import forms
from django.http import QueryDict

from campaigns.date_list import DateListField

pytestmark = pytest.mark.unit


class DatesForm(forms.Form):
    dates = DateListField(label="Dates to skip")


def posted(*values: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.setlist("dates", list(values))
    return data


def test_dates_are_stored_sorted_once_each_and_empty_rows_are_left_out():
    form = DatesForm(posted("2027-01-01", "", "2026-12-31", "2027-01-01", "  "))

    assert form.is_valid()
    assert form.cleaned_data["dates"] == ["2026-12-31", "2027-01-01"]


def test_removing_every_date_empties_the_list():
    form = DatesForm(QueryDict(), initial={"dates": ["2026-12-31"]})

    assert form.is_valid()
    assert form.cleaned_data["dates"] == []
    assert form.has_changed()


def test_each_value_that_is_not_a_date_is_named_and_kept_as_typed():
    form = DatesForm(posted("2026-12-31", "31/12/2026", "2027-02-30"))

    html = str(form["dates"])

    assert not form.is_valid()
    assert form.errors["dates"] == [
        "31/12/2026 is not a date. Give it as year-month-day, e.g. 2026-12-31.",
        "2027-02-30 is not a date. Give it as year-month-day, e.g. 2026-12-31.",
    ]
    # A date field would show nothing for them: they come back as text, marked invalid.
    assert '<input type="date" name="dates" value="2026-12-31"' in html
    assert '<input type="text" name="dates" value="31/12/2026" aria-label="Date" aria-invalid="true">' in html
    assert '<input type="text" name="dates" value="2027-02-30" aria-label="Date" aria-invalid="true">' in html


def test_the_list_is_a_labelled_group_with_a_row_per_date_and_the_buttons():
    html = str(DatesForm(initial={"dates": ["2026-12-31", "2027-01-01"]})["dates"])

    assert 'role="group"' in html
    assert 'aria-label="Dates to skip"' in html
    assert html.count('type="date" name="dates" value="') == 2
    assert html.count(">Remove</button>") == 3  # each row's and the hidden row's that "Add a date" copies
    assert ">Add a date</button>" in html
    assert '<p class="outcry-no-dates" data-no-dates hidden>' in html


def test_an_empty_list_says_so():
    html = str(DatesForm()["dates"])

    assert '<p class="outcry-no-dates" data-no-dates>No dates of your own yet.</p>' in html
    assert 'value="' not in html
