"""Helpers for pilot tests: what the current screen shows, as plain text lines."""

from __future__ import annotations


def screen_lines(app) -> list[str]:
    """The current screen rendered to plain text, one string per terminal row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def settle(pilot, app) -> None:
    """Let workers finish and the screen refresh."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type like a person: one key per character (works for Japanese too)."""
    for ch in text:
        await pilot.press(ch)
