"""申込内容 of a sent application, read-only: its 手続状況 (送信済 → 審査中 → 引受 → 発行済, or 謝絶 with the
branch's reason) and, once issued, its 保証契約番号 leading to 電子保証概要."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from ...domain.status import AppStatus
from ...domain.wareki import format_datetime
from ...services.applications import SentDetail
from ..messages import Missing
from ..widgets.text import cell, literal
from .base import NetDeskScreen
from .review import review_sections

PROGRESS = (AppStatus.SENT, AppStatus.REVIEWING, AppStatus.ACCEPTED, AppStatus.ISSUED)


def progress_text(status: str) -> Text:
    """手続状況: the four steps with the current one in reverse video; 謝絶 on its own."""
    text = Text("手続状況  ", style="bold")
    if status == AppStatus.REFUSED:
        text.append(" 謝絶 ", style="bold reverse red")
        return text
    reached = True
    for i, step in enumerate(PROGRESS):
        if i:
            text.append(" → ", style="dim")
        if step == status:
            text.append(f" {step.value} ", style="bold reverse")
            reached = False
        else:
            text.append(step.value, style="" if reached else "dim")
    return text


class SentApplicationScreen(NetDeskScreen):
    PAGE_TITLE = "申込内容（送信済み）"
    HELP = "sent"
    HELP_TITLE = "申込内容のヘルプ"
    BINDINGS = [Binding("f5", "open_contract", "電子保証概要", id="open_contract")]

    class Loaded(Message):
        def __init__(self, detail: SentDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, application_id: int) -> None:
        super().__init__()
        self.application_id = application_id
        self.detail: SentDetail | None = None

    def compose_body(self) -> ComposeResult:
        # 手続状況 and the numbers stay in view; the application's contents scroll below them.
        with Vertical(id="sent-head"):
            yield Static("読み込み中…", id="sent-progress")
            yield Static("", id="sent-reason")
            yield Static("", id="sent-meta")
            yield DataTable(id="sent-numbers", cursor_type="row")
        with VerticalScroll(id="sent-body"):
            yield Vertical(id="sent-sections")

    def on_mount(self) -> None:
        table = self.query_one("#sent-numbers", DataTable)
        table.add_column("商品", width=10)
        table.add_column("保証契約番号", width=14)
        table.add_column("形式", width=16)
        table.display = False
        self.query_one("#sent-reason").display = False
        self.query_one("#sent-body").focus()
        self.load()

    @work(thread=True, exclusive=True, group="sent")
    def load(self) -> None:
        from ...services import applications
        from ...services.errors import ServiceError

        try:
            detail = applications.sent_detail(self.netdesk.session, self.application_id)
        except ServiceError as e:
            self.post_message(Missing(str(e)))
            return
        self.post_message(self.Loaded(detail))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.detail = d = message.detail
        self.query_one("#sent-progress", Static).update(progress_text(d.status))
        reason = self.query_one("#sent-reason", Static)
        if d.status == AppStatus.REFUSED:
            reason.update(literal(f"謝絶の理由: {d.refusal_reason or '（理由の記載はありません）'}"))
            reason.display = True
        meta = [f"受付番号 {d.receipt_no}"]
        if d.submitted_at:
            meta[0] += f"  送信日時 {format_datetime(d.submitted_at)}"
        if d.branch_name:
            meta.append(f"申込送信先 {d.branch_name}")
        self.query_one("#sent-meta", Static).update(Text("\n").join(literal(m) for m in meta))
        table = self.query_one("#sent-numbers", DataTable)
        table.clear()
        for g in d.guarantees:
            form = "電子保証" if g.electronic else "証書(紙)"
            table.add_row(g.kind, g.number, cell(form + ("【取消】" if g.cancelled else "")), key=g.number)
        table.display = bool(d.guarantees)
        sections = self.query_one("#sent-sections", Vertical)
        sections.remove_children()
        widgets = []
        for title, rows in review_sections(d.values, d.orderer_name, d.branch_name):
            widgets.append(Static(title, classes="rv-section", markup=False))
            for label, text in rows:
                widgets.append(
                    Horizontal(
                        Static(label, classes="rv-label", markup=False),
                        Static(literal(text), classes="rv-value"),
                        classes="rv-row",
                    )
                )
        sections.mount_all(widgets)
        if d.guarantees:
            table.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_contract":
            return bool(self.detail and self.detail.guarantees)
        return super().check_action(action, parameters)

    @on(DataTable.RowSelected, "#sent-numbers")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.netdesk.open_contract(str(event.row_key.value))

    def action_open_contract(self) -> None:
        d = self.detail
        if not d or not d.guarantees:
            return
        table = self.query_one("#sent-numbers", DataTable)
        row = min(max(table.cursor_row, 0), len(d.guarantees) - 1)
        self.netdesk.open_contract(d.guarantees[row].number)
