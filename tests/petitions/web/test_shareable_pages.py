"""Campaign, sharing and embed pages and the counter any cache can hold: the same bytes for every
visitor of an address and language, no cookie, honest caching headers, answered from the process's
store for a second; and a signing POST still checked by origin."""

import gzip
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.test.signals import template_rendered

from campaigns.selectors import CAMPAIGN_CACHE_SECONDS
from outcry.sharedcache import MEMORY_SECONDS
from petitions.models import Signature
from tests.petitions.web.origins import FOREIGN_POSTS
from tests.wsgiclient import WSGIClient

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/c/{slug}/",
    "/en/c/{slug}/share/",
    "/en/c/{slug}/embed/?form=1",
    "/en/c/{slug}/embed/share/",
    "/en/c/{slug}/display/",
]
SHARED = [*PAGES, "/c/{slug}/counter.json", "/en/c/{slug}/display.json"]


def visitor(**headers) -> WSGIClient:
    """A browser of its own: its own cookie jar, address and headers, reaching the app as gunicorn does."""
    return WSGIClient(enforce_csrf_checks=True, **headers)


@pytest.fixture
def renders():
    """The templates rendered while the test runs."""
    seen = []

    def record(sender, template, context, **kwargs):
        seen.append(template.name)

    template_rendered.connect(record)
    yield seen
    template_rendered.disconnect(record)


@pytest.mark.parametrize("address", SHARED)
def test_every_visitor_of_an_address_gets_the_same_bytes_from_the_cache(
    address, campaign, renders, django_assert_num_queries
):
    url = address.format(slug=campaign.slug)
    first = visitor(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Phone").get(url)
    renders.clear()

    with django_assert_num_queries(0):
        second = visitor(REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT="Laptop", HTTP_COOKIE="theme=dark").get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert renders == []  # a lookup, not a render


@pytest.mark.parametrize("address", PAGES)
def test_pages_set_no_cookie_and_may_be_kept_by_shared_caches(address, campaign, settings):
    response = visitor().get(address.format(slug=campaign.slug))

    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert "csrfmiddlewaretoken" not in response.content.decode()
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {
        "public",
        "max-age=0",
        f"s-maxage={settings.PUBLIC_PAGE_CACHE_SECONDS}",
        f"stale-while-revalidate={settings.PUBLIC_PAGE_STALE_SECONDS}",
    }
    assert response["Vary"] == "Accept-Encoding"  # the language is in the address


def test_a_page_without_language_prefix_varies_on_what_picks_its_language(campaign):
    response = visitor(HTTP_ACCEPT_LANGUAGE="az").get(f"/c/{campaign.slug}/")

    assert '<html lang="az"' in response.content.decode()
    assert {part.strip() for part in response["Vary"].split(",")} == {"Accept-Encoding", "Cookie", "Accept-Language"}


def test_each_language_is_its_own_page(campaign):
    english = visitor(HTTP_ACCEPT_LANGUAGE="en").get(f"/c/{campaign.slug}/").content.decode()
    azerbaijani = visitor(HTTP_ACCEPT_LANGUAGE="az").get(f"/c/{campaign.slug}/").content.decode()

    assert "Send my letter" in english
    assert "Məktubumu göndər" in azerbaijani


def test_a_browser_that_accepts_gzip_gets_the_same_page_compressed(campaign):
    url = f"/en/c/{campaign.slug}/"
    plain = visitor().get(url)
    compressed = visitor(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(url)

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) * 3 < len(plain.content)


def test_an_organisers_edit_shows_once_the_process_caches_expire(campaign):
    url = f"/en/c/{campaign.slug}/"
    before = visitor().get(url).content.decode()
    template = campaign.templates.get(language="en")
    template.page_title = "Free the four, now"
    template.save()
    campaign.save()  # the admin saves the campaign with its letters

    time.sleep(CAMPAIGN_CACHE_SECONDS + MEMORY_SECONDS + 0.2)
    after = visitor().get(url).content.decode()

    assert "Free the four, now" not in before
    assert "Free the four, now" in after


def test_a_kept_page_is_made_again_after_a_second(campaign, renders):
    url = f"/en/c/{campaign.slug}/"
    visitor().get(url)
    time.sleep(MEMORY_SECONDS + 0.1)
    renders.clear()

    visitor().get(url)

    assert "petitions/campaign_detail.html" in renders


@pytest.mark.parametrize("kept", [False, True], ids=["first", "kept"])
def test_a_head_request_gets_the_headers_and_no_body(campaign, kept):
    url = f"/en/c/{campaign.slug}/"
    page = visitor().get(url) if kept else None

    response = visitor().head(url)

    assert response.status_code == 200
    assert response.content == b""
    assert "public" in response["Cache-Control"]
    if page is not None:
        assert response["Content-Length"] == str(len(page.content))


def test_counter_is_shared_in_every_language_and_kept_by_browsers_briefly(campaign):
    response = visitor().get(f"/c/{campaign.slug}/counter.json")

    assert response.json()["signatures"] == 0
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"public", "max-age=5"}
    assert response["Vary"] == "Accept-Encoding"  # the same for every language, cookie and browser
    assert "Content-Language" not in response


@pytest.fixture
def connections_kept_open():
    """The test's transaction survives a real WSGI request (Django's test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_wsgi_application_gunicorn_runs_answers_from_the_kept_responses(campaign, renders, connections_kept_open):
    from outcry.wsgi import application

    environ = RequestFactory().get(f"/en/c/{campaign.slug}/", HTTP_ACCEPT_ENCODING="gzip").environ
    answers = []
    for _ in range(2):
        renders.clear()
        result = application(dict(environ), lambda status, headers, exc_info=None: answers.append((status, headers)))
        body = b"".join(result)
        getattr(result, "close", lambda: None)()

    assert [status for status, _ in answers] == ["200 OK", "200 OK"]
    assert renders == []  # the second answer was kept
    assert ("Content-Encoding", "gzip") in answers[1][1]
    assert "Send my letter" in gzip.decompress(body).decode()


def test_a_server_that_leaves_out_script_name_still_gets_the_kept_answer(campaign, renders, connections_kept_open):
    """Django writes SCRIPT_NAME into the environ it is given: the key is taken before that."""
    from outcry.wsgi import application

    environ = RequestFactory().get(f"/en/c/{campaign.slug}/").environ
    environ.pop("SCRIPT_NAME", None)
    rendered = []
    for _ in range(2):
        renders.clear()
        result = application(dict(environ), lambda status, headers, exc_info=None: None)
        b"".join(result)
        getattr(result, "close", lambda: None)()
        rendered.append(list(renders))

    assert rendered[0] != []
    assert rendered[1] == []


def test_a_varying_page_is_kept_apart_for_each_value_it_varies_on(campaign):
    url = f"/c/{campaign.slug}/"
    for _ in range(2):
        azerbaijani = visitor(HTTP_ACCEPT_LANGUAGE="az").get(url).content.decode()
        russian = visitor(HTTP_ACCEPT_LANGUAGE="ru").get(url).content.decode()
        chosen = visitor(HTTP_ACCEPT_LANGUAGE="az", HTTP_COOKIE="django_language=tr").get(url).content.decode()

        assert '<html lang="az"' in azerbaijani
        assert '<html lang="ru"' in russian
        assert '<html lang="tr"' in chosen


def test_a_language_choice_is_never_kept(campaign):
    first = visitor().get(f"/c/{campaign.slug}/?lang=az")
    second = visitor().get(f"/c/{campaign.slug}/?lang=az")

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.cookies["django_language"].value == "az"


def test_a_forged_host_is_refused_even_when_the_page_is_kept(campaign):
    visitor().get(f"/en/c/{campaign.slug}/")

    response = visitor(HTTP_HOST="evil.example").get(f"/en/c/{campaign.slug}/")

    assert response.status_code == 400


def test_signing_needs_no_cookie_and_no_token(campaign, bob_form):
    browser = visitor()
    browser.get(f"/en/c/{campaign.slug}/")

    response = browser.post(
        f"/en/c/{campaign.slug}/", bob_form, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin"
    )

    assert response.status_code == 302
    assert Signature.objects.get().first_name == "Bob"


@pytest.mark.parametrize("headers", FOREIGN_POSTS)
def test_a_post_from_another_site_is_refused_in_the_visitors_language_keeping_the_form(campaign, bob_form, headers):
    response = visitor().post(f"/az/c/{campaign.slug}/", bob_form, **headers)

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="az"' in page
    assert "Bu forma yalnız onu göstərən səhifədən göndərilə bilər." in page
    assert 'value="Builder"' in page
    assert "no-store" in response["Cache-Control"]
    assert Signature.objects.count() == 0


def test_the_store_stays_bounded_however_many_odd_addresses_are_read(campaign, monkeypatch):
    from outcry import sharedcache

    monkeypatch.setattr(sharedcache, "MAX_ENTRIES", 5)
    monkeypatch.setattr(sharedcache, "MEMORY_SECONDS", 0.05)
    for n in range(40):
        visitor().get(f"/c/{campaign.slug}/counter.json?n={n}")
        if n % 10 == 9:
            time.sleep(0.06)  # the ones kept so far expire

    assert len(sharedcache._kept) <= 5
    assert len(sharedcache._varies_on) <= 2 * 5
