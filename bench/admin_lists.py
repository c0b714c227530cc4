"""Admin benchmark: the signature list and the CSV export with 1,000,000 signatures.

Run from the repository root as ``.venv/bin/python bench/admin_lists.py`` (not part of ``make bench``).
It creates the scratch database ``outcry_bench_admin``, migrates it, writes one organisation with an
organiser, a campaign with four partners and SIGNATURES signatures (one INSERT ... SELECT: names,
countries, partner codes, statuses and consent spread over 30 days), plus a small campaign of another
organisation, and analyses the table. Then, in this process, with DEBUG off, as the organiser:

1. The signature list, each view RUNS times after one warm-up: the median server time of the page
   (Django's test client: the whole request, no network), for the plain list, each filter and both
   kinds of search.
2. The export of the big campaign, EXPORT_RUNS times: the median time to stream the whole CSV, its
   size, and the process's peak resident memory growth while streaming (constant memory: it must
   not grow with the rows).

The database is dropped at the end unless ``--keep`` is given (``--reuse`` skips the fill).
"""

import argparse
import os
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import db  # noqa: E402 - bench helpers, next to this file

DBNAME = "outcry_bench_admin"
CONSENT = "consent_to_contact__exact"
LIST_TARGET = 1.0  # seconds, the signature list with a million rows

FILL = """
INSERT INTO petitions_signature (
    campaign_id, first_name, last_name, email, email_hash, country, city, organisation, message, language,
    consent_to_contact, consent_text, show_name_publicly, wants_copy, wants_receipt, status, source, ip_hash,
    hold_reasons, created_at, confirmed_at, name_index)
SELECT %(campaign)s,
       (%(first_names)s::text[])[1 + g %% 20],
       (%(last_names)s::text[])[1 + g %% 1000],
       (%(emails)s::text[])[1 + g %% 1000],
       encode(sha256(convert_to('signer' || g || '@example.invalid', 'UTF8')), 'hex'),
       (ARRAY['GB','FR','DE','AZ','TR','BR','NG','IN','US','ES'])[1 + (g / 7) %% 10],
       %(city)s, '', '', 'en',
       g %% 3 = 0, CASE WHEN g %% 3 = 0 THEN 'Keep me informed' ELSE '' END,
       g %% 4 <> 0, false, false,
       CASE WHEN g %% 100 = 0 THEN 'held' WHEN g %% 50 = 0 THEN 'pending' ELSE 'confirmed' END,
       CASE WHEN g %% 5 < 3 THEN '' ELSE (ARRAY['itf','ituc','amnesty','hrw'])[1 + g %% 4] END,
       '', CASE WHEN g %% 100 = 0 THEN 'honeypot' ELSE '' END,
       now() - g * interval '2.6 seconds',
       now() - g * interval '2.6 seconds',
       (%(first_tokens)s::text[])[1 + g %% 20] || (%(last_tokens)s::text[])[1 + g %% 1000]
FROM generate_series(1, %(count)s) AS g
"""
FIRST_NAMES = [
    *("Ana", "Bob", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jana"),
    *("Kofi", "Lena", "Mina", "Nour", "Olga", "Pedro", "Qiu", "Rosa", "Sami", "Tara"),
]
# Signer data is encrypted at rest, so the rows carry real ciphertexts (a pool of them: encrypting a
# million values one by one would take longer than the benchmark) and the name search tokens.
POOL = 1000


def fill_values() -> dict:
    from petitions.core.encryption import encrypt
    from petitions.core.hashing import name_token

    last = [f"Signer{k}" for k in range(POOL)]
    return {
        "first_names": [encrypt(name) for name in FIRST_NAMES],
        "last_names": [encrypt(name) for name in last],
        "emails": [encrypt(f"signer{k}@example.invalid") for k in range(POOL)],
        "city": encrypt("Leeds"),
        "first_tokens": [f" {name_token(name.lower())}" for name in FIRST_NAMES],
        "last_tokens": [f" {name_token(name.lower())} " for name in last],
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="measured requests per list view")
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="use the database of a previous --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def configure_django() -> None:
    os.environ.update(
        DATABASE_URL=db.url(DBNAME),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_HASH_KEY="bench-admin-email-hash-key",  # fixed: a --reuse run must find the stored hash
        # Fixed too: a --reuse run must read what it stored.
        SIGNER_DATA_KEYS="YmVuY2gtYWRtaW4tc2lnbmVyLWRhdGEta2V5LTAwMDA=",
        ALLOWED_HOSTS="testserver",
        STATIC_MANIFEST="false",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",  # the test client speaks plain http
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcry.settings")
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not served here
    django.setup()


def build(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from campaigns.enums import CampaignStatus
    from campaigns.models import Campaign, Organisation, Partner
    from petitions.core.hashing import email_hash, name_index
    from petitions.models import Signature
    from petitions.reporting.counters import recount_campaign

    call_command("migrate", verbosity=0)
    alice = get_user_model().objects.create_user("alice", "alice@union.example.org", "bench", is_staff=True)
    union = Organisation.objects.create(name="Bench Union", slug="bench-union")
    union.members.add(alice)
    big = Campaign.objects.create(organisation=union, name="Big campaign", slug="big", status=CampaignStatus.LIVE)
    for code in ("itf", "ituc", "amnesty", "hrw"):
        Partner.objects.create(campaign=big, name=code.upper(), code=code)
    other = Organisation.objects.create(name="Other NGO", slug="other-ngo")
    small = Campaign.objects.create(organisation=other, name="Small", slug="small", status=CampaignStatus.LIVE)
    started = time.monotonic()
    conn = db.connect(DBNAME)
    with conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        values = fill_values()
        cur.execute(FILL, values | {"campaign": big.pk, "count": count})
        cur.execute(FILL.replace("'signer' || g", "'small' || g"), values | {"campaign": small.pk, "count": 1000})
    conn.close()
    # The searched signers, one in a million each: an address with its real keyed hash, and a name.
    middle = Signature.objects.filter(campaign=big).order_by("pk").values_list("pk", flat=True)
    Signature.objects.filter(pk=middle[count // 2]).update(
        email="signer500000@example.invalid", email_hash=email_hash("signer500000@example.invalid")
    )
    Signature.objects.filter(pk=middle[count // 3]).update(
        last_name="Signer777777", name_index=name_index("Ana", "Signer777777")
    )
    db.execute(DBNAME, "VACUUM (ANALYZE) petitions_signature")
    db.execute(DBNAME, "CHECKPOINT")
    recount_campaign(campaign_id=big.pk)
    print(f"filled {count:,} signatures in {time.monotonic() - started:.1f} s", flush=True)


def median_time(fn, runs: int) -> tuple[float, object]:
    result = fn()  # warm-up: connection, templates, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(runs: int, export_runs: int) -> tuple[list[tuple], tuple]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from campaigns.models import Campaign
    from tests.twofactor import verified_login

    client = Client()
    # As after password and one-time code: the admin requires both of anyone who sees signer data.
    verified_login(client, get_user_model().objects.get(username="alice"))
    big = Campaign.objects.get(slug="big")
    url = reverse("admin:petitions_signature_changelist")
    views = [
        ("plain list", {}),
        ("campaign filter", {"campaign__id__exact": big.pk}),
        ("country filter (FR)", {"country": "FR"}),
        ("status filter (held)", {"status__exact": "held"}),
        ("consent filter", {CONSENT: "1"}),
        ("partner filter (itf)", {"partner": "itf"}),
        ("signed in the past 24 h", {"signed": "24h"}),
        ("search: exact email", {"q": "signer500000@example.invalid"}),
        ("search: name word (common)", {"q": "Ana"}),
        ("search: name word (one signer)", {"q": "Signer777777"}),
        ("campaign + partner + consent", {"campaign__id__exact": big.pk, "partner": "hrw", CONSENT: "1"}),
    ]
    dashboard = reverse("admin:petitions_signature_dashboard", args=[big.pk])
    list_rows = []
    probes = [(label, url, query) for label, query in views] + [("dashboard (uncached)", dashboard, {})]
    for label, path, query in probes:

        def get(path=path, query=query):
            cache.clear()  # the dashboard's figures are cached for 30 s; measure building them
            response = client.get(path, query)
            assert response.status_code == 200, (path, query, response.status_code)
            return response

        seconds, response = median_time(get, runs)
        shown = response.content.count(b'class="field-id"')
        list_rows.append((label, seconds, shown))
        print(f"{label:36} {seconds * 1000:8.0f} ms  ({shown} rows shown)", flush=True)

    export_url = reverse("admin:petitions_signature_export", args=[big.pk])
    times, peaks, sizes = [], [], []
    for _ in range(export_runs):
        before = rss_kib()
        peak, size, lines = before, 0, 0
        started = time.perf_counter()
        response = client.post(export_url)
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += 1
            if lines % 50_000 == 0:
                peak = max(peak, rss_kib())
        times.append(time.perf_counter() - started)
        peaks.append(peak - before)
        sizes.append(size)
        print(f"export: {lines - 1:,} rows, {size / 1e6:.0f} MB in {times[-1]:.1f} s, RSS +{peaks[-1] / 1024:.1f} MiB")
    if not times:
        return list_rows, None
    return list_rows, (statistics.median(times), max(peaks), sizes[-1], lines - 1)


def report(rows: list[tuple], export: tuple, count: int) -> str:
    out = [f"Signature list, {count:,} signatures, median of the measured requests:", ""]
    out += ["| view | median | rows shown | < 1 s |", "|---|--:|--:|:-:|"]
    for label, value, shown in rows:
        if label.startswith("dashboard"):  # not a list: cached 30 s, no target of its own
            out.append(f"| {label} | {value * 1000:.0f} ms | - | - |")
        else:
            out.append(f"| {label} | {value * 1000:.0f} ms | {shown} | {'yes' if value < LIST_TARGET else 'NO'} |")
    if export is not None:
        seconds, peak, size, lines = export
        out += [
            "",
            f"Export: {lines:,} rows, {size / 1e6:.0f} MB, median {seconds:.1f} s "
            f"({lines / seconds:,.0f} rows/s), peak resident memory growth {peak / 1024:.1f} MiB.",
        ]
    return "\n".join(out)


def main() -> int:
    args = parse_args()
    if not args.reuse:
        db.recreate(DBNAME)
    configure_django()
    try:
        if not args.reuse:
            build(args.signatures)
        rows, export = measure(args.runs, args.export_runs)
        print()
        print(report(rows, export, args.signatures))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            db.drop(DBNAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
