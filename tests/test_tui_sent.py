"""The contractor sees what happened: 申込一覧 → a sent application, read-only, with its 手続状況, the
branch's 謝絶 reason, and the 保証契約番号 leading to 電子保証概要."""

from __future__ import annotations

import pytest

from esurety_tui.services import applications
from esurety_tui.services.errors import InvalidState, NotFound
from esurety_tui.store.models import Application
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.drafts import DraftsScreen
from esurety_tui.tui.screens.sent import SentApplicationScreen
from tests.conftest import session_of
from tests.helpers.pilot import screen_text, settle


async def _open_row(pilot, app, work_name: str) -> None:
    app.push_screen(DraftsScreen())
    await settle(pilot, app)
    screen = app.screen
    row = next(r for r in screen.listed.values() if r.work_name == work_name)
    table = screen.query_one("#drafts")
    table.move_cursor(row=table.get_row_index(str(row.id)))
    await pilot.press("enter")
    await settle(pilot, app)


async def test_a_refused_application_opens_read_only_with_the_reason(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await _open_row(pilot, app, "辻堂海浜公園トイレ改築工事")
        assert isinstance(app.screen, SentApplicationScreen)
        text = screen_text(app)
        assert "手続状況" in text and "謝絶" in text
        assert "財務内容の確認資料が不足しているため" in text
        assert "F9" not in text.splitlines()[-1]  # no 送信 key
        await pilot.press("f9")  # no 送信 here
        await settle(pilot, app)
        assert isinstance(app.screen, SentApplicationScreen)


async def test_a_sent_application_shows_its_progress(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await _open_row(pilot, app, "多摩川河川敷運動施設整備工事")
        text = screen_text(app)
        assert "送信済 → 審査中 → 引受 → 発行済" in text.replace(" 送信済 ", "送信済")
        assert "多摩川河川敷運動施設整備工事" in text and "保証契約番号" not in text.split("請負工事の情報")[0]


async def test_an_issued_application_leads_to_its_contracts(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await _open_row(pilot, app, "河川維持（〇〇）工事")
        text = screen_text(app)
        assert "35072-00000M" in text and "発行済" in text
        assert app.screen.focused is app.screen.query_one("#sent-numbers")
        await pilot.press("enter")
        for _ in range(50):  # bounded: until 電子保証概要 has loaded
            await settle(pilot, app)
            if type(app.screen).__name__ == "DetailScreen" and "35072-00000M" in screen_text(app):
                break
        assert type(app.screen).__name__ == "DetailScreen" and "35072-00000M" in screen_text(app)


def test_sent_detail_is_the_contractors_own_and_not_a_draft(demo_db):
    demo, demo2 = session_of("demo"), session_of("demo2")
    refused = Application.get(Application.status == "謝絶")
    d = applications.sent_detail(demo, refused.id)
    assert d.status == "謝絶" and d.refusal_reason.startswith("財務内容")
    assert d.values["work_name"] == "辻堂海浜公園トイレ改築工事"
    with pytest.raises(NotFound):
        applications.sent_detail(demo2, refused.id)
    draft = Application.get(Application.status == "作成中", Application.company == demo.company_id)
    with pytest.raises(InvalidState):
        applications.sent_detail(demo, draft.id)
    seed = Application.get(Application.work_name == "河川維持（〇〇）工事")
    assert [g.number for g in applications.sent_detail(demo, seed.id).guarantees][0] == "35072-00000M"


async def test_f8_on_the_form_lists_the_orderers_that_accept_electronic(demo_session):
    from esurety_tui.tui.screens.orderers import ElectronicOrderersScreen

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.new_application()
        await settle(pilot, app)
        assert "F8 電子保証対応の発注者はこちら" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot, app)
        assert isinstance(app.screen, ElectronicOrderersScreen)
        text = screen_text(app)
        assert "川崎市長" in text and "横浜市長" in text and "相模原市長" not in text
        await pilot.press("escape")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "ApplicationScreen"
