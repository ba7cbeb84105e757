"""Run the real app headless in its own process, send one message, and wait to be killed.

tests/test_durability.py starts this with the loopback server's URL and kills it with
SIGKILL in the middle of a streamed reply. Usage: python -m tests.kill_target URL TEXT
"""

from __future__ import annotations

import asyncio
import sys

from coach.bootstrap import build_context
from coach.settings import resolve_settings
from coach.ui.factory import build_app
from coach.ui.widgets.chat_input import ChatInput


async def main(base_url: str, text: str) -> None:
    settings = resolve_settings(base_url=base_url).model_copy(update={"max_retries": 0})
    app = build_app(settings, build_context(settings))
    async with app.run_test(size=(100, 32)) as pilot:
        box = app.screen.query_one(ChatInput)
        box.insert(text)
        box.action_submit()
        print("sent", flush=True)
        while True:  # until SIGKILL
            await pilot.pause(0.05)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
