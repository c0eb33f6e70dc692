"""SVG snapshots (80×24) of the branch console: 受付一覧 and its tabs, 申込内容, 謝絶の理由, the
branch's 電子保証概要 and its 変更 form, a paper guarantee's 受取方法, 発注者 and its form."""

from __future__ import annotations

from esurety_tui.store.models import Application
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.branch.application import BranchApplicationScreen
from esurety_tui.tui.screens.branch.contract import BranchContractScreen
from tests.conftest import session_of
from tests.helpers.pilot import settle

SIZE = (80, 24)


def _app() -> NetDeskApp:
    return NetDeskApp(session=session_of("branch"))


async def _waiting(pilot) -> None:
    await settle(pilot, pilot.app)
    app_id = Application.get(Application.work_name == "多摩川河川敷運動施設整備工事").id
    pilot.app.push_screen(BranchApplicationScreen(app_id))
    await settle(pilot, pilot.app)


def test_branch_queue(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_queue_closed_tab(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f6")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_contracts_tab(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f6", "f6")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_application(snap_compare, demo_db):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_waiting)


def test_branch_refusal_reason(snap_compare, demo_db):
    async def run_before(pilot):
        await _waiting(pilot)
        await pilot.press("f6", "enter")  # empty reason: the message at the field
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_contract(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.push_screen(BranchContractScreen("35072-00000M"))
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_contract_paper(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.push_screen(BranchContractScreen("35024-00002Y"))  # 相模原市長: 証書(紙)
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_change_form(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        pilot.app.push_screen(BranchContractScreen("35072-00000M"))
        await settle(pilot, pilot.app)
        await pilot.press("f8")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_orderers(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f4")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_orderer_form(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f4")
        await settle(pilot, pilot.app)
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_branch_mails(snap_compare, demo_db):
    from esurety_tui.store.models import Guarantee, Mail

    Mail.create(
        to="keiri@maru.example",
        subject="電子保証（認証キー）発行完了のお知らせ",
        body="本文",
        guarantee=Guarantee.get(Guarantee.number == "35072-00000M"),
        status="failed",
        attempts=5,
        last_error="550 mailbox unavailable",
    )

    async def run_before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("f9")
        await settle(pilot, pilot.app)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)
