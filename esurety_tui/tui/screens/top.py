"""全体トップ: ① 保証契約一覧 with 検索 and the tabs 保証契約一覧 · 電子保証(認証キー) · 電子保証履歴一覧.

The list is a window of PAGE rows read from the database, never the whole table: with 100,000
contracts a DataTable holding every row would freeze the event loop for seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, Tab, Tabs

from ..widgets.input import SafeInput

from ...domain.money import format_yen
from ...domain.wareki import format_datetime
from ..widgets.text import cell
from .base import NetDeskScreen

PAGE = 50
TABS = (("all", "保証契約一覧"), ("electronic", "電子保証(認証キー)"), ("history", "電子保証履歴一覧"))


@dataclass
class _Window:
    tab: str = "all"
    text: str = ""
    offset: int = 0
    total: int = 0


class TopScreen(NetDeskScreen):
    PAGE_TITLE = "全体トップ"
    HELP = "top"
    BINDINGS = [
        Binding("ctrl+f", "search", "検索", id="search"),
        Binding("f4", "new_application", "申込の作成(新規)", id="new"),
        Binding("f5", "drafts", "申込一覧", id="drafts"),
        Binding("f6", "next_tab", "タブ", id="next_tab", tooltip="次のタブへ"),
        Binding("f7", "page(-1)", "前ページ", id="prev_page", show=False),
        Binding("f8", "page(1)", "次ページ", id="next_page", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.window = _Window()
        self._debounce: Timer | None = None
        self._rows: list = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Static("保証契約一覧", id="list-title", markup=False)
            yield Static("検索", id="search-label", markup=False)
            yield SafeInput(id="search", placeholder="保証契約番号・発注者名・工事名", max_length=100)
        yield Tabs(*(Tab(label, id=f"tab-{key}") for key, label in TABS), id="tabs")
        yield DataTable(id="contracts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-status", markup=False)

    def on_mount(self) -> None:
        self._columns()
        self.query_one(DataTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    # columns ----------------------------------------------------------------

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        wide = max(18, self.app.size.width - 53)
        if self.window.tab == "history":
            table.add_column("No.", width=6, key="no")
            table.add_column("電子保証発行日時", width=16, key="at")
            table.add_column("対象", width=4, key="target")
            table.add_column("保証契約番号", width=12, key="number")
            table.add_column("工事名", width=max(18, self.app.size.width - 50), key="work")
        else:
            table.add_column("No.", width=6, key="no")
            table.add_column("保証種類", width=10, key="kind")
            table.add_column("保証契約番号", width=12, key="number")
            table.add_column("発注者名 工事名", width=wide, key="work")
            table.add_column(Text("請負金額", justify="right"), width=13, key="amount")

    def on_resize(self) -> None:
        self._columns()
        self._fill(self._rows)

    # loading ----------------------------------------------------------------

    def reload(self) -> None:
        self.load_window(self.window.tab, self.window.text, self.window.offset)

    @work(thread=True, exclusive=True, group="contract-list")
    def load_window(self, tab: str, text: str, offset: int) -> None:
        from ...services import contracts

        self.app.db_ready.wait(30)
        session = self.netdesk.session
        if session is None:
            return
        total = contracts.count(session, tab, text)
        offset = max(0, min(offset, ((total - 1) // PAGE) * PAGE if total else 0))
        # No hits: no window to read (with a search term it would scan the whole table again).
        rows = contracts.page(session, tab, text, offset, PAGE) if total else []
        self.app.call_from_thread(self._show, tab, text, offset, total, rows)

    def _show(self, tab: str, text: str, offset: int, total: int, rows: list) -> None:
        if (tab, text) != (self.window.tab, self.window.text):
            return  # a newer query is on its way
        self.window.offset, self.window.total = offset, total
        self._rows = rows
        self._fill(rows)
        status = self.query_one("#list-status", Static)
        if total:
            status.update(f"{total:,}件中 {offset + 1:,}〜{offset + len(rows):,}件  Enter 詳細  F7/F8 ページ")
        elif text:
            status.update(f"「{text}」に一致する保証契約はありません。")
        else:
            status.update("保証契約はありません。")

    def _fill(self, rows: list) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        base = self.window.offset
        for i, r in enumerate(rows, base + 1):
            if self.window.tab == "history":
                table.add_row(
                    str(i), format_datetime(r.issued_at), r.target, r.number, cell(r.work_name),
                    key=f"v{r.version_id}:{r.guarantee_id}",
                )
            else:
                kind = Text(r.kind_short + ("(取消)" if r.cancelled else ""), style="red" if r.cancelled else "")
                table.add_row(
                    str(i), kind, r.number, cell(f"{r.orderer_name} {r.work_name}"),
                    Text(format_yen(r.contract_amount), justify="right"), key=f"g{r.id}",
                )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)

    # search -----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.15, lambda: self._apply_search(event.value))

    def _apply_search(self, text: str) -> None:
        self.window.text = text
        self.window.offset = 0
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_search(self.query_one("#search", Input).value)
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    # tabs and pages -----------------------------------------------------------

    @on(Tabs.TabActivated)
    def _tab_changed(self, event: Tabs.TabActivated) -> None:
        tab = (event.tab.id or "tab-all").removeprefix("tab-")
        if tab == self.window.tab:
            return
        self.window.tab, self.window.offset = tab, 0
        self._rows = []
        self._columns()
        self.reload()

    def action_next_tab(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_page(self, step: int) -> None:
        new = self.window.offset + step * PAGE
        if 0 <= new < max(self.window.total, 1):
            self.window.offset = new
            self.reload()
            self.query_one(DataTable).move_cursor(row=0 if step > 0 else PAGE - 1, animate=False)

    def on_key(self, event) -> None:
        """Down on the last row / up on the first row moves to the next / previous window."""
        table = self.query_one(DataTable)
        if not table.has_focus or not self._rows:
            return
        if event.key == "down" and table.cursor_row == len(self._rows) - 1:
            if self.window.offset + PAGE < self.window.total:
                event.stop()
                self.action_page(1)
        elif event.key == "up" and table.cursor_row == 0 and self.window.offset > 0:
            event.stop()
            self.action_page(-1)

    # open -------------------------------------------------------------------

    @on(DataTable.RowSelected, "#contracts")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.startswith("g"):
            self.netdesk.open_contract(int(key[1:]))
        elif key.startswith("v"):
            version_id, guarantee_id = key[1:].split(":")
            from .certificate import CertificateScreen

            self.app.push_screen(CertificateScreen(int(version_id)))

    def action_new_application(self) -> None:
        self.netdesk.new_application()

    def action_drafts(self) -> None:
        from .drafts import DraftsScreen

        self.app.push_screen(DraftsScreen())
