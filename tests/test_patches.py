"""The compositor fix keeps full-width characters whole where an overlay crosses a widget edge."""

from __future__ import annotations

import re

from tests.helpers.pilot import screen_text, until

import pytest
from rich.cells import cell_len
from textual._compositor import Compositor
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import Static

from esurety_tui.tui import patches

MESSAGE = "初回起動のため、デモデータを読み込みました。ログインID demo でお試しください。"


class Columns(App):
    CSS = "Static { border: round grey; width: 1fr; height: 1fr; }"

    def compose(self):
        with Horizontal():
            for i in range(7):
                yield Static(f"w{i}")

    def on_mount(self):
        self.notify(MESSAGE, timeout=30)


async def _toast_text(app: App) -> tuple[str, list[str]]:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        # Wait for the toast itself (it mounts a moment after on_mount), bounded.
        await until(pilot, lambda: "".join(MESSAGE.split())[:4] in "".join(screen_text(app).split()), what="the toast")
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return re.sub(r"[ ▌│╰╯─]", "", "".join(lines)), lines


async def test_toast_over_borders_keeps_every_character():
    assert patches.APPLIED
    flat, lines = await _toast_text(Columns())
    assert "初回起動のため、デモデータを読み込みました。" in flat
    assert all(cell_len(line) == 80 for line in lines)


async def test_without_the_fix_characters_are_lost(monkeypatch):
    """Proves the test above can fail: Textual's own chopping splits the characters."""
    original = getattr(Compositor._render_chops, "__wrapped_original__", None)
    if original is None:
        pytest.skip("original not kept")
    monkeypatch.setattr(Compositor, "_render_chops", original)
    flat, _ = await _toast_text(Columns())
    assert "初回起動のため、デモデータを読み込みました。" not in flat
