"""Small interface preferences (the theme) kept in a private JSON file beside the database."""

from __future__ import annotations

import json
from pathlib import Path

from coach.domain.files import read_limited
from coach.store.private import private_folder, write_private

PREFS_NAME = "ui.json"
MAX_PREFS_BYTES = 100_000
"""A theme name fits in a few bytes; a FIFO or /dev/zero in its place must not stop a start."""


def load_prefs(path: Path) -> dict[str, str]:
    """The saved preferences; an unreadable or broken file counts as none."""
    try:
        data = json.loads(read_limited(path, MAX_PREFS_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # UnreadableFile is a ValueError
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_prefs(path: Path, prefs: dict[str, str]) -> None:
    """Write the preferences privately (0600), replacing the file in one step."""
    private_folder(path.parent)
    temporary = path.with_name(path.name + ".tmp")
    write_private(temporary, json.dumps(prefs))
    temporary.replace(path)
