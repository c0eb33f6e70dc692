"""The form's look-ups by keyboard: 〒 fills 住所 (never over an address the user typed), 預託金融機関
completes bank then branch names (↓/↑, Enter/Tab, Esc), and large amounts echo in 万円 too."""

from __future__ import annotations

from textual.widgets import Input, Static

from esurety_tui.tui.widgets.lookup import BankInput, ZipInput
from tests.helpers.form import message_at, new_form, type_into
from tests.helpers.pilot import screen_text, settle, until

OBE = "神奈川県 横浜市 中区 尾上町"  # 231-0015


def note_of(form) -> str:
    zip_input = form.query_one("#f-send_zip", ZipInput)
    return str(zip_input.note.render()) if zip_input.note.display else ""


def address(form) -> str:
    return form.query_one("#f-send_address", Input).value


# 〒 → 住所 ---------------------------------------------------------------------------------------


async def test_typing_a_postal_code_fills_the_address_which_stays_editable(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "send_zip", "231-0015")
        await until(pilot, lambda: address(form) == OBE, what="住所 filled from 〒")
        assert form.raw["send_address"] == OBE  # in the draft like typed text
        assert note_of(form) == "" and message_at(form, "send_zip") == ""
        await pilot.press("enter", "end", *" 1-6")  # on to 住所: the 番地 typed after the filled part
        assert app.focused is form.query_one("#f-send_address", Input)
        await settle(pilot)
        assert form.raw["send_address"] == OBE + " 1-6"


async def test_the_code_is_read_without_hyphen_and_in_full_width_digits(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "send_zip", "2310015")
        await until(pilot, lambda: address(form) == OBE, what="住所 filled from 2310015")
        await type_into(pilot, "send_zip", "１００－０００１")
        await until(pilot, lambda: address(form) == "東京都 千代田区 千代田", what="the previous fill replaced")


async def test_an_address_the_user_typed_is_never_overwritten(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "send_address", "東京都港区1-2-3")
        await type_into(pilot, "send_zip", "231-0015")
        await until(pilot, lambda: note_of(form) != "", what="the note under 〒")
        assert address(form) == "東京都港区1-2-3"
        assert note_of(form) == f"住所はそのままです（この郵便番号: {OBE}）"


async def test_an_unknown_code_gives_a_quiet_note_and_no_error(demo_session):
    """231-8463 (the seed's) is a business code Japan Post's data does not list."""
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "send_zip", "231-8463")
        await until(pilot, lambda: note_of(form) != "", what="the note under 〒")
        assert (
            note_of(form) == "郵便番号のデータにない番号です（231- は 神奈川県 横浜市 中区）。住所を入力してください。"
        )
        assert address(form) == ""
        assert message_at(form, "send_zip") == ""
        assert "郵便番号のデータにない番号です" in screen_text(app)
        await type_into(pilot, "send_zip", "231-001")  # typing on: the note goes
        await settle(pilot)
        assert note_of(form) == ""


# 預託金融機関 -----------------------------------------------------------------------------------------


def offered(bank: BankInput) -> list[str]:
    return [c.label for c in bank.items] if bank.dropdown.display else []


async def test_bank_then_branch_completion_by_keyboard(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        bank = form.query_one("#f-deposit_bank", BankInput)
        await type_into(pilot, "deposit_bank", "ミズホ")
        await until(pilot, lambda: offered(bank)[:2] == ["みずほ銀行", "みずほ信託銀行"], what="banks offered")
        assert bank.dropdown.highlighted is None  # nothing chosen yet
        assert bank.dropdown.region.y > bank.region.y  # under the field, not over what is typed
        await pilot.press("down", "down", "up")
        assert bank.dropdown.highlighted == 0
        await pilot.press("enter")  # takes みずほ銀行, stays in the field, now offers its branches
        assert bank.value == "みずほ銀行\u3000"
        assert app.focused is bank
        await until(pilot, lambda: offered(bank)[:1] == ["みずほ銀行\u3000東京営業部"], what="branches offered")
        await pilot.press(*"よこはま")
        await until(pilot, lambda: offered(bank)[:1] == ["みずほ銀行\u3000横浜支店"], what="branches matching")
        await pilot.press("down", "tab")  # Tab takes it too
        assert bank.value == "みずほ銀行\u3000横浜支店"
        assert app.focused is bank
        await settle(pilot)
        assert offered(bank) == []
        assert form.raw["deposit_bank"] == "みずほ銀行\u3000横浜支店"
        assert message_at(form, "deposit_bank") == ""  # 全角 already: nothing to convert
        await pilot.press("tab")
        assert app.focused is not bank


async def test_escape_closes_the_list_and_enter_keeps_free_text(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        bank = form.query_one("#f-deposit_bank", BankInput)
        await type_into(pilot, "deposit_bank", "よこはま")
        await until(pilot, lambda: "横浜銀行" in offered(bank), what="banks offered")
        await pilot.press("escape")
        assert offered(bank) == [] and form is app.screen  # Esc closed the list, not the screen
        await pilot.press("down")  # ↓ opens it again, first one chosen
        assert offered(bank) and bank.dropdown.highlighted == 0
        await pilot.press("escape", *"銀行", "space", *"関内支店")
        await settle(pilot)
        assert offered(bank) == []  # 「よこはま銀行」 names no bank: free text, no list
        await pilot.press("enter")
        assert app.focused is not bank
        await settle(pilot)
        assert form.raw["deposit_bank"] == "よこはま銀行\u3000関内支店"


async def test_enter_on_an_open_list_with_nothing_chosen_moves_on_with_the_typed_text(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        bank = form.query_one("#f-deposit_bank", BankInput)
        await type_into(pilot, "deposit_bank", "みずほ")
        await until(pilot, lambda: bool(offered(bank)), what="banks offered")
        await pilot.press("enter")
        assert app.focused is not bank
        assert offered(bank) == []
        await settle(pilot)
        assert form.raw["deposit_bank"] == "みずほ"


# 万円 ------------------------------------------------------------------------------------------


async def test_large_amounts_echo_in_man_yen_too(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "contract_amount", "123456789")
        echo = form.query_one("#x-contract_amount", Static)
        assert str(echo.render()) == "123,456,789円（12,345万円）"
        assert "123,456,789円（12,345万円）" in screen_text(app)  # whole at 80 columns
        await type_into(pilot, "contract_amount", "9999999")
        assert str(echo.render()) == "9,999,999円"
        await type_into(pilot, "second_bid_amount", "123456")
        assert str(form.query_one("#x-second_bid_amount", Static).render()) == "123,456千円（12,345万円）"


async def test_an_unknown_code_takes_back_the_previous_codes_address_but_not_a_typed_one(demo_session):
    async with new_form(demo_session) as (app, pilot, form):
        await type_into(pilot, "send_zip", "231-0015")
        await until(pilot, lambda: address(form) == OBE, what="住所 filled from 〒")
        await type_into(pilot, "send_zip", "231-8463")
        await until(pilot, lambda: note_of(form) != "", what="the note under 〒")
        assert address(form) == "" and form.raw["send_address"] == ""
        await type_into(pilot, "send_address", "神奈川県横浜市中区尾上町1-6")
        await type_into(pilot, "send_zip", "999-9999")
        await until(pilot, lambda: note_of(form) != "", what="the note under 〒")
        assert address(form) == "神奈川県横浜市中区尾上町1-6"
