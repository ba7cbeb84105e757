"""The fixed answers of the pending question, as choices to pick with a key or a click.

Each choice is sent as if the user had typed it; typing still works whatever is shown.
Styled in chat.tcss, beside the chat screen that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from coach.domain.text import clean_for_display

CHOICE_KEYS = ("f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9")
"""The keys that pick the first, second, ... choice.

F-keys, not Alt+digit: Textual 8 reads the ESC+digit most terminals send for Alt+1..9 as
the macOS Option characters (¡ ™ £ ...), so the message box would type them. F1 is help;
F10 and F11 belong to many terminals (menu, full screen). A key the config file's [keys]
gives to an action is skipped (see ``free_keys``).
"""

GAP = 2
"""Cells between two choices on one line (the CSS margin of each choice)."""


def free_keys(taken: set[str]) -> list[str]:
    """The choice keys in order, without those remapped to actions in config.toml."""
    return [key for key in CHOICE_KEYS if key not in taken]


class Option(NamedTuple):
    """One choice: what the row shows, what picking it sends, and the key that picks it."""

    label: str
    send: str
    key: str


class ChoiceItem(Static):
    """One choice in the row; a click picks it."""

    def __init__(self, number: int) -> None:
        super().__init__(id=f"choice-{number}", classes="choice", markup=False)
        self.option: Option | None = None

    def show(self, option: Option | None) -> None:
        self.option = option
        self.display = option is not None
        if option is not None:
            label = clean_for_display(option.label)  # flow text, which course authors edit
            self.update(Content.assemble((self.key_text(option), "bold"), " ", label))

    @staticmethod
    def key_text(option: Option) -> str:
        return f"[{option.key.upper()}]"

    def width_needed(self) -> int:
        option = self.option
        if option is None:
            return 0
        return len(self.key_text(option)) + 1 + Content(option.label).cell_length

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.option is not None:
            self.post_message(Choices.Picked(self.option))


class Choices(HorizontalGroup):
    """A label and the choices: on one line when they fit, else one choice per line."""

    @dataclass
    class Picked(Message):
        """The user clicked a choice: send ``option.send`` as their message."""

        option: Option

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = Static(id="choices-label", markup=False)
        self._items = [ChoiceItem(n) for n in range(1, len(CHOICE_KEYS) + 1)]
        self._label_text = ""
        self._options: list[Option] = []

    def compose(self) -> ComposeResult:
        yield self._label
        with HorizontalGroup(id="choice-items"):
            yield from self._items

    def for_key(self, key: str) -> Option | None:
        """The choice ``key`` picks, if one is on offer."""
        return next((option for option in self._options if option.key == key), None)

    def show(self, options: list[Option], label: str) -> None:
        """Offer ``options`` under ``label``; none hides the row."""
        self._options = options[: len(self._items)]
        self._label_text = label
        self._label.update(Content(label))
        for number, item in enumerate(self._items):
            item.show(self._options[number] if number < len(self._options) else None)
        self.display = bool(self._options)
        self._arrange()

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """One line when every choice fits beside the label, else one choice per line."""
        parent = self.parent
        outer = self.size.width or (parent.size.width if isinstance(parent, Widget) else 0)
        width = outer - self.styles.gutter.width
        label = Content(self._label_text).cell_length + 1
        needed = label + sum(item.width_needed() + GAP for item in self._items if item.option)
        self.set_class(width > 0 and needed > width, "-stacked")
