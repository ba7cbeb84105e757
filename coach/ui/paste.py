"""Guards on the terminal's input: pasted control characters and bad bytes are only text.

Textual 8.2.8's input parser (``textual._xterm_parser.XTermParser.parse``) treats an ESC inside
a bracketed paste as the start of an escape sequence. The sequence is not recognised (key and
mouse lookups are skipped while pasting), so when it ends (the next ESC, a timeout or 32
characters) it is reissued as key events, outside the paste: ``^``, ``]``, ``d``, ``ctrl+g``
... arrive as if typed, ahead of the Paste event, and fire bindings (a paste opened the course
screen; another sent ``^]d`` as the answer). See docs/upstream/textual-paste.md.

The guard sits in front of the parser: between the paste's start and end markers it drops
every ESC, so the parser sees plain text and the whole paste arrives as one Paste event.
The input boxes then clean what remains (BEL, backspace ...) with `clean_for_display`.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Iterable

from textual._xterm_parser import XTermParser
from textual.message import Message

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteGuard:
    """A stateful filter over the terminal's input as it arrives, chunk by chunk."""

    def __init__(self) -> None:
        self.pasting = False
        self._tail = ""
        """The last few characters outside a paste: a start marker may span two chunks."""
        self._held = ""
        """Inside a paste, a chunk's end that may be the start of the end marker."""

    def __call__(self, data: str) -> str:
        out: list[str] = []
        while data:
            if not self.pasting:
                seen = self._tail + data
                at = seen.find(PASTE_START)
                if at < 0:
                    out.append(data)
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                cut = at + len(PASTE_START) - len(self._tail)  # the marker's end, in data
                out.append(data[:cut])
                data, self._tail, self.pasting = data[cut:], "", True
            else:
                data, self._held = self._held + data, ""
                at = data.find(PASTE_END)
                if at < 0:
                    keep = _partial_end(data)
                    out.append(data[: len(data) - keep].replace(ESC, ""))
                    self._held = data[len(data) - keep :]
                    break
                out.append(data[:at].replace(ESC, "") + PASTE_END)
                data, self.pasting = data[at + len(PASTE_END) :], False
        return "".join(out)


def _partial_end(data: str) -> int:
    """How many characters at the end of ``data`` could begin the paste's end marker."""
    for size in range(min(len(PASTE_END) - 1, len(data)), 0, -1):
        if PASTE_END.startswith(data[-size:]):
            return size
    return 0


class GuardedParser(XTermParser):
    """Textual's parser with the guard in front of it."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._guard = PasteGuard()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input: passed on as it is
            return super().feed(data)
        guarded = self._guard(data)
        # All of a chunk may be held back (an ESC that may start the paste's end); an empty
        # feed would tell the parser the input has ended.
        return super().feed(guarded) if guarded else ()


def replacing_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    """``codecs.getincrementaldecoder``, but bytes that do not decode become U+FFFD.

    Textual decodes the terminal's bytes strictly: one byte that is not UTF-8 (a paste from
    a Latin-1 file, a stray key) ended the app with a traceback and lost the draft.
    """
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def install() -> bool:
    """Make Textual's Linux/macOS driver read input through the guards; False if it cannot.

    The driver creates its decoder and parser by module-level names, so those names are
    replaced. The check on the originals keeps a Textual release that changed them from
    being patched blindly (the pin in pyproject.toml is 8.2.8).
    """
    try:
        from textual.drivers import linux_driver
    except ImportError:  # Windows: another driver, which does not have this parser
        return False
    names = vars(linux_driver)
    if names.get("XTermParser") is GuardedParser:
        return True
    if names.get("XTermParser") is not XTermParser:
        return False
    if names.get("getincrementaldecoder") is not codecs.getincrementaldecoder:
        return False
    setattr(linux_driver, "XTermParser", GuardedParser)  # noqa: B010 (not exported: no stub)
    setattr(linux_driver, "getincrementaldecoder", replacing_decoder)  # noqa: B010
    return True
