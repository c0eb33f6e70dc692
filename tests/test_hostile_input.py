"""Hostile input (issue 10 §1, §3): nothing crashes, nothing is shown as markup or raw escapes,
nothing is stored that cannot be printed, and the limits are said at the field."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from esurety_tui.domain.fields import FIELD_BY_KEY, FIELDS, Kind
from esurety_tui.domain.money import MAX_AMOUNT, parse_amount, parse_count
from esurety_tui.domain.rules import validate_application
from esurety_tui.domain.text import clean_input, pdf_unsupported, printable
from tests.helpers.cases import kawasaki, valid_raw

# The hostile corpus: (text, what the screen must show of it, literally).
CORPUS = [
    ("[/bold]閉じタグ工事", "[/bold]閉じタグ工事"),
    ("[link=http://e.com]リンク工事[/link]", "[link=http://e.com]リンク工事[/link]"),
    ("[b]太字[/b]工事", "[b]太字[/b]工事"),
    ("\x1b[2J\x1b]0;owned\x07消去工事", "\\x1b[2J\\x1b]0;owned\\x07消去工事"),
    ("\u202e事工転反", "\\u202e事工転反"),
    ("NUL\x00工事", "NUL\\x00工事"),
    ("長" * 10_000, "長長長長長長"),
    ("😀絵文字工事", "絵文字工事"),
    ("ﾊﾝｶｸｶﾅ工事", "ﾊﾝｶｸｶﾅ工事"),
]
IDS = ["close-tag", "link", "bold", "escapes", "rtl", "nul", "10000", "emoji", "halfwidth-kana"]


# --- numbers ---------------------------------------------------------------------------------


def test_4400_digits_in_an_amount_is_a_message_not_a_crash():
    """Old code: ValueError 'Exceeds the limit (4300 digits) for integer string conversion'."""
    v = validate_application(
        valid_raw(contract_amount="9" * 4400, bidders="9" * 4400, receive_month="9" * 4400, orderer_id="9" * 4400),
        kawasaki(),
    )
    assert "以下で入力してください" in v.problems["contract_amount"]
    assert "999以下" in v.problems["bidders"]
    assert "1〜12" in v.problems["receive_month"]
    assert "orderer_id" in v.problems


def test_amounts_have_15_digits_at_most():
    """Old code: 10**22 passed, and 送信 failed with 'Python int too large to convert to SQLite INTEGER'."""
    assert parse_amount("999,999,999,999,999") == MAX_AMOUNT == 999_999_999_999_999
    for text in (str(10**15), str(10**22), "1,000,000,000,000,000円", "1,000,000,000,000千円"):
        with pytest.raises(ValueError, match="999,999,999,999,999円以下"):
            parse_amount(text, label="請負金額")
    with pytest.raises(ValueError, match="以下"):
        parse_amount(str(10**12), label="二番札入札金額", unit="千円")  # 10**15 yen
    v = validate_application(valid_raw(contract_amount=str(10**22)), kawasaki())
    assert v.problems["contract_amount"] == "請負金額は999,999,999,999,999円以下で入力してください。"


def test_counts_have_three_digits_at_most():
    assert parse_count("999", label="入札参加者数") == 999
    with pytest.raises(ValueError, match="999以下"):
        parse_count("1000", label="入札参加者数")


# --- text ------------------------------------------------------------------------------------


def test_every_typed_field_has_a_maximum_length():
    typed = [f for f in FIELDS if f.kind not in (Kind.CHOICE, Kind.FLAG, Kind.REF)]
    assert all(f.max_length > 0 for f in typed), [f.key for f in typed if not f.max_length]
    assert FIELD_BY_KEY["work_name"].max_length == 100


def test_too_long_text_is_refused_at_the_field():
    """Old code: 10,000-character names were accepted (and cut without a word in the PDFs)."""
    ok = validate_application(valid_raw(work_name="工" * 100), kawasaki())
    assert "work_name" not in ok.problems
    v = validate_application(valid_raw(work_name="工" * 10_000), kawasaki())
    assert v.problems["work_name"] == "工事名は100文字以内で入力してください（10000文字）。"


@pytest.mark.parametrize("text", ["河川\x01\x7f工事", "\u202e事工", "河\u200e川", "河\u2066川\u2069"])
def test_control_and_format_characters_are_refused_in_stored_text(text):
    """Old code: \\x01\\x7f and U+202E were stored invisibly."""
    v = validate_application(valid_raw(work_name=text), kawasaki())
    assert "制御文字" in v.problems["work_name"]


def test_clean_input_drops_control_and_format_characters_in_order():
    assert clean_input("AB\x1b[2JCD") == "AB[2JCD"
    assert clean_input("A\x01\x7fB\u202eC\u200e\u200fD\u2066E\u2069\tF") == "ABCDE F"
    assert clean_input("\ud800X\udcff") == "X"


def test_printable_escapes_format_characters_and_surrogates():
    """Old code: U+202E went to the terminal raw (`esurety contracts`, the TUI)."""
    assert printable("\u202e工事\u200f") == "\\u202e工事\\u200f"
    assert printable("a\udcffb") == "a\\udcffb"
    assert printable("\x1b[31m") == "\\x1b[31m"


@pytest.mark.parametrize("ch", ["𠮷", "😀", "\ue000"])
def test_glyphs_the_pdf_font_lacks_are_refused_at_the_field(ch):
    """Old code: 𠮷 and emoji vanished silently from the PDFs."""
    v = validate_application(valid_raw(work_name=f"{ch}野家工事"), kawasaki())
    assert v.problems["work_name"].startswith(f"工事名の「{printable(ch)}」は書類（PDF）に印字できない")


def test_the_glyph_allowlist_agrees_with_the_embedded_font():
    """Everything pdf_unsupported lets through is in the font the PDFs embed (IPAex / IPA Gothic)."""
    from esurety_tui.documents import fonts

    info = fonts.font_info()
    if not info.embedded:
        pytest.skip("no Japanese TrueType font here")
    from reportlab.pdfbase.pdfmetrics import getFont

    cmap = getFont(info.name).face.charToGlyph
    allowed = [chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000 and not pdf_unsupported(chr(c))]
    assert len(allowed) > 7000
    missing = [c for c in allowed if ord(c) not in cmap]
    assert missing == []
    assert pdf_unsupported("髙﨑①㈱ｱ〜－〇×") == ""


@pytest.mark.parametrize("kind", ["notice", "certificate"])
def test_a_max_length_name_prints_whole(kind):
    """Old code cut 工事名 at 300 (notice) / 200 (certificate) characters: at the maxima of every free
    field, the PDF shows each value whole."""
    from esurety_tui.documents import CertificateData, NoticeData, render_certificate, render_notice
    from esurety_tui.services.auth import COMPANY_MAX_LENGTH

    def full(n: int, mark: str) -> str:
        return (mark + "工事名長い名前の橋梁補修") * (n // 12) + mark * (n % 12)

    work = full(FIELD_BY_KEY["work_name"].max_length, "Ａ")
    place = full(FIELD_BY_KEY["work_place"].max_length, "Ｂ")
    jv = full(FIELD_BY_KEY["jv_name"].max_length, "Ｃ")
    company = full(COMPANY_MAX_LENGTH, "Ｄ")
    bank = full(FIELD_BY_KEY["deposit_bank"].max_length, "Ｅ")
    if kind == "notice":
        pdf = render_notice(
            NoticeData(
                issue_date=date(2023, 4, 3),
                addressee=company,
                contractor_name=company,
                product_name="前払金保証",
                contract_number="35072-00000M",
                auth_key="Z28YUE4J3Bux",
                values={"work_name": work},
            )
        )
        needles = [work, company]
    else:
        pdf = render_certificate(
            CertificateData(
                kind="advance",
                contract_number="35072-00000M",
                contractor_name=company,
                version_kind="新規",
                version_no=1,
                issued_at=datetime(2023, 4, 3, 13, 0),
                values={
                    "advance_amount": MAX_AMOUNT // 3,
                    "contract_amount": MAX_AMOUNT,
                    "work_name": work,
                    "work_place": place,
                    "orderer_id": "川崎市長",
                    "jv_kind": "jv",
                    "jv_name": jv,
                    "start_date": date(2023, 4, 3),
                    "end_date": date(2024, 3, 29),
                    "deposit_bank": bank,
                },
            )
        )
        needles = [work, place, jv, company, "999,999,999,999,999円"]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    for needle in needles:
        assert needle in text, needle[:20]


# --- storage and the shell -------------------------------------------------------------------


def test_a_surrogate_in_a_draft_is_refused_with_a_message(demo_session):
    """Old code: UnicodeEncodeError from SQLite."""
    from esurety_tui.services import applications
    from esurety_tui.services.errors import ServiceError

    app_id = applications.new_draft(demo_session)
    applications.save_draft(demo_session, app_id, valid_raw(work_name="正しい工事"))
    with pytest.raises(ServiceError, match="UTF-8でない"):
        applications.save_draft(demo_session, app_id, valid_raw(work_name="工事\udcff"))
    assert applications.load_draft(demo_session, app_id)["work_name"] == "正しい工事"
    v = validate_application(valid_raw(work_name="工事\ud800"), kawasaki())
    assert "UTF-8でない" in v.problems["work_name"]


def _esurety(tmp_path, *args: bytes) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, ESURETY_HOME=str(tmp_path / "home"), PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    return subprocess.run(
        [sys.executable, "-m", "esurety_tui", *args], input=b"s3cret-pw\n", capture_output=True, env=env, timeout=120
    )


def test_user_add_with_non_utf8_bytes_is_refused(tmp_path):
    """Old code: `esurety user add x --company $'\\xff'` ended in a UnicodeEncodeError traceback."""
    done = _esurety(tmp_path, b"user", b"add", b"x", b"--company", b"\xff")
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert err.startswith("esurety: ") and err.count("\n") == 1 and "UTF-8でない" in err
    assert "Traceback" not in err


def test_user_add_refuses_a_company_name_the_pdf_cannot_print(demo_db):
    from esurety_tui.services import auth
    from esurety_tui.services.errors import ServiceError
    from esurety_tui.services.session import SYSTEM_SESSION

    with pytest.raises(ServiceError, match="印字できない"):
        auth.add_user(SYSTEM_SESSION, "yoshi", "pass-word", company="𠮷田建設")
    with pytest.raises(ServiceError, match="制御文字"):
        auth.add_user(SYSTEM_SESSION, "rtl", "pass-word", company="\u202e設建")


def test_contracts_escapes_format_characters(demo_db, capsys):
    """Old code: `esurety contracts` printed U+202E raw."""
    from esurety_tui import cli
    from esurety_tui.store import queries
    from esurety_tui.store.db import close_database
    from esurety_tui.store.models import Guarantee

    g = Guarantee.get(Guarantee.number == "35072-00000M")
    g.work_name = "河川\u202e事工\u2066x\u2069"
    queries.refresh_search_text(g)
    g.save()
    close_database()
    assert cli.main(["--database", str(demo_db), "contracts", "--search", "35072-00000M"]) == 0
    out = capsys.readouterr().out
    assert "河川\\u202e事工\\u2066x\\u2069" in out
    assert "\u202e" not in out and "\u2066" not in out


# --- the terminal: pastes and inputs ---------------------------------------------------------


def test_a_paste_holding_esc_arrives_whole_and_in_order():
    """Textual 8.2.8 turned the paste 'AB<ESC>[2JCD' into the keys '^[2JCD' and then the paste 'AB'."""
    from textual import events
    from textual._xterm_parser import XTermParser

    from esurety_tui.tui import patches  # noqa: F401

    parser = XTermParser(debug=False)
    got = list(parser.feed("\x1b[200~AB\x1b[2JCD\x1b[201~"))
    assert [(type(e), e.text) for e in got] == [(events.Paste, "AB[2JCD")]
    # Split over reads, the end marker too.
    got = [*parser.feed("x\x1b[200~AB\x1b"), *parser.feed("[2JCD\x1b[20"), *parser.feed("1~y")]
    assert [type(e).__name__ for e in got] == ["Key", "Paste", "Key"]
    assert got[1].text == "AB[2JCD"


async def test_the_input_drops_controls_from_pastes_and_keeps_the_maximum(demo_session):
    from textual import events

    from tests.helpers.form import make_app, open_new_form, settle, show_tab

    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_form(pilot)
        await show_tab(pilot, "work")
        field = screen.query_one("#f-work_name")
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("AB\x1b[2JCD\x01\x7f\u202eEF"))
        await settle(pilot)
        assert field.value == "AB[2JCDEF"
        assert screen.raw["work_name"] == "AB[2JCDEF"
        field.post_message(events.Paste("長" * 10_000))
        await settle(pilot)
        assert field.value == "AB[2JCDEF" + "長" * 91  # cut at 100, not refused whole
        assert any("100文字まで" in n.message for n in app._notifications)
        await pilot.press("x")  # full: nothing more goes in
        assert len(field.value) == 100


# --- every screen, the palette, toasts and help ----------------------------------------------


def _plant(text: str) -> None:
    """Put ``text`` in every free field of the seed contract (all its versions) and of its orderer."""
    from esurety_tui.store import queries
    from esurety_tui.store.models import CertificateVersion, Guarantee

    g = Guarantee.get(Guarantee.number == "35072-00000M")
    g.work_name, g.jv_name, g.deposit_bank = text, text, text
    queries.refresh_search_text(g)
    g.save()
    CertificateVersion.update(work_name=text).where(CertificateVersion.guarantee == g).execute()


def _seen(app) -> str:
    from tests.helpers.pilot import screen_text

    return screen_text(app)


@pytest.mark.parametrize("text, shown", CORPUS, ids=IDS)
async def test_hostile_text_on_every_netdesk_screen(demo_session, text, shown):
    from textual import events

    from esurety_tui.tui.app import NetDeskApp
    from esurety_tui.tui.screens.certificate import CertificateScreen
    from esurety_tui.tui.screens.detail import DetailScreen
    from esurety_tui.tui.screens.help import HelpScreen
    from tests.helpers.pilot import palette_shows, settle, until

    _plant(text)
    session = replace(demo_session, company_name=text[:200])
    app = NetDeskApp(session=session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, app)
        # 全体トップ and its search (pasted: the 10,000 characters too).
        await pilot.press("ctrl+f")
        app.screen.focused.post_message(events.Paste(text))
        await until(
            pilot,
            lambda: clean_input(text)[:100] == app.screen.query_one("#search").value,
            what="the pasted search text",
        )
        app.screen.query_one("#search").value = "35072-00000M"
        await until(pilot, lambda: shown[:6] in _seen(app), what="the hostile work name listed")
        # The palette: the contract found by number shows the work name in its hits.
        await pilot.press("ctrl+p")
        await pilot.press(*"35072-00000M")
        await palette_shows(pilot, "35072-00000M")
        palette = _seen(app)
        assert shown[:8] in palette
        await pilot.press("escape")
        await settle(pilot, app)
        # 電子保証概要, its help, 電子保証.
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert shown[:8] in _seen(app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        app.push_screen(CertificateScreen(app.screen.detail.versions[0].id))
        await settle(pilot, app)
        assert shown[:8] in _seen(app)
        # A toast with a path holding markup (ESURETY_EXPORTS) and the text.
        app.notify(f"PDFを保存しました: /tmp/[/x]/{text}", title=text[:20])
        await until(pilot, lambda: "/tmp/[/x]/" in re.sub(r"[ ▌│╰╯─▎▊]", "", _seen(app)), what="the toast")
        assert app.is_running


@pytest.mark.parametrize("text, shown", CORPUS, ids=IDS)
async def test_hostile_text_in_drafts_form_and_review(demo_session, text, shown):
    from esurety_tui.tui.screens.application import ApplicationScreen
    from esurety_tui.tui.screens.drafts import DraftsScreen
    from esurety_tui.tui.screens.review import ReviewScreen
    from tests.helpers.form import draft_with, make_app, settle

    app_id = draft_with(demo_session, work_name=text, send_name=text, second_bidder=text)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DraftsScreen())
        await settle(pilot)
        assert shown[:6] in _seen(app)
        app.open_application(app_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApplicationScreen)
        assert screen.query_one("#f-work_name").value == clean_input(text)  # no raw control to the terminal
        await pilot.press("f9")
        await settle(pilot)
        v = validate_application({**screen.raw}, kawasaki())
        if "work_name" in v.problems:  # refused at the field, literally
            assert isinstance(app.screen, ApplicationScreen)
        else:
            assert isinstance(app.screen, ReviewScreen)  # the controls were dropped on the way in
            assert clean_input(text)[:8] in _seen(app)
        await pilot.press("f1")
        await settle(pilot)
        assert app.is_running


@pytest.mark.parametrize("text", [t for t, _ in CORPUS], ids=IDS)
async def test_hostile_text_at_login(demo_db, text):
    from textual import events

    from esurety_tui.services import auth
    from esurety_tui.tui.app import NetDeskApp
    from tests.helpers.pilot import settle

    app = NetDeskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#login-id").post_message(events.Paste(text))
        await pilot.pause()
        assert app.screen.query_one("#login-id").value == clean_input(text)[:64]
        app.screen.query_one("#password").focus()
        app.screen.query_one("#password").post_message(events.Paste(text))
        await pilot.press("enter")
        await settle(pilot, app)
        assert auth.WRONG_LOGIN in _seen(app)


# --- the palette offers only the app's own commands ------------------------------------------


async def test_palette_offers_only_japanese_commands(demo_session):
    """Old code offered Textual's Keys, Maximize, Quit, Screenshot, Theme (in English)."""
    from esurety_tui.tui.app import NetDeskApp
    from tests.helpers.pilot import palette_shows, settle

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await palette_shows(pilot, "終了")
        shown = _seen(app)
        for english in ("Keys", "Maximize", "Quit", "Screenshot", "Theme"):
            assert english not in shown
        assert "全体トップへ" in shown and "終了" in shown
        assert [c.title for c in app.get_system_commands(app.screen)] == ["終了"]


async def test_a_screenshot_goes_to_the_exports_folder_private(demo_session, tmp_path):
    import stat

    from esurety_tui.tui.app import NetDeskApp
    from tests.helpers.pilot import settle

    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.action_screenshot()
        await settle(pilot, app)
    shots = list((tmp_path / "exports").glob("*.svg"))
    assert len(shots) == 1
    assert stat.S_IMODE(shots[0].stat().st_mode) == 0o600


async def test_orderer_and_branch_names_are_literal_in_the_form(demo_session):
    """Names from the masters reach the form's drop-downs as text, not markup."""
    from textual.widgets import Select

    from esurety_tui.store.models import Branch, Orderer
    from tests.helpers.form import make_app, open_new_form, settle, show_tab

    Orderer.update(name="[/bold]川崎市長").where(Orderer.name == "川崎市長").execute()
    Branch.update(name="[b]神奈川支店[/b]").where(Branch.name == "神奈川支店").execute()
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_form(pilot)
        await show_tab(pilot, "work")
        select = screen.query_one("#f-orderer_id", Select)
        select.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "[/bold]川崎市長" in _seen(app)
        await pilot.press("escape")
        await show_tab(pilot, "info")
        branch = screen.query_one("#f-branch_id", Select)
        branch.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "[b]神奈川支店[/b]" in _seen(app)
        assert app.is_running


async def test_a_pdf_saved_under_an_exports_path_holding_markup(demo_session, tmp_path, monkeypatch):
    """Old code: MarkupError from the 「PDFを保存しました: …」 toast when ESURETY_EXPORTS holds `[/x]`."""
    from esurety_tui.tui.app import NetDeskApp
    from tests.helpers.pilot import settle

    exports = tmp_path / "[/x]" / "[b]out"
    monkeypatch.setenv("ESURETY_EXPORTS", str(exports))
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        await pilot.press("f5")
        for _ in range(50):
            await settle(pilot, app)
            if app.last_export is not None:
                break
        assert app.last_export is not None and app.last_export.parent == exports
        messages = [n.message for n in app._notifications]
        assert any(f"PDFを保存しました: {exports}" in m for m in messages), messages
        assert app.is_running
