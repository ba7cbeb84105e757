"""Writing activities (issue 7): saving a version and the offline feedback stay instant.

No budget is set in the issue; coach holds them to the message budgets: a save at most 5 ms
(the version and the state commit together), and feedback well under a turn's 50 ms.
Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.bootstrap import build_context  # noqa: E402
from coach.domain.feedback import checklist  # noqa: E402
from coach.engines.base import Reply  # noqa: E402
from coach.session import Session  # noqa: E402
from coach.settings import resolve_settings  # noqa: E402
from tests.scenarios import ENGLISH  # noqa: E402

ROUNDS = 200
TEXT = (
    "I need 120,000 pesos for nursing school. I will put 5,000 aside every month on payday, "
    "in a separate bank account, so I will have it by December 2028. "
) * 12  # about 400 words, a long answer


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, max {max(samples) * 1000:.2f} ms"


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COACH_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["COACH_CONFIG"] = str(Path(tmp) / "none.toml")
        ctx = build_context(resolve_settings())
        session = Session.new(ctx, "en")
        for text in ENGLISH:
            session.record_user(text)
            async for event in session.events(text):
                if isinstance(event, Reply):
                    session.record_reply(event)
        activity = ctx.activities.get("savings-plan")
        assert activity is not None
        saves, checks = [], []
        for i in range(ROUNDS):
            start = time.perf_counter()
            session.submit_activity(activity, f"{TEXT} {i}")
            saves.append(time.perf_counter() - start)
            start = time.perf_counter()
            checklist(activity, TEXT, "en", ctx.today())
            checks.append(time.perf_counter() - start)
        print(f"activity version saved ({ROUNDS} versions of ~400 words): {_ms(saves)}")
        print(f"offline checklist feedback (~400 words): {_ms(checks)}")
        ctx.store.close()


if __name__ == "__main__":
    asyncio.run(main())
