"""The real app in a pseudo-terminal (80×24): bytes in as a person (or a paste, or a slow link) sends
them, the screen's bytes out. For what Pilot cannot show: signals, a closing terminal, key bursts."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

F4 = "\x1bOS"
TAB = "\t"
CTRL_F = "\x06"
CTRL_Q = "\x11"


class Terminal:
    def __init__(self, demo_template: Path, tmp_path: Path) -> None:
        self.db = tmp_path / "demo.sqlite3"
        shutil.copy(demo_template, self.db)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = dict(
            os.environ, ESURETY_DATABASE=str(self.db), ESURETY_HOME=str(tmp_path / "home"), TERM="xterm-256color"
        )
        env.pop("ESURETY_FROZEN_TIME", None)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "esurety_tui"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = b""  # everything the app wrote so far

    def read(self, seconds: float) -> bytes:
        out = b""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.master >= 0:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
        self.seen += out
        return out

    def wait_exit(self, seconds: float) -> tuple[int, bytes]:
        """Wait for the app to exit while reading what it writes (an unread pty fills up and blocks the
        app's last writes, so a plain wait could hang on a busy machine); returns (code, bytes read)."""
        out = b""
        end = time.monotonic() + seconds
        while self.proc.poll() is None:
            if time.monotonic() > end:
                raise subprocess.TimeoutExpired(self.proc.args, seconds)
            out += self.read(0.05)
        return self.proc.returncode, out + self.read(0.5)

    def wait_for(self, text: str, seconds: float = 20, *, since: int | None = None) -> None:
        """Until ``text`` was written after ``since`` (an offset in ``seen``; default: from now)."""
        start = len(self.seen) if since is None else since
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.1)
            if text.encode() in self.seen[start:]:
                return
        raise AssertionError(f"{text!r} never appeared on the terminal; it shows:\n{self.screen_text()[-1500:]}")

    def screen_text(self) -> str:
        """What was written, escape sequences blanked (for failure messages)."""
        text = self.seen.decode("utf-8", "replace")
        return re.sub(r" {2,}", " ", re.sub(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)", " ", text))

    def send(self, text: str) -> None:
        """One write: the app reads it as one burst."""
        os.write(self.master, text.encode())

    def log_in(self) -> None:
        self.wait_for("ようこそ")
        self.send("demo\rdemo\r")
        self.wait_for("全体トップ")

    def open_new_form(self) -> None:
        self.send(F4)
        self.wait_for("入力すると下書きを保存")  # the form is loaded

    def close_master(self) -> None:
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.close_master()

    def drafts(self) -> list[str]:
        """work_name of every 作成中 application, read back from the database file."""
        from esurety_tui.store.db import close_database, init_database
        from esurety_tui.store.models import Application

        init_database(str(self.db))
        try:
            return [
                json.loads(a.draft).get("work_name", "")
                for a in Application.select().where(Application.status == "作成中")
            ]
        finally:
            close_database()
