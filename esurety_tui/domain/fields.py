"""The fields of a 保証申込 (SPEC §4): one catalogue shared by validation, storage and the form.

Every value a user types is kept as raw text in the draft (nothing typed is lost, even when invalid);
``rules.validate_application`` turns the raw values into typed ones and a list of problems.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Kind(str, Enum):
    TEXT = "text"          # free text
    FULLWIDTH = "fullwidth"  # text converted to 全角
    AMOUNT = "amount"      # integer 円
    AMOUNT_K = "amount_k"  # integer 千円
    COUNT = "count"        # non-negative integer (回, 社)
    DATE = "date"          # typed 20230320, shown 令和5年3月20日
    CHOICE = "choice"      # radio set / select: value is one of ``choices`` keys
    FLAG = "flag"          # checkbox: "1" or ""
    REF = "ref"            # select of a database row: value is the row id as text
    EMAIL = "email"
    ZIP = "zip"            # 〒 NNN-NNNN
    MONTH = "month"        # 1..12
    DAY = "day"            # 1..31
    HOUR = "hour"          # 0..23


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    section: str
    kind: Kind
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    unit: str = ""
    help: str = ""
    max_length: int = 0  # characters the form accepts (set from MAX_LENGTHS below)


# Section keys and their tab labels, in order (seed: 請負工事の情報 保証の申込内容 入札の状況 その他).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("work", "請負工事の情報", "請負工事の情報をクリア"),
    ("guarantee", "保証の申込内容", "保証の申込内容をクリア"),
    ("bid", "入札の状況", "入札の状況をクリア"),
    ("info", "その他", "インフォメーションをクリア"),
)

WORK_KINDS = (("construction", "工事"), ("service", "測量・設計等の業務委託"))
JV_KINDS = (("single", "単体"), ("jv", "JV"))
FEE_METHODS = (("lump", "一括納付"), ("split", "分割納付"))
REDEPOSIT = (("no", "再預託を利用しない"), ("yes", "再預託を利用する"))
CERT_FORMS = (("paper", "証書(紙)"), ("electronic", "電子保証(認証キーを含む)"))
ORDER_KINDS = (
    ("general", "一般競争入札"),
    ("designated", "指名競争入札"),
    ("negotiated", "随意契約"),
    ("other", "その他(見積もりあわせ等)"),
)
RECEIVE_METHODS = (("mail", "送付"), ("counter", "当社窓口"))
NOTIFY = (("yes", "希望する"), ("no", "希望しない"))

_CERT_HELP = (
    "保証証書の形式を選びます。※電子保証を希望される場合は、発注者が電子保証に対応していることを確認してください。"
)

FIELDS: tuple[Field, ...] = (
    # 請負工事の情報
    Field("orderer_id", "発注者名", "work", Kind.REF, True, help="工事を発注した発注者を一覧から選びます。電子保証に対応している発注者には「電子保証対応」と表示されます。"),
    Field("work_name", "工事名", "work", Kind.TEXT, True, help="請負契約書に記載された工事名（業務名）を入力します。"),
    Field("work_place", "工事場所", "work", Kind.TEXT, True, help="請負契約書に記載された工事場所を入力します。"),
    Field("work_kind", "工事区分", "work", Kind.CHOICE, True, WORK_KINDS, help="工事か、測量・設計等の業務委託かを選びます。前払金の上限割合が変わります（工事4/10、業務委託3/10）。"),
    Field("contract_amount", "請負金額", "work", Kind.AMOUNT, True, unit="円", help="請負契約の金額（消費税込み）を円単位で入力します。"),
    Field("contract_date", "契約日", "work", Kind.DATE, True, help="請負契約の締結日を「20230401」の形で入力します。"),
    Field("start_date", "着工日", "work", Kind.DATE, True, help="工期の始まりの日です。保証開始日は契約日以降になります。"),
    Field("end_date", "完成日", "work", Kind.DATE, True, help="工期の終わりの日です。保証期限は完成日になります。"),
    Field("jv_kind", "単体/JV", "work", Kind.CHOICE, True, JV_KINDS, help="単体の受注か、共同企業体（JV）での受注かを選びます。"),
    Field("jv_name", "JV名", "work", Kind.TEXT, help="JVの場合、共同企業体の名称を入力します。"),
    Field("jv_representative", "JV代表者", "work", Kind.TEXT, help="JVの場合、代表者（代表構成員）の名称を入力します。"),
    Field("planned_advance", "前払金額(予定)", "work", Kind.AMOUNT, unit="円", help="発注者に請求する予定の前払金額です。"),
    # 保証の申込内容 — 前払金保証
    Field("advance_apply", "前払金保証を申し込む", "guarantee", Kind.FLAG, help="前払金保証を申し込む場合にチェックします。"),
    Field("fiscal_year_amount", "今年度対象額", "guarantee", Kind.AMOUNT, unit="円", help="出来高予定額または支払限度額を円単位で入力します（複数年度の工事の場合）。"),
    Field("advance_amount", "前払金保証金額", "guarantee", Kind.AMOUNT, True, unit="円", help="保証を受ける前払金の額です。工事は請負金額の4/10、業務委託は3/10が上限です。"),
    Field("deposit_bank", "預託金融機関(全角)", "guarantee", Kind.FULLWIDTH, True, help="前払金を預託する金融機関と支店を全角で入力します（例: 〇〇銀行 ××支店）。半角で入力しても全角に変換します。"),
    Field("redeposit", "再預託利用区分", "guarantee", Kind.CHOICE, True, REDEPOSIT, help="再預託を利用するかどうかを選びます。"),
    Field("advance_fee_method", "前払金保証料支払方法", "guarantee", Kind.CHOICE, True, FEE_METHODS, help="前払金保証料の支払方法を選びます。"),
    Field("intermediate", "中間前払金あり", "guarantee", Kind.FLAG, help="*中間前払金とは: 工期の半ばを過ぎ、工事の進み具合が一定以上のときに追加で受け取れる前払金です（請負金額の2/10以内）。"),
    Field("intermediate_amount", "中間前払金額", "guarantee", Kind.AMOUNT, unit="円", help="中間前払金の額です。請負金額の2/10以内、前払金との合計は6/10以内です。"),
    Field("intermediate_claim", "中間前払金の請求予定", "guarantee", Kind.FLAG, help="中間前払金を請求する予定がある場合にチェックします（予定している）。"),
    Field("advance_form", "保証証書の形式(前払金保証)", "guarantee", Kind.CHOICE, True, CERT_FORMS, help=_CERT_HELP),
    # 保証の申込内容 — 契約保証
    Field("contract_apply", "契約保証を申し込む", "guarantee", Kind.FLAG, help="契約保証を申し込む場合にチェックします。契約保証は前払金保証の特約のため、前払金保証と一緒に申し込みます。"),
    Field("contract_guarantee_amount", "契約保証金額", "guarantee", Kind.AMOUNT, True, unit="円", help="請負金額の1/10以上（低入札の場合は3/10以上）です。"),
    Field("low_bid", "低入札", "guarantee", Kind.FLAG, help="低入札価格調査の対象となった契約の場合にチェックします。契約保証金額の下限が3/10になります。"),
    Field("contract_fee_method", "契約保証料支払方法", "guarantee", Kind.CHOICE, True, FEE_METHODS, help="契約保証料の支払方法を選びます。"),
    Field("contract_form", "保証証書の形式(契約保証)", "guarantee", Kind.CHOICE, True, CERT_FORMS, help=_CERT_HELP),
    # 入札の状況
    Field("order_kind", "受注区分", "bid", Kind.CHOICE, True, ORDER_KINDS, help="どの方式で受注したかを選びます。"),
    Field("award_date", "落札日", "bid", Kind.DATE, True, help="落札した日を「20191001」の形で入力します。契約日より後の日付は入力できません。"),
    Field("bid_rounds", "入札回数", "bid", Kind.COUNT, unit="回", help="入札を行った回数です。"),
    Field("bidders", "入札参加者数", "bid", Kind.COUNT, unit="社", help="入札に参加した会社の数です。"),
    Field("disqualified", "失格者数", "bid", Kind.COUNT, unit="社", help="失格となった会社の数です。入札参加者数以下です。"),
    Field("second_bidder", "二番札入札者", "bid", Kind.TEXT, help="二番目に低い金額で入札した会社の名称です。"),
    Field("second_bid_amount", "二番札入札金額", "bid", Kind.AMOUNT_K, unit="千円", help="二番札の入札金額を千円単位で入力します。"),
    Field("highest_bidder", "最高札入札者", "bid", Kind.TEXT, help="最も高い金額で入札した会社の名称です。"),
    Field("highest_bid_amount", "最高札入札金額", "bid", Kind.AMOUNT_K, unit="千円", help="最高札の入札金額を千円単位で入力します。"),
    # その他 (インフォメーション)
    Field("branch_id", "申込送信先", "info", Kind.REF, True, help="申込を送信する当社の営業部・支店を選びます。"),
    Field("receive_method", "受取方法", "info", Kind.CHOICE, True, RECEIVE_METHODS, help="紙の保証証書の受け取り方法です。送付の場合は受取希望日、当社窓口の場合は来店予定日を入力します。"),
    Field("receive_month", "受取希望日(月)", "info", Kind.MONTH, help="送付の場合の受取希望日（月）です。"),
    Field("receive_day", "受取希望日(日)", "info", Kind.DAY, help="送付の場合の受取希望日（日）です。"),
    Field("visit_month", "来店予定日(月)", "info", Kind.MONTH, help="当社窓口の場合の来店予定日（月）です。"),
    Field("visit_day", "来店予定日(日)", "info", Kind.DAY, help="当社窓口の場合の来店予定日（日）です。"),
    Field("visit_hour", "来店予定日(時)", "info", Kind.HOUR, help="当社窓口の場合の来店予定の時刻（時ごろ）です。"),
    Field("notify", "電子保証発行完了のお知らせ", "info", Kind.CHOICE, True, NOTIFY, help="「希望する」場合、弊社手続完了後にメールを送信します。"),
    Field("email", "メールアドレス", "info", Kind.EMAIL, True, help="お知らせを受け取るメールアドレスです。"),
    Field("send_name", "宛名", "info", Kind.TEXT, help="保証証書送付先の宛名です。"),
    Field("send_zip", "〒", "info", Kind.ZIP, help="郵便番号を「231-8463」の形で入力します。"),
    Field("send_address", "住所", "info", Kind.TEXT, help="保証証書送付先の住所です。"),
    Field("send_building", "建物名", "info", Kind.TEXT, help="ビル名・階など。"),
)

# Longest text each field takes. Free text is sized so that every value at its maximum prints whole
# in the notice and certificate PDFs (tests/test_hostile_input.py renders them); typed numbers leave
# room for separators, 円/千円 and full-width digits. Choice, flag and reference fields are not typed.
MAX_LENGTHS: dict[str, int] = {
    "work_name": 100,
    "work_place": 100,
    "jv_name": 60,
    "jv_representative": 60,
    "deposit_bank": 60,
    "second_bidder": 60,
    "highest_bidder": 60,
    "send_name": 60,
    "send_address": 100,
    "send_building": 60,
}
KIND_MAX_LENGTHS: dict[Kind, int] = {
    Kind.AMOUNT: 24,    # 999,999,999,999,999円 (15 digits, money.MAX_DIGITS) with a margin
    Kind.AMOUNT_K: 24,
    Kind.COUNT: 6,      # 999社
    Kind.DATE: 12,      # 20230320, 2023/03/20, 令和5年3月20日
    Kind.EMAIL: 254,    # RFC 5321 path limit
    Kind.ZIP: 10,       # 〒231-8463
    Kind.MONTH: 4,
    Kind.DAY: 4,
    Kind.HOUR: 4,
}
FIELDS = tuple(
    replace(f, max_length=MAX_LENGTHS.get(f.key) or KIND_MAX_LENGTHS.get(f.kind, 0)) for f in FIELDS
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

# Fields whose 必須 applies only when their section is switched on.
ADVANCE_FIELDS = frozenset(
    {"fiscal_year_amount", "advance_amount", "deposit_bank", "redeposit", "advance_fee_method",
     "intermediate", "intermediate_amount", "intermediate_claim", "advance_form"}
)
CONTRACT_FIELDS = frozenset(
    {"contract_guarantee_amount", "low_bid", "contract_fee_method", "contract_form"}
)

# Defaults of a new application (raw text values, as the form holds them).
DEFAULTS: dict[str, str] = {
    "work_kind": "construction",
    "jv_kind": "single",
    "advance_apply": "1",
    "redeposit": "no",
    "advance_fee_method": "lump",
    "advance_form": "electronic",
    "contract_apply": "",
    "contract_fee_method": "lump",
    "contract_form": "electronic",
    "order_kind": "general",
    "receive_method": "mail",
    "notify": "yes",
}


def fields_of(section: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.section == section)


def choice_label(key: str, value: str) -> str:
    return dict(FIELD_BY_KEY[key].choices).get(value, value)
