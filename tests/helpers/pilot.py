"""The pilot helpers (one ``settle`` for every test and the screenshot script)."""

from esurety_tui.tui.pilot import screen_lines, screen_text, settle, type_text, until

__all__ = ["answer_yes", "log_in", "palette_shows", "screen_lines", "screen_text", "settle", "type_text", "until"]


async def palette_shows(pilot, needle: str) -> str:
    """Wait until the command palette is up and its hits show ``needle`` (its search runs in tasks of
    its own, which ``settle`` does not see); returns the palette's text."""
    from textual.command import CommandPalette

    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, CommandPalette) and needle in screen_text(app),
        what=f"the palette showing {needle!r}",
    )
    return screen_text(app)


async def log_in(pilot, login: str, password: str | None = None) -> None:
    """On the log-in page: the id, Enter, the password (the demo's are the ids), Enter; then settle."""
    from esurety_tui.tui.screens.login import LoginScreen

    assert isinstance(pilot.app.screen, LoginScreen)
    await type_text(pilot, login)
    await pilot.press("enter")
    await type_text(pilot, login if password is None else password)
    await pilot.press("enter")
    await settle(pilot)


async def answer_yes(pilot) -> None:
    """Answer a confirmation with its yes button (いいえ has the focus first); then settle."""
    from esurety_tui.tui.screens.confirm import ConfirmScreen

    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("left", "enter")
    await settle(pilot)
