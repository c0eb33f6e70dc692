"""A fuzz of 申込作成 with random key sequences: no crash, and the saved draft always equals what is shown.

Seeded (reproducible), bounded: SEEDS × STEPS keys, checked every CHECK_EVERY keys."""

from __future__ import annotations

import json
import random

import pytest
from textual.widgets import Checkbox, Input, RadioSet, Select

from esurety_tui.domain.fields import FIELDS
from esurety_tui.store.models import Application
from esurety_tui.tui.screens.application import ApplicationScreen
from tests.helpers.form import burst, make_app, open_new_form, settle

SEEDS = range(4)
STEPS = 120
CHECK_EVERY = 20
# Everything a user types on the form except the keys that leave it (Esc, F2, F3, F9, Ctrl+Q) or open
# a modal that takes the next keys (F1, F4, F7): they have their own tests.
TYPING = list("0123456789,-/abcXYZ") + ["あ", "河", "川", "円", "　", "space"]
MOVING = [
    "tab",
    "shift+tab",
    "enter",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "backspace",
    "delete",
    "f5",
    "f6",
    "ctrl+u",
]


def shown(form: ApplicationScreen) -> dict[str, str]:
    """Every field as its widget shows it, in the draft's terms."""
    values = {}
    for f in FIELDS:
        widget = form.query_one(f"#f-{f.key}")
        if isinstance(widget, Input):
            values[f.key] = widget.value
        elif isinstance(widget, Checkbox):
            values[f.key] = "1" if widget.value else ""
        elif isinstance(widget, RadioSet):
            button = widget.pressed_button
            values[f.key] = button.name if button is not None and button.name else ""
        elif isinstance(widget, Select):
            values[f.key] = "" if widget.value is Select.NULL else str(widget.value)
    return values


async def back_to_form(pilot, form) -> None:
    """Close whatever the keys opened (a select's list, the 証書(紙) question) without answering it."""
    for _ in range(5):
        if pilot.app.screen is form and not any(s.expanded for s in form.query(Select)):
            return
        await pilot.press("escape")
        await settle(pilot)
    assert pilot.app.screen is form


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_crash_and_the_draft_is_what_is_shown(demo_session, seed):
    rng = random.Random(seed)
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        for step in range(CHECK_EVERY, STEPS + 1, CHECK_EVERY):
            keys = [rng.choice(TYPING) if rng.random() < 0.6 else rng.choice(MOVING) for _ in range(CHECK_EVERY)]
            await burst(pilot, *keys)  # all at once, as over a slow link
            await settle(pilot)
            await back_to_form(pilot, form)
            form.flush_draft()
            on_screen = shown(form)
            assert form.raw == on_screen, (seed, step, keys)
            if form.application_id is None:  # nothing changed yet: no draft (and nothing to lose)
                assert not form.touched, (seed, step, keys)
                continue
            stored = json.loads(Application.get_by_id(form.application_id).draft)
            assert {k: stored.get(k, "") for k in on_screen} == on_screen, (seed, step, keys)
        assert app.return_code is None  # still running: nothing crashed
