"""電子保証にかかる「認証キー」のお知らせ: one A4 page, laid out like the seed (P3 ⑤)."""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ..domain.fields import Doc
from ..domain.rules import PrintRow, printed_rows
from ..domain.wareki import to_wareki
from . import _layout as L
from . import fonts
from .data import NoticeData
from .markup import clean_text

TITLE = "電子保証にかかる「認証キー」のお知らせ"
BODY = (
    "電子証書を「保証確認サービス(D・Sure)」に掲載しましたので、お知らせします。",
    "つきましては、お客様にて下記内容をご確認いただき、次のいずれかの方法でこのPDFファイルを発注者様へご提出ください。",
)
METHODS = ("①電子契約システムへのアップロード", "又は", "②電子メールに添付して送信")
BODY2 = (
    "電子保証のご利用にあたっては、発注者様への「保証契約番号」と「認証キー」のご提出をもって、"
    "前払金請求手段(前払金保証書)、又は積立契約締結手段(契約保証書)が完了いたします。",
    "ご不明な点がございましたら、当社の営業部・支店までお問い合わせください。",
)
INQUIRY_HEAD = "【発注者様へのお問い合わせ】"
INQUIRY = (
    "「保証確認サービス(D・Sure)」にログインし、上記の「保証契約番号」と「認証キー」をもって電子証書を閲覧ください。"
)
BODY_SIZE = 10.0


def group_key(key: str, n: int = 4) -> str:
    """'Z28YUE4J3Bux' -> 'Z28Y UE4J 3Bux'."""
    return " ".join(key[i : i + n] for i in range(0, len(key), n))


class KeyCell(Flowable):
    """The 認証キー, large and letter-spaced, then spelled in groups of four.

    The font is an embedded TrueType font (fonts.key_font_info: a bold monospace face, else the
    Japanese font drawn bold), so that the PDF looks the same everywhere. Only when nothing can be
    embedded at all (the CID fallback) is it the base-14 Courier-Bold.
    """

    def __init__(self, key: str, size: float = 22) -> None:
        super().__init__()
        self.key = L.cap(key, 64).replace(" ", "")
        ascii_key = self.key.isascii() and self.key.isprintable()
        info = fonts.key_font_info() if ascii_key else fonts.font_info()
        self.font = info.name
        self.bold = not info.bold  # embolden a regular face with a stroke
        self.max_size = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        natural = L.text_width(self.key, self.max_size, self.font, self.max_size * 0.12)
        self.size = self.max_size * min(1.0, aw / natural) if natural else self.max_size
        self.gsize = min(12.0, self.size * 0.6)
        self.width, self.height = aw, self.size * 0.8 + 7 + self.gsize + 5 + 8.5
        return self.width, self.height

    def draw(self) -> None:
        c, s, g = self.canv, self.size, self.gsize
        y = self.height - s * 0.8
        L.draw_text(c, 0, y, self.key, s, font=self.font, char_space=s * 0.12, bold=self.bold)
        y -= 7 + g
        lead = "4文字区切り："
        w = L.draw_text(c, 0, y, lead, 8.5, color=L.GREY)
        L.draw_text(c, w + 2, y, group_key(self.key), g, font=self.font, bold=self.bold)
        L.draw_text(c, 0, y - 5 - 8.5, "※英字の大文字と小文字は区別されます。", 8, color=L.GREY)


# (font size, character limit) of the free-length values, tried in turn until the page fits.
FITS = ((11.0, 300), (10.0, 300), (9.0, 300), (8.0, 300), (7.0, 300), (7.0, 200), (7.0, 120))


# The notice's own rows (the seed's 記) and their places among the declared fields' (domain.fields:
# 工事名 10; a new printed field 500 unless it says).
PLACE_CONTRACTOR, PLACE_PRODUCT, PLACE_NUMBER, PLACE_KEY = 20, 30, 40, 50


def _rows(data: NoticeData, declared: list[PrintRow], size: float, limit: int) -> list[L.Row]:
    """The 記 rows, the notice's own and the declared fields' (``declared``), by place; ``size``/``limit``
    apply to the free-length values (shrunk to fit)."""
    rows: list[tuple[int, L.Row]] = [
        (
            PLACE_CONTRACTOR,
            L.Row("受注者名", L.para(L.cap(data.contractor_name, limit // 2), size), "(J.V.の場合代表者)"),
        ),
        (PLACE_PRODUCT, L.Row("商品(保証区分)", L.para(L.cap(data.product_name, 60), 11))),
        (PLACE_NUMBER, L.Row("保証契約番号", L.para(L.cap(data.contract_number, 40), 12))),
        (PLACE_KEY, L.Row("認証キー", KeyCell(data.auth_key))),
    ]
    for r in declared:
        value = L.para(L.cap(r.text, limit), size) if r.free else L.para(L.cap(r.text, 60), 12 if r.emphasis else 11)
        rows.append((r.place, L.Row(r.label, value)))
    rows.sort(key=lambda pr: pr[0])
    return [row for _, row in rows]


def _draw(c: Canvas, data: NoticeData) -> None:
    x0, right, w = L.MARGIN_X, L.PAGE_W - L.MARGIN_X, L.CONTENT_W
    issuer = data.issuer

    # Header: date (right), addressee (left), issuer (right).
    y = L.TOP
    L.draw_text(c, right, y - BODY_SIZE, to_wareki(data.issue_date), BODY_SIZE, align="right")
    y -= BODY_SIZE + 16
    addressee = L.para(L.cap(data.addressee, 60) + "　様", 12.5, leading=18)
    ah = L.wrap(addressee, w * 0.62)
    addressee.drawOn(c, x0, y - ah)
    line_w = max(addressee.line_widths(), default=0)
    c.setLineWidth(0.6)
    c.line(x0, y - ah - 2, x0 + line_w, y - ah - 2)
    y -= ah + 14
    y = L.draw_block_right(c, y, list(L.issuer_lines(issuer, contact=False)))

    # Title.
    y -= 30
    L.draw_text(c, L.PAGE_W / 2, y, TITLE, 16, align="center", bold=True)
    y -= 22

    # Body.
    def flow(p: L.Text, gap: float = 0) -> None:
        nonlocal y
        h = L.wrap(p, w)
        p.drawOn(c, x0, y - h)
        y -= h + gap

    for s in BODY:
        flow(L.para(s, BODY_SIZE, leading=17, first_indent=BODY_SIZE))
    for s in METHODS:
        flow(L.para(s, BODY_SIZE, leading=17, left_indent=BODY_SIZE * (3 if s == "又は" else 2)))
    for s in BODY2:
        flow(L.para(s, BODY_SIZE, leading=17, first_indent=BODY_SIZE))

    # 記 and its table; shrink the values until everything fits above the footer.
    y -= 8
    L.draw_text(c, L.PAGE_W / 2, y - 12, "記", 12, align="center")
    y -= 12 + 12
    footer = list(L.issuer_lines(issuer, contact=True))
    footer_top = L.BOTTOM + L.block_height(footer)
    inquiry_head = L.para(INQUIRY_HEAD, BODY_SIZE, leading=16)
    inquiry = L.para(INQUIRY, 10, leading=15, left_indent=BODY_SIZE)
    inquiry_h = L.wrap(inquiry_head, w - 16) + L.wrap(inquiry, w - 16) + 16
    declared = printed_rows(Doc.NOTICE, data.values)
    for size, limit in FITS:
        table = L.Table(_rows(data, declared, size, limit), w)
        if y - table.height - 14 - inquiry_h >= footer_top + 14:
            break
    y = table.draw(c, x0, y) - 14

    # 【発注者様へのお問い合わせ】 in a light box.
    c.setLineWidth(0.5)
    c.rect(x0, y - inquiry_h, w, inquiry_h, stroke=1, fill=0)
    y -= 8
    x_in = x0 + 8
    for p in (inquiry_head, inquiry):
        h = L.wrap(p, w - 16)
        p.drawOn(c, x_in, y - h)
        y -= h

    # Footer: issuer and contact, anchored to the bottom margin.
    L.draw_block_right(c, footer_top, footer)


def render_notice(data: NoticeData) -> bytes:
    """The notice as PDF bytes (one A4 page; identical input gives identical bytes)."""
    buf = io.BytesIO()
    with L.RENDER_LOCK:
        c = L.new_canvas(
            buf,
            title=TITLE,
            author=data.issuer.company_name,
            subject=f"保証契約番号 {clean_text(data.contract_number)}",
        )
        _draw(c, data)
        c.showPage()
        c.save()
    return buf.getvalue()
