"""Money: integer yen only, never floating point."""

from __future__ import annotations

import re

from .errors import DomainError
from .text import normalize_digits

_AMOUNT = re.compile(r"^[0-9]{1,3}(,[0-9]{3})*$|^[0-9]+$")
MAX_DIGITS = 15  # 999兆9999億…円: far above any public work, far below SQLite's 64-bit INTEGER
MAX_AMOUNT = 10**MAX_DIGITS - 1
MAX_COUNT_DIGITS = 3  # 回, 社: up to 999


def format_yen(amount: int, unit: str = "円") -> str:
    """20000000 -> '20,000,000円'."""
    return f"{amount:,}{unit}"


def format_number(amount: int) -> str:
    return f"{amount:,}"


def parse_amount(text: str, *, label: str = "金額", allow_zero: bool = False, unit: str = "円") -> int:
    """Parse '20,000,000', '20000000円' or full-width digits into a positive int of ``unit``.

    ``unit`` is the field's unit, "円" or "千円". A "円" field also takes "20,000千円" (×1000);
    a "千円" field refuses a bare "円" rather than silently reading yen as thousands.
    Raises DomainError with a Japanese message naming ``label``.
    """
    raw = normalize_digits(text).replace(" ", "")
    factor = 1
    if raw.endswith("千円"):
        raw = raw.removesuffix("千円")
        factor = 1000 if unit == "円" else 1
    elif raw.endswith("円"):
        if unit == "千円":
            raise DomainError.of("amount_thousands", label=label)
        raw = raw.removesuffix("円")
    if not raw:
        raise DomainError.of("amount_empty", label=label)
    if raw.startswith("-"):
        raise DomainError.of("amount_negative", label=label)
    if not raw.isascii() or not _AMOUNT.match(raw):
        raise DomainError.of("amount_not_integer", label=label)
    digits = raw.replace(",", "").lstrip("0")
    limit = MAX_AMOUNT if unit == "円" else MAX_AMOUNT // 1000
    # Length first: int() of thousands of digits raises (Python's digit limit) or is slow.
    if len(digits) > MAX_DIGITS or int(digits or "0") * factor > limit:
        raise DomainError.of("amount_too_large", label=label, limit=format_yen(limit, unit))
    value = int(digits or "0") * factor
    if value == 0 and not allow_zero:
        raise DomainError.of("amount_zero", label=label)
    return value


def parse_count(text: str, *, label: str) -> int:
    """Non-negative integer count (回, 社)."""
    raw = normalize_digits(text).removesuffix("回").removesuffix("社").strip()
    if not raw.isdigit() or not raw.isascii():
        raise DomainError.of("count_not_integer", label=label)
    if len(raw.lstrip("0")) > MAX_COUNT_DIGITS:
        raise DomainError.of("count_too_large", label=label, limit=10**MAX_COUNT_DIGITS - 1)
    return int(raw)


MAN = 10_000  # 1万円
MAN_FROM = 1_000 * MAN  # the 万円 reading is shown from 1,000万円 up


def format_man(amount: int) -> str:
    """The 万円 reading of a large amount, '' below 1,000万円: 123456789 -> '12,345万円'.

    万円未満は切り捨て (the convention of Japanese tables in 万円): the exact 円 figure is always shown
    beside it, so the reading only has to give the size at a glance, and a remainder such as
    「12,345万6,789円」 would repeat the 円 figure at twice the width.
    """
    if amount < MAN_FROM:
        return ""
    return f"{amount // MAN:,}万円"


def format_yen_with_man(amount: int) -> str:
    """'123,456,789円（12,345万円）' from 1,000万円 up, '9,999,999円' below."""
    man = format_man(amount)
    return f"{format_yen(amount)}（{man}）" if man else format_yen(amount)
