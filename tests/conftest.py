"""Shared fixtures and personas: alice organises, bob signs, mallory attacks.

The suite runs against real PostgreSQL and Redis. If they are not configured or not reachable the
run stops at once with a message that says what to do; nothing is skipped silently.
"""

import pytest
from django.conf import settings
from django.core.cache import cache

from campaigns.selectors import forget_campaign_pages
from petitions.abuse import store as abuse_store
from petitions.abuse.lists import forget_block_rules
from petitions.core import breaker
from tests.browser.chromium import start_playwright
from tests.factories import OrganisationFactory, live_campaign
from tests.twofactor import verified_login


def _preflight_problems() -> list[str]:
    import psycopg2
    import redis

    problems = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL (run the suite with `make test`).")
    else:
        try:
            psycopg2.connect(
                host=database["HOST"] or None,
                port=database["PORT"] or None,
                user=database["USER"],
                password=database["PASSWORD"],
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg2.OperationalError as exc:
            problems.append(f"PostgreSQL at {database['HOST']}:{database['PORT']} is unreachable: {exc}".strip())
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        problems.append("REDIS_URL must point at Redis (run the suite with `make test`).")
    else:
        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {settings.CELERY_BROKER_URL} is unreachable: {exc}")
    return problems


def _unit_only(config: pytest.Config) -> bool:
    return config.getoption("markexpr", "") == "unit"


def pytest_sessionstart(session: pytest.Session) -> None:
    if _unit_only(session.config):
        return  # `make test-unit`: pure tests, no services asked for
    problems = _preflight_problems()
    if problems:
        pytest.exit(
            "The test suite needs real services:\n  - "
            + "\n  - ".join(problems)
            + "\nStart them (see README.md, 'Running the tests') or set DATABASE_URL / REDIS_URL.",
            returncode=3,
        )


@pytest.fixture(scope="session")
def playwright():
    """The session's one Playwright, for the browser tests and the integration tests that drive
    Chromium (tests/browser/chromium.py)."""
    yield from start_playwright()


@pytest.fixture(autouse=True)
def _default_language():
    """A request or a test that activates a language leaves it on the thread; each test starts in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Public reads are cached per process; each test starts from the database."""
    if request.node.get_closest_marker("unit"):
        yield  # a pure test touches no cache, no Redis
        return
    cache.clear()
    forget_campaign_pages()
    forget_block_rules()
    breaker.close_all()  # a test that took Redis away leaves no skipping to the next one
    _forget_abuse_counters()
    yield
    cache.clear()
    forget_campaign_pages()
    forget_block_rules()
    breaker.close_all()


def _forget_abuse_counters() -> None:
    """Rate-limit counters and spent captcha challenges live in Redis, across tests: start empty."""
    r = abuse_store.client()
    if r is not None:
        keys = list(r.scan_iter("abuse:*", count=1000))
        if keys:
            r.delete(*keys)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Workers' Table Solidarity", slug="workers-table-solidarity")


@pytest.fixture
def alice(db, organisation, django_user_model):
    """An organiser: staff, member of `organisation`."""
    user = django_user_model.objects.create_user(
        "alice", "alice@union.example.org", "alice-password-123", is_staff=True
    )
    organisation.members.add(user)
    return user


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, signed in as superusers must be: with a one-time code."""
    from django.test import Client

    client = Client()
    verified_login(client, admin_user)
    return client


@pytest.fixture
def campaign(db, organisation):
    return live_campaign(organisation=organisation, slug="free-the-four", goal=100)


@pytest.fixture
def bob_form() -> dict:
    """What bob types into the signing form."""
    return {
        "first_name": "Bob",
        "last_name": "Builder",
        "email": "Bob.Builder@Example.NET ",
        "country": "GB",
        "city": "Leeds",
        "organisation": "Unite the Union",
        "message": "Freedom of association is not a crime.",
        "consent_to_contact": "on",
    }
