"""Make user text safe for PDF drawing: no control characters, no Paragraph markup injection."""

from __future__ import annotations

import re

# Terminal escape sequences (7-bit and C1 forms), removed whole so their payload never shows up.
_ESCAPES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL/ST
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS/SOS/PM/APC ... ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (and a lone ESC)
)
# Line breaks and tabs become a space; other C0/C1 controls and bidi overrides are dropped.
_SPACES = re.compile(r"[\t\n\v\f\r\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Whitespace that Paragraph would collapse into one ASCII space: keep it as a character reference.
_KEEP_SPACE = re.compile(r"[^\S ]")


def clean_text(text: object) -> str:
    """Strip terminal escapes and control characters (None -> ""); for drawString and metadata."""
    s = _ESCAPES.sub("", "" if text is None else str(text))
    return _CONTROLS.sub("", _SPACES.sub(" ", s))


def escape_para(text: object) -> str:
    """User text -> reportlab Paragraph markup that renders literally.

    ``& < >`` are escaped, and non-ASCII whitespace such as the full-width space U+3000 is
    written as a character reference (``&#12288;``), which Paragraph (wordWrap='CJK') keeps.
    """
    s = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _KEEP_SPACE.sub(lambda m: f"&#{ord(m.group())};", s)
