"""Drawing helpers shared by the renderers. Imports reportlab: load only when rendering."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from . import fonts
from .data import Issuer
from .markup import clean_text, escape_para

PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
TOP = PAGE_H - 20 * mm
BOTTOM = 18 * mm
LABEL_FILL = Color(0.93, 0.93, 0.93)
RED = Color(0.80, 0.05, 0.05)
GREY = Color(0.35, 0.35, 0.35)

# reportlab keeps per-document font state in shared objects; render one document at a time.
RENDER_LOCK = threading.Lock()


def new_canvas(buf: io.BytesIO, *, title: str, author: str, subject: str) -> Canvas:
    """A4 canvas with metadata; ``invariant`` makes identical input give identical bytes."""
    font = fonts.font_name()  # also the initial font, so no unused Helvetica is referenced
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font)
    c.setTitle(clean_text(title))
    c.setAuthor(clean_text(author))
    c.setSubject(clean_text(subject))
    c.setCreator("esurety-tui")
    return c


def cap(text: str, limit: int) -> str:
    """Clean text, cut to ``limit`` characters with an ellipsis (bounds the layout)."""
    s = clean_text(text).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


@lru_cache(maxsize=128)
def style(
    font: str, size: float, leading: float = 0, first_indent: float = 0, left_indent: float = 0, align: int = TA_LEFT
) -> ParagraphStyle:
    return ParagraphStyle(
        f"{font}-{size}",
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.5,
        firstLineIndent=first_indent,
        leftIndent=left_indent,
        alignment=align,
        wordWrap="CJK",
    )


def para(text: str, size: float, **kw: float) -> Text:
    """A wrapping paragraph of literal text (never markup)."""
    return Text(text, size, **kw)


class Text(Flowable):
    """Literal text wrapped like a CJK Paragraph, drawn line by line with textOut.

    The characters are drawn as they are: nothing is parsed as markup. Where the line breaks come
    from: a text that fits on one line is one line (no Paragraph is built); a longer one is broken
    by reportlab's own CJK rules (a Paragraph of the escaped text, laid out once). Both are cached
    per (text, style, width), so the notice's constant paragraphs are laid out once per process.
    """

    def __init__(
        self, text: str, size: float, leading: float = 0, first_indent: float = 0, left_indent: float = 0
    ) -> None:
        super().__init__()
        self.text, self.size = text, size
        self.leading = leading or size * 1.5
        self.first_indent, self.left_indent = first_indent, left_indent
        self.hang_room = size  # see hang()
        self.lines: tuple[tuple[float, str], ...] = ()

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.lines = _break(
            self.text, fonts.font_name(), self.size, self.leading, self.first_indent, self.left_indent, aw
        )
        self.width, self.height = aw, len(self.lines) * self.leading
        return self.width, self.height

    def line_widths(self) -> list[float]:
        """The drawn width of each line (Paragraph.getActualLineWidths0)."""
        font = fonts.font_name()
        return [stringWidth(s, font, self.size) for _, s in self.lines]

    def draw(self) -> None:
        if not self.lines:
            return
        font = fonts.font_name()
        t = self.canv.beginText()
        t.setFont(font, self.size, self.leading)
        y = self.height - self.size  # the first baseline, as Paragraph places it
        for i, (extra, s) in enumerate(self.lines):
            t.setTextOrigin(self.left_indent + (self.first_indent if i == 0 else 0), y - i * self.leading)
            spaces = s.count(" ")
            if extra < -1e-8 and spaces:  # an overfull line: Paragraph squeezes its spaces
                t.setWordSpace(extra / spaces)
                t.textOut(s)
                t.setWordSpace(0)
            else:
                t.textOut(s)
        self.canv.drawText(t)


@lru_cache(maxsize=512)
def _break(
    text: str, font: str, size: float, leading: float, first_indent: float, left_indent: float, width: float
) -> tuple[tuple[float, str], ...]:
    """(extra space, text) of each line of ``text`` wrapped at ``width``."""
    s = clean_text(text)
    if not s.strip(" "):
        return ()
    if "  " not in s and s[0] != " " and s[-1] != " ":
        room = width - left_indent - first_indent - stringWidth(s, font, size)
        if room >= 0:
            return ((room, s),)
    p = Paragraph(escape_para(s), style(font, size, leading, first_indent, left_indent))
    p.wrap(width, PAGE_H)
    bl = p.blPara
    if bl.kind == 0:
        return tuple((extra, " ".join(words)) for extra, words in bl.lines)
    return tuple((line.extraSpace, "".join(f.text for f in line.words)) for line in bl.lines)


def hang(f: Flowable) -> float:
    """Room to keep free at the right of a CJK paragraph: reportlab lets a character that may
    not start a line (、。っ ) hang one em past the wrap width."""
    room = getattr(f, "hang_room", None)
    if room is not None:
        return float(room)
    st = getattr(f, "style", None)
    return float(st.fontSize) if st is not None else 0.0


def wrap(f: Flowable, width: float) -> float:
    """Wrap ``f`` so that even a hanging character stays within ``width``; returns the height."""
    return f.wrap(width - hang(f), PAGE_H)[1]


def text_width(s: str, size: float, font: str | None = None, char_space: float = 0) -> float:
    return stringWidth(s, font or fonts.font_name(), size) + char_space * len(s)


def draw_text(
    c: Canvas,
    x: float,
    y: float,
    s: str,
    size: float,
    *,
    font: str | None = None,
    align: str = "left",
    bold: bool = False,
    char_space: float = 0,
    color: Color | None = None,
) -> float:
    """One line of text at baseline ``y``; ``bold`` fakes a heavier weight (fill + stroke).

    Returns the width drawn.
    """
    s = clean_text(s)
    font = font or fonts.font_name()
    w = text_width(s, size, font, char_space) - (char_space if s else 0)
    if align == "right":
        x -= w
    elif align == "center":
        x -= w / 2
    c.saveState()
    if color is not None:
        c.setFillColor(color)
        c.setStrokeColor(color)
    t = c.beginText(x, y)
    t.setFont(font, size)
    if char_space:
        t.setCharSpace(char_space)
    if bold:
        c.setLineWidth(size * 0.035)
        t.setTextRenderMode(2)
    t.textOut(s)
    c.drawText(t)
    c.restoreState()
    return w


def draw_spread(c: Canvas, x: float, y: float, s: str, size: float, width: float) -> None:
    """均等割り: spread the characters of a label over ``width``."""
    sw = text_width(s, size)
    cs = (width - sw) / (len(s) - 1) if len(s) > 1 and width > sw else 0
    draw_text(c, x, y, s, size, char_space=cs)


@dataclass
class Row:
    """One line of a 記 table: a fixed label (and a smaller sub-label) and a value flowable."""

    label: str
    value: Flowable
    sublabel: str = ""


class Table:
    """Two-column ruled table with a shaded label column; values wrap inside their cell."""

    PAD_X, PAD_Y, MIN_H = 8.0, 6.0, 24.0

    def __init__(self, rows: Sequence[Row], width: float, label_size: float = 10.5) -> None:
        self.rows, self.width, self.label_size = list(rows), width, label_size
        self.spread_w = max(text_width(r.label, label_size) for r in self.rows)
        self.label_w = self.spread_w + 2 * self.PAD_X + 6
        sub = [text_width(r.sublabel, label_size * 0.75) for r in self.rows if r.sublabel]
        self.label_w = max(self.label_w, max(sub, default=0) + 2 * self.PAD_X)
        self.value_w = width - self.label_w - 2 * self.PAD_X
        self.heights = [self._row_height(r) for r in self.rows]
        self.height = sum(self.heights)

    def _label_h(self, r: Row) -> float:
        return self.label_size * (1.0 + (1.25 if r.sublabel else 0))

    def _row_height(self, r: Row) -> float:
        h = wrap(r.value, self.value_w)
        return max(self.MIN_H, h + 2 * self.PAD_Y, self._label_h(r) + 2 * self.PAD_Y)

    def draw(self, c: Canvas, x: float, top: float) -> float:
        """Draw with the top-left corner at (x, top); returns the bottom y."""
        ls = self.label_size
        c.saveState()
        c.setFillColor(LABEL_FILL)
        c.rect(x, top - self.height, self.label_w, self.height, stroke=0, fill=1)
        c.restoreState()
        y = top
        for r, h in zip(self.rows, self.heights, strict=True):
            label_top = y - (h - self._label_h(r)) / 2
            draw_spread(c, x + self.PAD_X, label_top - ls * 0.88, r.label, ls, self.spread_w)
            if r.sublabel:
                draw_text(c, x + self.PAD_X, label_top - ls * 2.05, r.sublabel, ls * 0.75)
            vh = wrap(r.value, self.value_w)
            r.value.drawOn(c, x + self.label_w + self.PAD_X, y - (h - vh) / 2 - vh)
            y -= h
            if y > top - self.height + 0.1:
                c.setLineWidth(0.4)
                c.line(x, y, x + self.width, y)
        c.setLineWidth(0.4)
        c.line(x + self.label_w, top, x + self.label_w, y)
        c.setLineWidth(0.9)
        c.rect(x, y, self.width, self.height, stroke=1, fill=0)
        return y


def issuer_lines(issuer: Issuer, *, contact: bool) -> Iterator[tuple[str, float, bool]]:
    """(text, size, bold) lines naming the issuer; with phone and mail when ``contact``."""
    if issuer.company_name:
        yield cap(issuer.company_name, 60), 12.0, True
    if issuer.branch_name:
        yield cap(issuer.branch_name, 60), 10.5, False
    if contact and issuer.branch_phone:
        hours = cap(issuer.branch_hours, 60)
        yield f"電話番号　{cap(issuer.branch_phone, 40)}" + (f"（{hours}）" if hours else ""), 9.5, False
    if contact and issuer.branch_email:
        yield f"メールアドレス　{cap(issuer.branch_email, 80)}", 9.5, False


def draw_block_right(
    c: Canvas,
    top: float,
    lines: Sequence[tuple[str, float, bool]],
    right: float = PAGE_W - MARGIN_X,
    max_w: float = CONTENT_W,
) -> float:
    """Left-aligned lines whose widest line ends at ``right``; shrinks to fit ``max_w``.

    ``top`` is the top of the block; returns the bottom y.
    """
    widest = max((text_width(s, size) for s, size, _ in lines), default=0)
    k = min(1.0, max_w / widest) if widest else 1.0
    x = right - widest * k
    y = top
    for s, size, bold in lines:
        y -= size * k * 1.0
        draw_text(c, x, y, s, size * k, bold=bold)
        y -= size * k * 0.55
    return y


def block_height(lines: Sequence[tuple[str, float, bool]]) -> float:
    widest = max((text_width(s, size) for s, size, _ in lines), default=0)
    k = min(1.0, CONTENT_W / widest) if widest else 1.0
    return sum(size * k * 1.55 for _, size, _ in lines)
