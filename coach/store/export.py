"""Export a conversation: Markdown for people to read, JSON with everything for re-import."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.domain.activities import ActivityCatalog
from coach.domain.feedback import Feedback
from coach.domain.flow import Flow
from coach.domain.lessons import LessonLibrary
from coach.domain.plan import render_plan_card
from coach.domain.state import CoachState
from coach.domain.text import Language, clean_for_display, escape_markdown, quote_markdown
from coach.i18n import t
from coach.store.db import Store
from coach.store.records import ActivityVersion, ConversationInfo, LessonRead, StoredMessage

EXPORT_FORMAT: Final = "coach-conversation"
EXPORT_VERSION = 2
"""2 added the writing activities and the lessons read; version 1 files still import."""


@dataclass(frozen=True)
class Bundle:
    """Everything about one conversation that an export carries."""

    info: ConversationInfo
    messages: list[StoredMessage]
    state: CoachState
    versions: list[ActivityVersion]
    reads: list[LessonRead]


def load_bundle(store: Store, conversation_id: str) -> Bundle:
    """Read one conversation and its course records from the store. Blocking I/O."""
    return Bundle(
        store.conversation(conversation_id),
        store.messages(conversation_id),
        store.state(conversation_id),
        store.activity_versions(conversation_id),
        store.lessons_read(conversation_id),
    )


def course_markdown(
    bundle: Bundle, flow: Flow, lessons: LessonLibrary, activities: ActivityCatalog
) -> list[str]:
    """The writing activities (every version, with its feedback) and the lessons read."""
    lang: Language = bundle.state.language
    out: list[str] = []
    if bundle.versions:
        out += ["## " + t("export_activities", lang), ""]
    for activity_id in dict.fromkeys(v.activity_id for v in bundle.versions):
        activity = activities.get(activity_id)
        title = activity.title(lang) if activity else activity_id
        out += [f"### {escape_markdown(title)}", ""]
        for version in (v for v in bundle.versions if v.activity_id == activity_id):
            day = f"{version.created_at:%Y-%m-%d}"
            if version.status == "skipped":
                out += [f"*{t('export_skipped', lang)} · {day}*", ""]
                continue
            out += [f"**{t('export_version', lang)} {version.version}** · {day}", ""]
            out += [quote_markdown(version.text), ""]
            feedback = Feedback.from_json(version.feedback)
            if feedback is not None:
                out += [feedback.render(flow, lang), ""]
    if bundle.reads:
        out += ["## " + t("export_lessons_read", lang), ""]
        how = {"opened": t("export_opened", lang), "cited": t("export_cited", lang)}
        for read in bundle.reads:
            title = escape_markdown(lessons.title(read.lesson_id))
            out.append(f"- {title}: {how[read.how]}, {read.at:%Y-%m-%d}")
        out.append("")
    return out


def to_markdown(
    bundle: Bundle, flow: Flow, lessons: LessonLibrary, activities: ActivityCatalog
) -> str:
    """A readable transcript: the title, the plan card, the course work, then every message.

    The plan comes first because it is what people come back for. The user's words are
    escaped so they read exactly as typed.
    """
    info, messages, state = bundle.info, bundle.messages, bundle.state
    lang = state.language
    you, coach = t("export_you", lang), t("export_coach", lang)
    # One line: a line break in the title would end the heading and start a paragraph.
    title = escape_markdown(" ".join(info.title.split()))
    title = title or t("export_untitled", lang)
    out = [f"# {title}", "", f"*{info.created_at:%Y-%m-%d %H:%M} UTC · {info.id}*", ""]
    card = render_plan_card(state, flow, lessons)
    if card:
        out += [card, ""]
    if state.check_ins:
        out += ["### " + t("export_check_ins", lang), ""]
        kept = {k: t(f"export_{k}", lang) for k in ("done", "partly", "not_yet")}
        for check in state.check_ins:
            note = f" — {escape_markdown(check.note)}" if check.note else ""
            step = escape_markdown(check.step)
            out.append(f"- {check.day.isoformat()}: {step}: {kept[check.kept]}{note}")
        out.append("")
    course = course_markdown(bundle, flow, lessons, activities)
    out += course
    if card or state.check_ins or course:
        out += ["---", ""]
    for message in messages:
        if message.role == "user":
            out += [f"**{you}:** {escape_markdown(message.content)}", ""]
        else:
            out += [f"**{coach}:**", "", clean_for_display(message.content), ""]
    return "\n".join(out).rstrip() + "\n"


_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")


def to_json(bundle: Bundle) -> str:
    """Everything about the conversation, in a versioned format meant for re-import."""
    data = _Export(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        conversation=bundle.info,
        messages=bundle.messages,
        state=bundle.state,
        activities=bundle.versions,
        lessons_read=bundle.reads,
    ).model_dump(mode="json")
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # JSON escapes C0 controls itself; DEL and C1 (such as U+009B, a CSI) it leaves raw, and
    # a terminal reading the export on stdout would obey them. \\uXXXX keeps full fidelity.
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class UnreadableExport(ValueError):
    """The file is not a coach conversation export this version can read; one line."""


class _Export(BaseModel):
    """The file: the records are the store's own, validated as an untrusted file needs."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["coach-conversation"]
    version: int
    conversation: ConversationInfo
    messages: list[StoredMessage]
    state: CoachState
    activities: list[ActivityVersion] = []
    lessons_read: list[LessonRead] = []


def from_json(text: str) -> Bundle:
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
    # What the file leaves out is counted here: how many messages, and the plan's date.
    info = dataclasses.replace(
        data.conversation,
        messages=len(data.messages),
        due=data.state.plan.due if data.state.plan else None,
    )
    return Bundle(info, data.messages, data.state, data.activities, data.lessons_read)
