"""保証確認サービス(D・Sure): the orderer's view, opened from ログイン without an account.

DSureLoginScreen (保証契約番号 + 認証キー) → DSureCertificateScreen (the current certificate, its
visible history, F5 ダウンロード). No Net Desk links here: the orderer has no session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from ...domain.wareki import format_datetime
from ..messages import Notice
from ..widgets.input import SafeInput

if TYPE_CHECKING:
    from ...services.dsure import DSureResult
    from ..app import NetDeskApp

SERVICE = "保証確認サービス(D・Sure)"


class DSureScreen(Screen):
    """A D-Sure page: its own title bar (no 全体トップへ / ログアウト), help and Esc back."""

    HELP: ClassVar[str] = "dsure"
    HELP_TITLE: ClassVar[str] = "保証確認サービス(D・Sure)のヘルプ"
    BINDINGS = [
        Binding("f1", "help", "ヘルプ", id="help"),
        Binding("escape", "back", "戻る", id="back"),
    ]

    @property
    def netdesk(self) -> NetDeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(SERVICE, id="dsure-service", markup=False)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        if self.app.is_headless:  # deterministic snapshots: no blinking cursor
            for field in self.query(Input):
                field.cursor_blink = False

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self, self.HELP, self.HELP_TITLE))

    def action_back(self) -> None:
        self.app.pop_screen()


class DSureLoginScreen(DSureScreen):
    """保証契約番号 + 認証キー. Enter moves to the key, Enter there checks."""

    AUTO_FOCUS = "#dsure-number"
    _busy = False

    class Opened(Message):
        def __init__(self, result: DSureResult, key: str) -> None:
            super().__init__()
            self.result, self.key = result, key

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose_body(self) -> ComposeResult:
        with Center():
            with Vertical(id="dsure-box"):
                yield Static("保証証書の確認（発注者様）", id="dsure-welcome", markup=False)
                yield Static(
                    "受注者から提出された「認証キーのお知らせ」の保証契約番号と認証キーを入力してください。",
                    classes="note",
                    markup=False,
                )
                yield Label("保証契約番号")
                yield SafeInput(id="dsure-number", placeholder="例: 35072-00000M", max_length=20)
                yield Label("認証キー")
                yield SafeInput(
                    id="dsure-key", password=True, placeholder="12文字（英大文字・小文字・数字）", max_length=40
                )
                yield Static("確認（Enter）", id="dsure-submit", markup=False)
                yield Static("", id="dsure-message", markup=False)

    @on(Input.Submitted, "#dsure-number")
    def _next(self) -> None:
        if not self.query_one("#dsure-number", Input).value.strip():
            self._show("保証契約番号を入力してください。")
            return
        self.query_one("#dsure-key", Input).focus()

    @on(Input.Submitted, "#dsure-key")
    def _submit(self) -> None:
        number = self.query_one("#dsure-number", Input).value.strip()
        key = self.query_one("#dsure-key", Input).value.strip()
        if not number or not key:
            self._show("保証契約番号と認証キーを入力してください。")
            self.query_one("#dsure-key" if number else "#dsure-number", Input).focus()
            return
        if self._busy:
            return
        self._busy = True
        self._show("確認しています…", error=False)
        self.check(number, key)

    @work(thread=True, exclusive=True, group="dsure")
    def check(self, number: str, key: str) -> None:
        from ...services import dsure

        self.app.db_ready.wait(30)
        try:
            result = dsure.view(number, key, lockout=self.netdesk.settings.dsure)
        except dsure.DSureRefused as e:
            self.post_message(self.Refused(str(e)))
            return
        except Exception as e:
            self.post_message(self.Refused(f"確認できません: {e}"))
            return
        self.post_message(self.Opened(result, key))

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        self._busy = False
        self.query_one("#dsure-key", Input).value = ""
        self._show("", error=False)
        self.app.push_screen(DSureCertificateScreen(message.result, message.key))

    @on(Refused)
    def _failed(self, message: Refused) -> None:
        self._busy = False
        field = self.query_one("#dsure-key", Input)
        field.value = ""
        field.focus()
        self._show(message.text)

    def _show(self, message: str, error: bool = True) -> None:
        label = self.query_one("#dsure-message", Static)
        label.update(message)
        label.set_class(error, "error")


class DSureCertificateScreen(DSureScreen):
    """The certificate (前払金保証書 / 契約保証書) and its visible history; Enter on a row shows that
    version; F5 downloads the PDF of the version shown."""

    BINDINGS = [
        Binding("f5", "download", "ダウンロード", id="download", tooltip="表示中の保証証書を PDF でダウンロード")
    ]

    class Switched(Message):
        """Another version of the certificate, read with the key again."""

        def __init__(self, result: DSureResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, result: DSureResult, key: str) -> None:
        super().__init__()
        self.result = result
        self._key = key  # kept only to re-check on download / another version; never shown

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dsure-body"):
            yield Static("", id="dsure-title", markup=False)
            yield Static("", id="dsure-certificate")
            yield Static(
                "電子保証情報(履歴情報) ※訂正、変更取消された履歴は表示されません。", classes="section", markup=False
            )
            yield DataTable(id="dsure-history", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#dsure-history", DataTable)
        table.add_column("No.", width=4)
        table.add_column("電子保証発行日時", width=16)
        table.add_column("対象", width=6)
        table.add_column("", width=6)
        self._render_result()
        table.focus()

    def _render_result(self) -> None:
        from .certificate import certificate_table

        r, c = self.result, self.result.certificate
        title = self.query_one("#dsure-title", Static)
        title.update(f"{c.title}（{c.version_kind}）" + ("  【取消】" if r.cancelled else ""))
        title.set_class(r.cancelled, "cancelled")
        self.query_one("#dsure-certificate", Static).update(certificate_table(c))
        table = self.query_one("#dsure-history", DataTable)
        table.clear()
        for no, v in enumerate(r.history, 1):
            table.add_row(
                str(no), format_datetime(v.issued_at), v.target, "表示中" if v.id == c.version_id else "", key=str(v.id)
            )
        rows = [str(v.id) for v in r.history]
        if str(c.version_id) in rows:
            table.move_cursor(row=rows.index(str(c.version_id)))

    @on(DataTable.RowSelected, "#dsure-history")
    def _open_version(self, event: DataTable.RowSelected) -> None:
        version_id = int(event.row_key.value)
        if version_id != self.result.certificate.version_id:
            self.load_version(version_id)

    @work(thread=True, exclusive=True, group="dsure")
    def load_version(self, version_id: int) -> None:
        from ...services import dsure
        from ...services.errors import ServiceError

        try:
            result = dsure.view(
                self.result.number, self._key, version_id=version_id, lockout=self.netdesk.settings.dsure
            )
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error", timeout=10))
            return
        self.post_message(self.Switched(result))

    @on(Switched)
    def _switch(self, message: Switched) -> None:
        self.result = message.result
        self._render_result()

    def action_download(self) -> None:
        self.notify(f"{self.result.certificate.title}(PDF)を作成しています…", title="ダウンロード")
        self.make_pdf(self.result.certificate.version_id)

    @work(thread=True, exclusive=True, group="pdf")
    def make_pdf(self, version_id: int) -> None:
        from ...services import dsure
        from ...services.errors import ServiceError

        try:
            name, data = dsure.certificate_pdf(
                self.result.number, self._key, version_id, lockout=self.netdesk.settings.dsure
            )
        except ServiceError as e:
            self.app.post_message(Notice(str(e), severity="error", timeout=10))
            return
        self.netdesk.deliver_pdf(name, data)
