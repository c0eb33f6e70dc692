from datetime import date, datetime

import pytest

from esurety_tui.domain.errors import DomainError
from esurety_tui.domain.wareki import (
    era_of,
    format_datetime,
    format_slash,
    parse_wareki,
    parse_ymd,
    to_wareki,
    to_wareki_datetime,
)


def test_seed_date_both_ways():
    assert parse_ymd("20230320") == date(2023, 3, 20)
    assert to_wareki(date(2023, 3, 20)) == "令和5年3月20日"
    assert parse_wareki("令和5年3月20日") == date(2023, 3, 20)


@pytest.mark.parametrize("typed", ["2023/03/20", "2023-3-20", "2023.03.20", "２０２３０３２０", "令和５年３月２０日"])
def test_typed_forms(typed):
    assert parse_ymd(typed) == date(2023, 3, 20)


def test_heisei_reiwa_boundary():
    assert to_wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert to_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert to_wareki(date(2019, 5, 1), gannen=False) == "令和1年5月1日"
    assert parse_wareki("平成31年4月30日") == date(2019, 4, 30)
    assert parse_wareki("令和元年5月1日") == date(2019, 5, 1)
    assert parse_wareki("令和1年5月1日") == date(2019, 5, 1)


@pytest.mark.parametrize("bad", ["平成31年5月1日", "令和元年4月30日", "昭和64年1月8日", "平成0年1月1日"])
def test_dates_outside_their_era_are_refused(bad):
    with pytest.raises(DomainError):
        parse_wareki(bad)


def test_showa_heisei_boundary():
    assert parse_wareki("昭和64年1月7日") == date(1989, 1, 7)
    assert to_wareki(date(1989, 1, 7)) == "昭和64年1月7日"
    assert to_wareki(date(1989, 1, 8)) == "平成元年1月8日"
    assert era_of(date(1926, 12, 25)) == ("昭和", 1)
    with pytest.raises(DomainError):
        era_of(date(1926, 12, 24))


@pytest.mark.parametrize("bad", ["20230230", "20231301", "2023", "202303201", "20231/1", "abc", "2023/03-20"])
def test_bad_dates_refused(bad):
    with pytest.raises(DomainError):
        parse_ymd(bad, label="落札日")


def test_messages_are_japanese_and_name_the_field():
    with pytest.raises(DomainError, match="落札日.*存在しない"):
        parse_ymd("20230230", label="落札日")
    with pytest.raises(DomainError, match="落札日を入力"):
        parse_ymd("", label="落札日")


def test_leap_day():
    assert parse_ymd("20240229") == date(2024, 2, 29)
    with pytest.raises(DomainError):
        parse_ymd("20230229")


def test_formats():
    assert format_datetime(datetime(2023, 4, 3, 13, 0)) == "2023/04/03 13:00"
    assert format_slash(date(2023, 3, 20)) == "2023/03/20"
    assert to_wareki_datetime(datetime(2023, 4, 3, 13, 5)) == "令和5年4月3日 13:05"
