"""The Japanese message of every problem code: the one table validation messages come from.

Rules and parsers report a code and its parameters (``Problem`` in ``rules``, ``DomainError.code``);
the text is made here, so nothing downstream needs to read a message to know what went wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

NOT_UTF8 = "使用できない文字（UTF-8でない文字）が含まれています。"

MESSAGES: dict[str, str] = {
    # one field on its own
    "required": "「{label}」は必須です。",
    "not_utf8": "「{label}」に" + NOT_UTF8,
    "choose_option": "「{label}」は選択肢から選んでください。",
    "choose_from_list": "「{label}」は一覧から選んでください。",
    "email_format": "メールアドレスの形式が正しくありません。",
    "zip_format": "郵便番号は「231-8463」の形（数字3桁-数字4桁）で入力してください。",
    "out_of_range": "「{label}」は{low}〜{high}の数字で入力してください。",
    # amounts and counts (money.parse_amount, parse_count)
    "amount_thousands": "{label}は千円単位で入力してください。",
    "amount_empty": "{label}を入力してください。",
    "amount_negative": "{label}は正の整数で入力してください。",
    "amount_not_integer": "{label}は数字（整数）で入力してください。",
    "amount_too_large": "{label}は{limit}以下で入力してください。",
    "amount_zero": "{label}は1以上で入力してください。",
    "count_not_integer": "{label}は0以上の整数で入力してください。",
    "count_too_large": "{label}は{limit}以下で入力してください。",
    # text (text.check_text)
    "text_not_utf8": "{label}に" + NOT_UTF8,
    "text_too_long": "{label}は{max_length}文字以内で入力してください（{length}文字）。",
    "text_control": "{label}に制御文字が含まれています。削除してください。",
    "text_unprintable": "{label}の「{chars}」は書類（PDF）に印字できないため使用できません。別の文字に置き換えてください。",
    # dates (wareki.parse_ymd, parse_wareki, era_of)
    "date_before_showa": "昭和より前の日付は扱えません。",
    "wareki_format": "和暦の日付は「令和5年3月20日」の形で入力してください。",
    "date_not_exist": "存在しない日付です。",
    "wareki_not_exist": "{date}は存在しない日付です。",
    "date_empty": "{label}を入力してください。",
    "date_format": "{label}は「20230320」の形（8桁の数字）で入力してください。",
    "date_invalid": "{label}：存在しない日付です。",
    # across fields (rules)
    "apply_none": "前払金保証・契約保証のいずれかを申し込んでください。",
    "contract_without_advance": "契約保証は前払金保証の特約です。前払金保証と一緒に申し込んでください。",
    "electronic_unsupported": "発注者「{orderer}」は電子保証に対応していません。証書(紙)を選択してください。",
    "electronic_unsupported_unnamed": "選択された発注者は電子保証に対応していません。証書(紙)を選択してください。",
    "advance_over_limit": "{label}は請負金額の{ratio}（{limit}）以下にしてください。",
    "intermediate_over_limit": "中間前払金額は請負金額の{ratio}（{limit}）以下にしてください。",
    "combined_over_limit": "前払金保証金額と中間前払金額の合計は請負金額の{ratio}（{limit}）以下にしてください。",
    "contract_under_minimum": "契約保証金額は請負金額の{ratio}{note}（{minimum}）以上にしてください。",
    "over_contract_amount": "{label}は請負金額（{amount}）以下にしてください。",
    "rounding_unit": "{label}は{unit}単位で入力してください。",
    "start_before_contract": "着工日は契約日以降の日付にしてください。",
    "end_before_start": "完成日は着工日以降の日付にしてください。",
    "award_after_contract": "落札日は契約日以前の日付にしてください。",
    "disqualified_over_bidders": "失格者数は入札参加者数以下にしてください。",
    "day_not_exist": "{label}の{month}月{day}日は存在しない日付です。",
    # notices (not problems: nothing is refused)
    "fullwidth_converted": "全角に変換しました。",
}


def message(code: str, params: Mapping[str, object] | None = None) -> str:
    """The Japanese text of ``code`` with its parameters (KeyError for an unknown code: a bug)."""
    return MESSAGES[code].format(**(params or {}))
