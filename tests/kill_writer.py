"""Run the real app headless, write an activity, then keep revising it until killed.

tests/test_activities_app.py kills this with SIGKILL while the user is typing a revision.
Usage: python -m tests.kill_writer VERSION_ONE REVISION
"""

from __future__ import annotations

import asyncio
import sys

from textual.widgets import TextArea

from coach.bootstrap import build_context
from coach.settings import resolve_settings
from coach.ui.factory import build_app
from tests.scenarios import ENGLISH_ANSWERS, play_app


async def main(first: str, revision: str) -> None:
    settings = resolve_settings()
    app = build_app(settings, build_context(settings))
    async with app.run_test(size=(100, 32)) as pilot:
        await play_app(pilot, ENGLISH_ANSWERS, until="first_step")  # a path chosen
        await pilot.press("ctrl+t")
        await pilot.pause()
        area = app.screen.query_one("#writing", TextArea)
        area.insert(first)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        print("saved", flush=True)
        for char in revision:  # a person typing, 50 characters a second
            area.insert(char)
            await pilot.pause(0.02)
        print("typed", flush=True)
        while True:  # until SIGKILL
            await pilot.pause(0.05)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
