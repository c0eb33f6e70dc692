"""The references for the first paint: the smallest Textual apps.

    python benchmarks/_bare_app.py           # one Static (startup.py)
    python benchmarks/_bare_app.py chrome    # Header + Static + Footer (run.py's floor for ログイン)

They quit on ctrl+q (Textual's default binding), like esurety; the scripts type ctrl+q as soon as
the text below has reached the terminal.
"""

import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("BARE-APP-READY")


class Chrome(App[None]):
    TITLE = "Bare"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("BARE-APP-READY")
        yield Footer()


if __name__ == "__main__":
    (Chrome if sys.argv[1:] == ["chrome"] else Bare)().run()
