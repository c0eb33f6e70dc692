"""「電子保証対応の発注者はこちら」: the orderers that accept 電子保証 (a modal from the application form)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ...services.applications import OrdererChoice
from ..widgets.text import cell


class ElectronicOrderersScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "閉じる", id="close"),
        Binding("f8,enter", "dismiss", "閉じる", show=False),
    ]

    def __init__(self, orderers: list[OrdererChoice]) -> None:
        super().__init__()
        self._orderers = [o for o in orderers if o.accepts_electronic]

    def compose(self) -> ComposeResult:
        with Vertical(id="orderers-box"):
            yield Static("電子保証対応の発注者", id="orderers-title", markup=False)
            yield Static(
                "次の発注者は電子保証(認証キーを含む)に対応しています。"
                "一覧にない発注者には証書(紙)でお申込みください。",
                classes="note",
                markup=False,
            )
            yield DataTable(id="orderers", cursor_type="row", show_header=False)
            yield Static("Esc 閉じる", classes="note", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("発注者名", width=56)
        for o in self._orderers:
            table.add_row(cell(o.name))
        if not self._orderers:
            table.add_row(cell("（電子保証に対応している発注者は登録されていません）", "dim"))
        table.focus()
