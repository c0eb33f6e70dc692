"""The `esurety` command line: in subprocesses where exit codes, streams and imports matter,
in-process through cli.main where that is enough."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from esurety_tui import cli
from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.store import migrations, queries
from esurety_tui.store.db import close_database, init_database
from esurety_tui.store.models import Company, Guarantee, SchemaVersion, User

COMMANDS = (
    "init",
    "demo",
    "key",
    "verify",
    "contracts",
    "locate",
    "check",
    "backup",
    "migrate-to",
    "user",
    "orderer",
    "branch",
    "notice",
    "certificate",
    "mail",
    "ssh",
    "ssh-session",
    "web",
)
SEED_NUMBER, SEED_KEY = "35072-00000M", "Z28YUE4J3Bux"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("ESURETY_DATABASE", "ESURETY_EXPORTS", "ESURETY_FROZEN_TIME"):
        env.pop(name, None)
    env.update(ESURETY_HOME=str(home), PYTHONIOENCODING="utf-8", COLUMNS="80", **extra)
    return env


def run(
    home: Path,
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    python_flags: tuple[str, ...] = (),
    **env: str,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "esurety_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(home, **env),
        cwd=cwd or home.parent,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    """A home whose default database was filled by `esurety demo` (read-only for the tests)."""
    home = tmp_path_factory.mktemp("cli") / "home"
    done = run(home, "demo")
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def home_with_demo(tmp_path, demo_template) -> Path:
    """This test's ESURETY_HOME with a private copy of the demo database as the default database."""
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_template, home / "esurety.sqlite3")
    return home


# --- help ------------------------------------------------------------------------------------


def test_help_lists_every_command(tmp_path):
    done = run(tmp_path / "home", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: esurety ")
    section = done.stdout.split("\ncommands:\n", 1)[1]
    listed = re.findall(r"^    ([a-z-]+)\s+\S", section, re.M)
    assert tuple(listed) == COMMANDS
    assert not (tmp_path / "home").exists()  # --help touches no database


@pytest.mark.parametrize(
    "argv",
    [[c] for c in COMMANDS if c not in ("user", "mail", "ssh")]
    + [["user"], ["user", "add"]]
    + [["mail"], ["mail", "list"], ["mail", "send"], ["mail", "retry"], ["ssh", "authorize"]],
)
def test_each_command_has_its_own_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*argv, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: esurety {' '.join(argv)}")
    assert "-h, --help" in out


# --- key ---------------------------------------------------------------------------------------


def test_demo_then_key_prints_the_seed_key(tmp_path):
    home = tmp_path / "home"
    first = run(home, "demo")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.splitlines()[0] == "デモデータを読み込みました。"
    assert "demo / demo" in first.stdout
    for _ in range(2):
        done = run(home, "key", SEED_NUMBER)
        assert (done.returncode, done.stdout, done.stderr) == (0, "Z28YUE4J3Bux\n", "")
    again = run(home, "demo")
    assert again.stdout.splitlines()[0] == "デモデータは読み込み済みです。"
    # lower case and full-width are the same number
    assert run(home, "key", "35072-00000m").stdout == "Z28YUE4J3Bux\n"
    assert run(home, "key", "３５０７２－０００００Ｍ").stdout == "Z28YUE4J3Bux\n"


def test_key_with_a_wrong_check_letter(demo_home):
    done = run(demo_home, "key", "35072-00000A")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "チェック文字" in done.stderr and done.stderr.startswith("esurety: ")


def test_key_with_a_malformed_number(demo_home):
    done = run(demo_home, "key", "12345")
    assert (done.returncode, done.stdout) == (2, "")
    assert "形式" in done.stderr


def test_key_of_an_unknown_or_paper_number(demo_home):
    unknown = make_contract_number("35099", 12345)
    done = run(demo_home, "key", unknown)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"esurety: 保証契約番号「{unknown}」の保証契約は見つかりません。 (not found)\n"
    paper = run(demo_home, "key", "35024-00002Y")  # 相模原市長: paper, no key
    assert (paper.returncode, paper.stdout) == (1, "")
    assert "35024-00002Y" in paper.stderr


def test_demo_with_a_seed_is_reproducible(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(a, "demo", "--seed", "3").returncode == 0
    assert run(b, "demo", "--seed", "3").returncode == 0
    key_a = run(a, "key", "35023-00000W").stdout
    assert re.fullmatch(r"[23456789A-HJ-NP-Za-km-np-z]{12}\n", key_a)
    assert run(b, "key", "35023-00000W").stdout == key_a


# --- contracts ---------------------------------------------------------------------------------


def test_contracts_search_lists_every_company(demo_home):
    done = run(demo_home, "contracts", "--search", "河川")
    assert (done.returncode, done.stderr) == (0, "")
    # The shell is the host operator's view: every company, newest first, tab-separated columns
    # number / kind / orderer / work name / amount with 円.
    assert done.stdout.splitlines() == [
        "35025-00000G\t前払\t藤沢市長\t境川河川測量設計業務委託\t15,000,000円",
        "31024-00000T\t前払\t横浜市長\t鶴見川河川改修工事\t70,000,000円",
        "35024-00001M\t契約\t神奈川県知事\t相模川河川改修（その3）工事\t120,000,000円",
        "35024-00000B\t前払\t神奈川県知事\t相模川河川改修（その3）工事\t120,000,000円",
        "35023-00000W\t契約\t川崎市長\t河川維持（〇〇）工事\t50,000,000円",
        "35072-00000M\t前払\t川崎市長\t河川維持（〇〇）工事\t50,000,000円",
    ]


def test_contracts_limit_and_no_match(demo_home):
    assert len(run(demo_home, "contracts").stdout.splitlines()) == 13
    assert len(run(demo_home, "contracts", "--limit", "2").stdout.splitlines()) == 2
    none = run(demo_home, "contracts", "--search", "存在しない工事")
    assert (none.returncode, none.stdout) == (0, "")


def test_contracts_prints_control_characters_escaped(home_with_demo, capsys):
    init_database(str(home_with_demo / "esurety.sqlite3"))
    g = Guarantee.get(Guarantee.number == SEED_NUMBER)
    g.work_name = "河川\x1b[2J\x1b]0;owned\x07工事\r"
    queries.refresh_search_text(g)
    g.save()
    close_database()

    assert cli.main(["contracts", "--search", "owned"]) == 0
    out = capsys.readouterr().out
    assert out == "35072-00000M\t前払\t川崎市長\t河川\\x1b[2J\\x1b]0;owned\\x07工事\\x0d\t50,000,000円\n"
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out


def _imported(log: list[str]) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in log if line.startswith("import time:") and "|" in line}


def test_key_and_contracts_import_neither_textual_nor_reportlab(demo_home):
    for args in (("key", SEED_NUMBER), ("contracts", "--search", "河川")):
        done = run(demo_home, *args, python_flags=("-X", "importtime"))
        assert done.returncode == 0
        modules = _imported(done.stderr.splitlines())
        assert "esurety_tui.services.keys" in modules or "esurety_tui.services.contracts" in modules
        offending = {m for m in modules if m.split(".")[0] in ("textual", "reportlab", "rich")}
        assert offending == set(), args


def test_key_reads_with_sqlite3_alone_through_the_key_service(demo_home):
    """`esurety key` imports neither peewee nor the models, and still answers through services.keys
    (its role and scope check)."""
    done = run(demo_home, "key", SEED_NUMBER, python_flags=("-X", "importtime"))
    assert (done.returncode, done.stdout) == (0, SEED_KEY + "\n")
    modules = _imported(done.stderr.splitlines())
    assert {"sqlite3", "esurety_tui.store.lookup", "esurety_tui.services.keys", "esurety_tui.services.authz"} <= modules
    heavy = {
        m
        for m in modules
        if m.split(".")[0] in ("peewee", "playhouse", "textual", "rich", "reportlab", "jaconv", "argon2")
    }
    assert heavy == set()
    assert not {"esurety_tui.store.models", "esurety_tui.store.db", "esurety_tui.services.audit"} & modules


def test_key_on_a_newer_schema_is_refused_as_before_not_read_the_light_way(tmp_path):
    """Only a database at this code's schema version is read with sqlite3 alone; another one is
    opened the usual way, which refuses a newer schema (exit 3) as it always did."""
    home = tmp_path / "home"
    assert run(home, "demo").returncode == 0
    import sqlite3

    conn = sqlite3.connect(home / "esurety.sqlite3")
    with conn:
        conn.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, '2030-01-01')", (migrations.LATEST + 1,)
        )
    conn.close()
    done = run(home, "key", SEED_NUMBER)
    assert (done.returncode, done.stdout) == (3, "")
    assert "新しい形式" in done.stderr


def test_the_light_read_goes_through_the_key_service_role_and_scope_check(demo_home, db):
    """With store.lookup.light open, services.keys.lookup_key reads the light connection (the
    peewee database here is another, empty file) and checks role and scope exactly as ever."""
    import sqlite3

    from esurety_tui.services.errors import Forbidden, NotFound
    from esurety_tui.services.keys import lookup_key
    from esurety_tui.services.session import SYSTEM_SESSION, Role, Session, orderer_session
    from esurety_tui.store.lookup import light

    path = demo_home / "esurety.sqlite3"
    conn = sqlite3.connect(path)
    company, branch = conn.execute(
        "SELECT company_id, branch_id FROM guarantee WHERE number = ?", (SEED_NUMBER,)
    ).fetchone()
    conn.close()
    with light(str(path)) as fast:
        assert fast
        assert lookup_key(SYSTEM_SESSION, SEED_NUMBER) == SEED_KEY
        assert lookup_key(Session(1, "c", Role.CONTRACTOR, company_id=company), SEED_NUMBER) == SEED_KEY
        assert lookup_key(Session(2, "b", Role.BRANCH, branch_id=branch), SEED_NUMBER) == SEED_KEY
        for stranger in (
            Session(3, "x", Role.CONTRACTOR, company_id=company + 1000),
            Session(4, "y", Role.BRANCH, branch_id=branch + 1000),
        ):
            with pytest.raises(NotFound):
                lookup_key(stranger, SEED_NUMBER)
        with pytest.raises(Forbidden):
            lookup_key(orderer_session(), SEED_NUMBER)
    with pytest.raises(NotFound):  # the block is over: the (empty) peewee database answers again
        lookup_key(SYSTEM_SESSION, SEED_NUMBER)


def test_one_sub_command_parser_keeps_the_help_and_the_commands_whole(demo_home, monkeypatch, capsys):
    """build_parser(only=…) builds one command's parser: `esurety -h`, the command's own help and
    an unknown command's message are what the whole tree gives; a wrong guess (an abbreviated
    --data) parses again with the whole tree."""
    whole = cli.build_parser()
    for only in ("", "key", "user", "nonsense"):
        assert cli.build_parser(only=only).format_help() == whole.format_help()
    key_whole = whole._subparsers._group_actions[0].choices["key"]
    key_one = cli.build_parser(only="key")._subparsers._group_actions[0].choices["key"]
    assert key_one.format_help() == key_whole.format_help()
    assert cli._command_of(["--database", "x.db", "key", "N"]) == "key"
    assert cli._command_of(["--data", "x.db", "key", "N"]) == "x.db"  # the guess is wrong …
    monkeypatch.setenv("ESURETY_HOME", str(demo_home))
    assert cli.main(["--data", str(demo_home / "esurety.sqlite3"), "key", SEED_NUMBER]) == 0  # … and still works
    assert capsys.readouterr().out == SEED_KEY + "\n"


def test_the_light_reader_knows_the_latest_schema():
    from esurety_tui.store import schema

    assert schema.LATEST == migrations.LATEST == max(migrations.STEPS)


# --- user add ----------------------------------------------------------------------------------


def test_user_add_with_the_password_on_stdin(tmp_path):
    home = tmp_path / "home"
    done = run(home, "user", "add", "bob", "--company", "テスト建設", stdin="s3cret-pw\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "ユーザー「bob」を作成しました。\n", "")

    from esurety_tui.services import auth

    init_database(str(home / "esurety.sqlite3"))
    session = auth.login("bob", "s3cret-pw")
    assert (session.role, session.company_name, session.display_name) == ("contractor", "テスト建設", "テスト建設 様")
    assert User.get(User.login == "bob").password_hash.startswith("$argon2id$")
    close_database()

    dup = run(home, "user", "add", "bob", "--company", "別の会社", stdin="other-pw\n")
    assert (dup.returncode, dup.stdout) == (2, "")
    assert "既に使われています" in dup.stderr
    init_database(str(home / "esurety.sqlite3"))
    assert [c.name for c in Company.select()] == ["テスト建設"]


def test_user_add_for_a_branch(home_with_demo, monkeypatch, capsys):
    from esurety_tui.services import auth

    monkeypatch.setattr(sys, "stdin", io.StringIO("branch-pw\n"))
    assert cli.main(["user", "add", "kanagawa2", "--branch", "神奈川支店"]) == 0
    assert capsys.readouterr().out == "ユーザー「kanagawa2」を作成しました。\n"
    s = auth.login("kanagawa2", "branch-pw")
    assert (s.role, s.branch_name, s.display_name) == ("branch", "神奈川支店", "神奈川支店")

    monkeypatch.setattr(sys, "stdin", io.StringIO("branch-pw\n"))
    assert cli.main(["user", "add", "ghost", "--branch", "大阪支店"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "esurety: 支店「大阪支店」がありません。 (refused)\n"
    assert User.get_or_none(User.login == "ghost") is None


def test_user_add_needs_exactly_one_of_company_and_branch(tmp_path, capsys):
    for argv in (["user", "add", "x"], ["user", "add", "x", "--company", "A", "--branch", "B"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 2
    assert not (tmp_path / "home" / "esurety.sqlite3").exists()


def test_user_add_refuses_a_short_password(tmp_path):
    done = run(tmp_path / "home", "user", "add", "eve", "--company", "A", stdin="abc\n")
    assert (done.returncode, done.stdout) == (2, "")
    assert "4文字以上" in done.stderr


# --- init, locate, database selection ------------------------------------------------------------


def test_init_makes_an_empty_migrated_database(tmp_path):
    home = tmp_path / "home"
    done = run(home, "init")
    path = home / "esurety.sqlite3"
    assert (done.returncode, done.stdout) == (0, f"データベースを用意しました: {path}\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    init_database(str(path))
    assert Company.select().count() == 0
    assert User.select().count() == 0
    assert [r.version for r in SchemaVersion.select()] == [migrations.LATEST]


def test_locate_prints_the_four_paths_under_home(tmp_path):
    home = tmp_path / "home"
    done = run(home, "locate")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"database  {home / 'esurety.sqlite3'}",
        f"config    {home / 'config.toml'}",
        f"outbox    {home / 'outbox'}",
        f"exports   {home / 'exports'}",
    ]
    assert not home.exists()  # locate creates nothing


def test_database_option_is_honoured(tmp_path):
    home = tmp_path / "home"
    done = run(home, "--database", "other.sqlite3", "init", cwd=tmp_path)
    used = tmp_path / "other.sqlite3"
    assert (done.returncode, done.stdout) == (0, f"データベースを用意しました: {used}  (other.sqlite3)\n")
    assert used.is_file()
    assert not (home / "esurety.sqlite3").exists()
    # locate names the file actually used, then the setting as written
    assert run(home, "--database", "other.sqlite3", "locate", cwd=tmp_path).stdout.splitlines()[0] == (
        f"database  {used}  (other.sqlite3)"
    )
    # the option wins over the environment
    env_db = tmp_path / "env.sqlite3"
    done = run(home, "--database", "other.sqlite3", "demo", cwd=tmp_path, ESURETY_DATABASE=str(env_db))
    assert done.returncode == 0
    assert not env_db.exists()
    assert run(home, "--database", "other.sqlite3", "key", SEED_NUMBER, cwd=tmp_path).stdout == "Z28YUE4J3Bux\n"


def test_esurety_database_path_and_url_are_honoured(tmp_path):
    home = tmp_path / "home"
    by_path = tmp_path / "by_path.sqlite3"
    done = run(home, "demo", ESURETY_DATABASE=str(by_path))
    assert done.returncode == 0 and by_path.is_file()
    assert run(home, "key", SEED_NUMBER, ESURETY_DATABASE=str(by_path)).stdout == "Z28YUE4J3Bux\n"
    assert run(home, "locate", ESURETY_DATABASE=str(by_path)).stdout.splitlines()[0] == f"database  {by_path}"

    by_url = tmp_path / "sub" / "by_url.sqlite3"
    url = f"sqlite:///{by_url}"  # an absolute path: sqlite:////tmp/...
    assert url.startswith("sqlite:////")
    done = run(home, "init", ESURETY_DATABASE=url)
    assert (done.returncode, done.stdout) == (0, f"データベースを用意しました: {by_url}  ({url})\n")
    assert by_url.is_file()
    assert stat.S_IMODE(by_url.stat().st_mode) == 0o600
    assert run(home, "contracts", ESURETY_DATABASE=url).stdout == ""
    assert not (home / "esurety.sqlite3").exists()


# --- demo --contracts ----------------------------------------------------------------------------


def test_demo_with_synthetic_contracts_prints_the_time(tmp_path):
    home = tmp_path / "home"
    done = run(home, "demo", "--contracts", "2000")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "デモデータを読み込みました。"
    assert re.fullmatch(r"合成の保証契約を2,000件追加しました（\d+\.\d秒）。", lines[1])
    init_database(str(home / "esurety.sqlite3"))
    assert Guarantee.select().count() == 13 + 2000
    assert len({g.auth_key for g in Guarantee.select()}) == 12 + 2000 + 1  # None for the paper one
    close_database()
    more = run(home, "demo", "--contracts", "5")
    assert more.stdout.splitlines()[0] == "デモデータは読み込み済みです。"
    assert re.fullmatch(r"合成の保証契約を5件追加しました（\d+\.\d秒）。", more.stdout.splitlines()[1])
    init_database(str(home / "esurety.sqlite3"))
    assert Guarantee.select().count() == 13 + 2005


# --- verify (D-Sure from the shell) --------------------------------------------------------------


def test_verify_prints_one_line_and_exits_0(home_with_demo):
    done = run(home_with_demo, "verify", SEED_NUMBER, SEED_KEY)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{SEED_NUMBER}\t前払金保証\t河川維持（〇〇）工事\t20,000,000円\t第1版 新規\n"
    assert run(home_with_demo, "verify", SEED_NUMBER, "-", stdin=SEED_KEY + "\n").returncode == 0


def test_verify_refuses_wrong_unknown_and_locked_alike(home_with_demo):
    wrong = run(home_with_demo, "verify", SEED_NUMBER, "Z28YUE4J3Bu2")
    unknown = run(home_with_demo, "verify", "35072-99999D", SEED_KEY)
    malformed = run(home_with_demo, "verify", "nonsense", SEED_KEY)
    assert wrong.returncode == unknown.returncode == malformed.returncode == 1
    assert wrong.stdout == unknown.stdout == ""
    assert wrong.stderr == unknown.stderr == malformed.stderr
    assert wrong.stderr.startswith("esurety: ") and wrong.stderr.count("\n") == 1
    for _ in range(4):
        run(home_with_demo, "verify", SEED_NUMBER, "Z28YUE4J3Bu2")
    locked = run(home_with_demo, "verify", SEED_NUMBER, SEED_KEY)
    assert (locked.returncode, locked.stderr) == (1, wrong.stderr)
