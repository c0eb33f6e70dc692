"""Helpers shared by the benchmark scripts (not a test module; nothing here is timed by pytest).

- ``run_in_pty``: spawn a command under a pseudo-terminal (80x24), read its output and note the
  time at which given byte strings first appear (how a terminal sees the first paint).
- ``importtime``: parse ``-X importtime`` / ``PYTHONPROFILEIMPORTTIME`` lines.
- ``demo_home``: a temporary ESURETY_HOME with a demo database.
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
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "ESURETY_", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG=env.get("LANG", "C.UTF-8"),
               PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.update(extra)
    return env


@dataclass
class PtyRun:
    seen: dict[bytes, float] = field(default_factory=dict)  # marker -> seconds after spawn
    exited: float | None = None                              # seconds after spawn
    returncode: int | None = None
    output: bytes = b""


def run_in_pty(argv: list[str], markers: list[bytes], env: dict[str, str], *, quit_after: bytes | None,
               quit_keys: bytes = b"\x11", timeout: float = 60.0, size: tuple[int, int] = (24, 80),
               cwd: str | None = None) -> PtyRun:
    """Run ``argv`` on a new pty of ``size`` (rows, cols); time when each marker first shows.

    Once ``quit_after`` has been seen, ``quit_keys`` (ctrl+q) are typed; the run ends when the
    child exits (or is killed after ``timeout``). The child runs in ``cwd`` (default: a neutral
    temporary folder), never in the checkout: ``python -m``/``-c`` put the working folder first on
    sys.path, which would import the checkout instead of the package being measured."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True, cwd=cwd or NEUTRAL_CWD)
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
    return [(m.group(4).decode(), int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2)
            for m in IMPORT_LINE.finditer(stderr)]


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
    subprocess.run(argv, env=clean_env(ESURETY_HOME=str(home), **env), check=True, stdout=subprocess.DEVNULL,
                   cwd=NEUTRAL_CWD)
    return home
