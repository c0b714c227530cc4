import pytest


@pytest.fixture(autouse=True)
def _cheap_captcha(settings):
    """A puzzle the test process solves in milliseconds (the browser's is about a second)."""
    settings.ALTCHA_COST = 10
    settings.ALTCHA_MAX_COUNTER = 20


@pytest.fixture
def guarded(campaign):
    """The campaign with the defaults a new campaign gets (the factory turns the fill time off)."""
    campaign.abuse_min_fill_seconds = 3
    campaign.save()
    return campaign
