"""The app's course actions: write or skip the offered activity, and the course view.

Inherited by CoachApp like ChatActions; the chat's ``/write`` and ``/skip`` commands and the
keys all land here, so the plain front end and the full-screen app mean the same thing by them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.ui.background import FAILED, in_thread
from coach.ui.base import CoachBase
from coach.ui.strings import t

if TYPE_CHECKING:  # the domain loads after the first frame (coach.ui.screens.opening)
    from coach.domain.activities import Activity


class CourseActions(CoachBase):
    """Opening the activity editor and the course view for the open conversation."""

    def _offered(self, activity_id: str = "") -> Activity | None:
        chat = self.chat
        if chat is None:
            return None
        session = chat.session
        return session.activity(activity_id or session.state.offered)

    async def action_write(self, activity_id: str = "") -> None:
        """The editor for the offered activity (or the one named); with none, the course."""
        from coach.ui.screens.activity import ActivityScreen

        chat = self.chat
        if chat is None:
            return
        activity = self._offered(activity_id)
        if activity is None:
            key = "activity_unknown_id" if activity_id else "activity_offered_none"
            self.notify(t(key, self.language), markup=False)
            await self.action_course()
            return

        async def back(changed: bool | None) -> None:
            if changed and self.chat is not None:
                await self.chat.refresh_panel()

        await self.push_screen(ActivityScreen(chat.session, activity), back)

    async def action_skip_activity(self) -> None:
        """Skip the offered activity; it stays in the course view to write later."""
        from coach.domain.text import clean_for_display

        chat = self.chat
        activity = self._offered()
        if chat is None or activity is None:
            self.notify(t("activity_offered_none", self.language), markup=False)
            return
        skip = chat.session.skip_activity
        if await in_thread(self._error, lambda: skip(activity)) is FAILED:
            return
        title = clean_for_display(activity.title(self.language))
        self.notify(t("activity_skipped_note", self.language, title=title), markup=False)
        await chat.refresh_panel()

    async def action_course(self) -> None:
        """Activities and lessons read in this conversation."""
        from coach.ui.screens.course import CourseScreen

        chat = self.chat
        if chat is None:
            return

        async def back(_: None) -> None:
            if self.chat is not None:
                await self.chat.refresh_panel()

        await self.push_screen(CourseScreen(chat.session), back)
