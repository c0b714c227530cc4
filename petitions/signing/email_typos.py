""" "Did you mean gmail.com?": common misspellings of the big mail providers' domains.

A signer who types gmial.com never gets their confirmation or receipt, and the abuse screen may
hold the signature (gmial.com is on the disposable list). The form asks once, before anything is
stored; static/js/form.js gives the same hint as the signer leaves the field, from the same list.
"""

import functools

from petitions.abuse.lists import SHARED_MAIL_PROVIDERS

COMMON_MAIL_DOMAINS = SHARED_MAIL_PROVIDERS | {
    "mail.com",
    "ya.ru",
    "bk.ru",
    "list.ru",
    "inbox.ru",
    "rambler.ru",
    "ukr.net",
    "mail.az",
    "box.az",
    "yandex.com.tr",
    "hotmail.com.tr",
    "outlook.com.tr",
    "yahoo.co.uk",
    "hotmail.co.uk",
    "yahoo.es",
    "hotmail.es",
    "outlook.es",
    "yahoo.fr",
    "hotmail.fr",
    "t-online.de",
}


def distance(a: str, b: str, *, limit: int | None = None) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn a into b; with `limit`, any
    answer above it is given as limit + 1 as soon as it is certain (a row's smallest value never
    shrinks, and swaps look back only one row)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
        if limit is not None and min(row) > limit and min(rows[-2]) > limit:
            return limit + 1
    return rows[-1][-1]


def allowed_edits(domain: str) -> int:
    """One slip in a short domain, two in a long one: beyond that it is another domain."""
    return 1 if len(domain) <= 10 else 2


def suggested_address(email: str) -> str | None:
    """The address with its domain corrected, or None when the domain looks as meant."""
    local, _, domain = email.rpartition("@")
    suggestion = _suggested_domain(domain.lower()) if local else None
    return f"{local}@{suggestion}" if suggestion else None


@functools.lru_cache(maxsize=4096)
def _suggested_domain(domain: str) -> str | None:
    """Cached per domain: the signing request asks for every address. A known domain whose length
    is further off than its allowed edits cannot be the one meant, so most are never compared."""
    if not domain or domain in COMMON_MAIL_DOMAINS:
        return None
    candidates = [
        (distance(domain, known, limit=allowed_edits(known)), known)
        for known in COMMON_MAIL_DOMAINS
        if abs(len(known) - len(domain)) <= allowed_edits(known)
    ]
    found = [(edits, known) for edits, known in candidates if edits <= allowed_edits(known)]
    return min(found)[1] if found else None
