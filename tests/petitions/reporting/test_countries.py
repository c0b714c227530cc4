"""Signatures by country: counted from the rows once a minute, shown in the page's language, and
never naming a country so small that its count could point at one person of an at-risk campaign."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from petitions.enums import SignatureStatus
from petitions.reporting.countries import AT_RISK_MIN_SIGNERS, country_counts
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def signers(campaign, country: str, n: int, **fields) -> None:
    SignatureFactory.create_batch(n, campaign=campaign, country=country, **fields)


def figures(counts) -> list[tuple[str, int]]:
    return [(row.country.code, row.signers) for row in counts.countries] + [("other", counts.other)]


def test_counts_confirmed_and_paper_signers_most_first(campaign):
    signers(campaign, "AZ", 3)
    signers(campaign, "GB", 5)
    signers(campaign, "TR", 1, status=SignatureStatus.PAPER)
    signers(campaign, "TR", 4, status=SignatureStatus.PENDING)  # not counted, as on the counter
    signers(campaign, "DE", 2, status=SignatureStatus.HELD)

    assert figures(country_counts(campaign)) == [("GB", 5), ("AZ", 3), ("TR", 1), ("other", 0)]


def test_past_the_top_countries_the_rest_are_other_countries(campaign):
    for n, code in enumerate(["AZ", "GB", "TR", "DE", "FR"], start=1):
        signers(campaign, code, n)

    counts = country_counts(campaign, top=3)

    assert figures(counts) == [("FR", 5), ("DE", 4), ("TR", 3), ("other", 2 + 1)]
    assert counts.total == 15


def test_at_risk_campaigns_never_name_a_country_with_few_signers(campaign):
    campaign.signers_at_risk = True
    signers(campaign, "GB", AT_RISK_MIN_SIGNERS)
    signers(campaign, "AZ", AT_RISK_MIN_SIGNERS - 1)
    signers(campaign, "IS", 1)

    counts = country_counts(campaign)

    assert figures(counts) == [("GB", AT_RISK_MIN_SIGNERS), ("other", AT_RISK_MIN_SIGNERS)]


def test_without_risk_a_single_signer_is_named(campaign):
    signers(campaign, "IS", 1)

    assert figures(country_counts(campaign)) == [("IS", 1), ("other", 0)]


def test_ties_follow_the_names_in_the_page_language(campaign):
    signers(campaign, "DE", 2)  # Germany, Almaniya in Azerbaijani
    signers(campaign, "AT", 2)  # Austria, Avstriya

    with translation.override("en"):
        assert [str(row.country.name) for row in country_counts(campaign).countries] == ["Austria", "Germany"]
    with translation.override("az"):
        assert [str(row.country.name) for row in country_counts(campaign).countries] == ["Almaniya", "Avstriya"]


def test_read_once_then_from_the_cache(campaign):
    signers(campaign, "GB", 2)
    country_counts(campaign)
    signers(campaign, "GB", 3)

    with CaptureQueriesContext(connection) as queries:
        counts = country_counts(campaign)

    assert len(queries) == 0
    assert figures(counts) == [("GB", 2), ("other", 0)]  # a minute old at most


def test_once_stale_one_reader_counts_and_the_others_keep_the_last_figures(campaign):
    signers(campaign, "GB", 2)
    country_counts(campaign)
    signers(campaign, "GB", 3)
    key = f"signers-by-country:{campaign.pk}"
    _fresh_until, counts = cache.get(key)
    cache.set(key, (time.time() - 1, counts))  # a minute later
    cache.add(f"{key}:counting", 1)  # another process is counting now

    assert figures(country_counts(campaign)) == [("GB", 2), ("other", 0)]

    cache.delete(f"{key}:counting")  # it finished, or died: the next reader counts
    assert figures(country_counts(campaign)) == [("GB", 5), ("other", 0)]
