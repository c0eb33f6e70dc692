import pytest

from esurety_tui.domain.contract_number import (
    ALPHABET,
    check_letter,
    is_valid_contract_number,
    make_contract_number,
    parse_contract_number,
)
from esurety_tui.domain.errors import DomainError

SAMPLES = [
    "35072-00000M",
    make_contract_number("35072", 12345),
    make_contract_number("10230", 99999),
    make_contract_number("98765", 40321),
]


def test_seed_number_is_valid():
    assert parse_contract_number("35072-00000M") == "35072-00000M"
    assert make_contract_number("35072", 0) == "35072-00000M"
    assert check_letter("3507200000") == "M"


def test_alphabet_has_no_lookalikes():
    assert len(ALPHABET) == 23 and not set("IOQ") & set(ALPHABET)


@pytest.mark.parametrize("number", SAMPLES)
def test_every_single_digit_substitution_is_rejected(number):
    digits_at = [i for i, ch in enumerate(number) if ch.isdigit()]
    assert len(digits_at) == 10
    for i in digits_at:
        for d in "0123456789":
            if d != number[i]:
                typo = number[:i] + d + number[i + 1 :]
                assert not is_valid_contract_number(typo), typo


@pytest.mark.parametrize("number", SAMPLES)
def test_every_adjacent_transposition_is_rejected(number):
    digits = number[:5] + number[6:11]
    swaps = 0
    for i in range(9):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert not is_valid_contract_number(f"{swapped[:5]}-{swapped[5:]}{number[-1]}"), swapped
            swaps += 1
    assert swaps > 0


@pytest.mark.parametrize("typed", ["３５０７２－０００００Ｍ", "3507200000M", "35072-00000m", " 35072ー00000M "])
def test_input_is_normalised(typed):
    assert parse_contract_number(typed) == "35072-00000M"


def test_wrong_letter_message_mentions_check_letter():
    with pytest.raises(DomainError, match="チェック文字"):
        parse_contract_number("35072-00000N")


@pytest.mark.parametrize("bad", ["35072-0000M", "3507-00000M", "35072-00000", "abcde-fghijM", ""])
def test_bad_shape_message_mentions_format(bad):
    with pytest.raises(DomainError, match="形式"):
        parse_contract_number(bad)


@pytest.mark.parametrize("prefix, serial", [("3507", 0), ("3507a", 0), ("35072", -1), ("35072", 100000)])
def test_make_refuses_bad_parts(prefix, serial):
    with pytest.raises(DomainError):
        make_contract_number(prefix, serial)
