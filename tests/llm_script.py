"""A scripted model for a whole coaching session: what it says and which tools it calls.

Each user message gets two responses from the test server, as a real model would give: one
that records what was heard through tool calls, then one that talks.
"""

from __future__ import annotations

from typing import Any

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

# (what the user types, what the model does)
ENGLISH_LLM: list[tuple[str, list[Script]]] = [
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
