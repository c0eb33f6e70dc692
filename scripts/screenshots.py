"""Regenerate screenshots/*.svg: every screen at 80×24 from the demo data (fixed clock and keys).

python scripts/screenshots.py [OUTDIR]
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (80, 24)


sys.path.insert(0, str(ROOT))  # run from a checkout: the package beside this script
from esurety_tui.domain.seed_case import valid_raw as _valid_raw  # noqa: E402
from esurety_tui.tui.pilot import settle  # noqa: E402  (the same pilot steps as the tests)
from esurety_tui.tui.pilot import type_text as _type  # noqa: E402


async def _settle(pilot) -> None:
    await settle(pilot, pilot.app)


def _scenes():
    """(file name, logged in? (True: demo, or a login), steps) for every screen."""

    async def login_failed(p):
        await _type(p, "demo")
        await p.press("enter")
        await _type(p, "nope")
        await p.press("enter")

    async def search(p):
        await p.press("ctrl+f")
        await _type(p, "河川")
        await p.press("enter")

    def tab(n: int):
        async def go(p):
            for _ in range(n):
                await p.press("f6")

        return go

    async def detail(p):
        p.app.open_contract("35072-00000M")

    async def certificate(p):
        p.app.open_contract("35072-00000M")
        await _settle(p)
        await p.press("enter")

    async def help_top(p):
        await p.press("f1")

    async def palette(p):
        from esurety_tui.tui.pilot import screen_text, until

        await p.press("ctrl+p")
        await _type(p, "35072")
        await until(p, lambda: "35072-00000M" in screen_text(p.app), what="the palette's hit")

    async def branch_application(p):
        await p.press("enter")

    async def branch_contract(p):
        p.app.open_contract("35072-00000M")

    async def branch_amend(p):
        p.app.open_contract("35072-00000M")
        await _settle(p)
        await p.press("f8")

    async def orderers(p):
        await p.press("f4")

    async def form(p):
        p.app.new_application()

    async def form_tab2(p):
        p.app.new_application()
        await _settle(p)
        await p.press("f6")

    async def drafts(p):
        await p.press("f5")

    def filled_draft(*keys: str):
        async def go(p):
            from esurety_tui.services import applications

            app_id = applications.new_draft(p.app.session)
            applications.save_draft(p.app.session, app_id, _valid_raw())
            p.app.open_application(app_id)
            await _settle(p)
            for key in keys:
                await p.press(key)
                await _settle(p)

        return go

    def lookup(field: str, *keys: str, empty: tuple[str, ...] = ()):
        """A filled draft, ``field`` (and ``empty``) emptied, ``field`` focused, then ``keys`` typed (the
        look-ups of 保証申込)."""

        async def go(p):
            from textual.widgets import Input

            from esurety_tui.services import applications

            app_id = applications.new_draft(p.app.session)
            applications.save_draft(p.app.session, app_id, _valid_raw(**dict.fromkeys((field, *empty), "")))
            p.app.open_application(app_id)
            await _settle(p)
            p.app.screen.query_one(f"#f-{field}", Input).focus()
            await _settle(p)
            for key in keys:
                await (_type(p, key) if len(key) > 1 and key not in ("down", "space") else p.press(key))
                await _settle(p)

        return go

    async def field_help(p):
        p.app.new_application()
        await _settle(p)
        await p.press("f4")

    async def dsure_login(p):
        await p.press("f5")

    async def dsure_certificate(p):
        await p.press("f5")
        await _settle(p)
        await _type(p, "35072-00000M")
        await p.press("enter")
        await _type(p, "Z28YUE4J3Bux")
        await p.press("enter")

    async def submit(p):
        p.app.open_contract("35072-00000M")
        await _settle(p)
        await p.press("f7")

    async def sent_refused(p):
        await p.press("f5")
        await _settle(p)
        table = p.app.screen.query_one("#drafts")
        row = next(r for r in p.app.screen.listed.values() if r.status == "謝絶")
        table.move_cursor(row=table.get_row_index(str(row.id)))
        await p.press("enter")

    return [
        ("01_login", False, None),
        ("02_login_failed", False, login_failed),
        ("03_top", True, None),
        ("04_top_search", True, search),
        ("05_top_electronic", True, tab(1)),
        ("05b_top_history", True, tab(2)),
        ("06_detail", True, detail),
        ("07_certificate", True, certificate),
        ("08_help", True, help_top),
        ("09_palette", True, palette),
        ("10_application", True, form),
        ("11_application_guarantee", True, form_tab2),
        ("11b_application_bank", True, lookup("deposit_bank", "みずほ銀行", "space", "よこはま", "down")),
        ("11c_application_zip", True, lookup("send_zip", "231-0015", empty=("send_address",))),
        ("12_application_field_help", True, field_help),
        ("13_review", True, filled_draft("f9")),
        ("14_done", True, filled_draft("f9", "f9")),
        ("15_drafts", True, drafts),
        ("16_sent_refused", True, sent_refused),
        ("17_submit_to_orderer", True, submit),
        ("20_dsure_login", False, dsure_login),
        ("21_dsure_certificate", False, dsure_certificate),
        ("30_branch_queue", "branch", None),
        ("31_branch_application", "branch", branch_application),
        ("32_branch_contract", "branch", branch_contract),
        ("33_branch_amend", "branch", branch_amend),
        ("34_branch_orderers", "branch", orderers),
    ]


async def _shoot(name: str, logged_in: bool | str, steps, out: Path) -> None:
    from esurety_tui.services import auth
    from esurety_tui.store.models import User
    from esurety_tui.tui.app import NetDeskApp

    login = logged_in if isinstance(logged_in, str) else "demo"
    session = auth.session_for(User.get(User.login == login)) if logged_in else None
    app = NetDeskApp(session=session)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        if steps is not None:
            await steps(pilot)
            await _settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))


async def main(out: Path) -> None:
    for name, logged_in, steps in _scenes():
        await _shoot(name, logged_in, steps, out)
        print(out / f"{name}.svg")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        os.environ["ESURETY_HOME"] = home
        from esurety_tui import clock
        from esurety_tui.services import demo
        from esurety_tui.services.session import SYSTEM_SESSION
        from esurety_tui.store.db import init_database

        clock.freeze(datetime(2026, 11, 24, 10, 0))
        init_database(str(Path(home) / "demo.sqlite3"))
        demo.load(SYSTEM_SESSION, random.Random(7))
        asyncio.run(main(out))
