"""The command line's arguments and settings, and what the app needs before it starts.

Apart from coach.cli so that a start drawn from the opening cache (coach.start) can build
the same settings and context after its first frame, through ``prepare_app``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from coach import __version__
from coach.cli_course import CONFIGURED
from coach.domain.locale import activate
from coach.domain.text import clean_for_display, without_surrogates
from coach.settings import Settings, resolve_settings
from coach.store.db import Store, StoreError

if TYPE_CHECKING:
    from coach.session import Context

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, clean_for_display(f"{self.prog}: {message} (try `coach --help`)\n"))


def parser() -> argparse.ArgumentParser:
    """The `coach` command's parser: every command and option."""
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


def need_writes(store: Store) -> None:
    """Raise StoreError when conversations cannot be saved (a read-only database)."""
    if store.read_only is not None:
        raise StoreError(
            f"cannot save conversations to {store.path}: {store.read_only};"
            " `coach list` and `coach export` still work"
        )


def arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The parsed arguments, text ones cleaned of undecodable bytes."""
    args = parser.parse_args(argv)
    # Arguments that are not file names (ids, model names, URLs) are text: bytes that were
    # not UTF-8 become U+FFFD here, once. File names keep them, to name the real file.
    for name, value in vars(args).items():
        if isinstance(value, str):
            setattr(args, name, without_surrogates(value))
    return args


def settings_for(args: argparse.Namespace) -> Settings:
    """Settings from the arguments, the environment and the config file; languages active."""
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

    settings = settings_for(arguments(parser(), argv))
    ctx = build_context(settings)
    try:
        need_writes(ctx.store)
    except BaseException:
        ctx.store.close()
        raise
    return settings, ctx
