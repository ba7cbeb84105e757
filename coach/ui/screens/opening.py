"""The first frame of a new conversation, painted from the opening cache while coach loads.

It is the chat screen's twin: the same ids, classes and style sheet, filled with what the
last start's first screen showed (coach.opening_cache). Its message box is the real one, so
typing works from the first frame; the app moves the words, and an Enter pressed meanwhile,
into the chat screen that replaces this one (CoachApp._take_over). It imports nothing of
coach's domain: that is the point of it.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content, Span
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from coach.opening_cache import Opening, Part
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.message_list import MessageList


def _static(part: Part) -> Static:
    widget = Static(Content.from_markup(part.markup), id=part.id or None, classes=part.classes)
    widget.display = part.shown
    if part.title:
        widget.border_title = part.title
    return widget


class OpeningScreen(Screen[None]):
    """The chat screen as it will look, with a working message box and nothing behind it."""

    CSS_PATH = Path(__file__).with_name("chat.tcss")
    """The chat screen's own style sheet: the two must look the same."""

    def __init__(self, opening: Opening) -> None:
        super().__init__()
        self.opening = opening
        self.sent = False
        """Enter was pressed before the chat screen was ready: it sends once it is."""

    def compose(self) -> ComposeResult:
        opening = self.opening
        with Horizontal(id="top-bar"):
            yield Static("coach", id="app-name")
            if opening.badge.id:
                yield _static(opening.badge)
        with Horizontal(id="main"):
            with Vertical(id="chat-column"):
                with MessageList(id="messages"):
                    yield from (_static(part) for part in opening.messages)
                yield ChatInput(id="input", placeholder=opening.placeholder)
            with VerticalScroll(id="side"):
                yield from (_static(part) for part in opening.side)
        yield Static(Content.from_markup(opening.keys), id="opening-keys")

    def on_mount(self) -> None:
        self.query_one(ChatInput).focus()
        self.query_one(MessageList).anchor()

    def on_chat_input_submitted(self, event: ChatInput.Submitted) -> None:
        event.stop()
        self.sent = bool(event.text.strip())

    @property
    def typed(self) -> str:
        """What the user has typed so far."""
        return self.query_one(ChatInput).text


def capture(screen: Screen[None], language: str, theme: str | None) -> Opening | None:
    """What ``screen`` (a new conversation's chat screen) shows, to paint it next time.

    None when it shows something the opening screen cannot draw the same way (a list or a
    heading in the opening message, choices above the input): that start is not kept.
    """
    try:
        badge = next(
            (_part(w) for w in screen.query("#top-bar Static") if w.id != "app-name"),
            Part("", "", ""),
        )
        messages = [_message(w) for w in screen.query_one("#messages").children]
        side = [_part(w) for w in screen.query_one("#side").children]
        choices = screen.query("#choices")
        placeholder = screen.query_one(ChatInput).placeholder
        keys = screen.query_one("KeyBar, #opening-keys", Static).content
    except NoMatches:
        return None
    if any(m is None for m in messages) or any(w.display for w in choices):
        return None
    if not isinstance(keys, Content) or not isinstance(placeholder, str) or None in side:
        return None
    return Opening(
        language=language,
        badge=badge or Part("", "", ""),
        messages=tuple(m for m in messages if m is not None),
        side=tuple(s for s in side if s is not None),
        placeholder=placeholder,
        keys=keys.markup,
        theme=theme,
    )


def _part(widget: Widget, markup: str | None = None) -> Part | None:
    if markup is None:
        if not isinstance(widget, Static) or not isinstance(widget.content, Content | str):
            return None
        content = widget.content
        markup = content.markup if isinstance(content, Content) else Content(content).markup
    return Part(
        id=widget.id or "",
        classes=" ".join(sorted(widget.classes)),
        markup=markup,
        shown=widget.display,
        title=str(widget.border_title or ""),
    )


def _message(widget: Widget) -> Part | None:
    """A coach message: a plain Static, or a Markdown widget of paragraphs only."""
    if isinstance(widget, Static):
        return _part(widget)
    from textual.widgets.markdown import Markdown, MarkdownBlock

    if not isinstance(widget, Markdown):
        return None
    blocks = [b for b in widget.children if isinstance(b, MarkdownBlock)]
    # Paragraphs only (the class is not public): lists and headings draw differently.
    if len(blocks) != len(widget.children) or any(
        type(b).__name__ != "MarkdownParagraph" for b in blocks
    ):
        return None
    texts = [_resolved(b) for b in blocks]
    if any(t is None for t in texts):
        return None
    joined = Content("\n\n").join(t for t in texts if t is not None)
    return _part(widget, joined.markup)


def _resolved(block: Widget) -> Content | None:
    """A Markdown block's text with its styles spelled out.

    Markdown styles ``.strong`` or ``.code_inline`` by the block's own component classes,
    which a Static on the opening screen does not have.
    """
    content = block.content if isinstance(block, Static) else None
    if not isinstance(content, Content):
        return None
    spans = []
    for span in content.spans:
        style = span.style
        if isinstance(style, str) and style.startswith("."):
            style = block.get_visual_style(style[1:], partial=True)
        spans.append(Span(span.start, span.end, style))
    return Content(content.plain, spans=spans)
