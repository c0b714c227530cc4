"""Page weight: what a phone downloads for the campaign page, as served in production.

Collects the static files with the production storage (fingerprinted, compressed by whitenoise),
starts gunicorn with DEBUG off on a scratch PostgreSQL database holding the demo campaign, opens
the page in Chromium at phone size and sums the bytes each response put on the wire (headers and
encoded body), leaving out the campaign image. Prints a table, writes bench/results/page_weight.md
and exits non-zero past the budget.

    .venv/bin/python bench/page_weight.py            # budget 100 KB
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import db  # noqa: E402 - after the path is set
from bench.servers import Server, free_port, run_command  # noqa: E402

DATABASE = "outcry_page_weight"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SLUG = "workers-table-four"


def production_env(port: int) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": "page-weight-bench-only-" + "x" * 40,
        "DATABASE_URL": db.url(DATABASE),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",  # plain http on loopback
        "OUTCRY_VAR_DIR": str(ROOT / "bench" / "results" / "page-weight-var"),
    }


def measure(url: str, languages: list[str]) -> dict[str, list[tuple[str, int, str]]]:
    """Per language: (url, bytes on the wire, content-encoding) of every response the page needed."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        for language in languages:
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale=language)
            page = context.new_page()
            responses = []
            page.on("requestfinished", lambda request, responses=responses: responses.append(request))
            page.goto(f"{url.rstrip('/')}/{language}/c/{SLUG}/", wait_until="networkidle")
            rows = []
            for request in responses:
                sizes = request.sizes()
                response = request.response()
                encoding = response.headers.get("content-encoding", "") if response else ""
                rows.append((request.url, sizes["responseHeadersSize"] + sizes["responseBodySize"], encoding))
            results[language] = rows
            context.close()
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-kb", type=float, default=100.0)
    parser.add_argument("--languages", default="en,ar")
    args = parser.parse_args(argv)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    log = results_dir / "page_weight.log"
    port = free_port()
    env = production_env(port)
    python = str(ROOT / ".venv" / "bin" / "python")
    db.recreate(DATABASE)
    server = Server(
        "gunicorn",
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "outcry.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "-c",
            str(ROOT / "bench" / "gunicorn.conf.py"),
        ],
        cwd=ROOT,
        env=env,
        log=log,
    )
    try:
        run_command([python, "manage.py", "collectstatic", "--noinput", "--clear"], cwd=ROOT, env=env, log=log)
        run_command([python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, log=log, timeout=300)
        run_command([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, log=log)
        server.start()
        server.wait_ready(port, f"/c/{SLUG}/")
        results = measure(f"http://127.0.0.1:{port}", args.languages.split(","))
    finally:
        server.stop()
        db.drop(DATABASE)
    lines = ["| page | resource | bytes on the wire | encoding |", "|---|---|--:|---|"]
    over = False
    for language, rows in results.items():
        counted = [row for row in rows if "/media/" not in row[0]]
        total = sum(size for _url, size, _enc in counted)
        over |= total > args.budget_kb * 1000
        for url, size, encoding in counted:
            lines.append(f"| /{language}/c/{SLUG}/ | `{url.split(str(port), 1)[1]}` | {size:,} | {encoding or '-'} |")
        lines.append(f"| /{language}/c/{SLUG}/ | **total, before the campaign image** | **{total:,}** | |")
    report = "\n".join(lines)
    print(report)
    (results_dir / "page_weight.md").write_text(report + "\n")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
