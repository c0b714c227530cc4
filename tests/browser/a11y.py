"""The automated accessibility check: axe-core (from the npm registry, see package.json) run inside
the page, with every WCAG 2.x A/AA rule and axe's best practices. Each audit is written to
test-artifacts/a11y-<name>.json (or to another directory) for a human to read."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
BLOCKING = {"serious", "critical"}


def violations(page) -> tuple[list[dict], str]:
    """Every violation axe finds on the page as it is now (rule, impact, help, elements), and axe's version."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make test` installs it (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
    return found, result["testEngine"]["version"]


def blocking(found: list[dict]) -> list[str]:
    """The serious and critical ones, one line each (rule: targets)."""
    return [f"{v['rule']} ({v['impact']}): {v['targets']}" for v in found if v["impact"] in BLOCKING]


def audit(page, name: str, directory: Path = ARTIFACTS) -> list[str]:
    """Serious and critical violations on the page as it is now, one line each (rule: targets)."""
    found, version = violations(page)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"a11y-{name}.json").write_text(
        json.dumps({"url": page.url, "axe": version, "violations": found}, indent=2)
    )
    return blocking(found)
