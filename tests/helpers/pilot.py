"""The pilot helpers (one ``settle`` for every test and the screenshot script)."""

from esurety_tui.tui.pilot import screen_lines, screen_text, settle, type_text, until

__all__ = ["screen_lines", "screen_text", "settle", "type_text", "until"]
