"""Uploaded images under /media/: served as images with the site's security headers, and nothing
else: no other file type, no directory, nothing outside MEDIA_ROOT."""

import base64

import pytest

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SECRET = b"SECRET_KEY = 'outside-media'"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "campaigns").mkdir(parents=True)
    (root / "campaigns" / "four.png").write_bytes(PNG)
    (root / "campaigns" / "Four.JPG").write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    (root / "campaigns" / "notes.html").write_text("<script>alert(1)</script>")
    (root / "campaigns" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (root / "campaigns" / ".hidden.png").write_bytes(PNG)
    (root / "campaigns" / "html.png").mkdir()
    (tmp_path / "settings.py").write_bytes(SECRET)
    (tmp_path / "outside.png").write_bytes(SECRET)
    (root / "campaigns" / "link.png").symlink_to(tmp_path / "outside.png")
    settings.MEDIA_ROOT = str(root)
    return root


def test_an_uploaded_image_is_served_with_the_security_headers(client, media):
    response = client.get("/media/campaigns/four.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = {directive.strip() for directive in response["Content-Security-Policy"].split(";")}
    assert policy == {"default-src 'none'", "frame-ancestors 'none'", "sandbox"}
    assert response["Content-Disposition"] == 'inline; filename="four.png"'
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    assert response["Last-Modified"]


def test_the_type_comes_from_the_extension_whatever_its_case(client, media):
    assert client.get("/media/campaigns/Four.JPG")["Content-Type"] == "image/jpeg"


def test_head_and_if_modified_since(client, media):
    first = client.get("/media/campaigns/four.png")

    head = client.head("/media/campaigns/four.png")
    again = client.get("/media/campaigns/four.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (head.status_code, b"".join(head.streaming_content)) == (200, b"")
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/campaigns/notes.html",
        "/media/campaigns/logo.svg",
        "/media/campaigns/.hidden.png",
        "/media/campaigns/html.png",
        "/media/campaigns/",
        "/media/campaigns",
        "/media/campaigns/link.png",
        "/media/campaigns/missing.png",
        "/media/../settings.py",
        "/media/%2e%2e/settings.py",
        "/media/%2e%2e%2fsettings.py",
        "/media/..%2f..%2fsettings.py",
        "/media/campaigns/%2e%2e/%2e%2e/outside.png",
        "/media/..%5coutside.png",
        "/media/%2ftmp%2foutside.png",
        "/media//etc/passwd",
        "/media/campaigns/four.png%00.html",
        "/media/campaigns/four.png/",
    ],
)
def test_anything_but_an_image_under_media_root_is_a_404(client, media, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b"outside-media" not in response.content
    assert b"<script>alert" not in response.content


def test_posting_to_media_is_refused(client, media):
    assert client.post("/media/campaigns/four.png").status_code == 405
