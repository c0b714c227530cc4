"""Signing over HTTP as a browser does: GET the page, keep its cookie and hidden fields, POST the
form with a Referer, follow the redirect."""

from html.parser import HTMLParser

import requests


class _PostFormHiddenFields(HTMLParser):
    """Collects name=value of the hidden inputs inside the page's POST form (the CSRF token, and
    whatever else the form carries), as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_post_form = attributes.get("method", "get").lower() == "post"
        elif tag == "input" and self._in_post_form and attributes.get("type") == "hidden" and "name" in attributes:
            self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False


class Browser:
    """A fresh browser per signer: its own cookies, nothing shared with other signers."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def sign(self, slug: str, form: dict[str, str], *, timeout: float = 20.0) -> requests.Response:
        """The response after following the redirect: the thank-you page when all went well."""
        page_url = f"{self.base_url}/c/{slug}/"
        with requests.Session() as session:
            page = session.get(page_url, timeout=timeout)
            page.raise_for_status()
            parser = _PostFormHiddenFields()
            parser.feed(page.text)
            if "form_stamp" not in parser.fields:
                raise AssertionError(f"No signing form with its page stamp on {page_url}")
            return session.post(
                page_url,
                data=parser.fields | form,
                headers={"Referer": page_url, "Origin": self.base_url},
                timeout=timeout,
                allow_redirects=True,
            )

    def counters(self, slug: str) -> dict:
        response = requests.get(f"{self.base_url}/c/{slug}/counter.json", timeout=10)
        response.raise_for_status()
        return response.json()
