"""Helpers shared by the benchmark scripts (not a test module; nothing here is timed by pytest).

- ``run_in_pty``: spawn a command under a pseudo-terminal (80x24), read its output and note the
  time at which given byte strings first appear (how a terminal sees the first paint).
- ``importtime``: parse ``-X importtime`` / ``PYTHONPROFILEIMPORTTIME`` lines.
- ``demo_home``: a temporary ESURETY_HOME with a demo database.
- ``Terminal``: the app on an 80×24 pty read back through the pyte terminal emulator; ``Expect``: what
  the list should show (from the services on the same database); ``log_in``, ``type_keys``,
  ``measure_move``: the key sequences of 全体トップ timed from the key written to the screen drawn.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
ESURETY = str(BIN / "esurety") if (BIN / "esurety").exists() else None

IMPORT_LINE = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


# Byte-code cache of the measured programs. An installed package has its .pyc files (pip compiles
# them); a checkout run with PYTHONDONTWRITEBYTECODE=1 would recompile esurety_tui at every start
# while Textual's .pyc files come from site-packages, which is neither realistic nor symmetric.
# A private prefix caches every module the same way and writes nothing into the source tree.
PYCACHE = Path(tempfile.gettempdir()) / "esurety-bench-pycache"
NEUTRAL_CWD = Path(tempfile.gettempdir()) / "esurety-bench-cwd"  # the programs run here (see run_in_pty)
NEUTRAL_CWD.mkdir(exist_ok=True)


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without anything that changes Textual's or the app's behaviour."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "ESURETY_", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"))
    }
    env.update(
        TERM="xterm-256color", COLORTERM="truecolor", LANG=env.get("LANG", "C.UTF-8"), PYTHONPYCACHEPREFIX=str(PYCACHE)
    )
    env.update(extra)
    return env


@dataclass
class PtyRun:
    seen: dict[bytes, float] = field(default_factory=dict)  # marker -> seconds after spawn
    exited: float | None = None  # seconds after spawn
    returncode: int | None = None
    output: bytes = b""


def run_in_pty(
    argv: list[str],
    markers: list[bytes],
    env: dict[str, str],
    *,
    quit_after: bytes | None,
    quit_keys: bytes = b"\x11",
    timeout: float = 60.0,
    size: tuple[int, int] = (24, 80),
    cwd: str | None = None,
) -> PtyRun:
    """Run ``argv`` on a new pty of ``size`` (rows, cols); time when each marker first shows.

    Once ``quit_after`` has been seen, ``quit_keys`` (ctrl+q) are typed; the run ends when the
    child exits (or is killed after ``timeout``). The child runs in ``cwd`` (default: a neutral
    temporary folder), never in the checkout: ``python -m``/``-c`` put the working folder first on
    sys.path, which would import the checkout instead of the package being measured."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
        cwd=cwd or NEUTRAL_CWD,
    )
    os.close(slave)
    result = PtyRun()
    buf = bytearray()
    quit_sent = False
    deadline = t0 + timeout
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            r, _, _ = select.select([master], [], [], 0.005)
            if r:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the pty
                    chunk = b""
                if not chunk:
                    if proc.poll() is not None:
                        break
                    continue
                buf += chunk
                t = time.perf_counter() - t0
                for m in markers:
                    if m not in result.seen and m in buf:
                        result.seen[m] = t
                if quit_after is not None and not quit_sent and quit_after in result.seen:
                    os.write(master, quit_keys)
                    quit_sent = True
            elif proc.poll() is not None:
                break
    finally:
        result.returncode = proc.wait()
        result.exited = time.perf_counter() - t0
        os.close(master)
    result.output = bytes(buf)
    return result


def importtimes(stderr: bytes) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, depth) in order of the lines."""
    return [
        (m.group(4).decode(), int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2)
        for m in IMPORT_LINE.finditer(stderr)
    ]


def print_top_imports(rows: list[tuple[str, int, int, int]], n: int = 15, title: str = "") -> None:
    total_top = sum(cum for _, _, cum, depth in rows if depth == 0)
    print(f"  {title}top {n} imports by cumulative time (top-level total {total_top / 1000:.1f} ms):")
    for name, self_us, cum, depth in sorted(rows, key=lambda r: -r[2])[:n]:
        print(f"    {cum / 1000:8.1f} ms cum {self_us / 1000:7.1f} ms self  {'  ' * min(depth, 6)}{name}")


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  min {min(values) * 1000:7.1f} ms"


def demo_home(contracts: int = 0, seed: int = 1, **env: str) -> Path:
    """A fresh temporary ESURETY_HOME holding a demo database (and ``contracts`` synthetic ones);
    ``env``: more environment for the `esurety demo` run (e.g. PYTHONPATH)."""
    home = Path(tempfile.mkdtemp(prefix="esurety-bench-"))
    argv = [PYTHON, "-m", "esurety_tui", "demo", "--seed", str(seed)]
    if contracts:
        argv += ["--contracts", str(contracts)]
    subprocess.run(
        argv, env=clean_env(ESURETY_HOME=str(home), **env), check=True, stdout=subprocess.DEVNULL, cwd=NEUTRAL_CWD
    )
    return home


# --- 全体トップ in a real terminal (pty + pyte) ---------------------------------------------------

TERMS = ("河", "河川", "河川維持", "35072", "ZZZZ")
PAGE = 50
KEYS = {
    "enter": b"\r",
    "ctrl+f": b"\x06",
    "ctrl+u": b"\x15",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "ctrl+q": b"\x11",
    "end": b"\x1b[1;5F",
    "home": b"\x1b[1;5H",
}  # ctrl+end / ctrl+home: the table's last / first row
SYNC_QUERY, SYNC_SUPPORTED = b"\x1b[?2026$p", b"\x1b[?2026;2$y"
SYNC_BEGIN, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
ROW_NO = re.compile(r"^ (\d[\d,]*)\s")


class Terminal:
    """The app on a pty, its screen in pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pyte

        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
            cwd=NEUTRAL_CWD,
        )
        os.close(slave)
        self.frames = 0  # frames the app wrote so far
        self._partial = b""  # the start of a frame not yet complete
        self.history: list[tuple[str, ...]] = []  # the table's rows after each frame (for flashes)
        self.frame_times: list[float] = []  # when each frame of ``history`` was read
        self.frame_cursor: list[str | None] = []  # the highlighted row's No. in each frame

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
            self.frame_times.append(t)
            self.frame_cursor.append(self.cursor_no())
        if SYNC_BEGIN not in self._partial:  # output outside frames (before the first one)
            self.stream.feed(self._partial)
            self._partial = b""
            return t
        return t if frames else False

    def wait(self, cond, timeout: float = 30.0, what: str = "") -> float:
        """The time the chunk that made ``cond()`` true was read (already true: the last frame's, not
        the time this process spent reading the screen since, e.g. a list that came in the echo's frame)."""
        if cond():
            return self.frame_times[-1] if self.frame_times else time.perf_counter()
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
    return (
        f"p50 {p(values, 0.5) * 1000:6.1f} ms  p95 {p(values, 0.95) * 1000:6.1f} ms  "
        f"max {max(values) * 1000:6.1f} ms  (n={len(values)})"
    )


class Expect:
    """What the list should show, from the services on the same database (a file or a server URL),
    opened in this process; ``sql``/``window_sql`` time the services' own queries (the floors)."""

    def __init__(self, db: Path | str) -> None:
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

    def sql(self, text: str, offset: int = 0) -> float:
        """Seconds for the count and the window of ``text`` at ``offset`` (what the screen's list thread runs)."""
        t = time.perf_counter()
        self.contracts.count(self.session, "all", text)
        self.contracts.page(self.session, "all", text, offset, PAGE)
        return time.perf_counter() - t

    def window_sql(self, text: str, offset: int) -> float:
        """Seconds for the window alone (a page move whose count is known)."""
        t = time.perf_counter()
        self.contracts.page(self.session, "all", text, offset, PAGE)
        return time.perf_counter() - t

    def shown(self, app: Terminal, text: str, offset: int = 0):
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


def spawn(db: Path | str, home: Path, tree: str | None = None, profile: Path | None = None) -> Terminal:
    """The app on a new pty, with ``db`` as its database (never the calling shell's ESURETY_*);
    ``profile``: under cProfile, which writes that file when the app exits."""
    env = clean_env(ESURETY_HOME=str(home), ESURETY_DATABASE=str(db))
    if tree:
        env["PYTHONPATH"] = tree
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
    return Terminal([PYTHON, *prefix, "-m", "esurety_tui"], env)


def log_in(app: Terminal, expect: Expect, cpu: list[float] | None = None) -> float:
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


def type_keys(
    app: Terminal, expect: Expect, rounds: int, enter: bool, floor=None
) -> tuple[list[float], list[float], int, int]:
    """Search as you type (or term + Enter: the term and Enter in one write, as a paste or a fast
    typist's burst arrives, timed to the term's list); returns (latencies, echo latencies (the key's
    character shown in 検索), frames > 1, flashes). ``floor(text)`` is called after each counted key, once the
    app is quiet: the caller times its floor there, interleaved with the figure."""
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
                prev = expect.window(typed[: -len(ch)])
                changes = (total, numbers) != prev or not numbers  # a no-hit message names the term
                f0, h0 = app.frames, len(app.history)
                t0 = app.send(ch.encode() + (b"\r" if enter else b""))
                if not enter:
                    echoes.append(app.wait(lambda t=typed: t in app.lines()[3], what="the echo") - t0)
                if changes:
                    # The term's list, in a frame drawn after the key with the term in 検索: a capped
                    # count (「1,000件以上 1〜50件」) and the same first row can look alike for 河 and 河川.
                    shown = expect.shown(app, typed)
                    t1 = app.wait(
                        lambda shown=shown, t=typed, f0=f0: app.frames > f0 and t in app.lines()[3] and shown(),
                        what=f"the list of {typed!r}",
                    )
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
                if changes and floor is not None:
                    floor(typed)
            app.send("ctrl+f")
            app.send("ctrl+u")
            app.wait(expect.shown(app, ""), what="the cleared list")
            app.drain(0.25)
            app.send("enter")  # back to the table
            app.drain(0.15)
    return latencies, echoes, multi, flashes


def measure_move(app: Terminal, expect: Expect, key: str, offset: int, want_no: int) -> tuple[float, int, bool]:
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
