"""和暦 (Japanese era dates) both ways, and the typed date formats of the form."""

from __future__ import annotations

import re
from datetime import date, datetime

from .errors import DomainError
from .text import normalize_digits

# (name, first day); newest first.
ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
)

# '20230320', or year/month/day with the same separator twice ('2023/3/20'; not '20231/1').
_YMD = re.compile(
    r"^(?P<y>[0-9]{4})(?:(?P<m8>[0-9]{2})(?P<d8>[0-9]{2})|(?P<sep>[/\-.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2}))$"
)
_WAREKI = re.compile(r"^(令和|平成|昭和)(元|[0-9]{1,3})年([0-9]{1,2})月([0-9]{1,2})日$")


def era_of(d: date) -> tuple[str, int]:
    """('令和', 5) for 2023-03-20."""
    for name, start in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise DomainError.of("date_before_showa")


def to_wareki(d: date, *, gannen: bool = True) -> str:
    """2023-03-20 -> '令和5年3月20日'; 2019-05-01 -> '令和元年5月1日'."""
    name, year = era_of(d)
    y = "元" if (year == 1 and gannen) else str(year)
    return f"{name}{y}年{d.month}月{d.day}日"


def parse_wareki(text: str) -> date:
    """'令和5年3月20日' -> date(2023, 3, 20). Refuses dates outside the era."""
    m = _WAREKI.match(normalize_digits(text).replace(" ", ""))
    if not m:
        raise DomainError.of("wareki_format")
    era, y, mo, dd = m.groups()
    year = 1 if y == "元" else int(y)
    start = dict(ERAS)[era]
    try:
        d = date(start.year + year - 1, int(mo), int(dd))
    except ValueError:
        raise DomainError.of("date_not_exist") from None
    name, _ = era_of(d)
    if name != era or d < start:
        raise DomainError.of("wareki_not_exist", date=f"{era}{y}年{mo}月{dd}日")
    return d


def parse_ymd(text: str, *, label: str = "日付") -> date:
    """Typed date: '20230320', '2023/03/20', '2023-03-20' (full-width digits too), or 和暦."""
    raw = normalize_digits(text)
    if not raw:
        raise DomainError.of("date_empty", label=label)
    if raw[0] in "令平昭":
        return parse_wareki(raw)
    m = _YMD.match(raw)
    if not m:
        raise DomainError.of("date_format", label=label)
    try:
        return date(int(m["y"]), int(m["m8"] or m["m"]), int(m["d8"] or m["d"]))
    except ValueError:
        raise DomainError.of("date_invalid", label=label) from None


def format_slash(d: date) -> str:
    """2023-03-20 -> '2023/03/20'."""
    return f"{d.year:04d}/{d.month:02d}/{d.day:02d}"


def format_datetime(dt: datetime) -> str:
    """'2023/04/03 13:00' as in the history table."""
    return f"{format_slash(dt.date())} {dt.hour:02d}:{dt.minute:02d}"


def to_wareki_datetime(dt: datetime) -> str:
    """'令和5年4月3日 13:00'."""
    return f"{to_wareki(dt.date())} {dt.hour:02d}:{dt.minute:02d}"
