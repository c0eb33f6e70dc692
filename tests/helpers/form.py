"""Helpers for driving the 保証申込 screens with the Textual pilot (shared by behaviour and snapshot tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static, TabbedContent

from esurety_tui.domain.fields import DEFAULTS, FIELD_BY_KEY
from esurety_tui.tui.pilot import screen_text, settle

__all__ = ["screen_text", "settle"]  # re-exported for the form tests


def make_app(session):
    from esurety_tui.tui.app import NetDeskApp

    app = NetDeskApp(database=None, session=session)
    app.animation_level = "none"
    return app


async def open_new_form(pilot: Pilot):
    """The 保証申込 form of a new application, loaded."""
    pilot.app.new_application()
    await settle(pilot)
    return pilot.app.screen


@asynccontextmanager
async def new_form(session, size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[Any, Pilot, Any]]:
    """``async with new_form(session) as (app, pilot, form)``: the app as ``session``, at ``size``, on
    the loaded form of a new application."""
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        yield app, pilot, await open_new_form(pilot)


async def open_form(pilot: Pilot, application_id: int):
    pilot.app.open_application(application_id)
    await settle(pilot)
    return pilot.app.screen


async def show_tab(pilot: Pilot, section: str) -> None:
    pilot.app.screen.query_one("#app-tabs", TabbedContent).active = f"tab-{section}"
    await settle(pilot)


async def type_into(pilot: Pilot, key: str, text: str, *, clear: bool = True) -> None:
    """Go to the field's tab, focus its input and type ``text`` key by key; then settle (the change
    messages handled, the look-ups they start done)."""
    await show_tab(pilot, FIELD_BY_KEY[key].section)
    widget = pilot.app.screen.query_one(f"#f-{key}", Input)
    widget.focus()
    await settle(pilot)
    if clear:
        await pilot.press("end", "ctrl+u")
    if text:
        await pilot.press(*text)
    await settle(pilot)


def message_at(screen, key: str) -> str:
    """The message shown under a field ('' when hidden)."""
    widget = screen.query_one(f"#e-{key}", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def valid_raw(orderer_id: int, branch_id: int, **over: str) -> dict[str, str]:
    """A complete, valid draft (raw text as the form holds it)."""
    raw = dict(DEFAULTS)
    raw.update(
        orderer_id=str(orderer_id),
        branch_id=str(branch_id),
        work_name="河川維持（〇〇）工事",
        work_place="神奈川県川崎市",
        contract_amount="50000000",
        contract_date="20230401",
        start_date="20230403",
        end_date="20240329",
        advance_amount="20000000",
        deposit_bank="〇〇銀行 ××支店",
        award_date="20230320",
        receive_month="4",
        receive_day="10",
        email="soumu@example.jp",
    )
    raw.update(over)
    return raw


def draft_with(session, **over: str) -> int:
    """A saved draft of the demo company, valid unless ``over`` says otherwise."""
    from esurety_tui.services import applications
    from esurety_tui.store.models import Branch, Orderer

    kawasaki = Orderer.get(Orderer.name == "川崎市長")
    branch = Branch.get(Branch.name == "神奈川支店")
    app_id = applications.new_draft(session)
    applications.save_draft(session, app_id, valid_raw(kawasaki.id, branch.id, **over))
    return app_id


async def burst(pilot: Pilot, *keys: str) -> None:
    """Deliver keys all at once, as a slow SSH link does after a stall (pilot.press waits after each);
    then settle (every key handled)."""
    from textual import events

    chars = {"enter": "\r", "tab": "\t", "space": " "}
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else chars.get(key))
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await settle(pilot)
