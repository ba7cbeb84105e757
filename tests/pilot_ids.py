"""Print the node id of every test that drives the app (Pilot) or compares a snapshot.

Used by the flakiness loop in the README (Development): those are the tests that wait on a
real event loop and a real layout, so they are the ones that can be flaky.
"""

from __future__ import annotations

import ast
from pathlib import Path

MARKS = ("run_test", "snap_compare", "pilot", "play_app")


def pilot_test_ids(folder: Path) -> list[str]:
    ids: list[str] = []
    for path in sorted(folder.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        helpers = {
            n.name
            for n in functions
            if not n.name.startswith("test_") and any(m in ast.unparse(n) for m in MARKS)
        }
        for node in functions:
            source = ast.unparse(node)
            if node.name.startswith("test_") and any(m in source for m in (*MARKS, *helpers)):
                ids.append(f"tests/{path.name}::{node.name}")
    return ids


if __name__ == "__main__":
    print("\n".join(pilot_test_ids(Path(__file__).parent)))
