"""Sending the letter from one's own mailbox too, as a signer does it on a phone and on a laptop, in
English, Azerbaijani and Arabic: sign, then tap each button. Webmail is never reached (its addresses
are answered here); the tap must count (seen in the database) and open the letter in the target's
language, ready to send."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Sum

from campaigns.models import TargetName
from petitions.models import CounterShard
from tests.browser.a11y import audit
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import assert_on_top, bring_into_view, choose, is_touch, tap, type_into
from tests.factories import MessageTemplateFactory, TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)

WEBMAIL = {
    "gmail": ("https://mail.google.com/**", "su"),
    "outlook": ("https://outlook.live.com/**", "subject"),
    "yahoo": ("https://compose.mail.yahoo.com/**", "subject"),
}
LETTERS = {  # the target's language: (subject, the body's first line)
    "en": ("Release the jailed trade unionists", "Dear Presidential Administration,"),
    "az": ("Həmkarları azad edin", "Hörmətli Nazir,"),
    "ar": ("أطلقوا سراح النقابيين", "السيد الوزير،"),
}


@pytest.fixture
def offering(campaign):
    """Targets writing in English, Azerbaijani and Arabic; the buttons on (signers not at risk)."""
    campaign.own_mailbox_links = True
    campaign.save()
    for language, name, native in [("az", "Minister of Labour", "Nazir"), ("ar", "Minister of Justice", "الوزير")]:
        subject, opening = LETTERS[language]
        MessageTemplateFactory(
            campaign=campaign,
            language=language,
            page_title=subject,
            letter_subject=subject,
            letter_body=f"{opening.replace(native, '{target_name}')}\n\n{subject}.\n\n{{signer_signoff}}",
        )
        email = f"minister-{language}@gov.example"
        target = TargetFactory(campaign=campaign, name=name, language=language, email=email)
        TargetName.objects.create(target=target, language=language, name=native)
    return campaign


def own_mail_count(campaign) -> int:
    return CounterShard.objects.filter(campaign=campaign).aggregate(n=Sum("own_mail", default=0))["n"]


def sign(page, live_server, campaign, language: str) -> None:
    page.goto(f"{live_server.url}/{language}/c/{campaign.slug}/")
    type_into(page.locator('input[name="first_name"]'), "Leyla")
    type_into(page.locator('input[name="last_name"]'), "Həsənova")
    type_into(page.locator('input[name="email"]'), f"leyla-{language}@example.net")
    choose(page.locator('select[name="country"]'), "AZ")
    tap(page.locator('form button[type="submit"]').first)
    page.wait_for_url(f"**/c/{campaign.slug}/share/")


def counted_tap(page, button, *, opens_popup: bool):
    """Tap like a person; the count the page sends must be answered. The popup of a webmail, if any."""
    with page.expect_response(lambda response: "/own-mail/" in response.url) as counted:
        if opens_popup:
            with page.expect_popup() as popup:
                tap(button)
        else:
            # A mail app's link leaves the page where it is: checked and pressed as tap() does.
            bring_into_view(button)
            assert_on_top(button)
            button.tap() if is_touch(page) else button.click()
    assert counted.value.status == 204
    return popup.value if opens_popup else None


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "az", "ar"])
def test_signer_opens_the_letter_in_each_mail_app_and_each_tap_counts(
    new_page, live_server, offering, language, device, screenshot
):
    page = new_page(language, **(PHONE if device == "phone" else DESKTOP))
    opened = []
    for pattern, _field in WEBMAIL.values():
        page.context.route(pattern, lambda route: (opened.append(route.request.url), route.fulfill(body="compose")))
    # What the phone's mail app would be handed; the page itself stays.
    page.add_init_script(
        """document.addEventListener("click", (event) => {
             const link = event.target.closest('a[href^="mailto:"]');
             if (link) { window.mailAppGot = link.href; event.preventDefault(); }
           });"""
    )

    sign(page, live_server, offering, language)
    section = page.locator("section.own-mail")
    section.wait_for()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sticks out
    screenshot(page, f"own-mail-{device}-{language}")
    assert audit(page, f"own-mail-{device}-{language}") == []

    letters = section.locator(".own-mail-letter")
    assert letters.count() == 3  # one letter per target language
    taps = 0
    for index in range(letters.count()):
        letter = letters.nth(index)
        mailto_button = letter.locator('a[data-own-mail="mailto"]')
        counted_tap(page, mailto_button, opens_popup=False)
        taps += 1
        mailto = page.evaluate("window.mailAppGot")
        to, _, query = mailto.removeprefix("mailto:").partition("?")
        fields = {name: values[0] for name, values in parse_qs(query).items()}
        target_language = next(code for code, (subject, _) in LETTERS.items() if subject == fields["subject"])
        subject, opening = LETTERS[target_language]
        assert fields["body"].startswith(opening)
        assert own_mail_count(offering) == taps
        for kind, (_pattern, subject_field) in WEBMAIL.items():
            popup = counted_tap(page, letter.locator(f'a[data-own-mail="{kind}"]'), opens_popup=True)
            taps += 1
            popup.wait_for_load_state()
            webmail = {name: values[0] for name, values in parse_qs(urlsplit(opened[-1]).query).items()}
            assert webmail["to"] == to
            assert webmail[subject_field] == subject
            assert webmail["body"].startswith(opening)
            assert webmail["body"] == fields["body"].replace("\r\n", "\n")  # the same letter as the mail app's
            popup.close()
            assert own_mail_count(offering) == taps
    assert taps == 12
    assert len(opened) == 9
    assert page.context.cookies() == []
