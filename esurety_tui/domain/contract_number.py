"""保証契約番号 ``NNNNN-NNNNNX``: five digits for branch and year, a five-digit serial, a check letter.

The check letter is ``ALPHABET[(sum(w_i * d_i) + 6) % 23]`` with weights 1..10 over the ten digits
left to right. 23 is prime and every weight is non-zero mod 23, so any single mistyped digit and any
swap of two adjacent digits changes the letter. The offset 6 makes the seed's ``35072-00000M`` valid.
"""

from __future__ import annotations

import re

from .errors import DomainError
from .text import normalize_digits

ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O, Q (look like 1, 0)
_OFFSET = 6
_FORMAT = re.compile(r"^([0-9]{5})-?([0-9]{5})([A-Za-z])$")


def check_letter(digits: str) -> str:
    if len(digits) != 10 or not digits.isdigit() or not digits.isascii():
        raise DomainError("保証契約番号の数字は10桁です。")
    total = sum(w * int(d) for w, d in zip(range(1, 11), digits, strict=True))
    return ALPHABET[(total + _OFFSET) % len(ALPHABET)]


def make_contract_number(prefix: str, serial: int) -> str:
    """prefix '35072', serial 0 -> '35072-00000M'."""
    if len(prefix) != 5 or not prefix.isdigit():
        raise DomainError("保証契約番号の前半は5桁の数字です。")
    if not 0 <= serial <= 99999:
        raise DomainError("保証契約番号の連番は00000〜99999です。")
    body = f"{prefix}{serial:05d}"
    return f"{prefix}-{serial:05d}{check_letter(body)}"


def parse_contract_number(text: str) -> str:
    """Normalise and validate; returns the canonical 'NNNNN-NNNNNX'.

    Accepts full-width characters, a missing hyphen and a lower-case letter.
    Raises DomainError saying what is wrong (the check letter, the length …).
    """
    # NFKC makes full-width ASCII plain; other dashes a Japanese IME may produce become '-'.
    raw = re.sub(r"[ー−‐‑–—―]", "-", re.sub(r"\s", "", normalize_digits(text)))
    m = _FORMAT.match(raw)
    if not m:
        raise DomainError(
            f"保証契約番号「{text}」の形式が正しくありません（例: 35072-00000M、数字5桁-数字5桁+英字1文字）。"
        )
    prefix, serial, letter = m[1], m[2], m[3].upper()
    expected = check_letter(prefix + serial)
    if letter != expected:
        raise DomainError(f"保証契約番号「{text}」のチェック文字が一致しません。番号を確認してください。")
    return f"{prefix}-{serial}{letter}"


def is_valid_contract_number(text: str) -> bool:
    try:
        parse_contract_number(text)
    except DomainError:
        return False
    return True
