"""An import-linter contract of this project's own: no module uses a private name (_name) of a
module in another package, whether imported (`from x import _name`) or reached through an imported
module (`views._page_context`). Within a package, modules may share helpers; across packages only
what a module offers publicly. Run by `make lint` (pyproject.toml, [tool.importlinter])."""

import ast
from pathlib import Path

from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

ROOT = Path(__file__).resolve().parents[1]


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _source(module: str) -> ast.Module | None:
    """The module's syntax tree, read from the checkout (importing it would need Django set up)."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return ast.parse(path.read_text(encoding="utf-8"))
    return None


def private_uses(module: str, modules: set[str], roots: tuple[str, ...]) -> list[str]:
    """`line: name from module` for each private name of another package that `module` uses."""
    tree = _source(module)
    if tree is None:
        return []
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(roots) and node.level == 0:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                if target in modules:  # a module imported from its package: remember its local name
                    aliases[alias.asname or alias.name] = target
                elif _is_private(alias.name) and _package(node.module + ".x") != _package(module):
                    found.append(f"{module}:{node.lineno} takes {alias.name} from {node.module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _is_private(node.attr):
            target = aliases.get(node.value.id)
            if target and _package(target) != _package(module):
                found.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr} of {target}")
    return found


class PrivateNamesContract(Contract):
    type_name = "private_names"
    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = tuple(self.packages)
        modules = set(graph.modules)
        broken = [
            use
            for module in sorted(modules)
            if module.startswith(roots) and ".migrations." not in module
            for use in private_uses(module, modules, roots)
        ]
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        from importlinter.application import output  # only when a contract breaks

        for line in check.metadata["broken"]:
            output.print_error(line)
