"""Writing files only the user can read: exports and preferences are 0600 from the start."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Create or replace ``path`` with ``text``, mode 0600 before a byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def private_folder(path: Path) -> Path:
    """Make sure ``path`` exists, created 0700 if it is new."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
