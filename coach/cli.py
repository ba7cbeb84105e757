"""The `coach` command: argument parsing, the non-UI commands, and starting the app.

Every failure ends in one line on stderr and a non-zero exit, never a traceback. textual is
imported only when the full-screen app actually starts.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from coach import __version__
from coach.cli_course import CONFIGURED, check, list_lessons, show_activities, table
from coach.domain.crisis import CrisisError
from coach.domain.files import UnreadableFile, read_limited
from coach.domain.flow import FlowError
from coach.domain.locale import LocaleError, activate
from coach.domain.text import clean_for_display, without_surrogates
from coach.settings import Settings, SettingsError, UnknownLanguage, resolve_settings
from coach.stdio import ask, repair_streams, say
from coach.store.db import Store, StoreError

if TYPE_CHECKING:
    from coach.opening_cache import Slot
    from coach.session import Context

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
MAX_IMPORT_BYTES = 100_000_000
"""An export of years of daily coaching is a few MB; a FIFO or /dev/zero is refused at once."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, clean_for_display(f"{self.prog}: {message} (try `coach --help`)\n"))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coach",
        description="A career coach for call-center, BPO and customer-support workers.",
        epilog="With no command, coach starts a new coaching conversation.",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.add_argument(
        "--resume",
        nargs="?",
        const="latest",
        metavar="ID",
        help="continue the latest conversation, or the one with this id",
    )
    lessons_help = "also teach from the lessons in DIR (repeatable)"
    parser.add_argument("--lessons", action="append", type=Path, metavar="DIR", help=lessons_help)
    parser.add_argument(
        "--lang", metavar="CODE", help="language to start in: en, ru, or a language pack's"
    )
    parser.add_argument("--model", help="the model to coach with (default: gpt-4o-mini)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="an OpenAI-compatible server, e.g. http://localhost:11434/v1",
    )
    parser.add_argument(
        "--offline", action="store_true", help="use the offline guided engine even with a key"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="a line-by-line conversation on stdin/stdout (automatic when not on a terminal)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.add_parser("list", help="list saved conversations, most recent first")
    export = commands.add_parser("export", help="export a conversation as Markdown or JSON")
    export.add_argument("id", nargs="?", help="conversation id or its start (default: latest)")
    export.add_argument("--format", choices=["md", "json"], default="md")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    lessons = commands.add_parser("lessons", help="list the lessons the coach teaches from")
    lessons.add_argument("--lessons", dest="sub_lessons", action="append", type=Path, metavar="DIR")
    lessons.add_argument(
        "--check",
        nargs="?",
        const=CONFIGURED,
        metavar="DIR",
        help="validate the lessons and activities (of DIR, or of this coach)",
    )
    activities = commands.add_parser(
        "activities", help="the writing activities and their status in a conversation"
    )
    activities.add_argument("id", nargs="?", help="conversation id or its start (default: latest)")
    delete = commands.add_parser("delete", help="delete a conversation, or all of them")
    delete.add_argument("id", nargs="?", help="conversation id or its start")
    delete.add_argument("--all", action="store_true", help="erase every conversation")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    importer = commands.add_parser("import", help="read a conversation back from a JSON export")
    importer.add_argument("file", type=Path, metavar="FILE")
    commands.add_parser("config", help="show the resolved settings and where each came from")
    tokens = commands.add_parser("tokens", help="count tokens in text files or chat JSON")
    tokens.add_argument("files", nargs="+", type=Path, metavar="FILE")
    tokens.add_argument("--model", dest="tokens_model", help="count for this model's tokenizer")
    return parser


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
        _need_writes(store)
    return store


def _need_writes(store: Store) -> None:
    if store.read_only is not None:
        raise StoreError(
            f"cannot save conversations to {store.path}: {store.read_only};"
            " `coach list` and `coach export` still work"
        )


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
    _need_writes(ctx.store)
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


def _arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    # Arguments that are not file names (ids, model names, URLs) are text: bytes that were
    # not UTF-8 become U+FFFD here, once. File names keep them, to name the real file.
    for name, value in vars(args).items():
        if isinstance(value, str):
            setattr(args, name, without_surrogates(value))
    return args


def _settings(args: argparse.Namespace) -> Settings:
    lesson_dirs = [*(args.lessons or []), *(getattr(args, "sub_lessons", None) or [])]
    settings = resolve_settings(
        lesson_dirs=lesson_dirs,
        language=args.lang,
        model=getattr(args, "tokens_model", None) or args.model,
        base_url=args.base_url,
        offline=args.offline,
    )
    activate(settings.locales())  # every command reads and writes in these languages
    return settings


def prepare_app(argv: Sequence[str]) -> tuple[Settings, Context]:
    """Settings and the wired context for a new conversation in the full-screen app.

    What ``main`` does before starting the app, for a start drawn from the opening cache
    (coach.ui.factory.run_from_opening), which runs this after its first frame. Raises on
    anything ``main`` would report; that start then runs ``main``, which reports it.
    """
    from coach.bootstrap import build_context

    settings = _settings(_arguments(_parser(), argv))
    ctx = build_context(settings)
    try:
        _need_writes(ctx.store)
    except BaseException:
        ctx.store.close()
        raise
    return settings, ctx


def main(argv: Sequence[str] | None = None) -> int:
    """Run the coach command line; returns the exit status."""
    closed = repair_streams()
    parser = _parser()
    args = _arguments(parser, argv)
    try:
        settings = _settings(args)
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
