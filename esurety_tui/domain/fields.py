"""The fields of a 保証申込 (SPEC §4), declared once: validation, the form, 申込確認, the branch's
申込内容, the stored columns and the PDFs' 記 tables all read these declarations.

Every value a user types is kept as raw text in the draft (nothing typed is lost, even when invalid);
``rules.validate_application`` turns the raw values into typed ones and a list of problems.

A field's declaration holds what the user sees (label, the row's wording where the seed words the
form differently, note, unit, help, 必須), how it is typed (kind, control, width, maximum length), where
it sits (section = tab, heading before it, composite ``row`` shared with its neighbours) and when it
counts (``enabled_when`` / ``required_when``: conditions on other fields, as data) and where it is
printed (``prints``: the documents whose 記 table shows it, with their wording and place).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    TEXT = "text"  # free text
    FULLWIDTH = "fullwidth"  # text converted to 全角
    AMOUNT = "amount"  # integer 円
    AMOUNT_K = "amount_k"  # integer 千円
    COUNT = "count"  # non-negative integer (回, 社)
    DATE = "date"  # typed 20230320, shown 令和5年3月20日
    CHOICE = "choice"  # radio set / select: value is one of ``choices`` keys
    FLAG = "flag"  # checkbox: "1" or ""
    REF = "ref"  # select of a database row: value is the row id as text
    EMAIL = "email"
    ZIP = "zip"  # 〒 NNN-NNNN
    MONTH = "month"  # 1..12
    DAY = "day"  # 1..31
    HOUR = "hour"  # 0..23


class Control(str, Enum):
    """The widget a field is typed in (the form picks the Textual class)."""

    INPUT = "input"  # one-line text input
    CHECK = "check"  # a checkbox
    SWITCH = "switch"  # a checkbox that switches a whole part of the form on (前払金保証 / 契約保証)
    RADIO = "radio"  # radio buttons, across when two or fewer
    SELECT = "select"  # a drop-down of ``choices``
    PICK = "pick"  # a drop-down of database rows (発注者, 申込送信先)


def is_ticked(text: str) -> bool:
    """A checkbox's raw value: "1" ticked; "", "0" (and blanks) not."""
    return text.strip() not in ("", "0")


@dataclass(frozen=True)
class When:
    """A condition on the raw draft: ``key`` is ticked (``value`` None) or holds ``value``."""

    key: str
    value: str | None = None

    def holds(self, raw: Mapping[str, str]) -> bool:
        text = (raw.get(self.key) or "").strip()
        return is_ticked(text) if self.value is None else text == self.value


def all_hold(conditions: tuple[When, ...], raw: Mapping[str, str]) -> bool:
    return all(c.holds(raw) for c in conditions)


class Doc(str, Enum):
    """A document whose 記 table prints declared fields (documents/)."""

    CERTIFICATE = "certificate"  # 前払金保証書 / 契約保証書
    NOTICE = "notice"  # 電子保証にかかる「認証キー」のお知らせ


@dataclass(frozen=True)
class Print:
    """A field printed in a document's 記 table, when the field is enabled for that guarantee and has
    a value (a blank one only while 必須). Rows are sorted by ``place``; the documents' own rows (保証契約番号,
    受注者, 版…) have theirs in documents/ (certificate: 保証契約番号 0, 受注者 65, 版 900)."""

    doc: Doc = Doc.CERTIFICATE
    place: int = 500
    label: str = ""  # the document's wording where it differs from the field's label
    emphasis: bool = False  # printed larger (the guarantee's amount)


# A certificate is issued for one guarantee: it reads its application with only that guarantee's
# switch on, and its 保証金額 is that guarantee's amount field.
KIND_SWITCH: dict[str, str] = {"advance": "advance_apply", "contract": "contract_apply"}
KIND_AMOUNT: dict[str, str] = {"advance": "advance_amount", "contract": "contract_guarantee_amount"}
# The certificate's own rows (not fields of the form) and their places among the declared ones (保証金額
# 20, 請負金額 30, 工事名 40, 工事場所 50, 発注者 60, JV名 70, 保証開始日 80, 保証期限 90, 預託金融機関 100):
# the PDF and the 電子保証 screen lay them out alike.
CERTIFICATE_PLACES: dict[str, int] = {"number": 0, "contractor": 65, "version": 900, "issued_at": 910}


_INPUT_KINDS = frozenset(
    {
        Kind.TEXT,
        Kind.FULLWIDTH,
        Kind.AMOUNT,
        Kind.AMOUNT_K,
        Kind.COUNT,
        Kind.DATE,
        Kind.EMAIL,
        Kind.ZIP,
        Kind.MONTH,
        Kind.DAY,
        Kind.HOUR,
    }
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the field's name in messages, 申込確認 and the help
    section: str  # the tab (SECTIONS)
    kind: Kind
    required: bool = False  # 必須 whenever the field is enabled (marked 必須 always)
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    unit: str = ""  # after the input: 円, 千円, 回, 社; in a composite row the part's suffix (月, 日まで)
    help: str = ""  # F4 / 「?」
    max_length: int = 0  # characters the form accepts (0: the kind's, KIND_MAX_LENGTHS)
    enabled_when: tuple[When, ...] = ()  # all hold: the widget is enabled and the rules read the field
    required_when: tuple[When, ...] = ()  # 必須 (and marked so) only while all hold
    control: Control | None = None  # None: the kind's (INPUT, CHECK, PICK, RADIO)
    width: int = 0  # input cells (0: the kind's, KIND_WIDTHS; none: the rest of the row)
    row_label: str = ""  # the form's wording of the row where the seed differs from ``label``
    check_label: str = ""  # a checkbox's own text (default: ``label``)
    note: str = ""  # a line under the row
    heading: str = ""  # a sub-heading shown before the field
    row: str = ""  # composite row: fields with the same ``row`` share one line under this label
    clear_when_disabled: bool = False  # a checkbox that is unticked when its condition goes off
    ref: str = ""  # REF: the master the id points at ("orderer", "branch")
    default: str = ""  # raw value of a new application (申込の作成(新規), クリア)
    lookup: str = ""  # looked up as typed: "postal" (〒 fills ``fills``), "bank" (bank and branch names completed)
    fills: str = ""  # "postal": the field the address from Japan Post's data goes to
    prints: tuple[Print, ...] = ()  # the documents that print it (Print: place, wording)

    def __post_init__(self) -> None:
        if not self.max_length:
            object.__setattr__(self, "max_length", KIND_MAX_LENGTHS.get(self.kind, 0))
        if not self.width:
            object.__setattr__(self, "width", KIND_WIDTHS.get(self.kind, 0))
        if self.control is None:
            control = (
                Control.INPUT
                if self.kind in _INPUT_KINDS
                else Control.CHECK
                if self.kind is Kind.FLAG
                else Control.PICK
                if self.kind is Kind.REF
                else Control.RADIO
            )
            object.__setattr__(self, "control", control)

    @property
    def typed(self) -> bool:
        """Typed in an input (not picked, ticked or chosen)."""
        return self.control is Control.INPUT

    @property
    def shown_label(self) -> str:
        """The row's label on the form."""
        return self.row_label or self.label

    def enabled(self, raw: Mapping[str, str]) -> bool:
        return all_hold(self.enabled_when, raw)

    def required_now(self, raw: Mapping[str, str]) -> bool:
        """必須 with the draft as it is (an enabled field only: a disabled one is not read)."""
        return self.required or (bool(self.required_when) and all_hold(self.required_when, raw))

    @property
    def ever_required(self) -> bool:
        return self.required or bool(self.required_when)


# Longest text a typed kind takes: numbers leave room for separators, 円/千円 and full-width digits.
# Free text sets its own (max_length=…), sized so that every value at its maximum prints whole in the
# notice and certificate PDFs (tests/test_hostile_input.py renders them). Not typed: no maximum.
KIND_MAX_LENGTHS: dict[Kind, int] = {
    Kind.AMOUNT: 24,  # 999,999,999,999,999円 (15 digits, money.MAX_DIGITS) with a margin
    Kind.AMOUNT_K: 24,
    Kind.COUNT: 6,  # 999社
    Kind.DATE: 12,  # 20230320, 2023/03/20, 令和5年3月20日
    Kind.EMAIL: 254,  # RFC 5321 path limit
    Kind.ZIP: 10,  # 〒231-8463
    Kind.MONTH: 4,
    Kind.DAY: 4,
    Kind.HOUR: 4,
}
# Input widths (cells) by kind; other inputs take the rest of the row. An amount's 14 leaves its echo
# room for 「123,456,789円（12,345万円）」 at 80 columns.
KIND_WIDTHS: dict[Kind, int] = {
    Kind.AMOUNT: 14,
    Kind.AMOUNT_K: 12,
    Kind.COUNT: 6,
    Kind.DATE: 12,
    Kind.ZIP: 12,
    Kind.MONTH: 4,
    Kind.DAY: 4,
    Kind.HOUR: 4,
}


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
_CERT_NOTE = "※電子保証を希望される場合は、発注者が電子保証に対応していることを確認してください。"

# The switches other fields depend on.
ADVANCE_ON = When("advance_apply")
CONTRACT_ON = When("contract_apply")
INTERMEDIATE_ON = When("intermediate")
JV = When("jv_kind", "jv")
BY_MAIL = When("receive_method", "mail")
AT_COUNTER = When("receive_method", "counter")
_ADVANCE = (ADVANCE_ON,)
_CONTRACT = (CONTRACT_ON,)
# Each certificate prints its own guarantee's amount (the other one's switch is off for it: KIND_SWITCH).
_GUARANTEE_AMOUNT = Print(place=20, label="保証金額", emphasis=True)

FIELDS: tuple[Field, ...] = (
    # 請負工事の情報
    Field(
        "orderer_id",
        "発注者名",
        "work",
        Kind.REF,
        True,
        ref="orderer",
        prints=(Print(place=60, label="発注者"),),
        help="工事を発注した発注者を一覧から選びます。電子保証に対応している発注者には「電子保証対応」と表示されます。",
    ),
    Field(
        "work_name",
        "工事名",
        "work",
        Kind.TEXT,
        True,
        max_length=100,
        prints=(Print(place=40), Print(Doc.NOTICE, place=10)),
        help="請負契約書に記載された工事名（業務名）を入力します。",
    ),
    Field(
        "work_place",
        "工事場所",
        "work",
        Kind.TEXT,
        True,
        max_length=100,
        prints=(Print(place=50),),
        help="請負契約書に記載された工事場所を入力します。",
    ),
    Field(
        "work_kind",
        "工事区分",
        "work",
        Kind.CHOICE,
        True,
        WORK_KINDS,
        default="construction",
        help="工事か、測量・設計等の業務委託かを選びます。前払金の上限割合が変わります（工事4/10、業務委託3/10）。",
    ),
    Field(
        "contract_amount",
        "請負金額",
        "work",
        Kind.AMOUNT,
        True,
        unit="円",
        prints=(Print(place=30),),
        help="請負契約の金額（消費税込み）を円単位で入力します。",
    ),
    Field("contract_date", "契約日", "work", Kind.DATE, True, help="請負契約の締結日を「20230401」の形で入力します。"),
    Field(
        "start_date",
        "着工日",
        "work",
        Kind.DATE,
        True,
        prints=(Print(place=80, label="保証開始日"),),  # issued as the later of 契約日 and 着工日
        help="工期の始まりの日です。保証開始日は契約日以降になります。",
    ),
    Field(
        "end_date",
        "完成日",
        "work",
        Kind.DATE,
        True,
        prints=(Print(place=90, label="保証期限"),),
        help="工期の終わりの日です。保証期限は完成日になります。",
    ),
    Field(
        "jv_kind",
        "単体/JV",
        "work",
        Kind.CHOICE,
        True,
        JV_KINDS,
        default="single",
        help="単体の受注か、共同企業体（JV）での受注かを選びます。",
    ),
    Field(
        "jv_name",
        "JV名",
        "work",
        Kind.TEXT,
        max_length=60,
        enabled_when=(JV,),
        required_when=(JV,),
        prints=(Print(place=70),),
        help="JVの場合、共同企業体の名称を入力します。",
    ),
    Field(
        "jv_representative",
        "JV代表者",
        "work",
        Kind.TEXT,
        max_length=60,
        enabled_when=(JV,),
        required_when=(JV,),
        help="JVの場合、代表者（代表構成員）の名称を入力します。",
    ),
    Field(
        "planned_advance", "前払金額(予定)", "work", Kind.AMOUNT, unit="円", help="発注者に請求する予定の前払金額です。"
    ),
    # 保証の申込内容 — 前払金保証
    Field(
        "advance_apply",
        "前払金保証を申し込む",
        "guarantee",
        Kind.FLAG,
        control=Control.SWITCH,
        default="1",
        row_label="前払金保証",
        help="前払金保証を申し込む場合にチェックします。",
    ),
    Field(
        "fiscal_year_amount",
        "今年度対象額",
        "guarantee",
        Kind.AMOUNT,
        unit="円",
        enabled_when=_ADVANCE,
        note="(出来高予定額または支払限度額)",
        help="出来高予定額または支払限度額を円単位で入力します（複数年度の工事の場合）。",
    ),
    Field(
        "advance_amount",
        "前払金保証金額",
        "guarantee",
        Kind.AMOUNT,
        True,
        unit="円",
        enabled_when=_ADVANCE,
        prints=(_GUARANTEE_AMOUNT,),
        help="保証を受ける前払金の額です。工事は請負金額の4/10、業務委託は3/10が上限です。",
    ),
    Field(
        "deposit_bank",
        "預託金融機関(全角)",
        "guarantee",
        Kind.FULLWIDTH,
        True,
        max_length=60,
        enabled_when=_ADVANCE,
        lookup="bank",
        prints=(Print(place=100, label="預託金融機関"),),
        help="前払金を預託する金融機関と支店を全角で入力します（例: 〇〇銀行 ××支店）。半角で入力しても全角に変換します。",
    ),
    Field(
        "redeposit",
        "再預託利用区分",
        "guarantee",
        Kind.CHOICE,
        True,
        REDEPOSIT,
        enabled_when=_ADVANCE,
        default="no",
        help="再預託を利用するかどうかを選びます。",
    ),
    Field(
        "advance_fee_method",
        "前払金保証料支払方法",
        "guarantee",
        Kind.CHOICE,
        True,
        FEE_METHODS,
        default="lump",
        control=Control.SELECT,
        enabled_when=_ADVANCE,
        help="前払金保証料の支払方法を選びます。",
    ),
    Field(
        "intermediate",
        "中間前払金あり",
        "guarantee",
        Kind.FLAG,
        enabled_when=_ADVANCE,
        row_label="当該工事の\n中間前払金の有無",
        note="*中間前払金とは → F4",
        help="*中間前払金とは: 工期の半ばを過ぎ、工事の進み具合が一定以上のときに追加で受け取れる前払金です（請負金額の2/10以内）。",
    ),
    Field(
        "intermediate_amount",
        "中間前払金額",
        "guarantee",
        Kind.AMOUNT,
        unit="円",
        enabled_when=(ADVANCE_ON, INTERMEDIATE_ON),
        required_when=(ADVANCE_ON, INTERMEDIATE_ON),
        help="中間前払金の額です。請負金額の2/10以内、前払金との合計は6/10以内です。",
    ),
    Field(
        "intermediate_claim",
        "中間前払金の請求予定",
        "guarantee",
        Kind.FLAG,
        check_label="予定している",
        enabled_when=(ADVANCE_ON, INTERMEDIATE_ON),
        clear_when_disabled=True,
        help="中間前払金を請求する予定がある場合にチェックします（予定している）。",
    ),
    Field(
        "advance_form",
        "保証証書の形式(前払金保証)",
        "guarantee",
        Kind.CHOICE,
        True,
        CERT_FORMS,
        default="electronic",
        enabled_when=_ADVANCE,
        row_label="保証証書の形式について",
        note=_CERT_NOTE,
        help=_CERT_HELP,
    ),
    # 保証の申込内容 — 契約保証
    Field(
        "contract_apply",
        "契約保証を申し込む",
        "guarantee",
        Kind.FLAG,
        control=Control.SWITCH,
        row_label="契約保証",
        help="契約保証を申し込む場合にチェックします。契約保証は前払金保証の特約のため、前払金保証と一緒に申し込みます。",
    ),
    Field(
        "contract_guarantee_amount",
        "契約保証金額",
        "guarantee",
        Kind.AMOUNT,
        True,
        unit="円",
        enabled_when=_CONTRACT,
        prints=(_GUARANTEE_AMOUNT,),
        help="請負金額の1/10以上（低入札の場合は3/10以上）です。",
    ),
    Field(
        "low_bid",
        "低入札",
        "guarantee",
        Kind.FLAG,
        check_label="低入札価格調査の対象",
        enabled_when=_CONTRACT,
        help="低入札価格調査の対象となった契約の場合にチェックします。契約保証金額の下限が3/10になります。",
    ),
    Field(
        "contract_fee_method",
        "契約保証料支払方法",
        "guarantee",
        Kind.CHOICE,
        True,
        FEE_METHODS,
        default="lump",
        control=Control.SELECT,
        enabled_when=_CONTRACT,
        help="契約保証料の支払方法を選びます。",
    ),
    Field(
        "contract_form",
        "保証証書の形式(契約保証)",
        "guarantee",
        Kind.CHOICE,
        True,
        CERT_FORMS,
        default="electronic",
        enabled_when=_CONTRACT,
        row_label="保証証書の形式について",
        note=_CERT_NOTE,
        help=_CERT_HELP,
    ),
    # 入札の状況
    Field(
        "order_kind",
        "受注区分",
        "bid",
        Kind.CHOICE,
        True,
        ORDER_KINDS,
        default="general",
        help="どの方式で受注したかを選びます。",
    ),
    Field(
        "award_date",
        "落札日",
        "bid",
        Kind.DATE,
        True,
        help="落札した日を「20191001」の形で入力します。契約日より後の日付は入力できません。",
    ),
    Field("bid_rounds", "入札回数", "bid", Kind.COUNT, unit="回", help="入札を行った回数です。"),
    Field("bidders", "入札参加者数", "bid", Kind.COUNT, unit="社", help="入札に参加した会社の数です。"),
    Field(
        "disqualified",
        "失格者数",
        "bid",
        Kind.COUNT,
        unit="社",
        help="失格となった会社の数です。入札参加者数以下です。",
    ),
    Field(
        "second_bidder",
        "二番札入札者",
        "bid",
        Kind.TEXT,
        max_length=60,
        help="二番目に低い金額で入札した会社の名称です。",
    ),
    Field(
        "second_bid_amount",
        "二番札入札金額",
        "bid",
        Kind.AMOUNT_K,
        unit="千円",
        help="二番札の入札金額を千円単位で入力します。",
    ),
    Field(
        "highest_bidder", "最高札入札者", "bid", Kind.TEXT, max_length=60, help="最も高い金額で入札した会社の名称です。"
    ),
    Field(
        "highest_bid_amount",
        "最高札入札金額",
        "bid",
        Kind.AMOUNT_K,
        unit="千円",
        help="最高札の入札金額を千円単位で入力します。",
    ),
    # その他 (インフォメーション)
    Field(
        "branch_id",
        "申込送信先",
        "info",
        Kind.REF,
        True,
        ref="branch",
        heading="申込送信先、保証証書受取",
        help="申込を送信する当社の営業部・支店を選びます。",
    ),
    Field(
        "receive_method",
        "受取方法",
        "info",
        Kind.CHOICE,
        True,
        RECEIVE_METHODS,
        default="mail",
        help="紙の保証証書の受け取り方法です。送付の場合は受取希望日、当社窓口の場合は来店予定日を入力します。",
    ),
    Field(
        "receive_month",
        "受取希望日(月)",
        "info",
        Kind.MONTH,
        unit="月",
        row="受取希望日",
        enabled_when=(BY_MAIL,),
        required_when=(BY_MAIL,),
        help="送付の場合の受取希望日（月）です。",
    ),
    Field(
        "receive_day",
        "受取希望日(日)",
        "info",
        Kind.DAY,
        unit="日まで",
        row="受取希望日",
        enabled_when=(BY_MAIL,),
        required_when=(BY_MAIL,),
        help="送付の場合の受取希望日（日）です。",
    ),
    Field(
        "visit_month",
        "来店予定日(月)",
        "info",
        Kind.MONTH,
        unit="月",
        row="来店予定日",
        enabled_when=(AT_COUNTER,),
        required_when=(AT_COUNTER,),
        help="当社窓口の場合の来店予定日（月）です。",
    ),
    Field(
        "visit_day",
        "来店予定日(日)",
        "info",
        Kind.DAY,
        unit="日",
        row="来店予定日",
        enabled_when=(AT_COUNTER,),
        required_when=(AT_COUNTER,),
        help="当社窓口の場合の来店予定日（日）です。",
    ),
    Field(
        "visit_hour",
        "来店予定日(時)",
        "info",
        Kind.HOUR,
        unit="時ごろ",
        row="来店予定日",
        enabled_when=(AT_COUNTER,),
        required_when=(AT_COUNTER,),
        help="当社窓口の場合の来店予定の時刻（時ごろ）です。",
    ),
    Field(
        "notify",
        "電子保証発行完了のお知らせ",
        "info",
        Kind.CHOICE,
        True,
        NOTIFY,
        default="yes",
        row_label="電子保証発行完了の\nお知らせ",
        note="※「希望する」場合、弊社手続完了後にメールを送信します。",
        help="「希望する」場合、弊社手続完了後にメールを送信します。",
    ),
    Field("email", "メールアドレス", "info", Kind.EMAIL, True, help="お知らせを受け取るメールアドレスです。"),
    Field(
        "contact_phone",
        "担当者電話番号",
        "info",
        Kind.TEXT,
        max_length=30,
        help="申込内容について当社からお問い合わせするときの、ご担当者の電話番号です（内線があれば「045-662-8203 内線123」のように）。",
    ),
    Field(
        "send_name",
        "宛名",
        "info",
        Kind.TEXT,
        max_length=60,
        heading="保証証書送付先",
        help="保証証書送付先の宛名です。",
    ),
    Field(
        "send_zip",
        "〒",
        "info",
        Kind.ZIP,
        lookup="postal",
        fills="send_address",
        help="郵便番号を「231-8463」の形で入力します。",
    ),
    Field("send_address", "住所", "info", Kind.TEXT, max_length=100, help="保証証書送付先の住所です。"),
    Field("send_building", "建物名", "info", Kind.TEXT, max_length=60, help="ビル名・階など。"),
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

# The fields 前払金保証 / 契約保証 switch on (derived: those whose condition names the switch).
ADVANCE_FIELDS = frozenset(f.key for f in FIELDS if ADVANCE_ON in f.enabled_when)
CONTRACT_FIELDS = frozenset(f.key for f in FIELDS if CONTRACT_ON in f.enabled_when)


def rows_of(fields: tuple[Field, ...] = FIELDS) -> dict[str, tuple[Field, ...]]:
    """Composite rows: row label -> its fields in order (受取希望日: 月, 日)."""
    rows: dict[str, tuple[Field, ...]] = {}
    for f in fields:
        if f.row:
            rows[f.row] = rows.get(f.row, ()) + (f,)
    return rows


ROWS: dict[str, tuple[Field, ...]] = rows_of()


def enabled_fields(raw: Mapping[str, str]) -> set[str]:
    """Keys of the fields enabled with the draft as it is (the others are neither shown active nor read)."""
    return {f.key for f in FIELDS if f.enabled(raw)}


# Raw values of a new application (as the form holds them), from the declarations.
DEFAULTS: dict[str, str] = {f.key: f.default for f in FIELDS if f.default}


def printed_fields(doc: Doc) -> list[tuple[Field, Print]]:
    """The fields ``doc`` prints with their Print, by place (then in FIELDS order)."""
    found = [(f, p) for f in FIELDS for p in f.prints if p.doc is doc]
    return sorted(found, key=lambda fp: fp[1].place)


def fields_of(section: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.section == section)


def choice_label(key: str, value: str) -> str:
    return dict(FIELD_BY_KEY[key].choices).get(value, value)
