"""The offline guided engine on the shipped flow: whole sessions in both languages, branches, rails.

The mechanics that hold on any flow (re-asks, language, escaping, purity) are tested on a small
test-only flow in test_engine_small.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.state import CoachState
from coach.engines.offline import OfflineEngine
from tests.scenarios import ENGLISH_ANSWERS, RUSSIAN_ANSWERS, converse, play


@pytest.fixture
def engine(flow: Flow, lessons: LessonLibrary) -> OfflineEngine:
    return OfflineEngine(flow, lessons, lambda: date(2026, 11, 21))


def test_opening_says_what_the_coach_is_and_is_not(engine: OfflineEngine) -> None:
    reply = engine.opening(CoachState())
    assert "AI career coach" in reply.text
    assert "not a therapist" in reply.text and "financial or legal adviser" in reply.text
    assert "stays on this computer" in reply.text
    assert "offline guided mode" in reply.text
    assert reply.state.phase == "goal" and reply.state.pending == "dream_job"


def test_english_session_reaches_a_plan_card(engine: OfflineEngine) -> None:
    replies = converse(engine, ENGLISH_ANSWERS)
    state = replies[-1].state
    assert state.phase == "summary" and state.pending is None
    plan = state.plan
    assert plan is not None
    assert plan.path == "tuition"
    assert plan.first_step == "just open the school's website and write down the fee"
    assert plan.due == date(2026, 11, 27)
    assert plan.confidence == 8
    assert (plan.savings_target, plan.monthly_saving, plan.months) == (120_000, 5000, 24)
    card = replies[-1].text
    assert "120,000 ÷ 5,000 a month = about 24 months" in card
    assert "Fri 27 Nov 2026" in card
    assert state.answers["dream_job"].text == "nurse"  # the fact, not the sentence


def test_options_are_grounded_in_quotes_cited_by_lesson_title(engine: OfflineEngine) -> None:
    options = converse(engine, ENGLISH_ANSWERS, until="choose_path")[-1]
    assert options.state.phase == "options"
    assert options.state.candidate_paths == ["escape_plan", "tuition", "courses"]
    assert '"Use the call center money to save up then pay your tuition."' in options.text
    assert "*Is Your Dream Job Working for a Call Center or BPO?*" in options.text
    assert "*Quit Your Customer Support Jobs in 2022*" in options.text
    assert "(you were not sure)" in options.text


def test_low_confidence_makes_the_step_smaller(engine: OfflineEngine) -> None:
    state = play(engine, ENGLISH_ANSWERS, until="confidence")
    reply = engine.respond(state, "5")
    assert reply.state.pending == "smaller_step"
    assert "smaller version" in reply.text


def test_high_confidence_keeps_the_step(engine: OfflineEngine) -> None:
    answers = {**ENGLISH_ANSWERS, "confidence": "9", "savings_target": "120000"}
    state = play(engine, answers)
    assert state.plan is not None
    assert state.plan.first_step == "find the tuition of one nursing school"
    assert state.plan.confidence == 9
    assert "smaller_step" not in state.answers


def test_russian_session_reaches_a_plan_card_in_russian(engine: OfflineEngine) -> None:
    replies = converse(engine, RUSSIAN_ANSWERS)
    state = replies[-1].state
    assert state.language == "ru"
    assert state.plan is not None and state.plan.path == "get_hired"
    assert state.answers["line"].value == "inbound"
    assert state.plan.due == date(2026, 11, 22)
    assert "Ваш план" in replies[-1].text
    assert "вс, 22 ноября 2026" in replies[-1].text
    assert state.plan.savings_target is None  # the path is not about money


def test_russian_options_quote_english_lessons_with_a_translation(engine: OfflineEngine) -> None:
    options = converse(engine, RUSSIAN_ANSWERS, until="choose_path")[-1]
    assert "«Колл центр - это место, где получить работу легче всего.»" in options.text
    assert "По-русски: Копите с зарплаты в колл-центре" in options.text


def test_unclear_answer_reasks_without_losing_state(engine: OfflineEngine) -> None:
    state = play(engine, ENGLISH_ANSWERS, until="in_call_center")
    reply = engine.respond(state, "purple")
    assert reply.state.pending == "in_call_center"
    assert "yes, no or not sure" in reply.text
    assert reply.state.answers == state.answers


def test_investment_advice_is_declined_and_the_question_comes_back(
    engine: OfflineEngine,
) -> None:
    state = play(engine, ENGLISH_ANSWERS, until="q_diploma")
    reply = engine.respond(state, "Should I put my savings into crypto instead?")
    assert "can't give investment, trading, crypto" in reply.text
    assert "too fast" in reply.text
    assert reply.state.pending == state.pending and reply.state.answers == state.answers
    ru = engine.respond(state, "стоит ли вложиться в биткоин?")
    assert "не даю советов" in ru.text


def test_a_dream_job_that_mentions_a_topic_is_not_refused(engine: OfflineEngine) -> None:
    first = engine.opening(CoachState())
    reply = engine.respond(first.state, "tax accountant, can I do that?")
    assert reply.state.answers["dream_job"].text == "tax accountant"


def test_no_path_chosen_falls_back_to_small_steps(engine: OfflineEngine) -> None:
    answers = {
        "dream_job": "chef",
        "why": "love food",
        "by_when": "5 years",
        "in_call_center": "yes",
        "shift": "day",
        "rest_days": "1",
        "burnt_out": "no",
        "monthly_saving": "0",
        "q_diploma": "no",
        "q_courses": "no",
        "q_business": "no",
        "q_passion": "no",
    }
    reply = converse(engine, answers, until="choose_path")[-1]
    assert reply.state.candidate_paths == ["small_steps"]
    assert '"Consistent, slow, small steps forward."' in reply.text


def test_zero_savings_explains_instead_of_dividing(engine: OfflineEngine) -> None:
    answers = {
        **ENGLISH_ANSWERS,
        "monthly_saving": "nothing",
        "confidence": "9",
        "savings_target": "50000",
    }
    final = converse(engine, answers)[-1]
    assert final.state.plan is not None and final.state.plan.months is None
    assert "nothing is left to save yet" in final.text


def test_after_the_plan_the_coach_points_back_to_the_step(engine: OfflineEngine) -> None:
    final = play(engine, ENGLISH_ANSWERS)
    reply = engine.respond(final, "thanks!")
    assert "Your plan is saved" in reply.text and reply.state.plan == final.plan


@pytest.mark.parametrize(
    ("answer", "next_step"),
    [
        ("I work at Concentrix as a CSR", "shift"),
        ("I'm a student", "line"),
        ("about to start next month", "line"),
        ("да, работаю оператором", "shift"),
        ("я студентка", "line"),
    ],
)
def test_call_center_question_understands_real_answers(
    engine: OfflineEngine, answer: str, next_step: str
) -> None:
    state = play(engine, ENGLISH_ANSWERS, until="in_call_center")
    assert engine.respond(state, answer).state.pending == next_step


def test_a_reply_starting_with_the_users_words_is_capitalised(engine: OfflineEngine) -> None:
    first = engine.opening(CoachState())
    assert engine.respond(first.state, "a nurse").text.startswith("Nurse: that is a goal")
