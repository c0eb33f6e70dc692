"""PDF documents: the 認証キー notice and the 保証書 certificate (esurety_tui.documents)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from esurety_tui.documents import (
    CertificateData,
    FontFallbackWarning,
    Issuer,
    NoticeData,
    certificate_filename,
    font_info,
    fonts,
    notice_filename,
    output,
    render_certificate,
    render_notice,
    write_atomic,
)
from esurety_tui.documents.markup import clean_text, escape_para
from esurety_tui.domain.fields import KIND_SWITCH, Doc, printed_fields
from esurety_tui.domain.rules import as_guarantee, validate_application
from tests.helpers.cases import kawasaki, valid_raw

NOTICE = NoticeData(
    issue_date=date(2023, 4, 3),
    addressee="〇〇建設 株式会社",
    contractor_name="〇〇建設 株式会社",
    product_name="前払金保証",
    contract_number="35072-00000M",
    auth_key="Z28YUE4J3Bux",
    values={"work_name": "河川維持（〇〇）工事"},
)
CERT = CertificateData(
    kind="advance",
    contract_number="35072-00000M",
    contractor_name="〇〇建設 株式会社",
    version_kind="新規",
    version_no=1,
    issued_at=datetime(2023, 4, 3, 13, 0),
    values={  # by field key (domain.fields); the orderer (a REF) by name
        "advance_amount": 20_000_000,
        "contract_guarantee_amount": 5_000_000,
        "contract_amount": 50_000_000,
        "work_name": "河川維持（〇〇）工事",
        "work_place": "川崎市川崎区〇〇町地内",
        "orderer_id": "川崎市長",
        "jv_kind": "single",
        "jv_name": "",
        "start_date": date(2023, 4, 3),
        "end_date": date(2024, 3, 29),
        "deposit_bank": "〇〇銀行　××支店",
    },
)
HAS_TTF = any(p.exists() for p in fonts.system_candidates()) or bool(os.environ.get(fonts.ENV_FONT))


@pytest.fixture(autouse=True)
def _fresh_fonts(monkeypatch):
    monkeypatch.delenv(fonts.ENV_SEARCH, raising=False)
    fonts.reset_for_tests()
    yield
    fonts.reset_for_tests()


def with_values(data, **values):
    """``data`` with some fields' values replaced (its declared rows print from ``values``)."""
    return replace(data, values={**data.values, **values})


def text_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def squash(s: str) -> str:
    """Whitespace removed (extraction splits lines and spreads labels)."""
    return re.sub(r"\s+", "", s)


def assert_contains(pdf: bytes, *needles: str) -> None:
    text = squash(text_of(pdf))
    for n in needles:
        assert squash(n) in text, f"{n!r} not in {text!r}"


def fonts_of(pdf: bytes) -> dict[str, dict]:
    """BaseFont -> font dictionary of page 1 (Type0 fonts via their descendant)."""
    out = {}
    for ref in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        out[str(font["/BaseFont"])] = desc
    return out


def every_font(pdf: bytes) -> list[tuple[str, dict]]:
    """(BaseFont, font dictionary) of every font the document uses: each page's /Resources/Font
    and, recursively, the resources of form XObjects."""
    found: list[tuple[str, dict]] = []
    seen: set[int] = set()

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        if id(resources) in seen:
            return
        seen.add(id(resources))
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            found.append((str(font.get("/BaseFont", font.get("/Subtype"))), font))
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return found


def font_program(font: dict):
    """The embedded font program (FontFile/FontFile2/FontFile3 stream) of a font, or None.

    A Type0 (composite) font keeps its FontDescriptor in its DescendantFonts; a Type3 font draws
    its glyphs with PDF operators and so is always "embedded"."""
    if font.get("/Subtype") == "/Type3":
        return font
    holder = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = holder.get("/FontDescriptor")
    if descriptor is None:  # a base-14 font: the reader supplies it
        return None
    descriptor = descriptor.get_object()
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return descriptor[key].get_object()
    return None


def assert_every_font_embedded(pdf: bytes) -> list[str]:
    found = every_font(pdf)
    assert found
    for name, font in found:
        program = font_program(font)
        assert program is not None, f"{name} is not embedded (fonts: {[n for n, _ in found]})"
        if font.get("/Subtype") != "/Type3":
            assert len(program.get_data()) > 0, f"{name}: empty font program"
    return [name for name, _ in found]


# ---- notice ---------------------------------------------------------------------------------


def test_notice_text_extracts():
    pdf = render_notice(NOTICE)
    assert_contains(
        pdf,
        "電子保証にかかる「認証キー」のお知らせ",
        "令和5年4月3日",
        "〇〇建設 株式会社　様",
        "東日本建設業保証株式会社",
        "神奈川支店",
        "電子証書を「保証確認サービス(D・Sure)」に掲載しましたので、お知らせします。",
        "①電子契約システムへのアップロード",
        "又は",
        "②電子メールに添付して送信",
        "前払金請求手段(前払金保証書)、又は積立契約締結手段(契約保証書)が完了いたします。",
        "記",
        "工事名",
        "河川維持（〇〇）工事",
        "受注者名",
        "(J.V.の場合代表者)",
        "商品(保証区分)",
        "前払金保証",
        "保証契約番号",
        "35072-00000M",
        "認証キー",
        "Z28YUE4J3Bux",
        "Z28Y UE4J 3Bux",
        "【発注者様へのお問い合わせ】",
        "「保証確認サービス(D・Sure)」にログインし",
        "電話番号",
        "045-662-8203",
        "土日祝日・年末年始除く 9:00~17:00",
        "メールアドレス",
        "ka.mlal1@ejcs.co.jp",
    )


def test_notice_key_extracts_unbroken():
    # The big key is letter-spaced but must still copy out as one word.
    assert "Z28YUE4J3Bux" in text_of(render_notice(NOTICE)).split()


def test_notice_metadata():
    meta = PdfReader(io.BytesIO(render_notice(NOTICE))).metadata
    assert meta.title == "電子保証にかかる「認証キー」のお知らせ"
    assert meta.author == "東日本建設業保証株式会社"


def test_notice_one_a4_page():
    reader = PdfReader(io.BytesIO(render_notice(NOTICE)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1


def test_notice_custom_issuer():
    issuer = Issuer(company_name="テスト保証株式会社", branch_name="横浜支店", branch_email="a@b.jp")
    assert_contains(render_notice(replace(NOTICE, issuer=issuer)), "テスト保証株式会社", "横浜支店", "a@b.jp")


HOSTILE = [
    "<b>&amp;</b> [bold] 〇〇　工事 <para>",
    "<font size=40>x</font><br/>",
    "&#12288; &lt; ]]> \" '",
]


@pytest.mark.parametrize("work_name", HOSTILE)
def test_hostile_work_name_is_literal(work_name):
    text = text_of(render_notice(replace(with_values(NOTICE, work_name=work_name), contractor_name=work_name)))
    assert squash(work_name) in squash(text)


@pytest.mark.parametrize("work_name", HOSTILE)
def test_hostile_text_over_several_lines_is_literal(work_name):
    """A value too long for one line is broken by Paragraph's rules, still drawn as characters."""
    from esurety_tui.documents import _layout as L

    long = "　".join([work_name] * 8)
    cell = L.para(long, 11)
    cell.wrap(200, 1000)
    assert len(cell.lines) > 1
    assert squash("".join(s for _, s in cell.lines)) == squash(clean_text(long))
    assert squash(long) in squash(text_of(render_notice(with_values(NOTICE, work_name=long))))


def test_full_width_space_survives():
    text = text_of(render_notice(replace(with_values(NOTICE, work_name="〇〇　工事"), addressee="〇〇建設　株式会社")))
    assert "〇〇\u3000工事" in text
    assert "〇〇建設\u3000株式会社" in text


def test_escape_sequences_stripped():
    pdf = render_notice(
        replace(with_values(NOTICE, work_name="\x1b[31mred\x1b[0m工事\x07\x00"), addressee="\x1b]0;t\x07社")
    )
    text = text_of(pdf)
    assert "red工事" in text and "社" in text
    assert "\x1b" not in text and "[31m" not in text and "0;t" not in text


def test_markup_helpers():
    assert escape_para("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert escape_para("〇〇　工事") == "〇〇&#12288;工事"
    assert clean_text("\x1b[1;31mA\x9b2JB\x1b]8;;http://x\x1b\\C\tD\nE\x7f\u202e") == "ABC D E"


def _bbox_words(pdf: bytes, tmp_path: Path) -> list[tuple[float, float, float, float, str]]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pat = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(pat, html)]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_long_values_wrap_inside_the_page(tmp_path):
    long = replace(
        with_values(NOTICE, work_name="河川維持（〇〇）工事 第二工区 護岸補修及び附帯工 " * 12),
        addressee="〇〇建設 株式会社 " * 8,
        contractor_name="〇〇・△△・××特定建設工事共同企業体 代表者 〇〇建設 株式会社",
    )
    words = _bbox_words(render_notice(long), tmp_path)
    right_margin = 595.28 - 70.8
    assert all(x1 <= right_margin + 1 and y1 <= 842 - 40 for _, _, x1, y1, _ in words), words
    # the table, the inquiry box and the footer keep their order (nothing overlaps the footer)
    inquiry = max(y1 for _, _, _, y1, w in words if "閲覧ください" in w)
    footer = min(y0 for _, y0, _, _, w in words if w == "東日本建設業保証株式会社" and y0 > 400)
    assert inquiry < footer


# ---- fonts ----------------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
def test_font_is_embedded():
    pdf = render_notice(NOTICE)
    assert font_info().embedded
    for name, font in every_font(pdf):  # all TrueType, subset-embedded (the key's font too)
        holder = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in holder["/FontDescriptor"].get_object(), name


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
@pytest.mark.parametrize("which", ["notice", "certificate", "cancelled certificate", "odd key"])
def test_every_font_is_embedded(which):
    """The PDF must look the same in every reader: no base-14 or other non-embedded font."""
    pdf = {
        "notice": lambda: render_notice(NOTICE),
        "certificate": lambda: render_certificate(CERT),
        "cancelled certificate": lambda: render_certificate(replace(CERT, version_kind="取消")),
        "odd key": lambda: render_notice(replace(NOTICE, auth_key="キー<b>\x1b[0m")),
    }[which]()
    names = assert_every_font_embedded(pdf)
    assert not any("Courier" in n or "Helvetica" in n or "Times" in n for n in names), names


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
def test_the_key_is_drawn_in_the_embedded_japanese_font():
    pdf = render_notice(NOTICE)
    key = fonts.key_font_info()
    assert key.embedded and key.path is not None
    assert key.name == font_info().name == fonts.TTF_NAME
    assert_every_font_embedded(pdf)
    # the key and its grouped spelling still copy out exactly
    text = text_of(pdf)
    assert "Z28YUE4J3Bux" in text.split()
    assert "Z28Y UE4J 3Bux" in re.sub(r"[ \t]+", " ", text)
    assert_contains(pdf, "Z28Y UE4J 3Bux")


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
@pytest.mark.parametrize("which", ["notice", "certificate"])
def test_a_document_embeds_one_font_subset(which):
    """One TrueType font, its codes packed: a page's ~220 characters are one embedded subset
    (a second subset or font is a second font program per document, ~1.5 ms and ~17 KB)."""
    pdf = render_notice(NOTICE) if which == "notice" else render_certificate(CERT)
    names = assert_every_font_embedded(pdf)
    assert len(names) == 1, names


def _config(text: str) -> None:
    """Write the config file (conftest points ESURETY_HOME at a folder of this test)."""
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def _a_ttf() -> Path:
    path = next((p for p in fonts.system_candidates() if p.exists()), None)
    if path is None:
        path = Path(os.environ[fonts.ENV_FONT])
    return path


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
def test_config_pdf_font_is_used(monkeypatch, tmp_path):
    ttf = tmp_path / "fonts" / "my-gothic.ttf"
    ttf.parent.mkdir()
    ttf.symlink_to(_a_ttf())
    monkeypatch.delenv(fonts.ENV_FONT, raising=False)
    monkeypatch.setenv(fonts.ENV_SEARCH, "0")  # only the config can supply the font
    _config(f'pdf_font = "{ttf}"\n')
    assert font_info().embedded and font_info().path == ttf
    assert_every_font_embedded(render_notice(NOTICE))


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
def test_config_pdf_font_relative_to_the_config_folder(monkeypatch):
    home = Path(os.environ["ESURETY_HOME"])
    (home / "fonts").mkdir(parents=True)
    (home / "fonts" / "g.ttf").symlink_to(_a_ttf())
    monkeypatch.delenv(fonts.ENV_FONT, raising=False)
    monkeypatch.setenv(fonts.ENV_SEARCH, "0")
    _config('pdf_font = "fonts/g.ttf"\n')
    assert font_info().path == home / "fonts" / "g.ttf"


@pytest.mark.skipif(not HAS_TTF, reason="no Japanese TrueType font (install fonts-ipaexfont-gothic)")
def test_environment_comes_before_config(monkeypatch, tmp_path):
    missing = tmp_path / "missing-config.ttf"
    _config(f'pdf_font = "{missing}"\n')
    monkeypatch.setenv(fonts.ENV_FONT, str(_a_ttf()))
    assert font_info().path == _a_ttf()  # ESURETY_PDF_FONT wins, the config is not even tried
    fonts.reset_for_tests()
    monkeypatch.delenv(fonts.ENV_FONT)
    info = font_info()  # the config's file is missing: skipped, then the system font
    assert info.embedded and any("missing-config.ttf" in s for s in info.skipped)


def test_bad_config_pdf_font_falls_back(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.ENV_FONT, str(tmp_path / "missing.ttf"))
    monkeypatch.setenv(fonts.ENV_SEARCH, "0")
    _config("pdf_font = 12\n")
    with pytest.warns(FontFallbackWarning):
        assert not font_info().embedded
    assert any("pdf_font" in s for s in font_info().skipped)


def test_cid_fallback_warns_once(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.ENV_FONT, str(tmp_path / "missing.ttf"))
    monkeypatch.setenv(fonts.ENV_SEARCH, "0")
    with pytest.warns(FontFallbackWarning, match="fonts-ipaexfont-gothic"):
        pdf = render_notice(NOTICE)
    assert not font_info().embedded and font_info().name == fonts.CID_FALLBACK
    assert any("missing.ttf" in s for s in font_info().skipped)
    assert "/HeiseiKakuGo-W5" in fonts_of(pdf)
    # nothing can be embedded: the key is in Courier-Bold, whose widths every reader knows
    assert fonts.key_font_info().name == fonts.KEY_BASE14 and "/Courier-Bold" in fonts_of(pdf)
    assert "Z28YUE4J3Bux" in text_of(pdf).split()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render_notice(NOTICE)
        render_certificate(CERT)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_configure_font_skips_cff_otf(tmp_path, monkeypatch):
    otf = tmp_path / "font.otf"
    otf.write_bytes(b"OTTO" + bytes(64))
    monkeypatch.delenv(fonts.ENV_FONT, raising=False)
    fonts.configure_font(otf, search_system=False)
    with pytest.warns(FontFallbackWarning):
        assert not fonts.font_is_embedded()
    assert "CFF" in font_info().skipped[0]


def test_import_does_not_load_reportlab():
    code = "import sys, esurety_tui.documents; print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'textual'))))"
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "reportlab" not in out.stderr and "textual" not in out.stderr


# ---- rendering to pixels --------------------------------------------------------------------


def _dark_pixels(pdf: bytes, tmp_path: Path) -> tuple[int, int]:
    """(dark pixels, all pixels) of page 1 rendered by pdftoppm as a PGM at 50 dpi."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(
        ["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(path)], capture_output=True, check=True
    ).stdout
    tokens, pos = [], 0
    while len(tokens) < 4:  # magic, width, height, maxval (comments skipped)
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(raw, pos)
        tokens.append(m.group(2))
        pos = m.end()
    assert tokens[0] == b"P5"
    width, height = int(tokens[1]), int(tokens[2])
    pixels = raw[pos + 1 : pos + 1 + width * height]
    assert len(pixels) == width * height
    return sum(1 for p in pixels if p < 160), width * height


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
@pytest.mark.parametrize("which", ["notice", "certificate"])
def test_page_renders_not_blank(which, tmp_path):
    pdf = render_notice(NOTICE) if which == "notice" else render_certificate(CERT)
    dark, total = _dark_pixels(pdf, tmp_path)
    assert dark > total * 0.01, (dark, total)


# ---- certificate ----------------------------------------------------------------------------


@pytest.mark.parametrize("version_kind", ["新規", "訂正", "変更", "取消"])
def test_certificate_each_version(version_kind):
    data = replace(CERT, version_kind=version_kind, version_no=2)
    pdf = render_certificate(data)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_contains(
        pdf,
        "前払金保証書",
        "保証契約番号",
        "35072-00000M",
        "保証金額",
        "20,000,000円",
        "請負金額",
        "50,000,000円",
        "工事名",
        "河川維持（〇〇）工事",
        "工事場所",
        "川崎市川崎区〇〇町地内",
        "発注者",
        "川崎市長",
        "受注者",
        "〇〇建設 株式会社",
        "保証開始日",
        "令和5年4月3日",
        "保証期限",
        "令和6年3月29日",
        "預託金融機関",
        "〇〇銀行　××支店",
        f"第2版 {version_kind}",
        "発行日時",
        "令和5年4月3日 13:00",
        "東日本建設業保証株式会社",
    )
    text = text_of(pdf)
    assert ("前払金保証書（取消）" in text) == (version_kind == "取消")
    assert PdfReader(io.BytesIO(pdf)).metadata.title == data.title


def test_certificate_cancelled_is_marked():
    text = text_of(render_certificate(replace(CERT, version_kind="取消", version_no=3)))
    assert "前払金保証書（取消）" in text
    assert "取り消されました" in text
    assert text.count("取消") >= 3  # title, 版 and the stamp


def test_contract_certificate_with_jv():
    data = replace(
        with_values(CERT, deposit_bank="", jv_kind="jv", jv_name="〇〇・△△特定建設工事共同企業体"), kind="contract"
    )
    pdf = render_certificate(data)
    assert_contains(pdf, "契約保証書", "JV名", "〇〇・△△特定建設工事共同企業体")
    assert "預託金融機関" not in text_of(pdf)
    assert "JV名" not in text_of(render_certificate(CERT))


def test_certificate_unknown_kind():
    with pytest.raises(ValueError):
        render_certificate(replace(CERT, kind="bogus"))


# ---- determinism and output -----------------------------------------------------------------


def test_deterministic_bytes():
    assert render_notice(NOTICE) == render_notice(NOTICE)
    assert render_certificate(CERT) == render_certificate(CERT)
    assert render_notice(NOTICE) != render_notice(replace(NOTICE, auth_key="Z28YUE4J3Bua"))


def test_write_atomic(tmp_path):
    target = tmp_path / "out" / "sub" / notice_filename("35072-00000M")
    assert write_atomic(target, b"%PDF-1 first") == target
    write_atomic(target, b"%PDF-1 second")
    assert target.read_bytes() == b"%PDF-1 second"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_write_atomic_failure_leaves_nothing(tmp_path, monkeypatch):
    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", boom)
    target = tmp_path / "x.pdf"
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"data")
    assert list(tmp_path.iterdir()) == []


def test_filenames():
    assert notice_filename("35072-00000M") == "認証キーのお知らせ_35072-00000M.pdf"
    assert certificate_filename("35072-00000M", "advance", 2) == "前払金保証書_35072-00000M_第2版.pdf"
    assert certificate_filename("35072-00000M", "contract", 1) == "契約保証書_35072-00000M_第1版.pdf"
    assert "/" not in notice_filename("../../etc/passwd")


def test_empty_and_odd_values_render():
    empty = NoticeData(date(2019, 5, 1), "", "", "", "", "", {"work_name": ""})
    assert_contains(render_notice(empty), "令和元年5月1日", "認証キー")
    odd_key = render_notice(replace(NOTICE, auth_key="キー<b>\x1b[0m"))
    assert "キー<b>" in text_of(odd_key)
    blank = replace(with_values(CERT, work_name="", work_place="", orderer_id="", deposit_bank=""), contractor_name="")
    assert_contains(render_certificate(blank), "保証契約番号", "35072-00000M")


# ---- rows derived from the field declarations -------------------------------------------------

SEED_JV = {"jv_kind": "jv", "jv_name": "〇〇・△△特定建設工事共同企業体", "jv_representative": "〇〇建設 株式会社"}


def _seed_values(kind: str, **changes: str) -> tuple[dict[str, object], dict[str, str]]:
    """The seed case's typed values as a guarantee of ``kind`` (the orderer by name), and its raw text
    with only that guarantee's switch on."""
    raw = valid_raw(**changes)
    v = validate_application(raw, kawasaki())
    assert v.ok, v.problems
    switches = {switch: "1" if k == kind else "" for k, switch in KIND_SWITCH.items()}
    return as_guarantee(kind, {**v.values, "orderer_id": "川崎市長"}), {**raw, **switches}


@pytest.mark.parametrize(
    "kind, changes", [("advance", {}), ("contract", {}), ("advance", SEED_JV)], ids=["advance", "contract", "jv"]
)
def test_every_declared_printable_field_is_on_the_seed_certificate(kind, changes):
    """Each field declared to print on the certificate (Field.prints) and enabled for the seed case
    shows its label: the labels come from domain.fields, not from documents/."""
    values, raw = _seed_values(kind, **changes)
    text = squash(text_of(render_certificate(replace(CERT, kind=kind, values=values))))
    expected = [(f, p) for f, p in printed_fields(Doc.CERTIFICATE) if f.enabled(raw)]
    assert expected
    for f, p in expected:
        assert squash(p.label or f.label) in text, (f.key, p.label or f.label)
    amount = "20,000,000円" if kind == "advance" else "5,000,000円"
    for shown in (amount, "50,000,000円", "令和5年4月3日", "令和6年3月29日", "川崎市長", "川崎市川崎区地内"):
        assert squash(shown) in text, shown
    assert ("JV名" in text) == bool(changes) and (squash("預託金融機関") in text) == (kind == "advance")


def test_the_seed_cases_cover_every_printable_field():
    """Between them the three seed certificates above print every field declared for the certificate."""
    shown = set()
    for kind, changes in (("advance", {}), ("contract", {}), ("advance", SEED_JV)):
        _, raw = _seed_values(kind, **changes)
        shown |= {f.key for f, _ in printed_fields(Doc.CERTIFICATE) if f.enabled(raw)}
    assert shown == {f.key for f, _ in printed_fields(Doc.CERTIFICATE)}


def test_every_declared_printable_field_is_on_the_seed_notice():
    values, raw = _seed_values("advance")
    text = squash(text_of(render_notice(replace(NOTICE, values=values))))
    declared = printed_fields(Doc.NOTICE)
    assert declared
    for f, p in declared:
        assert squash(p.label or f.label) in text, f.key
    assert squash("河川維持（〇〇）工事") in text


def test_certificate_rows_keep_their_order():
    """The declared places keep the certificate's order, its own rows among them."""
    text = squash(text_of(render_certificate(with_values(CERT, jv_kind="jv", jv_name="〇〇JV"))))
    labels = [
        "保証契約番号",
        "保証金額",
        "請負金額",
        "工事名",
        "工事場所",
        "発注者",
        "受注者",
        "JV名",
        "保証開始日",
        "保証期限",
        "預託金融機関",
        "版",
        "発行日時",
    ]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions), list(zip(labels, positions, strict=True))
