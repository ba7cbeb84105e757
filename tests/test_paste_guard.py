"""Bracketed pastes with control characters: one Paste event, cleaned, and no key presses.

The bytes go through the real terminal parser (Textual's, with and without coach's guard)
and its events into the running app, as the Linux driver would send them.
"""

from __future__ import annotations

from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from coach.session import Context
from coach.settings import Settings
from coach.ui.paste import GuardedParser, PasteGuard, install
from coach.ui.screens.chat import ChatScreen
from coach.ui.widgets.chat_input import ChatInput
from tests.pilot import SIZE, make_app

# What the tester pasted: a window-title OSC ending in BEL (ctrl+g opens the course screen),
# a clear-screen CSI, a CR before the second line, and an ESC followed by "d".
PASTED = "I want \x1b]0;pwned\x07to be a \x1b[2Jnurse\r\nsecond line \x1bd"
TYPED = f"\x1b[200~{PASTED}\x1b[201~"


def parse(parser: XTermParser, data: str, chunk: int | None = None) -> list[Message]:
    size = chunk or len(data)
    found: list[Message] = []
    for i in range(0, len(data), size):
        found.extend(parser.feed(data[i : i + size]))
    found.extend(parser.tick())
    return found


def test_textual_alone_reissues_parts_of_a_paste_as_keys() -> None:
    """The upstream bug this guard is for (docs/upstream/textual-paste.md)."""
    found = parse(XTermParser(), TYPED)
    keys = [m.key for m in found if isinstance(m, events.Key)]
    assert "ctrl+g" in keys and "circumflex_accent" in keys, keys


def test_the_guarded_parser_gives_one_paste_and_no_keys_however_the_bytes_arrive() -> None:
    expected = "I want ]0;pwned\x07to be a [2Jnurse\r\nsecond line d"
    for chunk in (None, 1, 2, 3, 5, 7):
        found = parse(GuardedParser(), f"a{TYPED}b", chunk)
        assert [type(m).__name__ for m in found] == ["Key", "Paste", "Key"], chunk
        paste = found[1]
        assert isinstance(paste, events.Paste) and paste.text == expected, chunk


def test_escape_and_keys_outside_a_paste_are_untouched() -> None:
    guard = PasteGuard()
    assert guard("\x1b") == "\x1b" and guard("[A") == "[A"  # a lone Escape is not held back
    assert guard("\x1b[20") == "\x1b[20" and guard("0~x\x1by") == "0~xy" and guard.pasting


def test_the_guards_are_installed_into_textuals_driver() -> None:
    from textual.drivers import linux_driver

    assert install() and linux_driver.__dict__["XTermParser"] is GuardedParser
    decode = linux_driver.__dict__["getincrementaldecoder"]("utf-8")().decode
    assert decode(b"a\xff") + decode(b"\xc3") + decode(b"\xa9") == "a\ufffd\u00e9"


async def _paste_into_app(
    settings: Settings, ctx: Context, parser: XTermParser
) -> tuple[str, bool, int]:
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(ChatInput)
        box.focus()
        await pilot.pause()
        for message in parse(parser, TYPED):
            message.set_sender(app)
            app.post_message(message)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        still_chat = isinstance(app.screen, ChatScreen)
        text = box.text
    return text, still_chat, len(ctx.store.list_conversations())


async def test_a_paste_with_control_characters_lands_whole_in_the_box(
    settings: Settings, ctx: Context
) -> None:
    text, still_chat, saved = await _paste_into_app(settings, ctx, GuardedParser())
    assert still_chat and saved == 0  # no binding fired, nothing was sent
    assert text == "I want ]0;pwnedto be a [2Jnurse\nsecond line d"


async def test_without_the_guard_the_same_paste_fires_a_binding(
    settings: Settings, ctx: Context
) -> None:
    """What the tester saw: the paste's BEL arrived as ctrl+g and opened the course."""
    _, still_chat, _ = await _paste_into_app(settings, ctx, XTermParser())
    assert not still_chat
