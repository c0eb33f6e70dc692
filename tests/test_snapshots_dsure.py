"""SVG snapshots (80×24) of D-Sure: the number + key page, a refusal, and the certificate."""

from __future__ import annotations

from esurety_tui.tui.app import NetDeskApp
from tests.helpers.pilot import settle, type_text

SIZE = (80, 24)


async def _number_and_key(pilot, number: str, key: str) -> None:
    await settle(pilot, pilot.app)
    await pilot.press("f5")
    await settle(pilot, pilot.app)
    await type_text(pilot, number)
    await pilot.press("enter")
    await type_text(pilot, key)
    await pilot.press("enter")
    await settle(pilot, pilot.app)


def test_dsure_login(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f5")
        await settle(pilot, pilot.app)

    assert snap_compare(NetDeskApp(), terminal_size=SIZE, run_before=run_before)


def test_dsure_refused(snap_compare, demo_db):
    async def run_before(pilot):
        await _number_and_key(pilot, "35072-00000M", "Z28YUE4J3Bu2")

    assert snap_compare(NetDeskApp(), terminal_size=SIZE, run_before=run_before)


def test_dsure_certificate(snap_compare, demo_db):
    async def run_before(pilot):
        await _number_and_key(pilot, "35072-00000M", "Z28YUE4J3Bux")

    assert snap_compare(NetDeskApp(), terminal_size=SIZE, run_before=run_before)


def test_submit_to_orderer_dialog(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.open_contract("35072-00000M")
        await settle(pilot, pilot.app)
        await pilot.press("f7")
        await settle(pilot, pilot.app)

    assert snap_compare(NetDeskApp(session=demo_session), terminal_size=SIZE, run_before=run_before)


def _sent(work_name: str):
    from esurety_tui.store.models import Application
    from esurety_tui.tui.screens.sent import SentApplicationScreen

    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.push_screen(SentApplicationScreen(Application.get(Application.work_name == work_name).id))
        await settle(pilot, pilot.app)

    return run_before


def test_sent_application_refused(snap_compare, demo_session):
    assert snap_compare(
        NetDeskApp(session=demo_session), terminal_size=SIZE, run_before=_sent("辻堂海浜公園トイレ改築工事")
    )


def test_sent_application_issued(snap_compare, demo_session):
    assert snap_compare(NetDeskApp(session=demo_session), terminal_size=SIZE, run_before=_sent("河川維持（〇〇）工事"))


def test_electronic_orderers(snap_compare, demo_session):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.new_application()
        await settle(pilot, pilot.app)
        await pilot.press("f8")
        await settle(pilot, pilot.app)

    assert snap_compare(NetDeskApp(session=demo_session), terminal_size=SIZE, run_before=run_before)
