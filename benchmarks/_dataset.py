"""A benchmark database of N contracts, built through the app's own store.

1. ``init_database`` creates the schema (the app's migrations, so the schema is exactly the app's)
   and ``services.demo.load`` adds the demo set: the logins (demo / demo is 〇〇建設), the seed's
   35072-00000M and its neighbours.
2. More companies, branches and orderers; then N guarantees and their certificate versions with
   plain ``executemany`` inside one transaction. The indexes (and triggers, such as the ones that
   keep a full-text index in step) of the two tables are dropped first and created again after, as
   a bulk load does; a full-text index is then rebuilt by the store's helper
   (``esurety_tui.store.search.rebuild_search_index``) when there is one.
3. Numbers come from the app's counters (``queries.next_serial``), one range per branch-and-year
   prefix, so the app keeps allocating after them.

The data: 〇〇建設 (the demo login's company) owns 40 %, △△工業 10 %, 28 more companies the rest;
five branches, 25 orderers, issue dates spread over ten years (2016–2025, before the demo's own
cases), Japanese work names from places × kinds of work (河川維持, 道路改良, 橋梁補修 …), 85 % electronic
with a key, 20 % 契約保証, ~10 % with a second certificate version (変更, or 取消 for the cancelled).
Deterministic for a given ``seed``.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

PLACES = (
    "多摩川",
    "鶴見川",
    "相模川",
    "境川",
    "酒匂川",
    "荒川",
    "利根川",
    "江戸川",
    "中川",
    "綾瀬川",
    "市道鶴見第12号線",
    "県道横浜厚木線",
    "国道16号",
    "市道中原",
    "県道町田厚木線",
    "東名側道",
    "川崎港",
    "横浜駅西口",
    "相模原駅前",
    "藤沢北部",
    "大師河原",
    "等々力",
    "港北",
    "戸塚",
    "青葉台",
)
KINDS = (
    "河川維持",
    "河川改修",
    "河川護岸補修",
    "河川浚渫",
    "道路改良",
    "道路維持補修",
    "道路舗装",
    "道路照明更新",
    "橋梁補修",
    "橋梁耐震補強",
    "下水道管渠",
    "下水道ポンプ場改修",
    "公園整備",
    "庁舎改修",
    "学校体育館改修",
    "水門補修",
    "砂防堰堤",
    "護岸整備",
    "歩道橋補修",
    "雨水貯留施設",
)
SUFFIXES = ("工事", "工事", "工事（その{k}）", "工事 第{k}工区", "維持管理業務委託", "測量設計業務委託")
COMPANIES = tuple(
    f"{a}{b} 株式会社"
    for a, b in (
        ("東和", "建設"),
        ("北辰", "土木"),
        ("大成", "工務店"),
        ("湘南", "建設"),
        ("丸和", "組"),
        ("京浜", "工業"),
        ("三栄", "建設"),
        ("武蔵", "土建"),
        ("相模", "舗道"),
        ("日進", "建設"),
        ("朝日", "工業"),
        ("富士", "建工"),
        ("港南", "建設"),
        ("中央", "土木"),
        ("青木", "組"),
        ("関東", "道路"),
        ("光", "建設"),
        ("泉", "工業"),
        ("新栄", "建設"),
        ("緑", "土木"),
        ("太平", "建設"),
        ("平和", "工業"),
        ("昭和", "舗道"),
        ("大和", "組"),
        ("桜", "建設"),
        ("松本", "土建"),
        ("石井", "工務店"),
        ("鈴木", "建設"),
    )
)
BRANCHES = (("千葉支店", "320"), ("埼玉支店", "330"), ("静岡支店", "340"))
ORDERERS = (
    "国土交通省関東地方整備局長",
    "東京都知事",
    "千葉県知事",
    "埼玉県知事",
    "静岡県知事",
    "さいたま市長",
    "千葉市長",
    "川口市長",
    "船橋市長",
    "浜松市長",
    "静岡市長",
    "八王子市長",
    "町田市長",
    "大和市長",
    "厚木市長",
    "平塚市長",
    "茅ヶ崎市長",
    "小田原市長",
    "横須賀市長",
    "鎌倉市長",
)
YEARS = tuple(range(2016, 2026))
DEMO_COMPANY = "〇〇建設 株式会社"
DEMO2_COMPANY = "△△工業 株式会社"


def _defaults(model, given: set[str]) -> dict[str, object]:
    """Values for the model's columns this loader does not fill (columns added by later migrations)."""
    out = {}
    for field in model._meta.sorted_fields:
        if field.column_name in given or field.name == "id":
            continue
        default = field.default() if callable(field.default) else field.default
        if default is None and not field.null:
            raise SystemExit(f"{model.__name__}.{field.name}: no default; teach benchmarks/_dataset.py about it")
        out[field.column_name] = field.db_value(default)
    return out


def _schema_objects(db, tables: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(kind, name, create SQL) of the indexes and triggers on ``tables`` that a bulk load may drop.
    The primary keys stay."""
    from peewee import SqliteDatabase

    if isinstance(db, SqliteDatabase):
        marks = ",".join("?" * len(tables))
        rows = db.execute_sql(
            f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tables,
        ).fetchall()
        return [(kind, name, sql) for kind, name, sql in rows]
    marks = ",".join(["%s"] * len(tables))
    rows = db.execute_sql(
        "SELECT 'index', i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        f"AND i.tablename IN ({marks}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        tables,
    ).fetchall()
    return [(kind, name, sql) for kind, name, sql in rows]


def _rebuild_search(db) -> str:
    """Rebuild a full-text index after the load, through the store's helper when there is one."""
    for name in ("rebuild_search_index", "rebuild"):
        for module_name in ("esurety_tui.store.search",):
            try:
                module = __import__(module_name, fromlist=[name])
            except ImportError:
                continue
            helper = getattr(module, name, None)
            if callable(helper):
                try:
                    helper(db)
                except TypeError:
                    helper()
                return f"{module_name}.{name}"
    return ""


class Built:
    def __init__(self) -> None:
        self.contracts = 0
        self.versions = 0
        self.demo_share = 0
        self.seconds = 0.0
        self.phases: list[tuple[str, float]] = []
        self.sample_number = ""  # a synthetic contract of the demo company, for `esurety key`
        self.search_helper = ""


def build(setting: str, contracts: int, seed: int = 1, log=print) -> Built:
    """Create ``setting`` (an SQLite path or a server URL with an empty schema) and fill it."""
    from esurety_tui.domain.auth_key import ALPHABET, LENGTH
    from esurety_tui.domain.contract_number import _OFFSET as CHECK_OFFSET
    from esurety_tui.domain.contract_number import ALPHABET as CHECK
    from esurety_tui.domain.contract_number import make_contract_number
    from esurety_tui.domain.text import search_key
    from esurety_tui.services import demo
    from esurety_tui.services.session import SYSTEM_SESSION
    from esurety_tui.store import queries
    from esurety_tui.store.db import init_database, is_sqlite, transaction
    from esurety_tui.store.models import Branch, CertificateVersion, Company, Guarantee, Orderer

    out = Built()
    started = time.perf_counter()
    mark = started

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        out.phases.append((name, now - mark))
        mark = now

    db = init_database(setting)
    demo.load(SYSTEM_SESSION, random.Random(seed))
    phase("schema + demo set")

    rng = random.Random(seed)
    with transaction():
        for name in COMPANIES:  # one by one: the model may derive columns on save (a search name)
            Company.create(name=name)
        Branch.insert_many([{"name": name, "code": code} for name, code in BRANCHES]).execute()
        Orderer.insert_many(
            [{"name": name, "accepts_electronic": i % 7 != 3} for i, name in enumerate(ORDERERS)]
        ).execute()
    companies = {c.name: c.id for c in Company.select(Company.id, Company.name)}
    branches = [(b.id, b.code) for b in Branch.select(Branch.id, Branch.code).order_by(Branch.id)]
    orderers = [(o.id, o.name, o.accepts_electronic) for o in Orderer.select().order_by(Orderer.id)]
    others = [companies[name] for name in COMPANIES]
    company_names = {v: k for k, v in companies.items()}
    demo_id, demo2_id = companies[DEMO_COMPANY], companies[DEMO2_COMPANY]

    # Who owns each contract, and where (branch, year): the numbers are allocated per prefix.
    owners = [
        demo_id if r < 0.4 else demo2_id if r < 0.5 else others[int(r * 1000) % len(others)]
        for r in (rng.random() for _ in range(contracts))
    ]
    branch_of = [
        branches[0] if owner == demo_id and rng.random() < 0.8 else branches[rng.randrange(len(branches))]
        for owner in owners
    ]
    span = (datetime(2025, 12, 26, 17, 0) - datetime(2016, 1, 4, 9, 0)).total_seconds()
    step = span / max(1, contracts)
    first_at = datetime(2016, 1, 4, 9, 0)
    issued = [first_at + timedelta(seconds=int(i * step)) for i in range(contracts)]
    per_prefix: dict[str, int] = {}
    prefixes = []
    for (_, code), at in zip(branch_of, issued, strict=True):
        prefix = f"{code}{at.year % 100:02d}"
        prefixes.append(prefix)
        per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
    with transaction():
        serial = {prefix: queries.next_serial(prefix, n) for prefix, n in sorted(per_prefix.items())}
    phase("plan")

    g_order = [
        "id",
        "number",
        "kind",
        "company_id",
        "application_id",
        "orderer_id",
        "branch_id",
        "electronic",
        "auth_key",
        "work_name",
        "work_place",
        "contractor_name",
        "jv_name",
        "contract_amount",
        "guarantee_amount",
        "deposit_bank",
        "start_date",
        "end_date",
        "cancelled",
        "issued_at",
        "key_reissued_at",
        "search_text",
    ]
    v_order = [
        "guarantee_id",
        "seq",
        "kind",
        "issued_at",
        "superseded",
        "work_name",
        "guarantee_amount",
        "contract_amount",
        "start_date",
        "end_date",
        "deposit_bank",
        "note",
    ]
    g_extra = _defaults(Guarantee, set(g_order))
    v_extra = _defaults(CertificateVersion, set(v_order) | {"id"})
    g_order += list(g_extra)
    v_order += list(v_extra)
    param = "?" if is_sqlite() else "%s"
    g_sql = f'INSERT INTO "guarantee" ({", ".join(g_order)}) VALUES ({", ".join([param] * len(g_order))})'
    v_sql = f'INSERT INTO "certificate_version" ({", ".join(v_order)}) VALUES ({", ".join([param] * len(v_order))})'
    sqlite = is_sqlite()

    def dt(value):  # SQLite stores peewee's text form; a server takes the objects
        return str(value) if sqlite else value

    start_id = (db.execute_sql("SELECT MAX(id) FROM guarantee").fetchone()[0] or 0) + 1
    work_cache: dict[tuple[int, int, int, int], tuple[str, str]] = {}
    versions: list[tuple] = []
    g_extra_values = tuple(g_extra.values())
    v_extra_values = tuple(v_extra.values())
    demo_sample = ""

    def guarantees():
        nonlocal demo_sample
        keys = rng.choices
        for i in range(contracts):
            owner, (branch_id, _), prefix, at = owners[i], branch_of[i], prefixes[i], issued[i]
            n = serial[prefix]
            number = f"{prefix}-{n:05d}{CHECK[(prefix_sum[prefix] + serial_sum[n]) % len(CHECK)]}"
            if i % 997 == 0 and number != make_contract_number(prefix, n):  # the domain's rule, sampled
                raise SystemExit(f"benchmarks/_dataset.py numbers differ from the domain's: {number}")
            serial[prefix] += 1
            org_id, org_name, org_electronic = orderers[(i * 7 + owner) % len(orderers)]
            w = (i * 31 + owner) % len(PLACES), (i * 17 + i // 7) % len(KINDS), i % len(SUFFIXES), (i % 5) + 1
            cached = work_cache.get(w)
            if cached is None:
                name = PLACES[w[0]] + KINDS[w[1]] + SUFFIXES[w[2]].format(k=w[3])
                cached = work_cache[w] = (name, search_key(name))
            work, work_key = cached
            electronic = org_electronic and i % 20 < 17
            kind = "contract" if i % 5 == 4 else "advance"
            amount = 5_000_000 + ((i * 7919) % 400) * 500_000
            guaranteed = amount * 4 // 10 if kind == "advance" else amount // 10
            cancelled = i % 50 == 7
            span = (at.date(), i % 240)
            dates = spans.get(span)
            if dates is None:
                dates = spans[span] = (dt(span[0] + timedelta(days=3)), dt(span[0] + timedelta(days=123 + span[1])))
            start, end = dates
            at_s = dt(at)
            if owner == demo_id and electronic and not demo_sample and i > contracts // 2:
                demo_sample = number
            gid = start_id + i
            yield (
                gid,
                number,
                kind,
                owner,
                None,
                org_id,
                branch_id,
                electronic,
                "".join(keys(ALPHABET, k=LENGTH)) if electronic else None,
                work,
                PLACES[w[0]],
                company_names[owner],
                "",
                amount,
                guaranteed,
                "〇〇銀行 本店",
                start,
                end,
                cancelled,
                at_s,
                None,
                search_key(number) + " " + orderer_keys[org_id] + " " + work_key,
            ) + g_extra_values
            first = (gid, 1, "新規", at_s, False, work, guaranteed, amount, start, end, "〇〇銀行 本店", "")
            versions.append(first + v_extra_values)
            if cancelled:
                versions.append(
                    (
                        gid,
                        2,
                        "取消",
                        dt(at + timedelta(days=30)),
                        False,
                        work,
                        guaranteed,
                        amount,
                        start,
                        end,
                        "〇〇銀行 本店",
                        "請負契約の解除",
                    )
                    + v_extra_values
                )
            elif i % 11 == 3:
                versions.append(
                    (
                        gid,
                        2,
                        "変更",
                        dt(at + timedelta(days=60)),
                        False,
                        work,
                        guaranteed + 1_000_000,
                        amount + 2_500_000,
                        start,
                        end,
                        "〇〇銀行 本店",
                        "請負契約の変更（増額）",
                    )
                    + v_extra_values
                )

    orderer_keys = {oid: search_key(name) for oid, name, _ in orderers}
    # The check letter as domain.contract_number computes it (weights 1..10 over the ten digits), in
    # two precomputed halves: make_contract_number per row was a sixth of the build (it is sampled above).
    prefix_sum = {p: sum(w * int(d) for w, d in zip(range(1, 6), p, strict=True)) + CHECK_OFFSET for p in serial}
    serial_sum = [sum(w * int(d) for w, d in zip(range(6, 11), f"{n:05d}", strict=True)) for n in range(100_000)]
    spans: dict = {}  # (issue date, length) -> (start, end) in the database's form

    tables = ("guarantee", "certificate_version")
    objects = _schema_objects(db, tables)
    with transaction():
        for kind, name, _ in objects:
            db.execute_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')
        phase(f"drop {len(objects)} indexes/triggers")
        cursor = db.cursor()
        cursor.executemany(g_sql, guarantees())
        phase(f"insert {contracts:,} guarantees")
        cursor.executemany(v_sql, versions)
        phase(f"insert {len(versions):,} certificate versions")
        for _kind, _, sql in sorted(objects, key=lambda o: o[0] != "index"):  # indexes before triggers
            db.execute_sql(sql)
        phase(f"create {len(objects)} indexes/triggers")
        out.search_helper = _rebuild_search(db)
        if out.search_helper:
            phase(f"rebuild the search index ({out.search_helper})")
        if not sqlite:  # explicit ids: the serial must continue after them; statistics as autovacuum would
            db.execute_sql("SELECT setval(pg_get_serial_sequence('guarantee', 'id'), (SELECT MAX(id) FROM guarantee))")
    if not sqlite:
        for table in tables:
            db.execute_sql(f'ANALYZE "{table}"')
        phase("ANALYZE")
    out.contracts = contracts
    out.versions = len(versions)
    out.demo_share = sum(1 for o in owners if o == demo_id)
    out.sample_number = demo_sample or "35072-00000M"
    out.seconds = time.perf_counter() - started
    return out
