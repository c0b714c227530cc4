"""Using a page as a person does: scroll to what you want, look that nothing covers it, then tap it.

Playwright's own clicks retry until the target is free, and `force=True` skips the check altogether,
so a button hidden under a card could still be "clicked" by a test. Here every tap first scrolls the
element into view and asks the browser, with document.elementFromPoint() at the element's centre,
what a finger would land on: anything but the element (or something inside it) fails the test and
names what is on top. Then the tap is real: a touch on touch screens, a mouse click on a desktop.

Every check is counted; the browser tests write the figures to test-artifacts/taps.json.
"""

import json
import os
from collections import Counter
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# "taps" and "clicks" are presses of buttons, links and boxes; "fields" are inputs a person typed
# into or chose from; "positions" are the extra scroll offsets a press was checked at.
CHECKED: Counter = Counter()
CHECKED_BY_TEST: dict[str, Counter] = {}

# Where a finger lands: the centre of the element's box, or of its first line box when it is an
# inline element broken over several lines (the box's centre may then fall between the lines).
# Returns null when the element is under the finger, else a description of what is there instead.
_WHAT_IS_ON_TOP = """
(element) => {
  const rects = element.getClientRects();
  const box = rects.length > 1 ? rects[0] : element.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const describe = (node) => {
    if (!node) return "nothing (the point is outside the window)";
    const classes = typeof node.className === "string" && node.className.trim()
      ? "." + node.className.trim().split(/\\s+/).join(".") : "";
    const id = node.id ? "#" + node.id : "";
    const text = (node.innerText || node.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 80);
    return `<${node.tagName.toLowerCase()}${id}${classes}> "${text}"`;
  };
  if (box.width === 0 || box.height === 0) {
    return {covered: true, what: "nothing: the element has no size", x, y, element: describe(element)};
  }
  const hit = element.ownerDocument.elementFromPoint(x, y);
  if (hit && (hit === element || element.contains(hit))) return null;
  // A label is where a finger may land for its own control.
  if (hit && hit.control === element) return null;
  return {covered: true, what: describe(hit), x, y, element: describe(element),
          viewport: [window.innerWidth, window.innerHeight], scrollY: window.scrollY};
}
"""

_IN_A_FRAME = "() => window !== window.top"

# Whether pressing the element loads another page in this window: a form's submit button, or a
# link to another page (not to a place on this one, not to a new window).
_NAVIGATES = """
(element) => {
  if (window !== window.top) return false;
  const control = element.closest("button, input[type=submit], a[href]");
  if (!control) return false;
  if (control.tagName === "A") {
    const href = control.getAttribute("href");
    if (!href || href.startsWith("#") || href.startsWith("javascript:")) return false;
    if (control.target && control.target !== "_self") return false;
    const url = new URL(control.href, location.href);
    return url.pathname !== location.pathname || url.search !== location.search;
  }
  return control.type === "submit" && !!control.form && !control.form.target;
}
"""

# In the top page, a point inside a framed element must land on a frame, not on something drawn over it.
_TOP_PAGE_HIT = """
([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  if (!hit) return "nothing (the point is outside the window)";
  if (hit.tagName === "IFRAME") return null;
  const text = (hit.innerText || "").replace(/\\s+/g, " ").trim().slice(0, 80);
  return `<${hit.tagName.toLowerCase()}${hit.id ? "#" + hit.id : ""}> "${text}"`;
}
"""

_SCROLL_TO = """
(position) => {
  const bottom = document.documentElement.scrollHeight - window.innerHeight;
  // "instant": the site's stylesheet asks for smooth scrolling, which would still be moving.
  window.scrollTo({top: position === "bottom" ? bottom : Math.min(position, bottom), behavior: "instant"});
  return Math.round(window.scrollY);
}
"""


def _count(kind: str) -> None:
    CHECKED[kind] += 1
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    CHECKED_BY_TEST.setdefault(test, Counter())[kind] += 1


def is_touch(page) -> bool:
    """Whether the page's browser context has a touch screen (has_touch=True)."""
    return page.evaluate("() => navigator.maxTouchPoints > 0")


def assert_on_top(locator, *, where: str = "") -> None:
    """Fail unless a finger at the element's centre, where it is now, would land on the element."""
    locator.wait_for(state="visible")
    covered = locator.evaluate(_WHAT_IS_ON_TOP)
    if covered:
        raise AssertionError(
            f"{covered['element']} cannot be tapped{where}: at its centre ({covered['x']:.0f}, {covered['y']:.0f}) "
            f"the page shows {covered['what']} (window {covered.get('viewport')}, scrolled to {covered.get('scrollY')})"
        )
    if locator.evaluate(_IN_A_FRAME):
        box = locator.bounding_box()
        if box is None:
            raise AssertionError(f"{locator} is not visible in its frame{where}")
        centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
        over_frame = locator.page.evaluate(_TOP_PAGE_HIT, centre)
        if over_frame:
            raise AssertionError(f"{locator} cannot be tapped{where}: the page draws {over_frame} over its frame")


def bring_into_view(locator) -> None:
    """Scroll until the element is on screen, as a person scrolls to what they are looking for."""
    locator.wait_for(state="visible")
    locator.scroll_into_view_if_needed()


def tappable_at(locator, positions) -> list[int]:
    """Check the element can be tapped after scrolling the page to each position (pixels from the
    top, or "bottom") and then, if it is off screen, scrolling it into view. Returns the offsets."""
    page = locator.page
    reached = []
    for position in positions:
        scrolled = page.evaluate(_SCROLL_TO, position)
        bring_into_view(locator)
        assert_on_top(locator, where=f" after scrolling the page to {position!r} (scrollY {scrolled}) and then to it")
        reached.append(scrolled)
        _count("positions")
    return reached


def tap(locator, *, positions=(), downloads: bool = False):
    """Scroll to the element, check nothing covers it (also after scrolling to `positions` first),
    then tap it on a touch screen or click it with the mouse. Never forced. Returns the response of
    the page the press loaded in this window, if it loaded one (a press that `downloads` a file
    loads none: the page stays)."""
    if positions:
        tappable_at(locator, positions)
    bring_into_view(locator)
    assert_on_top(locator)
    page = locator.page
    touch = is_touch(page)
    press = locator.tap if touch else locator.click
    response = None
    if not downloads and locator.evaluate(_NAVIGATES):
        # Wait for the page it loads, as a person waits for the next page before reading on.
        with page.expect_navigation() as navigation:
            press()
        response = navigation.value
    else:
        press()
    _count("taps" if touch else "clicks")
    return response


def type_into(locator, text: str) -> None:
    """Tap the field (checked like any tap), then type into it."""
    bring_into_view(locator)
    assert_on_top(locator)
    if is_touch(locator.page):
        locator.tap()
    else:
        locator.click()
    locator.fill(text)
    _count("fields")


def choose(locator, value: str | None = None, *, label: str | None = None) -> None:
    """Pick an option of a select that nothing covers (the option list itself is the browser's)."""
    bring_into_view(locator)
    assert_on_top(locator)
    if label is not None:
        locator.select_option(label=label)
    else:
        locator.select_option(value)
    _count("fields")


def write_figures() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "taps.json"
    presses = CHECKED["taps"] + CHECKED["clicks"]
    path.write_text(
        json.dumps(
            {
                "presses_checked": presses,
                "taps": CHECKED["taps"],
                "clicks": CHECKED["clicks"],
                "fields_checked": CHECKED["fields"],
                "extra_scroll_positions_checked": CHECKED["positions"],
                "by_test": {test: dict(counts) for test, counts in sorted(CHECKED_BY_TEST.items())},
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return path
