"""The fixed instructions and the per-turn state block the language-model engine sends."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources.abc import Traversable

from coach.domain.flow import Flow
from coach.domain.loading import read_template
from coach.domain.locale import locale
from coach.domain.plan import format_date
from coach.domain.state import CoachState
from coach.domain.template import render

STATE_FIELDS = frozenset({"today", "language", "position", "facts"})
FEEDBACK_FIELDS = frozenset({"title", "instructions", "rubric", "language"})
WRITING_CHARS = 1200
"""How much of each activity the model sees: enough to refer to, not a whole essay a turn."""


class Prompts:
    """The templates under ``prompts/llm``, read once."""

    def __init__(self, folder: Traversable) -> None:
        self.folder = folder
        self.system = read_template(folder / "system.md", {"language"})
        self.lessons = read_template(folder / "lessons.md", ())
        self.state = read_template(folder / "state.md", STATE_FIELDS)

    def system_text(self, s: CoachState) -> str:
        return render(self.system, {"language": locale(s.language).prompt_name})

    def state_text(self, s: CoachState, flow: Flow, today: date, tool_for: dict[str, str]) -> str:
        return render(
            self.state,
            {
                "today": f"{today.isoformat()} ({today.strftime('%A')})",
                "language": locale(s.language).prompt_name,
                "position": position(s, flow, today, tool_for),
                "facts": facts(s, flow),
            },
        )


def _fill(template: str, s: CoachState, flow: Flow) -> str:
    path = flow.path(s.chosen_path) if s.chosen_path else None
    values = {k: a.text for k, a in s.answers.items()}
    if path is not None:
        values.update(path=path.title("en"), example=path.example("en"))
        values["goal"] = path.goal("en") if path.goal else ""
    return render(template, values, missing="…")


def position(s: CoachState, flow: Flow, today: date, tool_for: dict[str, str]) -> str:
    """The phase and the one question to ask next, as the phase machine decided."""
    if s.pending is None:
        if s.plan is None:
            return "The conversation is open: help with what the user asks, within your limits."
        due = s.plan.due
        lines = [
            "The plan is complete and the user has seen the plan card.",
            f"Their first step: {json.dumps(s.plan.first_step, ensure_ascii=False)}, "
            f"due {format_date(due, 'en')}.",
        ]
        checked = any(c.day >= s.plan.created for c in s.check_ins)
        if due <= today and not checked:
            lines.append(
                "The step is due or overdue: first ask how it went, then record the answer "
                "with record_check_in."
            )
        else:
            lines.append("If they report on the step, record it with record_check_in.")
        return "\n".join(lines)
    step = flow.step(s.pending)
    phase = next(p for p in flow.phases if p.id == step.phase)
    lines = [
        f"Phase: {phase.title('en')}.",
        f"Next step: {step.id} ({step.label('en')}). Ask, in your own words: "
        f"{json.dumps(_fill(step.ask('en'), s, flow), ensure_ascii=False)}",
        f"Record the answer with {tool_for.get(step.id, 'the matching tool')}.",
    ]
    if step.kind == "path_choice":
        lines.append("Offer these paths, numbered, each with its quote and lesson:")
        for n, path_id in enumerate(s.candidate_paths, 1):
            path = flow.path(path_id)
            maybe = " (the user was unsure about this one)" if path_id in s.unsure_paths else ""
            quote = json.dumps(path.quote, ensure_ascii=False)
            lines.append(
                f"{n}. {path.id}: {path.title('en')}{maybe}. Quote from lesson {path.lesson}: "
                f"{quote}"
            )
    return "\n".join(lines)


def facts(s: CoachState, flow: Flow) -> str:
    """What is recorded, as quoted data: the user's own words never become instructions."""
    rows = []
    for step in flow.steps:
        answer = s.answers.get(step.id)
        if answer is None:
            continue
        value = answer.value or (answer.day.isoformat() if answer.day else None)
        if value is None and answer.number is not None:
            value = f"{answer.number:g}"
        shown = json.dumps(answer.text, ensure_ascii=False)
        rows.append(f"- {step.id}: {shown}" + (f" → {value}" if value else ""))
    if s.chosen_path:
        rows.append(f"- chosen path: {s.chosen_path}")
    for check in s.check_ins[-3:]:
        note = json.dumps(check.note, ensure_ascii=False)
        rows.append(f"- check-in {check.day.isoformat()}: {check.kept}, {note}")
    for activity_id, work in s.activities.items():
        if work.status == "skipped":
            rows.append(f"- writing activity {activity_id}: skipped")
            continue
        words = json.dumps(work.text[:WRITING_CHARS], ensure_ascii=False)
        rows.append(f"- writing activity {activity_id}, version {work.versions}: {words}")
    return "\n".join(rows) or "(nothing yet)"
