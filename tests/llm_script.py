"""A scripted model for a whole coaching session: what it says and which tools it calls.

Each user message gets two responses from the test server, as a real model would give: one
that records what was heard through tool calls, then one that talks.

``ENGLISH_LLM`` is the script for the flow the app ships, derived on first use: a question
the hand-written turns do not record (one a course author added) is recorded in the turn
before the path is chosen, with the answer ``tests.scenarios.DEFAULTS`` gives it for the
offline engine. So a new question does not leave the scripted session short of a plan.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from coach.domain.flow import Flow
from tests.fake_openai import Script


def turn(text: str, *calls: tuple[str, dict[str, Any]]) -> list[Script]:
    """The model records ``calls`` (if any), then says ``text``."""
    if not calls:
        return [Script(text=text)]
    return [Script(tool_calls=list(calls)), Script(text=text)]


PLAN_NULLS = {
    "first_step": None,
    "step_date": None,
    "obstacle": None,
    "if_then": None,
    "confidence": None,
    "smaller_step": None,
    "confidence_again": None,
    "savings_target": None,
}
SITUATION_NULLS = {
    "in_call_center": None,
    "line": None,
    "shift": None,
    "rest_days": None,
    "monthly_saving": None,
}

Turns = list[tuple[str, list[Script]]]
"""(what the user types, what the model does), in order."""

_ENGLISH_TURNS: Turns = [
    (
        "I want to be a nurse, to help people, in about 3 years",
        turn(
            "A nurse who helps people: that's a strong why. Do you work in a call center now?",
            (
                "record_dream_job",
                {"dream_job": "a nurse", "why": "to help people", "by_when": "in about 3 years"},
            ),
        ),
    ),
    (
        "Yes, nights at a BPO, 9 hours, 2 rest days. I'm burnt out. I can save 5k a month.",
        turn(
            "Nights and burnout are heavy. Does your dream job require a diploma?",
            (
                "record_situation",
                {
                    **SITUATION_NULLS,
                    "in_call_center": "yes",
                    "shift": "nights, 9 hours",
                    "rest_days": 2,
                    "monthly_saving": 5000,
                },
            ),
            ("record_answer", {"question": "burnt_out", "answer": "yes", "words": "burnt out"}),
        ),
    ),
    (
        "Yes, I need a nursing degree",
        turn(
            "Got it. Would short courses help you?",
            ("record_answer", {"question": "q_diploma", "answer": "yes", "words": "need a degree"}),
        ),
    ),
    (
        "Not sure about courses. No business idea, no passion project.",
        turn(
            "Here are your paths: 1. escape plan, 2. tuition, 3. courses. Which fits?",
            ("record_answer", {"question": "q_courses", "answer": "unsure", "words": "not sure"}),
            ("record_answer", {"question": "q_business", "answer": "no", "words": "no"}),
            ("record_answer", {"question": "q_passion", "answer": "no", "words": "no"}),
        ),
    ),
    (
        "The tuition one",
        turn(
            "Tuition it is. What is one small first step?",
            ("choose_path", {"path": "tuition"}),
        ),
    ),
    (
        "Find the tuition of one nursing school, by Friday",
        turn(
            "Good and concrete. What might get in the way?",
            (
                "record_plan",
                {
                    **PLAN_NULLS,
                    "first_step": "find the tuition of one nursing school",
                    "step_date": "2026-11-27",
                },
            ),
        ),
    ),
    (
        "Too tired after shifts. If I'm too tired, I'll do it on my rest day morning.",
        turn(
            "A solid if-then. From 0 to 10, how sure are you?",
            (
                "record_plan",
                {
                    **PLAN_NULLS,
                    "obstacle": "too tired after shifts",
                    "if_then": "If I'm too tired, I'll do it on my rest day morning",
                },
            ),
        ),
    ),
    (
        "8",
        turn(
            "An 8 is strong. How much is the tuition you need to save?",
            ("record_plan", {**PLAN_NULLS, "confidence": 8}),
        ),
    ),
    (
        "120,000",
        turn(
            "Here is your plan. You can do this.",
            ("record_plan", {**PLAN_NULLS, "savings_target": 120000}),
        ),
    ),
]


_DEFAULTS = {"yesno": "no", "text": "not sure", "choice": "unsure"}
"""What the model records for a step the person had nothing to say to, by its kind: as
``tests.scenarios.DEFAULTS`` types it (a number has no "not sure" value to record)."""


def _recorded(turns: Turns) -> set[str]:
    """The step ids the turns' tool calls record."""
    ids: set[str] = set()
    for _, scripts in turns:
        for script in scripts:
            for name, args in script.tool_calls:
                if isinstance(args, str):  # a malformed call records nothing
                    continue
                if name == "record_answer":
                    ids.add(str(args["question"]))
                elif name != "choose_path":
                    ids.update(key for key, value in args.items() if value is not None)
    return ids


def for_flow(flow: Flow, turns: Turns) -> Turns:
    """``turns`` with a default answer recorded for each Reality step they do not record.

    Only steps asked whatever was answered before (no ``when``). The calls go into the turn
    before the one that chooses the path, where the model has heard every Reality answer: a
    question opening a path through ``record_answer``, any other through ``record_situation``.
    """
    done = _recorded(turns)
    missing = [
        s
        for s in flow.steps
        if s.phase == "reality" and s.when is None and s.id not in done and s.kind in _DEFAULTS
    ]
    choose = next(
        i
        for i, (_, scripts) in enumerate(turns)
        if any(name == "choose_path" for s in scripts for name, _ in s.tool_calls)
    )
    out: Turns = []
    for index, (user, scripts) in enumerate(turns):
        if index != choose - 1 or not missing:
            out.append((user, scripts))
            continue
        calls = [call for s in scripts for call in s.tool_calls]
        calls += [
            ("record_answer", {"question": s.id, "answer": "no", "words": "no"})
            if s.opens_path
            else ("record_situation", {**SITUATION_NULLS, s.id: _DEFAULTS[s.kind]})
            for s in missing
        ]
        out.append((user, turn(scripts[-1].text or "", *calls)))
    return out


@cache
def _english() -> Turns:
    from tests.scenarios import shipped_flow

    return for_flow(shipped_flow(), _ENGLISH_TURNS)


def __getattr__(name: str) -> Turns:
    """ENGLISH_LLM: the scripted session for the shipped flow (see the module docstring)."""
    if name == "ENGLISH_LLM":
        return _english()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
