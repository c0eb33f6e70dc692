"""Looks of the 保証申込 screens at 80×24 (pytest-textual-snapshot). Update with --snapshot-update,
then review the SVGs: labels not cut, rows inside 80 columns, the focused field visible."""

from __future__ import annotations

from textual.widgets import Input

from esurety_tui.domain.fields import FIELD_BY_KEY
from esurety_tui.tui.screens.drafts import DraftsScreen
from tests.helpers.form import draft_with, make_app, message_at, settle
from tests.helpers.pilot import until

SIZE = (80, 24)


def open_new():
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.new_application()
        await settle(pilot)

    return run_before


def open_draft(app_id: int, *keys: str, focus: str | None = None):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_application(app_id)
        await settle(pilot)
        if focus:
            pilot.app.screen.query_one(f"#f-{focus}", Input).focus()
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_form_first_tab(snap_compare, demo_session):
    """A new application: 請負工事の情報, the orderer list focused, JV fields disabled."""
    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=open_new())


def test_form_guarantee_tab(snap_compare, demo_session):
    """保証の申込内容 of a filled draft with 契約保証 on: amounts echoed as 20,000,000円."""
    app_id = draft_with(demo_session, contract_apply="1", contract_guarantee_amount="5000000")
    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=open_draft(app_id, "f6"))


def problems_drawn(app) -> bool:
    """F9 refused, as the snapshot shows it: every problem's message shown in red, the first wrong
    field focused, its group inside the form's viewport on the laid-out screen (the scroll runs after a
    refresh), no after-refresh callback pending, and the toast on screen."""
    screen = app.screen
    problems = screen.validation.found
    first = screen.validation.first_problem()
    if not problems or first is None or screen.focused is not screen.query_one(f"#f-{first}"):
        return False
    if not all(message_at(screen, key) and screen.query_one(f"#e-{key}").has_class("error") for key in problems):
        return False
    group = screen.form.group_of(first)
    viewport = screen.query_one(f"#scroll-{FIELD_BY_KEY[first].section}").region
    toasts = screen.query("Toast")
    return (
        group is not None
        and group.region.height > 0
        and viewport.contains_region(group.region)
        and not screen._callbacks
        and bool(toasts)
        and all(t.region.height > 0 for t in toasts)
    )


def test_form_errors(snap_compare, demo_session):
    """F9 with mistakes: the 保証の申込内容 tab, focus on the first wrong field, messages in red."""
    app_id = draft_with(
        demo_session, advance_amount="30000000", deposit_bank="ﾖｺﾊﾏ銀行 ｶﾝﾅｲ支店", fiscal_year_amount="abc"
    )
    app = make_app(demo_session)
    # The toast is part of the look: it must outlive however long a loaded machine takes from F9 to the
    # snapshot (Textual's 5 s is wall-clock time).
    app.NOTIFICATION_TIMEOUT = 3600

    async def run_before(pilot) -> None:
        await open_draft(app_id)(pilot)
        await pilot.press("f9")
        await until(pilot, lambda: problems_drawn(app), what="the problems drawn")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_review(snap_compare, demo_session):
    """申込確認: read-only, grouped by tab, 和暦 dates and formatted amounts."""
    app_id = draft_with(demo_session)
    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=open_draft(app_id, "f9"))


def test_done(snap_compare, demo_session):
    """送信完了: 受付番号, 送信日時 in 和暦, 申込送信先, what happens next."""
    app_id = draft_with(demo_session)
    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=open_draft(app_id, "f9", "f9"))


def test_drafts(snap_compare, demo_session):
    """申込一覧: drafts first, then the sent ones with their 受付番号."""
    draft_with(demo_session, work_name="[bold]x[/] 市道改良工事")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(DraftsScreen())
        await settle(pilot)

    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_field_help(snap_compare, demo_session):
    """F4 on 前払金保証金額: the field's label and help."""
    app_id = draft_with(demo_session)
    assert snap_compare(
        make_app(demo_session), terminal_size=SIZE, run_before=open_draft(app_id, "f4", focus="advance_amount")
    )


def test_form_bank_completion(snap_compare, demo_session):
    """預託金融機関 typed 「みずほ銀行 よこはま」, ↓ pressed: the branch list under the field, the first one chosen,
    over the fields below and not over what is typed."""
    app_id = draft_with(demo_session, deposit_bank="")

    async def run_before(pilot) -> None:
        await open_draft(app_id, focus="deposit_bank")(pilot)
        await pilot.press(*"みずほ銀行", "space", *"よこはま")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=run_before)


def test_form_postal_code_filled(snap_compare, demo_session):
    """その他: 〒 231-0015 typed, 住所 filled from Japan Post's data; 送付先 fields in view."""
    app_id = draft_with(demo_session)

    async def run_before(pilot) -> None:
        await open_draft(app_id, focus="send_zip")(pilot)
        await pilot.press(*"231-0015")
        await settle(pilot)

    assert snap_compare(make_app(demo_session), terminal_size=SIZE, run_before=run_before)
