"""What went wrong with the database file: real damage, or a condition that passes.

Only damage (not a database, a corrupt page) lets coach move a file aside. A full disk, a
read-only file or folder, a lock held by another program or an I/O error passes once the
user acts, so it gets one line and the file is left exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
NEARLY_FULL = 1 << 20
"""Free bytes under which an I/O error is taken for a full disk: SQLite reports a full tmpfs
as an I/O error (on the -shm file) rather than SQLITE_FULL."""


def describe(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (the extended code's low byte), if the error has one."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: sqlite3.Error) -> bool:
    return primary_code(exc) in DAMAGE_CODES


def disk_full(folder: Path) -> bool:
    """Whether the file system holding ``folder`` has (almost) no room left."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL


def writable(path: Path) -> bool:
    """Whether coach could write ``path`` and its -wal and -shm files beside it.

    os.access answers for the real user, and says EROFS on a read-only mount even to root.
    """
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.R_OK | os.W_OK)


FULL = "the disk is full (free some space, then try again)"
READ_ONLY = "it is read-only"
LOCKED = "another program holds it locked (try again when it is done)"


def condition(exc: sqlite3.Error, path: Path) -> str:
    """Why the database cannot be used right now, in a few words, for a passing condition."""
    code = primary_code(exc)
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and disk_full(path.parent)):
        return FULL
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return READ_ONLY
    if code == sqlite3.SQLITE_CANTOPEN and not writable(path):
        return READ_ONLY
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LOCKED
    return describe(exc)
