"""Known models' context windows and output limits, overridable per model in the config file."""

from __future__ import annotations

import re
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
    output_set: bool = False
    """The user set max_output for this model in config.toml: it is the reply budget as is."""

    @property
    def reasoning(self) -> bool:
        """A model that thinks before it answers, and spends reply tokens doing it."""
        return REASONING.search(self.name) is not None

    @property
    def reply_reserve(self) -> int:
        """Tokens kept free for the reply, never more than half the window.

        The user's max_output is honoured; otherwise a coach's answer needs about 1,024 and a
        thinking model several times that, within what the model table allows.
        """
        wanted = self.max_output
        if not self.output_set:
            default = REASONING_REPLY if self.reasoning else REPLY
            wanted = min(self.max_output, default)
        return max(1, min(wanted, self.context_window // 2))


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
UNKNOWN_WINDOW = 4_096
"""Ollama's default context on smaller GPUs; a larger window is set in config.toml."""
UNKNOWN_OUTPUT = 8_192
REPLY = 1_024
REASONING_REPLY = 4_096
REASONING = re.compile(
    r"^(o\d|gpt-5|gpt-oss)|r1\b|-r1|qwq|qwen3|think|reason|magistral|deepseek-r", re.IGNORECASE
)


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
        output_set=override.max_output is not None,
    )
