"""The phase machine both engines share: which step applies, what comes next, the plan.

It lives in code, not in a model's judgement: the offline engine walks it one answer at a
time, and the language-model engine records answers through tool calls and is then told the
next step from here. Both therefore produce the same state and the same plan card.
"""

from __future__ import annotations

from datetime import date

from coach.domain.flow import Flow, Step
from coach.domain.plan import savings_months
from coach.domain.state import CheckIn, CoachState, Plan
from coach.domain.text import normalize
from coach.domain.understand import match_keywords


def money_matters(flow: Flow, s: CoachState) -> bool:
    """Whether the plan needs savings math: a money path, or money named as the obstacle."""
    if s.chosen_path and flow.path(s.chosen_path).money:
        return True
    obstacle = normalize(s.answer_text("obstacle") or "")
    return match_keywords(obstacle, {"money": flow.keywords.money.all()}) is not None


def applies(flow: Flow, s: CoachState, step: Step) -> bool:
    """Whether ``step`` is asked, given the answers so far (its ``when`` condition)."""
    when = step.when
    if when is None:
        return True
    if when.money:
        return money_matters(flow, s)
    if when.activity:
        return to_follow_up(s) is not None
    answer = s.answers.get(when.step or "")
    if answer is None:
        return False
    if when.is_ is not None and answer.value not in when.is_:
        return False
    return when.below is None or (answer.number is not None and answer.number < when.below)


def to_follow_up(s: CoachState) -> str | None:
    """The activity a check-in asks about: the latest one written since it was last asked about.

    Once a check-in has asked about a version, later check-ins leave it alone until the user
    revises it, so the coach does not ask the same thing every week.
    """
    asked = {c.activity: c.day for c in s.check_ins if c.activity}
    fresh = [
        (work.day, activity_id)
        for activity_id, work in s.activities.items()
        # A check-in opens a day's session, so one on the day of writing came before it.
        if work.status == "done" and work.text and not asked.get(activity_id, work.day) > work.day
    ]
    return max(fresh)[1] if fresh else None


def next_step(flow: Flow, s: CoachState, after: str | None) -> Step | None:
    """The first step after ``after`` (or the first of all) that applies."""
    steps = flow.steps
    start = 0 if after is None else [x.id for x in steps].index(after) + 1
    return next((x for x in steps[start:] if applies(flow, s, x)), None)


def first_open_step(flow: Flow, s: CoachState) -> Step | None:
    """The first step that applies and has no answer yet: where a conversation stands."""
    return next((x for x in flow.steps if applies(flow, s, x) and x.id not in s.answers), None)


def suggested_paths(flow: Flow, s: CoachState) -> tuple[list[str], list[str]]:
    """Paths the answers point to, in flow order, and those the user was unsure about."""
    found: list[str] = []
    unsure: list[str] = []
    for step in flow.steps:
        answer = s.answers.get(step.id)
        if not step.opens_path or answer is None or step.opens_path in found:
            continue
        if step.kind == "choice" or answer.value in ("yes", "unsure"):
            found.append(step.opens_path)
            if answer.value == "unsure" and step.kind == "yesno":
                unsure.append(step.opens_path)
    return found, unsure


def offer_paths(flow: Flow, s: CoachState) -> bool:
    """Set the candidate paths on ``s``; False when none fit and the fallback is offered."""
    found, unsure = suggested_paths(flow, s)
    if not found:
        s.candidate_paths, s.unsure_paths = [flow.fallback_path], []
        return False
    s.candidate_paths, s.unsure_paths = found, unsure
    return True


def build_plan(flow: Flow, s: CoachState, today: date) -> Plan:
    """The plan from the Will phase's answers; the smaller step wins when one was asked for."""
    a = s.answers
    step = a["smaller_step"].text if "smaller_step" in a else a["first_step"].text
    sure = a.get("confidence_again") or a["confidence"]
    target = a["savings_target"].number if "savings_target" in a else None
    monthly = a["monthly_saving"].number if "monthly_saving" in a else None
    months = savings_months(target, monthly) if target and monthly is not None else None
    due = a["step_date"].day
    assert due is not None and s.chosen_path is not None and sure.number is not None
    return Plan(
        path=s.chosen_path,
        first_step=step,
        due=due,
        obstacle=a["obstacle"].text,
        if_then=a["if_then"].text,
        confidence=int(sure.number),
        savings_target=target,
        monthly_saving=monthly if target is not None else None,
        months=months,
        created=today,
    )


def check_in_due(flow: Flow, s: CoachState, today: date) -> bool:
    """Whether to open with a check-in: a plan, and a later day than it or the last check-in.

    Not when a check-in is already under way (the question is still on screen).
    """
    if s.plan is None or flow.is_check_in(s.pending) or not flow.check_in:
        return False
    last = max((c.day for c in s.check_ins), default=s.plan.created)
    return today > last


def next_check_in_step(flow: Flow, s: CoachState, after: str) -> Step | None:
    """The check-in step after ``after`` that applies (what got in the way: only if not done)."""
    ids = [x.id for x in flow.check_in]
    rest = flow.check_in[ids.index(after) + 1 :]
    # A step already answered in passing ("apply to 3 jobs on friday" gives the day) is skipped.
    return next((x for x in rest if applies(flow, s, x) and x.id not in s.answers), None)


def finish_check_in(s: CoachState, today: date) -> str:
    """Record the check-in from its answers and move the plan on; returns how it went."""
    assert s.plan is not None
    a = s.answers
    kept = a.pop("checkin_kept").value or "not_yet"
    obstacle = a.pop("checkin_obstacle", None)
    reflection = a.pop("checkin_activity", None)
    next_step = a.pop("checkin_next")
    due = a.pop("checkin_date").day
    assert due is not None and kept in ("done", "partly", "not_yet")
    s.check_ins.append(
        CheckIn(
            day=today,
            kept=kept,  # type: ignore[arg-type]
            note=obstacle.text if obstacle else "",
            step=s.plan.first_step,
            next_step=next_step.text,
            next_due=due,
            activity=(to_follow_up(s) or "") if reflection else "",
            activity_answer=reflection.text if reflection else "",
        )
    )
    s.plan = s.plan.model_copy(update={"first_step": next_step.text, "due": due})
    s.pending, s.phase = None, "summary"
    return kept


def quick_answers(flow: Flow, s: CoachState) -> list[str]:
    """The few fixed answers the pending question takes, in the user's language, or [].

    The interface offers them as choices to pick with a key or a click; typing still works.
    Each is a text the offline reader understands, so picking one is the same as typing it.
    """
    if s.pending is None or s.paused:
        return []
    step = flow.step(s.pending)
    lang = s.language
    unsure = flow.text("unsure", lang)
    if step.kind == "yesno":
        return [flow.text("yes", lang), flow.text("no", lang), unsure]
    if step.kind == "choice":
        labels = [c.label(lang) for c in step.choices]
        return labels if flow.is_check_in(step.id) else [*labels, unsure]
    if step.kind == "path_choice":
        return [f"{n}. {flow.path(p).title(lang)}" for n, p in enumerate(s.candidate_paths, 1)]
    return []
