"""Layering: only coach.ui imports textual; heavy imports stay off the non-UI paths."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "coach"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_nothing_outside_the_ui_layer_imports_textual_or_rich() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts and {"textual", "rich"} & _imports(path)
    ]
    assert offenders == []


def test_the_ui_layer_exists_and_does_import_textual() -> None:
    """Guards the test above against passing because it looked in the wrong place."""
    assert "textual" in _imports(PACKAGE / "ui" / "app.py")


def test_importing_the_core_and_cli_loads_no_ui_and_no_model_client() -> None:
    code = (
        "import sys, coach.cli, coach.bootstrap, coach.session, coach.store.export;"
        "print(sorted(m for m in ('textual', 'openai', 'tiktoken') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
