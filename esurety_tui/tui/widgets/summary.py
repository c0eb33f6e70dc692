"""An application read-only, section by section (the form's four tabs): 申込確認 and the branch's 申込内容."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from .text import literal


class SummarySections(Vertical):
    """(section title, [(label, text)]) as headed label/value rows; every value literal text."""

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], **kwargs) -> None:
        super().__init__(**kwargs)
        self._sections = sections

    def compose(self) -> ComposeResult:
        for title, rows in self._sections:
            yield Static(title, classes="rv-section", markup=False)
            for label, text in rows:
                with Horizontal(classes="rv-row"):
                    yield Static(label, classes="rv-label", markup=False)
                    yield Static(literal(text), classes="rv-value")
