"""Shared fixtures: real settings in a temporary data dir, a fixed clock, the real content."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from coach.bootstrap import build_context, load_content
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.session import Context
from coach.settings import Settings, resolve_settings
from tests.fake_openai import FakeOpenAI, running

# A Saturday, so "Friday" is six days on and "tomorrow" is a Sunday.
FIXED_NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def fixed_now() -> datetime:
    return FIXED_NOW


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the developer's content cache; the tests share one of their own
    (it is keyed by the data files' hash, so sharing it is what every start does)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        patch.delenv("COACH_CACHE_DIR", raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's real config, data or locale."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("COACH_LESSONS", raising=False)
    monkeypatch.delenv("COACH_FLOW_DIR", raising=False)
    monkeypatch.delenv("COACH_CONTENT", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken-cache"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def settings() -> Settings:
    return resolve_settings()


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = build_context(settings, now=fixed_now)
    yield context
    context.store.close()


@pytest.fixture(scope="session")
def content() -> tuple[Flow, LessonLibrary]:
    return load_content(resolve_settings(environ={"COACH_CONFIG": "/nonexistent/config.toml"}))


@pytest.fixture(scope="session")
def flow(content: tuple[Flow, LessonLibrary]) -> Flow:
    return content[0]


@pytest.fixture(scope="session")
def lessons(content: tuple[Flow, LessonLibrary]) -> LessonLibrary:
    return content[1]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """A real Chat Completions server on 127.0.0.1 that plays queued Scripts."""
    with running() as fake:
        yield fake


def llm_settings(base_url: str, **update: object) -> Settings:
    """Settings for the LLM engine against ``base_url``: fast timeouts, no silent retries."""
    base = resolve_settings(base_url=base_url)
    if isinstance(update.get("api_key"), str):
        update["api_key"] = SecretStr(str(update["api_key"]))
    return base.model_copy(update={"timeout": 5.0, "max_retries": 0, **update})


@pytest.fixture
def llm_ctx(server: FakeOpenAI) -> Iterator[Context]:
    context = build_context(llm_settings(server.base_url), now=fixed_now)
    yield context
    context.store.close()
