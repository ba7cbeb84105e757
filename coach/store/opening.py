"""Opening the store: a private data directory, and a damaged database moved aside."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from coach.store.db import (
    DB_NAME,
    DamagedDatabase,
    ForeignDatabase,
    Store,
    StoreError,
    describe,
    utc_now,
)
from coach.store.private import erase


def open_store(data_dir: Path, now: Callable[[], datetime] = utc_now) -> Store:
    """Open (creating if needed) the store in a private data directory.

    Only a folder coach creates is made 0700: an existing one (a shared folder named in
    COACH_DATA_DIR, say) keeps its mode, and coach's own files in it are 0600.
    """
    try:
        if not data_dir.is_dir():
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            if os.name == "posix":  # mkdir's mode passes through the umask
                data_dir.chmod(0o700)
    except OSError as exc:
        raise StoreError(f"cannot use the data directory {data_dir}: {describe(exc)}") from None
    path = data_dir / DB_NAME
    with _one_opener(path):
        return _open(path, now)


@contextlib.contextmanager
def _one_opener(path: Path) -> Iterator[None]:
    """Let one coach at a time open (and maybe create, or move aside) the database.

    Twelve coaches started at once on a new folder: one read the file while another was still
    creating it, took it for damaged and moved it aside, with the messages written so far.
    A file lock in the lease folder serialises opening; saving is SQLite's own locking.
    Where no lock can be had (a read-only folder, no flock), coach opens without one.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock
        yield
        return
    fd = -1
    folder = Path(f"{path}.open")
    # The folder is made only by a coach about to create the database: an existing one is
    # opened as it is, with nothing added beside it, unless a creator is (or was) at work.
    with contextlib.suppress(OSError):
        if not path.exists():
            folder.mkdir(mode=0o700, exist_ok=True)
        if folder.is_dir():
            fd = os.open(folder / "opening.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for milliseconds: each opener waits its turn
    try:
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # and with it the lock


def _open(path: Path, now: Callable[[], datetime]) -> Store:
    try:
        return Store(path, now)
    except DamagedDatabase as exc:
        aside = _move_aside(path, now())
        store = Store(path, now)
        store.moved_aside = aside
        if isinstance(exc, ForeignDatabase):
            what = f"{path.name} was not a coach database ({exc.detail})"
        else:
            what = f"The conversation database was damaged ({exc.detail})"
        store.notice = f"{what}; it was moved to {aside} and a new one was started."
        return store


def set_aside(data_dir: Path) -> list[Path]:
    """The damaged or foreign databases moved aside in ``data_dir``, oldest first."""
    try:
        found = [p for p in data_dir.glob(f"{DB_NAME}.damaged-*") if not p.is_dir()]
    except OSError:
        return []
    return sorted(p for p in found if not p.name.endswith(("-wal", "-shm")))


def remove_set_aside(copies: list[Path]) -> None:
    """Erase set-aside databases with their -wal and -shm files."""
    for copy in copies:
        for suffix in ("", "-wal", "-shm"):
            erase(Path(f"{copy}{suffix}"))


def _move_aside(path: Path, when: datetime) -> Path:
    """Rename a damaged database (and its WAL files) to a timestamped name; never delete it."""
    stamp = when.astimezone().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                source.rename(Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise StoreError(
            f"{path} is damaged and could not be moved aside: {describe(exc)}"
        ) from None
    return aside
