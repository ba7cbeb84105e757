"""Scripted people answering naturally, played against `coach --plain` by ../shared/tools/personas.

`tests/personas/tune/` (ours) and `../shared/personas/` (the public examples) must go through
with no re-ask, miss or loop and every plan field right. `tests/personas/holdout/` is never
tuned on: bench/understand.py reports its figures, and this suite does not gate on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT.parent / "shared" / "tools" / "personas"
COACH = Path(sys.executable).with_name("coach")


@pytest.mark.skipif(not TOOL.exists(), reason="../shared/tools/personas is not beside the project")
def test_our_people_and_the_public_examples_are_understood(tmp_path: Path) -> None:
    out = tmp_path / "personas.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    run = subprocess.run(
        [str(TOOL), "--coach", str(COACH), "-j", "2", "--json", str(out),
         str(ROOT / "tests" / "personas" / "tune"), str(ROOT.parent / "shared" / "personas")],
        capture_output=True, text=True, timeout=900, env=env, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(out.read_text())["personas"]
    assert len(results) >= 20
    problems = [
        f"{p['id']}: re-asks {_re_asks(p)}, misses {p['misses']}, stuck {p['stuck']}, "
        f"crashed {p['crashed']}, failed {[f['name'] for f in p['fields'] if not f['ok']]}"
        for p in results
        if _re_asks(p) or p["misses"] or p["stuck"] or p["crashed"] or not p["reached_plan"]
        or p["fields_ok"] != p["fields_total"]
    ]  # fmt: skip
    assert not problems, "\n".join(problems) + "\n" + run.stdout[-1500:]


def _re_asks(person: dict[str, Any]) -> int:
    """Re-asks, less the one that follows a "no" to the crisis question.

    When the classifier doubts a message, the coach asks whether the person thinks of hurting
    themselves, and that message is never taken as an answer: after the "no", its question
    comes again. That costs a turn by design; every other re-ask is a failure.
    """
    after_care = sum(
        1
        for turn in person["transcript"]
        if isinstance(turn, dict) and turn.get("answering") == "care"
        and "re-ask" in (turn.get("events") or [])
    )  # fmt: skip
    return int(person["re_asks"]) - after_care
