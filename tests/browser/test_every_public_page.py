"""Every public page, in every interface language, on a phone and on a laptop, reached the way a person
reaches it: the thank-you pages after really signing, the confirmed page after really confirming, the
"sent" page after really asking for one's data, the "erased" page after really erasing it.

On each page: the document's language and direction; every piece of campaign content in <main> in its
own language and direction (Azerbaijani, Turkish, Russian, Spanish and English left to right, Arabic
right to left), whatever the interface language; no sideways scrolling; no serious or critical
accessibility violation; the HTTP status. A full-page screenshot of each is kept in
test-artifacts/pages/ for a human to look at, and test-artifacts/pages/summary.json lists what was
checked and what axe found.

One test per (language, size) visits all the pages in one browser context and fails at the end with
every failing page listed, so that one broken page does not hide the others.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.enums import CampaignStatus
from petitions.core.hashing import email_hash
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery
from petitions.privacy import signer_requests
from petitions.signing import links
from petitions.signing.confirmations import PURPOSE as CONFIRM_PURPOSE
from tests.browser import a11y
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import choose, tap, tappable_at, type_into
from tests.factories import (
    CampaignFactory,
    MessageTemplateFactory,
    SignatureFactory,
    TargetFactory,
    queue_letters,
    receipt_token,
)

pytestmark = pytest.mark.django_db(transaction=True)

PAGES_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# The rule the pages must follow, written out here rather than taken from the app's settings.
RIGHT_TO_LEFT = {"ar"}

PAGES = [
    "home",
    "campaign",
    "display",
    "thanks",
    "embed-counter",
    "embed-form",
    "embed-thanks",
    "confirm",
    "confirmed",
    "receipt",
    "my-data",
    "my-data-sent",
    "my-data-link",
    "my-data-erased",
    "not-found",
    "closed",
    "not-yet-open",
]

# Campaign content in four of the six interface languages: Turkish and Spanish visitors read the
# default language's (English) text inside a Turkish or Spanish page.
CONTENT = {
    "en": {
        "page_title": "Free the jailed oil workers' union leaders",
        "summary": "Write to the Presidential Administration: release the four trade unionists jailed for organising.",
        "story": "Four oil workers have been in jail since March for trying to found an independent union.\n\n"
        "They committed no crime: freedom of association is a fundamental right.",
        "letter_subject": "Release the jailed trade unionists",
        "letter_body": "Dear {target_name},\n\nI ask you to release the four trade unionists at once.\n\n"
        "{signer_message}\n\nYours sincerely,\n{signer_signoff}",
        "letter_line": "I ask you to release the four trade unionists at once.",
    },
    "az": {
        "page_title": "Həbs olunmuş neftçi həmkarlar ittifaqı liderlərini azad edin",
        "summary": "Prezident Administrasiyasına yazın: təşkilatçılığa görə həbs olunan dörd həmkarlar ittifaqı "
        "fəalını azad edin.",
        "story": "Dörd neft işçisi müstəqil həmkarlar ittifaqı yaratmağa çalışdıqları üçün martdan bəri həbsdədir.\n\n"
        "Onlar heç bir cinayət törətməyiblər: birləşmək azadlığı əsas hüquqdur.",
        "letter_subject": "Həbs olunmuş həmkarlar ittifaqı fəallarını azad edin",
        "letter_body": "Hörmətli {target_name},\n\n"
        "Sizdən dörd həmkarlar ittifaqı fəalını dərhal azad etməyi xahiş edirəm.\n\n"
        "{signer_message}\n\nHörmətlə,\n{signer_signoff}",
        "letter_line": "Sizdən dörd həmkarlar ittifaqı fəalını dərhal azad etməyi xahiş edirəm.",
    },
    "ru": {
        "page_title": "Освободите арестованных лидеров профсоюза нефтяников",
        "summary": "Напишите в Администрацию Президента: освободите четырёх профсоюзных активистов, арестованных "
        "за организацию работников.",
        "story": "Четверо нефтяников с марта находятся под арестом за попытку создать независимый профсоюз.\n\n"
        "Они не совершили преступления: свобода объединения — основное право.",
        "letter_subject": "Освободите арестованных профсоюзных активистов",
        "letter_body": "Уважаемый {target_name},\n\nПрошу немедленно освободить четырёх профсоюзных активистов.\n\n"
        "{signer_message}\n\nС уважением,\n{signer_signoff}",
        "letter_line": "Прошу немедленно освободить четырёх профсоюзных активистов.",
    },
    "ar": {
        "page_title": "أطلقوا سراح قادة نقابة عمال النفط المعتقلين",
        "summary": "اكتبوا إلى الإدارة الرئاسية: أطلقوا سراح النقابيين الأربعة المعتقلين بسبب تنظيمهم للعمال.",
        "story": "أربعة من عمال النفط معتقلون منذ مارس لأنهم حاولوا تأسيس نقابة مستقلة.\n\n"
        "لم يرتكبوا أي جريمة: حرية تكوين الجمعيات حق أساسي.",
        "letter_subject": "أطلقوا سراح النقابيين المعتقلين",
        "letter_body": "حضرة {target_name}،\n\nأطلب منكم الإفراج الفوري عن النقابيين الأربعة.\n\n"
        "{signer_message}\n\nمع الاحترام،\n{signer_signoff}",
        "letter_line": "أطلب منكم الإفراج الفوري عن النقابيين الأربعة.",
    },
}
CONTENT_BLOCKS = {
    "title": "page_title",
    "summary": "summary",
    "story": "story",
    "letter subject": "letter_subject",
    "letter body": "letter_line",
}
# The campaign content each page must show, each piece marked with its own language.
EXPECTED_CONTENT = {
    "campaign": list(CONTENT_BLOCKS),
    "closed": list(CONTENT_BLOCKS),
    "not-yet-open": list(CONTENT_BLOCKS),
    "embed-counter": ["title"],
    "embed-form": ["title", "letter body"],
    "thanks": ["title"],
    "display": ["title"],
}
RECENT_SIGNERS = [("Leyla", "AZ"), ("Olga", "RU"), ("Amal", "EG")]

SUMMARY: dict[str, dict] = {}


def direction(language: str) -> str:
    return "rtl" if language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def content_language(language: str) -> str:
    return language if language in CONTENT else "en"


def multilingual_campaign(organisation, slug: str, **options):
    campaign = CampaignFactory(organisation=organisation, slug=slug, name=f"Oil workers ({slug})", goal=500, **options)
    for language, text in CONTENT.items():
        MessageTemplateFactory(
            campaign=campaign,
            language=language,
            **{name: value for name, value in text.items() if name != "letter_line"},
        )
    TargetFactory(
        campaign=campaign,
        name="Presidential Administration of the Republic of Azerbaijan",
        title="Head of the Presidential Administration",
        email=f"office@{slug}.president.example.org",
    )
    return campaign


@dataclass
class Site:
    campaign: object
    confirming: object
    closed: object
    not_yet_open: object
    confirm_token: str
    receipt_token: str
    data_token: str


@pytest.fixture
def site(organisation) -> Site:
    campaign = multilingual_campaign(organisation, "release-the-unionists")
    for first_name, country in RECENT_SIGNERS:
        SignatureFactory(campaign=campaign, first_name=first_name, country=country, show_name_publicly=True)

    # A signer with letters, one sent and one still queued: the receipt page and the data page show them.
    TargetFactory(campaign=campaign, name="Prosecutor General's Office", title="Prosecutor General")
    nigar = SignatureFactory(campaign=campaign, first_name="Nigar", email="nigar@example.net", language="az")
    queue_letters(signature=nigar)
    first = Delivery.objects.filter(signature=nigar).order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now())

    confirming = multilingual_campaign(organisation, "confirm-the-release", signers_at_risk=True)
    pending = SignatureFactory(
        campaign=confirming, email="pending@example.net", status=SignatureStatus.PENDING, confirmed_at=None
    )
    closed = multilingual_campaign(organisation, "released-last-year", status=CampaignStatus.CLOSED)
    not_yet_open = multilingual_campaign(
        organisation,
        "may-day-letters",
        starts_at=timezone.now() + timedelta(days=10),
        ends_at=timezone.now() + timedelta(days=60),
    )
    data_link = signer_requests.data_link(email_hash("nigar@example.net"))
    return Site(
        campaign=campaign,
        confirming=confirming,
        closed=closed,
        not_yet_open=not_yet_open,
        confirm_token=links.make_token(pending, purpose=CONFIRM_PURPOSE),
        receipt_token=receipt_token(nigar),
        data_token=data_link.rstrip("/").rsplit("/", 1)[1],
    )


# What a page says about language and direction: the document's, and for every element in <main>
# with a lang attribute, its lang, dir and computed direction. For each given piece of text, the
# element that shows it, the nearest language marked on it or above it, and its computed direction.
_LANGUAGE_FACTS = """
(pieces) => {
  const main = document.querySelector("main");
  const classes = (el) => String(el.className || "").trim().split(/\\s+/).filter(Boolean).map((c) => "." + c).join("");
  const text = (el) => (el.innerText || "").replace(/\\s+/g, " ").trim().slice(0, 50);
  const describe = (el) => `<${el.tagName.toLowerCase()}${classes(el)}> "${text(el)}"`;
  const marked = main ? [...(main.hasAttribute("lang") ? [main] : []), ...main.querySelectorAll("[lang]")] : [];
  const normal = (value) => value.replace(/\\s+/g, " ").trim();
  const found = {};
  for (const [name, snippet] of Object.entries(pieces)) {
    found[name] = null;
    if (!main) continue;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!normal(node.textContent).includes(normal(snippet))) continue;
      const el = node.parentElement;
      if (el.closest("[hidden], .visually-hidden, title, script")) continue;
      const owner = el.closest("[lang]");
      found[name] = {element: describe(el), lang: owner ? owner.getAttribute("lang") : null,
                     direction: getComputedStyle(el).direction};
      break;
    }
  }
  return {
    lang: document.documentElement.getAttribute("lang"),
    dir: document.documentElement.getAttribute("dir"),
    main: !!main,
    marked: marked.map((el) => ({element: describe(el), lang: el.getAttribute("lang"), dir: el.getAttribute("dir"),
                                 direction: getComputedStyle(el).direction})),
    pieces: found,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: document.documentElement.clientWidth,
  };
}
"""


@dataclass
class Visit:
    language: str
    size: str
    failures: dict[str, list[str]] = field(default_factory=dict)
    checked: dict[str, dict] = field(default_factory=dict)


def check_page(page, visit: Visit, name: str, response_status: int | None, expected_status: int = 200) -> None:
    """Every check on the page as it is now; problems are collected, not raised."""
    language, size = visit.language, visit.size
    problems = []
    if response_status != expected_status:
        problems.append(f"HTTP status {response_status}, expected {expected_status}")
    page.wait_for_load_state("networkidle")
    body = CONTENT[content_language(language)]
    pieces = {block: body[CONTENT_BLOCKS[block]].split("\n")[0] for block in EXPECTED_CONTENT.get(name, [])}
    facts = page.evaluate(_LANGUAGE_FACTS, pieces)

    if facts["lang"] != language:
        problems.append(f'<html lang="{facts["lang"]}">, expected "{language}"')
    if facts["dir"] != direction(language):
        problems.append(f'<html dir="{facts["dir"]}">, expected "{direction(language)}"')
    if not facts["main"]:
        problems.append("no <main> element")
    for element in facts["marked"]:
        expected = direction(element["lang"] or "")
        if element["dir"] != expected or element["direction"] != expected:
            problems.append(
                f'{element["element"]} has lang="{element["lang"]}" but dir="{element["dir"]}" '
                f"(computed {element['direction']}), expected {expected}"
            )
    wanted = content_language(language)
    for block, found in facts["pieces"].items():
        if found is None:
            problems.append(f"the campaign's {block} is not shown in <main>")
        elif found["lang"] != wanted or found["direction"] != direction(wanted):
            problems.append(
                f"the campaign's {block} {found['element']} is in lang={found['lang']!r}, "
                f"direction {found['direction']}; expected {wanted!r}, {direction(wanted)}"
            )
    # On a phone Chromium zooms a too-wide page out until it fits, which widens window.innerWidth
    # with it: the layout viewport (clientWidth) and the window's own width are what must hold.
    width = SIZES[size]["viewport"]["width"]
    if facts["scrollWidth"] > min(facts["innerWidth"], facts["clientWidth"]) + 1 or facts["innerWidth"] > width:
        problems.append(
            f"wider than the window: {facts['scrollWidth']} px of content, {facts['clientWidth']} px layout "
            f"viewport, window.innerWidth {facts['innerWidth']} for a {width} px wide screen"
        )

    found, _version = a11y.violations(page)
    problems.extend(f"axe: {line}" for line in a11y.blocking(found))

    case = f"{name}-{language}-{size}"
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PAGES_DIR / f"{case}.png"), full_page=True)
    visit.checked[name] = {"url": page.url, "status": response_status, "problems": problems, "axe": found}
    if problems:
        visit.failures[name] = problems


def visit_page(page, visit: Visit, name: str, url: str, expected_status: int = 200) -> None:
    def load_and_check():
        response = page.goto(url)
        check_page(page, visit, name, response.status if response else None, expected_status)

    step(visit, name, load_and_check)


def reached(page, visit: Visit, name: str, landed: dict) -> None:
    """Check the page a press has just led to (`landed` holds the response of its last load)."""
    response = landed.get("response")
    step(visit, name, lambda: check_page(page, visit, name, response.status if response else None))


def sign(page, email: str):
    type_into(page.locator("#id_first_name"), "Rəşad")
    type_into(page.locator("#id_last_name"), "Həsənov")
    type_into(page.locator("#id_email"), email)
    choose(page.locator("#id_country"), "AZ")
    return tap(page.locator("main form button[type=submit]"))


def step(visit: Visit, name: str, action) -> bool:
    """Run one thing a person does; a failure is that page's failure, and the visit goes on."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - recorded, reported with every other failing page
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        visit.failures.setdefault(name, []).append(f"{type(exc).__name__}: {first_line}")
        visit.checked.setdefault(name, {"url": None, "status": None, "problems": [], "axe": []})
        visit.checked[name]["problems"] = visit.failures[name]
        return False
    return True


def write_summary() -> None:
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    cases = {case: result for visit in SUMMARY.values() for case, result in visit.items()}
    (PAGES_DIR / "summary.json").write_text(
        json.dumps(
            {
                "pages": PAGES,
                "languages": LANGUAGES,
                "sizes": {name: options["viewport"] for name, options in SIZES.items()},
                "cases_planned": len(PAGES) * len(LANGUAGES) * len(SIZES),
                "cases_checked": len(cases),
                "cases_failing": sorted(case for case, result in cases.items() if result["problems"]),
                "axe_findings_per_page": {
                    case: [f"{v['rule']} ({v['impact']}): {len(v['targets'])} element(s)" for v in result["axe"]]
                    for case, result in sorted(cases.items())
                },
                "cases": dict(sorted(cases.items())),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page(new_page, live_server, site, language, size):
    page = new_page(language, **SIZES[size])
    visit = Visit(language, size)
    base = f"{live_server.url}/{language}"
    slug = site.campaign.slug

    landed: dict = {}  # the response of the page the last press loaded (after any redirect)

    def sign_and_land(email: str, landing: str):
        def act():
            landed["response"] = sign(page, email)
            page.wait_for_url(landing, timeout=10_000)

        return act

    def press(locator):
        def act():
            landed["response"] = tap(locator)

        return act

    def ask_for_my_data():
        type_into(page.locator("#id_email"), "nigar@example.net")
        press(page.locator("main form button[type=submit]"))()

    def erase_my_data():
        tap(page.locator("#id_confirm"))
        press(page.locator("main form button[type=submit]"))()

    visit_page(page, visit, "home", f"{base}/")

    visit_page(page, visit, "display", f"{base}/c/{slug}/display/")
    visit_page(page, visit, "campaign", f"{base}/c/{slug}/")
    send = page.locator("main form button[type=submit]")
    step(visit, "campaign", lambda: tappable_at(send, (0, 200, 450, 800, "bottom")))
    if step(visit, "thanks", sign_and_land(f"signer-{language}-{size}@example.net", f"**/{language}/c/{slug}/share/")):
        reached(page, visit, "thanks", landed)

    visit_page(page, visit, "embed-counter", f"{base}/c/{slug}/embed/")
    visit_page(page, visit, "embed-form", f"{base}/c/{slug}/embed/?form=1")
    embed_thanks = f"**/{language}/c/{slug}/embed/share/"
    if step(visit, "embed-thanks", sign_and_land(f"embed-{language}-{size}@example.net", embed_thanks)):
        reached(page, visit, "embed-thanks", landed)

    visit_page(page, visit, "confirm", f"{base}/c/{site.confirming.slug}/confirm/{site.confirm_token}/")
    if step(visit, "confirmed", press(page.locator("main form button[type=submit]"))):
        reached(page, visit, "confirmed", landed)

    visit_page(page, visit, "receipt", f"{base}/c/{slug}/receipt/{site.receipt_token}/")

    visit_page(page, visit, "my-data", f"{base}/my-data/")
    if step(visit, "my-data-sent", ask_for_my_data):
        reached(page, visit, "my-data-sent", landed)
    visit_page(page, visit, "my-data-link", f"{base}/my-data/{site.data_token}/")
    if step(visit, "my-data-erased", erase_my_data):
        reached(page, visit, "my-data-erased", landed)

    visit_page(page, visit, "not-found", f"{base}/c/no-such-campaign/", expected_status=404)
    visit_page(page, visit, "closed", f"{base}/c/{site.closed.slug}/")
    visit_page(page, visit, "not-yet-open", f"{base}/c/{site.not_yet_open.slug}/")

    SUMMARY[f"{language}-{size}"] = {f"{name}-{language}-{size}": result for name, result in visit.checked.items()}
    write_summary()
    assert sorted(visit.checked) == sorted(PAGES), "a page was not reached"
    failing = "\n".join(
        f"  {name}-{language}-{size} ({visit.checked[name]['url']}):\n    " + "\n    ".join(problems)
        for name, problems in visit.failures.items()
    )
    assert not visit.failures, f"{len(visit.failures)} of {len(PAGES)} pages fail:\n{failing}"
