"""The search of 保証契約一覧 / 電子保証履歴一覧 (store/search.py): the FTS5 indexes (trigram for words of
three characters or more, 1-/2-grams for shorter ones), kept in step by triggers; the same answers by
the index, by the walk of the list's index and by plain LIKE (PostgreSQL's query); scope; capped
counts; the migration that builds the indexes on an existing file."""

from __future__ import annotations

import logging
import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.domain.text import search_key
from esurety_tui.store import migrations, queries, search
from esurety_tui.store.db import close_database, database, init_database, transaction
from esurety_tui.store.models import Branch, CertificateVersion, Company, Guarantee, Orderer

SCHEMA_V1 = Path(__file__).parent / "data" / "schema_v1.sql"

WORKS = (
    "河川維持（その１）工事",
    "河川改修工事",
    "道路改良工事",
    "ＡＢＣ橋梁補修工事",
    "ｶﾜｻｷ公園整備工事",
    "鶴見下水道工事",
    "進捗100%工事",
    "庁舎改修工事",
    "河口堰工事",
    "A_B舗装工事",
)


@pytest.fixture
def world(db):
    """Two companies in two branches, 120 guarantees (electronic and paper, issue times out of id
    order, a tie), each electronic one with versions (one superseded)."""
    companies = [Company.create(name="山田建設 株式会社"), Company.create(name="河野工業 株式会社")]
    branches = [Branch.create(name="神奈川支店", code="350"), Branch.create(name="東京支店", code="351")]
    orderers = [Orderer.create(name=n, accepts_electronic=True) for n in ("川崎市長", "横浜市長", "鶴見区長")]
    rng = random.Random(3)
    base = datetime(2025, 4, 1, 9, 0)
    for i in range(120):
        company, branch = companies[i % 2], branches[(i // 2) % 2]
        orderer, work = orderers[i % 3], WORKS[rng.randrange(len(WORKS))]
        electronic = i % 5 != 0
        at = base + timedelta(minutes=rng.randrange(0, 10_000)) if i != 7 else base + timedelta(minutes=77)
        g = Guarantee(
            number=make_contract_number(f"{branch.code}25", i),
            kind="advance",
            company=company,
            orderer=orderer,
            branch=branch,
            electronic=electronic,
            auth_key="Z28YUE4J3Bux" if electronic else None,
            work_name=work,
            contractor_name=company.name,
            contract_amount=1,
            guarantee_amount=1,
            start_date=date(2025, 4, 1),
            end_date=date(2026, 3, 31),
            issued_at=at,
        )
        if i == 8:
            g.issued_at = base + timedelta(minutes=77)  # the same time as row 7: order by id
        queries.refresh_search_text(g)
        g.save()
        for seq in (1, 2) if i % 3 == 0 else (1,):
            CertificateVersion.create(
                guarantee=g,
                seq=seq,
                kind="新規" if seq == 1 else "訂正",
                issued_at=at + timedelta(minutes=seq),
                superseded=seq == 1 and i % 3 == 0,
                work_name=work,
                guarantee_amount=1,
                contract_amount=1,
                start_date=date(2025, 4, 1),
                end_date=date(2026, 3, 31),
            )
    return companies, branches, orderers


def _expected(text: str, company_id=None, branch_id=None, electronic=False) -> list[int]:
    """The rows a search must show, newest first, by brute force over every row."""
    words = search_key(text).split()
    rows = []
    for g in Guarantee.select().order_by(Guarantee.issued_at.desc(), Guarantee.id.desc()):
        if company_id is not None and g.company_id != company_id:
            continue
        if branch_id is not None and g.branch_id != branch_id:
            continue
        if electronic and not g.electronic:
            continue
        names = "" if company_id is not None else Company.get_by_id(g.company_id).search_name
        if all(w in g.search_text or w in names for w in words):
            rows.append(g.id)
    return rows


def _expected_history(text: str, company_id=None, branch_id=None) -> list[int]:
    hits = set(_expected(text, company_id, branch_id, electronic=True))
    versions = (
        CertificateVersion.select()
        .where(CertificateVersion.superseded == False)
        .order_by(CertificateVersion.issued_at.desc(), CertificateVersion.id.desc())
    )
    return [v.id for v in versions if v.guarantee_id in hits]


TERMS = (
    "河",
    "川",
    "河川",
    "河川維持",
    "工事",
    "維持 河",
    "河川 横浜",
    "ｶﾜｻｷ",
    "カワサキ",
    "abc",
    "ＡＢＣ",
    "%",
    "100%",
    "a_b",
    "_",
    "35025-0001",
    "351",
    "その1",
    "鶴見",
    "鶴",
    "zz",
    "存在しない",
    "工事 鶴見 川崎",
    "山田",
    "株式会社",
    "河野",
    "河野 河川",
    "3",
    "35",
    "-",
    "ｶﾜ",
    "事 河",
    "(",
    "事工",
)


@pytest.fixture(params=["index", "walk", "like"])
def path(request, monkeypatch):
    """Each search answered three ways: hits from the index, sorted (every term rarer than the
    limit); the list's index walked with LIKE (every term commoner than the limit); plain LIKE
    without the indexes (PostgreSQL's query)."""
    if request.param == "index":
        monkeypatch.setattr(search, "SORT_LIMIT", 10_000)
    elif request.param == "walk":
        monkeypatch.setattr(search, "SORT_LIMIT", -1)
    else:
        monkeypatch.setattr(queries, "_plan", lambda *a, **k: None)
    return request.param


@pytest.mark.postgres
def test_every_term_finds_exactly_the_matching_rows_newest_first_in_every_scope(world, path):
    companies, branches, _ = world
    for term in TERMS:
        for scope in (
            {"company_id": companies[0].id},
            {"company_id": companies[1].id},
            {"branch_id": branches[0].id},
            {"branch_id": branches[1].id},
            {},
        ):
            for tab in ("all", "electronic"):
                want = _expected(term, electronic=tab == "electronic", **scope)
                company_id, branch_id = scope.get("company_id"), scope.get("branch_id")
                got = [g.id for g in queries.guarantee_page(company_id, term, tab, 0, 500, branch_id)]
                assert got == want, (term, scope, tab)
                assert queries.guarantee_count(company_id, term, tab, branch_id) == len(want), (term, scope, tab)
            want = _expected_history(term, **scope)
            got = [v.id for v in queries.history_page(scope.get("company_id"), term, 0, 500, scope.get("branch_id"))]
            assert got == want, (term, scope, "history")
            assert queries.history_count(scope.get("company_id"), term, scope.get("branch_id")) == len(want)


@pytest.mark.postgres
def test_windows_at_an_offset_are_the_slices_of_the_whole_list(world, path):
    companies, _, _ = world
    for term in ("工事", "河川", "河"):
        whole = _expected(term, companies[0].id)
        for offset in (0, 7, 20, len(whole) - 3, len(whole) + 5):
            got = [g.id for g in queries.guarantee_page(companies[0].id, term, "all", offset, 10)]
            assert got == whole[offset : offset + 10]


@pytest.mark.postgres
def test_counts_stop_at_the_cap_plus_one(world, path):
    companies, branches, _ = world
    total = len(_expected("工事"))
    assert total > 20
    assert queries.guarantee_count(None, "工事", "all", cap=10) == 11
    assert queries.guarantee_count(None, "工事", "all", cap=total) == total
    assert queries.guarantee_count(companies[0].id, "工", "all", cap=5) == 6
    assert queries.history_count(None, "工事", cap=10) == 11
    assert queries.guarantee_count(companies[0].id, "鶴見区", "all", cap=1000) == len(
        _expected("鶴見区", companies[0].id)
    )
    assert queries.guarantee_count(None, "", "all", cap=10) == 11


@pytest.mark.postgres
def test_a_contractor_never_finds_rows_by_its_own_company_name_and_never_another_companys(world, path):
    companies, branches, _ = world
    yamada, kono = companies
    assert queries.guarantee_count(yamada.id, "山田", "all") == 0
    assert queries.guarantee_count(yamada.id, "株式会社", "all") == 0
    # 「河野」 is in the other company's name: a contractor does not find that company's rows by it
    assert queries.guarantee_count(yamada.id, "河野", "all") == 0
    assert all(g.company_id == kono.id for g in queries.guarantee_page(kono.id, "河川", "all", 0, 500))
    # the branch (and the administrator) find a company's rows by its name
    in_branch = _expected("河野", branch_id=branches[0].id)
    assert in_branch and all(Guarantee.get_by_id(i).company_id == kono.id for i in in_branch)
    assert [g.id for g in queries.guarantee_page(None, "河野", "all", 0, 500, branches[0].id)] == in_branch
    assert queries.guarantee_count(None, "株式会社", "all") == Guarantee.select().count()


def test_the_index_answers_rare_words_of_every_length(world, monkeypatch):
    """Not the walk: a rare 1-, 2- and 3-character word is found through its index, and the plan
    says which one."""
    db = database.obj
    for word, table in (("鶴", search.GRAM), ("鶴見", search.GRAM), ("鶴見区", search.FTS), ("堰", search.GRAM)):
        p = search.plan(db, [word], search.Scope(None, None, False), by_company=False)
        assert (p.table, p.sparse, p.exact) == (table, True, True)
        assert p.hits == len(_expected(word))
    monkeypatch.setattr(queries.Guarantee, "search_text", None)  # a walk would fail now
    assert queries.guarantee_count(None, "鶴見区", "all") == len(_expected("鶴見区"))


def _fts_hits(word: str) -> set[int]:
    table = search.FTS if len(word) >= 3 else search.GRAM
    rows = database.execute_sql(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (search._quote(word),))
    return {r[0] for r in rows.fetchall()}


def _index_agrees_with_rows(words=("河川", "河", "工事", "鶴見区", "補強", "横浜", "山下", "35025")) -> None:
    from esurety_tui.store.db import is_sqlite

    if not is_sqlite():
        return  # PostgreSQL's index is the database's own (GIN): nothing of ours to keep in step
    for word in words:
        assert _fts_hits(word) == {g.id for g in Guarantee.select() if word in g.search_text}, word


def test_the_index_follows_every_write_in_its_transaction(world):
    companies, branches, orderers = world
    _index_agrees_with_rows()
    g = Guarantee.select().order_by(Guarantee.id).first()
    # an update (as 訂正 / 変更 write it)
    g.work_name = "山下橋耐震補強工事"
    queries.refresh_search_text(g)
    g.save()
    _index_agrees_with_rows()
    # a save that changes nothing searched leaves the index as it is
    g.cancelled = True
    g.save()
    _index_agrees_with_rows()
    # moving to another branch / company / paper changes its scope tokens
    g.branch, g.electronic = branches[1], False
    g.save()
    p = search.plan(database.obj, ["山下"], search.Scope(None, branches[1].id, True), by_company=False)
    assert p.hits == 0
    p = search.plan(database.obj, ["山下"], search.Scope(None, branches[1].id, False), by_company=False)
    assert p.hits == 1
    # a rolled-back write leaves nothing behind
    with pytest.raises(RuntimeError), transaction():
        Guarantee.update(search_text="補強ロールバック").where(Guarantee.id == g.id).execute()
        raise RuntimeError
    _index_agrees_with_rows(("補強", "ロールバック"))
    # deletes, one and by cascade (a company's rows)
    g.delete_instance(recursive=True)
    Company.delete().where(Company.id == companies[1].id).execute()
    assert Guarantee.select().where(Guarantee.company == companies[1].id).count() == 0
    _index_agrees_with_rows()


def test_the_index_follows_issue_correction_change_and_cancel(demo_db):
    from esurety_tui.services import issuing
    from tests.conftest import session_of

    branch = session_of("branch")
    number = Guarantee.select().where(Guarantee.electronic == True).first().number
    issuing.amend(branch, number, "訂正", work_name="橋梁耐震訂正工事")
    _index_agrees_with_rows(("訂正", "耐震", "河川"))
    assert [g.number for g in queries.guarantee_page(None, "耐震訂正", "all", 0, 10)] == [number]
    issuing.amend(branch, number, "変更", work_name="橋梁耐震変更工事")
    assert queries.guarantee_count(None, "耐震訂正", "all") == 0
    assert [g.number for g in queries.guarantee_page(None, "耐震変更", "all", 0, 10)] == [number]
    issuing.amend(branch, number, "取消")
    assert [g.number for g in queries.guarantee_page(None, "耐震変更", "all", 0, 10)] == [number]
    _index_agrees_with_rows(("訂正", "変更", "耐震", "河川"))


@pytest.mark.postgres
def test_renaming_an_orderer_renames_it_in_the_search(world):
    from esurety_tui.services import orderers as orderer_service
    from esurety_tui.services.session import SYSTEM_SESSION

    _, _, orderers = world
    before = len(_expected("横浜市長"))
    orderer_service.update(SYSTEM_SESSION, orderers[1].id, name="横須賀市長")
    assert queries.guarantee_count(None, "横浜市長", "all") == 0
    assert queries.guarantee_count(None, "横須賀", "all") == before
    _index_agrees_with_rows(("横浜", "横須", "須賀"))


@pytest.mark.postgres
def test_a_company_created_by_the_orm_has_its_search_name(db):
    c = Company.create(name="ＡＢＣ建設　株式会社")
    assert Company.get_by_id(c.id).search_name == "abc建設 株式会社"


def test_bulk_load_rebuilds_the_index_once_and_puts_the_triggers_back(world):
    companies, branches, orderers = world
    with transaction(), search.bulk_load(database.obj):
        Guarantee.insert_many(
            [
                dict(
                    number=make_contract_number("35299", i),
                    kind="advance",
                    company=companies[0].id,
                    orderer=orderers[0].id,
                    branch=branches[0].id,
                    electronic=True,
                    work_name="一括投入工事",
                    contractor_name="x",
                    contract_amount=1,
                    guarantee_amount=1,
                    start_date=date(2025, 4, 1),
                    end_date=date(2026, 3, 31),
                    search_text=search_key(f"{make_contract_number('35299', i)} 川崎市長 一括投入工事"),
                )
                for i in range(30)
            ]
        ).execute()
    _index_agrees_with_rows(("一括", "投入", "河川"))
    triggers = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(search.TRIGGERS) <= triggers


def test_a_writer_without_the_function_cannot_leave_the_index_behind(db, tmp_path):
    """The sqlite3 shell (or any program without esurety_grams) is refused a write to guarantee,
    rather than writing a row the index does not know."""
    company = Company.create(name="x")
    branch = Branch.create(name="b", code="350")
    orderer = Orderer.create(name="o")
    database.close()
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.OperationalError, match="esurety_grams"):
        con.execute(
            "INSERT INTO guarantee(number, kind, company_id, orderer_id, branch_id, electronic, work_name, "
            "contractor_name, contract_amount, guarantee_amount, start_date, end_date, cancelled, issued_at, "
            "search_text) VALUES ('n', 'advance', ?, ?, ?, 1, 'w', 'c', 1, 1, '2025-04-01', '2026-03-31', 0, "
            "'2025-04-01 09:00:00', 'n o w')",
            (company.id, orderer.id, branch.id),
        )
    con.close()


def test_an_old_database_gets_the_index_filled_by_the_migration(tmp_path):
    path = tmp_path / "v1.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    con.close()
    db = init_database(str(path))
    assert migrations.current_version(db) == migrations.LATEST
    assert Company.get_by_id(1).search_name == "〇〇建設 株式会社"
    p = search.plan(db, ["河川"], search.Scope(1, None, False), by_company=False)
    assert (p.table, p.hits) == (search.GRAM, 1)
    p = search.plan(db, ["河川維持"], search.Scope(1, None, True), by_company=False)
    assert (p.table, p.hits) == (search.FTS, 1)
    assert [g.number for g in queries.guarantee_page(None, "〇〇建設", "all", 0, 10)] == ["35072-00000M"]
    _index_agrees_with_rows(("河川", "川崎", "35072"))


def test_a_database_at_version_10_is_migrated_to_the_index(db):
    """The step alone, on a file as version 10 left it (no index, no search_name)."""
    company = Company.create(name="旧版建設")
    branch = Branch.create(name="b", code="350")
    orderer = Orderer.create(name="川崎市長")
    g = Guarantee(
        number="35072-00000M",
        kind="advance",
        company=company,
        orderer=orderer,
        branch=branch,
        work_name="河川維持工事",
        contractor_name="c",
        contract_amount=1,
        guarantee_amount=1,
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
    )
    queries.refresh_search_text(g)
    g.save()
    db = database.obj
    for name in search.TRIGGERS:
        db.execute_sql(f"DROP TRIGGER {name}")
    db.execute_sql(f"DROP TABLE {search.FTS}")
    db.execute_sql(f"DROP TABLE {search.GRAM}")
    db.execute_sql("DROP INDEX guarantee_branch_id_issued_at_id")
    db.execute_sql("ALTER TABLE company DROP COLUMN search_name")
    db.execute_sql("DELETE FROM schema_version")
    db.execute_sql("INSERT INTO schema_version(version, applied_at) VALUES (10, '2026-01-01')")
    database.close()
    init_database(str(db.database))
    assert migrations.current_version(database.obj) == migrations.LATEST
    assert [x.number for x in queries.guarantee_page(None, "旧版", "all", 0, 10)] == ["35072-00000M"]
    _index_agrees_with_rows(("河川", "維持工", "35072"))


def test_the_search_step_runs_on_postgresql_and_the_search_query_uses_the_trigram_index(pg_url):
    """A fresh schema on the PostgreSQL server of the test run: created at LATEST, then taken back to
    version 10 and migrated by the step alone; pg_trgm's GIN index is there, the app's own search
    query is planned on it, and the branch's company-name search works there too."""
    db = init_database(pg_url)
    db.execute_sql(f"DROP INDEX {search.PG_INDEX}")
    db.execute_sql("ALTER TABLE company DROP COLUMN search_name")
    db.execute_sql("UPDATE schema_version SET version = 10")
    close_database()
    db = init_database(pg_url)
    assert migrations.current_version(db) == migrations.LATEST
    names = {
        r[0]
        for r in db.execute_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'guarantee'"
        )
    }
    assert search.PG_INDEX in names
    company = Company.create(name="ＰＧ建設")
    assert Company.get_by_id(company.id).search_name == "pg建設"
    branch = Branch.create(name="b", code="350")
    orderer = Orderer.create(name="川崎市長")
    g = Guarantee(
        number="35072-00000M",
        kind="advance",
        company=company,
        orderer=orderer,
        branch=branch,
        work_name="河川維持工事",
        contractor_name="c",
        contract_amount=1,
        guarantee_amount=1,
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
    )
    queries.refresh_search_text(g)
    g.save()
    assert [x.number for x in queries.guarantee_page(None, "pg建設 河川", "all", 0, 10)] == ["35072-00000M"]
    assert queries.guarantee_count(company.id, "pg建設", "all", cap=10) == 0
    assert queries.guarantee_count(company.id, "河", "all", cap=10) == 1
    sql, params = queries._filtered(Guarantee.select(Guarantee.id), None, "河川維持", False).sql()
    db.execute_sql("SET enable_seqscan = off")
    plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
    assert search.PG_INDEX in plan


def test_the_gram_function_gives_every_one_and_two_character_substring(pg_url):
    """PostgreSQL's esurety_grams(): a word of one or two characters is in its array exactly when it
    is in the text (odd and even lengths, spaces, LIKE's and the regexp's special characters)."""
    db = init_database(pg_url)
    texts = [
        "",
        "a",
        "ab",
        "abc",
        "abcd",
        "河川維持工事",
        "35072-00000m 川崎市長 河川",
        "%_\\.(..)*\\1 x",
        "a  b",
        "ｶﾜｻｷ",
    ]
    for text in texts:
        (got,) = db.execute_sql(f"SELECT {search.GRAM_FUNCTION}(%s)", (text,)).fetchone()
        want = {text[i : i + n] for n in (1, 2) for i in range(len(text) - n + 1)}
        assert want <= set(got) <= want | {"", text[-1:]}, text


def _short_word_world(db) -> list[tuple[int, str, int, int, bool]]:
    """20,000 guarantees in two companies and two branches, 20 of them with 鶴見 in the work name
    (a realistic share for a rare word), one version each; ANALYZEd. Their (id, search_text,
    company, branch, electronic), newest first."""
    companies = [Company.create(name="山田建設 株式会社"), Company.create(name="河野工業 株式会社")]
    branches = [Branch.create(name="神奈川支店", code="350"), Branch.create(name="東京支店", code="351")]
    orderer = Orderer.create(name="川崎市長")
    db.execute_sql(
        "INSERT INTO guarantee (number, kind, company_id, orderer_id, branch_id, electronic, work_name, "
        "work_place, contractor_name, jv_name, contract_amount, guarantee_amount, deposit_bank, start_date, "
        "end_date, cancelled, issued_at, search_text) "
        "SELECT 'n' || i, 'advance', CASE WHEN mod(i, 2) = 0 THEN %s ELSE %s END, %s, "
        "CASE WHEN mod(i, 4) < 2 THEN %s ELSE %s END, mod(i, 3) <> 0, w, '', '', '', 1, 1, '', '2025-04-01', "
        "'2026-03-31', false, timestamp '2025-04-01' + i * interval '1 minute', "
        "'3' || lpad(i::text, 4, '0') || ' 川崎市長 ' || w "
        "FROM (SELECT i, CASE WHEN mod(i, 997) = 0 THEN '鶴見川河川維持工事' ELSE '道路改良工事' END AS w "
        "FROM generate_series(1, 20000) AS i) AS s",
        (companies[0].id, companies[1].id, orderer.id, branches[0].id, branches[1].id),
    )
    db.execute_sql(
        "INSERT INTO certificate_version (guarantee_id, seq, kind, issued_at, superseded, work_name, "
        "guarantee_amount, contract_amount, start_date, end_date, deposit_bank, note) "
        "SELECT id, 1, '新規', issued_at, false, work_name, 1, 1, start_date, end_date, '', '' FROM guarantee"
    )
    db.execute_sql("ANALYZE")
    return [
        tuple(r)
        for r in db.execute_sql(
            "SELECT id, search_text, company_id, branch_id, electronic FROM guarantee ORDER BY issued_at DESC, id DESC"
        ).fetchall()
    ]


def test_on_postgresql_words_of_one_or_two_characters_are_found_through_the_gram_index(pg_url, caplog):
    """At a realistic row count the list's own queries (window and count, each scope, the history)
    for rare 1- and 2-character words are planned on the gram index, never a scan of the table, and
    find exactly the rows that contain the words."""
    db = init_database(pg_url)
    rows = _short_word_world(db)
    (a, b) = sorted({r[2] for r in rows})
    (x, y) = sorted({r[3] for r in rows})
    scopes = ({"company_id": a}, {"company_id": b}, {"branch_id": x}, {"company_id": a, "branch_id": y}, {})
    for term in ("鶴", "鶴見", "見 鶴"):
        words = term.split()
        for scope in scopes:
            company_id, branch_id = scope.get("company_id"), scope.get("branch_id")
            for tab in ("all", "electronic"):
                want = [
                    r[0]
                    for r in rows
                    if all(w in r[1] for w in words)
                    and company_id in (None, r[2])
                    and branch_id in (None, r[3])
                    and (tab == "all" or r[4])
                ]
                assert 0 < len(want) <= 20
                with caplog.at_level(logging.DEBUG, logger="peewee"):
                    caplog.clear()
                    got = [g.id for g in queries.guarantee_page(company_id, term, tab, 0, 50, branch_id)]
                    n = queries.guarantee_count(company_id, term, tab, branch_id, cap=1000)
                    if tab == "electronic":
                        versions = queries.history_page(company_id, term, 0, 50, branch_id)
                        assert sorted(v.guarantee_id for v in versions) == sorted(want)
                        assert queries.history_count(company_id, term, branch_id, cap=1000) == len(want)
                assert (got, n) == (want, len(want)), (term, scope, tab)
                searches = [r.msg for r in caplog.records if isinstance(r.msg, tuple) and "@>" in r.msg[0]]
                assert len(searches) == (4 if tab == "electronic" else 2)
                for sql, params in searches:
                    plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
                    assert search.PG_GRAM_INDEX in plan, (term, scope, tab, plan)
                    assert "Seq Scan on guarantee" not in plan and "Seq Scan on certificate_version" not in plan


def test_the_gram_step_builds_the_index_over_the_rows_of_a_postgresql_database_at_version_11(pg_url):
    db = init_database(pg_url)
    rows = _short_word_world(db)
    db.execute_sql(f"DROP INDEX {search.PG_GRAM_INDEX}")
    db.execute_sql(f"DROP FUNCTION {search.GRAM_FUNCTION}(text)")
    db.execute_sql("UPDATE schema_version SET version = 11")
    close_database()
    db = init_database(pg_url)
    assert migrations.current_version(db) == migrations.LATEST
    db.execute_sql("SET enable_seqscan = off")
    db.execute_sql("SET enable_indexscan = off")  # only a bitmap of the gram index can answer: it is filled
    sql = f"SELECT id FROM guarantee WHERE {search.GRAM_FUNCTION}(search_text) @> ARRAY['鶴見'] ORDER BY id"
    plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql).fetchall())
    assert search.PG_GRAM_INDEX in plan
    assert [r[0] for r in db.execute_sql(sql).fetchall()] == sorted(r[0] for r in rows if "鶴見" in r[1])
