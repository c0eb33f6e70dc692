"""Pilot tests of ログイン, 全体トップ, 電子保証概要, 電子保証, help and the command palette (80×24)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from esurety_tui.services import auth
from esurety_tui.services.keys import lookup_key
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.certificate import CertificateScreen
from esurety_tui.tui.screens.detail import DetailScreen
from esurety_tui.tui.screens.help import HelpScreen
from esurety_tui.tui.screens.login import LoginScreen
from esurety_tui.tui.screens.top import TopScreen
from tests.helpers.pilot import log_in, palette_shows, screen_lines, screen_text, settle, type_text, until

SIZE = (80, 24)


async def test_login_by_keyboard_shows_company_in_header(demo_db):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert "ようこそ、ネットデスクへ" in screen_text(app)
        await log_in(pilot, "demo")
        assert isinstance(app.screen, TopScreen)
        assert app.session.company_name == "〇〇建設 株式会社"
        text = screen_text(app)
        assert "〇〇建設 株式会社 様" in text
        assert "全体トップへ" in text and "ログアウト" in text


@pytest.mark.parametrize("login, password", [("demo", "wrong"), ("nobody", "demo")])
async def test_wrong_login_says_one_thing_and_keeps_login_screen(demo_db, login, password):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, login)
        await pilot.press("enter")
        await type_text(pilot, password)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert auth.WRONG_LOGIN in screen_text(app)
        assert app.screen.query_one("#password").value == ""


async def test_search_narrows_list_and_hides_other_company(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = app.screen.window.total
        await pilot.press("ctrl+f")
        await type_text(pilot, "河川")
        await until(pilot, lambda: app.screen.window.total < before, what="the list narrowed to 河川")
        top = app.screen
        numbers = [r.number for r in top._rows]
        assert "35072-00000M" in numbers
        assert all("河川" in r.work_name for r in top._rows)
        assert top.window.total == len(numbers) < before
        text = screen_text(app)
        assert "35072-00000M" in text and "50,000,000円" in text
        assert "鶴見川" not in text  # demo2's 鶴見川河川改修工事


async def test_open_contract_key_matches_shell_and_copy(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+f")
        await type_text(pilot, "35072")
        await pilot.press("enter")  # back to the list
        await settle(pilot, app)
        await pilot.press("enter")  # 詳細
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        key = lookup_key(SYSTEM_SESSION, "35072-00000M")
        text = screen_text(app)
        assert key in text
        for label in (
            "保証契約番号",
            "請負契約者",
            "工事名",
            "発注者名",
            "請負金額",
            "保証金額",
            "商品名",
            "預託金融機関",
        ):
            assert label in text
        assert "2023/04/03 13:00" in text and "新規" in text
        await pilot.press("f6")
        assert app.clipboard == key
        await pilot.pause()
        assert key in screen_text(app)  # still on screen after copying


async def test_print_notice_writes_pdf_with_key(demo_session, tmp_path):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        await pilot.press("f5")
        await settle(pilot, app)
        path = app.last_export
        assert path is not None and path.parent == tmp_path / "exports"
        text = "".join(p.extract_text() for p in PdfReader(path).pages)
        assert lookup_key(SYSTEM_SESSION, "35072-00000M") in text and "35072-00000M" in text
        messages = [n.message for n in app._notifications]
        assert f"PDFを保存しました: {path}" in messages  # says where it went


async def test_history_row_opens_certificate_and_back(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CertificateScreen)
        text = screen_text(app)
        assert "前払金保証書（新規）" in text and "20,000,000円" in text and "令和5年4月3日 13:00" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, TopScreen)


async def test_changed_and_corrected_history(demo_session):
    from esurety_tui.store.models import Guarantee

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        # 変更: 横浜市長's contract, amount raised; both versions listed, the detail shows the new amount
        app.open_contract("35023-00001G")
        await settle(pilot, app)
        history = app.screen.query_one("#history")
        assert [history.get_row_at(i)[2] for i in range(history.row_count)] == ["新規", "変更"]
        text = screen_text(app)
        assert "36,000,000 円" in text and "90,000,000 円" in text
        await pilot.press("f2")
        await settle(pilot, app)

        # 訂正: 預託金融機関 corrected the same day; the corrected 新規 row is gone, the detail shows the fix
        corrected = Guarantee.get(Guarantee.work_name == "等々力緑地管理棟改修工事").number
        app.open_contract(corrected)
        await settle(pilot, app)
        history = app.screen.query_one("#history")
        assert [history.get_row_at(i)[2] for i in range(history.row_count)] == ["訂正"]
        text = screen_text(app)
        assert "新丸子支店" in text and "武蔵小杉支店" not in text


async def test_tabs_switch_to_electronic_and_history(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        all_total = app.screen.window.total
        await pilot.press("f6")
        await settle(pilot, app)
        assert app.screen.window.tab == "electronic"
        assert app.screen.window.total < all_total  # the paper one (相模原市長) is not there
        assert "相模原" not in screen_text(app)
        await pilot.press("f6")
        await settle(pilot, app)
        assert app.screen.window.tab == "history"
        assert "電子保証発行日時" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CertificateScreen)


async def test_help_on_every_page(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "全体トップのヘルプ" in screen_text(app)
        await pilot.press("escape")
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        assert "保証契約一覧のヘルプ" in screen_text(app)
        await pilot.press("end")  # the key table is at the bottom of the page
        await settle(pilot, app)
        rows = screen_lines(app)
        # the help's own key list says what F6 does (not the footer, which says "F6 認証キーをコピー")
        assert any("• F6 認証キーをコピー" in line for line in rows), "\n".join(rows)


async def test_help_key_lists_fit_80_columns(demo_session):
    """Every help page at 80×24: no key or description cut short (「Ent…」), scrolled end to end."""
    from esurety_tui.tui.screens.help import HelpScreen, help_text

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for name in ("login", "top", "detail", "certificate", "application", "review", "done", "drafts"):
            assert "|" not in help_text(name)  # no key tables: the keys come from the bindings
            app.push_screen(HelpScreen(name, name))
            await settle(pilot, app)
            body = app.screen.query_one("#help-body")
            seen = []
            while True:
                seen += screen_lines(app)
                if body.scroll_y >= body.max_scroll_y:
                    break
                body.scroll_page_down(animate=False)
                await settle(pilot, app)
            cut = [line for line in seen if "…" in line.replace("「…を", "")]
            assert not cut, (name, cut)
            app.pop_screen()
            await settle(pilot, app)


async def test_command_palette_jumps_to_contract(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await type_text(pilot, "35072")
        await palette_shows(pilot, "35072-00000M")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.number == "35072-00000M"


async def test_logout_returns_to_login(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        await pilot.press("f3")
        await settle(pilot, app)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None


async def test_user_text_is_shown_literally(demo_session):
    from esurety_tui.store.models import Guarantee

    hostile = "[bold]x[/] \x1b[31m赤"
    Guarantee.update(work_name=hostile).where(Guarantee.number == "35072-00000M").execute()
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        text = screen_text(app)
        assert "[bold]x[/]" in text
        assert "\x1b" not in text and "\\x1b[31m赤" in text


async def test_paging_moves_window_past_the_edge(demo_session):
    from esurety_tui.services import demo

    demo.add_synthetic(SYSTEM_SESSION, 120)
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        top = app.screen
        assert top.window.total > 120
        assert len(top._rows) == 50  # a window, not the whole table
        await pilot.press("f8")
        await settle(pilot, app)
        assert top.window.offset == 50
        table = top.query_one("#contracts")
        assert table.get_row_at(0)[0] == "51" and table.cursor_row == 0  # the window starts at No. 51
        assert f"{top.window.total:,}件中 51〜100件" in screen_text(app)
        assert any(line.lstrip().startswith("51 ") for line in screen_lines(app))  # and it is on screen
        await pilot.press("up")  # across the edge: No. 50, on the view's top row, No. 51 under it
        await settle(pilot, app)
        assert top.window.offset < 50 <= top.window.offset + len(top._rows) - 1
        assert table.get_row_at(table.cursor_row)[0] == "50"
        assert [line.split()[0] for line in screen_lines(app)[8:10]] == ["50", "51"]


async def test_resize_keeps_list(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.resize_terminal(120, 40)
        await settle(pilot, app)
        assert "35072-00000M" in screen_text(app)


async def test_a_window_below_80x24_says_it_is_too_small(demo_session):
    from esurety_tui.tui.screens.too_small import MESSAGE, TooSmallScreen

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, TooSmallScreen)
        text = screen_text(app)
        assert MESSAGE == "画面が小さすぎます（80×24以上にしてください）" and MESSAGE in text
        assert "現在の大きさ: 60×20" in text
        assert "64" not in text  # no amount cut short behind it
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        assert isinstance(app.screen, TopScreen)
        assert "50,000,000円" in screen_text(app)
        await pilot.resize_terminal(100, 23)  # one row short is too small too
        await settle(pilot, app)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await settle(pilot, app)
        assert isinstance(app.screen, TopScreen)
