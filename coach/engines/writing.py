"""The request a model answers with feedback on a writing activity, and reading its answer.

The model must call one strict tool, so its feedback has the same three parts as the offline
checklist (what is there, what is missing, one question) and renders the same way.
"""

from __future__ import annotations

import json
import re
from importlib.resources.abc import Traversable
from typing import Any

from coach.context.packing import neutralize
from coach.domain.activities import Activity
from coach.domain.feedback import Feedback
from coach.domain.loading import read_template
from coach.domain.locale import locale
from coach.domain.template import render
from coach.domain.text import Language
from coach.engines.prompting import FEEDBACK_FIELDS

TOOL_NAME = "give_feedback"
MAX_ITEMS = 8
MAX_ITEM_CHARS = 300
FEEDBACK_TOKENS = 800
"""Room for the model's answer: three short lists and a question."""

_STRINGS = {"type": "array", "items": {"type": "string"}}
FEEDBACK_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": "Feedback on the user's writing against the activity's rubric.",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {
                "present": _STRINGS,
                "missing": _STRINGS,
                "question": {"type": "string"},
            },
            "required": ["present", "missing", "question"],
            "additionalProperties": False,
        },
    },
}
_OWN_TAG = re.compile(r"<(/?)(user_writing)", re.IGNORECASE)
"""The user's text cannot close its own delimiter and pass as instructions."""
TOOL_CHOICE: dict[str, Any] = {"type": "function", "function": {"name": TOOL_NAME}}


def feedback_messages(
    folder: Traversable, activity: Activity, text: str, language: Language
) -> list[dict[str, str]]:
    """The system instructions with the rubric, and the user's writing, delimited."""
    template = read_template(folder / "feedback.md", FEEDBACK_FIELDS)
    rubric = "\n".join(f"- {c.label(language)}" for c in activity.rubric)
    system = render(
        template,
        {
            "title": activity.title(language),
            "instructions": activity.instructions(language).strip(),
            "rubric": rubric,
            "language": locale(language).prompt_name,
        },
    )
    writing = _OWN_TAG.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"<user_writing>\n{neutralize(writing)}\n</user_writing>"},
    ]


def _items(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    items = [" ".join(str(x).split())[:MAX_ITEM_CHARS] for x in value if str(x).strip()]
    return items[:MAX_ITEMS]


def read_feedback(arguments: str) -> Feedback | None:
    """The model's tool arguments as Feedback, or None when they are not usable."""
    try:
        data = json.loads(arguments)
        if not isinstance(data, dict):
            return None
        question = " ".join(str(data.get("question", "")).split())[:MAX_ITEM_CHARS]
        present, missing = _items(data.get("present")), _items(data.get("missing"))
    except ValueError:
        return None
    if not (present or missing or question):
        return None
    return Feedback(present, missing, question, source="model")
