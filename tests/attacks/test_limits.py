"""Request bodies on the public paths: a huge or file-carrying body is refused before it is read.

The requests go through Django's whole stack (ClientHandler, as the test client does) with a body
that counts what was read of it: the refusal must come from the headers alone.
"""

import io
import time
import wsgiref.util
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, ClientHandler, encode_multipart

from petitions.models import Signature
from petitions.web.embedding import embed_form_token

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024
OWN_ORIGIN = {"HTTP_ORIGIN": "http://127.0.0.1", "HTTP_SEC_FETCH_SITE": "same-origin"}
REFUSED_TEXT = "too large or malformed, so nothing was recorded"


class CountingBody:
    """A request body of `size` bytes, `head` then filler, made as it is read; `consumed` counts
    the bytes anything read from it."""

    def __init__(self, size: int, head: bytes = b""):
        self.size, self.head, self.consumed = size, head, 0

    def _take(self, wanted: int) -> bytes:
        wanted = self.size - self.consumed if wanted is None or wanted < 0 else wanted
        wanted = min(wanted, self.size - self.consumed)
        start = self.consumed
        self.consumed += wanted
        head = self.head[start : start + wanted]
        return head + b"x" * (wanted - len(head))

    def read(self, size: int = -1) -> bytes:
        return self._take(size)

    def readline(self, size: int = -1) -> bytes:
        return self._take(size)


class CountingBytes(io.BytesIO):
    """A real body, counting what was read of it."""

    @property
    def consumed(self) -> int:
        return self.tell()


def send(path: str, body, *, content_type: str, length: int | None, query: str = "", **headers):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "REMOTE_ADDR": "203.0.113.7",
        "wsgi.input": body,
        **headers,
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    wsgiref.util.setup_testing_defaults(environ)
    # As an attacker holding a valid CSRF cookie and token would: the refusal must not rely on CSRF.
    return ClientHandler(enforce_csrf_checks=False)(environ)


def multipart_head(fields: dict[str, str]) -> bytes:
    """A multipart body's start: the form's fields, then a file part whose content follows."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    return "".join(parts).encode()


@pytest.fixture
def public_paths(campaign):
    return {
        "embed": (f"/c/{campaign.slug}/embed/", "form=1"),
        "campaign page": (f"/c/{campaign.slug}/", ""),
        "sign": (f"/c/{campaign.slug}/sign/", ""),
        "my data": ("/my-data/", ""),
        "webhook": ("/anymail/postmark/tracking/", ""),
    }


@pytest.mark.parametrize("where", ["embed", "campaign page", "sign", "my data", "webhook"])
def test_a_100_mb_multipart_is_refused_unread(public_paths, campaign, bob_form, where):
    path, query = public_paths[where]
    fields = bob_form | {"embed_token": embed_form_token(campaign.pk)}
    body = CountingBody(HUNDRED_MB, head=multipart_head(fields))

    started = time.monotonic()
    response = send(path, body, content_type=MULTIPART_CONTENT, length=HUNDRED_MB, query=query, **OWN_ORIGIN)

    assert response.status_code == 413
    assert REFUSED_TEXT in response.content.decode()
    assert body.consumed == 0
    assert time.monotonic() - started < 2
    assert not Signature.objects.exists()


@pytest.mark.parametrize("where", ["embed", "campaign page"])
def test_a_100_mb_form_post_is_refused_unread(public_paths, where):
    path, query = public_paths[where]
    body = CountingBody(HUNDRED_MB, head=b"first_name=")

    response = send(path, body, content_type="application/x-www-form-urlencoded", length=HUNDRED_MB, query=query)

    assert response.status_code == 413
    assert body.consumed == 0


@pytest.mark.parametrize("where", ["embed", "campaign page"])
def test_an_actual_multi_mb_upload_is_refused_unread(public_paths, campaign, bob_form, where):
    path, query = public_paths[where]
    upload = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"x" * (3 * 1024 * 1024), content_type="image/jpeg")
    raw = encode_multipart(BOUNDARY, bob_form | {"embed_token": embed_form_token(campaign.pk), "image": upload})
    body = CountingBytes(raw)

    response = send(path, body, content_type=MULTIPART_CONTENT, length=len(raw), query=query, **OWN_ORIGIN)

    assert response.status_code == 413
    assert body.consumed == 0
    assert not Signature.objects.exists()


@pytest.mark.parametrize("where", ["embed", "campaign page", "webhook"])
def test_a_small_file_upload_is_refused_too(public_paths, campaign, bob_form, settings, where):
    path, query = public_paths[where]
    upload = SimpleUploadedFile("small.jpg", b"\xff\xd8\xff" + b"x" * 100, content_type="image/jpeg")
    raw = encode_multipart(BOUNDARY, bob_form | {"embed_token": embed_form_token(campaign.pk), "image": upload})
    body = CountingBytes(raw)

    response = send(path, body, content_type=MULTIPART_CONTENT, length=len(raw), query=query, **OWN_ORIGIN)

    assert response.status_code == 415
    assert REFUSED_TEXT in response.content.decode()
    assert body.consumed <= settings.PUBLIC_MAX_BODY_BYTES
    assert not Signature.objects.exists()


def test_a_body_without_a_length_is_refused_unread(public_paths):
    path, query = public_paths["embed"]
    body = CountingBody(HUNDRED_MB, head=b"first_name=")

    response = send(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        length=None,
        query=query,
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert body.consumed == 0


@pytest.mark.parametrize("length", ["-1", "ten", "1e9", "１２"])
def test_a_malformed_length_is_refused_unread(public_paths, length):
    path, query = public_paths["campaign page"]
    environ_length = {"CONTENT_LENGTH": length}
    body = CountingBody(1000)

    response = send(
        path, body, content_type="application/x-www-form-urlencoded", length=None, query=query, **environ_length
    )

    assert response.status_code == 400
    assert body.consumed == 0


def test_the_largest_body_read_by_a_public_page_is_the_limit(public_paths, settings):
    path = public_paths["campaign page"][0]
    at_limit = CountingBody(settings.PUBLIC_MAX_BODY_BYTES, head=b"first_name=")
    over = CountingBody(settings.PUBLIC_MAX_BODY_BYTES + 1, head=b"first_name=")

    answered = send(path, at_limit, content_type="application/x-www-form-urlencoded", length=at_limit.size)
    refused = send(path, over, content_type="application/x-www-form-urlencoded", length=over.size)

    assert answered.status_code == 200  # the form again, with its errors
    assert at_limit.consumed == settings.PUBLIC_MAX_BODY_BYTES
    assert (refused.status_code, over.consumed) == (413, 0)


def test_the_refusal_is_the_branded_page_with_the_usual_headers(public_paths):
    path, query = public_paths["embed"]

    response = send(path, CountingBody(HUNDRED_MB), content_type=MULTIPART_CONTENT, length=HUNDRED_MB, query=query)

    assert response.status_code == 413
    assert "Error 413" in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_largest_signing_form_still_signs(client, campaign, bob_form, settings):
    """Every field at its longest in four-byte characters, percent-encoded as browsers send forms:
    well within the limit."""
    longest = bob_form | {
        "first_name": "𝒜" * 100,
        "last_name": "𝒜" * 100,
        "city": "𝒜" * 100,
        "organisation": "𝒜" * 200,
        "message": "😀" * 2000,
    }
    body = urlencode(longest)

    response = client.post(f"/c/{campaign.slug}/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert Signature.objects.get().message == "😀" * 2000
    assert len(body) < settings.PUBLIC_MAX_BODY_BYTES * 0.6


def test_normal_signing_still_works_on_the_page_and_the_embed(client, campaign, bob_form):
    """The test client posts forms as multipart: a multipart body without a file is a form like any."""
    page = client.post(f"/c/{campaign.slug}/", bob_form)
    embed = client.post(
        f"/c/{campaign.slug}/embed/?form=1",
        bob_form | {"email": "carol@example.net", "embed_token": embed_form_token(campaign.pk)},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert (page.status_code, embed.status_code) == (302, 302)
    assert Signature.objects.count() == 2


def test_the_admin_still_takes_file_uploads(client):
    """Campaign images are uploaded in the admin: its multipart posts are read as before."""
    upload = SimpleUploadedFile("four.jpg", b"\xff\xd8\xff" + b"x" * (200 * 1024), content_type="image/jpeg")

    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong", "image": upload})

    assert response.status_code == 200
    assert response.wsgi_request.FILES["image"].size == upload.size
