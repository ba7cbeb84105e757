"""Settings: the one place that reads the environment, the config file and platform paths.

Every other object is handed its paths; nothing else looks them up. Precedence, highest
first: command-line flags, environment variables, the config file, defaults.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from coach.context.models import DEFAULT_MODEL, ModelOverride
from coach.domain.files import UnreadableFile, read_limited
from coach.domain.locale import LocaleError, Registry, discover
from coach.domain.text import Language

APP_NAME = "coach"
ENV_DATA_DIR = "COACH_DATA_DIR"
ENV_CONFIG = "COACH_CONFIG"
ENV_LESSONS = "COACH_LESSONS"
ENV_FLOW_DIR = "COACH_FLOW_DIR"
ENV_ENCODER = "COACH_ENCODER"
ENV_CONTENT = "COACH_CONTENT"
ENV_CACHE_DIR = "COACH_CACHE_DIR"
ENV_API_KEY = "OPENAI_API_KEY"
ENV_BASE_URL = "OPENAI_BASE_URL"
DEFAULT_TIMEOUT = 60.0
MAX_CONFIG_BYTES = 1_000_000
"""A config file is a few lines; anything bigger (or /dev/zero) is a mistake, said at once."""


class SettingsError(ValueError):
    """A configuration problem, worded for the user in one line."""


class UnknownLanguage(SettingsError):
    """A language asked for (--lang, config.toml) that no locale folder registers."""


class ModelLimits(BaseModel):
    """A ``[models."name"]`` table: limits for a model the built-in table gets wrong or lacks."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    context_window: int | None = Field(default=None, gt=0)
    max_output: int | None = Field(default=None, gt=0)
    encoding: str | None = None


class ConfigFile(BaseModel):
    """What ``config.toml`` may contain. Unknown keys are an error, so typos are caught."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    data_dir: Path | None = None
    """Where conversations are stored (default: the platform's user data directory)."""

    lessons: list[Path] = []
    """Extra lesson folders, read after the built-in lessons; their lessons win on equal ids."""

    language: Language | None = None
    """The language the coach starts in before the user writes (default: from the locale)."""

    flow_dir: Path | None = None
    """A folder with flow.yaml, messages.yaml and keywords.yaml that replaces the shipped flow."""

    content: list[Path] = []
    """Extra content folders laid out like the shipped prompts: a language pack is one."""

    api_key: SecretStr | None = None
    """The API key, if not in OPENAI_API_KEY. Keep the file private (chmod 600)."""

    base_url: str | None = None
    """An OpenAI-compatible server, such as http://localhost:11434/v1 for Ollama."""

    model: str | None = None
    """The model name the server knows (default: gpt-4o-mini)."""

    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the model server before giving up (default: 60)."""

    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    """Two-letter country code for crisis resources (default: from the locale, like en_PH)."""

    moderation: bool | None = None
    """Check messages with the server's moderation endpoint too (default: on for OpenAI)."""

    max_retries: int | None = Field(default=None, ge=0, le=10)
    """Retries of a failed request (429, 5xx, connection) before asking you (default 2)."""

    models: dict[str, ModelLimits] = {}
    """Per-model context window, output limit and tokenizer encoding."""

    keys: dict[str, str] = {}
    """Remapped keys, such as new = "ctrl+t" (the names are in the help screen, F1)."""


class Settings(BaseModel):
    """The resolved settings the app is built from."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    data_dir: Path
    """The private folder holding coach.db."""

    cache_dir: Path | None = None
    """Where validated content is kept between starts (``coach.content_cache``); None: not kept."""

    config_path: Path
    """The config file that was (or would be) read."""

    lesson_dirs: tuple[Path, ...] = ()
    """Extra lesson folders, in the order they are read."""

    language: Language = "en"
    """The starting language of a new conversation."""

    flow_dir: Path | None = None
    """A replacement flow folder, or None for the shipped one."""

    content_dirs: tuple[Path, ...] = ()
    """Extra content folders (language packs): config.toml's, then COACH_CONTENT's."""

    api_key: SecretStr | None = None
    """Shown only masked; SecretStr keeps it out of reprs and logs."""

    base_url: str | None = None
    model: str = DEFAULT_MODEL
    offline: bool = False
    """Forced by --offline; the offline engine also runs when there is no key and no URL."""

    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 2
    country: str | None = None
    """For crisis resources: from config.toml, else the locale's territory."""
    moderation: bool = False
    model_overrides: dict[str, ModelOverride] = {}
    keys: dict[str, str] = {}
    encoder: bool = True
    """The offline sentence encoder; COACH_ENCODER=off runs on the rules alone."""
    sources: dict[str, str] = {}
    """Where each setting came from ("--model", "OPENAI_API_KEY", "config.toml", "default")."""

    @property
    def use_llm(self) -> bool:
        return not self.offline and (self.api_key is not None or self.base_url is not None)

    def prompts(self) -> Traversable:
        """The shipped prompts folder inside the installed package."""
        return files("coach.prompts")

    def flow_folder(self) -> Traversable:
        return self.flow_dir if self.flow_dir is not None else self.prompts() / "flow"

    def lessons_folder(self) -> Traversable:
        return self.prompts() / "lessons"

    def content_roots(self) -> list[tuple[str, Traversable]]:
        """Every folder the flow, lessons, activities and safety data are read from, by role."""
        return [
            ("shipped", self.prompts()),
            *([("flow", self.flow_dir)] if self.flow_dir is not None else []),
            *(("lessons", folder) for folder in self.lesson_dirs),
            *(("content", folder) for folder in self.content_dirs),
        ]

    def locales(self) -> Registry:
        """The shipped languages and those of the content folders."""
        return discover(self.content_dirs)


def _locale_language(environ: Mapping[str, str], codes: Sequence[str]) -> Language:
    """The registered language a locale like ru_RU.UTF-8 names, else English."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if environ.get(key):
            current = environ[key]
            break
    else:
        current = locale.getlocale()[0] or ""
    return next((c for c in codes if current.lower().startswith(c.lower())), "en")


def _locale_country(environ: Mapping[str, str]) -> str | None:
    """The territory of a locale like en_PH.UTF-8 or ru_RU, if there is one."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key, "")
        if value:
            territory = value.split(".")[0].split("@")[0].partition("_")[2]
            return territory.upper() if len(territory) == 2 and territory.isalpha() else None
    return None


def _read_config(path: Path) -> ConfigFile:
    try:
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
    except UnreadableFile as exc:
        if exc.missing:
            return ConfigFile()
        raise SettingsError(f"the config file {path} {exc}") from None
    except UnicodeDecodeError as exc:
        raise SettingsError(f"cannot read the config file {path}: {exc}") from None
    import tomllib  # only with a config file: most starts have none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(p) for p in error["loc"])
        raise SettingsError(f"{path}: {place}: {error['msg']}") from None


def _expand(path: Path, base: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else base / path


def _pick(
    sources: dict[str, str], key: str, *candidates: tuple[str, object | None]
) -> object | None:
    """The first candidate that is set, remembering where it came from."""
    for origin, value in candidates:
        if value is not None and value != "":
            sources[key] = origin
            return value
    sources[key] = "default"
    return None


def resolve_settings(
    environ: Mapping[str, str] | None = None,
    lesson_dirs: Sequence[Path] = (),
    language: Language | None = None,
    model: str | None = None,
    base_url: str | None = None,
    offline: bool = False,
) -> Settings:
    """Combine flags, environment and config file into Settings."""
    env = os.environ if environ is None else environ
    config_path = Path(
        env.get(ENV_CONFIG) or Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"
    ).expanduser()
    config = _read_config(config_path)
    base = config_path.parent
    if env.get(ENV_DATA_DIR):
        data_dir = Path(env[ENV_DATA_DIR]).expanduser()
    elif config.data_dir is not None:
        data_dir = _expand(config.data_dir, base)
    else:
        data_dir = Path(platformdirs.user_data_dir(APP_NAME))
    cache_dir = Path(env.get(ENV_CACHE_DIR) or platformdirs.user_cache_dir(APP_NAME)).expanduser()
    env_lessons = [Path(p).expanduser() for p in env.get(ENV_LESSONS, "").split(os.pathsep) if p]
    dirs = [_expand(p, base) for p in config.lessons] + env_lessons + list(lesson_dirs)
    flow_dir = Path(env[ENV_FLOW_DIR]) if env.get(ENV_FLOW_DIR) else config.flow_dir
    env_content = [Path(p).expanduser() for p in env.get(ENV_CONTENT, "").split(os.pathsep) if p]
    content = tuple([_expand(p, base) for p in config.content] + env_content)
    try:
        codes = discover(content).codes
    except LocaleError as exc:
        raise SettingsError(str(exc)) from None
    chosen = language or config.language
    if chosen is not None and chosen not in codes:
        raise UnknownLanguage(f"unknown language {chosen!r}; known: {', '.join(codes)}")
    sources: dict[str, str] = {}
    file_key = config.api_key.get_secret_value() if config.api_key else None
    key = _pick(sources, "api_key", (ENV_API_KEY, env.get(ENV_API_KEY)), ("config.toml", file_key))
    url = _pick(
        sources,
        "base_url",
        ("--base-url", base_url),
        (ENV_BASE_URL, env.get(ENV_BASE_URL)),
        ("config.toml", config.base_url),
    )
    chosen_model = _pick(sources, "model", ("--model", model), ("config.toml", config.model))
    timeout = _pick(sources, "timeout", ("config.toml", config.timeout))
    sources["offline"] = "--offline" if offline else "default"
    overrides = {
        name: ModelOverride(limits.context_window, limits.max_output, limits.encoding)
        for name, limits in config.models.items()
    }
    return Settings(
        api_key=SecretStr(str(key)) if key else None,
        base_url=str(url) if url else None,
        model=str(chosen_model or DEFAULT_MODEL),
        offline=offline,
        timeout=float(str(timeout)) if timeout else DEFAULT_TIMEOUT,
        max_retries=config.max_retries if config.max_retries is not None else 2,
        country=(config.country or "").upper() or _locale_country(env),
        # OpenAI's own API has the moderation endpoint; other servers rarely do.
        moderation=config.moderation if config.moderation is not None else not url,
        model_overrides=overrides,
        keys=dict(config.keys),
        encoder=env.get(ENV_ENCODER, "").strip().lower() not in ("0", "off", "no", "false"),
        sources=sources,
        data_dir=data_dir,
        cache_dir=cache_dir,
        config_path=config_path,
        lesson_dirs=tuple(dirs),
        language=chosen or _locale_language(env, codes),
        flow_dir=_expand(flow_dir, base) if flow_dir is not None else None,
        content_dirs=content,
    )
