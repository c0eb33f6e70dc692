"""The seed's whole story in one Pilot test, by keyboard at 80×24, in one app as three people use it:
the contractor sends an application → the branch accepts and issues → the notice mail reaches a real
SMTP server (aiosmtpd on loopback) → the contractor opens the key and submits to the orderer → the
orderer opens the certificate on D-Sure with that number and key → a 変更 adds a history row → D-Sure
shows the new version → a key reissue makes the old key fail."""

from __future__ import annotations

import email
import email.policy
import io
import os
from pathlib import Path

from pypdf import PdfReader

from esurety_tui.services import keys
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.store.models import Application, Guarantee, Mail
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.branch.application import BranchApplicationScreen
from esurety_tui.tui.screens.branch.contract import BranchContractScreen
from esurety_tui.tui.screens.branch.forms import AmendScreen
from esurety_tui.tui.screens.branch.top import BranchTopScreen
from esurety_tui.tui.screens.detail import DetailScreen
from esurety_tui.tui.screens.done import DoneScreen
from esurety_tui.tui.screens.drafts import DraftsScreen
from esurety_tui.tui.screens.dsure import DSureLoginScreen
from esurety_tui.tui.screens.login import LoginScreen
from esurety_tui.tui.screens.review import ReviewScreen
from esurety_tui.tui.screens.top import TopScreen
from tests.conftest import session_of
from tests.helpers.form import draft_with
from tests.helpers.pilot import answer_yes, log_in, screen_text, settle, type_text, until
from tests.test_mail import smtp  # noqa: F401  (the aiosmtpd fixture)

SIZE = (80, 24)
WORK = "ループ確認護岸工事"
ORDERER_ADDRESS = "keiyaku@city.kawasaki.example"


async def _logout(pilot, app) -> None:
    await pilot.press("f3")
    await settle(pilot, app)
    assert isinstance(app.screen, LoginScreen)


async def _search_and_open(pilot, app, text: str) -> None:
    await pilot.press("ctrl+f")
    await type_text(pilot, text)
    await pilot.press("enter")  # searches now and moves to the list
    await until(pilot, lambda: app.screen.window.total == 1, what=f"one row for {text}")
    await pilot.press("enter")
    await settle(pilot, app)


async def _dsure(pilot, app, number: str, key: str) -> str:
    await pilot.press("f5")
    await settle(pilot, app)
    assert isinstance(app.screen, DSureLoginScreen)
    await type_text(pilot, number)
    await pilot.press("enter")
    await type_text(pilot, key)
    await pilot.press("enter")
    await settle(pilot, app)
    text = screen_text(app)
    await pilot.press("escape")
    await settle(pilot, app)
    if not isinstance(app.screen, LoginScreen):  # from the certificate: back to the D-Sure log-in, then out
        await pilot.press("escape")
        await settle(pilot, app)
    return text


def _messages(recorder) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in recorder.messages]


async def test_the_whole_loop_from_application_to_dsure_by_keyboard(demo_db, smtp):  # noqa: F811
    recorder, port = smtp()
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nmail_from = "netdesk@ejcs.example"\n'
    )
    Mail.delete().execute()  # the demo's own notices are not this story's
    draft_with(
        session_of("demo"),
        work_name=WORK,
        notify="yes",
        email="keiri@maru.example",
        contract_apply="",
        contract_guarantee_amount="",
    )
    from esurety_tui.store.models import Orderer

    Orderer.update(email=ORDERER_ADDRESS).where(Orderer.name == "川崎市長").execute()

    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # 1. The contractor sends the application: 申込一覧 → the draft → 申込確認 → 送信.
        await log_in(pilot, "demo")
        assert isinstance(app.screen, TopScreen)
        await pilot.press("f5")
        await settle(pilot, app)
        assert isinstance(app.screen, DraftsScreen)
        await pilot.press("enter")  # drafts first, the newest on top
        await settle(pilot, app)
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        assert WORK in screen_text(app)
        await pilot.press("f9")
        await settle(pilot, app)
        assert isinstance(app.screen, DoneScreen)
        application = Application.get(Application.work_name == WORK)
        assert application.status == "送信済"
        await _logout(pilot, app)

        # 2. The branch accepts and issues (each asked first); 3. the mail goes out.
        await log_in(pilot, "branch")
        assert isinstance(app.screen, BranchTopScreen)
        await _search_and_open(pilot, app, "ループ確認")
        assert isinstance(app.screen, BranchApplicationScreen)
        assert WORK in screen_text(app)
        await pilot.press("f5")
        await answer_yes(pilot)
        assert Application.get_by_id(application.id).status == "引受"
        await pilot.press("f9")
        await answer_yes(pilot)
        assert Application.get_by_id(application.id).status == "発行済"
        g = Guarantee.get(Guarantee.application == application.id)
        number, first_key = g.number, g.auth_key
        await until(pilot, lambda: len(recorder.messages) >= 1, what="the notice mail at the SMTP server")
        (notice_mail,) = _messages(recorder)
        assert notice_mail["Subject"] == "電子保証（認証キー）発行完了のお知らせ"
        assert notice_mail["To"] == "keiri@maru.example"
        assert number in notice_mail.get_content() and first_key not in recorder.messages[0][1].decode(
            "utf-8", "replace"
        )
        await _logout(pilot, app)

        # 4. The contractor opens 電子保証概要, sees the key, and submits to the orderer.
        await log_in(pilot, "demo")
        await pilot.press("f6")  # 電子保証(認証キー)
        await settle(pilot, app)
        await _search_and_open(pilot, app, number)
        assert isinstance(app.screen, DetailScreen)
        shown = screen_text(app)
        assert number in shown and first_key in shown
        await pilot.press("f7")
        await until(
            pilot,
            lambda: app.screen.query_one("#submit-to").value == ORDERER_ADDRESS,
            what="the orderer's address from the master",
        )
        await pilot.press("enter")
        await until(pilot, lambda: len(recorder.messages) >= 2, what="the submission at the SMTP server")
        submission = _messages(recorder)[1]
        assert submission["To"] == ORDERER_ADDRESS
        body = submission.get_body(preferencelist=("plain",)).get_content()
        assert number in body and WORK in body and first_key not in body
        (pdf,) = [part for part in submission.iter_attachments() if part.get_content_type() == "application/pdf"]
        pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
        assert first_key in pdf_text and number in pdf_text
        await _logout(pilot, app)

        # 5. The orderer, on D-Sure from the log-in screen, with that number and key.
        text = await _dsure(pilot, app, number, first_key)
        assert "前払金保証書" in text and WORK in text and "新規" in text

        # 6. The branch records a 変更 (amount raised): a new history row.
        await log_in(pilot, "branch")
        await pilot.press("f6", "f6")  # 保証契約一覧
        await settle(pilot, app)
        await _search_and_open(pilot, app, number)
        assert isinstance(app.screen, BranchContractScreen)
        await pilot.press("f8")
        await settle(pilot, app)
        assert isinstance(app.screen, AmendScreen)
        field = app.screen.query_one("#f-guarantee_amount")
        field.focus()
        field.value = ""
        await type_text(pilot, "21000000")
        await pilot.press("f9")
        await settle(pilot, app)
        await answer_yes(pilot)
        assert [v.kind for v in Guarantee.get_by_id(g.id).versions] == ["新規", "変更"]
        assert "変更" in screen_text(app)

        # 7. 認証キーの再発行: the old key stops opening D-Sure at once.
        await pilot.press("f10")
        await answer_yes(pilot)
        second_key = Guarantee.get_by_id(g.id).auth_key
        assert second_key != first_key
        await _logout(pilot, app)

        text = await _dsure(pilot, app, number, second_key)
        assert "変更" in text and "21,000,000" in text
        text = await _dsure(pilot, app, number, first_key)
        assert "前払金保証書" not in text
        assert keys.verify_key(number, first_key) is False and keys.verify_key(number, second_key) is True
        assert keys.lookup_key(SYSTEM_SESSION, number) == second_key
