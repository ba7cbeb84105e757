"""Export a conversation: Markdown for people to read, JSON with everything for re-import."""

from __future__ import annotations

import json
import re
from typing import Any

from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import render_plan_card
from coach.domain.state import CoachState
from coach.domain.text import clean_for_display, escape_markdown
from coach.store.db import ConversationInfo, StoredMessage

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
        out += [card, "", "---", ""]
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
