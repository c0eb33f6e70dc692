"""SVG snapshots (80×24) of ログイン, 全体トップ and its tabs, 電子保証概要, 電子保証, help, palette.

Deterministic: frozen clock (conftest), fixed keys (demo data from a seeded RNG), no cursor blink."""

from __future__ import annotations

from esurety_tui.tui.app import NetDeskApp
from tests.helpers.pilot import log_in, palette_shows, settle, type_text

SIZE = (80, 24)


def _app(session=None) -> NetDeskApp:
    return NetDeskApp(session=session)


def test_login(snap_compare, demo_db):
    assert snap_compare(_app(), terminal_size=SIZE)


def test_login_failed(snap_compare, demo_db):
    async def run_before(pilot):
        await log_in(pilot, "demo", "nope")

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_top(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_top_search(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("ctrl+f")
        await type_text(pilot, "河川")
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_top_electronic_tab(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f6")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_top_history_tab(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f6", "f6")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_detail(snap_compare, demo_session):
    async def run_before(pilot):
        pilot.app.open_contract("35072-00000M")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_detail_paper(snap_compare, demo_session):
    async def run_before(pilot):
        pilot.app.open_contract("35024-00002Y")  # 相模原市長: 証書(紙)
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_certificate(snap_compare, demo_session):
    async def run_before(pilot):
        pilot.app.open_contract("35072-00000M")
        await settle(pilot, pilot.app)
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_certificate_cancelled(snap_compare, demo_session):
    async def run_before(pilot):
        pilot.app.open_contract("35025-00002D")  # 取消
        await settle(pilot, pilot.app)
        await pilot.press("down", "enter")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_help_top(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_palette(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("ctrl+p")
        await type_text(pilot, "35072")
        await palette_shows(pilot, "35072-00000M")

    assert snap_compare(_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_too_small(snap_compare, demo_session):
    """Below 80×24 (here 60×20): the message instead of cut amounts."""

    async def run_before(pilot):
        await settle(pilot, pilot.app)

    assert snap_compare(_app(demo_session), terminal_size=(60, 20), run_before=run_before)
