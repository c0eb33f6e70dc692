"""Layering, checked in fresh interpreters: the core never loads Textual, documents load reportlab
only when rendering, and the domain is pure (no peewee)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "reportlab", "peewee", "playhouse", "rich", "argon2")


def _loaded_after(*modules: str) -> set[str]:
    """Top-level packages in sys.modules after importing ``modules`` in a new interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_probe_sees_what_is_imported():
    # the check itself can fail: importing the TUI does load textual
    assert {"textual", "esurety_tui"} <= _loaded_after("esurety_tui.tui.app")


def test_core_packages_do_not_import_textual():
    loaded = _loaded_after(
        "esurety_tui.domain",
        "esurety_tui.domain.rules",
        "esurety_tui.domain.fields",
        "esurety_tui.store",
        "esurety_tui.store.db",
        "esurety_tui.store.models",
        "esurety_tui.store.migrations",
        "esurety_tui.store.queries",
        "esurety_tui.services",
        "esurety_tui.services.auth",
        "esurety_tui.services.contracts",
        "esurety_tui.services.applications",
        "esurety_tui.services.issuing",
        "esurety_tui.services.mail",
        "esurety_tui.services.demo",
        "esurety_tui.services.exports",
        "esurety_tui.documents",
        "esurety_tui.cli",
        "esurety_tui.locations",
        "esurety_tui.clock",
    )
    assert "peewee" in loaded  # the store did load
    assert "textual" not in loaded
    assert "reportlab" not in loaded


@pytest.mark.parametrize("module", ["esurety_tui.documents", "esurety_tui.services.exports"])
def test_documents_do_not_import_reportlab_until_rendering(module):
    loaded = _loaded_after(module)
    assert "reportlab" not in loaded
    assert "textual" not in loaded


def test_domain_is_pure():
    loaded = _loaded_after(
        "esurety_tui.domain",
        "esurety_tui.domain.auth_key",
        "esurety_tui.domain.contract_number",
        "esurety_tui.domain.fields",
        "esurety_tui.domain.money",
        "esurety_tui.domain.rules",
        "esurety_tui.domain.text",
        "esurety_tui.domain.wareki",
        "esurety_tui.domain.errors",
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert "esurety_tui" in loaded


def test_cli_module_alone_loads_no_store():
    """`esurety --help` stays instant: the CLI module imports its commands' needs lazily."""
    loaded = _loaded_after("esurety_tui.cli")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_no_tui_module_defines_default_css():
    """One stylesheet (tui/app.tcss): no widget or screen carries its looks in a DEFAULT_CSS block."""
    import ast
    from pathlib import Path

    import esurety_tui.tui

    root = Path(esurety_tui.tui.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "DEFAULT_CSS" for t in targets):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert len(list(root.rglob("*.py"))) > 20  # the walk does see the package
    assert found == []
