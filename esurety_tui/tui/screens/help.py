"""F1: the help page of the current screen (「…のヘルプ」)."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static


def help_text(name: str) -> str:
    try:
        return (files("esurety_tui.tui") / "help" / f"{name}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return "このページのヘルプはありません。"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "閉じる", id="close"),
        Binding("f1", "dismiss", "閉じる", show=False),
    ]

    def __init__(self, name: str, title: str) -> None:
        super().__init__()
        self._name = name
        self._title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._title, classes="page-title", markup=False)
            yield Markdown(help_text(self._name))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
