"""申込内容 (branch): the application read-only as the contractor sent it, the rules re-checked
(審査結果) at the top; F5 引受, F6 謝絶 (with a reason), F9 発行 — each confirmed, run in a worker,
audited by the services."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ....domain.status import AppStatus, sources_of
from ....domain.wareki import format_datetime
from ....services.review import ApplicationDetail
from ...messages import Missing
from ...widgets.summary import SummarySections
from ...widgets.text import literal
from ..base import NetDeskScreen
from ..confirm import ConfirmScreen
from ..help import key_of
from ..review import review_sections
from .actions import BranchActions

# Action -> the status it moves the application to (the footer dims keys the status does not allow).
TARGETS = {"accept": AppStatus.ACCEPTED, "refuse": AppStatus.REFUSED, "issue": AppStatus.ISSUED}


class BranchApplicationScreen(BranchActions, NetDeskScreen):
    PAGE_TITLE = "申込内容"
    HELP = "branch_application"
    HELP_TITLE = "申込内容のヘルプ"
    BINDINGS = [
        Binding("f5", "accept", "引受", id="accept", tooltip="引受（確認のあと）"),
        Binding(
            "f6", "refuse", "謝絶", id="refuse", tooltip="謝絶（理由の入力が必要です。理由は申込者に表示されます）"
        ),
        Binding(
            "f9",
            "issue",
            "発行",
            id="issue",
            tooltip="発行（確認のあと）: 保証契約番号を採番し、電子保証では認証キーを発行して D-Sure に掲載し、"
            "発行完了のお知らせメールを送ります",
        ),
    ]

    class Loaded(Message):
        def __init__(self, detail: ApplicationDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, application_id: int) -> None:
        super().__init__()
        self.application_id = application_id
        self.detail: ApplicationDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("読み込み中…", id="app-status", markup=False)
        yield VerticalScroll(id="app-body")

    def on_mount(self) -> None:
        self.query_one("#app-body").focus()
        self.load()

    # loading ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="application")
    def load(self) -> None:
        from ....services import issuing, review
        from ....services.errors import ServiceError
        from ....services.session import Role

        session = self.netdesk.session
        try:
            if session is not None and session.role == Role.BRANCH:
                issuing.start_review(session, self.application_id)  # 送信済 → 審査中 when first opened
            detail = review.application_detail(session, self.application_id)
        except ServiceError as e:
            self.post_message(Missing(str(e)))
            return
        self.post_message(self.Loaded(detail))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.detail = d = message.detail
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"受付番号 {d.receipt_no}  ")
        head.append(f"状況 {d.status}", style="bold red" if d.status == AppStatus.REFUSED else "bold")
        if d.submitted_at:
            head.append(f"  送信 {format_datetime(d.submitted_at)}")
        head.append("\n")
        head.append_text(literal(d.company_name))
        self.query_one("#app-status", Static).update(head)
        body = self.query_one("#app-body", VerticalScroll)
        body.remove_children()
        widgets: list[Static | SummarySections] = []
        if d.status == AppStatus.REFUSED:
            widgets.append(Static("謝絶の理由", classes="finding-title", markup=False))
            widgets.append(Static(literal(d.refusal_reason, style="red"), classes="finding"))
        if d.issued:
            widgets.append(Static("発行した保証契約", classes="finding-title", markup=False))
            for g in d.issued:
                form = "電子保証" if g.electronic else f"証書(紙) 受取方法: {d.receipt_text}"
                mark = "（取消）" if g.cancelled else ""
                widgets.append(Static(literal(f"{g.number}  {g.product_name}  {form}{mark}"), classes="finding"))
        elif d.paper and d.receipt_text:
            widgets.append(Static(literal(f"証書(紙) 受取方法: {d.receipt_text}"), classes="finding"))
        widgets.append(Static("審査結果", classes="finding-title", markup=False))
        for f in d.findings:
            line = Text("○ " if f.ok else "× ", style="green" if f.ok else "bold red")
            line.append_text(literal(f.text, style="" if f.ok else "red"))
            widgets.append(Static(line, classes="finding"))
        widgets.append(SummarySections(review_sections(d.values, d.orderer_name, d.branch_name)))
        body.mount_all(widgets)
        body.scroll_home(animate=False)
        self.refresh_bindings()

    # actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TARGETS:
            from ....services.session import Role

            session = self.netdesk.session
            if session is None or session.role not in (Role.BRANCH, Role.SYSTEM):
                return False  # never offered to anyone else (the services refuse anyway)
            d = self.detail
            if d is not None and d.status in (AppStatus.REFUSED, AppStatus.ISSUED):
                return False  # decided: nothing left to do here
            if self.busy or d is None or d.status not in sources_of(TARGETS[action]):
                return None  # shown dimmed: not possible yet (発行 needs 引受 first)
            return True
        return super().check_action(action, parameters)

    def action_accept(self) -> None:
        self._confirm("この申込を引受しますか？", "accept")

    def action_issue(self) -> None:
        d = self.detail
        what = (
            "電子保証の保証契約番号と認証キーを発行し、D-Sure に掲載します。"
            if not (d and d.paper)
            else "保証契約番号を発行します（証書(紙)）。"
        )
        self._confirm(f"この申込を発行しますか？\n{what}", "issue")

    def action_refuse(self) -> None:
        from .forms import ReasonScreen

        def done(reason: str | None) -> None:
            if reason:
                self._run("refuse", reason)

        self.app.push_screen(ReasonScreen(), done)

    def _confirm(self, question: str, action: str) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self._run(action, "")

        self.app.push_screen(ConfirmScreen(question, yes=TARGETS[action].label if action != "issue" else "発行"), done)

    def _run(self, action: str, reason: str) -> None:
        from ....services import issuing

        app_id = self.application_id
        issue_key = key_of(self, "issue")

        def accept(session) -> str:
            issuing.accept(session, app_id)
            return f"引受しました。{issue_key} で発行できます。"

        def refuse(session) -> str:
            issuing.refuse(session, app_id, reason)
            return "謝絶しました。理由は申込者に表示されます。"

        def issue(session) -> str:
            return "発行しました。保証契約番号: " + "、".join(issuing.issue(session, app_id))

        calls = {"accept": accept, "refuse": refuse, "issue": issue}
        self.query_one("#app-status", Static).update("処理しています…")
        self.run_action(calls[action], mail=action == "issue")  # 発行 queues the notice mail
