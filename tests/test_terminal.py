"""The real app in a pty (80×24): typed-ahead bursts, Ctrl+Q, SIGHUP/SIGTERM and a terminal that goes away.

Each burst is one write, so the app reads it as one chunk, as after a stall on an SSH link or a paste."""

from __future__ import annotations

import signal

import pytest

from esurety_tui.services.auth import WRONG_LOGIN
from tests.helpers.terminal import CTRL_F, CTRL_Q, TAB, Terminal


@pytest.fixture
def term(demo_template, tmp_path):
    t = Terminal(demo_template, tmp_path)
    yield t
    t.close()


def test_keys_after_enter_in_one_burst_reach_the_password_field(term):
    term.wait_for("ようこそ")
    term.send("demo\rpw12\r")  # the password typed ahead of the focus change
    term.wait_for(WRONG_LOGIN)
    assert b"demopw12" not in term.seen  # never shown in clear text in ログインID
    term.send("demo\r")  # ログインID still holds "demo"; パスワード has the focus
    term.wait_for("全体トップ")


def test_keys_after_ctrl_f_in_one_burst_go_to_the_search_box(term):
    term.log_in()
    term.send(CTRL_F + "河川\r")
    term.wait_for("河川")
    term.read(2.0)
    assert "電子保証概要".encode() not in term.seen  # Enter did not open a contract from the table
    mark = len(term.seen)
    term.send("\r")  # the search is done and the list has the focus: Enter opens the first hit
    term.wait_for("電子保証概要", since=mark)
    term.wait_for("河川", since=mark)  # the hit opened is a 河川 contract (may come in the same write)


def test_ctrl_q_in_the_same_burst_as_typing_keeps_the_typed_text(term):
    term.log_in()
    term.open_new_form()
    term.send(TAB + "終了テスト工事" + CTRL_Q)
    assert term.wait_exit(30)[0] == 0
    assert "終了テスト工事" in term.drafts()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_saves_the_draft_and_restores_the_terminal(term, sig):
    term.log_in()
    term.open_new_form()
    term.send(TAB + "切断テスト工事")
    term.wait_for("切断テスト工事")  # on screen; signalled sooner than the form's debounced save
    term.proc.send_signal(sig)
    code, after = term.wait_exit(20)
    assert code == 128 + sig
    # out of the alternate screen, mouse reporting and bracketed paste off, cursor shown
    for sequence in (b"\x1b[?1049l", b"\x1b[?1000l", b"\x1b[?1003l", b"\x1b[?2004l", b"\x1b[?25h"):
        assert sequence in after, sequence
    assert "切断テスト工事" in term.drafts()


def test_a_closed_terminal_saves_the_draft_and_exits(term):
    """The pty's master closes under the app, no SIGHUP (the pty is not its controlling terminal)."""
    term.log_in()
    term.open_new_form()
    term.send(TAB + "閉じた端末工事")
    term.wait_for("閉じた端末工事")
    term.close_master()
    assert term.proc.wait(timeout=10) == 128 + signal.SIGHUP  # gone within a few seconds (10 s: a loaded CI box)
    assert "閉じた端末工事" in term.drafts()
