"""全体トップ: ① 保証契約一覧 with 検索 and the tabs 保証契約一覧 · 電子保証(認証キー) · 電子保証履歴一覧.

The list is a window of PAGE rows read from the database, never the whole table: with 100,000
contracts a DataTable holding every row would freeze the event loop for seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, Tab, Tabs

from ...domain.money import format_yen
from ...domain.wareki import format_datetime
from ..dbthread import DbThread
from ..widgets.input import SafeInput
from ..widgets.table import ListTable
from ..widgets.text import cell
from .base import NetDeskScreen

PAGE = 50
HOLD = 0.04  # seconds a search's echo may wait for its rows (one frame for both)
TABS = (("all", "保証契約一覧"), ("electronic", "電子保証(認証キー)"), ("history", "電子保証履歴一覧"))


class SearchInput(SafeInput):
    """検索: each new value is searched at once, as the key is taken, not after Input.Changed has made
    its way round the message queues behind the echo's frame (the query then runs while that frame is
    drawn)."""

    def __init__(self, search: Callable[[str], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._search = search

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self.is_mounted:
            self._search(value)


@dataclass
class _Window:
    """What the list shows: a window of at most PAGE rows of one tab and search text."""

    tab: str = "all"
    text: str = ""
    offset: int = 0
    total: int = 0  # the service's count: exact up to cap, cap + 1 beyond it (then ``end`` may say more)
    cap: int = 1000  # services.contracts.COUNT_CAP when counted
    end: int | None = None  # the exact number of rows, learnt from a short window when the count was capped

    @property
    def capped(self) -> bool:
        return self.total > self.cap and self.end is None

    @property
    def size(self) -> int | None:
        """The number of rows when known exactly."""
        return self.end if self.total > self.cap else self.total


@dataclass(frozen=True)
class _Request:
    """One read of a window. ``total`` None: count again (new text, tab, or data that may have
    changed); otherwise the count is reused, only the offset moves. ``cursor`` is the row of the new
    window the cursor goes to and ``top`` the row at the top of the view (None: keep both as they are)."""

    generation: int
    tab: str
    text: str
    offset: int
    total: int | None = None
    cursor: int | None = None
    top: int | None = None


@dataclass(frozen=True)
class _Result:
    request: _Request
    offset: int
    total: int
    cap: int
    end: int | None
    rows: list
    failed_mail: int | None = None  # the branch's 受付一覧: refused notice mails (with every count)


class TopScreen(NetDeskScreen):
    PAGE_TITLE = "全体トップ"
    HELP = "top"
    BINDINGS = [
        Binding("ctrl+f", "search", "検索", id="search", tooltip="検索欄へ（Enter で一覧へ戻る）"),
        Binding("f4", "new_application", "申込の作成(新規)", id="new"),
        Binding("f5", "drafts", "申込一覧", id="drafts", tooltip="申込一覧（作成中の申込の再開）"),
        Binding("f6", "next_tab", "タブ", id="next_tab", tooltip="次のタブへ"),
        Binding("f7", "page(-1)", "前ページ", id="prev_page", show=False),
        Binding("f8", "page(1)", "次ページ", id="next_page", show=False),
    ]

    FIRST_TAB = "all"
    # The list has the focus in the page's first frame (a focus() from on_mount lands after it, and
    # the table's focus styles would render every cell a second time).
    AUTO_FOCUS = "#contracts"

    def __init__(self, first: _Result | None = None) -> None:
        """``first``: the first window, read before the screen was made (``read_first``, at log-in):
        it is in the screen's first frame."""
        super().__init__()
        self.window = _Window(tab=self.FIRST_TAB)
        self._first = first
        self._columns_width = 0  # the width the columns were made for
        self._rows: list = []
        # Every request gets the next generation; a result is shown only if it is the newest request's
        # (a key typed meanwhile made it stale). Queries run one at a time on one thread.
        self._generation = 0
        self._pending: _Request | None = None
        self._focus_list_when_shown = False  # Enter in 検索 while its rows were on their way
        self._held: Timer | None = None  # frames held back for a search's rows (_hold_frames)
        self._queries: DbThread | None = None  # made by the first request

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Static("保証契約一覧", id="list-title", markup=False)
            yield Static("検索", id="search-label", markup=False)
            yield SearchInput(
                self._apply_search, id="search", placeholder="保証契約番号・発注者名・工事名", max_length=100
            )
        yield Tabs(*(Tab(label, id=f"tab-{key}") for key, label in TABS), id="tabs")
        yield ListTable(id="contracts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-status", markup=False)

    def on_mount(self) -> None:
        self._columns()
        if self._first is not None:
            self._show_result(self._first)

    def on_screen_resume(self) -> None:
        """Shown (pushed, or back from a page above): read the window, counting again (the data may
        have changed meanwhile). The first load is this one too (on_mount does not load), unless the
        first window came with the screen."""
        if self._first is not None:
            self._first = None
            return
        self.reload()

    @classmethod
    def read_first(cls, session) -> _Result:
        """The first window, for a screen about to be made: call from a worker thread (log-in)."""
        return cls._read(session, _Request(0, cls.FIRST_TAB, "", 0, cursor=0, top=0))

    # columns ----------------------------------------------------------------

    def _columns(self) -> None:
        self._columns_width = self.app.size.width
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

    def on_resize(self, event) -> None:
        if event.size.width == self._columns_width:
            return  # the screen's first Resize (mount), or a height change: the columns stay
        table = self.query_one(DataTable)
        cursor, top = table.cursor_row, round(table.scroll_y)
        self._columns()
        self._fill(self._rows, cursor, top)

    # loading ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the shown window again, counting again; the cursor stays where it is."""
        self._request(self.window.tab, self.window.text, self.window.offset)

    def _request(
        self,
        tab: str,
        text: str,
        offset: int,
        *,
        total: int | None = None,
        cursor: int | None = None,
        top: int | None = None,
    ) -> None:
        self._generation += 1
        self._pending = _Request(self._generation, tab, text, offset, total, cursor, top)
        newest = self._generation
        if self._queries is None:  # the database opens after the first paint: the thread waits for it
            self._queries = DbThread("esurety-list", ready=self.app.db_ready)
        self._queries.cancel_if(lambda generation: generation != newest)  # a stale scan stops now
        # Queued now, not when the worker first runs: the query overlaps the rest of this key's work
        # on the event loop (the input's echo, a focus change) instead of waiting for it.
        answer = self._queries.submit(self._query, self._pending, tag=self._generation)
        self.load_window(answer)

    @work(exclusive=True, group="contract-list")
    async def load_window(self, answer: Future[_Result | None]) -> None:
        """The query runs on the screen's one list thread (one connection, its cache warm); this
        worker awaits it on the event loop, so no pool thread sits waiting and the answer is shown
        without another hop between threads."""
        import asyncio

        result = await asyncio.wrap_future(answer)
        if result is not None:
            self._show_result(result)

    def _query(self, request: _Request) -> _Result | None:
        """On the list thread, one request at a time: a request made stale while it waited is dropped
        unread, and one made stale while it ran is interrupted (``_request``): keys typed during a
        query cost neither the rest of it nor one query each."""
        if request.generation != self._generation:
            return None
        session = self.netdesk.session
        if session is None:
            return None
        try:
            return self._read(session, request)
        except Exception:
            if request.generation != self._generation:
                return None  # interrupted (cancel_if): a newer request is on its way
            raise

    def on_unmount(self) -> None:
        self._release_frames()
        if self._queries is not None:
            self._queries.close()

    @classmethod
    def _count(cls, session, tab: str, text: str) -> int:
        from ...services import contracts

        return contracts.count(session, tab, text)

    @classmethod
    def _page(cls, session, tab: str, text: str, offset: int) -> list:
        from ...services import contracts

        return contracts.page(session, tab, text, offset, PAGE)

    @classmethod
    def _read(cls, session, request: _Request) -> _Result:
        """In a thread: the count (unless the request carries it) and the window. No screen state."""
        from ...services.contracts import COUNT_CAP

        tab, text = request.tab, request.text
        total = request.total if request.total is not None else cls._count(session, tab, text)
        offset, end = max(0, request.offset), None
        if total <= COUNT_CAP:
            offset = min(offset, ((total - 1) // PAGE) * PAGE if total else 0)
        # No hits: no window to read (with a search term it would scan the whole table again).
        rows = cls._page(session, tab, text, offset) if total else []
        if total > COUNT_CAP:  # not counted exactly: a short window tells where the list ends
            stepped_back = False
            while not rows and offset > 0:  # past the end (keys ran ahead): the last window there is
                offset, stepped_back = max(0, offset - PAGE), True
                rows = cls._page(session, tab, text, offset)
            if len(rows) < PAGE or stepped_back:  # full, and nothing right after it: ends there too
                end = offset + len(rows)
        return _Result(request, offset, total, COUNT_CAP, end, rows)

    def _show_result(self, result: _Result) -> None:
        request = result.request
        if request.generation != self._generation:
            return  # stale: a newer request is on its way (never shown over a newer result)
        self._pending = None
        if self._focus_list_when_shown:
            self._focus_list_when_shown = False
            self.query_one(DataTable).focus()
        self._show(
            request.tab,
            request.text,
            result.offset,
            result.total,
            result.rows,
            cap=result.cap,
            end=result.end,
            cursor=request.cursor,
            top=request.top,
        )
        if result.failed_mail is not None:
            self._show_failed_mail(result.failed_mail)
        self._release_frames()

    def _show_failed_mail(self, failed: int) -> None:
        """The branch's 受付一覧 says so; 全体トップ has nothing to say."""

    def _show(
        self,
        tab: str,
        text: str,
        offset: int,
        total: int,
        rows: list,
        *,
        cap: int = 1000,
        end: int | None = None,
        cursor: int | None = None,
        top: int | None = None,
    ) -> None:
        same_list = (tab, text) == (self.window.tab, self.window.text)
        if same_list and end is None and self.window.end is not None and total == self.window.total:
            end = self.window.end  # still known from an earlier window (the count was reused)
        self.window = _Window(tab, text, offset, total, cap, end)
        self._rows = rows
        table = self.query_one(DataTable)
        if cursor is None:  # the same window again (resume, refresh): the cursor and view stay
            cursor, top = (table.cursor_row, round(table.scroll_y)) if same_list else (0, 0)
        self._fill(rows, cursor, top)
        self.query_one("#list-status", Static).update(self._status_text())

    def _status_text(self) -> str:
        w, shown = self.window, len(self._rows)
        if shown:
            from .help import key_of

            first, last = w.offset + 1, w.offset + shown
            keys = f"Enter 詳細  {key_of(self, 'prev_page')}/{key_of(self, 'next_page')} ページ"
            if w.capped:
                return f"{max(w.cap, last):,}件以上 {first:,}〜{last:,}件  {keys}"
            return f"{w.size:,}件中 {first:,}〜{last:,}件  {keys}"
        if w.text:
            return f"「{w.text}」に一致する保証契約はありません。"
        return "保証契約はありません。"

    def _fill(self, rows: list, cursor: int = 0, top: int | None = None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        base = self.window.offset
        for i, r in enumerate(rows, base + 1):
            table.add_row(*self._cells(i, r), key=self._row_key(r))
        self._place(table, cursor, top)

    def _cells(self, no: int, r) -> tuple:
        if self.window.tab == "history":
            return str(no), format_datetime(r.issued_at), r.target, r.number, cell(r.work_name)
        kind = Text(r.kind_short + ("(取消)" if r.cancelled else ""), style="red" if r.cancelled else "")
        return (
            str(no),
            kind,
            r.number,
            cell(f"{r.orderer_name} {r.work_name}"),
            Text(format_yen(r.contract_amount), justify="right"),
        )

    def _row_key(self, r) -> str:
        return f"v{r.version_id}:{r.guarantee_id}" if self.window.tab == "history" else f"g{r.id}"

    @staticmethod
    def _place(table: DataTable, cursor: int, top: int | None) -> None:
        """Cursor on row ``cursor``, row ``top`` at the top of the view: in this frame. DataTable
        measures new rows when idle and scrolls to its cursor after the next refresh, so a window
        would first paint scrolled to its top and then jump; measure now, then scroll and move."""
        if not table.row_count:
            return
        cursor = max(0, min(cursor, table.row_count - 1))
        _size_rows_now(table)
        height = _view_height(table)
        top = max(0, cursor - height + 1) if top is None else top
        top = max(0, cursor - height + 1, min(top, cursor))  # the cursor's row is on screen
        table.scroll_to(y=top, animate=False, force=True, immediate=True)
        table.move_cursor(row=cursor, animate=False, scroll=False)

    # search -----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        """Search on every key: the query runs in a worker; a newer key makes its result stale."""
        self._apply_search(event.value)

    def _wanted(self) -> tuple[str, str]:
        """The (tab, text) the list shows or is about to show."""
        if self._pending is not None:
            return self._pending.tab, self._pending.text
        return self.window.tab, self.window.text

    def _apply_search(self, text: str) -> None:
        if (self.window.tab, text) == self._wanted():
            return  # already shown, or on its way
        self._hold_frames()
        self._request(self.window.tab, text, 0, cursor=0, top=0)

    def _hold_frames(self) -> None:
        """The typed character's echo waits for its rows, HOLD at most: one frame shows both. Drawn
        first, the echo would put the rows a frame later (Textual draws at most 60 frames a second:
        ≥ 16 ms), with the old rows under the new word meanwhile."""
        if self._held is None:
            self.app._begin_batch()
            self._held = self.app.set_timer(HOLD, self._release_frames, name="search-hold")

    def _release_frames(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.stop()
            self.app._end_batch()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        """Enter: the list takes the focus, with the term's rows when they are on their way: one
        frame with both (the table's focus styles re-render every cell; twice would cost a frame)."""
        self._apply_search(self.query_one("#search", Input).value)
        if self._pending is None:
            self.query_one(DataTable).focus()
        else:
            self._focus_list_when_shown = True

    def action_search(self) -> None:
        self._focus_list_when_shown = False
        self.query_one("#search", Input).focus()

    # tabs and pages -----------------------------------------------------------

    @on(Tabs.TabActivated)
    def _tab_changed(self, event: Tabs.TabActivated) -> None:
        tab = (event.tab.id or "tab-all").removeprefix("tab-")
        if tab == self._wanted()[0]:
            return
        self.window = _Window(tab, self.window.text)
        self._rows = []
        self._columns()
        self._request(tab, self.window.text, 0, cursor=0, top=0)

    def action_next_tab(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def _position(self) -> tuple[int, int] | None:
        """(the cursor's row in the whole list, its row on screen); None while another list is on
        its way (a search typed, a tab changed). A move on its way counts as done: keys held down
        keep moving from where the previous one will land."""
        table = self.query_one(DataTable)
        pending = self._pending
        if pending is not None:
            if (pending.tab, pending.text) != (self.window.tab, self.window.text) or pending.cursor is None:
                return None
            return pending.offset + pending.cursor, pending.cursor - (pending.top or 0)
        if not self._rows:
            return None
        return self.window.offset + table.cursor_row, table.cursor_row - round(table.scroll_y)

    def _more_after(self, index: int) -> bool:
        """Whether the list has a row after the one at ``index`` (0-based, in the whole list)."""
        w = self.window
        if w.size is not None:
            return index + 1 < w.size
        return True  # not counted exactly: the window read will tell (and come back to the end)

    def _move_to(self, index: int, screen_row: int, forward: bool) -> None:
        """Show row ``index`` of the whole list with the cursor on it, at ``screen_row`` of the view,
        reading a new window around it (the count is reused)."""
        w = self.window
        height = _view_height(self.query_one(DataTable))
        screen_row = max(0, min(screen_row, height - 1, index))
        view_top = index - screen_row
        offset = view_top if forward else max(0, view_top + height - PAGE)
        self._request(w.tab, w.text, offset, total=w.total, cursor=index - offset, top=view_top - offset)

    def action_page(self, step: int) -> None:
        """F8 / F7: the next / previous window of PAGE rows, the cursor on its first row."""
        if self._position() is None:
            return
        pending = self._pending
        offset = pending.offset if pending is not None else self.window.offset
        if step > 0:
            if not self._more_after(offset + PAGE - 1):
                return  # this window is the last
            if pending is None and len(self._rows) < PAGE:
                return  # a short window is the last one
            new = offset + PAGE
        else:
            if offset == 0:
                return
            new = max(0, offset - PAGE)
        self._request(self.window.tab, self.window.text, new, total=self.window.total, cursor=0, top=0)

    def on_key(self, event) -> None:
        """↓ on the window's last row, ↑ on its first, PageDown / PageUp past either edge: the next /
        previous rows, read as a new window that shows them where the key would have put them."""
        table = self.query_one(DataTable)
        if event.key not in ("down", "up", "pagedown", "pageup") or not table.has_focus:
            return
        position = self._position()
        if position is None:
            if self._pending is not None:
                event.stop()  # another list is on its way: the key would move in the old one
            return
        index, screen_row = position
        first, last = self.window.offset, self.window.offset + len(self._rows) - 1
        height = _view_height(table)
        pending = self._pending is not None
        if event.key == "down":
            if (pending or index == last) and self._more_after(index):
                event.stop()
                self._move_to(index + 1, screen_row + 1, forward=True)
            elif pending:
                event.stop()
        elif event.key == "up":
            if (pending or index == first) and index > 0:
                event.stop()
                self._move_to(index - 1, screen_row - 1, forward=False)
            elif pending:
                event.stop()
        elif event.key == "pagedown":
            target = index + height
            if self.window.size is not None:
                target = min(target, self.window.size - 1)
            if (pending or target > last) and target > index:
                event.stop()
                self._move_to(target, screen_row, forward=True)
            elif pending:
                event.stop()
        elif event.key == "pageup":
            target = max(0, index - height)
            if (pending or target < first) and target < index:
                event.stop()
                self._move_to(target, screen_row if target else 0, forward=False)
            elif pending:
                event.stop()

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


def _view_height(table: DataTable) -> int:
    """Rows of the table on screen (below its header)."""
    header = table.header_height if table.show_header else 0
    return max(1, table.scrollable_content_region.height - header)


def _size_rows_now(table: DataTable) -> None:
    """What DataTable does for new rows when idle (pinned Textual 8.2.8, ``_on_idle``), now. With
    every column of a fixed width, no row labels and rows of one line (these lists), only the virtual
    size needs computing: DataTable would also measure every new cell (Rich renders each one, about
    half the time of showing a window) for widths that fixed columns never use."""
    if not table._require_update_dimensions:
        return
    table._require_update_dimensions = False
    new_rows = table._new_rows.copy()
    table._new_rows.clear()
    columns = list(table.columns.values())
    if (
        any(c.auto_width for c in columns)
        or table._labelled_row_exists
        or any(table.rows[k].auto_height or table.rows[k].height != 1 for k in new_rows if k in table.rows)
    ):
        table._update_dimensions(new_rows)
        return
    from textual.geometry import Size

    header = table.header_height if table.show_header else 0
    width = sum(c.get_render_width(table) for c in columns) + table._row_label_column_width
    table.virtual_size = Size(width, table._total_row_height + header)
