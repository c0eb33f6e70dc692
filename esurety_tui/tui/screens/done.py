"""送信完了: the receipt (受付番号, 送信日時 in 和暦, 申込送信先) and what happens next."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ...domain.wareki import to_wareki_datetime
from ...services.applications import Receipt
from ..widgets.steps import StepLine
from ..widgets.text import literal
from .base import NetDeskScreen


def next_steps(branch: str, values: Mapping[str, object]) -> list[str]:
    """The road from 送信 to the orderer holding the certificate (SPEC §2), for this application."""
    electronic = "electronic" in (values.get("advance_form"), values.get("contract_form"))
    paper = "paper" in (values.get("advance_form"), values.get("contract_form"))
    steps = [f"{branch}で引受審査を行います。", "審査が終わりましたら、保証証書を発行します。"]
    if electronic:
        if values.get("notify") == "yes":
            steps.append("発行が完了すると「電子保証（認証キー）発行完了のお知らせ」をメールでお送りします。")
        else:
            steps.append("メールでのお知らせは「希望しない」になっています。発行状況は保証契約一覧でご確認ください。")
        steps.append(
            "全体トップの「保証契約一覧」→「電子保証(認証キー)」タブ →「詳細」で保証契約内容をご確認ください。"
        )
        steps.append("「印刷」で「電子保証にかかる「認証キー」のお知らせ」(PDF)を保存し、発注者へご提出ください。")
    if paper:
        how = "送付" if values.get("receive_method") == "mail" else "当社窓口"
        steps.append(f"証書(紙)は受取方法（{how}）に従ってお渡しします。")
    return steps


class DoneScreen(NetDeskScreen):
    PAGE_TITLE = "保証申込"
    HELP = "done"
    HELP_TITLE = "送信完了のヘルプ"
    BINDINGS = [
        Binding("enter", "app.top", "全体トップへ", id="done_top", key_display="Enter"),
    ]

    def __init__(self, receipt: Receipt, values: Mapping[str, object]) -> None:
        super().__init__()
        self.receipt = receipt
        self.application_values = dict(values)

    def compose_body(self) -> ComposeResult:
        yield StepLine(2)
        with VerticalScroll(id="done-body"):
            yield Static("申込を送信しました。", id="done-head", markup=False)
            for wid, label, value in (
                ("receipt-no", "受付番号", self.receipt.receipt_no),
                ("sent-at", "送信日時", to_wareki_datetime(self.receipt.submitted_at)),
                ("branch", "申込送信先", self.receipt.branch_name),
            ):
                with Horizontal(classes="done-row"):
                    yield Static(label, classes="done-label", markup=False)
                    yield Static(literal(value), classes="done-value", id=f"done-{wid}")
            yield Static("このあとの流れ", id="done-next-title", markup=False)
            for i, step in enumerate(next_steps(self.receipt.branch_name, self.application_values), 1):
                with Horizontal(classes="done-step"):
                    yield Static(f"{i}.", classes="done-step-no", markup=False)
                    yield Static(literal(step), classes="done-step-text")
            yield Static(
                "受付番号はお問い合わせの際にお伝えください。Enter で全体トップへ戻ります。",
                id="done-foot",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#done-body").focus()
