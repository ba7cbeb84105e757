"""The scrolling list of messages, which asks for older ones when scrolled to the top.

A conversation can run to thousands of messages over months; mounting a widget for each
would make resuming slow and memory-hungry. Only the recent part is mounted, and scrolling
up (or pressing the Earlier button) brings in the next batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.message import Message


class MessageList(VerticalScroll):
    """A VerticalScroll that posts ``NeedEarlier`` when the user reaches the top."""

    @dataclass
    class NeedEarlier(Message):
        """The top is in view and older messages may be waiting."""

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new <= 0 < old:
            self.post_message(self.NeedEarlier())
