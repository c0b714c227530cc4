"""Browser tests: Playwright driving the system's Chromium (never a downloaded browser).

Each test gets a fresh browser context at phone (390 x 844, touch) or desktop (1366 x 900) size;
screenshots of what the signer saw are saved under test-artifacts/ for a human to look at. Tests press
buttons and links through tests/browser/person.py, which first checks that nothing covers them.
"""

from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.browser.person import write_figures

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The session's one Playwright (tests/conftest.py: the integration tests drive Chromium too).


@pytest.fixture(scope="session", autouse=True)
def _tap_figures():
    """How many presses and fields were checked for being uncovered, written when the run ends."""
    yield
    write_figures()


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def strict_browser(playwright):
    """Chromium blocking third-party cookies, as more and more browsers do by default."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, "--test-third-party-cookie-phaseout"], headless=True
    )
    yield browser
    browser.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# A laptop: a mouse, no touch screen (spelled out, since new_page() starts from PHONE's options).
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "is_mobile": False, "has_touch": False}


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts: new_page(locale="az", **DESKTOP). The page's Content-Security-Policy is
    bypassed only so that the accessibility checker can be injected; the app's own scripts are files."""
    contexts = []

    def make(locale: str = "en", **options):
        context = browser.new_context(locale=locale, bypass_csp=True, **(PHONE | options))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_page):
    """A phone-sized page (390 x 844, touch) in English."""
    return new_page("en")


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
