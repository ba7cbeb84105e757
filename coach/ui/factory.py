"""The one factory that builds the app. The CLI and the tests both call it."""

from __future__ import annotations

from coach.domain.text import clean_for_display
from coach.i18n import t
from coach.session import Context
from coach.settings import Settings
from coach.store.prefs import PREFS_NAME, load_prefs
from coach.ui.app import CoachApp
from coach.ui.base import Options


def build_app(settings: Settings, ctx: Context, resume_id: str | None = None) -> CoachApp:
    """Build the app from resolved settings and a wired context (store, engine, content)."""
    from coach.ui import paste

    paste.install()  # before the driver starts: pasted control characters are not keys
    notices = [(clean_for_display(str(n)), n.level == "warning") for n in ctx.lessons.notices]
    if ctx.store.moved_aside is not None:
        moved = t("db_moved", settings.language, path=ctx.store.moved_aside)
        notices.insert(0, (clean_for_display(moved), True))
    elif ctx.store.notice:
        notices.insert(0, (clean_for_display(ctx.store.notice), True))
    mode = "" if ctx.engine.name == "offline" else settings.model
    prefs_path = settings.data_dir / PREFS_NAME
    options = Options(
        export_dir=settings.data_dir / "exports",
        prefs_path=prefs_path,
        keymap=dict(settings.keys),
        theme=load_prefs(prefs_path).get("theme"),
    )
    return CoachApp(
        ctx, settings.language, resume_id=resume_id, notices=notices, mode=mode, options=options
    )
