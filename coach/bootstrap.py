"""Builds everything the app needs from Settings: flow, lessons, store and engine.

Kept apart from the UI factory so the CLI's non-UI commands and the tests build the same
objects the app uses, without importing textual.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from coach.content_cache import ContentCache
from coach.domain.activities import ActivityCatalog, load_catalog
from coach.domain.crisis import load_crisis
from coach.domain.crisis_model import CrisisModel
from coach.domain.flow import Flow, load_flow
from coach.domain.lessons import LessonLibrary, load_library
from coach.domain.locale import activate
from coach.domain.meaning import shared as shared_meaning
from coach.engines.base import Engine
from coach.engines.care import Care
from coach.engines.offline import OfflineEngine
from coach.session import Context
from coach.settings import Settings
from coach.store.db import Store
from coach.store.opening import open_store


def content_cache(settings: Settings) -> ContentCache:
    """The validated content of the last start, while no data file has changed since."""
    return ContentCache(settings.cache_dir, settings.content_roots())


def load_content(
    settings: Settings, cache: ContentCache | None = None
) -> tuple[Flow, LessonLibrary]:
    """The validated flow and the lesson library. Raises FlowError on a malformed flow."""
    activate(settings.locales())  # the data is checked against these languages

    def load() -> tuple[Flow, LessonLibrary]:
        flow = load_flow(settings.flow_folder())
        return flow, load_library(settings.lessons_folder(), settings.lesson_dirs)

    return (cache or content_cache(settings)).load("content", load)


def build_context(
    settings: Settings,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    store: Store | None = None,
) -> Context:
    """Flow, lessons, store and the default engine, wired together."""
    cache = content_cache(settings)  # the data files are hashed once for the three
    flow, lessons = load_content(settings, cache)

    def today() -> date:
        return now().astimezone().date()

    activities = load_activities_for(settings, cache)
    care = load_care(settings, cache)
    engine = build_engine(settings, flow, lessons, today, care, activities)
    return Context(
        today=today,
        store=store or open_store(settings.data_dir, now),
        engine=engine,
        flow=flow,
        lessons=lessons,
        activities=activities,
    )


def load_activities_for(settings: Settings, cache: ContentCache | None = None) -> ActivityCatalog:
    """The shipped writing activities and those in the user's lesson folders."""
    activate(settings.locales())
    return (cache or content_cache(settings)).load(
        "activities",
        lambda: load_catalog(settings.prompts() / "activities", settings.lesson_dirs),
    )


def load_care(settings: Settings, cache: ContentCache | None = None) -> Care:
    """Crisis care for the user's country. Raises CrisisError on malformed safety data.

    The classifier layer comes with the encoder; with COACH_ENCODER=off the patterns alone run.
    """
    activate(settings.locales())
    cache = cache or content_cache(settings)
    model = (
        CrisisModel(settings.prompts(), shared_meaning(), cache.load) if settings.encoder else None
    )
    crisis = cache.load("crisis", lambda: load_crisis(settings.prompts() / "safety"))
    return Care(crisis, settings.country, model)


def build_engine(
    settings: Settings,
    flow: Flow,
    lessons: LessonLibrary,
    today: Callable[[], date],
    care: Care | None = None,
    activities: ActivityCatalog | None = None,
) -> Engine:
    """The language-model engine when a key or a server is configured, else offline."""
    meaning = shared_meaning() if settings.encoder else None
    if not settings.use_llm:
        return OfflineEngine(flow, lessons, today, care, activities, meaning)
    from coach.context.models import model_info
    from coach.context.tokens import TokenCounter
    from coach.engines.llm import LLMConfig, LLMEngine
    from coach.engines.prompting import Prompts

    config = LLMConfig(
        model=model_info(settings.model, settings.model_overrides),
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        moderation=settings.moderation,
    )
    return LLMEngine(
        flow=flow,
        lessons=lessons,
        today=today,
        config=config,
        prompts=Prompts(settings.prompts() / "llm"),
        counter_factory=lambda info: TokenCounter(info.encoding, exact_for_model=info.known),
        care=care,
        activities=activities,
        meaning=meaning,
    )
