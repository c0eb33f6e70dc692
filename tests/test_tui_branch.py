"""Pilot tests of the branch console (80×24): 受付一覧, 申込内容 with 引受 / 謝絶 / 発行, the branch's
保証契約 with 変更 and 認証キーの再発行, the 発注者 master — by keyboard, as `branch` / `branch2`."""

from __future__ import annotations

from esurety_tui.domain.status import VersionKind
from esurety_tui.services import contracts, issuing, keys
from esurety_tui.settings import Settings
from esurety_tui.store.models import Application, AuditLog, CertificateVersion, Guarantee, Orderer
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.branch.application import BranchApplicationScreen
from esurety_tui.tui.screens.branch.contract import BranchContractScreen
from esurety_tui.tui.screens.branch.forms import AmendScreen, OrdererFormScreen, ReasonScreen
from esurety_tui.tui.screens.branch.orderers import OrderersScreen
from esurety_tui.tui.screens.branch.top import BranchTopScreen
from esurety_tui.tui.screens.help import HelpScreen
from tests.conftest import session_of
from tests.helpers.pilot import answer_yes, log_in, screen_text, settle, type_text, until

SIZE = (80, 24)
WAITING = "多摩川河川敷運動施設整備工事"  # the demo's 送信済 application, sent to 神奈川支店
SEED = "35072-00000M"


async def _open_waiting(pilot, app) -> None:
    assert isinstance(app.screen, BranchTopScreen)
    await pilot.press("enter")  # the first (oldest) row of 受付中
    await settle(pilot, app)
    assert isinstance(app.screen, BranchApplicationScreen)


async def test_branch_login_lands_on_its_queue_and_accepts_then_issues(demo_db):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "branch")
        assert isinstance(app.screen, BranchTopScreen)
        text = screen_text(app)
        assert "受付一覧" in text and "神奈川支店" in text and "送信済" in text
        assert WAITING[:3] in text  # cut with an ellipsis at 80 columns
        assert app.screen.window.total == 2  # the demo's 送信済 and its 引受 waiting for 発行

        await _open_waiting(pilot, app)
        text = screen_text(app)
        assert "審査結果" in text and "電子保証に対応しています" in text
        assert "多摩川河川敷運動施設整備工事" in text
        assert "状況 審査中" in text  # opened by the branch: the contractor's 手続状況 moves on
        assert Application.get(Application.work_name == WAITING).status == "審査中"

        await pilot.press("f9")  # 発行 before 引受: not possible (dimmed, nothing happens)
        await settle(pilot, app)
        assert isinstance(app.screen, BranchApplicationScreen)

        await pilot.press("f5")
        await answer_yes(pilot)
        app_row = Application.get(Application.work_name == WAITING)
        assert app_row.status == "引受"
        assert "状況 引受" in screen_text(app)

        await pilot.press("f9")
        await answer_yes(pilot)
        app_row = Application.get(Application.work_name == WAITING)
        assert app_row.status == "発行済"
        (g,) = Guarantee.select().where(Guarantee.application == app_row.id)
        assert g.number in screen_text(app)  # 発行した保証契約
        assert g.electronic and g.auth_key
        demo = session_of("demo")
        assert g.number in {r.number for r in contracts.page(demo, "all", "", 0, 100)}
        assert AuditLog.select().where(AuditLog.action == "guarantee.issue", AuditLog.target == g.number).count() == 1

        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, BranchTopScreen)
        assert app.screen.window.total == 1  # no longer waiting (the demo's 引受 one still is)
        await pilot.press("f6")  # 処理済
        await settle(pilot, app)
        assert app.screen.window.tab == "closed"
        assert "発行済" in screen_text(app)


async def test_refusal_needs_a_reason_and_the_contractor_sees_it(demo_db):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "branch")
        await _open_waiting(pilot, app)
        await pilot.press("f6")
        await settle(pilot, app)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # empty: refused at the field
        await settle(pilot, app)
        assert isinstance(app.screen, ReasonScreen)
        assert "謝絶の理由を入力してください。" in screen_text(app)
        assert Application.get(Application.work_name == WAITING).status == "審査中"

        await pilot.press("escape")  # cancel: nothing happens
        await settle(pilot, app)
        assert isinstance(app.screen, BranchApplicationScreen)
        assert Application.get(Application.work_name == WAITING).status == "審査中"

        await pilot.press("f6")
        await settle(pilot, app)
        await type_text(pilot, "工期が短く引受できません")
        await pilot.press("enter")
        await settle(pilot, app)
        row = Application.get(Application.work_name == WAITING)
        assert row.status == "謝絶" and row.refusal_reason == "工期が短く引受できません"
        text = screen_text(app)
        assert "謝絶の理由" in text and "工期が短く引受できません" in text


async def test_another_branch_never_sees_the_queue(demo_db):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "branch2")
        assert isinstance(app.screen, BranchTopScreen)
        assert "東京支店" in screen_text(app)
        assert app.screen.window.total == 1  # only demo2's application sent to 東京支店
        assert "多摩川" not in screen_text(app)
        await pilot.press("ctrl+f")
        await type_text(pilot, "多摩川")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.window.total == 0
        await pilot.press("f6", "f6")  # 保証契約一覧: only 東京支店's
        await settle(pilot, app)
        assert app.screen.window.tab == "contracts"


async def test_search_as_you_type_narrows_the_closed_tab(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f6")
        await settle(pilot, app)
        assert app.screen.window.total == 10
        await pilot.press("ctrl+f")
        await type_text(pilot, "辻堂")
        await until(pilot, lambda: app.screen.window.total == 1, what="the list narrowed to 辻堂")
        assert "謝絶" in screen_text(app)


async def test_change_through_the_form_adds_a_history_row(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(BranchContractScreen(SEED))
        await settle(pilot, app)
        before = CertificateVersion.select().join(Guarantee).where(Guarantee.number == SEED).count()
        await pilot.press("f8")
        await settle(pilot, app)
        assert isinstance(app.screen, AmendScreen)
        await pilot.press("enter", "enter")  # 工事名 → 請負金額 → 保証金額
        await pilot.press("ctrl+u")
        await type_text(pilot, "21,000,000")
        await settle(pilot, app)
        assert "21,000,000円" in screen_text(app)
        await pilot.press("enter", "enter")  # → 保証開始日 → 保証期限
        await pilot.press("ctrl+u")
        await type_text(pilot, "20240331")
        await settle(pilot, app)
        assert "令和6年3月31日" in screen_text(app)  # typed YYYYMMDD, shown back in 和暦
        await pilot.press("enter", "enter")  # → 預託金融機関 → 備考
        await type_text(pilot, "増額")
        await pilot.press("enter")
        await settle(pilot, app)
        await answer_yes(pilot)
        assert isinstance(app.screen, BranchContractScreen)
        g = Guarantee.get(Guarantee.number == SEED)
        assert g.guarantee_amount == 21_000_000 and str(g.end_date) == "2024-03-31"
        versions = CertificateVersion.select().where(CertificateVersion.guarantee == g).order_by(CertificateVersion.seq)
        assert versions.count() == before + 1 and versions[-1].kind == "変更" and versions[-1].note == "増額"
        assert "変更" in screen_text(app)


async def test_amend_form_refuses_bad_input_and_esc_cancels(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(BranchContractScreen(SEED))
        await settle(pilot, app)
        await pilot.press("f8")
        await settle(pilot, app)
        await pilot.press("f9")  # nothing changed
        await settle(pilot, app)
        assert isinstance(app.screen, AmendScreen)
        assert "変更する項目がありません" in screen_text(app)
        await pilot.press("enter", "enter", "ctrl+u")
        await type_text(pilot, "abc")
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, AmendScreen)
        assert "保証金額は数字" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, BranchContractScreen)
        assert Guarantee.get(Guarantee.number == SEED).guarantee_amount == 20_000_000


async def test_key_reissue_replaces_the_key_at_once(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        old = Guarantee.get(Guarantee.number == SEED).auth_key
        app.push_screen(BranchContractScreen(SEED))
        await settle(pilot, app)
        assert old in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        await answer_yes(pilot)
        new = Guarantee.get(Guarantee.number == SEED).auth_key
        assert new != old
        assert not keys.verify_key(SEED, old) and keys.verify_key(SEED, new)
        assert new in screen_text(app)
        log = AuditLog.get(AuditLog.action == "key.reissue")
        assert log.target == SEED and new not in (log.detail or "") and old not in (log.detail or "")


async def test_an_action_that_fails_unexpectedly_says_so_and_offers_the_keys_again(demo_db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "reissue_key", broken)
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        old = Guarantee.get(Guarantee.number == SEED).auth_key
        app.push_screen(BranchContractScreen(SEED))
        await settle(pilot, app)
        screen = app.screen
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        await answer_yes(pilot)
        assert app.screen is screen and app.is_running
        assert [n.message for n in app._notifications][-1] == "処理できませんでした: disk full"
        assert not screen.busy and screen.check_action("reissue", ()) is True
        assert Guarantee.get(Guarantee.number == SEED).auth_key == old


async def test_branch_actions_are_not_offered_to_a_contractor(demo_db):
    app = NetDeskApp(session=session_of("demo"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(BranchContractScreen(SEED))
        await settle(pilot, app)
        footer = screen_text(app).splitlines()[-1]
        assert "再発行" not in footer and "訂正" not in footer and "取消" not in footer
        await pilot.press("ctrl+r", "f8")
        await settle(pilot, app)
        assert isinstance(app.screen, BranchContractScreen)


async def test_orderer_master_adds_and_edits(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f4")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderersScreen)
        assert "相模原市長" in screen_text(app) and "紙のみ" in screen_text(app)
        await pilot.press("f4")
        await settle(pilot, app)
        assert isinstance(app.screen, OrdererFormScreen)
        await type_text(pilot, "鎌倉市長")
        await pilot.press("f5")  # 電子保証に対応
        await pilot.press("enter")
        await type_text(pilot, "10000")
        await pilot.press("enter")
        await type_text(pilot, "bad-address")
        await pilot.press("enter", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, OrdererFormScreen)
        assert "メールアドレスが正しくありません" in screen_text(app)
        await pilot.press("shift+tab", "ctrl+u")
        await type_text(pilot, "keiyaku@city.kamakura.example.jp")
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderersScreen)
        o = Orderer.get(Orderer.name == "鎌倉市長")
        assert o.accepts_electronic and o.email == "keiyaku@city.kamakura.example.jp"
        assert "1万円単位" in screen_text(app)
        # Edit the first row (川崎市長): its submission address.
        await pilot.press("home", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, OrdererFormScreen)
        await pilot.press("enter", "enter")
        await type_text(pilot, "keiyaku@city.kawasaki.example.jp")
        await pilot.press("f9")
        await settle(pilot, app)
        assert Orderer.get(Orderer.name == "川崎市長").email == "keiyaku@city.kawasaki.example.jp"


async def test_a_keymap_override_changes_the_dialogs_key_line_and_keys(demo_db):
    keymap = {"form_submit": "f10", "form_cancel": "f12,escape", "toggle_electronic": "f8"}
    app = NetDeskApp(session=session_of("branch"), settings=Settings(keymap=keymap))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(OrderersScreen())
        await settle(pilot, app)
        await pilot.press("f4")
        await settle(pilot, app)
        assert isinstance(app.screen, OrdererFormScreen)
        line = str(app.screen.query_one("#form-keys").render())
        assert line == "Enter 次の項目／登録  F8 電子保証の切替  F10 登録  F12/Esc やめる"
        assert line in screen_text(app)
        await type_text(pilot, "鎌倉市長")
        await pilot.press("f8", "f10")  # the keys do what the line says
        await settle(pilot, app)
        assert isinstance(app.screen, OrderersScreen)
        assert Orderer.get(Orderer.name == "鎌倉市長").accepts_electronic
        app.push_screen(AmendScreen(VersionKind.CANCEL, contracts.detail(session_of("branch"), SEED)))
        await settle(pilot, app)
        assert "Enter 次の項目／確定  F10 確定  F12/Esc やめる" in screen_text(app)
        await pilot.press("f12")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderersScreen)


async def test_help_on_every_branch_screen_and_f2_goes_back_to_the_queue(demo_db):
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for open_screen, title in (
            (lambda: None, "受付一覧のヘルプ"),
            (
                lambda: app.push_screen(BranchApplicationScreen(Application.get(Application.work_name == WAITING).id)),
                "申込内容のヘルプ",
            ),
            (lambda: app.push_screen(BranchContractScreen(SEED)), "保証契約（支店）のヘルプ"),
            (lambda: app.push_screen(OrderersScreen()), "発注者のヘルプ"),
        ):
            open_screen()
            await settle(pilot, app)
            await pilot.press("f1")
            await settle(pilot, app)
            assert isinstance(app.screen, HelpScreen)
            assert title in screen_text(app)
            assert "このページのヘルプはありません" not in screen_text(app)
            await pilot.press("escape")
            await settle(pilot, app)
        await pilot.press("f2")
        await settle(pilot, app)
        assert isinstance(app.screen, BranchTopScreen)


async def test_failed_mail_is_shown_on_the_queue(demo_db):
    from esurety_tui.store.models import Mail

    g = Guarantee.get(Guarantee.number == SEED)
    Mail.create(to="soumu@example.jp", subject="s", body="b", guarantee=g, status="failed")
    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert "送信できなかったメールが1件あります" in screen_text(app)
    other = NetDeskApp(session=session_of("branch2"))  # not its contract: not its mail
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot, other)
        assert "送信できなかったメール" not in screen_text(other)


async def test_issuing_in_the_app_delivers_the_notice_mail(demo_db):
    from esurety_tui.store.models import Mail

    app = NetDeskApp(session=session_of("branch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await _open_waiting(pilot, app)
        await pilot.press("f5")
        await answer_yes(pilot)
        await pilot.press("f9")
        await answer_yes(pilot)
        await settle(pilot, app)
        (g,) = Guarantee.select().where(Guarantee.work_name == WAITING)
        (m,) = Mail.select().where(Mail.guarantee == g)
        assert m.status != "queued" and g.auth_key not in m.body


async def test_failed_mail_is_listed_with_its_reason_and_f5_sends_it_again(demo_db):
    from esurety_tui.store.models import Mail
    from esurety_tui.tui.screens.branch.mails import MailsScreen

    g = Guarantee.get(Guarantee.number == SEED)
    m = Mail.create(
        to="keiri@maru.example",
        subject="電子保証（認証キー）発行完了のお知らせ",
        body="本文",
        guarantee=g,
        status="failed",
        attempts=5,
        last_error="550 mailbox unavailable",
    )
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "branch")
        assert "送信できなかったメールが1件あります" in screen_text(app)
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, MailsScreen)
        text = screen_text(app)
        assert "送信失敗" in text and "550 mailbox unavailable" in text and SEED in text
        await pilot.press("f5")
        await settle(pilot, app)
        assert Mail.get_by_id(m.id).status == "outbox"  # no SMTP configured: written to the outbox
        assert "（送信失敗 0件）" in screen_text(app)


async def test_another_branch_never_lists_this_branchs_mail(demo_db):
    from esurety_tui.store.models import Mail
    from esurety_tui.tui.screens.branch.mails import MailsScreen

    Mail.create(
        to="keiri@maru.example",
        subject="件名",
        body="本文",
        guarantee=Guarantee.get(Guarantee.number == SEED),
        status="failed",
        last_error="550",
    )
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "branch2")
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, MailsScreen)
        assert SEED not in screen_text(app) and "550" not in screen_text(app)
