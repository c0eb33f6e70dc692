"""全体トップ in a real terminal: log-in, search as you type, Enter, F8, ↓ / PageDown across a window edge,
and the memory of the process after many list operations.

    python benchmarks/list_screen.py [--contracts 100000] [--home DIR] [--tree DIR] [--rounds 5]
                                     [--logins 5] [--ops 1000] [--only login,type,enter,page,edge,rss]

The app runs as `python -m esurety_tui` on a pseudo-terminal of 80×24, exactly as a person starts it;
what it writes is fed to a terminal emulator (pyte) and every figure is the time from writing a key
to the pty until the screen the app drew shows the expected state (the moment the bytes that
completed it were read). Nothing in the app is patched or switched for the benchmark.

- The database is built here (`esurety demo --contracts N` in a temporary ESURETY_HOME, or --home
  reuses a folder holding one) and handed to the app by path: ESURETY_DATABASE and the other
  ESURETY_* variables of the calling shell are never used.
- The expected screens (status line, first rows) are computed beforehand with the services, in
  this process, on the same file.
- Search as you type: each term (河, 河川, 河川維持, 35072, ZZZZ) is typed one character at a time into
  検索 (Ctrl+F), waiting for each key's list; then Ctrl+U clears it. A key is counted when its list
  differs from the one before it (a key that leaves the list as it was has nothing to wait for).
- ``frames``: how many frames the app drew between the key and the final state (1 is best); the app
  is told the terminal supports synchronized output, so frames are told apart exactly;
  ``flash``: an update that showed a list that is neither the one before nor the one after.
- Memory: VmRSS / VmHWM of the app process (from /proc) after log-in and every 200 list operations
  (type a term, clear, F8, F7, ↓, Ctrl+F / Enter), beside a bare Textual app on the same pty.

Needs pyte (pip install pyte). --tree DIR measures the package found in DIR (e.g. `git archive HEAD`
unpacked) with PYTHONPATH=DIR, to compare a change with the code before it.
"""

from __future__ import annotations

import argparse
import os
import pty
import fcntl
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import NEUTRAL_CWD, PYTHON, clean_env, demo_home  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TERMS = ("河", "河川", "河川維持", "35072", "ZZZZ")
PAGE = 50
KEYS = {"enter": b"\r", "ctrl+f": b"\x06", "ctrl+u": b"\x15", "f7": b"\x1b[18~", "f8": b"\x1b[19~",
        "down": b"\x1b[B", "up": b"\x1b[A", "pagedown": b"\x1b[6~", "pageup": b"\x1b[5~", "ctrl+q": b"\x11",
        "end": b"\x1b[1;5F", "home": b"\x1b[1;5H"}  # ctrl+end / ctrl+home: the table's last / first row
SYNC_QUERY, SYNC_SUPPORTED = b"\x1b[?2026$p", b"\x1b[?2026;2$y"
SYNC_BEGIN, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
ROW_NO = re.compile(r"^ (\d[\d,]*)\s")


class App:
    """The app on a pty, its screen in pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pyte

        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True, cwd=NEUTRAL_CWD)
        os.close(slave)
        self.frames = 0  # frames the app wrote so far
        self._partial = b""  # the start of a frame not yet complete
        self.history: list[tuple[str, ...]] = []  # the table's rows after each chunk (for flashes)

    def send(self, key: str | bytes) -> float:
        data = KEYS[key] if isinstance(key, str) and key in KEYS else (key if isinstance(key, bytes) else key.encode())
        t = time.perf_counter()
        os.write(self.master, data)
        return t

    def _read(self, timeout: float) -> float | bool | None:
        """Read what the app wrote: None if it wrote nothing within ``timeout``; the time it was read
        if that completed a frame; False if it did not.
        The app is told the terminal has synchronized output (mode 2026), so each frame comes
        between ESC[?2026h and ESC[?2026l: the screen is looked at only between frames."""
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return None
        t = time.perf_counter()
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            raise SystemExit("the app closed its terminal") from None
        if SYNC_QUERY in chunk:
            os.write(self.master, SYNC_SUPPORTED)
        data = self._partial + chunk
        *frames, self._partial = data.split(SYNC_END)
        for frame in frames:
            self.stream.feed(frame + SYNC_END)
            self.frames += 1
            self.history.append(tuple(self.rows()))
        if SYNC_BEGIN not in self._partial:  # output outside frames (before the first one)
            self.stream.feed(self._partial)
            self._partial = b""
            return t
        return t if frames else False
    def wait(self, cond, timeout: float = 30.0, what: str = "") -> float:
        """The time the chunk that made ``cond()`` true was read."""
        if cond():
            return time.perf_counter()
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            t = self._read(0.05)
            if t and cond():
                return t
        raise SystemExit(f"timed out waiting for {what or cond}:\n" + "\n".join(self.lines()))

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the app has written nothing for ``quiet`` seconds."""
        while self._read(quiet) is not None:
            pass

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(self.lines())

    def rows(self) -> list[str]:
        """The table's visible rows as ``No. number`` strings."""
        out = []
        for line in self.screen.display[8:22]:
            m = ROW_NO.match(line)
            if m:
                number = re.search(r"\d{5}-\d{5}[A-Z]", line)
                out.append(f"{m.group(1)} {number.group(0) if number else ''}")
        return out

    def status(self) -> str:
        for line in self.screen.display[::-1]:
            if "件中" in line or "件以上" in line or "ありません" in line:
                return line.strip()
        return ""

    def cursor_no(self) -> str | None:
        """The No. of the highlighted row: the row whose background is unlike the zebra stripes'."""
        backgrounds = {}
        for y in range(8, 22):
            line = self.screen.display[y]
            m = ROW_NO.match(line)
            if m:
                backgrounds[m.group(1)] = self.screen.buffer[y][2].bg
        counts: dict[str, int] = {}
        for bg in backgrounds.values():
            counts[bg] = counts.get(bg, 0) + 1
        odd = [no for no, bg in backgrounds.items() if counts[bg] == 1]
        return odd[0] if len(odd) == 1 else None

    def rss(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in KiB of the app process."""
        values = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1])
        return values.get("VmRSS", 0), values.get("VmHWM", 0)

    def cpu(self) -> float:
        """CPU seconds (user + system) the app process has used so far (every thread)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        try:
            os.write(self.master, KEYS["ctrl+q"])
            deadline = time.perf_counter() + 10
            while self.proc.poll() is None and time.perf_counter() < deadline:
                try:
                    self._read(0.05)
                except SystemExit:
                    break
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            os.close(self.master)


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def fmt(values: list[float]) -> str:
    if not values:
        return "(none)"
    return (f"p50 {p(values, .5) * 1000:6.1f} ms  p95 {p(values, .95) * 1000:6.1f} ms  "
            f"max {max(values) * 1000:6.1f} ms  (n={len(values)})")


class Expect:
    """What the list should show, from the services on the same database file."""

    def __init__(self, db: Path) -> None:
        from esurety_tui.services import auth, contracts
        from esurety_tui.store.db import init_database
        from esurety_tui.store.models import User

        init_database(str(db))
        self.contracts = contracts
        self.cap = getattr(contracts, "COUNT_CAP", None)
        self.session = auth.session_for(User.get(User.login == "demo"))
        self._cache: dict[tuple[str, int], tuple[int, list[str]]] = {}

    def window(self, text: str, offset: int = 0) -> tuple[int, list[str]]:
        key = (text, offset)
        if key not in self._cache:
            total = self.contracts.count(self.session, "all", text)
            rows = self.contracts.page(self.session, "all", text, offset, PAGE)
            self._cache[key] = (total, [r.number for r in rows])
        return self._cache[key]

    def shown(self, app: App, text: str, offset: int = 0):
        """A condition: the list shows the window of ``text`` at ``offset`` (status and first rows)."""
        total, numbers = self.window(text, offset)

        def check() -> bool:
            status = app.status()
            if not numbers:
                return f"「{text}」に一致する" in status
            if f"{offset + 1:,}〜{offset + len(numbers):,}件" not in status:
                return False
            rows = app.rows()
            return bool(rows) and rows[0].split()[-1] == numbers[0] and rows[0].split()[0] == f"{offset + 1}"
        return check


def spawn(db: Path, home: Path, tree: str | None) -> App:
    env = clean_env(ESURETY_HOME=str(home), ESURETY_DATABASE=str(db))
    if tree:
        env["PYTHONPATH"] = tree
    return App([PYTHON, "-m", "esurety_tui"], env)


def log_in(app: App, expect: Expect, cpu: list[float] | None = None) -> float:
    """Type demo / demo; returns Enter on the password → first rows shown (and appends the app's CPU
    time over that span to ``cpu``)."""
    app.wait(lambda: "ようこそ、ネットデスクへ" in app.text(), what="the log-in screen")
    app.send("demo")
    app.send("enter")
    app.wait(lambda: "demo" in app.lines()[app.screen.cursor.y] or True)
    app.drain(0.2)
    app.send("demo")
    app.drain(0.2)
    c0 = app.cpu()
    t0 = app.send("enter")
    t1 = app.wait(expect.shown(app, ""), what="the first rows")
    if cpu is not None:
        cpu.append(app.cpu() - c0)
    return t1 - t0


def bench_login(args, db, home, expect) -> None:
    from argon2 import PasswordHasher

    from esurety_tui.store.models import User

    stored = User.get(User.login == "demo").password_hash
    ph = PasswordHasher()
    verify = []
    for _ in range(5):
        t = time.perf_counter()
        ph.verify(stored, "demo")
        verify.append(time.perf_counter() - t)
    times, cpu = [], []
    for _ in range(args.logins):
        app = spawn(db, home, args.tree)
        try:
            times.append(log_in(app, expect, cpu))
        finally:
            app.close()
    verify_cpu = []
    for _ in range(5):
        c = time.process_time()
        ph.verify(stored, "demo")
        verify_cpu.append(time.process_time() - c)
    print(f"log-in, Enter on the password -> rows painted (fresh process each): {fmt(times)}")
    print(f"  the app's CPU time over that span (all threads; 10 ms ticks): median "
          f"{statistics.median(cpu) * 1000:.0f} ms, min {min(cpu) * 1000:.0f} ms")
    print(f"  floor: argon2 verify of the stored hash ({stored.split('$')[3]}): median "
          f"{statistics.median(verify) * 1000:.1f} ms wall, {statistics.median(verify_cpu) * 1000:.1f} ms CPU")
    count_t = []
    for _ in range(5):
        t = time.perf_counter()
        expect.contracts.count(expect.session, "all", "")
        expect.contracts.page(expect.session, "all", "", 0, PAGE)
        count_t.append(time.perf_counter() - t)
    print(f"  floor: the first window's count + page in process: median {statistics.median(count_t) * 1000:.1f} ms")


def type_keys(app: App, expect: Expect, rounds: int, enter: bool) -> tuple[list[float], list[float], int, int]:
    """Search as you type (or term + Enter); returns (latencies, echo latencies (the floor: the key's
    character shown in 検索), frames > 1, flashes)."""
    latencies, echoes, multi, flashes, counted = [], [], 0, 0, 0
    for _ in range(rounds):
        for term in TERMS:
            app.send("ctrl+f")
            app.drain(0.15)
            typed = ""
            steps = [term] if enter else list(term)
            for ch in steps:
                before_rows = tuple(app.rows())
                typed += ch
                total, numbers = expect.window(typed)
                prev = expect.window(typed[:-len(ch)])
                changes = (total, numbers) != prev or not numbers  # a no-hit message names the term
                f0, h0 = app.frames, len(app.history)
                t0 = app.send(ch.encode())
                if not enter:
                    echoes.append(app.wait(lambda t=typed: t in app.lines()[3], what="the echo") - t0)
                if enter:
                    app.wait(lambda t=typed: t in app.lines()[3], what="the echo")
                    t0 = app.send("enter")
                    f0, h0 = app.frames, len(app.history)
                if changes:
                    t1 = app.wait(expect.shown(app, typed), what=f"the list of {typed!r}")
                    latencies.append(t1 - t0)
                    counted += 1
                    after = tuple(app.rows())
                    if app.frames - f0 > 1:
                        multi += 1
                    if any(rows not in (before_rows, after, ()) for rows in app.history[h0:]):
                        flashes += 1
                app.drain(0.25)  # let a debounce or a late result come (and be seen, if stale)
                if not expect.shown(app, typed)():
                    raise SystemExit(f"after {typed!r} the screen shows something else:\n{app.text()}")
            app.send("ctrl+f")
            app.send("ctrl+u")
            app.wait(expect.shown(app, ""), what="the cleared list")
            app.drain(0.25)
            app.send("enter")  # back to the table
            app.drain(0.15)
    return latencies, echoes, multi, flashes


def measure_move(app: App, expect: Expect, key: str, offset: int, want_no: int) -> tuple[float, int, bool]:
    """Press ``key``; wait for the window at ``offset`` with the cursor on No. ``want_no``."""
    before = tuple(app.rows())
    f0, h0 = app.frames, len(app.history)
    total, numbers = expect.window("", offset)
    t0 = app.send(key)

    def done() -> bool:
        return app.cursor_no() == f"{want_no}" and any(r.startswith(f"{want_no} ") for r in app.rows())
    t1 = app.wait(done, what=f"No. {want_no} highlighted after {key}")
    after = tuple(app.rows())
    flash = any(rows not in (before, after, ()) for rows in app.history[h0:])
    app.drain(0.2)
    if app.cursor_no() != f"{want_no}" or tuple(app.rows()) != after:
        flash = True  # it moved again after the key's frame
    return t1 - t0, app.frames - f0, flash


def bench_list(args, db, home, expect) -> None:
    app = spawn(db, home, args.tree)
    try:
        log_in(app, expect)
        app.drain(0.3)
        only = args.only
        if "type" in only or "enter" in only:
            floors = []
            for _ in range(args.rounds):
                for term in TERMS:
                    for k in range(1, len(term) + 1):
                        t = time.perf_counter()
                        expect.contracts.count(expect.session, "all", term[:k])
                        expect.contracts.page(expect.session, "all", term[:k], 0, PAGE)
                        floors.append(time.perf_counter() - t)
            print(f"  floor: each prefix's count + first window in process (the services' SQL): {fmt(floors)}")
        if "type" in only:
            lat, echoes, multi, flashes = type_keys(app, expect, args.rounds, enter=False)
            print(f"search as you type, key -> list updated: {fmt(lat)}; more than one frame {multi}, flashes {flashes}")
            print(f"  floor: key -> its character shown in 検索 (the app's own frame): {fmt(echoes)}")
        if "type" in only:  # a term arriving in one read (a paste, a slow link): only its list counts
            lat = []
            for _ in range(args.rounds):
                for term in TERMS[1:]:
                    app.send("ctrl+f")
                    app.drain(0.15)
                    t0 = app.send(term.encode())
                    lat.append(app.wait(expect.shown(app, term), what=f"the list of {term!r}") - t0)
                    app.drain(0.25)
                    app.send("ctrl+u")
                    app.wait(expect.shown(app, ""), what="the cleared list")
                    app.drain(0.25)
                    app.send("enter")
                    app.drain(0.15)
            print(f"search, a whole term in one burst -> its list: {fmt(lat)}")
        if "enter" in only:
            lat, _, multi, flashes = type_keys(app, expect, args.rounds, enter=True)
            print(f"search, term + Enter -> list updated:     {fmt(lat)}; more than one frame {multi}, flashes {flashes}")
        if "page" in only:
            f8, frames8, flash8 = [], [], 0
            for _ in range(args.rounds * 2):
                t, frames, flash = measure_move(app, expect, "f8", PAGE, PAGE + 1)
                f8.append(t)
                frames8.append(frames)
                flash8 += flash
                app.send("f7")
                app.wait(expect.shown(app, "", 0), what="back to the first window")
                app.send("home")  # cursor back to No. 1 (F7 may leave it elsewhere)
                app.drain(0.2)
            print(f"F8 next window (cursor on its first row):  {fmt(f8)}; frames {sorted(frames8)}, flashes {flash8}")
        if "page" in only or "edge" in only:
            floor = []
            for _ in range(args.rounds * 2):
                app.send("home")
                app.wait(lambda: app.cursor_no() == "1", what="No. 1")
                app.drain(0.2)
                t, _, _ = measure_move(app, expect, "down", 0, 2)
                floor.append(t)
            app.send("home")
            app.drain(0.2)
            print(f"  floor: ↓ inside a window (no query):       {fmt(floor)}")
        if "edge" in only:
            for key, start_key in (("down", None), ("pagedown", None)):
                lat, frames_all, flashes = [], [], 0
                for _ in range(args.rounds * 2):
                    app.send("end")  # cursor on No. 50, the window's last row
                    app.wait(lambda: app.cursor_no() == f"{PAGE}", what="No. 50")
                    app.drain(0.2)
                    want = PAGE + 1 if key == "down" else None
                    if key == "pagedown":
                        want = PAGE + len(app.rows())  # one screenful further (DataTable's PageDown)
                    try:
                        t, frames, flash = measure_move(app, expect, key, 0, want)
                    except SystemExit as e:
                        print(f"  {key} at No. 50 did not reach No. {want}: {str(e).splitlines()[0]}")
                        app.send("ctrl+q" if False else "home")
                        break
                    lat.append(t)
                    frames_all.append(frames)
                    flashes += flash
                    app.send("f7")
                    app.drain(0.3)
                    app.send("home")
                    app.drain(0.2)
                if lat:
                    print(f"{key:8} at the window's last row -> No. {want} highlighted: {fmt(lat)}; "
                          f"frames {sorted(frames_all)}, flashes {flashes}")
    finally:
        app.close()


def bench_rss(args, db, home, expect) -> None:
    bare = App([PYTHON, str(ROOT / "benchmarks" / "_bare_app.py")], clean_env())
    try:
        bare.wait(lambda: "BARE-APP-READY" in bare.text(), what="the bare app")
        bare.drain(0.5)
        bare_rss, bare_hwm = bare.rss()
    finally:
        bare.close()
    app = spawn(db, home, args.tree)
    try:
        log_in(app, expect)
        app.drain(0.5)
        rss, hwm = app.rss()
        print(f"memory: bare Textual app {bare_rss / 1024:.1f} MiB; after log-in RSS {rss / 1024:.1f} MiB, "
              f"peak {hwm / 1024:.1f} MiB")
        ops = 0
        cycle = [("ctrl+f", ""), ("河川", "河川"), ("ctrl+u", ""), ("enter", ""), ("f8", None), ("f7", None),
                 ("down", None), ("up", None)]
        points = []
        while ops < args.ops:
            for key, text in cycle:
                app.send(key)
                if text is not None:
                    app.drain(0.02)
                else:
                    app.drain(0.02)
                ops += 1
            if ops % 200 < len(cycle):
                app.drain(0.5)
                rss, hwm = app.rss()
                points.append((ops, rss, hwm))
                print(f"  after {ops:5} operations: RSS {rss / 1024:6.1f} MiB  peak {hwm / 1024:6.1f} MiB"
                      f"  ({rss / bare_rss:.2f}× bare)")
        if len(points) >= 2:
            (o1, r1, _), (o2, r2, _) = points[0], points[-1]
            print(f"  growth: {(r2 - r1) / max(1, o2 - o1):.1f} KiB per operation from {o1} to {o2}")
    finally:
        app.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contracts", type=int, default=100_000)
    ap.add_argument("--home", help="reuse this folder (its esurety.sqlite3 must hold the contracts)")
    ap.add_argument("--tree", help="measure the esurety_tui package in this folder (PYTHONPATH)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--logins", type=int, default=5)
    ap.add_argument("--ops", type=int, default=1000)
    ap.add_argument("--only", default="login,type,enter,page,edge,rss")
    args = ap.parse_args()
    args.only = set(args.only.split(","))
    if args.tree:
        args.tree = str(Path(args.tree).resolve())
    made = None
    if args.home:
        home = Path(args.home)
    else:
        t = time.perf_counter()
        home = made = demo_home(args.contracts)
        print(f"demo data + {args.contracts:,} contracts: {time.perf_counter() - t:.1f} s")
    db = home / "esurety.sqlite3"
    app_home = Path(os.environ.get("TMPDIR", "/tmp")) / f"esurety-list-bench-{os.getpid()}"
    app_home.mkdir(exist_ok=True)
    try:
        expect = Expect(db)
        print(f"database {db} ({expect.window('')[0]:,} contracts of 〇〇建設 as the service counts them)"
              f"{'; code from ' + args.tree if args.tree else ''}")
        if "login" in args.only:
            bench_login(args, db, app_home, expect)
        if args.only & {"type", "enter", "page", "edge"}:
            bench_list(args, db, app_home, expect)
        if "rss" in args.only:
            bench_rss(args, db, app_home, expect)
    finally:
        shutil.rmtree(app_home, ignore_errors=True)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


if __name__ == "__main__":
    main()
