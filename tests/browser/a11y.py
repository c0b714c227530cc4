"""The automated accessibility check: axe-core (from the npm registry, see package.json) run inside
the page, with every WCAG 2.x A/AA rule and axe's best practices. Each audit is written to
test-artifacts/a11y-<name>.json for a human to read."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
BLOCKING = {"serious", "critical"}


def audit(page, name: str) -> list[str]:
    """Serious and critical violations on the page as it is now, one line each (rule: targets)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make test` installs it (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"a11y-{name}.json").write_text(
        json.dumps({"url": page.url, "axe": result["testEngine"]["version"], "violations": violations}, indent=2)
    )
    return [f"{v['rule']} ({v['impact']}): {v['targets']}" for v in violations if v["impact"] in BLOCKING]
