"""The first screen of the last start, kept so the next start can paint it before loading.

Loading settings, content and the store takes most of a start (pydantic, YAML, the domain).
None of it changes what a new conversation's first screen shows unless an argument, an
environment variable, the config file or a data file does. So after a start the app keeps
what its first screen showed (``Opening``), and the next start with the same arguments and
environment, while no data file has changed, paints that at once (coach.ui.screens.opening)
and loads the rest after the first frame.

The kept screen decides only the look of the first ~0.2 s (and, through the database
folder it names, which ui.json's theme to compare): the real chat screen replaces it as
soon as the context is built, with whatever the user typed, and a start whose loading
fails (a bad config, an edited flow) falls back to the ordinary start, which reports it
exactly as before. This module uses the standard library only: it runs
before anything else is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coach import __version__

PREFIX = "opening-"
KEPT = 8
"""Openings kept (one per way of starting: offline, with a model, in Russian ...)."""
MAX_BYTES = 200_000
MAX_FILES = 2_000
"""Files stat-ed under one data folder: a lessons folder pointed at $HOME must not stall a start."""
VALUE_OPTIONS = ("--lang", "--model", "--base-url", "--lessons")
FLAG_OPTIONS = ("--offline",)
ENV_PREFIXES = ("COACH_", "OPENAI_", "LANG", "LC_", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HOME")
"""What settings read: coach's and the model's variables, the locale, and where the config
file and the database are looked for."""
ENV_IGNORED = ("COACH_DATA_DIR", "COACH_CACHE_DIR", "COACH_DEBUG")
"""Not part of what the first screen shows: the database and cache folders, debugging."""
SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASS", "AUTH", "CREDENTIAL")
"""Variables only counted as set or not: neither their values nor a hash of them is kept."""
USER_INFO = re.compile(r"//[^/@\s]*@")
"""The user and password in a URL (http://user:pass@host/v1), also kept out of the hash."""


@dataclass(frozen=True)
class Part:
    """One widget of the first screen: where it is, and the text and styles it showed.

    Text and styles are kept apart, not as markup: markup does not always read back as the
    text it came from ("Press [Enter]" would lose its "[Enter]").
    """

    id: str
    classes: str
    text: str
    spans: tuple[tuple[int, int, str], ...] = ()
    """(start, end, style) over ``text``: the style as Textual writes it, e.g. "bold"."""
    shown: bool = True
    title: str = ""


@dataclass(frozen=True)
class Opening:
    """What a new conversation's first screen showed, widget by widget."""

    language: str
    badge: Part
    messages: tuple[Part, ...]
    side: tuple[Part, ...]
    placeholder: str
    keys: Part
    theme: str | None = None


@dataclass(frozen=True)
class Slot:
    """Where the opening for one way of starting is kept, and what it depends on."""

    folder: Path
    key: str
    data_dir: Path | None = None
    """The database folder the app was given; its ui.json holds the theme."""
    watched: tuple[str, ...] = field(default=())
    """The config file and data folders the kept screen was drawn from."""

    @property
    def path(self) -> Path:
        return self.folder / f"{PREFIX}{self.key[:24]}.json"


def quick_start_wanted(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """A new conversation in the full-screen app: no command, no --resume, on a terminal."""
    if environ.get("TERM") == "dumb" or environ.get("COACH_DEBUG"):
        return False
    try:
        if not (os.isatty(0) and os.isatty(1) and os.isatty(2)):  # Textual draws on stderr
            return False
    except OSError:
        return False
    args = list(argv)
    while args:
        arg = args.pop(0)
        name = arg.partition("=")[0]
        if arg in FLAG_OPTIONS:
            continue
        if name in VALUE_OPTIONS:
            if "=" not in arg and not args:
                return False
            if "=" not in arg:
                args.pop(0)
            continue
        return False  # a command, --plain, --resume, --help, or a mistake: the ordinary start
    return True


def slot_for(argv: Sequence[str], environ: Mapping[str, str]) -> Slot:
    """The slot for this way of starting, found before any setting is read."""
    cache = environ.get("COACH_CACHE_DIR")
    if cache:
        folder = Path(cache).expanduser()
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("coach"))
    key = hashlib.sha256(wanted(argv, environ).encode()).hexdigest()
    data_dir = environ.get("COACH_DATA_DIR")
    return Slot(folder, key, Path(data_dir).expanduser() if data_dir else None)


def wanted(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """What a kept screen belongs to, as the text the slot's key hashes. No secret is in it."""
    env: dict[str, str] = {}
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIXES) or name in ENV_IGNORED:
            continue
        secret = any(word in name.upper() for word in SECRET_WORDS)
        value = environ[name]
        env[name] = ("set" if value else "") if secret else USER_INFO.sub("//***@", value)
    versions = {"coach": __version__, "python": sys.version, "textual": _textual_version()}
    return json.dumps({"versions": versions, "argv": list(argv), "env": env}, sort_keys=True)


def _textual_version() -> str:
    """Which Textual is installed, told by its package file's place, size and time.

    Its version string would come from importlib.metadata, which scans every installed
    distribution: ~18 ms of the very start this cache is for. An upgrade rewrites the file.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("textual")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return ""
        info = os.stat(origin)
    except (ImportError, ValueError, OSError):
        return ""
    return f"{origin}:{info.st_size}:{info.st_mtime_ns}"


def stamp(watched: Iterable[str]) -> str:
    """A hash of the name, size and time of every file under ``watched``: an edit changes it."""
    sha = hashlib.sha256()
    for root in watched:
        sha.update(f"root\0{root}\0".encode())
        for count, (path, info) in enumerate(_walk(Path(root))):
            sha.update(f"{path}\0{info}\0".encode())
            if count >= MAX_FILES:
                return ""  # too many to check at every start: never kept, never used
    return sha.hexdigest()


def _walk(root: Path) -> Iterable[tuple[str, str]]:
    try:
        info = os.stat(root)
    except OSError:
        yield str(root), "missing"
        return
    if not os.path.isdir(root):
        yield str(root), f"{info.st_size}:{info.st_mtime_ns}"
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        yield folder, "folder"
        for name in sorted(files):
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.stat(path)
                yield path, f"{info.st_size}:{info.st_mtime_ns}"


def read(slot: Slot) -> tuple[Opening, Path] | None:
    """The kept opening and the database folder it names, while nothing it depends on changed."""
    try:
        with open(slot.path, "rb") as file:
            raw = json.loads(file.read(MAX_BYTES + 1)[:MAX_BYTES])
        watched = tuple(str(w) for w in raw["watched"])
        if raw["key"] != slot.key or not raw["stamp"] or raw["stamp"] != stamp(watched):
            return None
        opening = _opening(raw["opening"])
        data_dir = slot.data_dir or Path(str(raw["data_dir"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, from another version, or damaged: the ordinary start
    return opening, data_dir


def _opening(raw: dict[str, object]) -> Opening:
    def part(value: object) -> Part:
        if not isinstance(value, dict):
            raise TypeError("part")
        made = Part(**{**value, "spans": tuple(tuple(span) for span in value.get("spans", ()))})
        if not all(isinstance(v, str) for v in (made.id, made.classes, made.text, made.title)):
            raise TypeError("part")
        for start, end, style in made.spans:
            if not (isinstance(start, int) and isinstance(end, int) and isinstance(style, str)):
                raise TypeError("span")
        if not isinstance(made.shown, bool):
            raise TypeError("shown")
        return made

    def parts(value: object) -> tuple[Part, ...]:
        if not isinstance(value, list):
            raise TypeError("parts")
        return tuple(part(v) for v in value)

    theme = raw.get("theme")
    return Opening(
        language=str(raw["language"]),
        badge=part(raw["badge"]),
        messages=parts(raw["messages"]),
        side=parts(raw["side"]),
        placeholder=str(raw["placeholder"]),
        keys=part(raw["keys"]),
        theme=None if theme is None else str(theme),
    )


def write(slot: Slot, opening: Opening, data_dir: Path, watched: Sequence[str], seen: str) -> None:
    """Keep ``opening`` for the next start like this one; the oldest beyond KEPT go.

    ``seen`` is the ``stamp`` of ``watched`` taken when this start loaded its data, so an
    edit made since is not taken for one the kept screen was drawn from. Raises OSError when
    the cache folder cannot be written (the caller says nothing: the next start is simply
    the ordinary one).
    """
    if not seen:
        return
    record = {
        "key": slot.key,
        "stamp": seen,
        "watched": list(watched),
        "data_dir": str(data_dir),
        "opening": asdict(opening),
    }
    text = json.dumps(record, ensure_ascii=False)
    if len(text.encode()) > MAX_BYTES:
        return  # it would not be read back
    slot.folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=slot.folder, prefix=".opening-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, slot.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    others = sorted(slot.folder.glob(f"{PREFIX}*.json"), key=_age, reverse=True)
    for old in others[KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
