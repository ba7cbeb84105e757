"""Reading files a user points coach at: regular files only, never more than a limit.

A lesson folder, a config path or a file given to `coach tokens` can hold anything: a FIFO
that blocks forever, a link to /dev/zero that never ends, a sparse file of gigabytes, a
symlink loop. Every such read goes through here, so none of them can hang or exhaust coach.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(ValueError):
    """A file coach will not read; the message says why in a few words."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing
        """The file does not exist (a caller may have a default for that)."""


def _size(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def read_limited(path: Path | Traversable, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or UnreadableFile.

    The file is opened without blocking (a FIFO would wait for a writer) and its type is
    taken from the open descriptor, so a link swapped in between cannot fool the check.
    At most ``limit + 1`` bytes are ever read, whatever the file claims its size is.
    Resources inside a wheel that are not files on disk are trusted and read whole.
    """
    if not isinstance(path, Path):
        return path.read_bytes()
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError)
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})", missing) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "special")
            raise UnreadableFile(f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(f"is larger than {_size(limit)} ({_size(info.st_size)})")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:  # it grew while being read
            raise UnreadableFile(f"is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def walk(
    folder: Traversable, wanted: Callable[[str], bool], max_entries: int = 100_000
) -> Iterator[Traversable]:
    """Files under ``folder`` whose names are ``wanted``, sorted, each folder visited once.

    Folders are remembered by device and inode, so symlink loops (a link to a parent, two
    links to each other) end instead of recursing forever. Names starting with "." or "_"
    are skipped. At most ``max_entries`` entries are looked at in all.
    """
    seen: set[tuple[int, int]] = set()
    budget = [max_entries]

    def visit(here: Traversable) -> Iterator[Traversable]:
        if isinstance(here, Path):
            try:
                info = here.stat()
            except OSError:
                return
            key = (info.st_dev, info.st_ino)
            if key in seen:
                return
            seen.add(key)
        for entry in sorted(here.iterdir(), key=lambda e: e.name):
            budget[0] -= 1
            if budget[0] < 0:
                return
            if entry.name.startswith((".", "_")):
                continue
            if wanted(entry.name):
                yield entry
            elif _is_dir(entry):
                yield from visit(entry)

    yield from visit(folder)


def _is_dir(entry: Traversable) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop or a vanished entry: not a folder to enter
        return False
