"""申込確認: the application read-only, grouped by the form's four tabs; F9 送信."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ...domain.fields import FIELD_BY_KEY, SECTIONS
from ...domain.rules import Validation, summary_rows
from ...services import applications
from ...services.applications import Receipt, ValidationFailed
from ...services.errors import ServiceError
from ..widgets.steps import StepLine
from ..widgets.summary import SummarySections
from .base import NetDeskScreen

if TYPE_CHECKING:
    from .application import ApplicationScreen


def review_sections(
    values: dict[str, object], orderer_name: str, branch_name: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(tab label, [(label, text)]) for the four sections; 発注者名 and 申込送信先 by name."""
    sections = []
    for section, title, _ in SECTIONS:
        own = {k: v for k, v in values.items() if FIELD_BY_KEY[k].section == section}
        rows = summary_rows(own)
        if section == "work":
            rows.insert(0, (FIELD_BY_KEY["orderer_id"].label, orderer_name))
        if section == "info":
            rows.insert(0, (FIELD_BY_KEY["branch_id"].label, branch_name))
        sections.append((title, rows))
    return sections


class ReviewScreen(NetDeskScreen):
    """申込確認: nothing can be changed here; Esc goes back to the form, F9 sends."""

    PAGE_TITLE = "保証申込"
    HELP = "review"
    HELP_TITLE = "申込確認のヘルプ"
    BINDINGS = [
        Binding("escape", "back", "戻って修正", id="back"),
        Binding("f9", "send", "送信", id="send"),
    ]

    class Sent(Message):
        def __init__(self, receipt: Receipt) -> None:
            super().__init__()
            self.receipt = receipt

    class Refused(Message):
        def __init__(self, validation: Validation) -> None:
            super().__init__()
            self.validation = validation

    class Failed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(
        self,
        form: ApplicationScreen,
        application_id: int,
        raw: dict[str, str],
        validation: Validation,
        orderer_name: str,
        branch_name: str,
    ) -> None:
        super().__init__()
        self.form = form
        self.application_id = application_id
        self.raw = raw
        self.validation = validation
        self.orderer_name = orderer_name
        self.branch_name = branch_name
        self.sending = False
        self.session = None

    def compose_body(self) -> ComposeResult:
        yield StepLine(1)
        yield Static(
            "内容をご確認のうえ、F9 で送信してください（修正は Esc）。",
            id="review-intro",
            markup=False,
        )
        with VerticalScroll(id="review-body"):
            yield SummarySections(review_sections(self.validation.values, self.orderer_name, self.branch_name))
        yield Static("", id="review-status", markup=False)

    def on_mount(self) -> None:
        self.session = self.netdesk.session
        self.query_one("#review-body").focus()

    def action_back(self) -> None:
        if not self.sending:
            self.app.pop_screen()

    def action_send(self) -> None:
        if self.sending:
            return
        self.sending = True
        self.query_one("#review-status", Static).update("送信しています…")
        self._send()

    @work(thread=True, exclusive=True, group="submit")
    def _send(self) -> None:
        try:
            receipt = applications.submit(self.session, self.application_id, self.raw)
        except ValidationFailed as err:
            self.post_message(self.Refused(err.validation))
        except ServiceError as err:
            self.post_message(self.Failed(str(err)))
        except Exception as err:
            self.post_message(self.Failed(f"送信できませんでした: {err}"))
        else:
            self.post_message(self.Sent(receipt))

    def on_review_screen_sent(self, message: Sent) -> None:
        from .done import DoneScreen

        self.form.mark_submitted()
        app = self.app
        app.pop_screen()  # this review
        app.switch_screen(DoneScreen(message.receipt, self.validation.values))  # replaces the form

    def on_review_screen_refused(self, message: Refused) -> None:
        self.sending = False
        self.app.pop_screen()
        self.form.show_problems(message.validation)

    def on_review_screen_failed(self, message: Failed) -> None:
        self.sending = False
        self.query_one("#review-status", Static).update("")
        self.notify(message.message, severity="error", timeout=10)
