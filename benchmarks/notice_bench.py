"""Timing of the PDF renderers, each warm figure beside its floor measured in the same loop.

    python benchmarks/notice_bench.py [--count 1000] [--runs 50] [--tree DIR]

Prints the font used, the cold first-notice time (font resolution + reportlab import included),
then the warm median per notice interleaved with its floor, the total for --count notices, and
the certificate median.

The floor (issue 11) is a bare reportlab page with the same font: the notice's own text, every
line of it, drawn with one drawString each on an A4 canvas made the same way (same registered
TrueType font, invariant, page compression), then saved. It pays what any page with this text
pays (the font subset, the content stream, compression) and nothing of the layout. Goal: the
warm notice <= 1.5 x the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

# --tree DIR measures the esurety_tui package in DIR (e.g. `git archive` of an older commit): it must
# be on sys.path before the package is imported, so it is read here, ahead of argparse.
_TREE = sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv[:-1] else None
sys.path.insert(0, str(Path(_TREE).resolve()) if _TREE else str(Path(__file__).resolve().parents[1]))

from esurety_tui.documents import (  # noqa: E402
    CertificateData,
    NoticeData,
    font_info,
    render_certificate,
    render_notice,
)


def notice(i: int) -> NoticeData:
    return NoticeData(
        issue_date=date(2023, 4, 3),
        addressee="〇〇建設 株式会社",
        contractor_name="〇〇建設 株式会社",
        product_name="前払金保証",
        contract_number=f"35072-{i % 100000:05d}M",
        auth_key="Z28YUE4J3Bux",
        values={"work_name": f"河川維持（〇〇）工事 第{i}工区"},
    )


CERT = CertificateData(
    kind="advance",
    contract_number="35072-00000M",
    contractor_name="〇〇建設 株式会社",
    version_kind="新規",
    version_no=1,
    issued_at=datetime(2023, 4, 3, 13, 0),
    values={
        "advance_amount": 20_000_000,
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


def floor_lines(d: NoticeData) -> list[str]:
    """Every line of text the notice shows, in reading order (the data strings as given)."""
    from esurety_tui.documents import notice as n
    from esurety_tui.domain.wareki import to_wareki

    i = d.issuer
    return [
        to_wareki(d.issue_date),
        d.addressee + "　様",
        i.company_name,
        i.branch_name,
        n.TITLE,
        *n.BODY,
        *n.METHODS,
        *n.BODY2,
        "記",
        "工事名",
        str(d.values["work_name"]),
        "受注者名",
        "(J.V.の場合代表者)",
        d.contractor_name,
        "商品(保証区分)",
        d.product_name,
        "保証契約番号",
        d.contract_number,
        "認証キー",
        d.auth_key,
        "4文字区切り：" + n.group_key(d.auth_key),
        "※英字の大文字と小文字は区別されます。",
        n.INQUIRY_HEAD,
        n.INQUIRY,
        i.company_name,
        i.branch_name,
        f"電話番号　{i.branch_phone}（{i.branch_hours}）",
        f"メールアドレス　{i.branch_email}",
    ]


def render_floor(d: NoticeData) -> bytes:
    """The floor: the notice's text as plain drawString lines on a bare page, same font."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    font = font_info().name
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font)
    c.setFont(font, 10)
    y = 800.0
    for line in floor_lines(d):
        c.drawString(40, y, line)
        y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def interleaved_ms(a, b, n: int = 50) -> tuple[float, float]:
    """Medians (ms) of ``a`` and ``b`` called alternately ``n`` times each (drift hits both)."""
    ta, tb = [], []
    for _ in range(n):
        t = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t)
    return statistics.median(ta) * 1000, statistics.median(tb) * 1000


def median_ms(fn, n: int = 50) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=50, help="warm renders of each, interleaved (default 50)")
    ap.add_argument("--tree", metavar="DIR", help="measure the esurety_tui package in DIR instead of this checkout")
    args = ap.parse_args()

    t = time.perf_counter()
    first = render_notice(notice(0))
    cold = time.perf_counter() - t
    info = font_info()
    if args.tree:
        import esurety_tui

        print(f"esurety_tui from {Path(esurety_tui.__file__).parent}")
    print(f"font: {info.name} ({info.path or 'built-in CID'}), embedded: {info.embedded}")
    print(f"cold first notice: {cold * 1000:.1f} ms ({len(first):,} bytes)")
    floor = render_floor(notice(0))
    subsets = first.count(b"/FontFile2")
    print(
        f"  {subsets} embedded font program(s) in the notice; the floor page: {floor.count(b'/FontFile2')}"
        f" ({len(floor):,} bytes)"
    )
    warm, bare = interleaved_ms(lambda: render_notice(notice(1)), lambda: render_floor(notice(1)), args.runs)
    ratio = warm / bare
    print(
        f"warm notice median ({args.runs}): {warm:.2f} ms   floor (bare page, same font, same text): "
        f"{bare:.2f} ms   ratio {ratio:.2f}x  [{'OK' if ratio <= 1.5 else 'over the 1.5x goal'}]"
    )

    t = time.perf_counter()
    for i in range(args.count):
        render_notice(notice(i))
    total = time.perf_counter() - t
    print(f"{args.count} notices: {total:.2f} s ({total / args.count * 1000:.2f} ms each)")

    render_certificate(CERT)
    print(f"warm certificate median (50): {median_ms(lambda: render_certificate(CERT)):.2f} ms")


if __name__ == "__main__":
    main()
