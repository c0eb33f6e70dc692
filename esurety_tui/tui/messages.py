"""How workers report to the UI: Messages, posted from the worker's thread (``post_message`` is
thread-safe) and handled on the event loop by the node they were posted to (as harlequin does).

A worker never touches widgets and never calls ``call_from_thread``: it posts a result message to its
screen (each screen declares its own, e.g. ``SentApplicationScreen.Loaded``) and a toast to the app
(``Notice``: the app outlives the screen, so a "PDF saved" note is not lost when the page was left).
A message posted to a screen that has been closed meanwhile is dropped, which is what a stale result
deserves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel


class Notice(Message):
    """A toast, for the app (``NetDeskApp.on_notice``)."""

    def __init__(
        self, text: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None:
        super().__init__()
        self.text, self.title, self.severity, self.timeout = text, title, severity, timeout


class Missing(Message):
    """What a page shows could not be loaded (gone, or not the caller's): the page says so and closes
    (``NetDeskScreen.on_missing``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
