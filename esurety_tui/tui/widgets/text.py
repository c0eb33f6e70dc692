"""User text is shown as text: never Rich markup, never terminal escapes.

THE helper for every string from data, files or the environment on its way to Textual: ``literal``
(a Rich Text), ``cell`` (a one-line table cell), ``markup_literal`` (for the few Textual APIs that
only take a markup string, e.g. a command-palette hit's help). Toasts are literal in
``NetDeskApp.notify``."""

from __future__ import annotations

from rich.text import Text

from ...domain.text import printable


def literal(text: str, style: str = "") -> Text:
    """A Rich Text holding ``text`` verbatim (control characters made visible)."""
    return Text(printable(text), style=style)


def cell(text: str, style: str = "") -> Text:
    """Verbatim text for a one-line table cell: cut with an ellipsis, never wrapped away."""
    return Text(printable(text), style=style, no_wrap=True, overflow="ellipsis")


def markup_literal(text: str) -> str:
    """A markup string that renders as ``text`` verbatim (``[`` escaped, control characters made
    visible): for APIs that parse their string as Textual markup."""
    from textual.markup import escape

    return escape(printable(text))
