"""The `coach` command's entry point: start-up with the garbage collector paused, then main.

Starting allocates a few hundred thousand objects (modules, classes, the validated content)
and frees almost none, so the collections that would run meanwhile (about 150) find nothing
and cost 20-40 ms of the first frame. The app collects again once its first frame is on
screen (``CoachApp.on_mount``); every other command as soon as its arguments are read.

A new conversation in the full-screen app, started as the last one was, paints that start's
first screen from the opening cache before anything else loads (coach.opening_cache).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.session import Context
    from coach.settings import Settings


def main() -> int:
    gc.disable()
    try:
        status = _from_opening(sys.argv[1:])
        if status is not None:
            return status
        from coach.cli import main as run

        return run()
    finally:
        gc.enable()


def _from_opening(argv: list[str]) -> int | None:
    """The exit status of a start painted from the opening cache; None: start as usual."""
    from coach.opening_cache import quick_start_wanted, read, slot_for

    if not quick_start_wanted(argv, os.environ):
        return None
    slot = slot_for(argv, os.environ)
    found = read(slot)
    if found is None:
        return None
    from coach.ui.factory import run_from_opening

    def prepare() -> tuple[Settings, Context]:  # in a thread, after the first frame
        from coach.cli_args import prepare_app

        return prepare_app(argv)

    opening, data_dir = found
    try:
        return run_from_opening(opening, data_dir, prepare, slot)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard, as in coach.cli: one line, never a traceback
        from coach.domain.text import clean_for_display

        print(
            f"coach: unexpected error: {type(exc).__name__}: {clean_for_display(str(exc))}",
            file=sys.stderr,
        )
        return 1
