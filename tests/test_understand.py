"""Answer understanding in English and Russian: yes/no/unsure, numbers, amounts and dates."""

from __future__ import annotations

from datetime import date

import pytest

from coach.domain.flow import Flow
from coach.domain.text import detect_language
from coach.domain.understand import classify_yes_no, parse_amount, parse_date, parse_scale

SATURDAY = date(2026, 11, 21)

YES = ["yes", "Yes!", "yeah", "yep", "sure", "of course", "Definitely.", "I do", "ok", "opo",
       "да", "Да.", "ага", "угу", "конечно", "да, работаю", "Верно", "ну да", "ДА!"]  # fmt: skip
NO = ["no", "No.", "nope", "nah", "not really", "never", "I don't", "not at all",
      "нет", "Нет.", "неа", "не работаю", "вовсе нет", "конечно нет", "пока нет"]  # fmt: skip
UNSURE = ["maybe", "not sure", "I'm not sure", "I don't know", "idk", "dunno", "perhaps",
          "kind of", "no idea", "hard to say", "может быть", "не знаю", "хз", "наверное",
          "не уверена", "сложно сказать", "Не знаю, наверное"]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_yes(flow: Flow, text: str) -> None:
    assert classify_yes_no(text, flow.keywords.yes_no()) == "yes"


@pytest.mark.parametrize("text", NO)
def test_no(flow: Flow, text: str) -> None:
    assert classify_yes_no(text, flow.keywords.yes_no()) == "no"


@pytest.mark.parametrize("text", UNSURE)
def test_unsure(flow: Flow, text: str) -> None:
    assert classify_yes_no(text, flow.keywords.yes_no()) == "unsure"


@pytest.mark.parametrize("text", ["nurse", "blue", "пятница", "42", ""])
def test_unclear_answers_are_none(flow: Flow, text: str) -> None:
    assert classify_yes_no(text, flow.keywords.yes_no()) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5000", 5000),
        ("about 5k a month", 5000),
        ("5,000", 5000),
        ("5 000", 5000),
        ("₱5,000 pesos", 5000),
        ("$300", 300),
        ("1.5k", 1500),
        ("2 million", 2_000_000),
        ("10 тыс", 10_000),
        ("10 тысяч рублей", 10_000),
        ("1,5 тыс", 1500),
        ("15к", 15_000),
        ("nothing", 0),
        ("ничего", 0),
        ("zero", 0),
        ("120,000.50", 120_000.5),
        ("5 months", 5),
    ],
)
def test_amounts(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["a lot", "не знаю", ""])
def test_no_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "value"), [("7", 7), ("7/10", 7), ("seven", 7), ("семь", 7), ("0", 0), ("10", 10)]
)
def test_scale(text: str, value: int) -> None:
    assert parse_scale(text) == value


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "high"])
def test_scale_out_of_range(text: str) -> None:
    assert parse_scale(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 21)),
        ("tomorrow", date(2026, 11, 22)),
        ("Friday", date(2026, 11, 27)),
        ("by friday", date(2026, 11, 27)),
        ("Saturday", date(2026, 11, 21)),
        ("Mon", date(2026, 11, 23)),
        ("in 3 days", date(2026, 11, 24)),
        ("next week", date(2026, 11, 28)),
        ("2026-11-30", date(2026, 11, 30)),
        ("27.11", date(2026, 11, 27)),
        ("27/11/2026", date(2026, 11, 27)),
        ("11/27", date(2026, 11, 27)),
        ("Nov 27", date(2026, 11, 27)),
        ("27 November", date(2026, 11, 27)),
        ("5 Jan", date(2027, 1, 5)),
        ("завтра", date(2026, 11, 22)),
        ("в пятницу", date(2026, 11, 27)),
        ("через 2 дня", date(2026, 11, 23)),
        ("через неделю", date(2026, 11, 28)),
        ("27 ноября", date(2026, 11, 27)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, SATURDAY) == expected


@pytest.mark.parametrize("text", ["soon", "когда-нибудь", "31.02"])
def test_no_date(text: str) -> None:
    assert parse_date(text, SATURDAY) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [("I want to be a nurse", "en"), ("Хочу стать медсестрой", "ru"), ("ok", None), ("5000", None)],
)
def test_language_detection(text: str, language: str | None) -> None:
    assert detect_language(text) == language
