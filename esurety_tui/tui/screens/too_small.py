"""Below 80×24 the screens would cut amounts and labels: say so instead, until the window grows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24
MESSAGE = f"画面が小さすぎます（{MIN_WIDTH}×{MIN_HEIGHT}以上にしてください）"


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Covers everything; keys other than Ctrl+Q (the app's) do nothing while it is up."""

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(MESSAGE, id="too-small-message", markup=False)
            with Center():
                yield Static("", id="too-small-size", markup=False)

    def on_mount(self) -> None:
        self.show_size()

    def on_resize(self) -> None:
        self.show_size()

    def show_size(self) -> None:
        width, height = self.app.size
        self.query_one("#too-small-size", Static).update(f"現在の大きさ: {width}×{height}")
