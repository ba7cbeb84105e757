"""Small interface preferences (the theme) kept in a private JSON file beside the database."""

from __future__ import annotations

import json
from pathlib import Path

from coach.store.private import private_folder, write_private

PREFS_NAME = "ui.json"


def load_prefs(path: Path) -> dict[str, str]:
    """The saved preferences; an unreadable or broken file counts as none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_prefs(path: Path, prefs: dict[str, str]) -> None:
    """Write the preferences privately (0600), replacing the file in one step."""
    private_folder(path.parent)
    temporary = path.with_name(path.name + ".tmp")
    write_private(temporary, json.dumps(prefs))
    temporary.replace(path)
