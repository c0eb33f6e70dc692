"""The search SQL of 保証契約一覧 / 電子保証履歴一覧 at N contracts (default 1,000,000): each term's
window (50 rows) + count, through store.queries, beside the old query (LIKE over search_text and an
exact count, as before issue 11) measured in the same run, interleaved.

    python benchmarks/search_sql.py [--contracts 1000000] [--runs 15] [--keep DIR] [--compare-bulk 100000]

The database is built in a temporary folder (never ESURETY_DATABASE): the app's schema, then rows in
bulk (executemany in one transaction inside ``store.search.bulk_load``: the triggers are set aside
and the search indexes rebuilt once at the end). Data: 3,000 companies (〇〇建設 株式会社 has 10% of the
rows), 8 branches (神奈川 30%), 49 orderers, work names from places and kinds of work, a rare place
「鶴見」 (0.02%), 70% 電子, 5% with a corrected version. ``--compare-bulk N`` also times building N rows
with the triggers indexing each row, against the bulk path.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TERMS = ("河", "河川", "河川維持", "35072", "ZZZZ", "鶴見", "河川 横浜")
PREFS = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
]
CITIES = [
    "川崎市",
    "横浜市",
    "相模原市",
    "藤沢市",
    "八王子市",
    "町田市",
    "府中市",
    "調布市",
    "河内長野市",
    "水戸市",
    "宇都宮市",
    "前橋市",
    "千葉市",
    "船橋市",
    "さいたま市",
    "川越市",
    "所沢市",
    "新潟市",
    "長岡市",
    "仙台市",
    "盛岡市",
    "青森市",
    "秋田市",
    "山形市",
    "福島市",
    "郡山市",
    "いわき市",
    "札幌市",
    "函館市",
    "旭川市",
]
SURNAMES = [
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山本",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "前田",
    "藤田",
    "小川",
    "岡田",
    "後藤",
    "長谷川",
    "村上",
]
TRADES = ["建設", "工業", "組", "土木", "建工", "興業", "工務店", "開発"]
WORKS = [
    ("河川維持", 3),
    ("河川改修", 3),
    ("道路改良", 10),
    ("舗装補修", 8),
    ("橋梁補修", 6),
    ("下水道管渠", 7),
    ("公園整備", 5),
    ("庁舎改修", 4),
    ("学校耐震補強", 5),
    ("護岸", 4),
    ("水門改修", 2),
    ("砂防堰堤", 2),
    ("堤防強化", 3),
    ("上水道配水管布設替", 6),
    ("市営住宅外壁改修", 4),
    ("トンネル補修", 2),
    ("交差点改良", 3),
    ("歩道整備", 5),
    ("電線共同溝", 2),
    ("体育館屋根改修", 3),
]
BRANCHES = [
    ("神奈川支店", "350", 0.3),
    ("東京支店", "351", 0.2),
    ("千葉支店", "352", 0.15),
    ("埼玉支店", "353", 0.1),
    ("茨城支店", "354", 0.1),
    ("栃木支店", "355", 0.05),
    ("群馬支店", "356", 0.05),
    ("新潟支店", "357", 0.05),
]


def _names() -> tuple[list[str], list[str], list[str]]:
    orderers = (
        [p + "知事" for p in PREFS]
        + [c + "長" for c in CITIES]
        + [f"国土交通省 {r}地方整備局長" for r in ("関東", "東北", "北陸", "北海道")]
    )
    companies = ["〇〇建設 株式会社"] + [
        f"{s}{t} 株式会社" if i % 2 else f"株式会社 {s}{t}"
        for i, (s, t) in enumerate((s, t) for s in SURNAMES for t in TRADES)
    ]
    companies += [f"{s}{t}{n}号 有限会社" for n in range(1, 20) for s in SURNAMES for t in TRADES][
        : 3000 - len(companies)
    ]
    places = (
        CITIES
        + [p.rstrip("都県道") for p in PREFS]
        + ["多摩川", "鬼怒川", "利根川", "荒川", "中川", "相模川", "信濃川", "阿武隈川", "北上川", "最上川"]
        + [f"{s}町" for s in SURNAMES]
    )
    return orderers, companies, places


def build(path: Path, n: int, *, bulk: bool = True) -> dict[str, float]:
    """A database of ``n`` contracts at ``path``; seconds per phase."""
    from esurety_tui.domain.contract_number import make_contract_number
    from esurety_tui.domain.text import search_key
    from esurety_tui.store import search
    from esurety_tui.store.db import close_database, database, init_database

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    init_database(str(path))
    db = database.obj
    orderers, companies, places = _names()
    rng = random.Random(1)
    kinds, weights = zip(*WORKS, strict=True)
    codes, branch_weights = [b[1] for b in BRANCHES], [b[2] for b in BRANCHES]
    with db.atomic():
        con = db.connection()
        con.executemany(
            "INSERT INTO company(id, name, address, zip_code, search_name) VALUES (?, ?, '', '', ?)",
            [(i + 1, c, search_key(c)) for i, c in enumerate(companies)],
        )
        con.executemany(
            "INSERT INTO branch(id, name, code, phone, email, hours) VALUES (?, ?, ?, '', '', '')",
            [(i + 1, b[0], b[1]) for i, b in enumerate(BRANCHES)],
        )
        con.executemany(
            "INSERT INTO orderer(id, name, accepts_electronic, terms, email, address) VALUES (?, ?, 1, '', '', '')",
            [(i + 1, o) for i, o in enumerate(orderers)],
        )
    times["setup"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    serial: dict[str, int] = {}
    base = datetime(2016, 4, 1, 9, 0)
    span = 315_000_000  # ten years, in seconds
    guarantees, versions = [], []
    for i in range(n):
        at = base + timedelta(seconds=i * span // n)
        b = rng.choices(range(len(codes)), branch_weights)[0]
        prefix = f"{codes[b]}{at.year % 100:02d}"
        s = serial.get(prefix, 0)
        serial[prefix] = s + 1
        number = make_contract_number(prefix, s % 100_000)
        company = 1 if rng.random() < 0.1 else rng.randrange(2, len(companies) + 1)
        o = rng.randrange(len(orderers))
        place = "鶴見" if rng.random() < 0.0002 else rng.choice(places)
        work = f"{place}{rng.choices(kinds, weights)[0]}工事" + (
            f"（その{rng.randrange(1, 6)}）" if rng.random() < 0.3 else ""
        )
        electronic = rng.random() < 0.7
        issued = at.isoformat(" ")
        amount = 10_000_000 + (i % 90) * 1_000_000
        guarantees.append(
            (
                i + 1,
                number,
                "advance",
                company,
                o + 1,
                b + 1,
                int(electronic),
                "K" * 12 if electronic else None,
                work,
                companies[company - 1],
                amount,
                amount * 4 // 10,
                "2016-04-01",
                "2017-03-31",
                issued,
                search_key(f"{number} {orderers[o]} {work}"),
            )
        )
        corrected = rng.random() < 0.05
        versions.append((i + 1, 1, "新規", issued, int(corrected), work, amount * 4 // 10, amount))
        if corrected:
            later = (at + timedelta(days=3)).isoformat(" ")
            versions.append((i + 1, 2, "訂正", later, 0, work, amount * 4 // 10, amount))
    times["generate (python)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with db.atomic():
        con = db.connection()
        loading = search.bulk_load(db) if bulk else _nothing()
        with loading:
            con.executemany(
                "INSERT INTO guarantee(id, number, kind, company_id, orderer_id, branch_id, electronic, auth_key, "
                "work_name, contractor_name, contract_amount, guarantee_amount, start_date, end_date, issued_at, "
                "search_text, work_place, jv_name, deposit_bank, cancelled) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', 0)",
                guarantees,
            )
            times["insert guarantees (with their b-tree indexes)"] = time.perf_counter() - t0
            t1 = time.perf_counter()
        times["search index" + (" rebuild" if bulk else " (triggers, inside the insert)")] = time.perf_counter() - t1
        t1 = time.perf_counter()
        con.executemany(
            "INSERT INTO certificate_version(guarantee_id, seq, kind, issued_at, superseded, work_name, "
            "guarantee_amount, contract_amount, start_date, end_date, deposit_bank, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2016-04-01', '2017-03-31', '', '')",
            versions,
        )
        times["insert certificate versions"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    db.execute_sql("ANALYZE")
    times["ANALYZE"] = time.perf_counter() - t1
    close_database()
    times["total"] = sum(times.values())
    return times


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"{statistics.median(values) * 1000:7.2f} {p95 * 1000:7.2f}"


def measure(path: Path, runs: int) -> None:
    from esurety_tui.services.contracts import COUNT_CAP
    from esurety_tui.store import queries
    from esurety_tui.store.db import init_database

    init_database(str(path))
    plan = queries._plan

    def new(company_id, branch_id, tab, term):
        if tab == "history":
            n = queries.history_count(company_id, term, branch_id, cap=COUNT_CAP)
            rows = queries.history_page(company_id, term, 0, 50, branch_id)
        else:
            n = queries.guarantee_count(company_id, term, tab, branch_id, cap=COUNT_CAP)
            rows = queries.guarantee_page(company_id, term, tab, 0, 50, branch_id)
        return n, len(rows)

    def old(company_id, branch_id, tab, term):
        queries._plan = lambda *a, **k: None  # no index: LIKE over search_text, as before
        try:
            if tab == "history":
                n = queries.history_count(company_id, term, branch_id)
                rows = queries.history_page(company_id, term, 0, 50, branch_id)
            else:
                n = queries.guarantee_count(company_id, term, tab, branch_id)
                rows = queries.guarantee_page(company_id, term, tab, 0, 50, branch_id)
        finally:
            queries._plan = plan
        return n, len(rows)

    scopes = (
        ("contractor 〇〇建設 (10%)", 1, None, "all"),
        ("contractor 〇〇建設 履歴", 1, None, "history"),
        ("branch 神奈川支店 (30%)", None, 1, "all"),
    )
    print(
        f"\nwindow (50) + count, ms: p50 p95 of {runs} runs, each new beside old in the same loop; "
        f"count capped at {COUNT_CAP} + 1 (new) / exact (old)"
    )
    print(
        f"{'scope':28} {'term':10} {'new p50':>7} {'p95':>7}   {'old p50':>7} {'p95':>7}   "
        f"{'cpu new':>7} {'cpu old':>8}   hits (new / old)"
    )
    worst = 0.0
    for label, company_id, branch_id, tab in scopes:
        for term in TERMS:
            t_new, t_old = [], []
            new(company_id, branch_id, tab, term)  # warm
            old(company_id, branch_id, tab, term)
            cpu_new, cpu_old = [], []
            for _ in range(runs):
                t, c = time.perf_counter(), time.thread_time()
                got = new(company_id, branch_id, tab, term)
                t_new.append(time.perf_counter() - t)
                cpu_new.append(time.thread_time() - c)
                t, c = time.perf_counter(), time.thread_time()
                was = old(company_id, branch_id, tab, term)
                t_old.append(time.perf_counter() - t)
                cpu_old.append(time.thread_time() - c)
            worst = max(worst, sorted(t_new)[int(round(0.95 * (runs - 1)))])
            print(
                f"{label:28} {term:10} {_ms(t_new)}   {_ms(t_old)}   "
                f"{statistics.median(cpu_new) * 1000:7.2f} {statistics.median(cpu_old) * 1000:8.2f}   "
                f"{got[0]:>5,} / {was[0]:>7,}  ({got[1]} rows)"
            )
    print(
        f"worst new p95: {worst * 1000:.2f} ms (wall clock: other work on the machine adds to it; "
        "the CPU columns are this thread's own time, p50)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--contracts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the database in this folder and keep it")
    ap.add_argument(
        "--compare-bulk",
        type=int,
        default=0,
        metavar="N",
        help="also build N rows with per-row triggers and with bulk_load, and print both times",
    )
    args = ap.parse_args()
    os.environ.pop("ESURETY_DATABASE", None)
    with tempfile.TemporaryDirectory(prefix="esurety-search-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"search-{args.contracts}.sqlite3"
        if args.compare_bulk:
            for bulk in (False, True):
                times = build(Path(tmp) / f"cmp-{bulk}.sqlite3", args.compare_bulk, bulk=bulk)
                how = "bulk_load (rebuild once)" if bulk else "triggers per row"
                print(
                    f"build {args.compare_bulk:,} rows, {how}: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
                )
        if not path.exists():
            times = build(path, args.contracts)
            print(f"build {args.contracts:,} contracts: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
            print(f"file: {path.stat().st_size / 1e6:.0f} MB")
        measure(path, args.runs)


if __name__ == "__main__":
    main()
