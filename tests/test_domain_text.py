from esurety_tui.domain.text import is_fullwidth, normalize_digits, search_key, to_fullwidth


def test_to_fullwidth():
    assert to_fullwidth("ABC銀行 xx支店") == "ＡＢＣ銀行　ｘｘ支店"
    assert to_fullwidth("ｷﾞﾝｺｳ1") == "ギンコウ１"
    assert to_fullwidth("〇〇銀行　××支店") == "〇〇銀行　××支店"  # already full-width: unchanged


def test_is_fullwidth():
    assert is_fullwidth("ＡＢＣ銀行　ｘｘ支店")
    assert is_fullwidth(to_fullwidth("〇〇銀行 ××支店"))  # × is ambiguous width: wide in Japanese
    assert not is_fullwidth("ABC銀行")
    assert not is_fullwidth("銀行 支店")


def test_normalize_and_search():
    assert normalize_digits(" ２０２３ ") == "2023"
    assert search_key("ＡＢＣ") == search_key("abc")
