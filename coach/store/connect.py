"""Opening coach.db: recognised before any change, migrated under the write lock, read-only.

Read-only (for `coach list` and `export`) when the disk or the folder allows no writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.store.conditions import FULL, READ_ONLY, condition, describe, is_damage, writable
from coach.store.migrations import LATEST_VERSION, migrate, recognise
from coach.store.records import DamagedDatabase, StoreError

Fold = Callable[[str | None], str | None]


@dataclass(frozen=True)
class Opened:
    db: sqlite3.Connection
    read_only: str | None
    """Why nothing can be saved (the disk is full, the folder is read-only), or None."""


def open_database(path: Path, fold: Fold) -> Opened:
    """Open the coach database at ``path``, writable if the disk and the folder allow.

    Damage raises DamagedDatabase; any other trouble raises StoreError in one line, and
    leaves an existing database as it was.
    """
    if path.exists() and not writable(path):
        return Opened(_read_only(path, fold, READ_ONLY), READ_ONLY)
    created = not path.exists()
    try:
        return Opened(_writable(path, fold), None)
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise DamagedDatabase(
                f"{path} is not a usable coach database: {describe(exc)}"
            ) from None
        reason = condition(exc, path)
    except OSError as exc:  # creating the file: no room, or no right to
        reason = _os_condition(exc)
    if reason in (FULL, READ_ONLY) and path.exists() and path.stat().st_size > 0:
        # Reading needs no room: the conversations can still be listed and exported.
        with contextlib.suppress(StoreError):
            return Opened(_read_only(path, fold, reason), reason)
    if created:  # an empty file may be left: harmless, the next start takes it as new
        raise StoreError(f"cannot create {path}: {reason}")
    raise StoreError(f"cannot open {path}: {reason}; nothing was changed")


def _os_condition(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return FULL
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return READ_ONLY
    return exc.strerror or describe(exc)


def make_private(path: Path) -> None:
    """Make the database and its -wal and -shm files 0600, if they are the user's own.

    Done on every open, not only on creation: a coach.db copied in with 0644 gets fixed,
    and SQLite creates -wal and -shm with the database's own mode.
    """
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            info = candidate.lstat()
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.geteuid()
                and stat.S_IMODE(info.st_mode) & 0o077
            ):
                candidate.chmod(stat.S_IRUSR | stat.S_IWUSR)


BUSY_TIMEOUT_MS = 20_000
"""How long to wait for another coach's write to finish before calling the file locked.

Writes take milliseconds, but on a loaded machine a writer can be off the CPU for seconds:
12 coaches started at once on 2 busy cores once lost messages to "locked" at 5 s.
"""


def _configure(db: sqlite3.Connection, fold: Fold) -> None:
    db.create_function("fold", 1, fold, deterministic=True)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")


def _writable(path: Path, fold: Fold) -> sqlite3.Connection:
    make_private(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # created private, not by umask
    os.close(fd)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        _configure(db, fold)
        # Deleted text is overwritten with zeros, not left in free pages of the file.
        db.execute("PRAGMA secure_delete = ON")
        recognise(db, path)  # another program's file is refused before WAL changes it
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        # SQLite's own checkpoint runs inside whichever write crosses 1,000 pages, making
        # that one save ~5 ms; coach checkpoints from a background thread instead.
        db.execute("PRAGMA wal_autocheckpoint = 0")
        migrate(db, path)
        _check(db, path)
    except BaseException:
        db.close()
        raise
    make_private(path)
    return db


def _read_only(path: Path, fold: Fold, reason: str) -> sqlite3.Connection:
    """A connection that only reads, for a file coach cannot write now.

    SQLite reads a WAL database read-only only where it can use the -shm file; with none
    (a read-only folder, a full disk) ``immutable`` reads the file alone, which is the
    whole database when no -wal file holds anything.
    """
    uri = path.absolute().as_uri()
    wal = Path(f"{path}-wal")
    choices = [f"{uri}?mode=ro"]
    if not wal.exists() or wal.stat().st_size == 0:
        choices.append(f"{uri}?immutable=1")
    failure = ""
    for choice in choices:
        db = sqlite3.connect(choice, uri=True, check_same_thread=False, isolation_level=None)
        try:
            _configure(db, fold)
            if recognise(db, path) < LATEST_VERSION:
                raise StoreError(
                    f"{path} needs upgrading for this coach, and {reason}; nothing was changed"
                )
            _check(db, path)
            return db
        except sqlite3.Error as exc:
            db.close()
            if is_damage(exc):
                raise DamagedDatabase(
                    f"{path} is not a usable coach database: {describe(exc)}"
                ) from None
            failure = condition(exc, path)
        except BaseException:
            db.close()
            raise
    raise StoreError(f"cannot open {path}: {failure}; nothing was changed")


def _check(db: sqlite3.Connection, path: Path) -> None:
    check = db.execute("PRAGMA quick_check(1)").fetchone()[0]
    if check != "ok":
        raise DamagedDatabase(f"{path} is damaged: {check}")
