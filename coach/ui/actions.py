"""The app's actions on the open conversation: help, copy, rename, export, delete, language.

Each action is what a palette entry or key runs; ``CoachApp`` inherits them, so it stays wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.store.private import private_folder, write_private
from coach.ui.background import FAILED, Failed, in_thread
from coach.ui.base import CoachBase
from coach.ui.strings import t

if TYPE_CHECKING:  # the domain loads after the first frame (ui.screens.opening); see below
    from coach.session import Session


class ChatActions(CoachBase):
    """Actions on the chat screen's session."""

    async def action_help(self) -> None:
        from coach.ui.screens.help import HelpScreen

        await self.push_screen(HelpScreen(self.language, self.options.keymap))

    def _copy(self, text: str) -> None:
        from coach.domain.text import clean_for_display

        lang = self.language
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
        from coach.domain.plan import render_plan_card

        chat = self.chat
        state = chat.session.state if chat else None
        card = render_plan_card(state, self.ctx.flow, self.ctx.lessons) if state else ""
        self._copy(card)

    async def action_switch_language(self) -> None:
        from coach.domain.locale import next_language

        chat = self.chat
        if chat is not None and not chat.busy:
            other = next_language(chat.session.state.language)  # the engine's /lang
            chat.start_turn(f"/lang {other}")

    def _saved(self) -> Session | None:
        chat = self.chat
        if chat is None or chat.session.conversation_id is None:
            self.notify(t("no_conversation", self.language), markup=False)
            return None
        return chat.session

    async def action_rename_current(self) -> None:
        from coach.session import make_title
        from coach.ui.screens.rename import RenameScreen

        session = self._saved()
        if session is None or session.conversation_id is None:
            return
        cid = session.conversation_id
        info = await in_thread(self._error, lambda: self.ctx.store.conversation(cid))
        if isinstance(info, Failed):
            return
        lang = self.language

        async def rename(title: str | None) -> None:
            if title is None:
                return
            automatic = make_title(session.state, self.ctx.flow)
            await in_thread(self._error, lambda: self.ctx.store.rename(cid, title, automatic))

        await self.push_screen(RenameScreen(t("rename_prompt", lang), info.title), rename)

    async def action_export_current(self) -> None:
        session = self._saved()
        if session is None or session.conversation_id is None or self.options.export_dir is None:
            return
        cid, store = session.conversation_id, self.ctx.store
        path = self.options.export_dir / f"coach-{cid}.md"
        ctx = self.ctx

        def export() -> None:
            from coach.store.export import load_bundle, to_markdown  # off the first frame

            text = to_markdown(load_bundle(store, cid), ctx.flow, ctx.lessons, ctx.activities)
            private_folder(path.parent)
            write_private(path, text)

        if await in_thread(self._error, export) is FAILED:
            return
        self.notify(t("exported", self.language, path=path), markup=False)

    async def action_delete_current(self) -> None:
        from coach.ui.screens.confirm import ConfirmScreen

        session = self._saved()
        if session is None or session.conversation_id is None:
            return
        cid, lang = session.conversation_id, self.language

        async def delete(sure: bool | None) -> None:
            if not sure:
                return
            if await in_thread(self._error, lambda: self.ctx.store.delete(cid)) is FAILED:
                return
            self.notify(t("deleted", lang), markup=False)
            await self.show_new_session()

        dialog = ConfirmScreen(t("confirm_delete", lang), t("delete", lang), t("cancel", lang))
        await self.push_screen(dialog, delete)
