"""The one SQLite connection every repository shares: short transactions, reads, checkpoints.

Every write is its own committed transaction, so a user's message is on disk before the
engine sees it and a crash can lose nothing already shown as sent.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from coach.store.conditions import condition, describe
from coach.store.connect import open_database
from coach.store.records import StoreError

CHECKPOINT_EVERY = 200
"""Writes between background WAL checkpoints, which keep the WAL file small."""

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _fold(text: str | None) -> str | None:
    return text.casefold() if text is not None else None


class Database:
    """The connection, its lock and the clock rows are stamped with. Thread-safe."""

    def __init__(self, path: Path, now: Clock = utc_now) -> None:
        self.path = path
        self.now = now
        self._lock = threading.RLock()
        self._writes = 0
        self._checkpointer: threading.Thread | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            opened = open_database(path, _fold)
        except OSError as exc:
            raise StoreError(f"cannot open the database {path}: {describe(exc)}") from None
        self.connection = opened.db
        self.read_only = opened.read_only
        """Why nothing can be saved now (a full disk, a read-only folder), or None."""

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction: committed on leaving, rolled back on any error."""
        with self._lock:
            if self.read_only is not None:
                raise StoreError(f"could not save to {self.path}: {self.read_only}")
            db = self.connection
            try:
                db.execute("BEGIN IMMEDIATE")
                yield db
                db.execute("COMMIT")
                self._writes += 1
                if self._writes % CHECKPOINT_EVERY == 0 and not self._checkpointing():
                    self._checkpointer = threading.Thread(target=self._checkpoint, daemon=True)
                    self._checkpointer.start()
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    reason = condition(exc, self.path)
                    raise StoreError(f"could not save to {self.path}: {reason}") from None
                raise

    def read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self.connection.execute(sql, args)
                cursor.row_factory = sqlite3.Row
                return list(cursor.fetchall())
            except sqlite3.Error as exc:
                raise StoreError(
                    f"could not read {self.path}: {condition(exc, self.path)}"
                ) from None

    def _checkpoint(self) -> None:
        """Copy the WAL into the database on a connection of its own, off the write path."""
        with contextlib.suppress(sqlite3.Error):
            db = sqlite3.connect(self.path, timeout=5)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                db.close()

    def _checkpointing(self) -> bool:
        return self._checkpointer is not None and self._checkpointer.is_alive()

    def flush_wal(self) -> None:
        """Copy the WAL into the database and empty it (best effort while others read)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self) -> None:
        """Rebuild the file, so no deleted words survive in its free pages."""
        with self._lock:
            try:
                self.connection.execute("VACUUM")
            except sqlite3.Error as exc:
                raise StoreError(f"could not compact {self.path}: {describe(exc)}") from None

    @property
    def schema_version(self) -> int:
        return int(self.read("PRAGMA user_version")[0][0])

    def close(self) -> None:
        if self._checkpointer is not None:  # let it finish, so the last checkpoint runs alone
            self._checkpointer.join(timeout=5)
        self.flush_wal()
        with self._lock:
            self.connection.close()
