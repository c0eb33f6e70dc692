"""全体トップ's list (and 受付一覧's, the same code): search on the first key, stale results never shown,
windows read once and placed in one step, keys across window edges, capped counts, one load at log-in,
a footer that does not grow."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import DataTable

from esurety_tui.services import contracts
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.top import PAGE, TopScreen
from tests.helpers.pilot import log_in, screen_lines, screen_text, settle, until

SIZE = (80, 24)
VIEW = 14  # rows of the table on screen at 80×24


def calls_of(monkeypatch, module, name: str) -> list:
    """Record the arguments of every call of ``module.name`` (still calling it)."""
    seen: list = []
    original = getattr(module, name)

    def recording(*args, **kwargs):
        seen.append(args[1:])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return seen


def record_results(screen: TopScreen) -> list[tuple]:
    """(text, offset, cursor row, scroll row, first row's No.) right after each result is shown (stale
    ones are dropped before), in the same call: what the next frame paints."""
    shots: list[tuple] = []
    original = screen._show

    def wrapped(*args, **kwargs):
        original(*args, **kwargs)
        shots.append(state(screen))

    screen._show = wrapped  # type: ignore[method-assign]
    return shots


def hold_count_of(monkeypatch, text: str) -> tuple[threading.Event, threading.Event]:
    """contracts.count for ``text`` waits until released: (started, release)."""
    started, release = threading.Event(), threading.Event()
    original = contracts.count

    def held(session, tab, asked):
        if asked == text:
            started.set()
            release.wait(10)
        return original(session, tab, asked)

    monkeypatch.setattr(contracts, "count", held)
    return started, release


async def poll(pilot, condition, what: str, timeout: float = 30.0) -> None:
    """Pause until ``condition()``, without waiting for workers (settle would: one is held on purpose)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout:.0f} s")
        await pilot.pause(0.01)


def state(screen: TopScreen) -> tuple:
    table = screen.query_one(DataTable)
    first = table.get_row_at(0)[0] if table.row_count else None
    return screen.window.text, screen.window.offset, table.cursor_row, round(table.scroll_y), first


def cursor_no(screen: TopScreen) -> str:
    table = screen.query_one(DataTable)
    return table.get_row_at(table.cursor_row)[0]


def view_nos(app) -> list[str]:
    """The No. of the rows on screen (rows 8–21 of 80×24)."""
    return [line.split()[0] for line in screen_lines(app)[8 : 8 + VIEW] if line.split()]


async def test_log_in_reads_the_list_once(demo_db, monkeypatch):
    counts = calls_of(monkeypatch, contracts, "count")
    pages = calls_of(monkeypatch, contracts, "page")
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "demo")
        await until(pilot, lambda: isinstance(app.screen, TopScreen) and app.screen._rows, what="the list")
        assert "35072-00000M" in screen_text(app)
        assert len(counts) == 1 and len(pages) == 1


async def test_search_runs_on_the_first_key_without_waiting(demo_session, monkeypatch):
    counts = calls_of(monkeypatch, contracts, "count")
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        timers: list = []
        original_set_timer = top.set_timer
        monkeypatch.setattr(top, "set_timer", lambda *a, **k: timers.append(a) or original_set_timer(*a, **k))
        await pilot.press("ctrl+f")
        await pilot.press("河")
        # Requested as the key was handled: no timer stands between the key and the query.
        await poll(pilot, lambda: (top._pending or top.window).text == "河", "河 requested")
        assert timers == []
        await settle(pilot, app)
        assert top.window.text == "河" and top._rows
        assert all("河" in f"{r.orderer_name}{r.work_name}{r.number}" for r in top._rows)
        await pilot.press("川")
        await settle(pilot, app)
        assert top.window.text == "河川"
        assert [c[1] for c in counts] == ["", "河", "河川"]  # one query per key
        await pilot.press("enter")  # Enter on a search already shown: no query again, the list focused
        await settle(pilot, app)
        assert len(counts) == 3 and top.query_one(DataTable).has_focus


async def test_a_typed_characters_echo_waits_for_its_rows_but_never_for_a_slow_query(demo_session, monkeypatch):
    """Frames are held from the key until its rows are in (one frame shows both); a query slower than
    HOLD lets the echo out alone."""
    from esurety_tui.tui.screens.top import HOLD

    started, release = hold_count_of(monkeypatch, "河")
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        held_when_shown: list[int] = []
        original_show = top._show

        def show(*args, **kwargs):
            held_when_shown.append(app._batch_count)
            original_show(*args, **kwargs)

        top._show = show  # type: ignore[method-assign]
        holds: list = []  # the hold's timer, run by the test (no race with the machine's speed)
        original_set_timer = app.set_timer

        class Held:
            def __init__(self, delay, callback):
                self.delay, self.callback, self.stopped = delay, callback, False

            def stop(self):
                self.stopped = True

        def set_timer(delay, callback=None, *, name=None, **kwargs):
            if name != "search-hold":
                return original_set_timer(delay, callback, name=name, **kwargs)
            holds.append(Held(delay, callback))
            return holds[-1]

        monkeypatch.setattr(app, "set_timer", set_timer)
        await pilot.press("ctrl+f")
        await pilot.press("河")
        assert started.wait(10)
        assert app._batch_count == 1 and [h.delay for h in holds] == [HOLD]  # the echo waits for 河's rows …
        holds[0].callback()  # HOLD has passed
        assert app._batch_count == 0 and top.window.text == "" and held_when_shown == []  # … not longer
        release.set()
        await until(pilot, lambda: top.window.text == "河" and top._pending is None, what="河's list")
        await pilot.press("川")  # a quick query: held until its rows are shown, then let out
        await until(pilot, lambda: top.window.text == "河川" and top._pending is None, what="河川's list")
        assert held_when_shown == [0, 1] and app._batch_count == 0
        assert len(holds) == 2 and holds[1].stopped  # the rows ended the hold, not its timer


async def test_a_stale_result_is_never_shown_over_a_newer_one(demo_session, monkeypatch):
    """河's query is still running when 川 is typed: its result comes last, and is dropped."""
    started, release = hold_count_of(monkeypatch, "河")
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        shots = record_results(top)
        await pilot.press("ctrl+f")
        await pilot.press("河")
        assert started.wait(10)
        await pilot.press("川")  # while 河's query runs
        await poll(pilot, lambda: top._pending is not None and top._pending.text == "河川", "河川 requested")
        release.set()
        await until(pilot, lambda: top.window.text == "河川" and top._pending is None, what="河川's list")
        await settle(pilot, app)
        assert [s[0] for s in shots] == ["河川"]  # 河's result came, and was not shown
        assert top.window.text == "河川"
        assert all("河川" in f"{r.orderer_name}{r.work_name}" for r in top._rows)


async def test_stale_requests_waiting_for_the_query_never_run(demo_session, monkeypatch):
    """Keys typed while a query runs: only the newest text is queried after it (not every key's)."""
    release = threading.Event()
    started = threading.Event()
    original = contracts.count
    texts: list[str] = []

    def gated(session, tab, text):
        texts.append(text)
        if text == "3":
            started.set()
            release.wait(10)
        return original(session, tab, text)

    monkeypatch.setattr(contracts, "count", gated)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+f", "3")
        assert started.wait(10)
        await pilot.press("5", "0", "7", "2")
        await poll(
            pilot, lambda: app.screen._pending is not None and app.screen._pending.text == "35072", "35072 requested"
        )
        release.set()
        await until(pilot, lambda: app.screen.window.text == "35072", what="35072's list")
        assert texts == ["", "3", "35072"]


async def test_f8_shows_the_next_window_in_one_step_without_counting_again(demo_session, monkeypatch):
    contracts_made = 120
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, contracts_made)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        counts = calls_of(monkeypatch, contracts, "count")
        shots = record_results(top)
        await pilot.press("down", "down", "down")  # the cursor off row 0
        await pilot.press("f8")
        await settle(pilot, app)
        assert counts == []  # only the offset moved: the count is reused
        assert shots == [("", PAGE, 0, 0, "51")]  # the first frame: No. 51, cursor on it, at the top
        assert state(top) == shots[-1]  # and nothing moved after it
        assert view_nos(app)[0] == "51" and cursor_no(top) == "51"
        await pilot.press("f7")
        await settle(pilot, app)
        assert state(top) == ("", 0, 0, 0, "1") == shots[-1]


async def test_down_and_up_cross_window_edges_in_one_step(demo_session):
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, 120)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        shots = record_results(top)
        await pilot.press("ctrl+end")  # No. 50, the window's last row, at the bottom of the view
        await settle(pilot, app)
        assert cursor_no(top) == "50" and view_nos(app)[-1] == "50"
        await pilot.press("down")
        await settle(pilot, app)
        # One row further, as in one long list: No. 38–51 on screen, the cursor on 51 at the bottom.
        assert cursor_no(top) == "51"
        assert view_nos(app) == [str(n) for n in range(38, 52)]
        assert state(top) == shots[-1]  # the first frame of the new window was already this
        for _ in range(3):
            await pilot.press("down")
        await settle(pilot, app)
        assert cursor_no(top) == "54" and view_nos(app)[-1] == "54"
        # Back up past the new window's first row (No. 38).
        for _ in range(54 - 38):
            await pilot.press("up")
        await settle(pilot, app)
        assert cursor_no(top) == "38" and view_nos(app)[0] == "38"
        await pilot.press("up")
        await settle(pilot, app)
        assert cursor_no(top) == "37" and view_nos(app)[0] == "37"  # one row up, on the view's top row
        assert state(top) == shots[-1]
        assert f"{top.window.offset + 1:,}〜" in screen_text(app)  # the status says which rows


async def test_page_down_and_page_up_cross_window_edges(demo_session):
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, 120)  # 131 contracts in all
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        shots = record_results(top)
        for _ in range(3):
            await pilot.press("pagedown")  # 1 → 15 → 29 → 43: still in the first window
        await settle(pilot, app)
        assert cursor_no(top) == "43" and shots == []
        await pilot.press("pagedown")  # 57: past the window's end
        await settle(pilot, app)
        assert cursor_no(top) == "57"
        assert state(top) == shots[-1]
        nos = [int(n) for n in view_nos(app)]
        assert nos == list(range(nos[0], nos[0] + VIEW)) and 57 in nos
        for _ in range(10):
            await pilot.press("pagedown")  # to the very end of the list, no further
        await settle(pilot, app)
        assert cursor_no(top) == "131"
        for _ in range(20):
            await pilot.press("pageup")  # back to the very start
        await settle(pilot, app)
        assert cursor_no(top) == "1" and top.window.offset == 0 and view_nos(app)[0] == "1"


async def test_counts_above_the_cap_show_more_than_and_keep_paging(demo_session, monkeypatch):
    """With COUNT_CAP 100 (as services.contracts answers at most COUNT_CAP + 1): 「100件以上」, and F8
    keeps going while windows come back full; the short last window tells the exact number."""
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, 170)  # 181 contracts of the demo company
    original = contracts.count
    monkeypatch.setattr(contracts, "COUNT_CAP", 100)
    monkeypatch.setattr(contracts, "count", lambda s, tab, text: min(original(s, tab, text), 101))
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        assert "100件以上 1〜50件" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot, app)
        assert "100件以上 51〜100件" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot, app)
        assert "150件以上 101〜150件" in screen_text(app)  # past the cap: still paging
        await pilot.press("f8")
        await settle(pilot, app)
        assert "181件中 151〜181件" in screen_text(app)  # the short window: now known exactly
        await pilot.press("f8")
        await settle(pilot, app)
        assert top.window.offset == 150  # nothing after the last window
        await pilot.press("f7")
        await settle(pilot, app)
        assert "181件中 101〜150件" in screen_text(app)  # still known


async def test_capped_list_that_ends_on_a_window_edge(demo_session, monkeypatch):
    """The list ends exactly at a window's end: F8 finds nothing, the last window stays, the count is exact."""
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, 139)  # 150 contracts
    original = contracts.count
    monkeypatch.setattr(contracts, "COUNT_CAP", 100)
    monkeypatch.setattr(contracts, "count", lambda s, tab, text: min(original(s, tab, text), 101))
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        await pilot.press("f8", "f8")
        await settle(pilot, app)
        assert "150件以上 101〜150件" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot, app)
        assert top.window.offset == 100 and top._rows
        assert "150件中 101〜150件" in screen_text(app)


async def test_searches_do_not_grow_the_footer(demo_session):
    """Ctrl+F, a term, Enter (focus to the search box and back to the list) many times: the footer keeps
    its keys (the same ones are shown), nothing piles up."""
    import gc

    from textual.widgets._footer import FooterKey

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        mounted_before = {id(k) for k in app.screen.query(FooterKey)}
        for term in ("河川", "35072", "", "横浜") * 3:
            await pilot.press("ctrl+f", "ctrl+u", *term, "enter")
            await settle(pilot, app)
        assert {id(k) for k in app.screen.query(FooterKey)} == mounted_before
        gc.collect()
        assert sum(isinstance(o, FooterKey) for o in gc.get_objects()) <= 2 * len(mounted_before) + 2


@pytest.mark.parametrize("tab", ["open", "contracts"])
async def test_branch_list_counts_once_and_pages(branch_session, monkeypatch, tab):
    """受付一覧 (a TopScreen): one count per fresh read; F8 in 保証契約一覧 moves without counting again."""
    from esurety_tui.services import demo, review

    demo.add_synthetic(SYSTEM_SESSION, 80)
    queue_counts = calls_of(monkeypatch, review, "queue_count")
    counts = calls_of(monkeypatch, contracts, "count")
    app = NetDeskApp(session=branch_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        if tab == "contracts":
            await pilot.press("f6", "f6")
            await until(pilot, lambda: top.window.tab == "contracts" and top._rows, what="保証契約一覧")
            assert len(counts) == 1
            await pilot.press("f8")
            await settle(pilot, app)
            assert top.window.offset == PAGE and len(counts) == 1
            assert top.query_one(DataTable).get_row_at(0)[0] == "51"
        else:
            assert len(queue_counts) == 1 and counts == []
            assert "受付中" in screen_text(app)


async def test_a_running_stale_query_is_interrupted(demo_session, monkeypatch):
    """河's query is a scan that would run for a minute or more: typing 川 stops it (SQLite interrupt) at once."""
    from esurety_tui.store.db import database

    original = contracts.count
    started = threading.Event()
    long_scan = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c"
    )

    def endless_for_kawa(session, tab, text):
        if text == "河":
            started.set()
            database.execute_sql(long_scan)
        return original(session, tab, text)

    monkeypatch.setattr(contracts, "count", endless_for_kawa)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        await pilot.press("ctrl+f", "河")
        await poll(pilot, started.is_set, "河's scan running")
        await pilot.press("川")
        await until(pilot, lambda: top.window.text == "河川", what="河川's list", timeout=20)
        assert top._rows and all("河川" in f"{r.orderer_name}{r.work_name}" for r in top._rows)
