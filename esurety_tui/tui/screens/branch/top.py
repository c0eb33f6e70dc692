"""受付一覧: applications sent to this branch (受付中 / 処理済) and the branch's 保証契約一覧.

Same windows, search and paging as the contractor's 全体トップ (TopScreen); other tabs and columns.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static, Tab, Tabs

from ....clock import now
from ....domain.money import format_number, format_yen
from ...widgets.table import ListTable
from ...widgets.text import cell
from ..help import key_of
from ..top import PAGE, SearchInput, TopScreen

TABS = (("open", "受付中"), ("closed", "処理済"), ("contracts", "保証契約一覧"))
STATUS_STYLE = {"送信済": "bold", "審査中": "bold", "引受": "bold green", "謝絶": "red", "発行済": ""}


def _when(at: datetime | None) -> str:
    """11 cells at most: 10:30 today, 11/20 15:00 this year, 2023/04/03 before."""
    if at is None:
        return ""
    today = now()
    if at.date() == today.date():
        return f"{at:%H:%M}"
    if at.year == today.year:
        return f"{at:%m/%d %H:%M}"
    return f"{at:%Y/%m/%d}"


class BranchTopScreen(TopScreen):
    PAGE_TITLE = "受付一覧"
    HELP = "branch_top"
    HELP_TITLE = "受付一覧のヘルプ"
    BINDINGS = [
        Binding("f4", "orderers", "発注者", id="orderers", tooltip="発注者（発注者マスタの登録・編集）"),
        Binding("f5", "refresh", "最新の情報", id="refresh", tooltip="最新の情報に更新"),
        Binding("f9", "mails", "送信メール", id="mails", tooltip="送信メール（送信に失敗したメールの確認と再送）"),
    ]

    FIRST_TAB = "open"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Static("受付一覧", id="list-title", markup=False)
            yield Static("検索", id="search-label", markup=False)
            yield SearchInput(
                self._apply_search, id="search", max_length=100, placeholder="会社名・工事名・発注者名・受付番号"
            )
        yield Tabs(*(Tab(label, id=f"tab-{key}") for key, label in TABS), id="tabs")
        yield ListTable(id="contracts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-status", markup=False)
        yield Static("", id="mail-alert", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_application", "drafts"):  # the contractor's keys
            return False
        return super().check_action(action, parameters)

    # columns ----------------------------------------------------------------

    def _columns(self) -> None:
        if self.window.tab == "contracts":
            super()._columns()  # the contractor's 保証契約一覧 columns
            return
        self._columns_width = self.app.size.width
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # 80 columns: 7 columns × 2 cells of padding and the scrollbar (2) leave 64 cells; after the
        # fixed columns (47) the three text columns share the rest, cut with an ellipsis.
        free = max(17, self.app.size.width - 16 - 19 - 6 - 11 - 11)
        company, orderer = free * 3 // 10, free * 3 // 10
        table.add_column("受付番号", width=19, key="receipt")
        table.add_column("状況", width=6, key="status")
        table.add_column("会社名", width=company, key="company")
        table.add_column("工事名", width=free - company - orderer, key="work")
        table.add_column("発注者", width=orderer, key="orderer")
        table.add_column(Text("請負金額", justify="right"), width=11, key="amount")
        table.add_column("送信日時" if self.window.tab == "open" else "処理日時", width=11, key="at")

    # loading ----------------------------------------------------------------

    @classmethod
    def _read(cls, session, request):
        from dataclasses import replace

        from ....services import mail

        result = super()._read(session, request)
        if request.total is None:  # a fresh read (log-in, back from a page, F5, a search), not a page
            result = replace(result, failed_mail=mail.failed_count(session))
        return result

    @classmethod
    def _count(cls, session, tab: str, text: str) -> int:
        from ....services import contracts, review

        if tab == "contracts":
            return contracts.count(session, "all", text)
        return review.queue_count(session, tab, text)

    @classmethod
    def _page(cls, session, tab: str, text: str, offset: int) -> list:
        from ....services import contracts, review

        if tab == "contracts":
            return contracts.page(session, "all", text, offset, PAGE)
        return review.queue_page(session, tab, text, offset, PAGE)

    def _show_failed_mail(self, failed: int) -> None:
        """Notice mails the server refused for good: the branch tells the contractor another way."""
        alert = self.query_one("#mail-alert", Static)
        alert.display = failed > 0
        alert.update(
            f"送信できなかったメールが{failed}件あります（{key_of(self, 'mails')} 送信メール）。" if failed else ""
        )

    def _status_text(self) -> str:
        w = self.window
        if self._rows or w.tab == "contracts":
            return super()._status_text()
        if w.text:
            return f"「{w.text}」に一致する申込はありません。"
        return "受付中の申込はありません。" if w.tab == "open" else "処理済の申込はありません。"

    def _cells(self, no: int, r) -> tuple:
        if self.window.tab == "contracts":
            return super()._cells(no, r)  # the contractor's 保証契約一覧 columns
        at = r.submitted_at if self.window.tab == "open" else r.decided_at
        amount = format_number(r.contract_amount) if r.contract_amount is not None else ""
        return (
            r.receipt_no,
            Text(r.status, style=STATUS_STYLE.get(r.status, "")),
            cell(r.company_name),
            cell(r.work_name),
            cell(r.orderer_name),
            Text(amount, justify="right"),
            _when(at),
        )

    def _row_key(self, r) -> str:
        return super()._row_key(r) if self.window.tab == "contracts" else f"a{r.id}"

    # actions ----------------------------------------------------------------

    @on(DataTable.RowSelected, "#contracts")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        event.prevent_default()  # not TopScreen's handler too: it would open the contractor's detail
        key = event.row_key.value or ""
        if key.startswith("a"):
            from .application import BranchApplicationScreen

            self.app.push_screen(BranchApplicationScreen(int(key[1:])))
        elif key.startswith("g"):
            from .contract import BranchContractScreen

            self.app.push_screen(BranchContractScreen(int(key[1:])))

    def action_orderers(self) -> None:
        from .orderers import OrderersScreen

        self.app.push_screen(OrderersScreen())

    def action_mails(self) -> None:
        from .mails import MailsScreen

        self.app.push_screen(MailsScreen())

    def action_refresh(self) -> None:
        self.reload()


__all__ = ["BranchTopScreen", "format_yen"]
