"""The store: file set-up (permissions, pragmas), migrations from version 1, concurrent writers,
and the search / paging queries."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.store import migrations, queries
from esurety_tui.store.db import close_database, database, init_database
from esurety_tui.store.models import (
    MODELS,
    Application,
    AuditLog,
    Branch,
    CertificateVersion,
    Company,
    Counter,
    Guarantee,
    Mail,
    Orderer,
    SchemaVersion,
    User,
)

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

SCHEMA_V1 = Path(__file__).parent / "data" / "schema_v1.sql"


def _columns(table: str) -> list[str]:
    return [row[1] for row in database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]


def _schema_sql() -> list[tuple[str, str]]:
    return database.execute_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").fetchall()


# --- the file and its pragmas --------------------------------------------------------------------


def test_new_database_file_is_private_0600(tmp_path):
    path = tmp_path / "sub" / "new.sqlite3"
    init_database(str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The WAL file holds recently written pages (keys, hashes) too: it inherits the mode.
    Counter.create(name="k", value=1)
    wal = Path(str(path) + "-wal")
    assert wal.exists()
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600


@pytest.mark.sqlite_only("SQLite's own pragmas")
def test_pragmas_wal_foreign_keys_busy_timeout(db):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 10000


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception, match="(?i)foreign key"):  # SQLite: FOREIGN KEY; PostgreSQL: foreign key
        User.create(login="x", password_hash="h", company=999)


def test_new_database_is_at_latest_version_with_every_table(db):
    assert migrations.current_version(database.obj) == migrations.LATEST
    assert [r.version for r in SchemaVersion.select()] == [migrations.LATEST]
    for model in MODELS:
        assert database.table_exists(model._meta.table_name)
    assert Company.select().count() == 0


# --- migrations --------------------------------------------------------------------------------


def _load_v1(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    con.close()


def test_v1_fixture_really_is_version_1(tmp_path):
    path = tmp_path / "v1.sqlite3"
    _load_v1(path)
    con = sqlite3.connect(path)
    user_cols = [r[1] for r in con.execute('PRAGMA table_info("user")')]
    guarantee_cols = [r[1] for r in con.execute('PRAGMA table_info("guarantee")')]
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    con.close()
    assert "failed_logins" not in user_cols and "locked_until" not in user_cols
    assert "search_text" not in guarantee_cols
    assert "password_hash" in user_cols and "auth_key" in guarantee_cols


def test_v1_database_upgrades_to_latest_keeping_rows(tmp_path):
    path = tmp_path / "v1.sqlite3"
    _load_v1(path)

    db = init_database(str(path))

    assert migrations.current_version(db) == migrations.LATEST
    assert [r.version for r in SchemaVersion.select().order_by(SchemaVersion.id)] == list(
        range(1, migrations.LATEST + 1)
    )
    assert {"failed_logins", "locked_until"} <= set(_columns("user"))
    assert "search_text" in _columns("guarantee")

    # Every row is still there, and still linked (a table rebuild with foreign keys on would
    # CASCADE-delete certificate versions and SET NULL the links to user and guarantee).
    assert [c.name for c in Company.select()] == ["〇〇建設 株式会社"]
    assert [b.name for b in Branch.select()] == ["神奈川支店"]
    assert [o.name for o in Orderer.select()] == ["川崎市長"]
    user = User.get(User.login == "v1user")
    assert (user.id, user.company_id, user.failed_logins, user.locked_until) == (1, 1, 0, None)
    app = Application.get_by_id(1)
    assert (app.user_id, app.receipt_no, app.status) == (1, "ND20230330-000001", "発行済")
    g = Guarantee.get(Guarantee.number == "35072-00000M")
    assert (g.auth_key, g.work_name, g.guarantee_amount, g.application_id) == (
        "Z28YUE4J3Bux",
        "河川維持（〇〇）工事",
        20_000_000,
        1,
    )
    versions = [(v.seq, v.kind, v.issued_at) for v in CertificateVersion.select()]
    assert versions == [(1, "新規", datetime(2023, 4, 3, 13, 0))]
    assert [m.guarantee_id for m in Mail.select()] == [g.id]
    assert AuditLog.select().count() == 1

    # search_text is filled, so 検索 finds the old row.
    assert g.search_text == "35072-00000m 川崎市長 河川維持(〇〇)工事"
    assert [x.number for x in queries.guarantee_page(1, "河川", "all", 0, 10)] == ["35072-00000M"]
    assert queries.guarantee_count(None, "川崎", "all") == 1

    # Indexes of the rebuilt tables survive, and foreign keys are back on.
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    index_names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"user_login", "guarantee_number", "certificate_version_guarantee_id_seq"} <= index_names
    # Step 3: the newest-first window indexes the models declare.
    assert {
        "guarantee_company_id_issued_at_id",
        "guarantee_company_id_electronic_issued_at_id",
        "guarantee_issued_at_id",
        "certificate_version_issued_at_id",
    } <= index_names
    with pytest.raises(Exception, match="UNIQUE"):
        User.create(login="v1user", password_hash="h", company=1)


def test_migrated_v1_schema_matches_a_new_database(tmp_path):
    """After the upgrade the columns are exactly those of a database created at LATEST."""
    old, new = tmp_path / "v1.sqlite3", tmp_path / "new.sqlite3"
    _load_v1(old)
    init_database(str(old))
    migrated = {m._meta.table_name: sorted(_columns(m._meta.table_name)) for m in MODELS}
    init_database(str(new))
    fresh = {m._meta.table_name: sorted(_columns(m._meta.table_name)) for m in MODELS}
    assert migrated == fresh


def test_v1_database_on_postgresql_upgrades_to_latest_like_a_new_one(pg_worker):
    """Every migration step on PostgreSQL: the version-1 fixture loaded there, opened, and compared
    with a schema made new at LATEST (columns, types, nullability), the rows kept and linked."""
    import psycopg

    from tests.helpers.pgtest import columns, load_sqlite_script

    url = pg_worker.fresh()
    with psycopg.connect(url, autocommit=True) as con:
        load_sqlite_script(con, SCHEMA_V1.read_text(encoding="utf-8"))
    db = init_database(url)
    assert migrations.current_version(db) == migrations.LATEST
    assert [r.version for r in SchemaVersion.select().order_by(SchemaVersion.id)] == list(
        range(1, migrations.LATEST + 1)
    )
    g = Guarantee.get(Guarantee.number == "35072-00000M")
    assert (g.auth_key, g.application_id, g.electronic) == ("Z28YUE4J3Bux", 1, True)
    assert [(v.seq, v.kind) for v in CertificateVersion.select()] == [(1, "新規")]
    assert [m.guarantee_id for m in Mail.select()] == [g.id]
    assert [x.number for x in queries.guarantee_page(1, "河川", "all", 0, 10)] == ["35072-00000M"]
    assert not database.table_exists("setting")
    close_database()
    with psycopg.connect(url) as con:
        migrated = columns(con)

    fresh = pg_worker.fresh()
    init_database(fresh)
    close_database()
    with psycopg.connect(fresh) as con:
        assert migrated == columns(con)


def test_opening_a_latest_database_again_is_a_no_op(tmp_path):
    path = tmp_path / "again.sqlite3"
    init_database(str(path))
    Company.create(name="一社")
    before = _schema_sql()
    close_database()

    init_database(str(path))

    assert _schema_sql() == before
    assert [r.version for r in SchemaVersion.select()] == [migrations.LATEST]
    assert [c.name for c in Company.select()] == ["一社"]


# --- concurrency ---------------------------------------------------------------------------------

WORKERS = 4
ROUNDS = 50


def _run_workers(target, args) -> list[str | None]:
    """Start WORKERS spawned processes together; each puts None (or its error) on a queue."""
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, start, results)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    start.set()
    outcome = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert [proc.exitcode for proc in procs] == [0] * WORKERS
    return outcome


def _counter_worker(path: str, rounds: int, start_event, results) -> None:
    """Run in a spawned process: ``rounds`` read-then-write transactions on one counter row, read
    through ``locked`` as the services do (SQLite: the write lock already; PostgreSQL: FOR UPDATE)."""
    try:
        from esurety_tui.store.db import init_database as init
        from esurety_tui.store.db import locked, transaction
        from esurety_tui.store.models import AuditLog as Log
        from esurety_tui.store.models import Counter as S

        init(path)
        start_event.wait(30)
        for i in range(rounds):
            with transaction():
                value = locked(S.select().where(S.name == "counter")).get().value  # read …
                S.update(value=value + 1).where(S.name == "counter").execute()  # … then write
                Log.create(actor=f"pid{os.getpid()}", action="count", target=str(i))
        results.put(None)
    except BaseException as err:  # reported to the parent, which fails the test
        results.put(f"{type(err).__name__}: {err}")


def test_concurrent_read_then_write_transactions_lose_nothing(db):
    path = db  # a file, or a PostgreSQL URL: the spawned processes open the same setting
    Counter.create(name="counter", value=0)
    close_database()

    errors = _run_workers(_counter_worker, (str(path), ROUNDS))

    assert errors == [None] * WORKERS
    init_database(str(path))
    assert Counter.get_by_id("counter").value == WORKERS * ROUNDS == 200
    assert AuditLog.select().where(AuditLog.action == "count").count() == 200
    per_process = [n for (n,) in database.execute_sql("SELECT COUNT(*) FROM audit_log GROUP BY actor").fetchall()]
    assert per_process == [ROUNDS] * WORKERS


def _draft_worker(path: str, company_id: int, rounds: int, start_event, results) -> None:
    try:
        from esurety_tui.services import applications
        from esurety_tui.services.session import Session
        from esurety_tui.store.db import init_database as init

        init(path)
        session = Session(1, "demo", "contractor", company_id=company_id, company_name="同時建設")
        start_event.wait(30)
        for i in range(rounds):
            app_id = applications.new_draft(session)
            applications.save_draft(session, app_id, {"work_name": f"工事{os.getpid()}-{i}"})
        results.put(None)
    except BaseException as err:
        results.put(f"{type(err).__name__}: {err}")


def test_concurrent_drafts_of_one_session_are_all_kept(db):
    path = db
    company = Company.create(name="同時建設")
    User.create(login="demo", password_hash="x", company=company)
    close_database()

    errors = _run_workers(_draft_worker, (str(path), company.id, ROUNDS))

    assert errors == [None] * WORKERS
    init_database(str(path))
    names = [a.work_name for a in Application.select()]
    assert len(names) == 200
    assert len(set(names)) == 200
    assert all(a.status == "作成中" for a in Application.select())


# --- queries ---------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    company = Company.create(name="検索建設")
    other = Company.create(name="他社")
    branch = Branch.create(name="神奈川支店", code="350")
    kawasaki = Orderer.create(name="川崎市長", accepts_electronic=True)
    yokohama = Orderer.create(name="横浜市長", accepts_electronic=True)
    return company, other, branch, kawasaki, yokohama


def _g(company, branch, orderer, work_name, serial, *, prefix="35026", electronic=True, at=None):
    g = Guarantee(
        number=make_contract_number(prefix, serial),
        kind="advance",
        company=company,
        orderer=orderer,
        branch=branch,
        electronic=electronic,
        auth_key="Z28YUE4J3Bux" if electronic else None,
        work_name=work_name,
        contractor_name=company.name,
        contract_amount=10_000_000,
        guarantee_amount=4_000_000,
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        issued_at=at or datetime(2026, 1, 1, 9, 0) + timedelta(minutes=serial),
    )
    queries.refresh_search_text(g)
    g.save()
    return g


def _numbers(company_id, text, tab="all"):
    return sorted(g.number for g in queries.guarantee_page(company_id, text, tab, 0, 100))


def test_search_text_is_nfkc_casefold_of_number_orderer_and_work_name(world):
    company, _, branch, kawasaki, _ = world
    g = _g(company, branch, kawasaki, "ＡＢＣ橋梁（その１）工事", 0)
    assert g.search_text == "35026-00000m 川崎市長 abc橋梁(その1)工事"


def test_search_by_number_orderer_and_work_name(world):
    company, _, branch, kawasaki, yokohama = world
    a = _g(company, branch, kawasaki, "河川維持（〇〇）工事", 0)
    b = _g(company, branch, yokohama, "市道改良工事", 1)
    c = _g(company, branch, yokohama, "公園整備工事", 12)
    # part of the number (digits, lower-case check letter, full-width digits)
    assert _numbers(company.id, "00012") == [c.number]
    assert _numbers(company.id, "35026-0000") == [a.number, b.number]
    assert _numbers(company.id, "-0001") == [c.number]
    assert _numbers(company.id, c.number.lower()) == [c.number]
    assert _numbers(company.id, "０００１２") == [c.number]
    # orderer
    assert _numbers(company.id, "横浜") == [b.number, c.number]
    assert _numbers(company.id, "川崎市長") == [a.number]
    # work name
    assert _numbers(company.id, "市道") == [b.number]
    assert _numbers(company.id, "工事") == [a.number, b.number, c.number]
    assert _numbers(company.id, "存在しない") == []
    # empty and blank text: everything
    assert _numbers(company.id, "") == [a.number, b.number, c.number]
    assert _numbers(company.id, "  　 ") == [a.number, b.number, c.number]


def test_two_character_japanese_and_company_scope(world):
    company, other, branch, kawasaki, yokohama = world
    mine = _g(company, branch, kawasaki, "河川維持（〇〇）工事", 0)
    _g(company, branch, kawasaki, "道路舗装工事", 1)
    theirs = _g(other, branch, yokohama, "鶴見川河川改修工事", 2)
    assert _numbers(company.id, "河川") == [mine.number]
    assert queries.guarantee_count(company.id, "河川", "all") == 1
    assert _numbers(other.id, "河川") == [theirs.number]
    assert _numbers(None, "河川") == [mine.number, theirs.number]
    # one character too
    assert _numbers(company.id, "河") == [mine.number]


def test_multiple_words_must_all_match(world):
    company, _, branch, kawasaki, yokohama = world
    a = _g(company, branch, kawasaki, "河川維持工事", 0)
    _g(company, branch, yokohama, "河川改修工事", 1)
    _g(company, branch, kawasaki, "道路舗装工事", 2)
    assert _numbers(company.id, "河川 川崎") == [a.number]
    assert _numbers(company.id, "河川\u3000川崎") == [a.number]  # full-width space separates too
    assert _numbers(company.id, "  川崎   維持  ") == [a.number]
    assert _numbers(company.id, "河川 舗装") == []
    assert queries.guarantee_count(company.id, "河川 川崎", "all") == 1


def test_fullwidth_and_halfwidth_are_the_same(world):
    company, _, branch, kawasaki, _ = world
    full = _g(company, branch, kawasaki, "ＡＢＣ橋梁工事", 0)
    half = _g(company, branch, kawasaki, "abc道路工事", 1)
    upper = _g(company, branch, kawasaki, "ABC公園工事", 2)
    _g(company, branch, kawasaki, "ＡＢ橋工事", 3)
    every = sorted([full.number, half.number, upper.number])
    assert _numbers(company.id, "abc") == every
    assert _numbers(company.id, "ＡＢＣ") == every
    assert _numbers(company.id, "ａｂｃ") == every
    assert _numbers(company.id, "Abc") == every
    # half-width katakana too
    kana = _g(company, branch, kawasaki, "ｶﾜｻｷ工事", 4)
    assert _numbers(company.id, "カワサキ") == [kana.number]


def test_like_wildcards_in_the_search_text_are_literal(world):
    company, _, branch, kawasaki, _ = world
    percent = _g(company, branch, kawasaki, "進捗100%工事", 0)
    underscore = _g(company, branch, kawasaki, "A_B工事", 1)
    _g(company, branch, kawasaki, "AXB工事", 2)
    _g(company, branch, kawasaki, "進捗1000工事", 3)
    backslash = _g(company, branch, kawasaki, "C\\D工事", 4)
    assert _numbers(company.id, "%") == [percent.number]
    assert _numbers(company.id, "100%") == [percent.number]
    assert _numbers(company.id, "_") == [underscore.number]
    assert _numbers(company.id, "a_b") == [underscore.number]
    assert _numbers(company.id, "\\") == [backslash.number]
    assert _numbers(company.id, "％") == [percent.number]  # full-width percent, NFKC
    assert queries.guarantee_count(company.id, "%", "all") == 1


def test_paging_is_consistent_with_the_count(world):
    company, other, branch, kawasaki, _ = world
    made = [_g(company, branch, kawasaki, f"工事{i:02d}", i) for i in range(25)]
    _g(other, branch, kawasaki, "他社の工事", 90)
    # two with the same issue time: order falls back to id (newest first)
    same_at = datetime(2030, 1, 1)
    tie_a = _g(company, branch, kawasaki, "同時刻A工事", 30, at=same_at)
    tie_b = _g(company, branch, kawasaki, "同時刻B工事", 31, at=same_at)
    total = queries.guarantee_count(company.id, "", "all")
    assert total == 27
    pages = [queries.guarantee_page(company.id, "", "all", off, 10) for off in (0, 10, 20, 30)]
    assert [len(p) for p in pages] == [10, 10, 7, 0]
    numbers = [g.number for p in pages for g in p]
    assert len(set(numbers)) == 27
    expected = [tie_b.number, tie_a.number] + [g.number for g in reversed(made)]
    assert numbers == expected
    # a filtered count matches its pages
    assert queries.guarantee_count(company.id, "工事0", "all") == 10
    assert len(queries.guarantee_page(company.id, "工事0", "all", 0, 100)) == 10
    assert len(queries.guarantee_page(company.id, "工事0", "all", 5, 100)) == 5


def test_electronic_tab_and_history_exclude_paper_and_superseded(world):
    company, _, branch, kawasaki, _ = world
    e = _g(company, branch, kawasaki, "電子工事", 0)
    p = _g(company, branch, kawasaki, "紙工事", 1, electronic=False)
    assert _numbers(company.id, "", "all") == sorted([e.number, p.number])
    assert _numbers(company.id, "", "electronic") == [e.number]
    assert queries.guarantee_count(company.id, "", "electronic") == 1
    common = dict(
        work_name="電子工事",
        guarantee_amount=1,
        contract_amount=1,
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
    )
    CertificateVersion.create(guarantee=e, seq=1, kind="新規", superseded=True, **common)
    CertificateVersion.create(guarantee=e, seq=2, kind="訂正", **common)
    CertificateVersion.create(guarantee=p, seq=1, kind="新規", **common)
    assert [(v.guarantee.number, v.kind) for v in queries.history_page(company.id, "", 0, 10)] == [(e.number, "訂正")]
    assert queries.history_count(company.id, "") == 1
    assert [v.kind for v in queries.visible_versions(e.id)] == ["訂正"]


def test_next_serial_continues_after_numbers_issued_before_the_counter_and_never_repeats(world):
    company, _, branch, kawasaki, _ = world
    _g(company, branch, kawasaki, "二", 7)
    _g(company, branch, kawasaki, "三", 3)
    _g(company, branch, kawasaki, "四", 41, prefix="35025")
    _g(company, branch, kawasaki, "五", 99, prefix="35261")
    assert queries.next_serial("35026") == 8  # after the highest already issued
    assert queries.next_serial("35026") == 9  # a counter, not MAX()+1: never the same twice
    assert queries.next_serial("35025") == 42  # other prefixes count apart
    assert queries.next_serial("31026") == 0
    assert queries.next_serial("35026", count=100) == 10  # a block for bulk inserts
    assert queries.next_serial("35026") == 110
