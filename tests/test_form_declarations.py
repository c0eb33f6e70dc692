"""The form is declared once (domain.fields): a field added there is in the form, in 申込確認, in the
branch's 申込内容, in the draft and in its column, with nothing else written for it; declared printable
(``prints=``), it is on the certificate too.

担当者電話番号 (contact_phone) is the worked example of ARCHITECTURE.md's "how to add a field": its
declaration and its migration step are all it took."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

from pypdf import PdfReader
from rich.console import Console
from textual.widgets import Input, Static

from esurety_tui.domain import fields
from esurety_tui.domain.fields import FIELD_BY_KEY, FIELDS, ROWS, Print, When
from esurety_tui.domain.rules import validate_application
from esurety_tui.services import applications, contracts, exports, issuing
from esurety_tui.store.models import Application, form_column_name
from esurety_tui.tui.screens.application import ApplicationScreen
from esurety_tui.tui.screens.branch.application import BranchApplicationScreen
from esurety_tui.tui.screens.certificate import certificate_table
from esurety_tui.tui.screens.review import ReviewScreen
from esurety_tui.tui.widgets.application_form import gates
from esurety_tui.tui.widgets.summary import SummarySections
from tests.conftest import session_of
from tests.helpers.cases import kawasaki, valid_raw
from tests.helpers.form import draft_with, make_app, open_form, open_new_form, settle, type_into
from tests.helpers.pilot import until

PHONE = "045-662-8203 内線123"


def summary_value(screen, label: str) -> str | None:
    """The value shown beside ``label`` in a read-only summary (申込確認, 申込内容), None if not listed."""
    for row in screen.query(SummarySections).first().query(".rv-row"):
        cells = list(row.query(Static))
        if str(cells[0].render()) == label:
            return str(cells[1].render())
    return None


def test_every_declared_field_has_its_column():
    columns = set(Application._meta.fields)
    assert {form_column_name(f) for f in FIELDS} <= columns


def test_enabling_in_the_form_is_what_the_rules_read():
    """One condition per field: a field the form greys out is not validated, and the other way round."""
    raw = valid_raw(jv_kind="single", receive_method="counter", advance_apply="1", intermediate="")
    on = gates(raw)
    values = validate_application({**raw, "jv_name": "x", "receive_month": "13"}, kawasaki())
    for key, enabled in on.items():
        if not enabled:
            assert key not in values.values and key not in values.found, key
    assert on["jv_name"] is False and on["receive_month"] is False and on["visit_month"] is True
    assert FIELD_BY_KEY["jv_name"].enabled_when == (When("jv_kind", "jv"),)
    assert [f.key for f in ROWS["来店予定日"]] == ["visit_month", "visit_day", "visit_hour"]


def test_problems_are_codes_with_their_field():
    v = validate_application(valid_raw(work_name="", email="x@"), kawasaki())
    assert (v.found["work_name"].code, v.found["work_name"].params) == ("required", {"label": "工事名"})
    assert v.found["email"].code == "email_format"
    assert v.problems["work_name"] == "「工事名」は必須です。"  # the text comes from the code


async def test_added_field_is_in_the_form_and_round_trips_the_draft(demo_session):
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        row = form.query_one("#r-contact_phone")
        assert str(row.query_one(".label", Static).render()) == "担当者電話番号"
        await type_into(pilot, "contact_phone", PHONE)
        await until(
            pilot,
            lambda: (
                form.application_id is not None
                and json.loads(Application.get_by_id(form.application_id).draft).get("contact_phone") == PHONE
            ),
            what="the draft saved with the telephone number",
        )
        app_id = form.application_id

    app2 = make_app(demo_session)
    async with app2.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, app_id)
        assert isinstance(form, ApplicationScreen)
        assert form.query_one("#f-contact_phone", Input).value == PHONE


async def test_added_field_is_in_the_review_and_the_branch_view_and_its_column(demo_session):
    app_id = draft_with(demo_session, contact_phone=PHONE)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, app_id)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert summary_value(app.screen, "担当者電話番号") == PHONE

    raw = applications.load_draft(demo_session, app_id)
    applications.submit(demo_session, app_id, raw)
    assert Application.get_by_id(app_id).contact_phone == PHONE  # the typed column, filled on 送信

    branch = make_app(session_of("branch"))
    async with branch.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        branch.push_screen(BranchApplicationScreen(app_id))
        await until(pilot, lambda: len(branch.screen.query(SummarySections)) > 0, what="申込内容 shown")
        assert summary_value(branch.screen, "担当者電話番号") == PHONE


def test_added_field_declared_printable_is_on_the_certificate(demo_session, monkeypatch):
    """担当者電話番号 is not printed as declared; with ``prints=(Print(),)`` added to its declaration (and
    nothing in documents/, the services or the screens) the certificate PDF and the 電子保証 screen show it."""
    app_id = draft_with(demo_session, contact_phone=PHONE)
    applications.submit(demo_session, app_id, applications.load_draft(demo_session, app_id))
    branch = session_of("branch")
    issuing.accept(branch, app_id)
    number = issuing.issue(branch, app_id)[0]

    def certificate_text() -> str:
        view = contracts.version_by_seq(branch, number, None)
        _, pdf = exports.certificate_pdf(branch, view.version_id)
        return re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())

    def screen_text() -> str:
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(certificate_table(contracts.version_by_seq(branch, number, None)))
        return console.export_text()

    assert "担当者電話番号" not in certificate_text() and "担当者電話番号" not in screen_text()
    printable = replace(FIELD_BY_KEY["contact_phone"], prints=(Print(),))
    monkeypatch.setattr(fields, "FIELDS", tuple(printable if f.key == "contact_phone" else f for f in FIELDS))
    text = certificate_text()
    assert "担当者電話番号" in text and re.sub(r"\s+", "", PHONE) in text
    # after the declared rows (place 500 by default), before the certificate's 版 and 発行日時
    assert text.index("預託金融機関") < text.index("担当者電話番号") < text.index("発行日時")
    assert "担当者電話番号" in screen_text() and PHONE in screen_text()
