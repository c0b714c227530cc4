"""Every signer's language: URL prefixes, the browser's language, ?lang=, the switcher, fallbacks."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from petitions.models import Signature
from tests.factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def campaign_url(campaign, language: str) -> str:
    with override(language):
        return reverse("petitions-i18n:campaign", args=[campaign.slug])


def test_campaign_page_under_a_language_prefix_speaks_that_language(client, campaign):
    page = client.get(f"/az/c/{campaign.slug}/").content.decode()

    assert '<html lang="az" dir="ltr">' in page
    assert "Məktubumu göndər" in page  # "Send my letter"
    assert "Ölkənizi seçin" in page  # "Choose your country"


def test_unprefixed_page_follows_the_browsers_language(client, campaign):
    response = client.get(f"/c/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")

    assert response.status_code == 200
    assert '<html lang="ru"' in response.content.decode()
    assert "Отправить моё письмо" in response.content.decode()
    assert "Accept-Language" in response["Vary"]


def test_unprefixed_page_defaults_to_english_for_an_unknown_browser_language(client, campaign):
    page = client.get(f"/c/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert '<html lang="en"' in page
    assert "Send my letter" in page


def test_lang_parameter_redirects_to_the_prefixed_page_keeping_the_partner_code(client, campaign):
    response = client.get(f"/c/{campaign.slug}/?ref=itf&lang=tr")

    assert response.status_code == 302
    assert response["Location"] == f"/tr/c/{campaign.slug}/?ref=itf"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"


def test_remembered_choice_beats_the_browsers_language(client, campaign):
    client.get(f"/c/{campaign.slug}/?lang=es")

    page = client.get(f"/c/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert '<html lang="es"' in page


def test_unknown_lang_parameter_is_ignored(client, campaign):
    response = client.get(f"/c/{campaign.slug}/?lang=xx")

    assert response.status_code == 200


def test_switcher_links_every_language_in_its_own_name(client, campaign):
    page = client.get(f"/en/c/{campaign.slug}/?ref=itf").content.decode()

    switcher = page.split('<details class="language-switch">')[1].split("</details>")[0]
    for code, name in [("en", "English"), ("az", "Azərbaycanca"), ("ru", "Русский"), ("tr", "Türkçe")]:
        assert f'href="/{code}/c/{campaign.slug}/?ref=itf&amp;lang={code}" hreflang="{code}" lang="{code}"' in switcher
        assert name in switcher
    assert 'lang="ar" dir="rtl"' in switcher
    assert f'<link rel="alternate" hreflang="es" href="/es/c/{campaign.slug}/?ref=itf">' in page


def test_arabic_page_is_right_to_left_with_the_rtl_stylesheet(client, campaign):
    page = client.get(f"/ar/c/{campaign.slug}/").content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "أرسل رسالتي" in page


def test_campaign_content_falls_back_to_the_default_language(client, campaign):
    page = client.get(f"/es/c/{campaign.slug}/").content.decode()

    assert "Free the Workers&#x27; Table four" in page  # the English template
    assert "Enviar mi carta" in page  # the Spanish interface


def test_campaign_content_in_the_pages_language_when_translated(client, campaign):
    MessageTemplateFactory(
        campaign=campaign, language="az", page_title="Dördlüyə azadlıq", story="Dörd nəfər həbsdədir."
    )

    page = client.get(f"/az/c/{campaign.slug}/").content.decode()

    assert "Dördlüyə azadlıq" in page
    assert "Dörd nəfər həbsdədir." in page
    assert "Four trade unionists" not in page


def test_signature_stores_the_language_it_was_signed_in(client, campaign, bob_form):
    response = client.post(f"/az/c/{campaign.slug}/", bob_form)

    assert response["Location"] == f"/az/c/{campaign.slug}/share/"
    assert Signature.objects.get().language == "az"


def test_unprefixed_signing_stays_unprefixed(client, campaign, bob_form):
    response = client.post(f"/c/{campaign.slug}/", bob_form, HTTP_ACCEPT_LANGUAGE="tr")

    assert response["Location"] == f"/c/{campaign.slug}/share/"
    assert Signature.objects.get().language == "tr"


def test_field_errors_come_in_the_pages_language(client, campaign):
    page = client.post(campaign_url(campaign, "az"), {"first_name": "Bob", "email": "not-an-email"}).content.decode()

    assert "Bu sahə vacibdir." in page  # "This field is required."
    assert "Düzgün e-poçt ünvanı daxil edin." in page  # "Enter a valid email address."


def test_counter_json_keeps_its_one_unprefixed_address(client, campaign):
    page = client.get(f"/ru/c/{campaign.slug}/").content.decode()

    assert f'data-counter-url="/c/{campaign.slug}/counter.json"' in page
    assert client.get(f"/c/{campaign.slug}/counter.json").status_code == 200


@pytest.mark.parametrize(
    ("language", "azerbaijan", "united_kingdom"),
    [("az", "Azərbaycan", "Birləşmiş Krallıq"), ("tr", "Azerbaycan", "Birleşik Krallık"), ("ru", "Азербайджан", None)],
)
def test_country_list_is_in_the_pages_language(client, campaign, language, azerbaijan, united_kingdom):
    page = client.get(f"/{language}/c/{campaign.slug}/").content.decode()

    assert f'<option value="AZ">{azerbaijan}</option>' in page
    if united_kingdom:
        assert f'<option value="GB">{united_kingdom}</option>' in page


def test_home_page_lists_campaigns_in_the_prefixed_language(client, campaign):
    page = client.get("/tr/").content.decode()

    assert f'href="/tr/c/{campaign.slug}/"' in page
    assert "Kampanyalar" in page


def _untranslated(po_text: str) -> list[str]:
    """msgids whose translation (or any plural form of it) is empty or fuzzy; long strings are
    wrapped over several quoted lines, which are joined first."""
    missing = []
    for block in po_text.split("\n\n")[1:]:
        if block.startswith("#~"):
            continue
        entries: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith(("msgid", "msgstr")):
                key, _, value = line.partition(" ")
                entries[key] = value.strip('"')
            elif line.startswith('"') and key:
                entries[key] += line.strip('"')
        translations = [value for name, value in entries.items() if name.startswith("msgstr")]
        if "#, fuzzy" in block or not translations or not all(translations):
            missing.append(entries.get("msgid", block))
    return missing


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_catalogue_translates_every_interface_string(language):
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()

    assert _untranslated(po) == []
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").is_file(), "run `make test`: it compiles the catalogues"


def test_image_build_compiles_every_catalogue(tmp_path):
    """The Dockerfile's compile step (the part between apt-get install and purge), on a copy of locale/."""
    import shutil
    import subprocess

    from tests.test_compose import dockerfile_instructions

    (step,) = [
        arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN" and "msgfmt" in arguments
    ]
    (compile_command,) = [part.strip() for part in step.split("&&") if "msgfmt" in part]
    for folder in ("locale", "locale_countries"):
        shutil.copytree(LOCALE.parent / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo", "*.py"))

    subprocess.run(["sh", "-c", compile_command], cwd=tmp_path, check=True, timeout=60)

    def compiled(folder: str) -> list[str]:
        return sorted(path.parent.parent.name for path in (tmp_path / folder).glob("*/LC_MESSAGES/django.mo"))

    assert compiled("locale") == sorted(code for code, _name in settings.LANGUAGES)
    assert compiled("locale_countries") == ["az", "tr"]


def test_unknown_campaign_unprefixed_is_a_plain_404(client):
    assert client.get("/c/no-such-campaign/").status_code == 404


def test_cached_thanks_page_is_cached_per_language(client, campaign):
    russian = client.get(f"/c/{campaign.slug}/share/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    azerbaijani = client.get(f"/c/{campaign.slug}/share/", HTTP_ACCEPT_LANGUAGE="az").content.decode()

    assert "Спасибо, что поддерживаете эту кампанию" in russian
    assert "Bu kampaniyaya dəstək verdiyiniz üçün təşəkkür edirik" in azerbaijani
