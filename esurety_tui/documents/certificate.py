"""前払金保証書 / 契約保証書: one version of an electronic certificate on one A4 page."""

from __future__ import annotations

import io

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from ..domain.fields import CERTIFICATE_PLACES as PLACE
from ..domain.fields import Doc
from ..domain.rules import PrintRow, as_guarantee, printed_rows
from ..domain.wareki import to_wareki, to_wareki_datetime
from . import _layout as L
from .data import CertificateData
from .markup import clean_text

INTRO = {
    "advance": "当社は、前払金保証約款に基づき、下記のとおり保証します。",
    "contract": "当社は、契約保証約款に基づき、下記のとおり保証します。",
}
CANCEL_NOTE = "※この保証は取り消されました。"
STAMP_FILL = Color(0.80, 0.05, 0.05, alpha=0.3)  # a colour's alpha overrides setFillAlpha
FITS = ((11.0, 300), (10.0, 300), (9.0, 300), (8.0, 300), (7.0, 300), (7.0, 150), (7.0, 80))


def version_label(data: CertificateData) -> str:
    """'第2版 変更'."""
    return f"第{int(data.version_no)}版 {clean_text(data.version_kind)}"


def _rows(data: CertificateData, declared: list[PrintRow], size: float, limit: int) -> list[L.Row]:
    """Table rows: the certificate's own and the declared fields' (``declared``), by place;
    ``size``/``limit`` apply to the free-length values (shrunk to fit)."""

    def fixed(text: str, sz: float = 11.0) -> L.Text:
        return L.para(L.cap(text, 60), sz)

    def free(text: str) -> L.Text:
        return L.para(L.cap(text, limit), size)

    rows = [
        (PLACE["number"], L.Row("保証契約番号", fixed(data.contract_number, 12))),
        (PLACE["contractor"], L.Row("受注者", free(data.contractor_name))),
        (PLACE["version"], L.Row("版", fixed(version_label(data)))),
        (PLACE["issued_at"], L.Row("発行日時", fixed(to_wareki_datetime(data.issued_at)))),
    ]
    for r in declared:
        value = free(r.text) if r.free else fixed(r.text, 12.5 if r.emphasis else 11.0)
        rows.append((r.place, L.Row(r.label, value)))
    rows.sort(key=lambda pr: pr[0])  # stable: an own row before a declared one of the same place
    return [row for _, row in rows]


def _stamp(c: Canvas, cx: float, cy: float) -> None:
    """A large red, boxed, diagonal 「取消」 over the table (translucent, text stays legible)."""
    c.saveState()
    c.translate(cx, cy)
    c.rotate(25)
    c.setStrokeColor(L.RED)
    c.setStrokeAlpha(0.7)
    c.setLineWidth(5)
    c.roundRect(-130, -62, 260, 124, 14, stroke=1, fill=0)
    L.draw_text(c, 0, -38, "取消", 110, align="center", color=STAMP_FILL)
    c.restoreState()


def _draw(c: Canvas, data: CertificateData) -> None:
    x0, right, w = L.MARGIN_X, L.PAGE_W - L.MARGIN_X, L.CONTENT_W
    y = L.TOP
    L.draw_text(c, right, y - 10.5, to_wareki(data.issued_at.date()), 10.5, align="right")
    y -= 10.5 + 34
    L.draw_text(
        c,
        L.PAGE_W / 2,
        y,
        data.title,
        22,
        align="center",
        bold=True,
        char_space=4,
        color=L.RED if data.is_cancelled else None,
    )
    y -= 16
    if data.is_cancelled:
        y -= 14
        L.draw_text(c, L.PAGE_W / 2, y, CANCEL_NOTE, 11, align="center", color=L.RED)
    y -= 24
    intro = L.para(INTRO[data.kind], 10.5, leading=16, first_indent=10.5)
    h = L.wrap(intro, w)
    intro.drawOn(c, x0, y - h)
    y -= h + 10
    L.draw_text(c, L.PAGE_W / 2, y - 12, "記", 12, align="center")
    y -= 12 + 12

    footer = list(L.issuer_lines(data.issuer, contact=True))
    footer_top = L.BOTTOM + L.block_height(footer)
    declared = printed_rows(Doc.CERTIFICATE, as_guarantee(data.kind, data.values))
    for size, limit in FITS:
        table = L.Table(_rows(data, declared, size, limit), w)
        if y - table.height >= footer_top + 20:
            break
    bottom = table.draw(c, x0, y)
    if data.is_cancelled:
        _stamp(c, L.PAGE_W / 2, (y + bottom) / 2)
    L.draw_block_right(c, footer_top, footer)


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes (one A4 page; identical input gives identical bytes)."""
    title = data.title  # validates ``kind``
    buf = io.BytesIO()
    with L.RENDER_LOCK:
        c = L.new_canvas(
            buf,
            title=title,
            author=data.issuer.company_name,
            subject=f"保証契約番号 {clean_text(data.contract_number)} {version_label(data)}",
        )
        _draw(c, data)
        c.showPage()
        c.save()
    return buf.getvalue()
