"""The `coach` command: argument parsing, the non-UI commands, and starting the app.

Every failure ends in one line on stderr and a non-zero exit, never a traceback. textual is
imported only when the full-screen app actually starts.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach.cli_args import arguments, need_writes, settings_for
from coach.cli_args import parser as make_parser
from coach.cli_course import check, list_lessons, show_activities, table
from coach.domain.crisis import CrisisError
from coach.domain.files import UnreadableFile, read_limited
from coach.domain.flow import FlowError
from coach.domain.locale import LocaleError
from coach.domain.text import clean_for_display
from coach.settings import Settings, SettingsError, UnknownLanguage
from coach.stdio import ask, repair_streams, say
from coach.store.db import Store, StoreError

if TYPE_CHECKING:
    from coach.opening_cache import Slot
    from coach.session import Context

EXIT_OK, EXIT_ERROR = 0, 1
MAX_IMPORT_BYTES = 100_000_000
"""An export of years of daily coaching is a few MB; a FIFO or /dev/zero is refused at once."""


def _fail(message: str) -> int:
    say(f"coach: {message}", sys.stderr)
    return EXIT_ERROR


def _cmd_list(settings: Settings) -> int:
    store = _open_store(settings)
    conversations = store.list_conversations()
    if not conversations:
        print("No saved conversations yet. Run `coach` to start one.")
        return EXIT_OK
    rows = [["ID", "LAST ACTIVITY", "PHASE", "STEP", "MESSAGES", "TITLE"]]
    today = date.today()
    for info in conversations:
        when = info.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        step = (
            "due" if info.step_due(today) else ("-" if info.due is None else info.due.isoformat())
        )
        rows.append([info.id, when, info.phase, step, str(info.messages), info.title or "-"])
    table(rows, sys.stdout)
    return EXIT_OK


def _cmd_export(settings: Settings, ident: str | None, fmt: str, output: Path | None) -> int:
    from coach.bootstrap import load_activities_for, load_content
    from coach.store.export import load_bundle, to_json, to_markdown

    store = _open_store(settings)
    conversation_id = store.resolve(ident) if ident else store.latest()
    if conversation_id is None:
        return _fail("no saved conversations to export")
    bundle = load_bundle(store, conversation_id)
    if fmt == "json":
        text = to_json(bundle)
    else:
        from dataclasses import replace

        from coach.domain.repair import repaired

        flow, lessons = load_content(settings)
        bundle = replace(bundle, state=repaired(bundle.state, flow))  # as a resume reads it
        text = to_markdown(bundle, flow, lessons, load_activities_for(settings))
    if output is None:  # on a terminal, cleaned like every other output; to a pipe, exact
        sys.stdout.write(clean_for_display(text) if sys.stdout.isatty() else text)
        return EXIT_OK
    from coach.store.private import write_private

    try:
        write_private(output, text)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    say(f"Exported {conversation_id} to {output}", sys.stderr)
    return EXIT_OK


def _open_store(settings: Settings, writing: bool = False) -> Store:
    """The store, telling the user on stderr if a damaged database was moved aside.

    ``writing``: the command saves something, so a store that can only be read (a full
    disk, a read-only folder) is refused here, in one line, before anything is asked.
    """
    from coach.store.opening import open_store

    store = open_store(settings.data_dir)
    if store.notice:
        say(f"coach: {store.notice}", sys.stderr)
    if writing:
        need_writes(store)
    return store


def _cmd_import(settings: Settings, path: Path) -> int:
    from coach.store.export import UnreadableExport, from_json

    try:
        imported = from_json(read_limited(path, MAX_IMPORT_BYTES).decode("utf-8"))
    except (UnreadableFile, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"it {exc}"
        return _fail(f"cannot read {path}: {reason}")
    except UnreadableExport as exc:
        return _fail(f"{path}: {exc}")
    from coach.bootstrap import load_content
    from coach.domain.repair import repaired, unknown_references
    from coach.store.importing import addressable

    flow, _ = load_content(settings)
    unknown = unknown_references(imported.state, flow)
    store = _open_store(settings, writing=True)
    conversation_id = store.import_conversation(
        imported.info,
        imported.messages,
        repaired(imported.state, flow),
        imported.versions,
        imported.reads,
    )
    old = imported.info.id
    note = ""
    if conversation_id != old:
        note = (
            f" (its id {old} was taken)" if addressable(old) else f" (its id {old} cannot be typed)"
        )
    say(f"Imported {conversation_id}{note}.", sys.stderr)
    if unknown:
        say(
            f"coach: its state named {', '.join(unknown)}, unknown to this coach's flow;"
            " it goes on from its first open question",
            sys.stderr,
        )
    return EXIT_OK


def _cmd_delete(settings: Settings, ident: str | None, everything: bool, yes: bool) -> int:

    if everything == (ident is not None):
        return _fail("give a conversation id, or --all (not both)")
    store = _open_store(settings, writing=True)
    if everything:
        from coach.store.opening import remove_set_aside, set_aside

        count = len(store.list_conversations())
        copies = set_aside(settings.data_dir)
        question = f"Erase all {count} conversations, with their plans, for good?"
        if copies:  # they hold the user's words too: nothing may stay behind
            names = ", ".join(p.name for p in copies)
            question = (
                f"Erase all {count} conversations, with their plans, and {len(copies)}"
                f" set-aside cop{'y' if len(copies) == 1 else 'ies'} of an old database"
                f" ({names}), for good?"
            )
        if not yes and not ask(question):
            return _fail("nothing deleted (use --yes to delete without asking)")
        store.delete_all()
        remove_set_aside(copies)
        left = set_aside(settings.data_dir)
        say(f"Deleted {count} conversations.", sys.stderr)
        if copies:
            say(f"Removed {len(copies) - len(left)} set-aside copies.", sys.stderr)
        if left:
            names = ", ".join(str(p) for p in left)
            return _fail(f"could not remove {names}; remove them yourself")
        return EXIT_OK
    assert ident is not None
    conversation_id = store.resolve(ident)
    info = store.conversation(conversation_id)
    title = info.title or "(no answers yet)"
    if not yes and not ask(f"Delete {conversation_id} ({title}) for good?"):
        return _fail("nothing deleted (use --yes to delete without asking)")
    store.delete(conversation_id)
    say(f"Deleted {conversation_id}.", sys.stderr)
    return EXIT_OK


def _plain_wanted(flag: bool, closed: frozenset[str] = frozenset()) -> bool:
    """Plain mode when asked, when stdout is not a terminal, or on a dumb terminal.

    A closed stdin counts as empty input: the full-screen app would have nothing to read.
    """
    if flag or "stdin" in closed:
        return True
    return not sys.stdout.isatty() or os.environ.get("TERM") == "dumb"


def _opening_slot(argv: Sequence[str] | None) -> Slot | None:
    """Where this start keeps its first screen for the next, when it could be drawn from it."""
    from coach.opening_cache import quick_start_wanted, slot_for

    line = list(sys.argv[1:] if argv is None else argv)
    return slot_for(line, os.environ) if quick_start_wanted(line, os.environ) else None


def _run_app(
    settings: Settings,
    resume: str | None,
    plain: bool = False,
    closed: frozenset[str] = frozenset(),
    slot: Slot | None = None,
) -> int:
    if "stdout" in closed:  # answers written nowhere would be a conversation nobody sees
        return _fail("standard output is closed; coach has nowhere to write its answers")
    from coach.bootstrap import build_context

    ctx = build_context(settings)
    try:
        return _run_with(ctx, settings, resume, plain, closed, slot)
    finally:
        ctx.store.close()  # and with it the lease on the conversation that was open


def _run_with(
    ctx: Context,
    settings: Settings,
    resume: str | None,
    plain: bool,
    closed: frozenset[str],
    slot: Slot | None = None,
) -> int:
    need_writes(ctx.store)
    resume_id: str | None = None
    if resume == "latest":
        resume_id = ctx.store.latest()
        if resume_id is None:
            return _fail("no saved conversations yet; run `coach` to start one")
    elif resume is not None:
        resume_id = ctx.store.resolve(resume)
    if _plain_wanted(plain, closed):
        gc.enable()  # a conversation may go on for hours; start-up is over
        from coach.plain import run_plain

        for notice in ([ctx.store.notice] if ctx.store.notice else []) + [
            str(n) for n in ctx.lessons.notices
        ]:
            say(f"coach: {notice}", sys.stderr)
        echo = not sys.stdin.isatty()
        return run_plain(ctx, settings.language, resume_id, sys.stdin, sys.stdout, sys.stderr, echo)
    from coach.ui.factory import build_app

    app = build_app(settings, ctx, resume_id, slot)
    app.run()
    return app.return_code or EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the coach command line; returns the exit status."""
    closed = repair_streams()
    parser = make_parser()
    args = arguments(parser, argv)
    try:
        settings = settings_for(args)
        if args.command is not None:
            gc.enable()  # paused for start-up only (coach/start.py); the app's first frame
        if args.command == "lessons":
            if args.check is not None:
                return check(settings, args.check, sys.stdout)
            return list_lessons(settings, sys.stdout)
        if args.command == "activities":
            return show_activities(settings, args.id, sys.stdout)
        if args.command == "list":
            return _cmd_list(settings)
        if args.command == "import":
            return _cmd_import(settings, args.file)
        if args.command == "delete":
            return _cmd_delete(settings, args.id, args.all, args.yes)
        if args.command == "config":
            from coach.cli_model import show_config

            return show_config(settings, sys.stdout)
        if args.command == "tokens":
            from coach.cli_model import count_tokens

            return count_tokens(settings, args.files, sys.stdout, sys.stderr)
        if args.command == "export":
            return _cmd_export(settings, args.id, args.format, args.output)
        return _run_app(settings, args.resume, args.plain, closed, _opening_slot(argv))
    except UnknownLanguage as exc:  # a usage error, like any other bad argument
        parser.error(str(exc))
    except (SettingsError, StoreError, LocaleError) as exc:
        return _fail(str(exc))
    except FlowError as exc:
        return _fail(f"the coaching flow is malformed:\n{exc}")
    except CrisisError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `coach ... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # the last guard: one line, never a traceback
        if os.environ.get("COACH_DEBUG"):
            raise
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}")
