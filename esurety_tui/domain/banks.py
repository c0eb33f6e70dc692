"""Bank and branch names for 預託金融機関 (全角, 「〇〇銀行 ××支店」): pure helpers of the completion.

The 全銀協 data names banks and branches without their kind (「みずほ」, 「横浜」, 「横浜信金」); the
form wants the names as written on a passbook. The kind follows from the name's abbreviation and
the bank code (0001–0999 and 9900 are banks).
"""

from __future__ import annotations

import unicodedata

FULL_SPACE = "\u3000"

# Abbreviations the data ends names with, longest first, and what they stand for.
_KINDS: tuple[tuple[str, str], ...] = (
    ("信漁連", "信用漁業協同組合連合会"),
    ("信連", "信用農業協同組合連合会"),
    ("信金", "信用金庫"),
    ("信組", "信用組合"),
    ("労金", "労働金庫"),
    ("農協", "農業協同組合"),
    ("漁協", "漁業協同組合"),
)
_WHOLE: dict[str, str] = {
    "商工中金": "商工組合中央金庫",
    "農林中金": "農林中央金庫",
    "全信組連": "全国信用協同組合連合会",
}
# A branch name that already says what it is; others get 支店 (ゆうちょ銀行: 店).
_BRANCH_ENDINGS = ("支店", "出張所", "営業部", "本店", "本部", "営業所", "支所", "事務所", "代理店", "センター", "店")

_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")


def bank_full_name(code: str, name: str) -> str:
    """('0001', 'みずほ') -> 'みずほ銀行'; ('1234', '横浜信金') -> '横浜信用金庫'."""
    if name in _WHOLE:
        return _WHOLE[name]
    for short, long in _KINDS:
        if name.endswith(short):
            return name.removesuffix(short) + long
    is_bank = code.isdigit() and (int(code) < 1000 or code == "9900")
    if is_bank and "銀行" not in name and "バンク" not in name:
        return name + "銀行"
    return name


def branch_full_name(bank_code: str, name: str) -> str:
    """('0001', '横浜') -> '横浜支店'; ('0001', '東京営業部') -> '東京営業部'; ('9900', '〇一八') -> '〇一八店'."""
    if bank_code == "9900":
        return name if name.endswith("店") else name + "店"
    if name.endswith(_BRANCH_ENDINGS) or (name == "本所" and int(bank_code or 0) >= 1000):
        return name  # a 信用金庫's 本所 is its head office; みずほ銀行's 本所 is a place (本所支店)
    return name + "支店"


def search_key(text: str) -> str:
    """What is compared when matching: NFKC (half-width kana and full-width letters folded), katakana
    as hiragana, small kana as large (the data writes チユウオウ for チュウオウ), case-folded, no spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)
    return text.translate(_SMALL_KANA).replace(" ", "").replace(FULL_SPACE, "")


def deposit_value(bank: str, branch: str = "") -> str:
    """The 預託金融機関 value: 'みずほ銀行　横浜支店' (全角, an ideographic space between), 'みずほ銀行　' for
    a bank alone (the branch is typed next)."""
    return f"{bank}{FULL_SPACE}{branch}"
