"""The pilot helpers (one ``settle`` for every test and the screenshot script)."""

from esurety_tui.tui.pilot import screen_lines, screen_text, settle, type_text, until

__all__ = ["palette_shows", "screen_lines", "screen_text", "settle", "type_text", "until"]


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
