"""Every CLI failure is one line `esurety: <日本語> (<English>)` on stderr and a distinct exit code
(0 ok, 1 not found, 2 usage, 3 database unavailable, 4 cannot write the output); files and folders
the app makes are private whatever the umask; loose modes are reported."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from esurety_tui import cli
from esurety_tui.store import db as dbmod

ROOT = Path(__file__).resolve().parent.parent
SEED_NUMBER, SEED_KEY = "35072-00000M", "Z28YUE4J3Bux"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("ESURETY_DATABASE", "ESURETY_EXPORTS", "ESURETY_FROZEN_TIME", "ESURETY_DEBUG"):
        env.pop(name, None)
    env.update(
        ESURETY_HOME=str(home), PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", **extra
    )
    return env


def _as_nobody() -> list[str]:
    """As root, file modes do not stop writes: run as nobody through setpriv (util-linux)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    # nobody must be able to run this interpreter with its packages (a venv in a private folder is not)
    probe = subprocess.run([*prefix, sys.executable, "-c", "import peewee"], capture_output=True, timeout=60, cwd="/")
    if probe.returncode != 0:
        pytest.skip(f"user nobody cannot import this environment's packages ({sys.prefix} is private)")
    return prefix


def run(
    home: Path,
    *args: str,
    prefix: list[str] | None = None,
    umask: int | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
    **env: str,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "esurety_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_env(home, **env),
        cwd=cwd or "/",
        timeout=120,
        check=False,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def _one_line(done: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stdout == ""
    assert done.stderr.startswith("esurety: ") and done.stderr.endswith(")\n"), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr
    return done.stderr


@pytest.fixture
def shared_tmp():
    """A world-readable folder (pytest's tmp_path is 0700: nobody could not enter it)."""
    path = Path(tempfile.mkdtemp(prefix="esurety-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def demo_file(tmp_path, demo_template) -> Path:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    return path


# --- exit 3: the database is unavailable -------------------------------------------------------------


def test_database_failures_exit_3(tmp_path):
    home = tmp_path / "home"
    folder = tmp_path / "folder"
    folder.mkdir()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"\x00garbage" * 1024)
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    cases = [
        (str(folder), "フォルダ", "is a directory"),
        (str(garbage), "SQLite のデータベースではありません", "not an SQLite database"),
        (str(empty), "0 バイト", "empty (0-byte)"),
        ("bogus://x", "対応していない", "unsupported database URL scheme"),
    ]
    for setting, ja, en in cases:
        for args in (("key", SEED_NUMBER), ("contracts",), ("demo",), ("init",)):
            _one_line(run(home, "--database", setting, *args), 3, ja, en)
    assert empty.stat().st_size == 0  # never turned into a new (demo) database


def test_empty_file_at_the_default_path_gets_no_demo_data(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "esurety.sqlite3").touch()
    _one_line(run(home, "demo"), 3, "0 バイト")
    assert (home / "esurety.sqlite3").stat().st_size == 0


def test_a_newer_schema_exits_3(tmp_path, demo_file):
    con = sqlite3.connect(demo_file)
    con.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01 00:00:00')")
    con.commit()
    con.close()
    for args in (("key", SEED_NUMBER), ("demo",)):
        _one_line(
            run(tmp_path / "home", "--database", str(demo_file), *args),
            3,
            "データベースはこのバージョンより新しい形式です",
            "newer",
        )


def test_postgresql_without_its_driver_exits_3(tmp_path):
    code = (
        "import sys; sys.modules['psycopg2'] = None; sys.modules['psycopg'] = None\n"
        "from esurety_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--database", "postgresql://u:secret@127.0.0.1:1/x", "key", SEED_NUMBER],
        capture_output=True,
        text=True,
        env=_env(tmp_path / "home"),
        timeout=60,
        check=False,
    )
    _one_line(done, 3, "ドライバ", "driver")


def test_postgresql_server_not_reachable_exits_3(tmp_path):
    pytest.importorskip("psycopg")
    done = run(tmp_path / "home", "--database", "postgresql://u:secret@127.0.0.1:1/x", "key", SEED_NUMBER)
    err = _one_line(done, 3, "接続できません", "cannot connect")
    assert "secret" not in err and "\\x0a" not in err


def test_a_locked_database_exits_3_for_a_write_but_answers_a_look_up(demo_file, monkeypatch, capsys):
    monkeypatch.setenv("ESURETY_DATABASE", str(demo_file))
    writer = sqlite3.connect(demo_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert cli.main(["key", SEED_NUMBER]) == 0  # before: 10 s, then "database is locked"
        assert capsys.readouterr().out == f"{SEED_KEY}\n"
        monkeypatch.setitem(dbmod.SQLITE_PRAGMAS, "busy_timeout", 100)  # not 10 s in a test
        monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("password-1\n"))
        assert cli.main(["user", "add", "late", "--company", "遅延建設"]) == 3
        err = capsys.readouterr().err
        assert err.startswith("esurety: ") and "使用中" in err and "locked" in err
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_read_only_file_and_folder_still_answer_key(shared_tmp, demo_template):
    prefix = _as_nobody()
    folder = shared_tmp / "ro"
    folder.mkdir()
    path = folder / "esurety.sqlite3"
    shutil.copy(demo_template, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        done = run(folder, "key", SEED_NUMBER, prefix=prefix, HOME=str(folder))
        assert (done.returncode, done.stdout) == (0, f"{SEED_KEY}\n"), done.stderr
        listing = run(folder, "contracts", "--search", "河川", prefix=prefix, HOME=str(folder))
        assert listing.returncode == 0 and SEED_NUMBER in listing.stdout
        # a write is refused with exit 3, not a traceback
        write = run(
            folder, "user", "add", "x", "--company", "書込建設", prefix=prefix, stdin="password-1\n", HOME=str(folder)
        )
        _one_line(write, 3, "読み取り専用", "read-only")
    finally:
        folder.chmod(0o755)


# --- exit 4: the output cannot be written -----------------------------------------------------------


def test_unwritable_output_exits_4(tmp_path, demo_file):
    home = tmp_path / "home"
    _one_line(
        run(home, "--database", str(demo_file), "notice", SEED_NUMBER, "-o", "/proc/x.pdf"),
        4,
        "/proc/x.pdf",
        "cannot write",
    )
    _one_line(run(home, "--database", str(demo_file), "certificate", SEED_NUMBER, "-o", "/proc/x.pdf"), 4)


def test_read_only_exports_folder_exits_4(shared_tmp, demo_template):
    prefix = _as_nobody()
    db = shared_tmp / "demo.sqlite3"
    shutil.copy(demo_template, db)
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)
    shared_tmp.chmod(0o777)  # nobody may create the WAL beside the database
    exports = shared_tmp / "exports"
    exports.mkdir(mode=0o555)
    exports.chmod(0o555)
    done = run(
        shared_tmp / "home",
        "--database",
        str(db),
        "notice",
        SEED_NUMBER,
        prefix=prefix,
        ESURETY_EXPORTS=str(exports),
        HOME=str(shared_tmp),
    )  # HOME: root's fonts are not nobody's
    _one_line(done, 4, str(exports), "cannot write")
    assert list(exports.iterdir()) == []


def test_a_full_disk_keeps_the_old_file_and_exits_4(demo_file, tmp_path, monkeypatch, capsys):
    import errno

    monkeypatch.setenv("ESURETY_DATABASE", str(demo_file))
    out = tmp_path / "n.pdf"
    out.write_bytes(b"the previous export")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    assert cli.main(["notice", SEED_NUMBER, "-o", str(out)]) == 4
    err = capsys.readouterr().err
    assert err.startswith("esurety: ディスクの空きがありません") and "no space left" in err
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["n.pdf", *(p.name for p in tmp_path.glob("demo.sqlite3*"))]
    )


def test_a_full_disk_database_exits_3_and_keeps_everything(demo_file, monkeypatch, capsys):
    from esurety_tui.store.db import close_database, init_database
    from esurety_tui.store.models import Guarantee

    monkeypatch.setenv("ESURETY_DATABASE", str(demo_file))
    pages = sqlite3.connect(demo_file).execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setitem(dbmod.SQLITE_PRAGMAS, "max_page_count", pages + 2)
    assert cli.main(["demo", "--contracts", "3000"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("esurety: ディスクの空きがありません") and "no space left" in err
    assert "cannot rollback" not in err
    monkeypatch.delitem(dbmod.SQLITE_PRAGMAS, "max_page_count")
    close_database()
    init_database(str(demo_file), check=True)
    assert Guarantee.select().count() == 13


# --- exit 1 and 2; what is echoed back ------------------------------------------------------------


def test_hostile_arguments_are_not_echoed_raw(tmp_path, demo_file):
    home = tmp_path / "home"
    long = "9" * 5000
    hostile = "\x1b[2J\x1b]0;owned\x07\u202e12345"
    for args in (
        ("key", long),
        ("key", hostile),
        ("certificate", hostile),
        ("--database", "/nope/" + long, "key", SEED_NUMBER),
        ("--database", str(demo_file), "user", "add", hostile, "--branch", hostile + long),
    ):
        done = run(home, *args, stdin="password-1\n")
        assert done.returncode in (2, 3), (args[:2], done.stderr[:200])
        assert done.stderr.count("\n") == 1
        assert len(done.stderr) < 700, len(done.stderr)
        assert not any(c in done.stderr for c in "\x1b\x07\u202e"), done.stderr
    # argparse's own messages too (exit 2 as before)
    done = run(home, "--bogus" + hostile + long)
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and len(done.stderr) < 1000


def test_not_found_is_1_and_malformed_is_2_in_both_languages(tmp_path, demo_file):
    home = tmp_path / "home"
    _one_line(run(home, "--database", str(demo_file), "key", "35072-00000A"), 2, "チェック文字", "invalid input")
    from esurety_tui.domain.contract_number import make_contract_number

    _one_line(
        run(home, "--database", str(demo_file), "key", make_contract_number("35099", 1)),
        1,
        "見つかりません",
        "(not found)",
    )
    _one_line(run(home, "--database", str(demo_file), "notice"), 2, "--all", "usage")


def test_an_unexpected_error_is_one_line_with_exit_70(monkeypatch, demo_file, capsys):
    from esurety_tui.services import keys

    monkeypatch.setenv("ESURETY_DATABASE", str(demo_file))
    monkeypatch.setattr(keys, "lookup_key", lambda *a: 1 / 0)
    assert cli.main(["key", SEED_NUMBER]) == 70
    err = capsys.readouterr().err
    assert err.startswith("esurety: 予期しないエラーです: ZeroDivisionError") and err.count("\n") == 1


# --- esurety check -------------------------------------------------------------------------------


def test_check_passes_a_sound_database_and_fails_a_damaged_one(tmp_path, demo_file):
    home = tmp_path / "home"
    done = run(home, "--database", str(demo_file), "check")
    assert done.returncode == 0 and done.stdout.startswith("問題ありません（quick_check"), done
    assert run(home, "--database", str(demo_file), "check", "--full").returncode == 0
    size = demo_file.stat().st_size
    with open(demo_file, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 8192)
    bad = run(home, "--database", str(demo_file), "check")
    assert bad.returncode == 3
    assert bad.stderr.startswith("esurety: ") and "壊れています" in bad.stderr


# --- modes -----------------------------------------------------------------------------------------


def test_everything_written_is_private_under_umask_000(tmp_path):
    home = tmp_path / "home"
    assert run(home, "demo", umask=0).returncode == 0
    done = run(home, "notice", SEED_NUMBER, umask=0)
    assert done.returncode == 0, done.stderr
    assert run(home, "certificate", SEED_NUMBER, umask=0).returncode == 0
    modes = {
        str(p.relative_to(home)): stat.S_IMODE(p.stat().st_mode)
        for p in [home, *home.rglob("*")]
        if p.name != "outbox" and p.parent.name != "outbox"
    }
    assert modes[str(Path("."))] == 0o700
    assert modes["exports"] == 0o700
    assert modes["esurety.sqlite3"] == 0o600
    assert {k: v for k, v in modes.items() if v not in (0o600, 0o700)} == {}


def test_the_outbox_is_private_under_umask_000(tmp_path):
    home = tmp_path / "home"
    assert run(home, "demo", umask=0).returncode == 0
    assert run(home, "mail", "send", umask=0).returncode == 0  # the demo's notices, to the outbox folder
    outbox = home / "outbox"
    assert len(list(outbox.iterdir())) == 12
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in outbox.iterdir()} <= {0o600}


def test_loose_database_and_config_modes_are_reported(tmp_path, demo_template):
    home = tmp_path / "home"
    home.mkdir()
    db = home / "esurety.sqlite3"
    shutil.copy(demo_template, db)
    db.chmod(0o644)
    done = run(home, "key", SEED_NUMBER)
    assert (done.returncode, done.stdout) == (0, f"{SEED_KEY}\n")
    assert done.stderr.startswith("esurety: 警告: データベース") and "0644" in done.stderr
    assert "chmod 600" in done.stderr and done.stderr.count("\n") == 1

    db.chmod(0o600)
    config = home / "config.toml"
    config.write_text('mail_from = "x@example.invalid"\n')
    config.chmod(0o644)
    assert run(home, "key", SEED_NUMBER).stderr == ""  # a readable config without secrets is fine
    config.write_text('smtp_host = "mail"\nsmtp_password = "hunter2"\n')
    done = run(home, "key", SEED_NUMBER)
    assert done.returncode == 0
    assert "設定ファイル" in done.stderr and "config.toml" in done.stderr and "hunter2" not in done.stderr
    config.chmod(0o600)
    assert run(home, "key", SEED_NUMBER).stderr == ""


def test_loose_modes_lists_paths_for_the_tui(tmp_path, demo_template, monkeypatch):
    from esurety_tui.locations import loose_modes

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ESURETY_HOME", str(home))
    db = home / "esurety.sqlite3"
    shutil.copy(demo_template, db)
    db.chmod(0o600)
    assert loose_modes() == []
    db.chmod(0o640)
    [(path, mode, ja, en)] = loose_modes()
    assert (path, mode) == (db, 0o640)
    assert "他のユーザー" in ja and "other users" in en


# --- locate ------------------------------------------------------------------------------------------


def test_locate_says_which_file_a_relative_url_means(tmp_path):
    home = tmp_path / "home"
    done = run(home, "locate", cwd=tmp_path, ESURETY_DATABASE="sqlite:///tmp/x.sqlite3")
    assert done.stdout.splitlines()[0] == f"database  {tmp_path / 'tmp' / 'x.sqlite3'}  (sqlite:///tmp/x.sqlite3)"
    done = run(home, "locate", ESURETY_DATABASE="sqlite:////tmp/x.sqlite3")
    assert done.stdout.splitlines()[0] == "database  /tmp/x.sqlite3  (sqlite:////tmp/x.sqlite3)"
    done = run(home, "locate", ESURETY_DATABASE="postgresql://u:secret@db/esurety")
    assert done.stdout.splitlines()[0] == "database  postgresql://u:***@db/esurety"


def test_non_utf8_arguments_are_refused_with_exit_2(tmp_path):
    home = tmp_path / "home"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "esurety_tui",
            "user",
            "add",
            "x",
            "--company",
            b"\xff".decode("utf-8", "surrogateescape"),
        ],
        input="password-1\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_env(home),
        timeout=60,
        check=False,
    )
    _one_line(done, 2, "UTF-8", "not valid UTF-8")
