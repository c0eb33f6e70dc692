"""`esurety migrate-to` (an SQLite database into PostgreSQL, checked, all or nothing) and `esurety
backup` (SQLite's online backup API; PostgreSQL is pointed to pg_dump), from the command line."""

from __future__ import annotations

import shutil
import sqlite3
import stat

import pytest

from esurety_tui.services import maintenance
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.store import transfer
from esurety_tui.store.db import close_database, init_database
from esurety_tui.store.errors import MoveRefused
from esurety_tui.store.models import MODELS, Company, Guarantee
from tests.test_cli_errors import SEED_KEY, SEED_NUMBER, _one_line, run


@pytest.fixture
def demo_file(tmp_path, demo_template):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    return path


def _counts(setting: str) -> dict[str, int]:
    init_database(setting)
    try:
        return {m._meta.table_name: m.select().count() for m in MODELS}
    finally:
        close_database()


def _keys(setting: str) -> dict[str, str | None]:
    init_database(setting)
    try:
        return dict(Guarantee.select(Guarantee.number, Guarantee.auth_key).tuples())
    finally:
        close_database()


# --- migrate-to ----------------------------------------------------------------------------------


def test_migrate_to_moves_the_demo_database_and_key_answers_the_same_from_both(tmp_path, demo_file, pg_url):
    home = tmp_path / "home"
    done = run(home, "--database", str(demo_file), "migrate-to", pg_url)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("PostgreSQL に移しました: 14 表 ") and "件数一致" in line and "認証キー" in line

    assert _counts(pg_url) == _counts(str(demo_file))
    keys = _keys(str(demo_file))
    assert _keys(pg_url) == keys and keys[SEED_NUMBER] == SEED_KEY
    electronic = sorted(n for n, k in keys.items() if k)[:3]
    for number in electronic:
        answers = {run(home, "--database", where, "key", number).stdout for where in (str(demo_file), pg_url)}
        assert answers == {keys[number] + "\n"}


def test_after_the_move_new_rows_get_new_ids(demo_file, pg_url):
    maintenance.migrate_to(SYSTEM_SESSION, str(demo_file), pg_url)
    init_database(pg_url)
    top = Company.select().order_by(Company.id.desc()).first().id
    assert Company.create(name="移行後の会社").id == top + 1


def test_after_the_move_short_words_find_on_postgresql_what_they_find_on_sqlite_through_the_gram_index(
    demo_file, pg_url
):
    """The gram index (store/search.py) is filled by the copy: 1- and 2-character searches give the
    same rows and counts in every scope as on the SQLite file, and a bitmap of that index alone
    (no table scan allowed) finds every row holding the word."""
    from esurety_tui.store import queries, search

    maintenance.migrate_to(SYSTEM_SESSION, str(demo_file), pg_url)
    init_database(str(demo_file))
    texts = [t for (t,) in Guarantee.select(Guarantee.search_text).tuples()]
    scopes = [(None, None)] + [(c, None) for (c,) in Guarantee.select(Guarantee.company).distinct().tuples()]
    scopes += [(None, b) for (b,) in Guarantee.select(Guarantee.branch).distinct().tuples()]
    words = sorted({w for t in texts for w in (t[:1], t[3:5], t[-2:], t[-1:])} | {"河", "河川", "工事", "3", "zz"})
    words = [w for w in words if w.strip() == w and w]

    def answers() -> dict:
        out = {}
        for word in words:
            for company_id, branch_id in scopes:
                for tab in ("all", "electronic"):
                    page = queries.guarantee_page(company_id, word, tab, 0, 500, branch_id)
                    count = queries.guarantee_count(company_id, word, tab, branch_id, cap=1000)
                    out[word, company_id, branch_id, tab] = ([g.number for g in page], count)
                history = queries.history_page(company_id, word, 0, 500, branch_id)
                out[word, company_id, branch_id] = [(v.guarantee.number, v.seq) for v in history]
        return out

    on_sqlite = answers()
    close_database()
    db = init_database(pg_url)
    assert answers() == on_sqlite
    assert any(value[1] for key, value in on_sqlite.items() if len(key) == 4)  # words that are found
    db.execute_sql("SET enable_seqscan = off")
    db.execute_sql("SET enable_indexscan = off")
    for word in words:
        sql = f"SELECT number FROM guarantee WHERE {search.GRAM_FUNCTION}(search_text) @> ARRAY[%s]"
        assert search.PG_GRAM_INDEX in "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, (word,)))
        found = {r[0] for r in db.execute_sql(sql, (word,)).fetchall()}
        rows = Guarantee.select(Guarantee.number, Guarantee.search_text).tuples()
        assert found == {n for (n, t) in rows if word in t}, word
    close_database()


def test_a_target_holding_data_is_refused_unless_replace(tmp_path, demo_file, pg_url):
    home = tmp_path / "home"
    assert run(home, "--database", str(demo_file), "migrate-to", pg_url).returncode == 0
    init_database(pg_url)
    Company.create(name="移行先だけの会社")
    close_database()

    _one_line(run(home, "--database", str(demo_file), "migrate-to", pg_url), 7, "既にデータがあります", "--replace")
    assert "移行先だけの会社" in [c for (c,) in _names(pg_url)]

    assert run(home, "--database", str(demo_file), "migrate-to", "--replace", pg_url).returncode == 0
    assert "移行先だけの会社" not in [c for (c,) in _names(pg_url)]
    assert _counts(pg_url) == _counts(str(demo_file))


def _names(setting: str):
    init_database(setting)
    try:
        return list(Company.select(Company.name).tuples())
    finally:
        close_database()


def test_a_copy_that_does_not_check_out_is_rolled_back_whole(demo_file, pg_url, monkeypatch):
    real = transfer._rows_of

    def one_key_wrong(model, db):
        for row in real(model, db):
            if model is Guarantee and row[1] == SEED_NUMBER:
                row = tuple("AAAAAAAAAAAA" if v == SEED_KEY else v for v in row)
            yield row

    monkeypatch.setattr(transfer, "_rows_of", one_key_wrong)
    monkeypatch.setattr(transfer, "SAMPLE", 10_000)  # every row is compared
    with pytest.raises(MoveRefused, match="異なります|一致しません"):
        maintenance.migrate_to(SYSTEM_SESSION, str(demo_file), pg_url)
    counts = _counts(pg_url)
    assert counts.pop("schema_version") == 1 and set(counts.values()) == {0}  # the schema only


def test_migrate_to_failures_are_one_line_with_their_code(tmp_path, demo_file, pg_url):
    home = tmp_path / "home"
    _one_line(run(home, "--database", str(demo_file), "migrate-to", "sqlite:////tmp/x.sqlite3"), 2, "PostgreSQL")
    _one_line(run(home, "--database", pg_url, "migrate-to", pg_url), 2, "SQLite")
    _one_line(run(home, "--database", str(tmp_path / "none.sqlite3"), "migrate-to", pg_url), 3, "ありません")
    err = _one_line(
        run(home, "--database", str(demo_file), "migrate-to", "postgresql://u:secret@127.0.0.1:1/x"),
        3,
        "接続できません",
    )
    assert "secret" not in err


# --- backup --------------------------------------------------------------------------------------


def test_backup_into_a_new_folder_is_private_whole_and_taken_while_a_writer_works(tmp_path, demo_file):
    writer = sqlite3.connect(demo_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO company (name, address, zip_code) VALUES ('書き込み中', '', '')")
    try:
        done = run(tmp_path / "home", "--database", str(demo_file), "backup", str(tmp_path / "backups") + "/")
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("バックアップしました: ") and "quick_check ok" in line
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.name.startswith("esurety-") and copy.suffix == ".sqlite3"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert not list(tmp_path.glob("backups/*-wal"))
    assert _counts(str(copy))["company"] == _counts(str(demo_file))["company"] - 1  # as committed then
    assert _keys(str(copy)) == _keys(str(demo_file))


def test_backup_to_a_file_replaces_it_whole(tmp_path, demo_file):
    target = tmp_path / "nightly.sqlite3"
    target.write_bytes(b"old")
    done = run(tmp_path / "home", "--database", str(demo_file), "backup", str(target))
    assert done.returncode == 0, done.stderr
    assert _keys(str(target))[SEED_NUMBER] == SEED_KEY
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".nightly")] == []


def test_backup_failures_are_one_line_with_their_code(tmp_path, demo_file):
    home = tmp_path / "home"
    _one_line(run(home, "--database", "postgresql://u:secret@db/esurety", "backup", str(tmp_path / "x")), 2, "pg_dump")
    _one_line(run(home, "--database", str(tmp_path / "none.sqlite3"), "backup", str(tmp_path / "x")), 3, "ありません")
    _one_line(run(home, "--database", str(demo_file), "backup", "/proc/esurety.sqlite3"), 4, "/proc")
    _one_line(run(home, "--database", str(demo_file), "backup", str(demo_file)), 2, "データベースそのもの")
