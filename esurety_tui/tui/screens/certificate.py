"""電子保証: one version of the certificate (前払金保証書 / 契約保証書), opened from a history row."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ...domain.fields import CERTIFICATE_PLACES as PLACE
from ...domain.fields import Doc
from ...domain.rules import as_guarantee, printed_rows
from ...domain.wareki import to_wareki_datetime
from ...services.contracts import CertificateView
from ..messages import Notice
from ..widgets.text import literal
from .base import NetDeskScreen


def certificate_table(c: CertificateView) -> Table:
    t = Table(show_header=False, expand=True, show_lines=False, box=None, padding=(0, 1))
    t.add_column(style="bold", no_wrap=True, width=16)
    t.add_column(ratio=1)
    # The PDF's rows (the declared fields', domain.fields Print, and the certificate's own), by place.
    rows: list[tuple[int, str, Text | str]] = [
        (PLACE["number"], "保証契約番号", c.contract_number),
        (PLACE["contractor"], "受注者", literal(c.contractor_name)),
        (PLACE["version"], "版", f"第{c.version_no}版 {c.version_kind}"),
        (PLACE["issued_at"], "電子保証発行日時", to_wareki_datetime(c.issued_at)),
    ]
    rows += [(r.place, r.label, literal(r.text)) for r in printed_rows(Doc.CERTIFICATE, as_guarantee(c.kind, c.values))]
    rows.sort(key=lambda row: row[0])  # stable: an own row before a declared one of the same place
    for _, label, value in rows:
        t.add_row(label, value)
    return t


class CertificateScreen(NetDeskScreen):
    PAGE_TITLE = "電子保証"
    HELP = "certificate"
    BINDINGS = [Binding("f5", "print", "印刷", id="print", tooltip="印刷（保証書の PDF）")]

    class Loaded(Message):
        def __init__(self, view: CertificateView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, version_id: int) -> None:
        super().__init__()
        self.version_id = version_id
        self.view: CertificateView | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="certificate-body"):
            yield Static("", id="certificate-title", markup=False)
            yield Static("読み込み中…", id="certificate")
            yield Static("申込内容と間違いがないかご確認ください。", classes="note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#certificate-body").focus()
        self.load()

    @work(thread=True, exclusive=True, group="certificate")
    def load(self) -> None:
        from ...services import contracts
        from ...services.errors import ServiceError

        try:
            view = contracts.certificate(self.netdesk.session, self.version_id)
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error"))
            return
        self.post_message(self.Loaded(view))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.view = c = message.view
        title = self.query_one("#certificate-title", Static)
        title.update(f"{c.title}（{c.version_kind}）" + ("  【取消】" if c.version_kind == "取消" else ""))
        title.set_class(c.version_kind == "取消", "cancelled")
        self.query_one("#certificate", Static).update(certificate_table(c))

    def action_print(self) -> None:
        if self.view is None:
            return
        self.notify(f"{self.view.title}(PDF)を作成しています…", title="印刷")
        self.make_pdf()

    @work(thread=True, exclusive=True, group="pdf")
    def make_pdf(self) -> None:
        from ...services import exports
        from ...services.errors import ServiceError

        try:
            name, data = exports.certificate_pdf(self.netdesk.session, self.version_id)
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error"))
            return
        view = self.view
        fetch = f"certificate {view.contract_number} --version {view.version_no}" if view else None
        self.netdesk.deliver_pdf(name, data, fetch=fetch)
