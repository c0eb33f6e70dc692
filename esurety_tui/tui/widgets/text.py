"""User text is shown as text: never Rich markup, never terminal escapes."""

from __future__ import annotations

from rich.text import Text

from ...domain.text import printable


def literal(text: str, style: str = "") -> Text:
    """A Rich Text holding ``text`` verbatim (control characters made visible)."""
    return Text(printable(text), style=style)


def cell(text: str, style: str = "") -> Text:
    """Verbatim text for a one-line table cell: cut with an ellipsis, never wrapped away."""
    return Text(printable(text), style=style, no_wrap=True, overflow="ellipsis")
