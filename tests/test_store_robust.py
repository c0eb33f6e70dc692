"""The database file under stress: locks, read-only files, newer and old schemas opened by many
processes, damage, a full disk. Each test here failed on the code before these fixes (see the
commit message) unless it says otherwise."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.store import db as dbmod
from esurety_tui.store import migrations
from esurety_tui.store.db import close_database, database, init_database, quick_check
from esurety_tui.store.errors import (
    BadDatabaseSetting,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseTooNew,
    DiskFull,
    translate,
)
from esurety_tui.store.models import Company, Guarantee, SchemaVersion

SCHEMA_V1 = Path(__file__).parent / "data" / "schema_v1.sql"
NEWER = "データベースはこのバージョンより新しい形式です"


def _load_v1(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    con.close()


# --- no write lock to open -------------------------------------------------------------------------


def test_open_of_a_current_database_takes_no_write_lock(tmp_path):
    path = tmp_path / "locked.sqlite3"
    init_database(str(path))
    Company.create(name="既存建設")
    close_database()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        started = time.monotonic()
        init_database(str(path))
        assert [c.name for c in Company.select()] == ["既存建設"]
        init_database(str(path), readonly=True)
        assert Company.select().count() == 1
        assert time.monotonic() - started < 2  # before: waited the 10 s busy timeout, then failed
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# --- schema versions -------------------------------------------------------------------------------


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    init_database(str(path))
    SchemaVersion.create(version=migrations.LATEST + 1)
    close_database()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(DatabaseTooNew) as err:
            init_database(str(path), readonly=readonly)
        assert NEWER in err.value.ja
        assert "newer" in err.value.en
    assert path.read_bytes() == before


def _open_worker(path: str, start_event, results) -> None:
    try:
        from esurety_tui.store.db import init_database as init

        start_event.wait(30)
        init(path)
        results.put(None)
    except BaseException as err:
        results.put(f"{type(err).__name__}: {err}")


def test_forty_concurrent_first_opens_of_a_version_1_database(tmp_path):
    """Before: 21 of 40 failed with 'duplicate column name' (version read outside the step's transaction)."""
    path = tmp_path / "v1.sqlite3"
    _load_v1(path)
    close_database()  # fork: no connection is inherited
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")  # fork: 40 starts in ~1 s
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_open_worker, args=(str(path), start, results)) for _ in range(40)]
    for proc in procs:
        proc.start()
    start.set()
    outcome = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert [o for o in outcome if o is not None] == []
    init_database(str(path))
    assert [r.version for r in SchemaVersion.select().order_by(SchemaVersion.id)] == list(
        range(1, migrations.LATEST + 1)
    )
    assert Guarantee.get(Guarantee.number == "35072-00000M").auth_key == "Z28YUE4J3Bux"


def test_a_read_only_look_up_of_an_old_schema_migrates_first(tmp_path):
    path = tmp_path / "v1.sqlite3"
    _load_v1(path)
    init_database(str(path), readonly=True)
    assert Guarantee.get(Guarantee.number == "35072-00000M").search_text  # v2 column, filled
    assert migrations.current_version(database.obj) == migrations.LATEST


# --- what is not a database ------------------------------------------------------------------------


def test_a_folder_garbage_and_an_empty_file_are_refused(tmp_path):
    folder = tmp_path / "adir"
    folder.mkdir()
    with pytest.raises(BadDatabaseSetting, match="フォルダ"):
        init_database(str(folder))

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    with pytest.raises(DatabaseDamaged, match="SQLite のデータベースではありません"):
        init_database(str(garbage))

    text = tmp_path / "notes.txt"
    text.write_text("database = 'x'\n" * 50)
    with pytest.raises(DatabaseDamaged):
        init_database(str(text))

    # 0 bytes: truncated (this app never leaves an empty file: it creates databases atomically),
    # so refused rather than taken as a new database; and left as it was.
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    for readonly in (False, True):
        with pytest.raises(DatabaseDamaged, match="0 バイト"):
            init_database(str(empty), readonly=readonly)
    assert empty.stat().st_size == 0
    assert not Path(str(empty) + "-wal").exists()


def test_a_new_database_appears_complete_and_private(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "new" / "deeper" / "fresh.sqlite3"
        init_database(str(path))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left
    assert migrations.current_version(database.obj) == migrations.LATEST


def test_a_read_only_open_never_creates_a_file(tmp_path):
    path = tmp_path / "absent.sqlite3"
    with pytest.raises(DatabaseMissing, match="esurety init"):
        init_database(str(path), readonly=True)
    assert not path.exists()


def test_sqlite_urls_relative_and_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert dbmod.sqlite_path("sqlite:///rel/x.sqlite3") == tmp_path / "rel" / "x.sqlite3"
    assert dbmod.sqlite_path(f"sqlite:///{tmp_path}/abs.sqlite3") == tmp_path / "abs.sqlite3"
    assert dbmod.sqlite_path(str(tmp_path / "plain.sqlite3")) == tmp_path / "plain.sqlite3"
    assert dbmod.sqlite_path("postgresql://u:p@h/db") is None
    assert dbmod.describe_setting("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    init_database("sqlite:///rel/x.sqlite3")
    assert (tmp_path / "rel" / "x.sqlite3").is_file()


def test_unknown_url_scheme_is_refused():
    with pytest.raises(BadDatabaseSetting, match="対応していない"):
        init_database("bogus://x")


# --- damage ----------------------------------------------------------------------------------------


def _damaged_copy(tmp_path, demo_template) -> Path:
    """A demo database with 2,000 more contracts, then 8 KiB of garbage in the middle of the file."""
    from esurety_tui.services import demo

    path = tmp_path / "damaged.sqlite3"
    shutil.copy(demo_template, path)
    init_database(str(path))
    demo.add_synthetic(SYSTEM_SESSION, 2000)
    close_database()
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 8192)
    return path


def test_quick_check_finds_garbage_in_the_middle(tmp_path, demo_template):
    path = _damaged_copy(tmp_path, demo_template)
    init_database(str(path), check=False)  # opens: the damaged pages are not read yet
    assert quick_check() != []
    with pytest.raises(DatabaseDamaged, match="壊れています"):
        init_database(str(path), check=True)


def test_quick_check_runs_after_an_unclean_shutdown(tmp_path, demo_template):
    """A WAL file left behind (the last writer did not close) makes the next open check the file."""
    path = _damaged_copy(tmp_path, demo_template)
    Path(str(path) + "-wal").write_bytes(b"\0" * 32)  # what a killed writer leaves
    with pytest.raises(DatabaseDamaged):
        init_database(str(path))  # check=None: the WAL decides


def test_the_app_checks_after_an_unclean_shutdown_without_holding_up_log_in(tmp_path, demo_template):
    """services.setup as the app uses it: left_unclean is asked before opening; the database then
    opens without the check (log-in may start), and check_database finds the damage."""
    from esurety_tui.services.setup import check_database, left_unclean, open_database

    path = _damaged_copy(tmp_path, demo_template)
    assert not left_unclean(str(path))
    Path(str(path) + "-wal").write_bytes(b"\0" * 32)  # what a killed writer leaves
    assert left_unclean(str(path))
    open_database(str(path), check=False)  # opens: the damaged pages are not read yet
    assert check_database() != []


def test_a_wal_in_use_by_another_process_is_no_unclean_shutdown_but_its_leftover_is(tmp_path):
    """Another operator's session has the database open (its WAL has content): opening it is no reason
    to read the whole file. Once that process dies without closing, the WAL it left is."""
    import signal
    import subprocess
    import sys

    from esurety_tui.services.setup import left_unclean

    path = tmp_path / "shared.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0');"
            "c.execute('CREATE TABLE t(x)'); c.execute('INSERT INTO t VALUES (1)');"
            "print('open', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert Path(str(path) + "-wal").stat().st_size > 0
        assert not left_unclean(str(path))  # in use, not left behind
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert Path(str(path) + "-wal").stat().st_size > 0  # a killed process leaves its WAL
    assert left_unclean(str(path))


def test_quick_check_is_clean_on_a_sound_database(demo_db):
    assert quick_check() == []
    assert quick_check(full=True) == []


# --- full disk -------------------------------------------------------------------------------------


def test_a_full_disk_says_so_and_loses_nothing(demo_db, monkeypatch):
    """Before: 「cannot rollback - no transaction is active」 hid SQLITE_FULL."""
    from esurety_tui.services import demo

    before = Guarantee.select().count()
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages + 2}")  # a disk with two pages left
    with pytest.raises(Exception) as err:
        demo.add_synthetic(SYSTEM_SESSION, 3000)
    assert "cannot rollback" not in str(err.value)
    full = translate(err.value)
    assert isinstance(full, DiskFull)
    assert full.ja.startswith("ディスクの空きがありません")
    # the transaction rolled back whole; what was there is there; a small write still fits later
    assert Guarantee.select().count() == before
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    Company.create(name="空き容量回復建設")
    assert quick_check() == []
    close_database()
    init_database(str(demo_db), check=True)
    assert Guarantee.select().count() == before


def test_an_automatic_rollback_does_not_hide_the_real_error(db):
    """SQLite rolls a transaction back by itself on SQLITE_FULL / IOERR; peewee's own ROLLBACK then
    raised 「cannot rollback - no transaction is active」 instead of the cause (failed before)."""
    from esurety_tui.store.db import transaction

    with pytest.raises(RuntimeError, match="the real cause"), transaction():
        Company.create(name="巻き戻し建設")
        database.connection().execute("ROLLBACK")  # what SQLite does on a full disk
        raise RuntimeError("the real cause")
    assert Company.select().count() == 0
