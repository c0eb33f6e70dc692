"""Property tests (hypothesis): round trips and invariants of amounts, 和暦, 保証契約番号 and the form's rules."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from esurety_tui.domain.contract_number import (
    ALPHABET,
    check_letter,
    is_valid_contract_number,
    make_contract_number,
    parse_contract_number,
)
from esurety_tui.domain.errors import DomainError
from esurety_tui.domain.fields import FIELD_BY_KEY, FIELDS
from esurety_tui.domain.money import (
    MAX_AMOUNT,
    MAX_COUNT_DIGITS,
    format_number,
    format_yen,
    parse_amount,
    parse_count,
)
from esurety_tui.domain.rules import OrdererTerms, validate_application, validate_field
from esurety_tui.domain.text import to_fullwidth
from esurety_tui.domain.wareki import (
    ERAS,
    era_of,
    format_slash,
    parse_wareki,
    parse_ymd,
    to_wareki,
)
from tests.helpers.cases import kawasaki, valid_raw

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FULLWIDTH_DIGITS = str.maketrans("0123456789,", "０１２３４５６７８９，")
AMOUNTS = st.integers(min_value=1, max_value=MAX_AMOUNT)  # up to the field's limit (15 digits)
SHOWA = ERAS[-1][1]
DATES = st.dates(min_value=SHOWA, max_value=date(2199, 12, 31))
# Text a person might type into an amount or date field: digits, separators, units, noise.
TYPED = st.text(alphabet="0123456789０１２３４５６７８９,，円千-/. 年月日令和平成昭元abc　 ", max_size=24)


# amounts --------------------------------------------------------------------------------------


@SETTINGS
@given(AMOUNTS)
def test_amount_round_trips_in_every_written_form(n):
    for text in (str(n), format_number(n), format_yen(n), f"{n:,} 円", format_number(n).translate(FULLWIDTH_DIGITS)):
        assert parse_amount(text) == n, text


@SETTINGS
@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_thousands_of_yen(n):
    assert parse_amount(f"{n:,}千円") == n * 1000  # a 円 field reads 千円 as ×1000
    assert parse_amount(f"{n:,}千円", unit="千円") == n  # a 千円 field keeps it
    assert parse_amount(format_number(n), unit="千円") == n


@SETTINGS
@given(TYPED)
@example("1,00")
@example("-5")
@example("0")
@example("")
def test_any_typed_amount_is_a_positive_int_or_a_message(text):
    try:
        value = parse_amount(text, label="請負金額")
    except DomainError as err:
        assert "請負金額" in str(err)
    else:
        assert isinstance(value, int) and value >= 1


@SETTINGS
@given(st.integers(min_value=0, max_value=10**MAX_COUNT_DIGITS - 1), st.sampled_from(["", "回", "社"]))
def test_count_round_trip(n, suffix):
    assert parse_count(f"{n}{suffix}", label="入札参加者数") == n
    assert parse_count(str(n).translate(FULLWIDTH_DIGITS), label="入札参加者数") == n


@SETTINGS
@given(st.integers(min_value=10**MAX_COUNT_DIGITS, max_value=10**40))
def test_counts_above_the_limit_are_a_message(n):
    try:
        parse_count(str(n), label="入札参加者数")
    except DomainError as err:
        assert "入札参加者数" in str(err)
    else:
        raise AssertionError(f"{n} accepted")


@SETTINGS
@given(st.integers(min_value=MAX_AMOUNT + 1, max_value=10**60))
def test_amounts_above_the_limit_are_a_message(n):
    for text in (str(n), format_number(n)):
        try:
            parse_amount(text, label="請負金額")
        except DomainError as err:
            assert "請負金額" in str(err)
        else:
            raise AssertionError(f"{text} accepted")


# 和暦 ---------------------------------------------------------------------------------------------


@SETTINGS
@given(DATES)
def test_wareki_round_trip(d):
    assert parse_wareki(to_wareki(d)) == d
    assert parse_wareki(to_wareki(d, gannen=False)) == d
    assert parse_ymd(to_wareki(d)) == d  # the form takes 和暦 too
    assert parse_ymd(d.strftime("%Y%m%d")) == d
    assert parse_ymd(format_slash(d)) == d
    assert parse_ymd(f"{d.year}-{d.month}-{d.day}") == d


@SETTINGS
@given(DATES)
def test_era_is_the_one_in_force_that_day(d):
    name, year = era_of(d)
    starts = dict(ERAS)
    assert starts[name] <= d
    assert year == d.year - starts[name].year + 1 >= 1
    newer = [start for _, start in ERAS if start > starts[name]]
    assert all(d < start for start in newer)  # no later era had begun
    assert to_wareki(d).startswith(f"{name}{'元' if year == 1 else year}年")


@SETTINGS
@given(st.dates(max_value=SHOWA - timedelta(days=1)))
def test_dates_before_showa_are_refused(d):
    try:
        to_wareki(d)
    except DomainError:
        return
    raise AssertionError(f"{d} shown in 和暦")


@SETTINGS
@given(TYPED)
def test_any_typed_date_is_a_date_or_a_message(text):
    try:
        d = parse_ymd(text, label="契約日")
    except DomainError:
        return
    assert isinstance(d, date)


@SETTINGS
@given(DATES, st.sampled_from(["令和", "平成", "昭和"]))
def test_a_wareki_date_outside_its_era_is_refused(d, era):
    name, _ = era_of(d)
    if name == era:
        return
    year = d.year - dict(ERAS)[era].year + 1
    if year < 1 or year > 99:
        return
    try:
        parsed = parse_wareki(f"{era}{year}年{d.month}月{d.day}日")
    except DomainError:
        return
    assert era_of(parsed)[0] == era  # accepted only if that day really was in the era


# 保証契約番号 --------------------------------------------------------------------------------------

PREFIXES = st.text(alphabet="0123456789", min_size=5, max_size=5)
SERIALS = st.integers(min_value=0, max_value=99_999)


@SETTINGS
@given(PREFIXES, SERIALS)
def test_contract_number_round_trip_and_lenient_input(prefix, serial):
    number = make_contract_number(prefix, serial)
    assert parse_contract_number(number) == number and is_valid_contract_number(number)
    assert parse_contract_number(number.replace("-", "")) == number
    assert parse_contract_number(number.lower()) == number
    assert parse_contract_number(to_fullwidth(number)) == number
    assert parse_contract_number(number.replace("-", "ー")) == number  # an IME's long-vowel dash


@SETTINGS
@given(PREFIXES, SERIALS, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_caught(prefix, serial, position, delta):
    digits = f"{prefix}{serial:05d}"
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    letter = check_letter(digits)
    assert not is_valid_contract_number(f"{wrong[:5]}-{wrong[5:]}{letter}")


@SETTINGS
@given(PREFIXES, SERIALS, st.integers(min_value=0, max_value=8))
def test_two_swapped_neighbours_are_caught(prefix, serial, position):
    digits = f"{prefix}{serial:05d}"
    if digits[position] == digits[position + 1]:
        return
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
    assert not is_valid_contract_number(f"{swapped[:5]}-{swapped[5:]}{check_letter(digits)}")


@SETTINGS
@given(PREFIXES, SERIALS, st.sampled_from(ALPHABET))
def test_exactly_one_letter_is_valid(prefix, serial, letter):
    number = make_contract_number(prefix, serial)
    assert is_valid_contract_number(number[:-1] + letter) == (letter == number[-1])


# the form's rules ------------------------------------------------------------------------------

NOISE = st.text(alphabet="0123456789,円-/ abcあ漢１２", max_size=12)
KEYS = st.sampled_from([f.key for f in FIELDS])


@SETTINGS
@given(st.dictionaries(KEYS, NOISE, max_size=12))
def test_validation_of_any_draft_is_consistent(changes):
    raw = valid_raw(**changes)
    v = validate_application(raw, kawasaki())
    order = [f.key for f in FIELDS]
    assert set(v.problems) <= set(order)
    assert list(v.problems) == sorted(v.problems, key=order.index)  # in the form's order
    assert v.ok == (not v.problems)
    assert v.first_problem() == next(iter(v.problems), None)
    assert all(isinstance(message, str) and message for message in v.problems.values())
    assert not set(v.problems) & set(v.values) - {
        "advance_amount",
        "contract_guarantee_amount",
        "planned_advance",
        "intermediate_amount",
        "fiscal_year_amount",
        "start_date",
        "end_date",
        "award_date",
        "disqualified",
        "receive_day",
        "visit_day",
        "advance_apply",
        "contract_apply",
    }
    for key in changes:
        assert validate_field(key, raw, kawasaki()) == v.problems.get(key)


@SETTINGS
@given(AMOUNTS, st.sampled_from(["construction", "service"]))
def test_advance_limit_is_exactly_the_ratio(amount, kind):
    terms = kawasaki()
    limit = terms.advance_limit(amount, kind)
    ratio = terms.advance_ratio(kind)
    assert limit <= amount * ratio < limit + 1
    if limit < 1:
        return
    ok = validate_application(
        valid_raw(
            contract_amount=str(amount),
            advance_amount=str(limit),
            work_kind=kind,
            contract_apply="",
            planned_advance="",
        ),
        terms,
    )
    assert "advance_amount" not in ok.problems
    over = validate_application(
        valid_raw(
            contract_amount=str(amount),
            advance_amount=str(limit + 1),
            work_kind=kind,
            contract_apply="",
            planned_advance="",
        ),
        terms,
    )
    assert "以下にしてください" in over.problems["advance_amount"]


@SETTINGS
@given(AMOUNTS, st.booleans())
def test_contract_guarantee_minimum_is_exactly_the_ratio(amount, low_bid):
    terms = kawasaki()
    minimum = terms.contract_minimum(amount, low_bid)
    ratio = terms.contract_min_low_bid if low_bid else terms.contract_min
    assert minimum - 1 < amount * ratio <= minimum
    base = dict(contract_amount=str(amount), advance_amount="1", planned_advance="", low_bid="1" if low_bid else "")
    at = validate_application(valid_raw(contract_guarantee_amount=str(minimum), **base), terms)
    assert "contract_guarantee_amount" not in at.problems
    if minimum > 1:
        below = validate_application(valid_raw(contract_guarantee_amount=str(minimum - 1), **base), terms)
        assert "以上にしてください" in below.problems["contract_guarantee_amount"]


@SETTINGS
@given(st.integers(min_value=10_000, max_value=999_999_999_999), st.integers(min_value=1, max_value=9_999))
def test_rounding_unit_refuses_odd_amounts(amount, odd):
    terms = OrdererTerms(rounding_unit=10_000, name="神奈川県知事")
    limit = terms.advance_limit(amount * 10, "construction")
    ok = validate_application(
        valid_raw(contract_amount=str(amount * 10), advance_amount=str(limit), contract_apply="", planned_advance=""),
        terms,
    )
    assert "advance_amount" not in ok.problems and limit % 10_000 == 0
    if limit > odd:
        wrong = validate_application(
            valid_raw(
                contract_amount=str(amount * 10), advance_amount=str(limit - odd), contract_apply="", planned_advance=""
            ),
            terms,
        )
        assert "10,000円単位" in wrong.problems["advance_amount"]


@SETTINGS
@given(
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.sampled_from(["{a}-{b}", "{a}{b}", "〒{a}-{b}", "{a}ー{b}"]),
    st.booleans(),
)
def test_zip_is_normalised(a, b, form, wide):
    text = form.format(a=a, b=b)
    v = validate_application(valid_raw(send_zip=to_fullwidth(text) if wide else text), kawasaki())
    assert v.values["send_zip"] == f"{a}-{b}"


@SETTINGS
@given(st.text(alphabet="ABCabc012 -()・〇〇銀行支店", min_size=1, max_size=20).filter(lambda s: s.strip()))
def test_fullwidth_fields_are_converted_and_say_so(text):
    v = validate_application(valid_raw(deposit_bank=text), kawasaki())
    value = v.values["deposit_bank"]
    assert value == to_fullwidth(text.strip())
    assert all(not (" " < ch <= "~") for ch in value)  # nothing half-width printable is left
    assert ("deposit_bank" in v.notices) == (value != text.strip())


@SETTINGS
@given(st.sampled_from([f.key for f in FIELDS if f.required]))
def test_every_required_field_says_so_when_blank(key):
    v = validate_application(valid_raw(**{key: ""}), kawasaki())
    if FIELD_BY_KEY[key].kind.name == "FLAG":
        return
    assert v.problems.get(key, "").endswith("は必須です。") or key == "orderer_id"
