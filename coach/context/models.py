"""Known models' context windows and output limits, overridable per model in the config file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class ModelInfo:
    """What the packer needs to know about a model."""

    name: str
    context_window: int
    max_output: int
    encoding: str = "o200k_base"
    known: bool = True
    """False for a model not in the table (a local server's): limits are cautious defaults."""

    @property
    def reply_reserve(self) -> int:
        """Tokens kept free for the reply: enough for a coach's answer, never most of the window."""
        return min(self.max_output, 1024, self.context_window // 4)


# Longest prefix wins, so dated snapshots ("gpt-4o-2024-08-06") find their family.
KNOWN: dict[str, tuple[int, int, str]] = {
    "gpt-5": (400_000, 128_000, "o200k_base"),
    "gpt-4.1": (1_047_576, 32_768, "o200k_base"),
    "gpt-4o": (128_000, 16_384, "o200k_base"),
    "chatgpt-4o": (128_000, 16_384, "o200k_base"),
    "o1": (200_000, 100_000, "o200k_base"),
    "o3": (200_000, 100_000, "o200k_base"),
    "o4-mini": (200_000, 100_000, "o200k_base"),
    "gpt-4-turbo": (128_000, 4_096, "cl100k_base"),
    "gpt-4-32k": (32_768, 8_192, "cl100k_base"),
    "gpt-4": (8_192, 8_192, "cl100k_base"),
    "gpt-3.5-turbo": (16_385, 4_096, "cl100k_base"),
}
UNKNOWN_WINDOW = 8_192
UNKNOWN_OUTPUT = 1_024


@dataclass(frozen=True)
class ModelOverride:
    """A config file's ``[models."name"]`` table: any field left out keeps the known value."""

    context_window: int | None = None
    max_output: int | None = None
    encoding: str | None = None


def model_info(name: str, overrides: Mapping[str, ModelOverride] | None = None) -> ModelInfo:
    """The limits for ``name``: the table, then the user's override for that exact name."""
    prefix = max((k for k in KNOWN if name.startswith(k)), key=len, default=None)
    if prefix is None:
        info = ModelInfo(name, UNKNOWN_WINDOW, UNKNOWN_OUTPUT, known=False)
    else:
        window, output, encoding = KNOWN[prefix]
        info = ModelInfo(name, window, output, encoding)
    override = (overrides or {}).get(name)
    if override is None:
        return info
    return ModelInfo(
        name,
        override.context_window or info.context_window,
        override.max_output or info.max_output,
        override.encoding or info.encoding,
        known=info.known,
    )
