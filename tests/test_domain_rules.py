from datetime import date
from fractions import Fraction

import pytest

from esurety_tui.domain.fields import FIELDS
from esurety_tui.domain.rules import OrdererTerms, ratio_text, summary_rows, validate_application, validate_field
from tests.helpers.cases import kawasaki, valid_raw


def problems(terms=None, **changes):
    return validate_application(valid_raw(**changes), terms or kawasaki()).problems


# --- the valid case ---------------------------------------------------------------------------------


def test_seed_application_is_valid():
    result = validate_application(valid_raw(), kawasaki())
    assert result.problems == {}
    assert result.ok and result.first_problem() is None
    v = result.values
    assert v["contract_amount"] == 50_000_000 and v["advance_amount"] == 20_000_000
    assert v["contract_guarantee_amount"] == 5_000_000
    assert v["contract_date"] == date(2023, 4, 1) and v["award_date"] == date(2023, 3, 20)
    assert v["orderer_id"] == 1 and v["branch_id"] == 1
    assert v["advance_apply"] is True and v["contract_apply"] is True and v["intermediate"] is False
    assert v["send_zip"] == "231-8463" and v["email"] == "soumu@ejcs.co.jp"
    assert v["deposit_bank"] == "〇〇銀行　××支店"
    assert v["bidders"] == 5 and v["disqualified"] == 0
    assert "jv_name" not in v and "visit_month" not in v  # switched-off fields are not in values


def test_missing_keys_mean_empty():
    result = validate_application({}, None)
    assert result.problems["orderer_id"] == "「発注者名」は必須です。"
    assert result.problems["work_name"] == "「工事名」は必須です。"
    assert result.problems["advance_apply"] == "前払金保証・契約保証のいずれかを申し込んでください。"
    assert list(result.problems) == [f.key for f in FIELDS if f.key in result.problems]


# --- 必須 and sections ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, label",
    [
        ("work_name", "工事名"),
        ("contract_amount", "請負金額"),
        ("award_date", "落札日"),
        ("email", "メールアドレス"),
        ("advance_amount", "前払金保証金額"),
        ("deposit_bank", "預託金融機関(全角)"),
        ("branch_id", "申込送信先"),
        ("contract_guarantee_amount", "契約保証金額"),
        ("order_kind", "受注区分"),
        ("work_place", "工事場所"),
    ],
)
def test_required(key, label):
    assert problems(**{key: ""})[key] == f"「{label}」は必須です。"
    assert problems(**{key: "   "})[key] == f"「{label}」は必須です。"


def test_no_orderer_chosen():
    result = validate_application(valid_raw(orderer_id=""), None)
    assert result.problems == {"orderer_id": "「発注者名」は必須です。"}
    # an id the caller found no orderer for
    result = validate_application(valid_raw(orderer_id="99"), None)
    assert result.problems == {"orderer_id": "「発注者名」は一覧から選んでください。"}


def test_ratio_rules_skipped_without_orderer():
    result = validate_application(valid_raw(orderer_id="", advance_amount="40,000,000"), None)
    assert list(result.problems) == ["orderer_id"]


def test_advance_section_off_is_not_validated():
    raw = valid_raw(advance_apply="", contract_apply="", advance_amount="abc", deposit_bank="")
    result = validate_application(raw, kawasaki())
    assert result.problems == {"advance_apply": "前払金保証・契約保証のいずれかを申し込んでください。"}
    assert "advance_amount" not in result.values and "deposit_bank" not in result.values
    assert result.values["advance_apply"] is False


def test_contract_section_off_is_not_validated():
    result = validate_application(valid_raw(contract_apply="", contract_guarantee_amount="x"), kawasaki())
    assert result.ok
    assert "contract_guarantee_amount" not in result.values


def test_contract_needs_advance():
    assert problems(advance_apply="") == {
        "contract_apply": "契約保証は前払金保証の特約です。前払金保証と一緒に申し込んでください。"
    }


def test_advance_alone_is_fine():
    assert problems(contract_apply="") == {}


def test_jv_fields_required_for_jv():
    p = problems(jv_kind="jv")
    assert p == {"jv_name": "「JV名」は必須です。", "jv_representative": "「JV代表者」は必須です。"}
    result = validate_application(
        valid_raw(jv_kind="jv", jv_name="〇〇・△△JV", jv_representative="〇〇建設"), kawasaki()
    )
    assert result.ok and result.values["jv_name"] == "〇〇・△△JV"


def test_receive_method_fields():
    assert problems(receive_month="", receive_day="") == {
        "receive_month": "「受取希望日(月)」は必須です。",
        "receive_day": "「受取希望日(日)」は必須です。",
    }
    assert problems(receive_method="counter") == {
        "visit_month": "「来店予定日(月)」は必須です。",
        "visit_day": "「来店予定日(日)」は必須です。",
        "visit_hour": "「来店予定日(時)」は必須です。",
    }
    result = validate_application(
        valid_raw(receive_method="counter", visit_month="4", visit_day="3", visit_hour="13"), kawasaki()
    )
    assert result.ok and "receive_month" not in result.values and result.values["visit_hour"] == 13


def test_intermediate_amount_required_when_flag_on():
    assert problems(intermediate="1") == {"intermediate_amount": "「中間前払金額」は必須です。"}
    assert problems(intermediate="", intermediate_amount="x") == {}  # ignored while the flag is off


# --- kinds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["50000000", "50,000,000円", "５０，０００，０００"])
def test_amount_forms_accepted(typed):
    result = validate_application(valid_raw(contract_amount=typed), kawasaki())
    assert result.ok and result.values["contract_amount"] == 50_000_000


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-5", "請負金額は正の整数で入力してください。"),
        ("0", "請負金額は1以上で入力してください。"),
        ("1.5", "請負金額は数字（整数）で入力してください。"),
        ("abc", "請負金額は数字（整数）で入力してください。"),
    ],
)
def test_amount_refused(typed, message):
    assert problems(contract_amount=typed) == {"contract_amount": message}  # and no cross messages elsewhere


def test_thousands_amounts():
    result = validate_application(
        valid_raw(second_bid_amount="49,800", highest_bid_amount="５１０００千円"), kawasaki()
    )
    assert result.ok
    assert result.values["second_bid_amount"] == 49800 and result.values["highest_bid_amount"] == 51000


@pytest.mark.parametrize("key, typed", [("bidders", "-1"), ("bid_rounds", "x"), ("disqualified", "1.5")])
def test_counts_non_negative_integers(key, typed):
    assert key in problems(**{key: typed})
    assert "0以上の整数" in problems(**{key: typed})[key]


def test_half_width_bank_converted_with_notice():
    result = validate_application(valid_raw(deposit_bank="ABC銀行 xx支店"), kawasaki())
    assert result.ok
    assert result.values["deposit_bank"] == "ＡＢＣ銀行　ｘｘ支店"
    assert result.notices == {"deposit_bank": "全角に変換しました。"}


def test_full_width_bank_has_no_notice():
    result = validate_application(valid_raw(deposit_bank="〇〇銀行　××支店"), kawasaki())
    assert result.ok and result.notices == {}


@pytest.mark.parametrize(
    "bad",
    [
        "soumu",
        "soumu@",
        "@ejcs.co.jp",
        "so umu@ejcs.co.jp",
        "soumu@ejcs",
        "a@b..jp",
        "soumu@@ejcs.co.jp",
        ".soumu@ejcs.co.jp",
    ],
)
def test_email_refused(bad):
    assert problems(email=bad) == {"email": "メールアドレスの形式が正しくありません。"}


@pytest.mark.parametrize("good", ["soumu@ejcs.co.jp", "ka.mlal1@ejcs.co.jp", "a+b@x-y.example.com"])
def test_email_accepted(good):
    assert problems(email=good) == {}


@pytest.mark.parametrize("typed", ["231-8463", "2318463", "２３１－８４６３", "〒231-8463"])
def test_zip_normalised(typed):
    result = validate_application(valid_raw(send_zip=typed), kawasaki())
    assert result.ok and result.values["send_zip"] == "231-8463"


@pytest.mark.parametrize("bad", ["231-846", "23-18463", "abc-defg", "231_8463"])
def test_zip_refused(bad):
    assert problems(send_zip=bad) == {"send_zip": "郵便番号は「231-8463」の形（数字3桁-数字4桁）で入力してください。"}


def test_month_day_hour_ranges():
    assert problems(receive_month="13") == {"receive_month": "「受取希望日(月)」は1〜12の数字で入力してください。"}
    assert problems(receive_day="0") == {"receive_day": "「受取希望日(日)」は1〜31の数字で入力してください。"}
    assert problems(receive_method="counter", visit_month="4", visit_day="3", visit_hour="24") == {
        "visit_hour": "「来店予定日(時)」は0〜23の数字で入力してください。"
    }
    assert problems(receive_method="counter", visit_month="4", visit_day="3", visit_hour="0") == {}


def test_month_day_must_be_real():
    assert problems(receive_month="2", receive_day="29") == {}  # leap day allowed
    assert problems(receive_month="2", receive_day="30") == {"receive_day": "受取希望日の2月30日は存在しない日付です。"}
    assert problems(receive_month="4", receive_day="31") == {"receive_day": "受取希望日の4月31日は存在しない日付です。"}
    # the month failed: no message about the day
    assert problems(receive_month="x", receive_day="31") == {
        "receive_month": "「受取希望日(月)」は1〜12の数字で入力してください。"
    }


def test_choice_must_be_known():
    assert problems(work_kind="bridge") == {"work_kind": "「工事区分」は選択肢から選んでください。"}


def test_ref_must_be_positive_integer():
    assert problems(branch_id="0") == {"branch_id": "「申込送信先」は一覧から選んでください。"}
    assert problems(branch_id="abc") == {"branch_id": "「申込送信先」は一覧から選んでください。"}


def test_dates_real_calendar_dates():
    assert problems(contract_date="20230230") == {"contract_date": "契約日：存在しない日付です。"}
    assert "contract_date" in problems(contract_date="19000101")  # not showable in 和暦


# --- ratio limits ---------------------------------------------------------------------------------------


def test_advance_limit_boundary_construction():
    assert problems(advance_amount="20,000,000") == {}
    assert problems(advance_amount="20,000,001") == {
        "advance_amount": "前払金保証金額は請負金額の4/10（20,000,000円）以下にしてください。"
    }


def test_advance_limit_boundary_service():
    assert problems(work_kind="service", advance_amount="15,000,000") == {}
    assert problems(work_kind="service", advance_amount="15,000,001") == {
        "advance_amount": "前払金保証金額は請負金額の3/10（15,000,000円）以下にしてください。"
    }


def test_advance_limit_floors_odd_amounts():
    # 4/10 of 12,345,679 is 4,938,271.6: the limit is 4,938,271
    assert kawasaki().advance_limit(12_345_679, "construction") == 4_938_271
    assert (
        problems(contract_amount="12,345,679", advance_amount="4,938,271", contract_guarantee_amount="1,234,568") == {}
    )
    assert "advance_amount" in problems(
        contract_amount="12,345,679", advance_amount="4,938,272", contract_guarantee_amount="1,234,568"
    )


def test_planned_advance_limit():
    assert problems(planned_advance="20,000,000") == {}
    assert problems(planned_advance="20,000,001") == {
        "planned_advance": "前払金額(予定)は請負金額の4/10（20,000,000円）以下にしてください。"
    }


def test_advance_limit_skipped_when_contract_amount_bad():
    assert problems(contract_amount="x", advance_amount="99,000,000") == {
        "contract_amount": "請負金額は数字（整数）で入力してください。"
    }


def test_intermediate_limits():
    ok = dict(intermediate="1", intermediate_amount="10,000,000")
    assert problems(**ok) == {}  # 2/10 exactly, and 20M + 10M = 30M = 6/10
    assert problems(intermediate="1", intermediate_amount="10,000,001") == {
        "intermediate_amount": "中間前払金額は請負金額の2/10（10,000,000円）以下にしてください。"
    }
    # each within its own limit, but the sum over 6/10 (with an orderer allowing 5/10 advances)
    terms = kawasaki(advance_work=Fraction(5, 10))
    assert problems(terms, intermediate="1", intermediate_amount="10,000,000", advance_amount="25,000,000") == {
        "intermediate_amount": "前払金保証金額と中間前払金額の合計は請負金額の6/10（30,000,000円）以下にしてください。"
    }


def test_contract_minimum_boundary():
    assert problems(contract_guarantee_amount="5,000,000") == {}
    assert problems(contract_guarantee_amount="4,999,999") == {
        "contract_guarantee_amount": "契約保証金額は請負金額の1/10（5,000,000円）以上にしてください。"
    }


def test_contract_minimum_rounds_up():
    # 1/10 of 12,345,679 is 1,234,567.9: the minimum is 1,234,568
    assert kawasaki().contract_minimum(12_345_679, False) == 1_234_568
    p = problems(contract_amount="12,345,679", advance_amount="4,000,000", contract_guarantee_amount="1,234,567")
    assert p == {"contract_guarantee_amount": "契約保証金額は請負金額の1/10（1,234,568円）以上にしてください。"}


def test_low_bid_minimum():
    assert problems(low_bid="1", contract_guarantee_amount="15,000,000") == {}
    assert problems(low_bid="1", contract_guarantee_amount="14,999,999") == {
        "contract_guarantee_amount": "契約保証金額は請負金額の3/10（低入札）（15,000,000円）以上にしてください。"
    }


def test_contract_guarantee_not_above_contract_amount():
    assert problems(contract_guarantee_amount="50,000,001") == {
        "contract_guarantee_amount": "契約保証金額は請負金額（50,000,000円）以下にしてください。"
    }


def test_fiscal_year_amount_not_above_contract_amount():
    assert problems(fiscal_year_amount="50,000,000") == {}
    assert "fiscal_year_amount" in problems(fiscal_year_amount="50,000,001")


def test_rounding_unit():
    terms = kawasaki(rounding_unit=10000)
    assert problems(terms) == {}
    assert problems(terms, advance_amount="19,995,000", contract_guarantee_amount="5,005,000") == {
        "advance_amount": "前払金保証金額は10,000円単位で入力してください。",
        "contract_guarantee_amount": "契約保証金額は10,000円単位で入力してください。",
    }
    assert terms.advance_limit(50_005_000, "construction") == 20_000_000  # 20,002,000 floored to 1万円


# --- 電子保証 -----------------------------------------------------------------------------------------


def test_orderer_without_electronic():
    terms = kawasaki(accepts_electronic=False, name="〇〇町長")
    message = "発注者「〇〇町長」は電子保証に対応していません。証書(紙)を選択してください。"
    assert problems(terms) == {"advance_form": message, "contract_form": message}
    assert problems(terms, advance_form="paper", contract_form="paper") == {}
    assert problems(terms, advance_form="paper", contract_apply="") == {}


# --- dates and counts -----------------------------------------------------------------------------------


def test_start_not_before_contract():
    assert problems(start_date="20230401") == {}
    assert problems(start_date="20230331") == {"start_date": "着工日は契約日以降の日付にしてください。"}


def test_end_not_before_start():
    assert problems(end_date="20230402") == {"end_date": "完成日は着工日以降の日付にしてください。"}


def test_award_not_after_contract():
    assert problems(award_date="20230401") == {}
    assert problems(award_date="20230402") == {"award_date": "落札日は契約日以前の日付にしてください。"}


def test_date_cross_rules_skipped_when_contract_date_bad():
    assert problems(contract_date="2023", award_date="20991231", start_date="20000101") == {
        "contract_date": "契約日は「20230320」の形（8桁の数字）で入力してください。"
    }


def test_disqualified_not_above_bidders():
    assert problems(bidders="5", disqualified="5") == {}
    assert problems(bidders="5", disqualified="6") == {"disqualified": "失格者数は入札参加者数以下にしてください。"}


# --- ordering and convenience -------------------------------------------------------------------------


def test_first_problem_in_fields_order():
    result = validate_application(valid_raw(email="x", award_date="20230402", work_name=""), kawasaki())
    assert list(result.problems) == ["work_name", "award_date", "email"]
    assert result.first_problem() == "work_name"
    assert not result.ok


def test_one_message_per_field():
    # over the limit and not a multiple of 1万円: the limit message wins
    p = problems(kawasaki(rounding_unit=10000), advance_amount="20,000,001")
    assert p == {"advance_amount": "前払金保証金額は請負金額の4/10（20,000,000円）以下にしてください。"}


def test_validate_field():
    raw = valid_raw(award_date="20230402")
    assert validate_field("award_date", raw, kawasaki()) == "落札日は契約日以前の日付にしてください。"
    assert validate_field("work_name", raw, kawasaki()) is None


# --- OrdererTerms -----------------------------------------------------------------------------------------


def test_terms_from_overrides():
    terms = OrdererTerms.from_overrides("横浜市長", False, {"advance_work": "3/10", "rounding_unit": 10000, "x": 1})
    assert terms.name == "横浜市長" and terms.accepts_electronic is False
    assert terms.advance_work == Fraction(3, 10) and terms.rounding_unit == 10000
    assert terms.advance_service == Fraction(3, 10)
    assert OrdererTerms.from_overrides("", True, None) == OrdererTerms()
    assert OrdererTerms.from_overrides("", True, {"contract_min": "0.2"}).contract_min == Fraction(1, 5)


@pytest.mark.parametrize(
    "overrides",
    [
        {"advance_work": "abc"},
        {"advance_work": 0.4},
        {"advance_work": "1/0"},
        {"advance_work": "3/2"},
        {"combined": "0"},
        {"rounding_unit": 0},
        {"rounding_unit": "x"},
        {"rounding_unit": 1.5},
    ],
)
def test_terms_bad_overrides(overrides):
    with pytest.raises(ValueError):
        OrdererTerms.from_overrides("x", True, overrides)


def test_advance_limit_unknown_kind():
    with pytest.raises(ValueError):
        OrdererTerms().advance_limit(100, "bridge")


def test_ratio_text():
    assert ratio_text(Fraction(4, 10)) == "4/10"
    assert ratio_text(Fraction(1, 3)) == "1/3"


# --- summary -----------------------------------------------------------------------------------------------


def test_summary_rows():
    values = validate_application(valid_raw(second_bid_amount="12,345", intermediate_claim="1"), kawasaki()).values
    rows = summary_rows(values)
    d = dict(rows)
    assert d["請負金額"] == "50,000,000円"
    assert d["前払金保証金額"] == "20,000,000円"
    assert d["二番札入札金額"] == "12,345千円"
    assert d["落札日"] == "令和5年3月20日"
    assert d["契約日"] == "令和5年4月1日"
    assert d["前払金保証を申し込む"] == "申し込む"
    assert d["中間前払金あり"] == "なし"
    # 請求予定 counts only with 中間前払金あり (its declaration: enabled_when, as the form greys it)
    assert "中間前払金の請求予定" not in d
    with_intermediate = valid_raw(intermediate="1", intermediate_amount="10,000,000", intermediate_claim="1")
    d2 = dict(summary_rows(validate_application(with_intermediate, kawasaki()).values))
    assert d2["中間前払金あり"] == "あり" and d2["中間前払金の請求予定"] == "あり"
    assert d["工事区分"] == "工事"
    assert d["保証証書の形式(前払金保証)"] == "電子保証(認証キーを含む)"
    assert d["受取希望日"] == "4月10日"
    assert d["入札参加者数"] == "5社"
    assert d["預託金融機関(全角)"] == "〇〇銀行　××支店"
    assert "発注者名" not in d and "申込送信先" not in d  # REF fields: the caller adds names
    labels = [label for label, _ in rows]
    assert labels.index("工事名") < labels.index("前払金保証金額") < labels.index("落札日")


def test_summary_visit_row_and_not_applied():
    raw = valid_raw(receive_method="counter", visit_month="4", visit_day="3", visit_hour="13", contract_apply="")
    d = dict(summary_rows(validate_application(raw, kawasaki()).values))
    assert d["来店予定日"] == "4月3日 13時"
    assert d["契約保証を申し込む"] == "申し込まない"
    assert "契約保証金額" not in d and "受取希望日" not in d
