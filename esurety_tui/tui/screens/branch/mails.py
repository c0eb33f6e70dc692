"""送信メール: the branch's outgoing mail (notices, reissue notices, submissions), failed first;
F5 再送 puts a failed mail back in the queue and delivers it off the UI thread."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from ...messages import Notice
from ...widgets.text import cell
from ..base import NetDeskScreen
from ..help import key_of

STATUS_LABELS = {
    "failed": "送信失敗",
    "queued": "送信待ち",
    "sending": "送信中",
    "sent": "送信済",
    "outbox": "送信済(ファイル)",
}


class MailsScreen(NetDeskScreen):
    PAGE_TITLE = "送信メール"
    HELP = "branch_mails"
    HELP_TITLE = "送信メールのヘルプ"
    BINDINGS = [
        Binding("f5", "retry", "再送", id="retry", tooltip="再送（送信に失敗したメールを送信待ちに戻し、すぐに送信）"),
    ]

    class Listed(Message):
        """The mails, failed first; ``deliver``: a mail was put back in the queue, send it now."""

        def __init__(self, rows: list, *, deliver: bool = False) -> None:
            super().__init__()
            self.rows, self.deliver = rows, deliver

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="mails", cursor_type="row", zebra_stripes=True)
        yield Static("", id="mails-error", markup=False)
        yield Static("", id="mails-status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("状態", width=10, key="status")
        table.add_column("保証契約番号", width=12, key="number")
        table.add_column("宛先", width=22, key="to")
        table.add_column("件名", width=max(10, self.app.size.width - 60), key="subject")
        table.add_column("試行", width=4, key="attempts")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="mails")
    def load(self) -> None:
        from ....services import mail

        rows = mail.listing(self.netdesk.session, limit=500)
        rows.sort(key=lambda r: (r.status != "failed", r.status != "queued"))  # failed first, stable
        self.post_message(self.Listed(rows))

    @on(Listed)
    def _show(self, message: Listed) -> None:
        if message.deliver:
            self.netdesk.send_mail()
        self.rows = rows = message.rows
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in rows:
            label = STATUS_LABELS.get(r.status, r.status)
            table.add_row(
                Text(label, style="bold red" if r.status == "failed" else ""),
                cell(r.number),
                cell(r.to),
                cell(r.subject),
                str(r.attempts),
                key=str(r.id),
            )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)
        failed = sum(1 for r in rows if r.status == "failed")
        self.query_one("#mails-status", Static).update(
            f"{len(rows)}件（送信失敗 {failed}件）  {key_of(self, 'retry')} 再送"
            if rows
            else "送信メールはありません。"
        )
        self._show_error()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error()

    def _current(self):
        if not self.rows:
            return None
        return self.rows[min(self.query_one(DataTable).cursor_row, len(self.rows) - 1)]

    def _show_error(self) -> None:
        row = self._current()
        text = f"理由: {row.last_error}" if row is not None and row.last_error else ""
        self.query_one("#mails-error", Static).update(text)

    def action_retry(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.status != "failed":
            self.notify("再送できるのは送信に失敗したメールです。", severity="warning")
            return
        self.retry(row.id)

    @work(thread=True, exclusive=True, group="mails")
    def retry(self, mail_id: int) -> None:
        from ....services import mail
        from ....services.errors import ServiceError

        try:
            mail.retry(self.netdesk.session, mail_id)
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error"))
            return
        self.app.post_message(Notice("送信待ちに戻しました。送信します。", title="再送"))
        rows = mail.listing(self.netdesk.session, limit=500)
        rows.sort(key=lambda r: (r.status != "failed", r.status != "queued"))
        self.post_message(self.Listed(rows, deliver=True))
