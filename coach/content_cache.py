"""Validated content kept between starts, keyed by a hash of every data file it came from.

Reading and validating the flow, the lessons, the activities and the safety data takes a
good part of a start. None of it changes unless a file does, so each start hashes the data
files (cheap: a few hundred KB) and, when the hash is the one of the last start, unpickles
what was validated then. Any edited, added or removed file changes the hash, so an author's
change is validated, with the same error messages, before it is used.

The cache lives in the user's own cache folder and holds only what coach wrote there, which
is why pickle is acceptable (README, Decisions). A cache that cannot be read, or that does
not unpickle, is ignored and rewritten; one that cannot be written is simply not kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar, cast

import pydantic

from coach import __version__

T = TypeVar("T")
KEY_BYTES = 32
SKIPPED_SUFFIXES = (".npy", ".pyc")
"""Not read by any cached loader: the classifier's vectors (read by their text keys when the
encoder loads) and bytecode."""
MAX_HASHED_BYTES = 10_000_000
"""Past every loader's own limit (1 MB a lesson): such a file is refused, never cached."""
PACKAGE = Path(__file__).parent
CODE = (*sorted((PACKAGE / "domain").glob("*.py")), PACKAGE / "bootstrap.py", Path(__file__))
"""The modules whose classes are pickled, and the code that loads them: an edit to one (a
new field, say) in a development checkout, with the version unchanged, must not bring back
objects of the old shape."""


class ContentCache:
    """Pickled results of loaders, valid while the data files hash the same."""

    def __init__(self, folder: Path | None, roots: Iterable[tuple[str, Traversable]]) -> None:
        self.folder = folder
        self.roots = list(roots)
        self._digest: bytes | None = None

    def load(self, name: str, build: Callable[[], T]) -> T:
        """``build()``'s result, from the cache when no data file changed since it was kept.

        ``build`` raises as it always does on malformed data: nothing is kept then.
        """
        if self.folder is None:
            return build()
        key = self._key(name)
        if key is None:
            return build()
        path = self.folder / f"{name}.pickle"
        cached = _read(path, key)
        if cached is not None:
            return cast(T, cached)
        value = build()
        _write(path, key, value)
        return value

    def _key(self, name: str) -> bytes | None:
        """The hash naming this start's data files, or None when one cannot be read."""
        if self._digest is None:
            try:
                self._digest = _digest(self.roots)
            except OSError:  # the loader will say what is wrong with the file, as it always has
                return None
        return hashlib.sha256(self._digest + name.encode()).digest()


class _Unhashable(OSError):
    """A data file too big to hash cheaply: the loader, which refuses it, says why."""


def _digest(roots: Iterable[tuple[str, Traversable]]) -> bytes:
    sha = hashlib.sha256()
    versions = (__version__, sys.version, pydantic.VERSION, str(sys.implementation.cache_tag))
    sha.update(repr(versions).encode())
    for module in CODE:
        sha.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    for role, root in roots:  # the role too: a folder of lessons is not a flow folder
        sha.update(f"root\0{role}\0{root}\0".encode())
        for entry in _entries(root, "", set()):
            sha.update(entry)
    return sha.digest()


def _entries(folder: Traversable, prefix: str, seen: set[Path]) -> Iterator[bytes]:
    """Every file under ``folder`` with its bytes, in a stable order, as the loaders see them.

    Folders are walked remembering each one visited, so a symlink loop ends; a FIFO or a
    device is named but never read, and a missing root is told from an empty one.
    """
    if isinstance(folder, Path):
        try:
            real = folder.resolve()
        except RuntimeError:  # a link to itself, or links pointing at each other
            yield f"{prefix}\0loop\0".encode()
            return
        if real in seen:
            yield f"{prefix}\0loop\0".encode()
            return
        seen.add(real)
    if folder.is_file():
        if isinstance(folder, Path) and folder.stat().st_size > MAX_HASHED_BYTES:
            raise _Unhashable(f"{folder}: too big")
        data = folder.read_bytes()
        yield f"{prefix}\0file\0{len(data)}\0".encode() + data
        return
    if not folder.is_dir():
        missing = isinstance(folder, Path) and not folder.exists() and not folder.is_symlink()
        yield f"{prefix}\0{'missing' if missing else 'other'}\0".encode()
        return
    yield f"{prefix}\0folder\0".encode()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__" or entry.name.endswith(SKIPPED_SUFFIXES):
            continue
        yield from _entries(entry, f"{prefix}/{entry.name}", seen)


def _read(path: Path, key: bytes) -> object | None:
    try:
        with path.open("rb") as stream:
            if stream.read(KEY_BYTES) != key:
                return None
            value: object = pickle.load(stream)
            return value
    # Missing, unreadable, truncated or written by another version's classes: validate anew.
    except Exception:  # any failure to unpickle means the same: rebuild
        return None


def _write(path: Path, key: bytes, value: object) -> None:
    """Write the cache whole or not at all (a temporary file renamed over the old one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(key)
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError):  # a read-only or full disk: start without it
        return
