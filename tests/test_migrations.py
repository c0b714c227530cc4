"""Each app's migration history stays one straight line: no merge migrations, no two files with one number.

A pure file check: the migration modules are parsed, never imported, so it needs no database.
"""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
APPS = ["campaigns", "petitions"]
NAME = re.compile(r"^(\d{4})_\w+\.py$")


def _migration_files(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app / "migrations").glob("*.py") if path.name != "__init__.py")


def _same_app_dependencies(path: Path, app: str) -> list[str]:
    """The names this migration depends on within its own app, read from its ``dependencies`` list."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Migration":
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "dependencies" for t in statement.targets)
                    and isinstance(statement.value, ast.List | ast.Tuple)
                ):
                    names = []
                    for item in statement.value.elts:
                        if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                            label, name = (ast.literal_eval(element) for element in item.elts)
                            if label == app:
                                names.append(name)
                    return names
            return []
    raise AssertionError(f"{path} defines no Migration class")


@pytest.mark.parametrize("app", APPS)
def test_migration_files_are_numbered_once_each(app):
    files = _migration_files(app)
    assert files, f"{app} has no migrations"
    unnamed = [path.name for path in files if not NAME.match(path.name)]
    assert not unnamed, f"{app}: migration files not named NNNN_name.py: {unnamed}"
    numbers = Counter(NAME.match(path.name).group(1) for path in files)
    duplicates = sorted(number for number, count in numbers.items() if count > 1)
    assert not duplicates, f"{app}: more than one migration numbered {duplicates}"
    assert sorted(int(number) for number in numbers) == list(range(1, len(numbers) + 1)), (
        f"{app}: migration numbers are not 0001 onwards without gaps: {sorted(numbers)}"
    )


@pytest.mark.parametrize("app", APPS)
def test_migration_history_has_no_merges(app):
    files = _migration_files(app)
    merges = [path.name for path in files if "merge" in path.name]
    assert not merges, f"{app}: merge migrations {merges}"
    previous = None
    for path in files:
        parents = _same_app_dependencies(path, app)
        expected = [] if previous is None else [previous]
        assert parents == expected, f"{app}/{path.name} depends on {parents} in its app, expected {expected}"
        previous = path.stem
