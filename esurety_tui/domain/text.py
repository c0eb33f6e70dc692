"""Character-width helpers (全角 / 半角)."""

from __future__ import annotations

import unicodedata

from .messages import NOT_UTF8 as NOT_UTF8  # re-exported: one wording, kept in the messages table


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


# Characters that are never shown or stored raw: C0/C1 controls, format characters (bidi overrides
# U+202A–U+202E, marks U+200E/U+200F, isolates U+2066–U+2069, BOM …), lone surrogates (not UTF-8),
# line/paragraph separators. ZWJ U+200D is kept for display (emoji sequences); the PDF check refuses it.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_KEEP = frozenset({"\t", "\u200d"})


def _hidden(ch: str) -> bool:
    return ch not in _KEEP and unicodedata.category(ch) in _HIDDEN


def printable(text: str) -> str:
    """User text made safe for a terminal: control and format characters (ESC, CSI, BEL, U+202E …)
    and lone surrogates shown as \\xNN / \\uNNNN."""
    return "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") if _hidden(ch) else ch for ch in text
    )


def clean_input(text: str) -> str:
    """Typed or pasted text as a field stores it: tabs become spaces; control and format characters
    (and lone surrogates) are dropped, the visible characters around them kept in order."""
    return "".join(" " if ch == "\t" else ch for ch in text if ch == "\t" or not _hidden(ch) or ch == "\u200d")


def has_surrogates(text: str) -> bool:
    """True when ``text`` cannot be encoded as UTF-8 (a lone surrogate, e.g. from non-UTF-8 bytes)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def pdf_unsupported(text: str) -> str:
    """The characters of ``text`` the PDF font cannot draw, in order of first appearance ('' if none).

    Pure and cheap: the embedded font (IPAex/IPA Gothic, or the CID fallback) covers JIS X 0208 with
    the NEC/IBM extensions, i.e. what cp932 encodes, except private-use 外字, DEL and U+2211.
    Emoji and JIS X 0213-only characters (𠮷) fall outside it.
    """
    bad: dict[str, None] = {}
    for ch in text:
        if ch.isascii():
            if not (" " <= ch <= "~"):
                bad[ch] = None
            continue
        if ch in _NOT_IN_FONT or "\ue000" <= ch <= "\uf8ff" or not _in_cp932(ch):
            bad[ch] = None
    return "".join(bad)


_NOT_IN_FONT = frozenset({"\x7f", "\x80", "\u2211"})


def _in_cp932(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def check_text(text: str, *, label: str, max_length: int = 0) -> None:
    """Refuse text a field cannot keep: not UTF-8, control characters, too long, or glyphs the PDF
    font lacks. Raises DomainError with the message for the field."""
    from .errors import DomainError

    if has_surrogates(text):
        raise DomainError.of("text_not_utf8", label=label)
    if max_length and len(text) > max_length:
        raise DomainError.of("text_too_long", label=label, max_length=max_length, length=len(text))
    if any(_hidden(ch) or ch == "\t" for ch in text):
        raise DomainError.of("text_control", label=label)
    bad = pdf_unsupported(text)
    if bad:
        shown = "".join(printable(ch) for ch in bad[:5])
        raise DomainError.of("text_unprintable", label=label, chars=shown)
