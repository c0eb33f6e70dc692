"""Timing of the PDF renderers.

    python benchmarks/notice_bench.py [--count 1000]

Prints the font used, the cold first-notice time (font resolution + reportlab import included),
the warm median per notice over 50, the total for --count notices, and the certificate median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
        work_name=f"河川維持（〇〇）工事 第{i}工区",
        contractor_name="〇〇建設 株式会社",
        product_name="前払金保証",
        contract_number=f"35072-{i % 100000:05d}M",
        auth_key="Z28YUE4J3Bux",
    )


CERT = CertificateData(
    kind="advance", contract_number="35072-00000M", guarantee_amount=20_000_000,
    contract_amount=50_000_000, work_name="河川維持（〇〇）工事", work_place="川崎市川崎区〇〇町地内",
    orderer_name="川崎市長", contractor_name="〇〇建設 株式会社", jv_name="",
    start_date=date(2023, 4, 3), end_date=date(2024, 3, 29), deposit_bank="〇〇銀行　××支店",
    version_kind="新規", version_no=1, issued_at=datetime(2023, 4, 3, 13, 0),
)


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
    args = ap.parse_args()

    t = time.perf_counter()
    first = render_notice(notice(0))
    cold = time.perf_counter() - t
    info = font_info()
    print(f"font: {info.name} ({info.path or 'built-in CID'}), embedded: {info.embedded}")
    print(f"cold first notice: {cold * 1000:.1f} ms ({len(first):,} bytes)")
    print(f"warm notice median (50): {median_ms(lambda: render_notice(notice(1))):.2f} ms")

    t = time.perf_counter()
    for i in range(args.count):
        render_notice(notice(i))
    total = time.perf_counter() - t
    print(f"{args.count} notices: {total:.2f} s ({total / args.count * 1000:.2f} ms each)")

    render_certificate(CERT)
    print(f"warm certificate median (50): {median_ms(lambda: render_certificate(CERT)):.2f} ms")


if __name__ == "__main__":
    main()
