"""The first frame of a new conversation, painted from the opening cache while coach loads.

It is the chat screen's twin: the same ids, classes and style sheet, filled with what the
last start's first screen showed (coach.opening_cache). Its message box is the real one, so
typing works from the first frame; the app moves the words, and an Enter pressed meanwhile,
into the chat screen that replaces this one (CoachApp._finish_loading). It imports nothing
of coach's domain: that is the point of it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content, Span
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

from coach.opening_cache import Opening, Part
from coach.ui.widgets.chat_input import ChatInput
from coach.ui.widgets.message_list import MessageList


def _content(part: Part) -> Content:
    return Content(part.text, spans=[Span(start, end, style) for start, end, style in part.spans])


def _static(part: Part) -> Static:
    widget = Static(_content(part), id=part.id or None, classes=part.classes)
    widget.display = part.shown
    if part.title:
        widget.border_title = part.title
    return widget


def drawable(opening: Opening) -> bool:
    """Whether every style in ``opening`` is one Textual reads (a damaged cache's may not be)."""
    parts = (opening.badge, opening.keys, *opening.messages, *opening.side)
    try:
        for part in parts:
            for start, end, style in part.spans:
                Style.parse(style)
                if not 0 <= start <= end <= len(part.text):
                    return False
    except Exception:  # Textual raises several kinds for a style it cannot read
        return False
    return True


class OpeningScreen(Screen[None]):
    """The chat screen as it will look, with a working message box and nothing behind it."""

    CSS_PATH = Path(__file__).with_name("chat.tcss")
    """The chat screen's own style sheet: the two must look the same."""

    def __init__(self, opening: Opening) -> None:
        super().__init__()
        self.opening = opening
        self.sent = False
        """Enter was pressed: the box is held as it was, and sent once the chat is ready."""

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
        yield Static(_content(opening.keys), id="opening-keys")

    def on_mount(self) -> None:
        self.query_one(ChatInput).focus()
        self.query_one(MessageList).anchor()

    def on_chat_input_submitted(self, event: ChatInput.Submitted) -> None:
        event.stop()
        if event.text.strip():
            self.sent = True
            self.query_one(ChatInput).read_only = True  # what is sent is what was there

    @property
    def typed(self) -> str:
        """What the user has typed so far."""
        try:
            return self.query_one(ChatInput).text
        except NoMatches:  # not composed yet
            return ""


def capture(screen: Screen[None], language: str, theme: str | None) -> Opening | None:
    """What ``screen`` (a new conversation's chat screen) shows, to paint it next time.

    None when it shows something the opening screen cannot draw the same way (a list or a
    heading in the opening message, choices above the input): that start is not kept.
    """
    try:
        badges = [w for w in screen.query("#top-bar Static") if w.id != "app-name"]
        messages = [_message(w) for w in screen.query_one("#messages").children]
        side = [_part(w) for w in screen.query_one("#side").children]
        choices = screen.query("#choices")
        placeholder = screen.query_one(ChatInput).placeholder
        keys = _part(screen.query_one("KeyBar, #opening-keys", Static))
    except NoMatches:
        return None
    badge = _part(badges[0]) if badges else Part("", "", "")
    if badge is None or keys is None or any(w.display for w in choices):
        return None
    keys = replace(keys, id="", classes="")  # the key bar's words only: two widgets show them
    if not isinstance(placeholder, str) or None in messages or None in side:
        return None
    return Opening(
        language=language,
        badge=badge,
        messages=tuple(m for m in messages if m is not None),
        side=tuple(s for s in side if s is not None),
        placeholder=placeholder,
        keys=keys,
        theme=theme,
    )


def _part(widget: Widget, content: Content | None = None) -> Part | None:
    if content is None:
        if not isinstance(widget, Static) or not isinstance(widget.content, Content | str):
            return None
        content = widget.content if isinstance(widget.content, Content) else Content(widget.content)
    spans = tuple((s.start, s.end, str(s.style)) for s in content.spans)
    for span in content.spans:  # a style object must read back from its text as itself
        if not isinstance(span.style, str) and Style.parse(str(span.style)) != span.style:
            return None
    part = Part(
        id=widget.id or "",
        classes=" ".join(sorted(widget.classes)),
        text=content.plain,
        spans=spans,
        shown=widget.display,
        title=str(widget.border_title or ""),
    )
    return part


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
    return _part(widget, Content("\n\n").join(t for t in texts if t is not None))


def _resolved(block: Widget) -> Content | None:
    """A Markdown block's text with its styles spelled out.

    Markdown styles ``.strong`` or ``.code_inline`` by the block's own component classes,
    which a Static on the opening screen does not have. Only the component's own rules are
    taken (``partial``), so its colours blend over the message as they do in Markdown.
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
