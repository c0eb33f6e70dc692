"""申込一覧: this company's applications, drafts (作成中) first; open a draft to go on typing."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from ...domain.wareki import format_datetime
from ...services import applications
from ...services.applications import DraftRow
from ...services.errors import ServiceError
from ..widgets.text import cell
from .base import NetDeskScreen
from .confirm import ConfirmScreen
from .help import key_of

DRAFT = "作成中"


class DraftsScreen(NetDeskScreen):
    PAGE_TITLE = "申込一覧"
    HELP = "drafts"
    HELP_TITLE = "申込一覧のヘルプ"
    BINDINGS = [
        Binding(
            "enter",
            "open",
            "開く",
            id="open_draft",
            key_display="Enter",
            priority=True,
            tooltip="作成中の申込を開いて続きを入力する（それ以外は状態を表示）",
        ),
        Binding("f4", "new", "申込の作成(新規)", id="new_application"),
        Binding(
            "f8",
            "delete",
            "削除",
            id="delete_draft",
            tooltip="作成中の申込を削除する（確認あり。送信済みの申込は削除できません）",
        ),
    ]

    class Listed(Message):
        def __init__(self, rows: list[DraftRow]) -> None:
            super().__init__()
            self.rows = rows

    class Deleted(Message):
        pass

    class Failed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self) -> None:
        super().__init__()
        self.listed: dict[int, DraftRow] = {}

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="drafts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="drafts-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True  # six keys and the palette in 80 columns
        table = self.query_one(DataTable)
        table.add_column("No.", width=4, key="no")
        table.add_column("状態", width=6, key="status")
        table.add_column("工事名", width=max(16, self.app.size.width - 56), key="work")
        table.add_column("更新日時", width=16, key="updated")
        table.add_column("受付番号", width=17, key="receipt")
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    @work(thread=True, exclusive=True, group="drafts")
    def reload(self) -> None:
        session = self.netdesk.session
        if session is None:
            return
        try:
            rows = applications.drafts(session)
        except Exception as err:
            self.post_message(self.Failed(f"申込一覧を読み込めません: {err}"))
            return
        self.post_message(self.Listed(rows))

    def on_drafts_screen_listed(self, message: Listed) -> None:
        table = self.query_one(DataTable)
        current = self._current()
        table.clear()
        self.listed = {row.id: row for row in message.rows}
        for n, row in enumerate(message.rows, 1):
            table.add_row(
                str(n),
                cell(row.status),
                cell(row.work_name or "（工事名未入力）", "" if row.work_name else "dim"),
                format_datetime(row.updated_at),
                row.receipt_no or "",
                key=str(row.id),
            )
        if current is not None and current.id in self.listed:
            table.move_cursor(row=table.get_row_index(str(current.id)))
        drafts = sum(1 for r in message.rows if r.status == DRAFT)
        status = (
            f"{len(message.rows)}件（作成中 {drafts}件）"
            if message.rows
            else f"申込はまだありません。{key_of(self, 'new_application')} で作成できます。"
        )
        self.query_one("#drafts-status", Static).update(status)

    def on_drafts_screen_failed(self, message: Failed) -> None:
        self.notify(message.message, severity="error", timeout=10)

    def _current(self) -> DraftRow | None:
        table = self.query_one(DataTable)
        if not self.listed or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return self.listed.get(int(key)) if key is not None else None

    def action_open(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.status == DRAFT:
            self.netdesk.open_application(row.id)
            return
        from .sent import SentApplicationScreen

        self.app.push_screen(SentApplicationScreen(row.id))

    def action_new(self) -> None:
        self.netdesk.new_application()

    def action_delete(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.status != DRAFT:
            self.notify(f"{row.status}の申込は削除できません。", severity="warning")
            return
        name = row.work_name or "工事名未入力"

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(row.id)

        self.app.push_screen(
            ConfirmScreen(f"作成中の申込「{name}」を削除しますか？\n削除した申込は元に戻せません。"), answered
        )

    @work(thread=True, exclusive=True, group="drafts-delete")
    def _delete(self, application_id: int) -> None:
        session = self.netdesk.session
        try:
            applications.delete_draft(session, application_id)  # type: ignore[arg-type]
        except ServiceError as err:
            self.post_message(self.Failed(str(err)))
            return
        self.post_message(self.Deleted())

    def on_drafts_screen_deleted(self, message: Deleted) -> None:
        self.notify("申込を削除しました。")
        self.reload()
