"""`esurety notice` and `esurety certificate` from the shell: right content, atomic files, exit codes."""

from __future__ import annotations

import os
import shutil

import pytest
from pypdf import PdfReader

from esurety_tui import cli
from esurety_tui.services.keys import lookup_key
from esurety_tui.services.session import SYSTEM_SESSION


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    monkeypatch.setenv("ESURETY_DATABASE", str(demo_db))
    return demo_db


def test_notice_to_file_holds_key_and_fields(demo_env, tmp_path, capsys):
    out = tmp_path / "n.pdf"
    assert cli.main(["notice", "35072-00000M", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = _text(out)
    for expected in (
        "35072-00000M",
        lookup_key(SYSTEM_SESSION, "35072-00000M"),
        "前払金保証",
        "〇〇建設",
        "令和5年4月3日",
    ):
        assert expected in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_notice_default_goes_to_exports(demo_env, tmp_path, capsys):
    assert cli.main(["notice", "35072-00000M"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith(str(tmp_path / "exports"))
    assert os.path.isfile(printed)


def test_notice_unknown_and_malformed_numbers(demo_env, tmp_path, capsys):
    from esurety_tui.domain.contract_number import make_contract_number

    unknown = make_contract_number("99999", 1)
    out = tmp_path / "x.pdf"
    assert cli.main(["notice", unknown, "-o", str(out)]) == 1
    assert "見つかりません" in capsys.readouterr().err
    assert not out.exists()
    assert cli.main(["notice", "35072-00000A", "-o", str(out)]) == 2
    assert "チェック文字" in capsys.readouterr().err
    assert not out.exists()


def test_notice_for_paper_contract_is_refused(demo_env, tmp_path, capsys):
    assert cli.main(["notice", "35024-00002Y", "-o", str(tmp_path / "p.pdf")]) == 1
    assert "電子保証ではない" in capsys.readouterr().err


def test_notice_all_exports_every_issued_electronic_contract(demo_env, tmp_path, capsys):
    from esurety_tui.services.exports import issued_numbers

    out = tmp_path / "all"
    out.mkdir()
    assert cli.main(["notice", "--all", "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(issued_numbers(SYSTEM_SESSION)) > 5
    assert any("35072-00000M" in f for f in files)
    assert "件のお知らせ" in capsys.readouterr().out


def test_certificate_versions(demo_env, tmp_path, capsys):
    first, latest = tmp_path / "v1.pdf", tmp_path / "v2.pdf"
    assert cli.main(["certificate", "35023-00001G", "--version", "1", "-o", str(first)]) == 0
    assert cli.main(["certificate", "35023-00001G", "-o", str(latest)]) == 0
    t1, t2 = _text(first), _text(latest)
    assert "新規" in t1 and "32,000,000円" in t1
    assert "変更" in t2 and "36,000,000円" in t2
    assert cli.main(["certificate", "35023-00001G", "--version", "9", "-o", str(tmp_path / "v9.pdf")]) == 1
    assert not (tmp_path / "v9.pdf").exists()


def test_certificate_cancelled_is_marked(demo_env, tmp_path):
    out = tmp_path / "c.pdf"
    assert cli.main(["certificate", "35025-00002D", "-o", str(out)]) == 0
    assert "取消" in _text(out)


def test_interrupted_write_leaves_nothing(demo_env, tmp_path, monkeypatch, capsys):
    out = tmp_path / "n.pdf"

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    assert cli.main(["notice", "35072-00000M", "-o", str(out)]) == 4
    assert capsys.readouterr().err.startswith(f"esurety: 「{out}」に書き込めません: disk full (cannot write {out}")
    assert list(tmp_path.glob("*.pdf")) == []
    assert [
        p
        for p in tmp_path.iterdir()
        if p.is_file() and p.name != "demo.sqlite3" and not p.name.startswith("demo.sqlite3")
    ] == []


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) not installed")
def test_notice_fonts_embedded(demo_env, tmp_path):
    import subprocess

    from esurety_tui.documents import font_is_embedded

    out = tmp_path / "n.pdf"
    assert cli.main(["notice", "35072-00000M", "-o", str(out)]) == 0
    if not font_is_embedded():
        pytest.skip("no Japanese TrueType font on this machine (install fonts-ipaexfont-gothic)")
    lines = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        assert line.split()[-5] == "yes", line  # columns end: emb sub uni object-id generation
