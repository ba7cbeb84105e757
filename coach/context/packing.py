"""Packs one request under the model's context window with exact token counts.

Order of priority: the fixed instructions and safety rules (never trimmed), the coaching state
and next step, the user's new message, any tool round of this turn, then recent turns verbatim,
a summary of older turns, and the lesson passages that still fit. A reply reserve stays free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.context.models import ModelInfo
from coach.context.retrieval import Passage
from coach.context.tokens import TokenCounter

TURN_SHARE = 0.55
SUMMARY_SHARE = 0.15
SUMMARY_CAP = 1_500
MAX_PASSAGES = 12
SUMMARY_LINE_CHARS = 240
OPEN_TAG, CLOSE_TAG = "<lesson_passage", "</lesson_passage>"
_TAG = re.compile(r"<(/?)(lesson_passage)", re.IGNORECASE)
Message = dict[str, Any]


class ContextFull(ValueError):
    """Even the fixed parts and the new message do not fit the model's window."""

    def __init__(self, tokens: int, model: str) -> None:
        super().__init__(f"this message is {tokens} tokens too long for {model}'s context window")
        self.tokens, self.model = tokens, model


@dataclass(frozen=True)
class Turn:
    """A past user or coach message (never lesson text: only these go into the summary)."""

    role: str
    content: str


@dataclass
class Packed:
    """One request's messages and how the window was spent."""

    messages: list[Message]
    window: int
    reserve: int
    used: int
    passages: list[Passage] = field(default_factory=list)
    turns_verbatim: int = 0
    turns_summarized: int = 0

    @property
    def fullness(self) -> float:
        """How full the window is, counting the reply reserve as spoken for."""
        return min(1.0, (self.used + self.reserve) / self.window)


def neutralize(text: str) -> str:
    """Lesson text cannot close or open its own delimiter: the tag's ``<`` is replaced."""
    return _TAG.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)


def _attr(value: str) -> str:
    return json.dumps(neutralize(" ".join(value.split())), ensure_ascii=False)


def render_passage(p: Passage) -> str:
    """One passage inside its delimiters, with where it comes from as attributes."""
    heading = f" section={_attr(p.heading)}" if p.heading else ""
    head = f"{OPEN_TAG} lesson={_attr(p.lesson_id)} title={_attr(p.lesson_title)}"
    return f"{head} language={_attr(p.language)}{heading}>\n{neutralize(p.text)}\n{CLOSE_TAG}"


def summarize(turns: Sequence[Turn], budget: int, counter: TokenCounter) -> tuple[str, int]:
    """A compact summary of older turns, newest kept first when space runs out.

    Built from user and coach messages only, one short line each: the coaching state already
    holds every fact that matters, so the summary only keeps the thread of the conversation.
    Returns the text and how many turns it covers.
    """
    lines: list[str] = []
    used = counter.count("Earlier in this conversation:\n")
    for turn in reversed(turns):
        who = "User" if turn.role == "user" else "Coach"
        text = " ".join(turn.content.split())
        if len(text) > SUMMARY_LINE_CHARS:
            text = text[: SUMMARY_LINE_CHARS - 1] + "…"
        line = f"- {who}: {text}"
        cost = counter.count(line + "\n")
        if used + cost > budget:
            break
        lines.append(line)
        used += cost
    if not lines:
        return "", 0
    skipped = len(turns) - len(lines)
    head = "Earlier in this conversation:"
    if skipped:
        head = f"Earlier in this conversation ({skipped} older messages left out):"
    return "\n".join([head, *reversed(lines)]), len(lines)


def tools_tokens(tools: Sequence[Mapping[str, Any]], counter: TokenCounter) -> int:
    """Tool definitions, counted as their JSON: an estimate that errs on the safe side.

    The API's own layout of tool definitions is not published; JSON is longer than it.
    """
    return counter.count(json.dumps(list(tools), ensure_ascii=False)) if tools else 0


def pack(
    *,
    counter: TokenCounter,
    model: ModelInfo,
    system: Sequence[str],
    history: Sequence[Turn],
    user_text: str,
    passages: Iterable[Passage] = (),
    tail: Sequence[Message] = (),
    tools: Sequence[Mapping[str, Any]] = (),
    passages_intro: str = "",
) -> Packed:
    """Build the messages for one request so that prompt + reply reserve fit the window."""
    head: list[Message] = [{"role": "system", "content": text} for text in system]
    user: Message = {"role": "user", "content": user_text}
    fixed = counter.count_messages([*head, user, *tail]) + tools_tokens(tools, counter)
    available = model.context_window - model.reply_reserve - fixed
    if available < 0:
        raise ContextFull(-available, model.name)
    recent: list[Message] = []
    spent = 0
    turn_budget = int(available * TURN_SHARE)
    older = list(history)
    while older:
        candidate = {"role": older[-1].role, "content": older[-1].content}
        cost = counter.count_message(candidate)
        if spent + cost > turn_budget:
            break
        recent.insert(0, candidate)
        spent += cost
        older.pop()
    summary_text, summarized = "", 0
    if older:
        budget = min(int(available * SUMMARY_SHARE), SUMMARY_CAP)
        summary_text, summarized = summarize(
            [Turn(t.role, t.content) for t in older], budget, counter
        )
    extra: list[Message] = []
    if summary_text:
        extra.append({"role": "system", "content": summary_text})
        spent += counter.count_message(extra[-1])
    chosen: list[Passage] = []
    blocks: list[str] = []
    if passages_intro:
        base = counter.count_message({"role": "system", "content": passages_intro})
        room = available - spent - base
        for passage in passages:
            if len(chosen) >= MAX_PASSAGES:
                break
            cost = counter.count("\n\n" + render_passage(passage))
            if cost > room:
                continue
            chosen.append(passage)
            blocks.append(render_passage(passage))
            room -= cost
        if chosen:
            lessons_message = {"role": "system", "content": "\n\n".join([passages_intro, *blocks])}
            extra.insert(0, lessons_message)
    messages = [*head, *extra, *recent, user, *tail]
    used = counter.count_messages(messages) + tools_tokens(tools, counter)
    return Packed(
        messages, model.context_window, model.reply_reserve, used, chosen, len(recent), summarized
    )
