"""保証契約一覧 with 100,000 contracts: the list queries and the real TopScreen.

    python benchmarks/contract_list.py [--contracts 100000] [--home DIR] [--runs 5]

1. A temporary ESURETY_HOME gets `esurety demo --contracts N` (or --home reuses a folder that
   already has them; the folder is then left alone). Its esurety.sqlite3 is opened by path:
   ESURETY_DATABASE and the config file of the calling shell are ignored.
2. services.contracts.count + page (first window of 50) for the demo company 〇〇建設 (it owns
   the N synthetic contracts) with no text, a common word, a number prefix, a rare term and a
   term without hits; median of --runs each, plus the last window (offset near the end). The
   same for the 電子保証履歴一覧 tab and for the branch (which sees every company).
3. The real NetDeskApp under App.run_test (80x24, headless): from log-in (app.logged_in, which
   switches to TopScreen) to the first rows in the table; then, for each search term, from the
   last key typed in 検索 to the rows of the result in the table (TopScreen searches on every key),
   and F8 (next window). benchmarks/list_screen.py measures the same in a real terminal. A 10 ms heartbeat timer on the app
   records the largest gap between ticks: the longest the event loop was blocked.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import NEUTRAL_CWD, PYTHON, clean_env  # noqa: E402

TERMS = (("no text", ""), ("common word", "河川"), ("number prefix", "35090-0"),
         ("rare term", "第12345号"), ("no hits", "存在しない語"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def median_time(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def service_timings(runs: int) -> None:
    from esurety_tui.services import auth, contracts
    from esurety_tui.store.models import User

    demo = auth.session_for(User.get(User.login == "demo"))
    branch = auth.session_for(User.get(User.login == "branch"))
    print(f"services.contracts, median of {runs} (count / first window of 50 / last window):")
    for who, session, tab in (("demo", demo, "all"), ("demo", demo, "history"), ("branch", branch, "all")):
        for label, text in TERMS:
            c, total = median_time(lambda s=session, t=tab, x=text: contracts.count(s, t, x), runs)
            p, rows = median_time(lambda s=session, t=tab, x=text: contracts.page(s, t, x, 0, 50), runs)
            last = max(0, (total - 1) // 50 * 50)
            lt, lrows = median_time(lambda s=session, t=tab, x=text, o=last: contracts.page(s, t, x, o, 50), runs)
            flag = "  <-- over 100 ms" if max(c, p, lt) > 0.1 else ""
            print(f"  {who:6} {tab:8} {label:13} {text!r:12} count {ms(c)} ({total:>7,})"
                  f"  first {ms(p)} ({len(rows):2})  last@{last:<6,} {ms(lt)} ({len(lrows):2}){flag}")


class Heartbeat:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.max_gap = 0.0

    def beat(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def stall(self) -> float:
        """The largest gap so far, counting the one still open."""
        return max(self.max_gap, time.perf_counter() - self.last)

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.max_gap = 0.0


async def tui_timings() -> None:
    from textual import events
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable, Input, Static

    from esurety_tui.services import auth, contracts
    from esurety_tui.store.models import User
    from esurety_tui.tui.app import NetDeskApp
    from esurety_tui.tui.screens.top import TopScreen

    session = auth.session_for(User.get(User.login == "demo"))
    expect = {text: ([f"g{r.id}" for r in contracts.page(session, "all", text, 0, 50)],
                     contracts.count(session, "all", text)) for _, text in TERMS}
    second = [f"g{r.id}" for r in contracts.page(session, "all", "", 50, 50)]

    app = NetDeskApp()  # the store is already open in this process
    hb = Heartbeat()

    def first_keys(table: DataTable, n: int = 1) -> list[str]:
        return [table.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value for i in range(n)]

    def key(name: str, char: str | None = None) -> None:
        """A key as the terminal driver delivers it (Pilot.press also waits for the CPU to idle)."""
        app.post_message(events.Key(name, char))

    async def until(cond, timeout: float = 30.0) -> float:
        t0 = time.perf_counter()
        while not cond():
            if time.perf_counter() - t0 > timeout:
                raise SystemExit("timed out waiting for the list")
            await asyncio.sleep(0.001)
        return time.perf_counter()

    print("TopScreen under App.run_test (80x24, headless), demo company:")
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_interval(0.01, hb.beat)
        await pilot.pause()

        def shows(text: str):
            ids, total = expect[text]

            def check() -> bool:
                screen = app.screen
                if not isinstance(screen, TopScreen) or screen.window.text != text:
                    return False
                table = screen.query_one(DataTable)
                status = str(screen.query_one("#list-status", Static).content)
                if not ids:
                    return table.row_count == 0 and "ありません" in status
                return (table.row_count == len(ids) and first_keys(table, min(2, len(ids))) == ids[:2]
                        and (status.startswith(f"{total:,}件中") or "件以上" in status))
            return check

        hb.reset()
        t0 = time.perf_counter()
        app.call_later(app.logged_in, session)  # in the app's own context, as after a log-in
        t1 = await until(shows(""))
        print(f"  log-in -> first rows shown       {ms(t1 - t0)}   max event-loop stall {ms(hb.stall())}")

        await pilot.pause()
        hb.reset()
        t0 = time.perf_counter()
        key("f8")
        table = app.screen.query_one(DataTable)
        t1 = await until(lambda: table.row_count and first_keys(table) == second[:1])
        print(f"  F8 (next window)                  {ms(t1 - t0)}   max event-loop stall {ms(hb.stall())}")
        key("f7")
        await until(shows(""))

        search = app.screen.query_one("#search", Input)
        for label, text in TERMS[1:] + TERMS[:1]:
            for how in ("typed", "enter"):
                before = "存在しない語" if not text else ""  # "no text": clear a search
                if search.value != before:
                    search.value = before
                    await until(shows(before))
                search.focus()
                await until(lambda: search.has_focus)
                await pilot.pause()
                hb.reset()
                t0 = time.perf_counter()
                search.value = text  # as after the last keystroke
                if how == "enter":  # Enter applies the search at once
                    key("enter", "\r")
                t1 = await until(shows(text))
                took = t1 - t0
                shown = repr(text) if text else "(cleared)"
                extra = " " * 4
                print(f"  {how:5} {shown:12} -> rows {ms(took)}{extra}"
                      f"  max stall {ms(hb.stall())}  [{label}]")
    print("  (max stall = the largest gap between ticks of a 10 ms timer: about 10 ms means the event")
    print("   loop never waited)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contracts", type=int, default=100_000)
    ap.add_argument("--home", help="reuse this ESURETY_HOME (it must already hold the contracts)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-tui", action="store_true")
    args = ap.parse_args()

    made = None
    if args.home:
        home = Path(args.home)
    else:
        home = made = Path(tempfile.mkdtemp(prefix="esurety-list-"))
        t = time.perf_counter()
        subprocess.run([PYTHON, "-m", "esurety_tui", "demo", "--seed", "1", "--contracts", str(args.contracts)],
                       env=clean_env(ESURETY_HOME=str(home)), check=True, stdout=subprocess.DEVNULL, cwd=NEUTRAL_CWD)
        print(f"demo data + {args.contracts:,} contracts: {time.perf_counter() - t:.1f} s")
    os.environ["ESURETY_HOME"] = str(home)
    # The database built (or named by --home) above, by path: never ESURETY_DATABASE or a config file
    # of the calling shell, which would silently measure another database.
    os.environ.pop("ESURETY_DATABASE", None)
    try:
        from esurety_tui.store.db import init_database

        init_database(str(home / "esurety.sqlite3"))
        service_timings(args.runs)
        if not args.no_tui:
            asyncio.run(tui_timings())
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


if __name__ == "__main__":
    main()
