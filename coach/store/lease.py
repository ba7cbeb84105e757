"""Which conversation this process has open, so a second window on it can be told apart.

A lease is an flock on a small empty file named after the conversation. The kernel drops it
when the process ends however it ends (kill -9, a closed terminal), so a lease never
outlives its window and nothing has to expire. Locks are per open file, so a second window
in the same process (a test) is told apart too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no leases, as before
    fcntl = None  # type: ignore[assignment]


class Leases:
    """The one conversation this process writes to, held while it is open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held: tuple[str, int] | None = None

    def focus(self, conversation_id: str | None) -> bool:
        """Hold ``conversation_id``, letting go of the one held before.

        False if another window holds it. With no lease possible (a read-only folder, where
        nothing is written anyway, or no flock), True.
        """
        if self._held is not None and self._held[0] == conversation_id:
            return True
        self.close()
        if conversation_id is None or fcntl is None:
            return True
        name = hashlib.sha256(conversation_id.encode()).hexdigest()[:20]
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._held = (conversation_id, fd)
        return True

    def close(self) -> None:
        if self._held is not None:
            with contextlib.suppress(OSError):
                os.close(self._held[1])  # closing the file drops its lock
            self._held = None
