"""The reference for benchmarks/startup.py: the smallest Textual app (one Static).

It quits on ctrl+q (Textual's default binding), like esurety; startup.py types ctrl+q as soon as
the text below has reached the terminal.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("BARE-APP-READY")


if __name__ == "__main__":
    Bare().run()
