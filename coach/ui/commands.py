"""The command palette's entries: every action, worded in the interface language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import CommandCallback, SystemCommand

from coach.ui.strings import t

if TYPE_CHECKING:
    from coach.ui.app import CoachApp


def coach_commands(app: CoachApp) -> Iterator[SystemCommand]:
    """One entry per action; the chat's own actions only when a chat is open."""
    chat, lang = app.chat, app.language

    def cmd(key: str, callback: CommandCallback) -> SystemCommand:
        return SystemCommand(t(f"cmd_{key}", lang), t(f"cmd_{key}_help", lang), callback)

    yield cmd("new", app.action_new_conversation)
    yield cmd("resume", app.action_conversations)
    yield cmd("lessons", app.action_lessons)
    yield cmd("help", app.action_help)
    if chat is not None:
        yield cmd("rename", app.action_rename_current)
        yield cmd("export", app.action_export_current)
        yield cmd("delete", app.action_delete_current)
        yield cmd("language", app.action_switch_language)
        yield cmd("write", app.action_write)
        yield cmd("skip", app.action_skip_activity)
        yield cmd("course", app.action_course)
        yield cmd("retry", chat.action_retry)
        yield cmd("stop", chat.action_stop)
        yield cmd("copy", app.action_copy_reply)
        yield cmd("copy_plan", app.action_copy_plan)
