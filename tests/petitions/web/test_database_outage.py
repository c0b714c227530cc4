"""A signer who presses "Send my letter" while PostgreSQL restarts: a 503 that keeps what they typed.

The outage is real (tests/outage.py): Django fails to connect exactly as it does during a restart.
"""

import pytest

from petitions.models import Signature
from petitions.web.embedding import embed_form_token
from tests.outage import database_down

pytestmark = pytest.mark.django_db(transaction=True)


def test_signing_while_the_database_is_down_keeps_the_form_and_says_to_send_again(client, campaign, bob_form):
    client.get(f"/c/{campaign.slug}/")  # the page is in the cache, as on a live site

    with database_down():
        response = client.post(f"/c/{campaign.slug}/", bob_form)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert page.count("We could not save your signature just now") == 1  # once, in the form's alert
    assert '<div class="alert alert-danger" role="alert">We could not save' in page
    assert 'value="Bob"' in page
    assert 'value="Bob.Builder@Example.NET "' in page  # as typed
    assert "no-store" in response["Cache-Control"]
    assert "Freedom of association is not a crime." in page
    assert 'type="submit"' in page  # the button to send it again
    assert Signature.objects.count() == 0

    again = client.post(f"/c/{campaign.slug}/", bob_form)
    assert again.status_code == 302
    assert Signature.objects.count() == 1


def test_the_embed_keeps_the_form_too(client, campaign, bob_form):
    client.get(f"/c/{campaign.slug}/embed/?form=1")
    data = bob_form | {"embed_token": embed_form_token(campaign.pk)}
    own_origin = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}

    with database_down():
        response = client.post(f"/c/{campaign.slug}/embed/?form=1", data, **own_origin)

    assert response.status_code == 503
    assert 'value="Bob"' in response.content.decode()


def test_the_page_is_served_from_its_last_copy_while_the_database_restarts(client, campaign, settings):
    """The campaign's page was read a while ago; its short cache has run out when the database
    goes: the last copy is shown and signed on, not an error."""
    from campaigns import selectors

    client.get(f"/c/{campaign.slug}/")
    for key, (_expiry, value) in list(selectors._pages._entries.items()):
        selectors._pages._entries[key] = (0.0, value)  # expired

    with database_down():
        response = client.get(f"/c/{campaign.slug}/")

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_any_public_page_answers_503_in_the_visitors_language_not_500(client, campaign):
    with database_down():
        response = client.get("/az/c/not-cached-yet/")

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert '<html lang="az"' in page
    assert "Something went wrong on our side" not in page


def test_an_own_mailbox_press_while_the_database_restarts_is_a_503_not_an_error(client, campaign):
    campaign.own_mailbox_links = True
    campaign.save()
    client.get(f"/c/{campaign.slug}/share/")  # the campaign is in the cache, as on a live site
    own_origin = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}

    with database_down():
        response = client.post(f"/c/{campaign.slug}/own-mail/", **own_origin)

    assert response.status_code == 503
    assert client.post(f"/c/{campaign.slug}/own-mail/", **own_origin).status_code == 204
