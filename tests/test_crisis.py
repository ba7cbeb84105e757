"""Crisis care: detection measured on labelled phrases, and the caring pause in both engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from coach.bootstrap import build_engine, load_care
from coach.domain.crisis import CrisisCare
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.state import CoachState
from coach.engines.base import Reply
from coach.engines.care import Care
from coach.engines.llm import LLMEngine
from coach.engines.offline import OfflineEngine
from coach.settings import resolve_settings
from tests.conftest import llm_settings
from tests.engines import OPENED, close_engines
from tests.fake_openai import FakeOpenAI, Script

__all__ = ["close_engines"]  # the autouse fixture that closes each test's engines

PHRASES = yaml.safe_load((Path(__file__).parent / "crisis_phrases.yaml").read_text("utf-8"))
TODAY = date(2026, 11, 21)


def _care(country: str | None) -> Care:
    return load_care(resolve_settings().model_copy(update={"country": country}))


def care_for() -> CrisisCare:
    return _care(None).crisis


def rates(care: CrisisCare, split: str, lang: str) -> tuple[float, float]:
    pos, neg = PHRASES[split][lang]["positive"], PHRASES[split][lang]["negative"]
    recall = sum(care.detects(p) for p in pos) / len(pos)
    false_alarms = sum(care.detects(n) for n in neg) / len(neg)
    return recall, false_alarms


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_there_are_at_least_40_labelled_phrases_per_language(lang: str) -> None:
    total = sum(
        len(PHRASES[split][lang][kind]) for split in PHRASES for kind in PHRASES[split][lang]
    )
    assert total >= 40


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("split", ["tuning", "revision", "revision_2", "revision_4"])
def test_every_phrase_the_patterns_were_built_from_is_still_right(split: str, lang: str) -> None:
    care = care_for()
    pos, neg = PHRASES[split][lang]["positive"], PHRASES[split][lang]["negative"]
    assert [p for p in pos if not care.detects(p)] == (
        ["Сегодня ночью я всё закончу"] if (split, lang) == ("revision_2", "ru") else []
    )  # "I'll finish it all tonight" reads as finishing work just as often; left out
    assert [n for n in neg if care.detects(n)] == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_held_out_figures_do_not_get_worse_than_measured(lang: str) -> None:
    """The README's table: 30% (en) and 40% (ru) recall, no false alarms, on phrases never
    tuned on. A floor against regressions, not a goal."""
    recall, false_alarms = rates(care_for(), "held_out", lang)
    assert recall >= {"en": 0.3, "ru": 0.4}[lang] and false_alarms <= 0.1


def test_the_issues_examples() -> None:
    care = care_for()
    assert not care.detects("I'm dying to quit this job")
    assert care.detects("I don't want to wake up tomorrow")


def test_resources_follow_the_country() -> None:
    care = care_for()
    ph = care.reply("PH", "en")
    assert "1553" in ph and "911" in ph and "findahelpline.com" in ph
    ru = care.reply("RU", "ru")
    assert "8-800-2000-122" in ru and "112" in ru and "findahelpline.com" in ru
    nowhere = care.reply(None, "en")
    assert "your local emergency number" in nowhere and "findahelpline.com" in nowhere
    assert "988" in care.reply("us", "en") and "116 123" in care.reply("GB", "en")
    assert "14416" in care.reply("IN", "en")


def test_the_country_comes_from_config_or_locale(tmp_path: Path) -> None:
    env = {"COACH_CONFIG": str(tmp_path / "none.toml"), "LANG": "en_PH.UTF-8"}
    assert resolve_settings(env).country == "PH"
    assert resolve_settings({**env, "LANG": "ru_RU.UTF-8"}).country == "RU"
    assert resolve_settings({**env, "LANG": "C.UTF-8"}).country is None
    config = tmp_path / "config.toml"
    config.write_text('country = "gb"\n', encoding="utf-8")
    assert resolve_settings({**env, "COACH_CONFIG": str(config)}).country == "GB"


def offline(flow: Flow, lessons: LessonLibrary, country: str | None) -> OfflineEngine:
    return OfflineEngine(flow, lessons, lambda: TODAY, _care(country))


def test_offline_pauses_with_care_and_goes_on_only_when_asked(
    flow: Flow, lessons: LessonLibrary
) -> None:
    engine = offline(flow, lessons, "PH")
    state = engine.opening(CoachState()).state
    state = engine.respond(state, "I want to be a nurse").state
    before = state.pending
    reply = engine.respond(state, "honestly I don't want to wake up tomorrow")
    assert reply.state.paused and reply.state.pending == before
    assert "1553" in reply.text and "pausing our coaching" in reply.text
    assert reply.state.answers == state.answers  # nothing recorded from that message
    holding = engine.respond(reply.state, "to help my family")
    assert holding.state.paused and "still here" in holding.text
    assert holding.state.answers == state.answers
    back = engine.respond(holding.state, "continue")
    assert not back.state.paused and back.state.pending == before
    assert back.text.endswith(engine.ask(back.state, flow.step(before or "")))


def test_offline_russian_crisis_gets_russian_care(flow: Flow, lessons: LessonLibrary) -> None:
    engine = offline(flow, lessons, "RU")
    state = engine.opening(CoachState()).state
    reply = engine.respond(state, "Не хочу больше жить")
    assert reply.state.language == "ru" and reply.state.paused
    assert "8-800-2000-122" in reply.text and "112" in reply.text and "продолжим" in reply.text
    back = engine.respond(reply.state, "продолжим")
    assert not back.state.paused


def test_figures_of_speech_keep_the_coaching_going(flow: Flow, lessons: LessonLibrary) -> None:
    engine = offline(flow, lessons, None)
    state = engine.opening(CoachState()).state
    reply = engine.respond(state, "I'm dying to quit this job and be a nurse")
    assert not reply.state.paused and reply.state.dream_job is not None


def llm(server: FakeOpenAI, flow: Flow, lessons: LessonLibrary, **update: object) -> LLMEngine:
    settings = llm_settings(server.base_url, country="PH", **update)
    engine = build_engine(settings, flow, lessons, lambda: TODAY, load_care(settings))
    assert isinstance(engine, LLMEngine)
    OPENED.append(engine)
    return engine


async def last_reply(engine: LLMEngine, state: CoachState, text: str) -> Reply:
    reply = None
    async for event in engine.stream(state, [], text):
        if isinstance(event, Reply):
            reply = event
    assert reply is not None
    return reply


async def test_with_a_model_the_keyword_layer_answers_before_any_request(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = llm(server, flow, lessons)
    state = engine.opening(CoachState()).state
    reply = await last_reply(engine, state, "I want to kill myself")
    assert reply.state.paused and "1553" in reply.text
    assert server.requests == [] and server.moderated == []


async def test_with_a_model_moderation_catches_what_keywords_miss(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    quiet = "I know what I have to do now"  # below both local layers
    server.moderation = lambda text: text == quiet
    engine = llm(server, flow, lessons, moderation=True)
    assert not engine.care.crisis.detects(quiet)  # type: ignore[union-attr]
    state = engine.opening(CoachState()).state
    reply = await last_reply(engine, state, quiet)
    assert reply.state.paused and "1553" in reply.text and server.requests == []
    server.add(Script(text="Tell me more about nursing."))
    ok = await last_reply(engine, reply.state.model_copy(update={"paused": False}), "a nurse")
    assert not ok.state.paused and server.moderated == [quiet, "a nurse"]


async def test_a_server_without_moderation_just_coaches(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = llm(server, flow, lessons, moderation=True)
    state = engine.opening(CoachState()).state
    server.add(Script(text="Why a nurse?"), Script(text="And by when?"))
    first = await last_reply(engine, state, "a nurse")
    second = await last_reply(engine, first.state, "to help people")
    # the model's words first; what the offline reading noted follows (no tool calls here)
    assert first.text.startswith("Why a nurse?") and second.text.startswith("And by when?")
    assert server.moderated == ["a nurse"]  # a 404 turns it off for the session


async def test_with_a_model_scope_is_refused_in_code(
    server: FakeOpenAI, flow: Flow, lessons: LessonLibrary
) -> None:
    engine = llm(server, flow, lessons)
    state = engine.opening(CoachState()).state
    state = state.model_copy(update={"pending": "monthly_saving", "phase": "reality"})
    reply = await last_reply(engine, state, "Should I put my savings into crypto?")
    assert "too fast" in reply.text.lower() and server.requests == []
    assert reply.state.pending == "monthly_saving"


async def test_in_the_app_a_crisis_pauses_coaching_across_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.bootstrap import build_context
    from coach.ui.widgets.messages import CoachMessage
    from tests.conftest import fixed_now
    from tests.pilot import SIZE, chat, make_app, send

    monkeypatch.setenv("LANG", "en_PH.UTF-8")
    settings = resolve_settings()
    ctx = build_context(settings, now=fixed_now)
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "I want to be a nurse")
        await send(pilot, "to be honest I want to end my life")
        last = list(app.screen.query(CoachMessage))[-1]
        assert "1553" in last.text and "911" in last.text and "findahelpline.com" in last.text
        assert chat(pilot).session.state.paused
        assert "Coaching paused" in str(app.screen.query_one("#progress").render())
        await pilot.press("ctrl+q")
    cid = ctx.store.latest()
    assert cid is not None and ctx.store.state(cid).paused
    again = make_app(settings, ctx, resume_id=cid)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await send(pilot, "continue")
        state = chat(pilot).session.state
        assert not state.paused and state.pending == "why"
    ctx.store.close()
