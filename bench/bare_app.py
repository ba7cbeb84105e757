"""The floor for the first frame: a bare Textual app (Header, Static, Input, Footer).

`bench/run.py` starts it interleaved with coach and reports coach's first frame as a ratio
to this one's (issue 16): the machine varies by about 15% from run to run, the ratio less.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input, Static

READY = "What is your dream job"
"""The same words coach's first frame is timed to, so both wait for the same thing."""


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{READY}: the work you would love to be doing?")
        yield Input(placeholder="Type your answer")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
