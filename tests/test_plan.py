"""Savings arithmetic and formatting for the plan card."""

from __future__ import annotations

from datetime import date

import pytest

from coach.domain.plan import format_amount, format_date, savings_months


@pytest.mark.parametrize(
    ("target", "monthly", "months"),
    [(120_000, 5000, 24), (10_000, 3000, 4), (100, 1000, 1), (5000, 0, None), (0, 500, 1)],
)
def test_savings_months_round_up(target: float, monthly: float, months: int | None) -> None:
    assert savings_months(target, monthly) == months


def test_amounts_read_naturally_in_each_language() -> None:
    assert format_amount(120_000, "en") == "120,000"
    assert format_amount(120_000, "ru") == "120\u00a0000"
    assert format_amount(1500.5, "ru") == "1\u00a0500,50"


def test_dates_carry_the_weekday() -> None:
    assert format_date(date(2026, 11, 27), "en") == "Fri 27 Nov 2026"
    assert format_date(date(2026, 11, 27), "ru") == "пт, 27 ноября 2026"
