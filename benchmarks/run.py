"""Every figure of issue 11, each beside its floor measured in the same run.

    python benchmarks/run.py [--contracts N | --quick] [--only ROW,...] [--rounds R] [--postgres URL]
    python -m benchmarks.run ...          # the same, from the checkout
    make bench

1. Builds N contracts (default 1,000,000) in its own temporary SQLite database through the app's
   store (benchmarks/_dataset.py): never ESURETY_DATABASE or a config file of the calling shell.
2. Measures each row of the table, the figure and its floor interleaved (figure, floor, figure,
   floor …), and prints medians (p50 / p95 where the goal is a p95), the ratio or the goal, and
   PASS or MISS against the issue's goal.
3. With ``--postgres URL`` (or ESURETY_BENCH_POSTGRES) the database rows run again on PostgreSQL,
   built through the same path in that (empty) database; its tables are dropped at the end.

Rows (``--only``): type, enter, login, page, edge, rss, key, pdf, paint. The app runs as
``python -m esurety_tui`` on a real pty of 80×24 read back through pyte (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    NEUTRAL_CWD,
    PAGE,
    PYTHON,
    ROOT,
    TERMS,
    Expect,
    Terminal,
    clean_env,
    log_in,
    measure_move,
    p,
    run_in_pty,
    spawn,
    type_keys,
)

ROWS = ("type", "enter", "login", "page", "edge", "rss", "key", "pdf", "paint")
DB_ROWS = ("type", "enter", "login", "page", "edge", "rss", "key")  # the others do not touch the database
SEARCH_GOAL = 0.050
LOGIN_GOAL = 0.150
MOVE_GOAL = 0.030
RSS_FACTOR = 3.0
FLAT_KIB = 1024  # "flat": RSS grows by less than 1 MiB from the 200th to the last list operation
KEY_FACTOR = 3.0
PDF_FACTOR = 1.5
PAINT_FACTOR = 1.2


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p50_95(values: list[float]) -> str:
    return f"p50 {ms(p(values, 0.5))}, p95 {ms(p(values, 0.95))}" if values else "(none)"


@dataclass
class Row:
    name: str
    figure: str
    now: str
    floor: str
    goal: str
    passed: bool | None  # None: not measured (the reason is in ``now``)

    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "—"}[self.passed]


class Report:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[Row] = []
        self.profiles: list[tuple[str, str]] = []

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  [{row.verdict()}] {row.figure}: {row.now}  |  floor {row.floor}  |  {row.goal}", flush=True)

    def table(self) -> str:
        out = [
            f"### {self.title}",
            "",
            "| figure | now | floor (same run) | goal | |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += [f"| {r.figure} | {r.now} | {r.floor} | {r.goal} | {r.verdict()} |" for r in self.rows]
        return "\n".join(out)


# --- the rows -------------------------------------------------------------------------------------


def row_search(rep: Report, ctx, enter: bool) -> None:
    expect: Expect = ctx.expect
    floors: list[float] = []
    app = spawn(ctx.setting, ctx.app_home)
    try:
        log_in(app, expect)
        app.drain(0.3)
        lat, _echo, multi, flashes = type_keys(
            app, expect, ctx.args.rounds, enter=enter, floor=lambda text: floors.append(expect.sql(text))
        )
    finally:
        app.close()
    terms = ", ".join(TERMS)
    figure = (
        f"search, term + Enter → list updated ({terms})"
        if enter
        else f"search as you type, key press → list updated ({terms})"
    )
    rep.add(
        Row(
            "enter" if enter else "type",
            figure,
            f"{p50_95(lat)} (n={len(lat)}; more than one frame {multi}, flashes {flashes})",
            f"the app's own SQL (count + window) {p50_95(floors)}",
            f"p95 ≤ 50 ms (p95 is {p(lat, 0.95) / p(floors, 0.95):.1f}× the SQL's)",
            p(lat, 0.95) <= SEARCH_GOAL,
        )
    )


def row_login(rep: Report, ctx) -> None:
    from esurety_tui.services import auth
    from esurety_tui.store.models import User

    expect: Expect = ctx.expect
    stored = User.get(User.login == "demo").password_hash
    times, floors, verify = [], [], []
    for _ in range(ctx.args.logins):
        app = spawn(ctx.setting, ctx.app_home)
        try:
            times.append(log_in(app, expect))
        finally:
            app.close()
        floors.append(expect.sql(""))
        t = time.perf_counter()
        auth._verify(stored, "demo")
        verify.append(time.perf_counter() - t)
    budget = LOGIN_GOAL + med(verify)
    rep.add(
        Row(
            "login",
            "login, Enter on the password → rows painted, fresh process",
            f"{ms(med(times))} (argon2 verify {ms(med(verify))} of it; n={len(times)})",
            f"the count + window SQL {ms(med(floors))}",
            f"≤ 150 ms plus the hash = {ms(budget)}",
            med(times) <= budget,
        )
    )


def row_page(rep: Report, ctx) -> None:
    expect: Expect = ctx.expect
    app = spawn(ctx.setting, ctx.app_home)
    f8, floors, frames, flashes = [], [], [], 0
    try:
        log_in(app, expect)
        app.drain(0.3)
        for _ in range(ctx.args.rounds * 2):
            t, n, flash = measure_move(app, expect, "f8", PAGE, PAGE + 1)
            f8.append(t)
            frames.append(n)
            flashes += flash
            floors.append(expect.window_sql("", PAGE))
            app.send("f7")
            app.wait(expect.shown(app, "", 0), what="back to the first window")
            app.send("home")
            app.drain(0.2)
    finally:
        app.close()
    rep.add(
        Row(
            "page",
            "F8 next window",
            f"{ms(med(f8))} (frames {sorted(frames)}, flashes {flashes})",
            f"the window SQL {ms(med(floors))}",
            "≤ 30 ms",
            med(f8) <= MOVE_GOAL,
        )
    )


REPEAT = 1 / 30  # a held key repeats about 30 times a second (X11 and most terminals: 25–33/s)


def held_down(app: Terminal, start: int, presses: int) -> tuple[float | None, bool, float]:
    """↓ held from No. ``start`` for ``presses`` repeats, one every REPEAT seconds, across the window
    edge after No. PAGE. Returns (the crossing key → the first frame showing the next window with
    the cursor on it, a flash seen, the last key → the cursor on its final row)."""

    def no(text: str) -> int:
        return int(text.replace(",", ""))

    h0 = len(app.history)
    low = min((no(r.split()[0]) for r in app.rows()), default=1)
    sent = []
    for _ in range(presses):
        sent.append(app.send("down"))
        until = sent[-1] + REPEAT
        while (left := until - time.perf_counter()) > 0:
            app._read(left)
    final = start + presses
    t_end = app.wait(lambda: app.cursor_no() == f"{final}", what=f"No. {final} after ↓ held")
    crossing = sent[PAGE - start]  # the ↓ that moves No. PAGE → PAGE + 1
    shown, flash = None, False
    for rows, at, cursor in zip(app.history[h0:], app.frame_times[h0:], app.frame_cursor[h0:], strict=False):
        numbers = [no(r.split()[0]) for r in rows]
        if not numbers:
            continue
        if min(numbers) < low:
            flash = True  # the list jumped back (the old window scrolled towards No. 1) while ↓ was held
        low = max(low, min(numbers))
        if shown is None and cursor is not None and no(cursor) > PAGE and at >= crossing:
            shown = at - crossing
    return shown, flash, t_end - sent[-1]


def row_edge(rep: Report, ctx) -> None:
    expect: Expect = ctx.expect
    app = spawn(ctx.setting, ctx.app_home)
    lat, tails, inside, sql, flashes, missed = [], [], [], [], 0, 0
    start, presses = PAGE - 5, 10
    try:
        log_in(app, expect)
        app.drain(0.3)
        for _ in range(ctx.args.rounds * 2):
            app.send("home")
            app.wait(lambda: app.cursor_no() == "1", what="No. 1")
            app.drain(0.2)
            t, _, _ = measure_move(app, expect, "down", 0, 2)  # ↓ inside a window: no query
            inside.append(t)
            app.send("end")  # the window's last row, then up to No. start
            app.wait(lambda: app.cursor_no() == f"{PAGE}", what=f"No. {PAGE}")
            for _ in range(PAGE - start):
                app.send("up")
            app.wait(lambda: app.cursor_no() == f"{start}", what=f"No. {start}")
            app.drain(0.2)
            shown, flash, tail = held_down(app, start, presses)
            if shown is None:
                missed += 1
            else:
                lat.append(shown)
            tails.append(tail)
            flashes += flash
            sql.append(expect.window_sql("", PAGE))
            app.drain(0.2)
            app.send("f7")
            app.wait(expect.shown(app, "", 0), what="back to the first window")
            app.drain(0.2)
    finally:
        app.close()
    rep.add(
        Row(
            "edge",
            f"↓ held across a window edge (No. {start} → {start + presses}, {1 / REPEAT:.0f} keys/s)",
            f"{ms(med(lat))} from the ↓ on No. {PAGE} to the next window painted"
            f"{f' ({missed} of {missed + len(lat)} never painted it before later keys)' if missed else ''}; "
            f"{'a flash of the old window seen ' + str(flashes) + '×' if flashes else 'no flash'}; "
            f"last key → final row {ms(med(tails))}",
            f"↓ inside a window {ms(med(inside))}; the window SQL {ms(med(sql))}",
            "≤ 30 ms, no flash",
            bool(lat) and med(lat) <= MOVE_GOAL and not flashes,
        )
    )


def row_rss(rep: Report, ctx) -> None:
    expect: Expect = ctx.expect
    bare = Terminal([PYTHON, str(ROOT / "benchmarks" / "_bare_app.py")], clean_env())
    try:
        bare.wait(lambda: "BARE-APP-READY" in bare.text(), what="the bare app")
        bare.drain(0.5)
        bare_rss, _ = bare.rss()
    finally:
        bare.close()
    app = spawn(ctx.setting, ctx.app_home)
    points = []
    try:
        log_in(app, expect)
        app.drain(0.5)
        login_rss, login_hwm = app.rss()
        cycle = ("ctrl+f", "河川", "ctrl+u", "enter", "f8", "f7", "down", "up")
        ops = 0
        while ops < ctx.args.ops:
            for key in cycle:
                app.send(key)
                app.drain(0.02)
                ops += 1
            if ops % 200 < len(cycle):
                app.drain(0.5)
                rss, hwm = app.rss()
                points.append((ops, rss, hwm))
    finally:
        app.close()
    (o1, r1, _), (o2, r2, peak) = points[0], points[-1]
    growth = r2 - r1
    rep.add(
        Row(
            "rss",
            f"peak RSS after browsing and searching ({o2:,} list operations)",
            f"{peak / 1024:.1f} MiB peak ({peak / bare_rss:.2f}× bare), RSS {r2 / 1024:.1f} MiB; "
            f"{growth / 1024:+.1f} MiB from operation {o1} to {o2} ({growth / max(1, o2 - o1):.2f} KiB each); "
            f"after log-in: RSS {login_rss / 1024:.1f} MiB, peak {login_hwm / 1024:.1f} MiB",
            f"a bare Textual app {bare_rss / 1024:.1f} MiB",
            f"≤ 3× bare ({RSS_FACTOR * bare_rss / 1024:.0f} MiB), flat (< 1 MiB over the operations)",
            peak <= RSS_FACTOR * bare_rss and growth < FLAT_KIB,
        )
    )


FLOOR_SQLITE = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(c.execute('SELECT auth_key FROM guarantee WHERE number = ?', (sys.argv[2],)).fetchone()[0])"
)
FLOOR_PG = (
    "import psycopg, sys; c = psycopg.connect(sys.argv[1]); "
    "print(c.execute('SELECT auth_key FROM guarantee WHERE number = %s', (sys.argv[2],)).fetchone()[0])"
)


def row_key(rep: Report, ctx) -> None:
    number = ctx.built.sample_number
    env = clean_env(ESURETY_HOME=str(ctx.app_home), ESURETY_DATABASE=ctx.setting)
    app = [PYTHON, "-m", "esurety_tui", "key", number]
    floor = [PYTHON, "-c", FLOOR_PG if ctx.server else FLOOR_SQLITE, ctx.setting, number]

    def once(argv) -> tuple[float, str]:
        t = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=NEUTRAL_CWD)
        took = time.perf_counter() - t
        if r.returncode:
            raise SystemExit(f"{' '.join(argv[:5])} failed ({r.returncode}): {r.stderr.strip()[-300:]}")
        return took, r.stdout.strip()

    (_, got), (_, want) = once(app), once(floor)  # warm-up (page cache, byte-code)
    if got != want:
        raise SystemExit(f"esurety key {number} printed {got!r}, the database holds {want!r}")
    times, floors = [], []
    for _ in range(ctx.args.runs):
        times.append(once(app)[0])
        floors.append(once(floor)[0])
    ratio = med(times) / med(floors)
    rep.add(
        Row(
            "key",
            f"`esurety key {number}`, whole process",
            f"{ms(med(times))} (n={len(times)})",
            f"`python -c` + {'psycopg' if ctx.server else 'stdlib sqlite3'}: {ms(med(floors))}",
            f"≤ 3× ({ratio:.2f}×)",
            ratio <= KEY_FACTOR,
        )
    )


def row_pdf(rep: Report, ctx) -> None:
    from notice_bench import notice, render_floor

    from esurety_tui.documents import font_info, render_notice

    info = font_info()
    if not info.path:
        rep.add(
            Row(
                "pdf",
                "notice PDF, warm",
                "not measured: no IPAex/IPA font file (fonts-ipaexfont-gothic)",
                "—",
                "≤ 1.5×",
                None,
            )
        )
        return
    render_notice(notice(1))
    render_floor(notice(1))
    times, floors = [], []
    for i in range(50):  # notice_bench.interleaved_ms, keeping every sample
        t = time.perf_counter()
        render_notice(notice(i))
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        render_floor(notice(i))
        floors.append(time.perf_counter() - t)
    ratio = med(times) / med(floors)
    rep.add(
        Row(
            "pdf",
            "notice PDF, warm",
            f"{ms(med(times))} (n={len(times)})",
            f"a bare reportlab page, the notice's text in the same font ({Path(info.path).name}): {ms(med(floors))}",
            f"≤ 1.5× ({ratio:.2f}×)",
            ratio <= PDF_FACTOR,
        )
    )


LOGIN_MARK = "ようこそ、ネットデスクへ".encode()
BARE_MARK = b"BARE-APP-READY"


def row_paint(rep: Report, ctx) -> None:
    chrome = [PYTHON, str(ROOT / "benchmarks" / "_bare_app.py"), "chrome"]
    app = [PYTHON, "-m", "esurety_tui"]
    app_env = clean_env(ESURETY_HOME=str(ctx.app_home), ESURETY_DATABASE=ctx.setting)

    def one(argv, mark, env) -> float:
        r = run_in_pty(argv, [mark], env, quit_after=mark)
        if mark not in r.seen:
            raise SystemExit(f"{argv}: {mark.decode()!r} never shown (exit {r.returncode})\n{r.output[-500:]!r}")
        return r.seen[mark]

    one(chrome, BARE_MARK, clean_env())
    one(app, LOGIN_MARK, app_env)
    times, floors = [], []
    for _ in range(ctx.args.runs):
        floors.append(one(chrome, BARE_MARK, clean_env()))
        times.append(one(app, LOGIN_MARK, app_env))
    ratio = med(times) / med(floors)
    rep.add(
        Row(
            "paint",
            "first paint of the login screen",
            f"{ms(med(times))} (n={len(times)})",
            f"a Header+Static+Footer app {ms(med(floors))}",
            f"≤ 1.2× ({ratio:.2f}×)",
            ratio <= PAINT_FACTOR,
        )
    )


# --- profiles of missed rows (--profile) ----------------------------------------------------------


def _app_profile(ctx, drive) -> str:
    import _profile

    def spawn_profiled(path):
        return spawn(ctx.setting, ctx.app_home, profile=path)

    def full(app) -> None:
        log_in(app, ctx.expect)
        app.drain(0.3)
        drive(app)

    return _profile.app_under_cprofile(full, spawn_profiled)


def _cycle(keys):
    def drive(app) -> None:
        for _ in range(5):
            for key in keys:
                app.send(key)
                app.drain(0.3)

    return drive


def _profile_key(ctx) -> str:
    import _profile

    env = clean_env(ESURETY_HOME=str(ctx.app_home), ESURETY_DATABASE=ctx.setting)
    return _profile.command(["key", ctx.built.sample_number], env)


def _profile_pdf(ctx) -> str:
    import _profile
    from notice_bench import notice

    from esurety_tui.documents import render_notice

    return _profile.in_process(lambda: render_notice(notice(3)), 50)


def _profile_paint(ctx) -> str:
    import _profile

    def drive(app) -> None:
        app.wait(lambda: "ようこそ、ネットデスクへ" in app.text(), what="the log-in screen")

    return _profile.app_under_cprofile(drive, lambda path: spawn(ctx.setting, ctx.app_home, profile=path))


def _profile_search(ctx, enter: bool) -> str:
    """The SQL (the list thread, which cProfile of the app does not see): the services' count and
    window in process under cProfile, and their query plans; then the app's main thread."""
    import _profile

    terms = [t[:k] for t in TERMS for k in range(1, len(t) + 1)]
    sql = _profile.in_process(lambda: [ctx.expect.sql(t) for t in terms], 1)
    return (
        "    the services' count + window for every prefix typed, in process:\n"
        + sql
        + "\n    the statements they run and their plans:\n"
        + _profile.query_plans(ctx.expect, ["河", "河川維持", "35072"])
        + "\n    the app's main thread (event loop) over one round:\n"
        + _app_profile(ctx, lambda app: type_keys(app, ctx.expect, 1, enter=enter))
    )


def _profile_login(ctx) -> str:
    """What the app does on its database thread before the first query can run (open_database, with
    quick_check off as the app now opens), in process on the same database; then the app's main
    thread from start to the rows."""
    import _profile

    from esurety_tui.services.setup import open_database
    from esurety_tui.store.db import close_database

    def reopen() -> None:
        close_database()
        open_database(ctx.setting, check=False)

    text = _profile.in_process(reopen, 1)
    return (
        "    services.setup.open_database(check=False), as the app's database worker runs it at start:\n"
        + text
        + "\n    the app's main thread, start → log-in → rows → quit:\n"
        + _app_profile(ctx, lambda app: None)
    )


PROFILES = {
    "type": lambda ctx: _profile_search(ctx, enter=False),
    "enter": lambda ctx: _profile_search(ctx, enter=True),
    "login": _profile_login,
    "page": lambda ctx: _app_profile(ctx, _cycle(("f8", "f7"))),
    "edge": lambda ctx: _app_profile(ctx, _cycle(("end", "down", "f7", "home"))),
    "key": _profile_key,
    "pdf": _profile_pdf,
    "paint": _profile_paint,
}


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    setting: str
    server: bool
    app_home: Path
    built: object = None
    reused: bool = False  # --reuse: the database of an earlier --keep run with the same N
    expect: Expect | None = None


def measure(ctx: Context, title: str, rows: list[str]) -> Report:
    from _dataset import Built, build

    rep = Report(title)
    if ctx.reused:
        print(f"\n== {title}: reusing {ctx.setting} (built by an earlier --keep run) …", flush=True)
        ctx.built = Built()
        ctx.built.contracts = ctx.args.contracts
        ctx.built.sample_number = Path(ctx.setting).with_suffix(".contracts").read_text().split()[1]
    else:
        print(f"\n== {title}: building {ctx.args.contracts:,} contracts …", flush=True)
        ctx.built = build(ctx.setting, ctx.args.contracts, log=lambda *a: None)
        b = ctx.built
        print(
            f"  build: {b.seconds:.1f} s for {b.contracts:,} contracts ({b.demo_share:,} of the demo login's company) "
            f"and {b.versions:,} certificate versions"
            + (f"; search index rebuilt by {b.search_helper}" if b.search_helper else "")
        )
        for name, seconds in b.phases:
            print(f"    {name}: {seconds:.1f} s")
        if not ctx.server:  # for --reuse: N and the sample contract of `esurety key`
            Path(ctx.setting).with_suffix(".contracts").write_text(f"{ctx.args.contracts} {b.sample_number}\n")
    ctx.expect = Expect(ctx.setting)
    for name in rows:
        fn = {
            "type": lambda r, c: row_search(r, c, enter=False),
            "enter": lambda r, c: row_search(r, c, enter=True),
            "login": row_login,
            "page": row_page,
            "edge": row_edge,
            "rss": row_rss,
            "key": row_key,
            "pdf": row_pdf,
            "paint": row_paint,
        }[name]
        fn(rep, ctx)
        if ctx.args.profile and rep.rows[-1].passed is False and name in PROFILES:
            print(f"    profiling the missed row ({name}); printed after the table", flush=True)
            rep.profiles.append((rep.rows[-1].figure, PROFILES[name](ctx)))
    from esurety_tui.store.db import close_database

    close_database()
    return rep


def postgres_ready(url: str) -> str:
    """'' when the app can run on ``url`` with psycopg 3; else why the PostgreSQL rows are skipped."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg (3) is not installed: pip install -e '.[postgres]'"
    from esurety_tui.store.db import make_database

    try:
        db = make_database(url)
        db.connect()
        driver = type(db.connection()).__module__
        tables = db.get_tables()
        db.close()
    except Exception as e:
        return f"cannot use {url}: {e}"
    if driver.split(".")[0] != "psycopg":
        return f"the app still connects through {driver.split('.')[0]}, not psycopg 3 (issue 11 §3 not merged yet)"
    if tables:
        return f"the database is not empty ({len(tables)} tables): name an empty one (createdb …)"
    return ""


def drop_tables(url: str) -> None:
    from esurety_tui.store.db import make_database

    db = make_database(url)
    db.connect()
    for table in db.get_tables():
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    db.close()


def _holds(db: Path, contracts: int) -> bool:
    """Whether ``db`` is a finished benchmark database of ``contracts`` contracts at this schema (the
    build writes its N beside it when it is done)."""
    import sqlite3

    from esurety_tui.store.schema import LATEST

    built = db.with_suffix(".contracts")
    if not db.exists() or not built.exists() or built.read_text().split()[:1] != [str(contracts)]:
        return False
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            (version,) = con.execute("SELECT max(version) FROM schema_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return version == LATEST


def machine() -> str:
    import platform
    import sqlite3

    import textual

    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, Textual {textual.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contracts", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="20,000 contracts and fewer rounds: a smoke run")
    ap.add_argument("--only", default=",".join(ROWS), help=f"rows to measure, of: {','.join(ROWS)}")
    ap.add_argument("--rounds", type=int, default=3, help="search rounds (each types every term)")
    ap.add_argument("--logins", type=int, default=5)
    ap.add_argument("--runs", type=int, default=10, help="processes per side for key and paint")
    ap.add_argument("--ops", type=int, default=1000, help="list operations for the memory row")
    ap.add_argument(
        "--postgres",
        default=os.environ.get("ESURETY_BENCH_POSTGRES", ""),
        help="also on this PostgreSQL database (empty; its tables are dropped at the end)",
    )
    ap.add_argument("--no-sqlite", action="store_true", help="only the PostgreSQL rows (with --postgres)")
    ap.add_argument("--profile", action="store_true", help="after a missed goal, profile that row (cProfile)")
    ap.add_argument("--keep", metavar="DIR", help="build the SQLite database in DIR and keep it")
    ap.add_argument(
        "--reuse", action="store_true", help="with --keep: measure DIR's database if it holds N contracts (no build)"
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.contracts, args.rounds, args.logins, args.runs, args.ops = 20_000, 1, 3, 5, 400
    rows = [r.strip() for r in args.only.split(",") if r.strip()]
    unknown = set(rows) - set(ROWS)
    if unknown:
        ap.error(f"unknown rows {sorted(unknown)}; choose from {','.join(ROWS)}")
    for var in [k for k in os.environ if k.startswith("ESURETY_") and k != "ESURETY_BENCH_POSTGRES"]:
        os.environ.pop(var)  # never the calling shell's database or settings
    print(f"issue 11 benchmark: {args.contracts:,} contracts; {machine()}", flush=True)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="esurety-run-"))
    work.mkdir(parents=True, exist_ok=True)
    app_home = work / "home"
    app_home.mkdir(exist_ok=True)
    os.environ["ESURETY_HOME"] = str(app_home)
    reports = []
    try:
        db = work / "bench.sqlite3"
        reused = bool(args.reuse and args.keep) and _holds(db, args.contracts)
        if not reused:
            for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.with_suffix(".contracts")):
                leftover.unlink(missing_ok=True)
        if not args.no_sqlite:
            ctx = Context(args, str(db), False, app_home, reused=reused)
            reports.append(measure(ctx, f"SQLite, {args.contracts:,} contracts", rows))
        if args.postgres:
            why = postgres_ready(args.postgres)
            pg_rows = [r for r in rows if r in DB_ROWS or args.no_sqlite]
            if why:
                print(f"\n== PostgreSQL skipped: {why}")
            elif pg_rows:
                ctx = Context(args, args.postgres, True, app_home)
                try:
                    reports.append(measure(ctx, f"PostgreSQL, {args.contracts:,} contracts", pg_rows))
                finally:
                    drop_tables(args.postgres)
        else:
            print("\n== PostgreSQL skipped: no server named (--postgres URL or ESURETY_BENCH_POSTGRES)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    for rep in reports:
        print(rep.table())
        print()
        for figure, text in rep.profiles:
            print(f"profile, {figure}:\n{text}\n")
    print(f"(load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
