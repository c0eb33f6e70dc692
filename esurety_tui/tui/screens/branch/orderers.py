"""発注者: the orderer master (電子保証対応, terms, submission address); F4 追加, Enter 編集."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from ...widgets.text import cell
from ..base import NetDeskScreen


class OrderersScreen(NetDeskScreen):
    PAGE_TITLE = "発注者"
    HELP = "orderers"
    HELP_TITLE = "発注者のヘルプ"
    BINDINGS = [
        Binding("f4", "add", "追加", id="add", tooltip="発注者の追加"),
        Binding("enter", "edit", "編集", id="edit", show=True, tooltip="選択した発注者の編集"),
    ]

    class Listed(Message):
        def __init__(self, rows: list) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="orderers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="orderers-status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        wide = max(16, self.app.size.width - 58)
        table.add_column("発注者名", width=16, key="name")
        table.add_column("電子保証", width=8, key="electronic")
        table.add_column("条件", width=14, key="terms")
        table.add_column("提出先メール", width=wide, key="email")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="orderers")
    def load(self) -> None:
        from ....services import orderers

        self.post_message(self.Listed(orderers.list(self.netdesk.session)))

    @on(Listed)
    def _show(self, message: Listed) -> None:
        self.rows = rows = message.rows
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for o in rows:
            table.add_row(
                cell(o.name),
                Text("対応" if o.accepts_electronic else "紙のみ", style="" if o.accepts_electronic else "yellow"),
                cell(o.terms_text),
                cell(o.email or "（未登録）"),
                key=str(o.id),
            )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)
        self.query_one("#orderers-status", Static).update(f"{len(rows)}件  Enter 編集  F4 追加")

    @on(DataTable.RowSelected, "#orderers")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_add(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows:
            return
        self._open(self.rows[min(table.cursor_row, len(self.rows) - 1)])

    def _open(self, row) -> None:
        from .forms import OrdererFormScreen

        def saved(name: str | None) -> None:
            if name:
                self.notify(f"発注者「{name}」を保存しました。")
                self.load()

        self.app.push_screen(OrdererFormScreen(row), saved)
