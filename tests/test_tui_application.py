"""保証申込 by keyboard: the form (申込作成), 申込確認, 送信完了 and 申込一覧."""

from __future__ import annotations

import json
import re
from datetime import date

from textual.widgets import Checkbox, DataTable, Input, RadioSet, Select, Static, TabbedContent

from esurety_tui.domain.fields import FIELD_BY_KEY
from esurety_tui.services import applications
from esurety_tui.store.models import Application, Orderer
from esurety_tui.tui.screens.application import ApplicationScreen, FieldHelpScreen
from esurety_tui.tui.screens.confirm import ConfirmScreen
from esurety_tui.tui.screens.done import DoneScreen
from esurety_tui.tui.screens.drafts import DraftsScreen
from esurety_tui.tui.screens.review import ReviewScreen
from tests.helpers.form import (
    burst,
    draft_with,
    make_app,
    message_at,
    notifications,
    open_form,
    open_new_form,
    screen_text,
    settle,
    show_tab,
    type_into,
)
from tests.helpers.pilot import answer_yes, until

OVER_LIMIT = "前払金保証金額は請負金額の4/10（20,000,000円）以下にしてください。"


def active_tab(screen) -> str:
    return screen.query_one("#app-tabs", TabbedContent).active


def assert_on_screen(form, key: str) -> None:
    """The field and its message lie inside the visible part of their tab (F9 refused)."""
    scroll = form.query_one(f"#scroll-{FIELD_BY_KEY[key].section}")
    view = scroll.region
    for widget in (form.query_one(f"#f-{key}"), form.query_one(f"#e-{key}")):
        region = widget.region
        assert region.height > 0 and view.contains_region(region), (key, widget.id, region, view)


def stored_draft(app_id: int) -> dict[str, str]:
    return json.loads(Application.get_by_id(app_id).draft)


# the whole way, by keys ----------------------------------------------------------


async def test_complete_application_by_keys(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        assert isinstance(form, ApplicationScreen)
        assert form.application_id is None  # no draft until something is typed
        assert active_tab(form) == "tab-work"
        assert app.focused is form.query_one("#f-orderer_id", Select)

        # 請負工事の情報: the orderer from the list, then Enter / Tab from field to field.
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert form.raw["orderer_id"] == str(Orderer.get(Orderer.name == "川崎市長").id)
        # (the pilot cannot send full-width punctuation such as （ ）: ASCII brackets here)
        await pilot.press("tab", *"河川維持(〇〇)工事", "enter", *"神奈川県川崎市", "enter")
        assert app.focused is form.query_one("#f-work_kind", RadioSet)
        await pilot.press("tab", *"50000000", "enter")
        assert str(form.query_one("#x-contract_amount", Static).render()) == "50,000,000円（5,000万円）"
        await pilot.press(*"20230401", "enter", *"20230403", "enter", *"20240329", "enter")
        assert str(form.query_one("#x-contract_date", Static).render()).startswith("令和5年4月1日")
        assert app.focused is form.query_one("#f-jv_kind", RadioSet)
        # JV名 is off for 単体: Tab skips it.
        assert form.query_one("#f-jv_name", Input).disabled is False  # the widget itself ...
        assert form.query_one("#r-jv_name").disabled is True  # ... sits in a disabled row
        await pilot.press("tab")
        assert app.focused is form.query_one("#f-planned_advance", Input)

        # 保証の申込内容: an amount over 4/10 shows the rule at the field.
        await pilot.press("f6")
        await pilot.pause()
        assert active_tab(form) == "tab-guarantee"
        assert app.focused is form.query_one("#f-advance_apply", Checkbox)
        await pilot.press("tab", "tab", *"30000000")
        await pilot.pause()
        assert app.focused is form.query_one("#f-advance_amount", Input)
        assert message_at(form, "advance_amount") == OVER_LIMIT
        assert str(form.query_one("#x-advance_amount", Static).render()) == "30,000,000円（3,000万円）"
        # 預託金融機関 typed half-width: kept as typed while typing, converted when the field is left.
        await pilot.press("enter", *"ﾖｺﾊﾏ銀行 ｶﾝﾅｲ支店")
        await pilot.pause()
        assert form.query_one("#f-deposit_bank", Input).value == "ﾖｺﾊﾏ銀行 ｶﾝﾅｲ支店"
        assert message_at(form, "deposit_bank") == "全角に変換します（ヨコハマ銀行　カンナイ支店）。"
        # Required fields not touched yet show nothing before 申込確認.
        assert message_at(form, "award_date") == ""

        # F9 while wrong: refused, the first wrong field's tab comes up with the focus on it.
        await pilot.press("f6")
        await settle(pilot)
        assert form.query_one("#f-deposit_bank", Input).value == "ヨコハマ銀行　カンナイ支店"  # what it says
        assert message_at(form, "deposit_bank") == "全角に変換しました。"
        assert form.raw["deposit_bank"] == "ヨコハマ銀行　カンナイ支店"
        assert active_tab(form) == "tab-bid"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        assert active_tab(form) == "tab-guarantee"
        assert app.focused is form.query_one("#f-advance_amount", Input)
        assert_on_screen(form, "advance_amount")
        problems = form.validation.problems
        assert list(problems)[0] == "advance_amount"
        assert f"入力内容に誤りがあります（{len(problems)}件）" in notifications(app)
        assert message_at(form, "award_date") == "「落札日」は必須です。"  # now every problem shows
        assert message_at(form, "email") == "「メールアドレス」は必須です。"

        # Fix it: the message goes away.
        await pilot.press("end", "ctrl+u", *"20000000")
        await pilot.pause()
        assert message_at(form, "advance_amount") == ""

        # 入力の状況 → 落札日; その他 → 受取希望日, メールアドレス.
        await pilot.press("f6")
        await pilot.pause()
        assert app.focused is form.query_one("#f-order_kind", RadioSet)
        await pilot.press("tab", *"20230320")
        await pilot.pause()
        assert message_at(form, "award_date") == ""
        assert "令和5年3月20日" in str(form.query_one("#x-award_date", Static).render())
        await pilot.press("f6")
        await pilot.pause()
        assert active_tab(form) == "tab-info"
        assert app.focused is form.query_one("#f-branch_id", Select)
        await pilot.press("tab", "tab", "4", "enter", *"10", "enter")
        assert app.focused is form.query_one("#f-notify", RadioSet)
        await pilot.press("tab", *"soumu@example.jp")
        await pilot.pause()
        assert form.validation.ok, form.validation.problems

        # 申込確認
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        text = " ".join(str(s.render()) for s in review.query(".rv-value"))
        for shown in (
            "令和5年3月20日",
            "20,000,000円",
            "50,000,000円",
            "川崎市長",
            "神奈川支店",
            "ヨコハマ銀行　カンナイ支店",
            "電子保証(認証キーを含む)",
            "4月10日",
        ):
            assert shown in text

        # 送信
        await pilot.press("f9")
        await settle(pilot)
        done = app.screen
        assert isinstance(done, DoneScreen)
        assert form not in app.screen_stack and review not in app.screen_stack
        receipt_no = str(done.query_one("#done-receipt-no", Static).render())
        assert re.fullmatch(r"ND20261124-\d{3}-\d{4}", receipt_no)
        assert str(done.query_one("#done-sent-at", Static).render()) == "令和8年11月24日 10:00"
        assert str(done.query_one("#done-branch", Static).render()) == "神奈川支店"
        assert "電子保証（認証キー）発行完了のお知らせ" in screen_text(app)

        row = Application.get_by_id(form.application_id)
        assert row.status == "送信済"
        assert row.receipt_no == receipt_no
        assert row.deposit_bank == "ヨコハマ銀行　カンナイ支店"
        assert row.advance_amount == 20_000_000
        assert row.contract_amount == 50_000_000
        assert row.award_date == date(2023, 3, 20)
        assert row.advance_form == "electronic"
        assert row.work_name == "河川維持(〇〇)工事"

        # Enter: 全体トップへ
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TopScreen"


async def test_review_esc_goes_back_to_the_unchanged_form(demo_session):
    app_id = draft_with(demo_session)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        before = dict(form.raw)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert form.raw == before
        assert Application.get_by_id(app_id).status == "作成中"


async def test_submit_refused_by_the_service_goes_back_to_the_form(demo_session, monkeypatch):
    from esurety_tui.domain.rules import Problem, Validation
    from esurety_tui.services.applications import ValidationFailed

    app_id = draft_with(demo_session)

    def refuse(session, application_id, raw):
        raise ValidationFailed(Validation(found={"email": Problem("email", "email_format")}))

    monkeypatch.setattr(applications, "submit", refuse)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is form
        assert active_tab(form) == "tab-info"
        assert app.focused is form.query_one("#f-email", Input)
        assert message_at(form, "email") == "メールアドレスの形式が正しくありません。"


# drafts ---------------------------------------------------------------------------


async def test_draft_survives_closing_the_app_mid_form(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await pilot.press("tab", *"途中の工事", "tab", *"相模原市")
        # leave at once: no pause for the 0.3 s debounce, nothing else pressed

    app_id = form.application_id  # created by the first save
    assert stored_draft(app_id)["work_name"] == "途中の工事"
    assert stored_draft(app_id)["work_place"] == "相模原市"

    app2 = make_app(demo_session)
    async with app2.run_test(size=(80, 24)) as pilot:
        app2.push_screen(DraftsScreen())
        await settle(pilot)
        table = app2.screen.query_one(DataTable)
        assert app2.focused is table
        table.move_cursor(row=table.get_row_index(str(app_id)))
        await pilot.press("enter")
        await settle(pilot)
        form = app2.screen
        assert isinstance(form, ApplicationScreen)
        assert form.application_id == app_id
        assert form.query_one("#f-work_name", Input).value == "途中の工事"
        assert form.query_one("#f-work_place", Input).value == "相模原市"
        # Esc: back to the list, which shows the draft with its work name.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app2.screen, DraftsScreen)
        assert "下書きは保存されています。申込一覧から続きを入力できます。" in notifications(app2)
        assert "途中の工事" in screen_text(app2)


async def test_new_form_left_without_typing_leaves_no_draft(demo_session):
    before = Application.select().count()
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(3):  # F4 + Esc, three times
            await pilot.press("f4")
            await settle(pilot)
            assert isinstance(app.screen, ApplicationScreen) and app.screen.loaded
            await pilot.press("tab", "tab")  # moving around is not typing
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ApplicationScreen)
        assert "下書きは保存されています。申込一覧から続きを入力できます。" not in notifications(app)
        assert Application.select().count() == before
        await pilot.press("f4")  # one key typed: now there is a draft, with it
        await settle(pilot)
        form = app.screen
        await pilot.press("tab", "x", "escape")
        await settle(pilot)
        assert Application.select().count() == before + 1
        assert stored_draft(form.application_id)["work_name"] == "x"


async def test_draft_saved_while_typing(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, "contract_amount", "1,000")
        # Under load a pause between two keys may already save "1,": wait for the save of all of it.
        await until(
            pilot,
            lambda: (
                form.application_id is not None
                and stored_draft(form.application_id).get("contract_amount") == "1,000"
                and "下書きを保存しました" in str(form.query_one("#draft-status", Static).render())
            ),
            what="the draft saved with everything typed",
        )
        assert str(form.query_one("#draft-status", Static).render()) == "下書きを保存しました 10:00:00"


async def test_drafts_screen_keys(demo_session):
    keep = draft_with(demo_session, work_name="残す工事")
    drop = draft_with(demo_session, work_name="消す工事")
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DraftsScreen())
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        text = screen_text(app)
        for shown in ("No.", "状態", "工事名", "更新日時", "受付番号", "残す工事", "消す工事", "謝絶"):
            assert shown in text

        # F8 on a draft: asked first; いいえ keeps it, はい deletes it.
        table.move_cursor(row=table.get_row_index(str(drop)))
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert Application.get_or_none(Application.id == drop) is not None
        await pilot.press("f8")
        await settle(pilot)
        await answer_yes(pilot)
        assert Application.get_or_none(Application.id == drop) is None
        assert str(keep) in [k.value for k in table.rows]
        assert str(drop) not in [k.value for k in table.rows]

        # Enter on a 謝絶 application opens it read-only with the reason; F8 refuses to delete it.
        refused = Application.get(Application.status == "謝絶", Application.company == demo_session.company_id)
        table.move_cursor(row=table.get_row_index(str(refused.id)))
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SentApplicationScreen"
        assert "謝絶の理由" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is screen
        assert any("謝絶の申込は削除できません" in n for n in notifications(app))

        # F4: 申込の作成(新規); back again after typing, the list has one more 作成中 row (none without typing).
        rows_before = table.row_count
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        await pilot.press("tab", *"新しい工事", "escape")
        await settle(pilot)
        assert app.screen is screen
        assert table.row_count == rows_before + 1
        assert "新しい工事" in screen_text(app)


# rules at the field ------------------------------------------------------------------


async def test_electronic_for_an_orderer_without_it_offers_paper(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        assert form.raw["advance_form"] == "electronic"
        sagamihara = Orderer.get(Orderer.name == "相模原市長")
        assert sagamihara.accepts_electronic is False
        # 相模原市長 is the fourth orderer in the list (after the blank prompt)
        await pilot.press("enter", "down", "down", "down", "down", "enter")
        await settle(pilot)
        assert form.raw["orderer_id"] == str(sagamihara.id)
        current = form.query_one("#f-orderer_id SelectCurrent #label", Static)
        assert str(current.render()) == "相模原市長（電子保証非対応）"
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        question = str(confirm.query_one("#question", Static).render())
        assert question == "発注者「相模原市長」は電子保証に対応していません。証書(紙)に変更しますか？"
        assert message_at(form, "advance_form") == (
            "発注者「相模原市長」は電子保証に対応していません。証書(紙)を選択してください。"
        )
        await answer_yes(pilot)  # はい
        assert app.screen is form
        assert form.raw["advance_form"] == "paper"
        radio = form.query_one("#f-advance_form", RadioSet)
        assert radio.pressed_button is not None and radio.pressed_button.name == "paper"
        assert message_at(form, "advance_form") == ""

        # Choosing 電子保証 again for this orderer asks again; いいえ keeps it (and the message).
        await show_tab(pilot, "guarantee")
        radio.focus()
        await pilot.press("right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert form.raw["advance_form"] == "electronic"
        assert "電子保証に対応していません" in message_at(form, "advance_form")


async def test_switches_disable_their_sections(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await show_tab(pilot, "guarantee")
        assert form.query_one("#r-contract_guarantee_amount").disabled is True
        assert form.query_one("#r-advance_amount").disabled is False
        form.query_one("#f-contract_apply", Checkbox).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert form.raw["contract_apply"] == "1"
        assert form.query_one("#r-contract_guarantee_amount").disabled is False
        form.query_one("#f-advance_apply", Checkbox).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one("#r-advance_amount").disabled is True
        # still on screen (disabled, not hidden), and the rule is said at the switch
        assert form.query_one("#r-advance_amount").display is True
        assert message_at(form, "contract_apply") == (
            "契約保証は前払金保証の特約です。前払金保証と一緒に申し込んでください。"
        )


def req_label(form, key: str) -> str:
    return str(form.query_one(f"#r-{key}").query_one(".req", Static).render())


async def test_conditional_fields_say_required_and_switch_only_when_on(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        # 単体: JV名 / 代表者 are off and not marked 必須; JV: on and 必須
        assert form.raw["jv_kind"] == "single"
        assert req_label(form, "jv_name") == "" and req_label(form, "jv_representative") == ""
        assert req_label(form, "work_name") == "必須"
        form.query_one("#f-jv_kind", RadioSet).focus()
        await pilot.press("right", "enter")
        await settle(pilot)
        assert form.raw["jv_kind"] == "jv"
        assert req_label(form, "jv_name") == "必須" and form.query_one("#r-jv_name").disabled is False

        # 中間前払金の請求予定: off (and unticked) without 中間前払金あり
        await show_tab(pilot, "guarantee")
        assert form.query_one("#r-intermediate_claim").disabled is True
        form.query_one("#f-intermediate", Checkbox).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert form.query_one("#r-intermediate_claim").disabled is False
        form.query_one("#f-intermediate_claim", Checkbox).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert form.raw["intermediate_claim"] == "1"
        form.query_one("#f-intermediate", Checkbox).focus()
        await pilot.press("enter")  # 中間前払金 off again: the 請求予定 goes with it
        await settle(pilot)
        assert form.query_one("#r-intermediate_claim").disabled is True
        assert form.raw["intermediate_claim"] == "" and form.query_one("#f-intermediate_claim", Checkbox).value is False


async def test_unticked_checkboxes_differ_by_glyph_not_only_colour(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await show_tab(pilot, "guarantee")
        ticked, unticked = form.query_one("#f-advance_apply", Checkbox), form.query_one("#f-contract_apply", Checkbox)
        assert ticked.value and not unticked.value
        assert "X" in ticked.render().plain and "X" not in unticked.render().plain


async def test_f9_refused_scrolls_the_wrong_field_and_its_message_into_view(demo_session):
    app_id = draft_with(demo_session, contract_apply="1", contract_guarantee_amount="1")  # below 1/10
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        await pilot.press("f9")
        await settle(pilot)
        assert form.validation.first_problem() == "contract_guarantee_amount"
        assert active_tab(form) == "tab-guarantee"
        assert_on_screen(form, "contract_guarantee_amount")
        assert "以上にしてください" in message_at(form, "contract_guarantee_amount")


async def test_clear_asks_and_clears_only_that_section(demo_session):
    app_id = draft_with(demo_session, contract_apply="1", contract_guarantee_amount="5000000")
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        await pilot.press("f6")  # 保証の申込内容
        await pilot.pause()
        assert form.query_one("#f-advance_amount", Input).value == "20000000"

        # いいえ: nothing changes
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "「保証の申込内容をクリア」しますか？" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert form.query_one("#f-advance_amount", Input).value == "20000000"

        # はい: this section back to its defaults, the others untouched, saved
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("left", "enter")
        await until(pilot, lambda: stored_draft(app_id)["advance_amount"] == "", what="the cleared draft saved")
        assert app.screen is form
        assert form.query_one("#f-advance_amount", Input).value == ""
        assert form.query_one("#f-deposit_bank", Input).value == ""
        assert form.query_one("#f-contract_apply", Checkbox).value is False
        assert form.query_one("#f-advance_apply", Checkbox).value is True
        assert form.query_one("#f-work_name", Input).value == "河川維持（〇〇）工事"
        assert form.query_one("#f-award_date", Input).value == "20230320"
        saved = stored_draft(app_id)
        assert saved["advance_amount"] == "" and saved["contract_guarantee_amount"] == ""
        assert saved["advance_form"] == "electronic"
        assert saved["work_name"] == "河川維持（〇〇）工事"
        assert saved["email"] == "soumu@example.jp"
        assert "「保証の申込内容をクリア」しました。" in notifications(app)


async def test_f4_shows_the_help_of_the_focused_field(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, "advance_amount", "")
        await pilot.press("f4")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, FieldHelpScreen)
        assert str(modal.query_one("#field-help-title", Static).render()) == "「前払金保証金額」について"
        assert "工事は請負金額の4/10、業務委託は3/10が上限です。" in str(
            modal.query_one("#field-help-text", Static).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert app.focused is form.query_one("#f-advance_amount", Input)


async def test_f1_help_and_keys_in_the_footer(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_form(pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("ヘルプ", "戻る", "申込確認", "項目説明", "前タブ", "次タブ", "クリア"):
            assert key in footer
        await pilot.press("f1")
        await settle(pilot)
        assert "保証申込のヘルプ" in screen_text(app)
        assert "下書き保存" in screen_text(app)


async def test_work_name_with_markup_is_shown_literally(demo_session):
    app_id = draft_with(demo_session)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        await type_into(pilot, "work_name", "[bold]x[/]")
        assert form.query_one("#f-work_name", Input).value == "[bold]x[/]"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "[bold]x[/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(DraftsScreen())
        await settle(pilot)
        assert "[bold]x[/]" in screen_text(app)


async def test_every_tab_fits_80_columns(demo_session):
    """No row of any tab is cut: each field's widget ends inside the screen."""
    app_id = draft_with(demo_session, contract_apply="1", jv_kind="jv", receive_method="counter")
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        for section in ("work", "guarantee", "bid", "info"):
            await show_tab(pilot, section)
            scroll = form.query_one(f"#scroll-{section}")
            for widget in scroll.query(".row > *"):
                assert widget.region.right <= 80 or widget.region.width == 0, (section, widget)
                assert widget.outer_size.width > 0 or not widget.display, (section, widget)


async def test_drop_down_over_the_form_keeps_full_width_text_whole(demo_session):
    """Textual cuts an overlay's lines at the edges of the widgets beneath it: every edge under a
    drop-down must sit on an even column, or a full-width character of an option is blanked."""
    app_id = draft_with(demo_session, contract_apply="1", jv_kind="jv", receive_method="counter")
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        for section in ("work", "guarantee", "bid", "info"):
            await show_tab(pilot, section)
            scroll = form.query_one(f"#scroll-{section}")
            spans = [(s.region.x, s.region.right) for s in scroll.query(Select)]
            for widget in scroll.query(".row *"):
                if any(isinstance(node, Select) for node in widget.ancestors_with_self):
                    continue
                for x in (widget.region.x, widget.region.right):
                    inside = any(start < x < end for start, end in spans)
                    assert not inside or x % 2 == 0, (section, widget, widget.region)
            assert all(start % 2 == 0 for start, _ in spans)
        await show_tab(pilot, "work")
        form.query_one("#f-orderer_id", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        for name in (
            "川崎市長（電子保証対応）",
            "横浜市長（電子保証対応）",
            "神奈川県知事（電子保証対応）",
            "相模原市長（電子保証非対応）",
            "藤沢市長（電子保証対応）",
        ):
            assert name in text


async def test_type_ahead_lands_in_the_right_fields(demo_session):
    """Keys that arrive together (a slow link) still go field by field: Enter, Tab and F6 move the
    focus before the next key is routed."""
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        await burst(pilot, "tab", *"abc", "enter", *"def", "enter", "tab", *"123", "f6", "tab", "tab", *"456")
        await settle(pilot)
        assert form.raw["work_name"] == "abc"
        assert form.raw["work_place"] == "def"
        assert form.raw["contract_amount"] == "123"
        assert form.raw["advance_amount"] == "456"
