"""A target's days off: its country's public holidays (the `holidays` library) and the organiser's dates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns import days_off
from campaigns.models import Target
from tests.factories import CampaignFactory


def target(campaign=None, **fields) -> Target:
    campaign = campaign or CampaignFactory.build()
    return Target(campaign=campaign, name="Office", email="office@example.org", **fields)


@pytest.mark.unit
class TestCountries:
    def test_countries_are_named_in_the_organisers_language(self):
        with translation.override("ru"):
            choices = dict(days_off.country_choices())

        assert choices["AZ"] == "Азербайджан"

    def test_every_country_with_a_calendar_is_offered_in_order_kosovo_too(self):
        codes = [code for code, _name in days_off.country_choices()]
        names = [name for _code, name in days_off.country_choices()]

        assert sorted(codes) == sorted(days_off.subdivisions_by_country())
        assert names.index("Kiribati") < names.index("Kosovo") < names.index("Kuwait")
        assert names.index("Åland Islands") < names.index("Albania")  # sorted as a person reads them


@pytest.mark.unit
class TestSubdivision:
    def test_a_name_or_a_code_in_any_case_is_stored_as_the_library_code(self):
        assert days_off.clean_subdivision("US", "california") == "CA"
        assert days_off.clean_subdivision("US", " ca ") == "CA"
        assert days_off.clean_subdivision("ES", "Catalunya") == "CT"

    def test_a_subdivision_of_another_country_is_refused_naming_the_right_ones(self):
        with pytest.raises(ValidationError) as error:
            days_off.clean_subdivision("GB", "CA")

        assert error.value.messages == [
            "CA is not a state or region of United Kingdom. Choose one of: "
            "ENG (England), NIR (Northern Ireland), SCT (Scotland), WLS (Wales)."
        ]

    def test_a_country_without_subdivisions_says_so(self):
        with pytest.raises(ValidationError) as error:
            days_off.clean_subdivision("AZ", "Baku")

        assert error.value.messages == [
            "Azerbaijan has no states or regions with holidays of their own: leave this empty."
        ]

    def test_a_subdivision_without_a_country_is_refused(self):
        with pytest.raises(ValidationError) as error:
            days_off.clean_subdivision("", "CA")

        assert error.value.messages == ["Choose the country first: a state or region belongs to a country."]


@pytest.mark.django_db
class TestTargetValidation:
    def test_the_subdivision_is_checked_against_the_country_and_stored_as_its_code(self, campaign):
        good = target(campaign, holiday_country="US", holiday_subdivision="New York")
        bad = target(campaign, holiday_country="FR", holiday_subdivision="Bavaria")

        good.full_clean()
        with pytest.raises(ValidationError) as error:
            bad.full_clean()

        assert good.holiday_subdivision == "NY"
        assert list(error.value.message_dict) == ["holiday_subdivision"]
        [message] = error.value.message_dict["holiday_subdivision"]
        assert message.startswith("Bavaria is not a state or region of France. Choose one of: 57 (Moselle), ")

    def test_a_country_without_a_calendar_is_refused(self, campaign):
        with pytest.raises(ValidationError) as error:
            target(campaign, holiday_country="ZZ").full_clean()

        assert list(error.value.message_dict) == ["holiday_country"]

    def test_a_target_without_a_country_is_valid_as_before(self, campaign):
        existing = target(campaign, skip_dates=["2026-12-31"])

        existing.full_clean()

        assert (existing.holiday_country, existing.holiday_subdivision) == ("", "")


@pytest.mark.unit
class TestIsDayOff:
    def test_novruz_is_a_day_off_in_azerbaijan_and_so_is_the_organisers_date(self):
        baku = target(holiday_country="AZ", skip_dates=["2027-04-02"])

        off = [day for day in range(18, 28) if days_off.is_day_off(baku, date(2027, 3, day))]

        assert off == [20, 21, 22, 23, 24, 25, 26]  # Novruz, then the days it moves on to (observed)
        assert days_off.is_day_off(baku, date(2027, 4, 2))
        assert not days_off.is_day_off(baku, date(2027, 4, 1))

    def test_without_a_country_only_the_organisers_dates_are_days_off(self):
        plain = target(skip_dates=["2027-04-02"])

        assert not days_off.is_day_off(plain, date(2027, 3, 20))
        assert days_off.is_day_off(plain, date(2027, 4, 2))

    def test_a_subdivision_adds_its_own_holidays(self):
        spain, catalonia = target(holiday_country="ES"), target(holiday_country="ES", holiday_subdivision="CT")

        assert days_off.is_day_off(catalonia, date(2027, 9, 11))  # National Day of Catalonia
        assert not days_off.is_day_off(spain, date(2027, 9, 11))
        assert days_off.is_day_off(spain, date(2027, 10, 12))
        assert days_off.is_day_off(catalonia, date(2027, 10, 12))

    def test_a_code_the_library_no_longer_knows_falls_back_and_never_stops_sending(self):
        gone_region = target(holiday_country="AZ", holiday_subdivision="Atlantis")
        gone_country = target(holiday_country="QQ", skip_dates=["2027-04-02"])

        assert days_off.is_day_off(gone_region, date(2027, 3, 20))  # the country's holidays still count
        assert not days_off.is_day_off(gone_country, date(2027, 3, 20))
        assert days_off.is_day_off(gone_country, date(2027, 4, 2))

    def test_a_year_of_questions_builds_the_calendar_once(self):
        baku = target(holiday_country="AZ")
        days_off.public_holidays.cache_clear()

        for ordinal in range(date(2031, 1, 1).toordinal(), date(2032, 1, 1).toordinal()):
            days_off.is_day_off(baku, date.fromordinal(ordinal))

        assert days_off.public_holidays.cache_info().misses == 1
        assert days_off.public_holidays.cache_info().hits == 364


@pytest.mark.unit
class TestComingHolidays:
    def test_the_next_twelve_months_with_several_days_in_a_row_as_one(self):
        coming = days_off.coming_holidays("AZ", "", date(2027, 3, 1), "en")

        assert coming[0] == (date(2027, 3, 8), date(2027, 3, 8), "Women's Day")
        assert (date(2027, 3, 20), date(2027, 3, 24), "Spring Festival") in coming
        assert coming[-1][0] < date(2028, 3, 1)
        assert (date(2028, 1, 1), date(2028, 1, 2), "New Year's Day") in coming

    def test_names_come_in_the_organisers_language_where_the_library_has_it(self):
        azerbaijani = days_off.coming_holidays("AZ", "", date(2027, 3, 1), "az")
        arabic = days_off.coming_holidays("AZ", "", date(2027, 3, 1), "ar")  # no Arabic names: English

        assert (date(2027, 3, 20), date(2027, 3, 24), "Novruz bayramı") in azerbaijani
        assert (date(2027, 3, 20), date(2027, 3, 24), "Spring Festival") in arabic
