"""The compositor fix keeps full-width characters whole where an overlay crosses a widget edge."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual._compositor import Compositor
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import Static

from esurety_tui.tui import patches
from tests.helpers.pilot import screen_text, until

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


# The Footer: no FooterKey kept after it is removed; no recompose when the keys stay the same. ---------


class _Keyed(Static, can_focus=True):
    from textual.binding import Binding

    BINDINGS = [Binding("f5", "app.bell", "更新")]


class _FooterApp(App):
    """Focus alternates between an Input (no keys of its own) and a widget whose key the footer shows."""

    def __init__(self, keyed: bool = True) -> None:
        super().__init__()
        self.keyed = keyed

    def compose(self):
        from textual.widgets import Footer, Input

        yield Input(id="a")
        yield _Keyed("F5", id="b") if self.keyed else Input(id="b")
        yield Footer()


async def _footer_keys_alive_after_focus_changes(monkeypatch, changes: int, keyed: bool = True) -> tuple[int, int, set]:
    """(FooterKey objects still alive after ``changes`` focus changes, mounted ones, ids of every key
    mounted at some point)."""
    import gc
    import weakref

    from textual.widgets._footer import FooterKey

    made: list[weakref.ref] = []
    original_init = FooterKey.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(FooterKey, "__init__", recording_init)
    app = _FooterApp(keyed)
    seen: set[int] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(changes):
            app.screen.focus_next()
            await pilot.pause()
            await pilot.pause()
            seen |= {id(k) for k in app.screen.query(FooterKey)}
        mounted = len(app.screen.query(FooterKey))
        gc.collect()
        alive = sum(1 for ref in made if ref() is not None)
    return alive, mounted, seen


async def test_footer_keeps_no_removed_keys_alive(monkeypatch):
    assert patches.APPLIED
    alive, mounted, seen = await _footer_keys_alive_after_focus_changes(monkeypatch, 30)
    assert len(seen) > 30  # the footer was composed again on every change
    assert alive <= mounted + 1  # only what is mounted (and the palette key, composed once)


async def test_without_the_footer_fix_removed_keys_stay_alive(monkeypatch):
    """Proves the test above can fail: Textual 8.2.8's Footer keeps every key it composed."""
    from textual.widgets import Footer

    original = getattr(Footer.compose, "__wrapped_original__", None)
    if original is None:
        pytest.skip("original not kept")
    monkeypatch.setattr(Footer, "compose", original)
    alive, mounted, _ = await _footer_keys_alive_after_focus_changes(monkeypatch, 30)
    assert alive > mounted + 25


async def test_footer_is_not_composed_again_when_its_keys_stay_the_same(monkeypatch):
    """Focus between two widgets with no keys of their own (the search box and the list): the same
    FooterKey widgets stay mounted."""
    _, _, seen = await _footer_keys_alive_after_focus_changes(monkeypatch, 10, keyed=False)
    assert len(seen) <= 2
