"""Text helpers shared by every layer: language detection, display cleaning, Markdown escaping."""

from __future__ import annotations

import re
import unicodedata

from coach.domain.locale import detect

Language = str
"""A registered language's code ("en", "ru"): coach.domain.locale lists them."""

# C0 controls except tab and newline, DEL, and C1 controls. ESC (0x1b) is among them, so no
# CSI/OSC sequence (colours, OSC 52 clipboard writes, hyperlinks) can survive cleaning.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates are what Python makes of bytes that are not UTF-8 in argv, file names and
# (with surrogateescape) stdin. They cannot be encoded again, so SQLite, a terminal or a file
# would fail on them: they become U+FFFD, the replacement character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+#>=]|\d+[.)])", re.MULTILINE)


def detect_language(text: str, default: Language | None = None) -> Language | None:
    """The language the text is written in when it has enough letters to tell, else ``default``.

    Short answers such as "ok" or "5000" say nothing about the language, so they keep the
    conversation's current language instead of flipping it; so does a text in letters the
    current language shares with another (see :func:`coach.domain.locale.detect`).
    """
    found = detect(text, default)
    return default if found is None else found


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (an undecodable byte) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def clean_for_display(text: str) -> str:
    """Remove terminal control characters so text can never drive the terminal.

    Carriage returns become newlines (CRLF pasted from Windows stays readable); everything
    else below 0x20 except tab and newline, DEL and the C1 range is dropped. Lone
    surrogates (bytes that were not UTF-8, as in a file name) become U+FFFD, so writing
    the text out can never fail.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown syntax so user words quoted in a reply are shown as written.

    Inline markers are escaped everywhere; list, heading and quote markers only where they
    would start a line, so ordinary punctuation stays readable in exported Markdown.
    """
    text = _MD_INLINE.sub(r"\\\1", clean_for_display(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def quote_markdown(text: str) -> str:
    """The user's words as a Markdown block quote, escaped so they read exactly as typed."""
    return "\n".join(
        f"> {escape_markdown(line)}" if line.strip() else ">" for line in text.splitlines()
    )


def normalize(text: str) -> str:
    """Lower-case, fold ё to е, NFKC-normalise and collapse whitespace, for keyword matching."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е").replace("’", "'")
    return " ".join(text.split())


_WORD = re.compile(r"\w+(?:[.,'’-]\w+)*")


def word_count(text: str) -> int:
    """Count words the way a reader would: "120,000", "don't" and "e-mail" are one word each."""
    return len(_WORD.findall(text))
