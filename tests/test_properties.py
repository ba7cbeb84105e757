"""Property-based tests: no input, however strange, crashes parsing, understanding or display."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from importlib.resources import files

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.domain.crisis import load_crisis
from coach.domain.flow import Flow
from coach.domain.lessons import LessonError, LessonLibrary, parse_lesson
from coach.domain.state import CoachState
from coach.domain.text import clean_for_display, escape_markdown
from coach.domain.understand import classify_yes_no, parse_amount, parse_date, parse_scale
from coach.engines.offline import OfflineEngine

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TODAY = date(2026, 11, 21)
CRISIS = load_crisis(files("coach.prompts") / "safety")

# Text as people (and pastes) produce it: every plane, plus the characters that break things.
nasty = st.sampled_from(
    ["\x00", "\x1b", "\x9b", "\u202e", "\u200f", "\r\n", "\ufeff", "🙂", "ё", "---", "#", "?"]
)
text = st.lists(st.one_of(st.text(max_size=30), nasty), max_size=12).map("".join)
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(st.binary(max_size=2_000))
def test_any_bytes_parse_as_a_lesson_or_give_a_one_line_reason(raw: bytes) -> None:
    reason = ""
    try:
        lesson = parse_lesson("x", raw, "x.md")
    except LessonError as exc:
        reason = str(exc)
        assert reason and "\n" not in reason
        return
    assert lesson.title and lesson.language in ("en", "ru")


@common
@given(text.map(str.encode))
def test_any_text_with_front_matter_markers_parses_or_is_refused(raw: bytes) -> None:
    with contextlib.suppress(LessonError):
        lesson = parse_lesson("x", b"---\n" + raw + b"\n---\n" + raw, "x.md")
        assert lesson.title


@common
@given(text)
def test_understanding_never_raises_and_stays_in_range(value: str) -> None:
    scale = parse_scale(value)
    assert scale is None or 0 <= scale <= 10
    amount = parse_amount(value)
    assert amount is None or amount == amount  # never NaN
    parse_date(value, TODAY)
    classify_yes_no(value, {"yes": ["yes", "да"], "no": ["no", "нет"], "unsure": ["not sure"]})
    CRISIS.detects(value)


@common
@given(text)
def test_display_text_never_holds_a_control_character(value: str) -> None:
    cleaned = clean_for_display(value)
    assert not CONTROL.search(cleaned)
    assert clean_for_display(cleaned) == cleaned
    assert not CONTROL.search(escape_markdown(value))


@common
@given(st.lists(text, min_size=1, max_size=6))
def test_the_offline_engine_answers_anything_at_every_step(
    flow: Flow, lessons: LessonLibrary, messages: list[str]
) -> None:
    engine = OfflineEngine(flow, lessons, lambda: TODAY)
    state = engine.opening(CoachState()).state
    for message in messages:
        reply = engine.respond(state, message)
        assert reply.text.strip()
        state = reply.state
