"""Start-up runs with the garbage collector paused (coach/start.py); every way coach goes on
afterwards collects again, so a long conversation's memory is reclaimed as before."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from coach.cli import main
from coach.session import Context
from coach.settings import Settings
from tests.pilot import SIZE, make_app


@pytest.fixture
def paused() -> Iterator[None]:
    gc.disable()  # as coach/start.py leaves it
    try:
        yield
    finally:
        gc.enable()


def test_a_command_collects_again_once_it_starts(paused: None) -> None:
    assert main(["list"]) == 0
    assert gc.isenabled()


async def test_the_app_collects_again_after_its_first_frame(
    paused: None, settings: Settings, ctx: Context
) -> None:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled()
