"""Validation of a 保証申込 (SPEC §5): raw form text in, typed values and problems out.

A problem is a code with its field and parameters (``Problem``); its Japanese text comes from the one
table in ``messages``. Which fields are read and which are 必須 comes from the declarations in ``fields``.

Pure functions, integer arithmetic only: ratios are ``Fraction``, money is ``int`` yen.
Ratios and caps live in ``OrdererTerms`` (one place, per orderer where needed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from dataclasses import field as dc_field
from dataclasses import fields as dc_fields
from datetime import date
from fractions import Fraction

from .errors import DomainError
from .fields import (
    FIELD_BY_KEY,
    FIELDS,
    KIND_SWITCH,
    ROWS,
    Control,
    Doc,
    Field,
    Kind,
    choice_label,
    is_ticked,
    printed_fields,
)
from .messages import message as message_text
from .money import format_yen, parse_amount, parse_count
from .text import check_text, has_surrogates, normalize_digits, to_fullwidth
from .wareki import era_of, parse_ymd, to_wareki

_RATIO_KEYS = ("advance_work", "advance_service", "intermediate", "combined", "contract_min", "contract_min_low_bid")


def _to_fraction(key: str, value: object) -> Fraction:
    """'4/10', '0.4', 2, Fraction(2, 5) -> Fraction; floats refused (never floating point)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{key}: ratio must be a fraction like '4/10', not {value!r}")
    try:
        ratio = Fraction(value) if isinstance(value, (int, Fraction)) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError, TypeError):
        raise ValueError(f"{key}: bad ratio {value!r}") from None
    if not 0 < ratio <= 1:
        raise ValueError(f"{key}: ratio {value!r} must be in (0, 1]")
    return ratio


def _to_unit(value: object) -> int:
    """Rounding unit: a positive integer (10000 for 1万円単位)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"rounding_unit: bad value {value!r}")
    try:
        unit = int(str(value).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"rounding_unit: bad value {value!r}") from None
    if unit < 1:
        raise ValueError(f"rounding_unit must be >= 1, not {value!r}")
    return unit


def ratio_text(ratio: Fraction) -> str:
    """Fraction(2, 5) -> '4/10' (the way the rules are written); other ratios as 'n/d'."""
    tenths = ratio * 10
    return f"{tenths.numerator}/10" if tenths.denominator == 1 else f"{ratio.numerator}/{ratio.denominator}"


def _floor(amount: int, ratio: Fraction) -> int:
    return amount * ratio.numerator // ratio.denominator


def _ceil(amount: int, ratio: Fraction) -> int:
    return -(-amount * ratio.numerator // ratio.denominator)


@dataclass(frozen=True)
class OrdererTerms:
    """The ratios and rounding an orderer applies; defaults are the standard rules."""

    accepts_electronic: bool = True
    advance_work: Fraction = Fraction(4, 10)  # 前払金 ≤ 4/10 of 請負金額 for 工事
    advance_service: Fraction = Fraction(3, 10)  # ≤ 3/10 for 測量・設計等の業務委託
    intermediate: Fraction = Fraction(2, 10)  # 中間前払金 ≤ 2/10
    combined: Fraction = Fraction(6, 10)  # 前払金 + 中間前払金 ≤ 6/10
    contract_min: Fraction = Fraction(1, 10)  # 契約保証金額 ≥ 1/10
    contract_min_low_bid: Fraction = Fraction(3, 10)  # ≥ 3/10 when 低入札
    rounding_unit: int = 1  # e.g. 10000: amounts must be multiples (1万円単位)
    name: str = ""  # orderer name for messages

    def __post_init__(self) -> None:
        # Coerce and check every ratio and the unit, so bad terms fail here, not in a message.
        for key in _RATIO_KEYS:
            object.__setattr__(self, key, _to_fraction(key, getattr(self, key)))
        object.__setattr__(self, "rounding_unit", _to_unit(self.rounding_unit))

    @classmethod
    def from_overrides(cls, name: str, accepts_electronic: bool, overrides: dict | None) -> OrdererTerms:
        """Standard terms with per-orderer overrides, e.g. {"advance_work": "4/10", "rounding_unit": 10000}.

        Unknown keys are ignored; bad values raise ValueError.
        """
        known = {f.name for f in dc_fields(cls)} - {"name", "accepts_electronic"}
        kwargs = {k: v for k, v in (overrides or {}).items() if k in known}
        return cls(accepts_electronic=bool(accepts_electronic), name=name, **kwargs)

    def _round_down(self, amount: int) -> int:
        return amount - amount % self.rounding_unit

    def advance_ratio(self, work_kind: str) -> Fraction:
        if work_kind == "construction":
            return self.advance_work
        if work_kind == "service":
            return self.advance_service
        raise ValueError(f"unknown work_kind {work_kind!r}")

    def advance_limit(self, contract_amount: int, work_kind: str) -> int:
        """Largest 前払金: floor(請負金額 × ratio), floored to the rounding unit."""
        return self._round_down(_floor(contract_amount, self.advance_ratio(work_kind)))

    def intermediate_limit(self, contract_amount: int) -> int:
        return self._round_down(_floor(contract_amount, self.intermediate))

    def combined_limit(self, contract_amount: int) -> int:
        return self._round_down(_floor(contract_amount, self.combined))

    def contract_minimum(self, contract_amount: int, low_bid: bool) -> int:
        """Smallest 契約保証金額: 請負金額 × 1/10 (3/10 when 低入札), rounded up to the yen."""
        return _ceil(contract_amount, self.contract_min_low_bid if low_bid else self.contract_min)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a code (``messages.MESSAGES``) and the values its message names."""

    field: str
    code: str
    params: Mapping[str, object] = dc_field(default_factory=dict)  # (`field` is the attribute above)

    @property
    def message(self) -> str:
        return message_text(self.code, self.params)


@dataclass
class Validation:
    values: dict[str, object] = field(default_factory=dict)  # typed values of every field that parsed
    found: dict[str, Problem] = field(default_factory=dict)  # key -> its first problem, in FIELDS order
    notices: dict[str, str] = field(default_factory=dict)  # non-blocking notes

    @property
    def problems(self) -> dict[str, str]:
        """key -> the Japanese message of its problem, in FIELDS order."""
        return {key: p.message for key, p in self.found.items()}

    @property
    def ok(self) -> bool:
        return not self.found

    def add(self, problem: Problem) -> None:
        """Record a problem unless the field has one already (one message per field: the first)."""
        if problem.field not in self.found:
            self.found[problem.field] = problem
            self.found = dict(sorted(self.found.items(), key=lambda item: _ORDER[item[0]]))

    def first_problem(self) -> str | None:
        """Key of the first wrong field in FIELDS order."""
        return next((f.key for f in FIELDS if f.key in self.found), None)


_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)
_ZIP = re.compile(r"^〒?([0-9]{3})-?([0-9]{4})$")
_RANGES = {Kind.MONTH: (1, 12, "月"), Kind.DAY: (1, 31, "日"), Kind.HOUR: (0, 23, "時")}
_ORDER = {f.key: i for i, f in enumerate(FIELDS)}
_Add = Callable[..., None]  # records a problem: add(field key, code, **params)
_flag = is_ticked


def _parse(f: Field, text: str) -> object:
    """Typed value of one non-empty field; raises DomainError with the code for that field."""
    if f.kind is Kind.TEXT:
        check_text(text.strip(), label=f.label, max_length=f.max_length)
        return text.strip()
    if f.kind is Kind.FULLWIDTH:
        value = to_fullwidth(text.strip())
        check_text(value, label=f.label, max_length=f.max_length)
        return value
    if f.kind is Kind.AMOUNT:
        return parse_amount(text, label=f.label, unit="円")
    if f.kind is Kind.AMOUNT_K:
        return parse_amount(text, label=f.label, unit="千円")
    if f.kind is Kind.COUNT:
        return parse_count(text, label=f.label)
    if f.kind is Kind.DATE:
        d = parse_ymd(text, label=f.label)
        era_of(d)  # must be showable in 和暦 (昭和 or later)
        return d
    if f.kind is Kind.CHOICE:
        if text.strip() not in dict(f.choices):
            raise DomainError.of("choose_option", label=f.label)
        return text.strip()
    if f.kind is Kind.FLAG:
        return _flag(text)
    if f.kind is Kind.REF:
        raw = text.strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) > 0):
            raise DomainError.of("choose_from_list", label=f.label)
        return int(raw)
    if f.kind is Kind.EMAIL:
        raw = normalize_digits(text)
        if not _EMAIL.match(raw):
            raise DomainError.of("email_format")
        return raw
    if f.kind is Kind.ZIP:
        m = _ZIP.match(re.sub(r"[ー−‐‑–—―]", "-", normalize_digits(text).replace(" ", "")))
        if not m:
            raise DomainError.of("zip_format")
        return f"{m[1]}-{m[2]}"
    if f.kind in _RANGES:
        low, high, suffix = _RANGES[f.kind]
        raw = normalize_digits(text).removesuffix(suffix).strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and low <= int(raw) <= high):
            raise DomainError.of("out_of_range", label=f.label, low=low, high=high)
        return int(raw)
    raise AssertionError(f"unhandled kind {f.kind}")  # pragma: no cover


def _parse_fields(raw: Mapping[str, str], result: Validation, add: _Add) -> None:
    """Each enabled field on its own: 必須, then its kind. Fills result.values and result.notices.

    A disabled field (its switch off: ``Field.enabled_when``) may still hold text; it is neither
    checked nor put in values.
    """
    for f in FIELDS:
        if not f.enabled(raw):
            continue
        text = "" if raw.get(f.key) is None else str(raw.get(f.key))
        if not text.strip() and f.kind is not Kind.FLAG:
            if f.required_now(raw):
                add(f.key, "required", label=f.label)
            continue
        if has_surrogates(text):  # never reaches storage (not UTF-8)
            add(f.key, "not_utf8", label=f.label)
            continue
        try:
            value = _parse(f, text)
        except DomainError as err:
            assert err.code, f"uncoded DomainError from {f.kind}: {err}"
            add(f.key, err.code, **err.params)
            continue
        result.values[f.key] = value
        if f.kind is Kind.FULLWIDTH and value != text.strip():
            result.notices[f.key] = message_text("fullwidth_converted")


def _num(values: Mapping[str, object], key: str) -> int | None:
    value = values.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_applications(values: Mapping[str, object], terms: OrdererTerms | None, add: _Add) -> None:
    advance_on, contract_on = bool(values.get("advance_apply")), bool(values.get("contract_apply"))
    if not advance_on and not contract_on:
        add("advance_apply", "apply_none")
    if contract_on and not advance_on:
        add("contract_apply", "contract_without_advance")
    if terms is not None and not terms.accepts_electronic:
        for key in ("advance_form", "contract_form"):
            if values.get(key) == "electronic":
                if terms.name:
                    add(key, "electronic_unsupported", orderer=terms.name)
                else:
                    add(key, "electronic_unsupported_unnamed")


def _check_amounts(values: Mapping[str, object], terms: OrdererTerms | None, add: _Add) -> None:
    """Ratio limits (only with terms), amounts against 請負金額, rounding unit."""
    amount, work_kind = _num(values, "contract_amount"), values.get("work_kind")
    advance, inter = _num(values, "advance_amount"), _num(values, "intermediate_amount")
    guarantee = _num(values, "contract_guarantee_amount")
    if amount is not None and terms is not None:
        if isinstance(work_kind, str):
            ratio, limit = ratio_text(terms.advance_ratio(work_kind)), terms.advance_limit(amount, work_kind)
            for key in ("advance_amount", "planned_advance"):
                if (given := _num(values, key)) is not None and given > limit:
                    add(key, "advance_over_limit", label=FIELD_BY_KEY[key].label, ratio=ratio, limit=format_yen(limit))
        if values.get("intermediate") and inter is not None:
            limit, ratio = terms.intermediate_limit(amount), ratio_text(terms.intermediate)
            if inter > limit:
                add("intermediate_amount", "intermediate_over_limit", ratio=ratio, limit=format_yen(limit))
            limit, ratio = terms.combined_limit(amount), ratio_text(terms.combined)
            if advance is not None and advance + inter > limit:
                add("intermediate_amount", "combined_over_limit", ratio=ratio, limit=format_yen(limit))
        if guarantee is not None:
            low_bid = bool(values.get("low_bid"))
            minimum = terms.contract_minimum(amount, low_bid)
            if guarantee < minimum:
                ratio = ratio_text(terms.contract_min_low_bid if low_bid else terms.contract_min)
                note = "（低入札）" if low_bid else ""
                add(
                    "contract_guarantee_amount",
                    "contract_under_minimum",
                    ratio=ratio,
                    note=note,
                    minimum=format_yen(minimum),
                )
    if amount is not None:  # not ratio rules: they apply before an orderer is chosen too
        if guarantee is not None and guarantee > amount:
            add("contract_guarantee_amount", "over_contract_amount", label="契約保証金額", amount=format_yen(amount))
        if (fiscal := _num(values, "fiscal_year_amount")) is not None and fiscal > amount:
            add("fiscal_year_amount", "over_contract_amount", label="今年度対象額", amount=format_yen(amount))
    if terms is not None and terms.rounding_unit > 1:
        for key in ("advance_amount", "contract_guarantee_amount"):
            if (given := _num(values, key)) is not None and given % terms.rounding_unit:
                add(key, "rounding_unit", label=FIELD_BY_KEY[key].label, unit=format_yen(terms.rounding_unit))


def _check_dates_and_counts(values: Mapping[str, object], add: _Add) -> None:
    def day(key: str) -> date | None:
        value = values.get(key)
        return value if isinstance(value, date) else None

    contract_date, start, end, award = day("contract_date"), day("start_date"), day("end_date"), day("award_date")
    if contract_date and start and start < contract_date:  # 保証開始日 = 契約日 or later
        add("start_date", "start_before_contract")
    if start and end and end < start:  # 保証期限 = 完成日
        add("end_date", "end_before_start")
    if contract_date and award and award > contract_date:
        add("award_date", "award_after_contract")
    bidders, disqualified = _num(values, "bidders"), _num(values, "disqualified")
    if bidders is not None and disqualified is not None and disqualified > bidders:
        add("disqualified", "disqualified_over_bidders")
    for label, parts in ROWS.items():  # composite dates: 受取希望日 [4]月 [31]日
        kinds = {f.kind: f.key for f in parts}
        if Kind.MONTH not in kinds or Kind.DAY not in kinds:
            continue
        month, dd = _num(values, kinds[Kind.MONTH]), _num(values, kinds[Kind.DAY])
        if month is not None and dd is not None and not _real_month_day(month, dd):
            add(kinds[Kind.DAY], "day_not_exist", label=label, month=month, day=dd)


def validate_application(raw: Mapping[str, str], terms: OrdererTerms | None) -> Validation:
    """Check a draft (field key -> raw text; missing keys are "").

    ``terms`` is None when no orderer is chosen: orderer_id gets the 必須 message and the ratio rules
    are skipped. Cross-field rules read parsed values only, so a field that failed to parse triggers
    no message on the fields that depend on it. One message per field: the first that applies.
    """
    result = Validation()
    found: dict[str, Problem] = {}

    def add(key: str, code: str, **params: object) -> None:
        found.setdefault(key, Problem(key, code, params))

    _parse_fields(raw, result, add)
    if terms is None:  # no orderer chosen (or an id the caller could not find): blocks sending
        label = FIELD_BY_KEY["orderer_id"].label
        add("orderer_id", "choose_from_list" if "orderer_id" in result.values else "required", label=label)
    _check_applications(result.values, terms, add)
    _check_amounts(result.values, terms, add)
    _check_dates_and_counts(result.values, add)
    result.found = dict(sorted(found.items(), key=lambda item: _ORDER[item[0]]))
    return result


def _real_month_day(month: int, day: int) -> bool:
    """A month/day that exists in some year (2月29日 allowed: 2000 is a leap year)."""
    try:
        date(2000, month, day)
    except ValueError:
        return False
    return True


def validate_field(key: str, raw: Mapping[str, str], terms: OrdererTerms | None) -> str | None:
    """The message for one field (validation needs the whole draft for the cross-field rules)."""
    problem = validate_application(raw, terms).found.get(key)
    return problem.message if problem else None


def _display(f: Field, value: object) -> str:
    if f.kind is Kind.AMOUNT:
        return format_yen(value)  # type: ignore[arg-type]
    if f.kind is Kind.AMOUNT_K:
        return format_yen(value, "千円")  # type: ignore[arg-type]
    if f.kind is Kind.COUNT:
        return f"{value}{f.unit}"
    if f.kind is Kind.DATE:
        return to_wareki(value)  # type: ignore[arg-type]
    if f.kind is Kind.FLAG:
        if f.control is Control.SWITCH:
            return "申し込む" if value else "申し込まない"
        return "あり" if value else "なし"
    if f.kind is Kind.CHOICE:
        return choice_label(f.key, str(value))
    if f.kind in _RANGES:
        return f"{value}{_RANGES[f.kind][2]}"
    return str(value)


def summary_rows(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """(label, display text) for the 申込確認 summary, in FIELDS order.

    Amounts '20,000,000円' / '12,345千円', dates in 和暦, flags あり/なし (申し込む for the two
    applications), choices by label. Month/day(/hour) parts are joined into one row
    (受取希望日 '3月31日', 来店予定日 '4月3日 13時'). REF fields are skipped: the caller adds names.
    """
    rows: list[tuple[str, str]] = []
    for f in FIELDS:
        if f.kind is Kind.REF:
            continue
        if f.row:  # a composite row (Field.row): shown once, at its first field
            parts = ROWS[f.row]
            if f is not parts[0]:
                continue
            present = [p for p in parts if values.get(p.key) is not None]
            if present:  # '4月3日 13時'
                text = "".join((" " if p.kind is Kind.HOUR else "") + _display(p, values[p.key]) for p in present)
                rows.append((f.row, text.strip()))
            continue
        if values.get(f.key) is None:
            continue
        rows.append((f.label, _display(f, values[f.key])))
    return rows


# Kinds whose text has no fixed length: a document shrinks them to fit its page.
_FREE_KINDS = frozenset({Kind.TEXT, Kind.FULLWIDTH, Kind.REF, Kind.EMAIL})


@dataclass(frozen=True)
class PrintRow:
    """One row of a document's 記 table for a declared field (documents/ lays it out)."""

    key: str
    place: int  # rows are sorted by it (fields.Print)
    label: str
    text: str
    free: bool  # free-length text (the document shrinks it to fit)
    emphasis: bool  # printed larger


def as_guarantee(kind: str, values: Mapping[str, object]) -> dict[str, object]:
    """``values`` as a guarantee of ``kind`` reads them: its own switch on, the other one's off."""
    return {**values, **{switch: k == kind for k, switch in KIND_SWITCH.items()}}


def _as_raw(value: object) -> str:
    """A typed value as the conditions (``When``) read the draft: ticked "1", unticked or none ""."""
    if value is None or value is False:
        return ""
    return "1" if value is True else str(value)


def printed_rows(doc: Doc, values: Mapping[str, object]) -> list[PrintRow]:
    """The rows ``doc`` prints, from the declarations (``Field.prints``), in place order.

    ``values`` are the issued guarantee's typed values by field key (a REF field holds the row's name,
    a flag True/False). A field is printed when it is enabled for these values (its ``enabled_when``)
    and has a value; a blank one only while 必須. The text is by kind, as in 申込確認.
    """
    raw = {key: _as_raw(v) for key, v in values.items()}
    rows: list[PrintRow] = []
    for f, p in printed_fields(doc):
        value = values.get(f.key)
        if value is None or not f.enabled(raw):
            continue
        if value == "" and not f.required_now(raw):
            continue
        rows.append(PrintRow(f.key, p.place, p.label or f.label, _display(f, value), f.kind in _FREE_KINDS, p.emphasis))
    return rows
