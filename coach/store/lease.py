"""Which conversation this process has open, so a second window on it can be told apart.

A lease is an flock on a small empty file named after the conversation. The kernel drops it
when the process ends however it ends (kill -9, a closed terminal), so a lease never
outlives its window and nothing has to expire. A window is a process: stores opened again
in the same process (a test playing "the next day") share its leases.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no leases, as before
    fcntl = None  # type: ignore[assignment]


_HELD: dict[Path, tuple[int, int]] = {}
"""Lock files this process holds: the open descriptor and how many Leases use it."""
_HELD_LOCK = threading.Lock()  # the app opens conversations from worker threads


class Leases:
    """The one conversation this process writes to, held while it is open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held: tuple[str, Path] | None = None

    @property
    def held(self) -> str | None:
        """The conversation this window holds now, if any."""
        return self._held[0] if self._held is not None else None

    def focus(self, conversation_id: str | None) -> bool:
        """Hold ``conversation_id``, letting go of the one held before.

        False if another window holds it. With no lease possible (a read-only folder, where
        nothing is written anyway, or no flock), True.
        """
        with _HELD_LOCK:
            return self._focus(conversation_id)

    def _focus(self, conversation_id: str | None) -> bool:
        if self._held is not None and self._held[0] == conversation_id:
            return True
        self._close()
        if conversation_id is None or fcntl is None:
            return True
        lock = self.folder.absolute() / hashlib.sha256(conversation_id.encode()).hexdigest()[:20]
        if lock in _HELD:
            fd, users = _HELD[lock]
            _HELD[lock] = (fd, users + 1)
            self._held = (conversation_id, lock)
            return True
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        _HELD[lock] = (fd, 1)
        self._held = (conversation_id, lock)
        return True

    def close(self) -> None:
        with _HELD_LOCK:
            self._close()

    def _close(self) -> None:
        if self._held is None:
            return
        lock = self._held[1]
        self._held = None
        fd, users = _HELD.pop(lock)
        if users > 1:
            _HELD[lock] = (fd, users - 1)
            return
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the file drops its lock
