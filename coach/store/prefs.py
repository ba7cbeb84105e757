"""Small interface preferences (the theme) kept in a private JSON file beside the database."""

from __future__ import annotations

import json
import os
from pathlib import Path

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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(prefs, handle)
    temporary.replace(path)
