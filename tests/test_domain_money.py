import pytest

from esurety_tui.domain.errors import DomainError
from esurety_tui.domain.money import format_number, format_yen, parse_amount, parse_count


def test_format():
    assert format_yen(20000000) == "20,000,000円"
    assert format_yen(12345, "千円") == "12,345千円"
    assert format_number(5000000) == "5,000,000"


@pytest.mark.parametrize(
    "typed, value",
    [
        ("20,000,000", 20000000),
        ("20000000", 20000000),
        ("20,000,000円", 20000000),
        ("２００００円", 20000),
        ("２０，０００，０００", 20000000),
        (" 5000 円 ", 5000),
        ("20,000千円", 20000000),
    ],
)
def test_parse_yen(typed, value):
    assert parse_amount(typed) == value


def test_parse_thousands_field():
    assert parse_amount("12,345", unit="千円") == 12345
    assert parse_amount("12,345千円", unit="千円") == 12345
    with pytest.raises(DomainError, match="千円単位"):
        parse_amount("12,345円", label="二番札入札金額", unit="千円")


@pytest.mark.parametrize(
    "bad, message",
    [
        ("-5", "正の整数"),
        ("－5", "正の整数"),
        ("1.5", "整数"),
        ("abc", "整数"),
        ("", "入力してください"),
        ("0", "1以上"),
        ("1,00", "整数"),
        ("20,000,000 ", None),
    ],
)
def test_parse_refuses(bad, message):
    if message is None:  # trailing space is fine
        assert parse_amount(bad) == 20000000
        return
    with pytest.raises(DomainError, match=message) as err:
        parse_amount(bad, label="請負金額")
    assert str(err.value).startswith("請負金額")


def test_zero_allowed_when_asked():
    assert parse_amount("0", allow_zero=True) == 0


def test_parse_count():
    assert parse_count("3", label="入札回数") == 3
    assert parse_count("０", label="失格者数") == 0
    assert parse_count("5社", label="入札参加者数") == 5
    for bad in ["-1", "1.5", "x", ""]:
        with pytest.raises(DomainError, match="0以上の整数"):
            parse_count(bad, label="失格者数")
