"""The process's boundary: standard streams that are closed or carry bytes that are not UTF-8.

Everything that comes in through stdin or argv is made valid text here, once, so no layer
behind it meets a lone surrogate; everything written to a terminal goes through `say` or
`ask`, which clean it, so no stored title can drive the terminal.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

from coach.domain.text import clean_for_display


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def repair_streams() -> frozenset[str]:
    """Put /dev/null where stdin, stdout or stderr is closed; return the names that were.

    A closed descriptor is reopened on /dev/null before anything else opens a file, so the
    database or an export can never land on descriptor 1 and receive the transcript.
    Python leaves ``sys.stdin`` (etc.) as None in that case; they become real streams.
    """
    closed: set[str] = set()
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if _closed(fd):
            opened = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if opened != fd:  # the lowest free descriptor is this one unless a race took it
                os.dup2(opened, fd)
                os.close(opened)
            closed.add(name)
        if getattr(sys, name) is None:
            mode = "r" if fd == 0 else "w"
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115
    # Bytes that are not UTF-8 on stdin become U+FFFD as they are read: a message with them
    # is saved and answered like any other, and the rest of the input is still read.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    return frozenset(closed)


def say(text: str, stream: TextIO | None = None) -> None:
    """Print one line (or several) to a terminal or pipe, cleaned of control characters."""
    print(clean_for_display(text), file=stream if stream is not None else sys.stdout)


def ask(question: str) -> bool:
    """A yes/no question on the terminal; with no terminal to ask on, the answer is no.

    The question is cleaned like any other output: it can hold a conversation's title.
    """
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{clean_for_display(question)} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "д", "да")
