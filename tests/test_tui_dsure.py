"""D-Sure in the app: from ログイン (F5), number + key → the certificate; the lock-out; the download."""

from __future__ import annotations

from esurety_tui.store.models import DSureView
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.dsure import DSureCertificateScreen, DSureLoginScreen
from tests.helpers.pilot import screen_text, settle, type_text

SEED, KEY = "35072-00000M", "Z28YUE4J3Bux"


async def _open_dsure(pilot, app) -> None:
    await settle(pilot, app)
    await pilot.press("f5")
    await settle(pilot, app)
    assert isinstance(app.screen, DSureLoginScreen)


async def _try(pilot, app, number: str, key: str) -> None:
    field = app.screen.query_one("#dsure-number")
    field.value = ""
    field.focus()
    await type_text(pilot, number)
    await pilot.press("enter")
    await type_text(pilot, key)
    await pilot.press("enter")
    await settle(pilot, app)


async def test_login_f5_number_and_key_show_the_certificate(demo_db, tmp_path):
    app = NetDeskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dsure(pilot, app)
        text = screen_text(app)
        assert "保証確認サービス(D・Sure)" in text and "ログアウト" not in text and "全体トップへ" not in text
        await _try(pilot, app, SEED, KEY)
        assert isinstance(app.screen, DSureCertificateScreen)
        text = screen_text(app)
        assert "前払金保証書（新規）" in text and SEED in text and "20,000,000円" in text
        assert KEY not in text
        assert DSureView.select().count() >= 1
        await pilot.press("f5")
        await settle(pilot, app)
        assert app.last_export is not None and app.last_export.read_bytes().startswith(b"%PDF")
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DSureLoginScreen)
        assert app.screen.query_one("#dsure-key").value == ""


async def test_five_wrong_keys_lock_the_number_in_the_app(demo_db):
    app = NetDeskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dsure(pilot, app)
        await _try(pilot, app, SEED, "Z28YUE4J3Bu2")
        first = app.screen.query_one("#dsure-message").render()
        for _ in range(4):
            await _try(pilot, app, SEED, "Z28YUE4J3Bu2")
        await _try(pilot, app, SEED, KEY)  # locked: the right key is refused with the same message
        assert isinstance(app.screen, DSureLoginScreen)
        assert str(app.screen.query_one("#dsure-message").render()) == str(first)
        assert "しばらく確認できなくなります" in screen_text(app)


# --- 電子保証概要: 発注者へ提出, 閲覧履歴, paper and cancelled guarantees ----------------------------


async def test_submit_to_orderer_from_the_detail_mails_the_notice(demo_session):
    import io

    from pypdf import PdfReader

    from esurety_tui.store.models import Mail

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_contract(SEED)
        await settle(pilot, app)
        assert "閲覧履歴" in screen_text(app)
        await pilot.press("f7")
        await settle(pilot, app)
        field = app.screen.query_one("#submit-to")
        field.value = ""
        await type_text(pilot, "keiyaku@city.kawasaki.example.jp")
        await pilot.press("enter")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "DetailScreen"
    m = Mail.select().order_by(Mail.id.desc()).first()
    assert m.to == "keiyaku@city.kawasaki.example.jp" and m.attachment
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(m.attachment))).pages)
    assert KEY in text and KEY not in m.body and SEED in m.body


async def test_the_detail_lists_dsure_views(demo_session):
    from esurety_tui.services import dsure

    dsure.view(SEED, KEY, who="川崎市長 契約課")
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot, app)
        app.open_contract(SEED)
        await settle(pilot, app)
        assert "2026/11/24 10:00  第1版  川崎市長 契約課" in screen_text(app)


async def test_a_paper_guarantee_is_no_electronic_overview(demo_session):
    from esurety_tui.store.models import Guarantee

    paper = Guarantee.get(Guarantee.electronic == False, Guarantee.company == demo_session.company_id)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_contract(paper.number)
        await settle(pilot, app)
        text = screen_text(app)
        assert "保証契約概要" in text and "電子保証概要" not in text
        assert "印刷" not in text and "コピー" not in text and "発注者へ提出" not in text
        assert "電子保証" not in text.split("保証証書情報", 1)[1]


async def test_a_cancelled_guarantee_says_取消_and_offers_no_notice(demo_session):
    from esurety_tui.store.models import Guarantee

    g = Guarantee.get(Guarantee.cancelled == True)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_contract(g.number)
        await settle(pilot, app)
        text = screen_text(app)
        assert "【取消】" in text and "F5 印刷" not in text and "発注者へ提出" not in text
        await pilot.press("f5")
        await settle(pilot, app)
        assert app.last_export is None
