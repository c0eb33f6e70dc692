"""Character-width helpers (全角 / 半角)."""

from __future__ import annotations

import unicodedata


def to_fullwidth(text: str) -> str:
    """Convert half-width ASCII, digits and kana to full-width (預託金融機関 is 全角).

    Spaces become the ideographic space U+3000.
    """
    import jaconv  # only here: most callers (search keys, the key look-up) never need it

    return jaconv.h2z(text, kana=True, ascii=True, digit=True).replace(" ", "\u3000")


def is_fullwidth(text: str) -> bool:
    """True when every character is wide in a Japanese context: East Asian Width F, W or A.

    Ambiguous-width characters (A: ×, ○, ※ …) are full-width in Japanese text; the seed's own
    example 「〇〇銀行 ××支店」 contains ×.
    """
    return all(unicodedata.east_asian_width(ch) in ("F", "W", "A") for ch in text)


def normalize_digits(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def search_key(text: str) -> str:
    """Normalised form used for searching: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def printable(text: str) -> str:
    """User text made safe for a terminal: control characters (ESC, CSI, BEL …) shown as \\xNN."""
    return "".join(
        ch if ch in "\t" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}" for ch in text
    )
