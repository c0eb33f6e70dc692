"""郵便番号 (〒) as typed, and the 住所 shown for one: pure helpers of the 〒 → 住所 look-up."""

from __future__ import annotations

import re
import unicodedata

# Hyphens a Japanese keyboard or IME gives: ASCII, the long-vowel mark, minus and dash signs.
_DASHES = re.compile(r"[-ー−‐‑‒–—―]")
_CODE = re.compile(r"^([0-9]{3})([0-9]{4})$")
# 政令指定都市の区 (横浜市中区) and 郡の町村 (足柄上郡中井町) are written as two words, as the seed does
# (「神奈川県 横浜市 中区 尾上町」).
_CITY_WARD = re.compile(r"^(.+?市)(.+区)$")
_COUNTY_TOWN = re.compile(r"^(.+?郡)(.+[町村])$")
_NOTE = re.compile(r"（.*?）|\(.*?\)")


def postal_digits(text: str) -> str | None:
    """'231-8463', '2318463', '〒２３１－８４６３' -> '2318463'; None unless exactly seven digits."""
    raw = unicodedata.normalize("NFKC", text).replace("〒", "").replace(" ", "").strip()
    raw = _DASHES.sub("", raw)
    return raw if raw.isascii() and _CODE.match(raw) else None


def format_postal(digits: str) -> str:
    """'2318463' -> '231-8463'."""
    return f"{digits[:3]}-{digits[3:]}"


def split_city(city: str) -> list[str]:
    """'横浜市中区' -> ['横浜市', '中区']; '足柄上郡中井町' -> ['足柄上郡', '中井町']; else [city]."""
    for pattern in (_CITY_WARD, _COUNTY_TOWN):
        m = pattern.match(city)
        if m:
            return [m.group(1), m.group(2)]
    return [city] if city else []


def address_text(prefecture: str, city: str, town: str = "", rest: str = "") -> str:
    """The 住所 as the form shows it: words separated by spaces, notes in brackets dropped.

    ('神奈川県', '横浜市中区', '尾上町') -> '神奈川県 横浜市 中区 尾上町'. Japan Post writes notes such as
    「（次のビルを除く）」 or 「（１〜１９丁目）」 after a 町域; they are not part of an address.
    """
    words = [prefecture, *split_city(city), _NOTE.sub("", town).strip(), rest.strip()]
    return " ".join(w for w in words if w)
