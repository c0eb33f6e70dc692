"""A dropped SSH connection costs no typing: SIGHUP saves the open draft before the app exits.

Runs the real app in a pseudo-terminal (80×24), logs in, opens 申込の作成(新規), types a work name
and hangs up sooner than the form's own debounced save would fire."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

F4 = "\x1bOS"
TAB = "\t"


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def _wait_for(fd: int, text: str, seconds: float = 15) -> None:
    seen = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        seen += _drain(fd, 0.2)
        if text.encode() in seen:
            return
    raise AssertionError(f"{text!r} never appeared on the terminal")


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_saves_the_draft(demo_template, tmp_path, sig):
    db = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, db)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, ESURETY_DATABASE=str(db), ESURETY_HOME=str(tmp_path / "home"), TERM="xterm-256color")
    env.pop("ESURETY_FROZEN_TIME", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "esurety_tui"], stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        _wait_for(master, "ようこそ")
        for chunk in ("demo", "\r", "demo", "\r"):
            os.write(master, chunk.encode())
            time.sleep(0.3)
        _wait_for(master, "全体トップ")
        os.write(master, F4.encode())
        _wait_for(master, "請負工事の情報")
        time.sleep(1.0)  # the new draft is created
        os.write(master, TAB.encode())
        time.sleep(0.3)
        os.write(master, "切断テスト工事".encode())
        time.sleep(0.1)  # sooner than the form's debounced save
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 128 + sig
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)

    from esurety_tui.store.db import init_database
    from esurety_tui.store.models import Application

    init_database(str(db))
    drafts = [json.loads(a.draft).get("work_name") for a in Application.select().where(Application.status == "作成中")]
    assert "切断テスト工事" in drafts
