"""F1 help pages: the screen's prose (tui/help/*.md, no key tables) followed by its keys, generated from
the screen's and the app's bindings with the keys in effect (a [keymap] in config.toml shows)."""

from __future__ import annotations

from importlib.resources import files

from textual.actions import parse

from esurety_tui.settings import Settings
from esurety_tui.tui.app import NetDeskApp
from esurety_tui.tui.screens.help import HelpScreen, key_label, key_lines
from tests.helpers.pilot import screen_lines, screen_text, settle

SIZE = (80, 24)


async def _open_help(pilot, app) -> list[str]:
    """F1, every line of the help page scrolled end to end, Esc."""
    await pilot.press("f1")
    await settle(pilot, app)
    assert isinstance(app.screen, HelpScreen)
    lines = []
    body = app.screen.query_one("#help-body")
    while True:
        lines += screen_lines(app)
        if body.scroll_y >= body.max_scroll_y:
            break
        body.scroll_page_down(animate=False)
        await settle(pilot, app)
    await pilot.press("escape")
    await settle(pilot, app)
    return lines


def test_help_files_hold_prose_without_key_tables():
    for page in (files("esurety_tui.tui") / "help").iterdir():
        if page.name.endswith(".md"):
            assert not any(line.lstrip().startswith("|") for line in page.read_text("utf-8").splitlines()), page.name


def test_key_labels_read_as_the_help_writes_them():
    assert [key_label(k) for k in ("f5", "ctrl+f", "escape", "enter", "shift+tab", "ctrl+r")] == [
        "F5",
        "Ctrl+F",
        "Esc",
        "Enter",
        "Shift+Tab",
        "Ctrl+R",
    ]


async def test_a_keymap_override_shows_in_the_help(demo_session):
    app = NetDeskApp(session=demo_session, settings=Settings(keymap={"print": "f9", "copy": "ctrl+k,f6"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.open_contract("35072-00000M")
        await settle(pilot, app)
        text = "\n".join(await _open_help(pilot, app))
        assert "• F9 印刷（認証キーのお知らせ PDF）" in text
        assert "• Ctrl+K / F6 認証キーをコピー" in text
        assert "F5 印刷" not in text
        assert "F9 印刷" in screen_text(app) and "Ctrl+K/F6 コピー" in screen_text(app)  # the page's hint too
        await pilot.press("f9")  # and the key does what the help says
        await settle(pilot, app)
        assert app.last_export is not None and app.last_export.name.endswith(".pdf")


def _expected(screen) -> dict[str, tuple[str, str]]:
    """id -> (a key label, what) for every binding with an id and a description on the screen and the
    app, unless the screen's check_action hides it now (as the footer does)."""
    found: dict[str, tuple[str, str]] = {}
    for node in (screen, screen.app):
        for _key, binding in node._bindings:
            if not (binding.id and binding.description) or binding.id in found:
                continue
            target, name, params = parse(binding.action)
            if not target and node.check_action(name, params) is False:
                continue
            found[binding.id] = (binding.key_display or key_label(binding.key), binding.tooltip or binding.description)
    return found


async def _assert_every_binding_listed(pilot, app) -> None:
    screen = app.screen
    expected = _expected(screen)
    assert expected
    listed = dict((what, keys) for keys, what in key_lines(screen))
    for binding_id, (key, what) in expected.items():
        assert what in listed and key in listed[what].split(" / "), (type(screen).__name__, binding_id, listed)
    text = "\n".join(await _open_help(pilot, app))
    for binding_id, (_key, what) in expected.items():
        assert f"• {listed[what]}" in text, (type(screen).__name__, binding_id)


async def test_every_binding_with_a_description_is_in_the_contractor_helps(demo_session):
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await _assert_every_binding_listed(pilot, app)  # 全体トップ
        await pilot.press("f5")  # 申込一覧
        await settle(pilot, app)
        await _assert_every_binding_listed(pilot, app)
        app.pop_screen()
        app.open_contract("35072-00000M")  # 電子保証概要
        await settle(pilot, app)
        await _assert_every_binding_listed(pilot, app)


async def test_every_binding_with_a_description_is_in_the_login_and_branch_helps(branch_session):
    app = NetDeskApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await _assert_every_binding_listed(pilot, app)  # ログイン
    app = NetDeskApp(session=branch_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await _assert_every_binding_listed(pilot, app)  # 受付一覧


async def test_a_subclass_key_hides_the_base_binding_on_that_key(branch_session):
    """受付一覧 binds F4 to 発注者: 全体トップ's F4 (申込の作成) is not listed there."""
    app = NetDeskApp(session=branch_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        lines = dict(key_lines(app.screen))
        assert lines["F4"].startswith("発注者") and "申込の作成(新規)" not in lines.values()


async def test_the_list_hint_follows_the_keymap(demo_session):
    app = NetDeskApp(session=demo_session, settings=Settings(keymap={"next_page": "f12"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert "F7/F12 ページ" in screen_text(app)
        lines = dict((what, keys) for keys, what in key_lines(app.screen))
        assert lines["次ページ"] == "F12"


def test_a_binding_id_names_one_action_everywhere():
    """A [keymap] entry rebinds every binding of its id: two meanings under one id would move together
    (発注者へ提出's Esc once shared 'cancel' with the branch's 取消)."""
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import esurety_tui.tui as tui

    for module in pkgutil.walk_packages(tui.__path__, tui.__name__ + "."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    actions: dict[str, set[str]] = {}
    for cls in set(subclasses(DOMNode)):
        if cls.__module__.startswith("esurety_tui."):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    actions.setdefault(binding.id, set()).add(binding.action)
    assert actions, "no bindings found"
    same_meaning = {"next_tab"}  # 全体トップ's F6 and the form's: the next tab, each in its own way
    assert {k: v for k, v in actions.items() if len(v) > 1 and k not in same_meaning} == {}
