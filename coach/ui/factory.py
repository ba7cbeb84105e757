"""The one factory that builds the app. The CLI, the quick start and the tests all call it.

Light to import on purpose: a start drawn from the opening cache (``run_from_opening``)
imports this before its first frame, and settings, content and the store after it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coach.store.prefs import PREFS_NAME, load_prefs
from coach.ui.app import CoachApp
from coach.ui.base import Loading, Options, Wiring

if TYPE_CHECKING:
    from coach.opening_cache import Opening, Slot
    from coach.session import Context
    from coach.settings import Settings


def build_app(
    settings: Settings, ctx: Context, resume_id: str | None = None, slot: Slot | None = None
) -> CoachApp:
    """Build the app from resolved settings and a wired context (store, engine, content).

    With ``slot``, a new conversation's first screen is kept there for the next start.
    """
    from coach.ui import paste

    paste.install()  # before the driver starts: pasted control characters are not keys
    return CoachApp(wiring(settings, ctx, slot), resume_id=resume_id)


def wiring(settings: Settings, ctx: Context, slot: Slot | None = None) -> Wiring:
    """What the app runs on, from settings and the context: notices, mode, paths, keys."""
    from coach.domain.text import clean_for_display
    from coach.i18n import t

    notices = [(clean_for_display(str(n)), n.level == "warning") for n in ctx.lessons.notices]
    if ctx.store.moved_aside is not None:
        moved = t("db_moved", settings.language, path=ctx.store.moved_aside)
        notices.insert(0, (clean_for_display(moved), True))
    elif ctx.store.notice:
        notices.insert(0, (clean_for_display(ctx.store.notice), True))
    prefs_path = settings.data_dir / PREFS_NAME
    options = Options(
        export_dir=settings.data_dir / "exports",
        prefs_path=prefs_path,
        keymap=dict(settings.keys),
        theme=load_prefs(prefs_path).get("theme"),
    )
    return Wiring(
        ctx=ctx,
        language=settings.language,
        notices=notices,
        mode="" if ctx.engine.name == "offline" else settings.model,
        options=options,
        keep_opening=None if slot is None else _keeper(settings, slot),
    )


def _keeper(settings: Settings, slot: Slot) -> Callable[[Opening], None] | None:
    """Writes the opening with what it was drawn from, or None when that cannot be watched."""
    from coach import opening_cache

    roots = [root for _role, root in settings.content_roots()]
    if not all(isinstance(root, Path) for root in roots):
        return None  # data inside a zip: no file times to check, so nothing is kept
    watched = [str(settings.config_path), *(str(root) for root in roots)]
    seen = opening_cache.stamp(watched)  # now, as the data was just read: not when kept

    def keep(opening: Opening) -> None:
        opening_cache.write(slot, opening, settings.data_dir, watched, seen)

    return keep


def run_from_opening(
    opening: Opening,
    data_dir: Path,
    prepare: Callable[[], tuple[Settings, Context]],
    slot: Slot,
) -> int | None:
    """Start with the kept first screen on show, and load everything else after it.

    ``prepare`` (run in a thread after the first frame) resolves settings and builds the
    context as the ordinary start does. Returns the exit status, or None when loading
    failed: the caller then runs the ordinary start, which reports it as it always has.
    """
    from coach.ui import paste
    from coach.ui.screens.opening import drawable

    if load_prefs(data_dir / PREFS_NAME).get("theme") != opening.theme:
        return None  # a theme picked since: the kept screen has the old one's colours
    if not drawable(opening):
        return None  # damaged: the ordinary start keeps a new one
    paste.install()

    def load() -> Wiring:
        settings, ctx = prepare()
        try:
            made = wiring(settings, ctx, slot)
            # Here, in the thread: importing the chat screen (Markdown, the session) on the
            # UI thread would hold up the hand-over, and keys typed during it.
            import coach.ui.screens.chat  # noqa: F401
        except BaseException:
            ctx.store.close()
            raise
        return made

    app = CoachApp(Loading(opening, load))
    try:
        app.run()
    finally:
        app.close_store()
    return None if app.fell_back else app.return_code or 0
