"""Profiles for the rows that miss their goal (run.py --profile): where the time goes.

- In process (the PDF): cProfile around the same calls.
- A command (esurety key): the command under ``python -m cProfile``, plus ``-X importtime``.
- The app on a pty (search, Enter, F8, ↓, log-in): the app under ``python -m cProfile -o FILE``
  doing the row's keys once, then quitting with ctrl+q. cProfile sees the main thread, i.e. the
  event loop (Textual's layout, rendering, messages); the list thread's SQL is the row's floor.

Each prints the top functions by own time and the app's own functions by cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import subprocess
import tempfile
from pathlib import Path

from _common import NEUTRAL_CWD, PYTHON, importtimes

IDLE = (
    "'poll' of 'select.epoll'",
    "'acquire' of '_thread.lock'",
    "'select' of 'select.epoll'",
    "{built-in method time.sleep}",
)


def top(stats: pstats.Stats, n: int = 10, indent: str = "      ") -> str:
    """Top ``n`` by own time, then the esurety_tui functions by cumulative time."""
    out = []
    for title, key, restrict in (
        ("by own time", "tottime", ()),
        ("esurety_tui by cumulative time", "cumulative", ("esurety_tui",)),
    ):
        buf = io.StringIO()
        stats.stream = buf
        stats.sort_stats(key).print_stats(*restrict, n + 4)
        lines = [line for line in buf.getvalue().splitlines() if line.strip()]
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), None)
        if start is None:
            continue
        total = next((line.strip() for line in lines if "function calls" in line), "")
        out.append(f"{indent}{title} ({total}; waiting in epoll / on locks left out):")
        out += [indent + "  " + line.strip() for line in lines[start:] if not any(idle in line for idle in IDLE)][
            : n + 1
        ]
    return "\n".join(out)


def in_process(fn, repeat: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        fn()
    prof.disable()
    return top(pstats.Stats(prof))


def command(argv_tail: list[str], env: dict[str, str]) -> str:
    """``python -m cProfile`` and ``-X importtime`` of ``python -m esurety_tui <argv_tail>``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "prof"
        subprocess.run(
            [PYTHON, "-m", "cProfile", "-o", str(out), "-m", "esurety_tui", *argv_tail],
            env=env,
            capture_output=True,
            check=True,
            cwd=NEUTRAL_CWD,
        )
        text = top(pstats.Stats(str(out)), 8)
    r = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "esurety_tui", *argv_tail],
        env=env,
        capture_output=True,
        check=True,
        cwd=NEUTRAL_CWD,
    )
    rows = importtimes(r.stderr)
    total = sum(cum for _, _, cum, depth in rows if depth == 0)
    lines = [
        f"      imports (-X importtime), {total / 1000:.1f} ms at top level; the heaviest at any depth "
        "(cumulative, depth indented):"
    ]
    for name, _self, cum, depth in sorted(rows, key=lambda r: -r[2])[:12]:
        lines.append(f"        {cum / 1000:7.1f} ms  {'  ' * min(depth, 6)}{name}")
    return text + "\n" + "\n".join(lines)


def app_under_cprofile(drive, spawn_profiled) -> str:
    """``spawn_profiled(path)`` starts the app under cProfile writing ``path``; ``drive(app)`` types
    the row's keys; the app is closed (ctrl+q) so that cProfile writes its file."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "prof"
        app = spawn_profiled(out)
        try:
            drive(app)
        finally:
            app.close()
        if not out.exists():
            return "      (the profiled app did not write its profile)"
        return top(pstats.Stats(str(out)), 12)


def query_plans(expect, texts: list[str]) -> str:
    """How the database runs the list's count and window for each term: the statements the services
    actually execute (caught from peewee's query log), each with its plan."""
    import logging

    from esurety_tui.store.db import database, is_sqlite

    caught: list[tuple[str, tuple]] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple) and len(record.msg) == 2:
                caught.append((record.msg[0], tuple(record.msg[1] or ())))

    log = logging.getLogger("peewee")
    handler, level = Catch(), log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    out = []
    try:
        for text in texts:
            caught.clear()
            expect.sql(text)
            for sql, params in list(caught):
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                prefix = "EXPLAIN QUERY PLAN " if is_sqlite() else "EXPLAIN "
                try:
                    plan = [str(row[-1]).strip() for row in database.execute_sql(prefix + sql, params).fetchall()]
                except Exception as e:
                    plan = [f"(no plan: {e})"]
                out.append(
                    f"      {text!r}: {sql[:90]}{'…' if len(sql) > 90 else ''}\n        plan: " + " / ".join(plan)
                )
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    return "\n".join(out)
