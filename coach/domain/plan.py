"""The plan card: savings arithmetic, dates and amounts in the user's language, and rendering."""

from __future__ import annotations

import math
from datetime import date

from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.locale import locale
from coach.domain.state import CoachState, Plan
from coach.domain.text import Language, escape_markdown


def savings_months(target: float, monthly: float) -> int | None:
    """Months to save ``target`` at ``monthly`` a month, rounded up; None if nothing is saved."""
    if monthly <= 0:
        return None
    return max(1, math.ceil(target / monthly))


def format_amount(value: float, language: Language) -> str:
    """120000 -> "120,000" in English, "120 000" in Russian; keeps cents only when present."""
    text = f"{value:,.2f}" if value != int(value) else f"{int(value):,}"
    marks = locale(language).amounts
    return text.replace(",", "\0").replace(".", marks.decimal).replace("\0", marks.thousands)


def format_date(day: date, language: Language) -> str:
    """A date with its weekday, so "Fri 27 Nov 2026" cannot be misread as 11/27 or 27/11."""
    words = locale(language).dates
    return words.format.format(
        weekday=words.weekdays[day.weekday()],
        day=day.day,
        month=words.months[day.month - 1],
        year=day.year,
    )


def savings_line(plan: Plan, flow: Flow, language: Language) -> str | None:
    """The savings math for the plan card, or None when money is not part of the plan."""
    if plan.savings_target is None:
        return None
    target = format_amount(plan.savings_target, language)
    if plan.months is None or plan.monthly_saving is None:
        return flow.text("savings_zero", language, target=target)
    monthly = format_amount(plan.monthly_saving, language)
    return flow.text("savings_math", language, target=target, monthly=monthly, months=plan.months)


def render_plan_card(
    state: CoachState, flow: Flow, lessons: LessonLibrary, heading: bool = True
) -> str:
    """The plan card as Markdown. User words are escaped so they show exactly as written."""
    plan = state.plan
    if plan is None:
        return ""
    lang = state.language
    path = flow.path(plan.path)
    lesson = lessons.get(path.lesson)
    source = f" ({escape_markdown(lesson.title)})" if lesson else ""
    rows = [f"### {flow.text('plan_title', lang)}", ""] if heading else []
    rows += [
        f"- **{flow.text('plan_dream', lang)}:** {escape_markdown(state.dream_job or '')}",
        f"- **{flow.text('plan_path', lang)}:** {path.title(lang)}{source}",
        f"- **{flow.text('plan_step', lang)}:** {escape_markdown(plan.first_step)}"
        f" ({flow.text('plan_by', lang)} {format_date(plan.due, lang)})",
        f"- **{flow.text('plan_if_then', lang)}:** {escape_markdown(plan.if_then)}",
        f"- **{flow.text('plan_confidence', lang)}:** {plan.confidence}/10",
    ]
    savings = savings_line(plan, flow, lang)
    if savings is not None:
        rows.append(f"- **{flow.text('plan_savings', lang)}:** {savings}")
    return "\n".join(rows)
