"""The `coach` command's entry point: start-up with the garbage collector paused, then main.

Starting allocates a few hundred thousand objects (modules, classes, the validated content)
and frees almost none, so the collections that would run meanwhile (about 150) find nothing
and cost 20-40 ms of the first frame. The app collects again once its first frame is on
screen (``CoachApp.on_mount``); every other command as soon as its arguments are read.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from coach.cli import main as run

        return run()
    finally:
        gc.enable()
