"""発注者へ提出: the orderer's address (from the 発注者 master, or typed) and the cover, then send."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from ..widgets.input import SafeInput
from ..widgets.text import literal


class SubmitScreen(ModalScreen[bool]):
    """Enter sends; Esc cancels. The key is never in the mail body: only in the attached PDF."""

    BINDINGS = [Binding("escape", "cancel", "キャンセル", id="submit_cancel")]  # not 取消's id "cancel"

    class Prepared(Message):
        """The contract's summary and the orderer's address, if registered (services.submissions)."""

        def __init__(self, submission: object) -> None:
            super().__init__()
            self.submission = submission

    class Problem(Message):
        """Something to say on the dialog's message line; ``failed``: a send that did not go."""

        def __init__(self, text: str, *, failed: bool = False) -> None:
            super().__init__()
            self.text, self.failed = text, failed

    class Sent(Message):
        def __init__(self, to: str) -> None:
            super().__init__()
            self.to = to

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="submit-dialog"):
            yield Static("発注者へ提出", id="submit-title", markup=False)
            yield Static("", id="submit-summary")
            yield Label("提出先メールアドレス")
            yield SafeInput(id="submit-to", placeholder="発注者のメールアドレス", max_length=254)
            yield Static(
                "「電子保証にかかる「認証キー」のお知らせ」(PDF)を添付して送信します。"
                "認証キーはPDFにのみ記載され、本文には記載しません。",
                classes="note",
                markup=False,
            )
            yield Static("Enter 送信  Esc キャンセル", id="submit-keys", markup=False)
            yield Static("", id="submit-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        field = self.query_one("#submit-to", Input)
        if self.app.is_headless:
            field.cursor_blink = False
        field.focus()
        self.prepare()

    @work(thread=True, exclusive=True, group="submit")
    def prepare(self) -> None:
        from ...services import submissions
        from ...services.errors import ServiceError

        try:
            s = submissions.prepare(self.app.session, self.number)  # type: ignore[attr-defined]
        except ServiceError as e:
            self.post_message(self.Problem(str(e)))
            return
        self.post_message(self.Prepared(s))

    @on(Prepared)
    def _prepared(self, message: Prepared) -> None:
        from rich.text import Text

        s: Any = message.submission
        self.query_one("#submit-summary", Static).update(
            Text("\n").join(
                [
                    literal(f"保証契約番号 {s.number}"),
                    literal(f"工事名 {s.work_name}"),
                    literal(f"発注者名 {s.orderer_name}"),
                ]
            )
        )
        field = self.query_one("#submit-to", Input)
        if s.address and not field.value:
            field.value = s.address
            field.cursor_position = len(field.value)
        if not s.address:
            self._show("発注者のメールアドレスが登録されていません。入力してください。", error=False)

    @on(Input.Submitted, "#submit-to")
    def _send(self) -> None:
        if self._busy:
            return
        to = self.query_one("#submit-to", Input).value.strip()
        if not to:
            self._show("提出先のメールアドレスを入力してください。")
            return
        self._busy = True
        self._show("送信しています…", error=False)
        self.send(to)

    @work(thread=True, exclusive=True, group="submit")
    def send(self, to: str) -> None:
        from ...services import submissions
        from ...services.errors import ServiceError

        try:
            submissions.submit_to_orderer(self.app.session, self.number, to)  # type: ignore[attr-defined]
        except ServiceError as e:
            self.post_message(self.Problem(str(e), failed=True))
            return
        except Exception as e:
            self.post_message(self.Problem(f"送信できませんでした: {e}", failed=True))
            return
        self.post_message(self.Sent(to))

    @on(Sent)
    def _sent(self, message: Sent) -> None:
        self.app.send_mail()  # type: ignore[attr-defined]  # deliver now, off the UI thread; a failure leaves it queued
        self.app.notify(f"発注者へ提出しました（{message.to}）。", title="発注者へ提出", timeout=10)
        self.dismiss(True)

    @on(Problem)
    def _problem(self, message: Problem) -> None:
        if message.failed:
            self._busy = False
        self._show(message.text)

    def _show(self, message: str, error: bool = True) -> None:
        label = self.query_one("#submit-message", Static)
        label.update(message)
        label.set_class(error, "error")

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(False)
