"""The page header: service name, the user (「〇〇建設 株式会社 様」), 全体トップへ and ログアウト."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from .text import literal


class PageHeader(Horizontal):
    def __init__(self, user: str = "", links: bool = True) -> None:
        super().__init__()
        self._user = user
        self._links = links

    def compose(self) -> ComposeResult:
        yield Static("Net Desk", id="service")
        yield Static(literal(self._user), id="user")
        if self._links:
            yield Static("F2 全体トップへ  F3 ログアウト", id="links", markup=False)
