"""The layers: what each folder of factcheck/ may import (README, "Architecture").

Read statically from every import statement (those inside functions too), followed through
factcheck's own modules, and checked once more by importing the layers in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"
WEB = ("flask", "werkzeug", "htmx_flask", "jinja2_fragments")
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")
#: Modules free of the web and the database: text in, text out.
PURE = ("factcheck.extract", "factcheck.ingest", "factcheck.report", "factcheck.errors", "factcheck.vocabulary",
        "factcheck.forms", "factcheck.rendering", "factcheck.search.query", "factcheck.matching.text",
        "factcheck.matching.ranker", "factcheck.archive.formats")
#: The newsroom's memory on the database, beside the domain and under the same rule: no Flask.
#: Their `command` modules are the CLI's, as factcheck.extract.command is.
MEMORY = ("factcheck.search", "factcheck.matching", "factcheck.archive")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def direct_imports(name: str, top_level_only: bool = False) -> frozenset[str]:
    """Every module `name` imports, as written (a `from X import Y` counts X, and X.Y if a module):
    in its functions too, unless `top_level_only` (what importing it runs)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return frozenset(found)


@cache
def reachable(name: str) -> frozenset[str]:
    """Everything importing `name` imports, through factcheck's own modules (and their packages)."""
    # A module counts everything it imports, its functions' imports too (a lazy import is still
    # a dependency); a package imported on the way to one of its modules counts what its own
    # top level imports, which is all that Python runs of it then.
    seen: set[str] = set()
    todo, visited = [(name, False)], {(name, False)}
    while todo:
        for imported in direct_imports(*todo.pop()):
            parts = imported.split(".")
            for depth in range(1, len(parts) + 1):
                module, how = ".".join(parts[:depth]), depth < len(parts)
                seen.add(module)
                if module in MODULES and (module, how) not in visited:
                    visited.add((module, how))
                    todo.append((module, how))
    return frozenset(seen)


def in_layer(name: str, layers: tuple[str, ...]) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def offenders(name: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in reachable(name) if in_layer(m, forbidden))


@pytest.mark.parametrize("name", [m for m in MODULES if in_layer(m, PURE)])
def test_pure_modules_use_neither_the_web_nor_the_database(name):
    assert offenders(name, WEB + DATABASE + ("factcheck.models", "factcheck.db", "factcheck.domain")) == []


@pytest.mark.parametrize("name", [m for m in MODULES if in_layer(m, ("factcheck.domain",))])
def test_the_domain_never_uses_flask(name):
    assert offenders(name, WEB + ("factcheck.views", "factcheck.app", "factcheck.cli", "factcheck.db")) == []


@pytest.mark.parametrize("name", [m for m in MODULES if in_layer(m, MEMORY) and not m.endswith(".command")])
def test_search_matching_and_the_archive_never_use_flask(name):
    assert offenders(name, WEB + ("factcheck.views", "factcheck.app", "factcheck.cli", "factcheck.db")) == []


def test_views_do_not_import_each_other_but_the_shared_ones():
    """A feature's view imports another feature's only for what every page shares."""
    shared = {"factcheck.views.web", "factcheck.views.auth", "factcheck.views.page_cache", "factcheck.views.review",
              "factcheck.views.claims"}
    for name in MODULES:
        if in_layer(name, ("factcheck.views",)) and name != "factcheck.views":
            others = {m for m in direct_imports(name) if in_layer(m, ("factcheck.views",)) and m != name}
            assert others <= shared, (name, others - shared)


def test_the_package_module_imports_nothing():
    """`factcheck split` imports the package first: its start-up must not pay for Flask."""
    assert direct_imports("factcheck") == frozenset({"factcheck.app"})  # inside create_app only
    tree = ast.parse(MODULES["factcheck"].read_text(encoding="utf-8"))
    assert not [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]


def test_importing_the_layers_loads_what_the_layers_allow():
    """The same, as Python sees it: no module of the pure packages or the domain drags Flask in."""
    pure = [m for m in MODULES if in_layer(m, PURE)]
    domain = [m for m in MODULES if in_layer(m, ("factcheck.domain",))]
    script = (
        "import importlib, sys\n"
        "for name in sys.argv[2:]: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1].split(','))))\n"
    )
    for modules, forbidden in ((pure, WEB + DATABASE), (domain, WEB)):
        run = subprocess.run(
            [sys.executable, "-c", script, ",".join(forbidden), *modules], capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == "[]", (forbidden, run.stdout)
