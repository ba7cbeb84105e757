"""The app's actions on the open conversation: help, copy, rename, export, delete, language.

A mixin, so ``CoachApp`` stays wiring; each action is what a palette entry or key runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from coach.domain.plan import render_plan_card
from coach.domain.text import Language, clean_for_display
from coach.session import Session, make_title
from coach.store.export import load_bundle, to_markdown
from coach.store.private import private_folder, write_private
from coach.ui.background import Failed, in_thread
from coach.ui.strings import t

if TYPE_CHECKING:
    from coach.session import Context
    from coach.ui.screens.chat import ChatScreen


@dataclass
class Options:
    """What the factory resolves for the app from settings: paths, keys and the theme."""

    export_dir: Path | None = None
    prefs_path: Path | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None


class ChatActions(App[None]):
    """Actions on the chat screen's session; CoachApp adds the wiring these rely on."""

    ctx: Context
    options: Options
    language: Language

    @property
    def chat(self) -> ChatScreen | None:
        raise NotImplementedError

    async def action_conversations(self) -> None:
        raise NotImplementedError

    async def show_new_session(self) -> None:
        raise NotImplementedError

    def _lang(self) -> Language:
        chat = self.chat
        return chat.session.state.language if chat is not None else self.language

    async def action_help(self) -> None:
        from coach.ui.screens.help import HelpScreen

        await self.push_screen(HelpScreen(self._lang(), self.options.keymap))

    def _copy(self, text: str) -> None:
        lang = self._lang()
        if not text.strip():
            self.notify(t("nothing_to_copy", lang), markup=False)
            return
        self.copy_to_clipboard(clean_for_display(text))
        self.notify(t("copied", lang), markup=False)

    def action_copy_reply(self) -> None:
        chat = self.chat
        replies = [m for m in chat.session.messages if m.role == "assistant"] if chat else []
        self._copy(replies[-1].content if replies else "")

    def action_copy_plan(self) -> None:
        chat = self.chat
        state = chat.session.state if chat else None
        card = render_plan_card(state, self.ctx.flow, self.ctx.lessons) if state else ""
        self._copy(card)

    async def action_switch_language(self) -> None:
        chat = self.chat
        if chat is not None and not chat.busy:
            other = "en" if chat.session.state.language == "ru" else "ru"  # the engine's /lang
            chat.start_turn(f"/lang {other}")

    def _error(self, line: str) -> None:
        self.notify(line, severity="error", markup=False)

    def _saved(self) -> Session | None:
        chat = self.chat
        if chat is None or chat.session.conversation_id is None:
            self.notify(t("no_conversation", self._lang()), markup=False)
            return None
        return chat.session

    async def action_rename_current(self) -> None:
        from coach.ui.screens.rename import RenameScreen

        session = self._saved()
        if session is None or session.conversation_id is None:
            return
        cid = session.conversation_id
        current = self.ctx.store.conversation(cid).title
        lang = self._lang()

        async def rename(title: str | None) -> None:
            if title is None:
                return
            automatic = make_title(session.state, self.ctx.flow)
            await in_thread(self._error, lambda: self.ctx.store.rename(cid, title, automatic))

        await self.push_screen(RenameScreen(t("rename_prompt", lang), current), rename)

    async def action_export_current(self) -> None:
        session = self._saved()
        if session is None or session.conversation_id is None or self.options.export_dir is None:
            return
        cid, store = session.conversation_id, self.ctx.store
        path = self.options.export_dir / f"coach-{cid}.md"

        def export() -> None:
            bundle = load_bundle(store, cid)
            text = to_markdown(bundle, self.ctx.flow, self.ctx.lessons, self.ctx.activities)
            private_folder(path.parent)
            write_private(path, text)

        if isinstance(await in_thread(self._error, export), Failed):
            return
        self.notify(t("exported", self._lang()).format(path=path), markup=False)

    async def action_delete_current(self) -> None:
        from coach.ui.screens.confirm import ConfirmScreen

        session = self._saved()
        if session is None or session.conversation_id is None:
            return
        cid, lang = session.conversation_id, self._lang()

        async def delete(sure: bool | None) -> None:
            if not sure:
                return
            if isinstance(await in_thread(self._error, lambda: self.ctx.store.delete(cid)), Failed):
                return
            self.notify(t("deleted", lang), markup=False)
            await self.show_new_session()

        dialog = ConfirmScreen(t("confirm_delete", lang), t("delete", lang), t("cancel", lang))
        await self.push_screen(dialog, delete)
