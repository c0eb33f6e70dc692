"""ログイン 「ようこそ、ネットデスクへ」."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from ..widgets.input import SafeInput


class LoginScreen(Screen):
    """The bottom of the screen stack (NetDeskApp.get_default_screen): 全体トップ is pushed over it
    at log-in, and ログアウト pops back to it."""

    HELP = "login"
    _busy = False  # a log-in is being checked
    AUTO_FOCUS = "#login-id"  # focused when composed: keys typed ahead of the first paint land here
    BINDINGS = [
        Binding("f1", "help", "ヘルプ", id="help"),
        Binding(
            "f5",
            "dsure",
            "保証確認サービス(D・Sure)",
            id="dsure",
            tooltip="保証確認サービス(D・Sure)（発注者様：保証契約番号と認証キーで保証証書を確認）",
        ),
    ]

    class LoggedIn(Message):
        """The password was right: the session, and the top page's first window if it was read."""

        def __init__(self, session: object, first: object) -> None:
            super().__init__()
            self.session, self.first = session, first

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Static("インターネット保証サービス Net Desk", id="login-service", markup=False)
        with Center():
            with Vertical(id="login-box"):
                yield Static("ようこそ、ネットデスクへ", id="welcome", markup=False)
                yield Label("ログインID")
                yield SafeInput(id="login-id", placeholder="ログインID", max_length=64)
                yield Label("パスワード")
                yield SafeInput(id="password", password=True, placeholder="パスワード", max_length=256)
                # A plain Static, not a Button: Enter in パスワード logs in, a click here too, and the
                # first screen paints sooner (start-up is measured against a bare Textual app).
                yield Static("ログイン（Enter）", id="login", markup=False)
                yield Static("", id="login-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.app.is_headless:
            for field in self.query(Input):
                field.cursor_blink = False

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self, self.HELP, "ログインのヘルプ"))

    def action_dsure(self) -> None:
        """The orderer's D-Sure: no account, number + key."""
        from .dsure import DSureLoginScreen

        self.app.push_screen(DSureLoginScreen())

    @on(Input.Submitted, "#login-id")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "login":
            self._submit()

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        login_id = self.query_one("#login-id", Input).value
        password = self.query_one("#password", Input).value
        if not login_id or not password:
            self._show("ログインIDとパスワードを入力してください。")
            return
        if self._busy:
            return
        self._busy = True
        self._show("確認しています…", error=False)
        self.authenticate(login_id, password)

    @work(thread=True, exclusive=True, group="login")
    def authenticate(self, login_id: str, password: str) -> None:
        from ...services import auth
        from ...services.errors import LoginFailed

        self.app.db_ready.wait(30)
        try:
            session = auth.login(login_id, password)
        except LoginFailed as e:
            self.post_message(self.Refused(str(e)))
            return
        except Exception as e:
            self.post_message(self.Refused(f"ログインできません: {e}"))
            return
        first = self.app.read_top_window(session)  # type: ignore[attr-defined]
        self.post_message(self.LoggedIn(session, first))

    @on(LoggedIn)
    def _succeeded(self, message: LoggedIn) -> None:
        # This screen stays under 全体トップ while the session lasts (ログアウト pops back to it):
        # leave it empty, with no password kept, ready for the next log-in.
        self._busy = False
        self.query_one("#password", Input).value = ""
        login_id = self.query_one("#login-id", Input)
        login_id.value = ""
        login_id.focus()
        self._show("", error=False)
        self.app.logged_in(message.session, message.first)  # type: ignore[attr-defined]

    @on(Refused)
    def _failed(self, message: Refused) -> None:
        self._busy = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        self._show(message.text)

    def _show(self, message: str, error: bool = True) -> None:
        label = self.query_one("#login-message", Static)
        label.update(message)
        label.set_class(error, "error")
