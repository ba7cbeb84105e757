"""Writing files only the user can read: exports and preferences are 0600 from the start."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Create or replace ``path`` with ``text``, mode 0600 before a byte is written.

    An existing file keeps its mode through O_CREAT, so a regular file of the user's own
    is made 0600 first; a terminal or a pipe (``-o /dev/stdout``) is left as it is.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
        handle.write(text)


def erase(path: Path) -> None:
    """Overwrite a file with zeros, then remove it.

    Its words then leave the disk where the file system writes in place (not on
    copy-on-write file systems). A symbolic link is only removed, never followed.
    """
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(path.lstat().st_mode):
            path.unlink()
            return
    with contextlib.suppress(OSError), path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        for _ in range(0, size, 1 << 20):
            handle.write(bytes(min(1 << 20, size - handle.tell())))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink(missing_ok=True)


def private_folder(path: Path) -> Path:
    """Make sure ``path`` exists, created 0700 if it is new."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
