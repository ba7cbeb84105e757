"""Crisis detection measured on the labelled phrases: recall and false alarms per set.

Run with `make bench` (or `python bench/crisis.py`). `held_out` is the honest estimate: it was
never used to change the patterns. The README's safety table comes from this output.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.domain.crisis import load_crisis  # noqa: E402


def main() -> None:
    care = load_crisis(files("coach.prompts") / "safety")
    phrases = yaml.safe_load((ROOT / "tests" / "crisis_phrases.yaml").read_text("utf-8"))
    print("| set | language | recall | false alarms |")
    print("| --- | --- | --- | --- |")
    for split, languages in phrases.items():
        for lang, sets in languages.items():
            pos, neg = sets["positive"], sets["negative"]
            hits = sum(care.detects(p) for p in pos)
            alarms = sum(care.detects(n) for n in neg)
            print(
                f"| {split} | {lang} | {hits}/{len(pos)} ({hits / len(pos):.0%})"
                f" | {alarms}/{len(neg)} ({alarms / len(neg):.0%}) |"
            )


if __name__ == "__main__":
    main()
