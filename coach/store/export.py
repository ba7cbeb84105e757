"""Export a conversation: Markdown for people to read, JSON with everything for re-import."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import render_plan_card
from coach.domain.state import CoachState
from coach.domain.text import clean_for_display, escape_markdown
from coach.store.db import ConversationInfo, StoredMessage

_KEPT_EN = {"done": "done", "partly": "partly", "not_yet": "not yet"}
_KEPT_RU = {"done": "сделано", "partly": "частично", "not_yet": "пока нет"}
EXPORT_FORMAT = "coach-conversation"
EXPORT_VERSION = 1


def to_markdown(
    info: ConversationInfo,
    messages: list[StoredMessage],
    state: CoachState,
    flow: Flow,
    lessons: LessonLibrary,
) -> str:
    """A readable transcript: the title, the plan card, then every message.

    The plan comes first because it is what people come back for. The user's words are
    escaped so they read exactly as typed.
    """
    lang = state.language
    you, coach = ("Вы", "Коуч") if lang == "ru" else ("You", "Coach")
    title = escape_markdown(info.title) or ("Разговор" if lang == "ru" else "Conversation")
    out = [f"# {title}", "", f"*{info.created_at:%Y-%m-%d %H:%M} UTC · {info.id}*", ""]
    card = render_plan_card(state, flow, lessons)
    if card:
        out += [card, ""]
    if state.check_ins:
        out += ["### " + ("Отметки о шагах" if lang == "ru" else "Check-ins"), ""]
        kept = _KEPT_RU if lang == "ru" else _KEPT_EN
        for check in state.check_ins:
            note = f" — {escape_markdown(check.note)}" if check.note else ""
            step = escape_markdown(check.step)
            out.append(f"- {check.day.isoformat()}: {step}: {kept[check.kept]}{note}")
        out.append("")
    if card or state.check_ins:
        out += ["---", ""]
    for message in messages:
        if message.role == "user":
            out += [f"**{you}:** {escape_markdown(message.content)}", ""]
        else:
            out += [f"**{coach}:**", "", clean_for_display(message.content), ""]
    return "\n".join(out).rstrip() + "\n"


_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")


def to_json(info: ConversationInfo, messages: list[StoredMessage], state: CoachState) -> str:
    """Everything about the conversation, in a versioned format meant for re-import."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "conversation": {
            "id": info.id,
            "title": info.title,
            "created_at": info.created_at.isoformat(),
            "updated_at": info.updated_at.isoformat(),
            "engine": info.engine,
            "phase": info.phase,
            "language": info.language,
            "draft": info.draft,
        },
        "messages": [
            {
                "role": m.role,
                "content": m.content,
                "status": m.status,
                "created_at": m.created_at.isoformat(),
            }
            for m in messages
        ],
        "state": state.model_dump(mode="json"),
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # JSON escapes C0 controls itself; DEL and C1 (such as U+009B, a CSI) it leaves raw, and
    # a terminal reading the export on stdout would obey them. \uXXXX keeps full fidelity.
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class UnreadableExport(ValueError):
    """The file is not a coach conversation export this version can read; one line."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Conversation(_Model):
    id: str = Field(pattern=r"^[0-9a-zA-Z_-]{1,64}$")
    title: str
    created_at: datetime
    updated_at: datetime
    engine: str
    phase: str
    language: str
    draft: str = ""


class _Message(_Model):
    role: Literal["user", "assistant"]
    content: str
    status: Literal["complete", "partial", "cancelled", "error"]
    created_at: datetime


class _Export(_Model):
    format: Literal["coach-conversation"]
    version: int
    conversation: _Conversation
    messages: list[_Message]
    state: CoachState


@dataclass(frozen=True)
class Imported:
    """A conversation read back from a JSON export, validated, ready to store."""

    info: ConversationInfo
    messages: list[StoredMessage]
    state: CoachState


def from_json(text: str) -> Imported:
    """Read a JSON export. Raises UnreadableExport with the first problem, in one line."""
    try:
        data = _Export.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(p) for p in error["loc"]) or "file"
        message = f"not a coach conversation export: {place}: {error['msg']}"
        raise UnreadableExport(message) from None
    if data.version > EXPORT_VERSION:
        raise UnreadableExport(
            f"this export is version {data.version}; this coach reads up to {EXPORT_VERSION}"
        )
    c = data.conversation
    info = ConversationInfo(
        id=c.id,
        title=c.title,
        created_at=c.created_at,
        updated_at=c.updated_at,
        engine=c.engine,
        phase=c.phase,
        language=c.language,
        draft=c.draft,
        messages=len(data.messages),
        due=data.state.plan.due if data.state.plan else None,
    )
    messages = [
        StoredMessage(
            id=0, role=m.role, content=m.content, status=m.status, created_at=m.created_at
        )
        for m in data.messages
    ]
    return Imported(info, messages, data.state)
