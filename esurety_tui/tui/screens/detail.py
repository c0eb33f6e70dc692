"""電子保証概要 (詳細): the contract, its 認証キー (印刷, copy, 発注者へ提出), 電子保証情報(履歴情報) and
閲覧履歴 (D-Sure views). A paper guarantee is 保証契約概要: no key, nothing to print or submit."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from ...domain.money import format_number
from ...domain.wareki import format_datetime
from ...services.contracts import ContractDetail
from ..messages import Missing, Notice
from ..widgets.text import literal
from .base import NetDeskScreen
from .help import key_of


def _summary(d: ContractDetail) -> Table:
    """The seed's two-column grid: label, value, label, value."""
    t = Table.grid(padding=(0, 1), expand=True)
    t.add_column(style="bold", no_wrap=True, width=12)
    t.add_column(ratio=1)
    t.add_column(style="bold", no_wrap=True, width=12)
    t.add_column(ratio=1)
    t.add_row("保証契約番号", d.number, "請負契約者", literal(f"{d.contractor_name} 様"))
    t.add_row("JV名", literal(d.jv_name), "", "")
    t.add_row("工事名", literal(d.work_name), "", "")
    t.add_row("発注者名", literal(d.orderer_name), "", "")
    t.add_row(
        "請負金額", f"{format_number(d.contract_amount)} 円", "保証金額", f"{format_number(d.guarantee_amount)} 円"
    )
    t.add_row("商品名", d.product_name, "預託金融機関", literal(d.deposit_bank))
    return t


class DetailScreen(NetDeskScreen):
    PAGE_TITLE = "電子保証概要"
    HELP = "detail"
    HELP_TITLE = "保証契約一覧のヘルプ"
    BINDINGS = [
        Binding("f5", "print", "印刷", id="print", tooltip="印刷（認証キーのお知らせ PDF）"),
        Binding("f6", "copy_key", "コピー", id="copy", tooltip="認証キーをコピー"),
        Binding("f7", "submit", "発注者へ提出", id="submit", tooltip="発注者へ提出（お知らせ PDF をメールで送信）"),
    ]

    class Loaded(Message):
        def __init__(self, detail: ContractDetail, views: list) -> None:
            super().__init__()
            self.detail, self.views = detail, views

    def __init__(self, ref: int | str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: ContractDetail | None = None
        self.views: list = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail-body"):
            yield Static("読み込み中…", id="summary")
            yield Static(
                "認証キー ※発注者にお知らせください。(印刷して、PDF データを発注者に提出することをお奨めします。)",
                id="key-note",
                classes="section",
                markup=False,
            )
            with Horizontal(id="key-row"):
                yield Static("認証キー", id="key-label", markup=False)
                yield Static("", id="auth-key", markup=False)
                yield Static(
                    f"{key_of(self, 'print')} 印刷\n{key_of(self, 'copy')} コピー", id="key-actions", markup=False
                )
            yield Static(
                "電子保証情報(履歴情報) ※訂正、変更取消された履歴は表示されません。",
                id="history-title",
                classes="section",
                markup=False,
            )
            yield Static(
                "電子保証発行日時とは、発注者が保証証書を確認するシステム(プラットフォーム)に"
                "保証証書が到着した日時のことです。",
                id="history-note",
                classes="note",
                markup=False,
            )
            yield DataTable(id="history", cursor_type="row")
            yield Static(
                "閲覧履歴 ※発注者が保証確認サービス(D・Sure)で保証証書を確認した日時です。",
                id="views-title",
                classes="section",
                markup=False,
            )
            yield Static("", id="views", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_column("No.", width=4)
        table.add_column("電子保証発行日時", width=16)
        table.add_column("対象", width=6)
        table.add_column("電子保証", width=10)
        self.load()

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        from ...services import contracts
        from ...services.errors import ServiceError

        session = self.netdesk.session
        from ...services import dsure

        try:
            detail = contracts.detail(session, self.ref)
            views = dsure.views(session, detail.number) if detail.electronic else []
        except (ServiceError, ValueError) as e:
            self.post_message(Missing(str(e)))
            return
        self.post_message(self.Loaded(detail, views))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.views = message.views
        self._show(message.detail)

    def _show(self, d: ContractDetail) -> None:
        self.detail = d
        views = self.views
        electronic = bool(d.electronic and d.auth_key)
        page = "電子保証概要" if electronic else "保証契約概要"
        title = f"{page}({d.product_name}) ※最新の情報を表示しています。"
        if d.cancelled:
            title += "  【取消】"
        self.query_one(".page-title", Static).update(title)
        self.query_one("#summary", Static).update(_summary(d))
        key = self.query_one("#auth-key", Static)
        if electronic:
            key.update(Text(d.auth_key, style="bold"))
            copy, printing = f"{key_of(self, 'copy')} コピー", f"{key_of(self, 'print')} 印刷"
            actions = [copy] if d.cancelled else [printing, copy]
            if not d.cancelled and self._contractor():
                actions.append(f"{key_of(self, 'submit')} 発注者へ提出")
            self.query_one("#key-actions", Static).update("\n".join(actions))
            if d.cancelled:
                self.query_one("#key-note", Static).update(
                    "認証キー ※取消済みの保証契約のため、認証キーのお知らせは印刷できません。"
                )
        else:
            # 証書(紙): no key, nothing to print, copy or submit; the history is of the paper certificate.
            for hidden in ("#key-note", "#key-actions", "#views-title", "#views", "#history-note"):
                self.query_one(hidden).display = False
            self.query_one("#key-label", Static).update("証書")
            key.update("証書(紙)のため、認証キーはありません。")
            key.add_class("no-key")
            self.query_one("#history-title", Static).update(
                "保証証書情報(履歴情報) ※証書(紙)の保証契約です。訂正、変更取消された履歴は表示されません。"
            )
        table = self.query_one("#history", DataTable)
        table.clear()
        if not electronic:
            table.clear(columns=True)
            table.add_column("No.", width=4)
            table.add_column("発行日時", width=16)
            table.add_column("対象", width=6)
            table.add_column("証書", width=10)
        medium = "電子保証" if electronic else "証書(紙)"
        for no, v in enumerate(d.versions, 1):
            table.add_row(str(no), format_datetime(v.issued_at), v.target, medium, key=str(v.id))
        if electronic:
            lines = [
                f"{format_datetime(v.at)}  第{v.version_no}版  {v.viewer or '発注者'}"
                if v.version_no
                else f"{format_datetime(v.at)}  {v.viewer or '発注者'}"
                for v in views
            ]
            self.query_one("#views", Static).update(
                Text("\n").join(literal(line) for line in lines) if lines else literal("まだ閲覧されていません。")
            )
        self.refresh_bindings()
        table.focus()

    def _contractor(self) -> bool:
        session = self.netdesk.session
        from ...services.session import Role

        return session is not None and session.role == Role.CONTRACTOR

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        d = self.detail
        if action in ("print", "copy_key", "submit"):
            if d is None or not (d.electronic and d.auth_key):
                return False
            if action == "print" and d.cancelled:
                return False
            if action == "submit":
                return not d.cancelled and self._contractor()
            return True
        return super().check_action(action, parameters)

    @on(DataTable.RowSelected, "#history")
    def _open_version(self, event: DataTable.RowSelected) -> None:
        from .certificate import CertificateScreen

        self.app.push_screen(CertificateScreen(int(event.row_key.value)))

    def action_copy_key(self) -> None:
        d = self.detail
        if d is None or not d.auth_key:
            self.notify("この保証契約には認証キーがありません。", severity="warning")
            return
        self.netdesk.copy_key(d.number, d.auth_key)

    def action_print(self) -> None:
        d = self.detail
        if d is None or not d.auth_key:
            self.notify("証書(紙)の保証契約のため、認証キーのお知らせはありません。", severity="warning")
            return
        self.notify("「電子保証にかかる「認証キー」のお知らせ」(PDF)を作成しています…", title="印刷")
        self.make_notice(d.id, d.number)

    def action_submit(self) -> None:
        d = self.detail
        if d is None or not d.auth_key or d.cancelled:
            return
        from .submit import SubmitScreen

        self.app.push_screen(SubmitScreen(d.number))

    @work(thread=True, exclusive=True, group="pdf")
    def make_notice(self, guarantee_id: int, number: str = "") -> None:
        from ...services import exports
        from ...services.errors import ServiceError

        try:
            name, data = exports.notice_pdf(self.netdesk.session, guarantee_id)
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error"))
            return
        self.netdesk.deliver_pdf(name, data, fetch=f"notice {number}" if number else None)
