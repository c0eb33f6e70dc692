"""The one text input of the app: only visible characters reach a field, within its maximum length."""

from __future__ import annotations

from textual.widgets import Input

from ...domain.text import clean_input


class SafeInput(Input):
    """An ``Input`` that drops control and format characters (ESC, DEL, U+202E, U+200E …, lone
    surrogates) from typed and pasted text, and cuts a paste at ``max_length`` instead of refusing
    it whole (Textual refuses an insert that would exceed it). Tabs become spaces.

    Everything inserted goes through ``replace`` (typing, paste, insert); a value set in code (a
    draft saved by an older version) is cleaned too, as the Input would otherwise send its ESC and
    other controls raw to the terminal. Such a value is not cut to ``max_length``: validation says so.
    """

    def validate_value(self, value: str) -> str:
        return clean_input(value)

    def replace(self, text: str, start: int, end: int) -> None:
        cleaned = clean_input(text)
        if self.max_length:
            value = self.value
            low, high = sorted((max(0, start), min(len(value), end)))
            room = max(0, self.max_length - (len(value) - (high - low)))
            if len(cleaned) > room:
                cleaned = cleaned[:room]
                self.notify(f"{self.max_length}文字までです。超えた部分は入力されませんでした。", severity="warning")
        if text and not cleaned and start == end:
            return  # nothing visible to insert
        super().replace(cleaned, start, end)
