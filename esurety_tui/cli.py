"""`esurety` command line. Sub-commands import only what they use: `key` and `contracts` load
neither Textual nor reportlab, so a look-up from the shell is quick.

Failures: a command raises; ``main()`` alone turns the exception into one line
``esurety: <日本語> (<English>)`` on stderr and an exit code (see EXIT_CODES and README):
0 ok, 1 not found, 2 usage or malformed input, 3 database unavailable, 4 cannot write the output,
5 mail not delivered now (`mail send`), 6 config.toml unusable (not TOML: its line and column; a
known key of the wrong type: its name), 7 `migrate-to` moved nothing (the target holds data, or the
copy did not check out and was rolled back), 70 an internal error (a bug; ESURETY_DEBUG=1 shows the
traceback). A new sub-command gets this by raising the services' and the store's exceptions; it
needs no try/except of its own.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

OK, NOT_FOUND, USAGE, DATABASE, OUTPUT, MAIL, CONFIG, MOVE, INTERNAL = 0, 1, 2, 3, 4, 5, 6, 7, 70
EXIT_CODES = {
    OK: "ok",
    NOT_FOUND: "not found (no such contract, version or user)",
    USAGE: "usage or malformed input",
    DATABASE: "database unavailable (locked, read-only, damaged, newer, bad URL, missing driver, disk full)",
    OUTPUT: "cannot write the output (file or folder)",
    MAIL: "mail not delivered now: server unreachable, TLS or log-in refused (the mail stays queued)",
    CONFIG: "config.toml unusable (not TOML, or a known key of the wrong type)",
    MOVE: "migrate-to moved nothing: the target holds data (without --replace), or the copy did not check out",
    INTERNAL: "internal error (a bug)",
}
_LONG = 120  # a run of more than _LONG + 80 characters echoed back is cut to _LONG


class UsageError(Exception):
    """A command-line mistake found by a command itself (exit 2)."""


def _open(args, *, readonly: bool = False, check: bool | None = None) -> str:
    from .locations import database_setting
    from .store.db import init_database

    setting = database_setting(args.database, args.settings)
    init_database(setting, readonly=readonly, check=check)
    _warn_loose_modes(args)
    return setting


def _warn_loose_modes(args) -> None:
    from .locations import loose_modes

    for _path, _mode, ja, en in loose_modes(args.database, args.settings):
        print(f"esurety: 警告: {_clean(ja)} (warning: {_clean(en)})", file=sys.stderr)


_UNPRINTABLE = r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"


def _clean(text: str) -> str:
    """One printable line: control, format and lone-surrogate characters escaped, long runs cut.

    Messages quote what the user typed (「…」, a path, a URL); a 5,000-character argument or one
    holding escape sequences must not flood or drive the terminal.
    """

    def esc(m: re.Match) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    def cut(m: re.Match) -> str:
        word = m.group()
        return f"{word[:_LONG]}…（{len(word):,}文字）"

    text = re.sub(_UNPRINTABLE, esc, str(text))  # compiled on first use (re caches it): not at start-up
    text = re.sub(rf"[^\s「」()（）]{{{_LONG + 80},}}", cut, text)
    if len(text) > 1000:
        text = text[:600] + "…" + text[-300:]
    return text


def _fail(ja: str, en: str, code: int) -> int:
    print(f"esurety: {_clean(ja)} ({_clean(en)})", file=sys.stderr)
    return code


def _err(message: str, code: int) -> int:
    """Kept for sub-commands that report a failure themselves (English from the code)."""
    return _fail(message, EXIT_CODES.get(code, "error"), code)


def failure(exc: BaseException) -> tuple[int, str, str] | None:
    """(exit code, Japanese, English) for an exception a command let through; None if unknown."""
    from .domain.errors import DomainError

    if isinstance(exc, UsageError):
        return USAGE, str(exc), "usage error"
    settings = sys.modules.get("esurety_tui.settings")
    if settings is not None and isinstance(exc, settings.ConfigError):
        return CONFIG, exc.ja, exc.en
    if isinstance(exc, DomainError):
        return USAGE, str(exc), "invalid input"
    out = sys.modules.get("esurety_tui.documents.output")
    if out is not None and isinstance(exc, out.OutputError):
        import errno

        from .store.errors import DISK_FULL_EN, DISK_FULL_JA

        where = str(exc.path)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return (
                OUTPUT,
                f"{DISK_FULL_JA.rstrip('。')}（「{where}」に書けません）。元のファイルはそのままです。",
                (f"{DISK_FULL_EN}: cannot write {where}; any existing file is unchanged"),
            )
        return OUTPUT, f"「{where}」に書き込めません: {exc.strerror}", f"cannot write {where}: {exc.strerror}"
    errors = sys.modules.get("esurety_tui.services.errors")
    if errors is not None and isinstance(exc, errors.ServiceError):
        if isinstance(exc, errors.NotFound):
            return NOT_FOUND, str(exc), "not found"
        return USAGE, str(exc), "refused"
    if "esurety_tui.store.errors" in sys.modules or "peewee" in sys.modules or "sqlite3" in sys.modules:
        from .store.errors import MoveRefused, translate

        if isinstance(exc, MoveRefused):
            return MOVE, exc.ja, exc.en
        db = translate(exc)
        if db is not None:
            return DATABASE, db.ja, db.en
    if isinstance(exc, UnicodeError):
        return (
            USAGE,
            "UTF-8 として読めない文字があります（引数や標準入力を確認してください）。",
            ("input is not valid UTF-8 (check the arguments and stdin)"),
        )
    return None


class _Parser(argparse.ArgumentParser):
    """``only``: build the parser of that sub-command alone (see build_parser)."""

    def __init__(self, *args, only: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._only = only

    def add_subparsers(self, **kwargs):
        action = super().add_subparsers(**kwargs)
        if self._only is not None:
            action.__class__ = _OneSubParser
            action.only = self._only  # type: ignore[attr-defined]
        return action

    def error(self, message: str):  # argparse echoes bad arguments back: clean them; exit 2 as ever
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {_clean(message)}\n")


class _Rebuild(Exception):
    """A sub-command that was not built was chosen after all: parse again with the whole tree."""


class _Unbuilt:
    """Stands for the parser of a sub-command not asked for: every call that would build it is
    accepted and ignored; parsing with it raises _Rebuild."""

    def __init__(self, **kwargs) -> None:
        pass

    def __getattr__(self, name: str):
        return self._ignore

    def _ignore(self, *args, **kwargs):
        return self

    def parse_known_args(self, *args, **kwargs):
        raise _Rebuild


class _OneSubParser(argparse._SubParsersAction):
    """Sub-commands whose parsers are built only for ``only``: the others keep their name and help
    (``esurety -h`` and an unknown command's message list them all) but get an _Unbuilt parser."""

    only: str

    def add_parser(self, name, **kwargs):
        if name == self.only or self.only in kwargs.get("aliases", ()):
            return super().add_parser(name, **kwargs)
        real, self._parser_class = self._parser_class, _Unbuilt
        try:
            return super().add_parser(name, **kwargs)
        finally:
            self._parser_class = real


def _command_of(argv: list[str]) -> str:
    """The sub-command ``argv`` names: its first word that is not a top-level option ("" if none).
    A wrong guess costs only time: a command that was not built asks for the whole tree."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return argv[i + 1] if i + 1 < len(argv) else ""
        if word == "--database":
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            return word
    return ""


def cmd_run(args) -> int:
    from .locations import database_setting

    setting = database_setting(args.database, args.settings)
    # The app opens the database in a worker after the first paint (start-up is a feature).
    from .tui.app import NetDeskApp

    NetDeskApp(database=setting, demo_if_empty=not args.no_demo, settings=args.settings).run()
    return 0


def cmd_init(args) -> int:
    from .store.db import describe_setting

    print(f"データベースを用意しました: {describe_setting(_open(args, check=True))}")
    return 0


def cmd_check(args) -> int:
    """SQLite's own check of the whole file (and the loose-mode report)."""
    import time

    from .locations import database_setting
    from .store.db import describe_setting, init_database, quick_check

    setting = database_setting(args.database, args.settings)
    init_database(setting, readonly=True, check=False)
    _warn_loose_modes(args)
    started = time.perf_counter()
    problems = quick_check(full=args.full)
    seconds = time.perf_counter() - started
    name = "integrity_check" if args.full else "quick_check"
    if problems:
        for line in problems[:20]:
            print(_clean(line))
        return _fail(
            f"データベース「{describe_setting(setting)}」が壊れています（{len(problems)}件）。バックアップから戻してください。",
            f"the database is damaged ({name}: {len(problems)} problems); restore a backup",
            DATABASE,
        )
    print(f"問題ありません（{name}、{seconds:.2f}秒）: {describe_setting(setting)}")
    return OK


def cmd_demo(args) -> int:
    import random

    from .services import demo
    from .services.session import SYSTEM_SESSION

    _open(args)
    rng = random.Random(args.seed) if args.seed is not None else None
    if demo.is_empty(SYSTEM_SESSION):
        demo.load(SYSTEM_SESSION, rng)
        print("デモデータを読み込みました。")
    else:
        print("デモデータは読み込み済みです。")
    if args.contracts:
        seconds = demo.add_synthetic(SYSTEM_SESSION, args.contracts, rng=rng)
        print(f"合成の保証契約を{args.contracts:,}件追加しました（{seconds:.1f}秒）。")
    for login, password, owner in demo.LOGINS:
        print(f"ログイン: {login} / {password}（{owner}）")
    print("D-Sure（発注者）: ログイン画面から、保証契約番号と認証キーで閲覧できます。")
    return 0


def cmd_key(args) -> int:
    """The whole command is one query, so its start-up is most of its time: the file is read with
    sqlite3 alone when it can be (store.lookup.light: no peewee, no models), else opened as usual.
    Either way the answer comes from services.keys.lookup_key, with its role and scope check."""
    from .domain.contract_number import parse_contract_number
    from .locations import database_setting
    from .services.keys import lookup_key
    from .services.session import SYSTEM_SESSION
    from .store.lookup import light

    parse_contract_number(args.number)  # a malformed number is refused before the database is opened
    with light(database_setting(args.database, args.settings)) as fast:
        if fast:
            _warn_loose_modes(args)
        else:
            _open(args, readonly=True, check=False)
        print(lookup_key(SYSTEM_SESSION, args.number))
    return 0


def cmd_verify(args) -> int:
    """D-Sure from the shell: exit 0 and one line when number + key open a certificate, 1 otherwise
    (the same neutral message for a wrong key, an unknown number or a locked one)."""
    from .domain.money import format_yen
    from .domain.text import printable
    from .services import dsure

    key = sys.stdin.readline().strip() if args.key == "-" else args.key
    _open(args)
    try:
        r = dsure.view(args.number, key, who="esurety verify", lockout=args.settings.dsure)
    except dsure.DSureRefused as e:
        return _err(str(e), 1)
    c = r.certificate
    print(
        "\t".join(
            [
                r.number,
                r.product_name,
                printable(c.work_name),
                format_yen(c.guarantee_amount),
                f"第{c.version_no}版 {c.version_kind}",
            ]
        )
    )
    return 0


def cmd_contracts(args) -> int:
    from .domain.money import format_yen
    from .domain.text import printable
    from .services import contracts
    from .services.session import SYSTEM_SESSION

    _open(args, readonly=True, check=False)
    rows = contracts.page(SYSTEM_SESSION, "all", args.search or "", 0, args.limit)
    for r in rows:
        print(
            "\t".join(
                [
                    r.number,
                    r.kind_short,
                    printable(r.orderer_name),
                    printable(r.work_name),
                    format_yen(r.contract_amount),
                ]
            )
        )
    return 0


def cmd_migrate_to(args) -> int:
    from .locations import database_setting
    from .services import maintenance
    from .services.session import SYSTEM_SESSION
    from .store.db import describe_setting

    moved = maintenance.migrate_to(SYSTEM_SESSION, database_setting(args.database), args.url, replace=args.replace)
    print(
        f"PostgreSQL に移しました: {moved.tables} 表 {moved.rows:,} 行、件数一致、{moved.rows_checked:,} 行と"
        f"認証キー {moved.keys_checked:,} 件を照合（{moved.seconds:.1f}秒）→ {describe_setting(args.url)}"
    )
    return OK


def cmd_backup(args) -> int:
    from .locations import database_setting
    from .services import maintenance
    from .services.session import SYSTEM_SESSION

    done = maintenance.backup(SYSTEM_SESSION, database_setting(args.database), args.path)
    print(f"バックアップしました: {done.path}（{done.size / 1e6:,.1f} MB、{done.seconds:.1f}秒、quick_check ok）")
    return OK


def cmd_locate(args) -> int:
    from .locations import describe

    for name, where in describe(args.database, args.settings):
        print(f"{name:9} {where}")
    return 0


def _ask_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("パスワード: ")
        if first != getpass.getpass("パスワード（確認）: "):
            raise ValueError("パスワードが一致しません。")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user_add(args) -> int:
    from .services import auth
    from .services.session import SYSTEM_SESSION

    try:
        password = _ask_password()
    except ValueError as e:
        raise UsageError(str(e)) from None
    _open(args)
    auth.add_user(SYSTEM_SESSION, args.login, password, company=args.company, branch=args.branch)
    print(f"ユーザー「{args.login}」を作成しました。")
    return 0


def cmd_orderer_add(args) -> int:
    from .services import orderers
    from .services.session import SYSTEM_SESSION

    _open(args)
    o = orderers.add(
        SYSTEM_SESSION,
        args.name,
        accepts_electronic=args.electronic,
        email=args.email or "",
        address=args.address or "",
        rounding=args.rounding,
    )
    print(
        f"発注者「{o.name}」を登録しました（電子保証{'対応' if o.accepts_electronic else '非対応'}、{o.terms_text}）。"
    )
    return 0


def cmd_orderer_list(args) -> int:
    from .domain.text import printable
    from .services import orderers
    from .services.session import SYSTEM_SESSION

    _open(args)
    for o in orderers.list(SYSTEM_SESSION):
        fields = [str(o.id), o.name, "電子保証対応" if o.accepts_electronic else "証書(紙)のみ", o.terms_text, o.email]
        print(printable("\t".join(fields)))
    return 0


def cmd_branch_add(args) -> int:
    from .services import branches
    from .services.session import SYSTEM_SESSION

    _open(args)
    b = branches.add(SYSTEM_SESSION, args.name, args.code, phone=args.phone or "", email=args.email or "")
    print(f"支店「{b.name}」（コード {b.code}）を登録しました。")
    return 0


def cmd_notice(args) -> int:
    from .services import exports
    from .services.session import SYSTEM_SESSION

    if not args.all and not args.number:
        raise UsageError("保証契約番号か --all を指定してください。")
    _open(args)
    if args.all:
        out = Path(args.output or ".")
        numbers = exports.issued_numbers(SYSTEM_SESSION)
        _progress_export(numbers, out)
        return 0
    path = exports.notice_to_file(SYSTEM_SESSION, args.number, Path(args.output) if args.output else None)
    print(path)
    return 0


def _progress_export(numbers: list[str], out: Path) -> None:
    from .services import exports
    from .services.session import SYSTEM_SESSION

    total = len(numbers)
    tty = sys.stderr.isatty()
    for i, number in enumerate(numbers, 1):
        exports.notice_to_file(SYSTEM_SESSION, number, out, directory=True)
        if tty:
            width = 30
            done = width * i // max(total, 1)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{total}")
            sys.stderr.flush()
    if tty:
        sys.stderr.write("\n")
    print(f"{total}件のお知らせを {out} に出力しました。")


def cmd_certificate(args) -> int:
    from .services import exports
    from .services.session import SYSTEM_SESSION

    _open(args)
    path = exports.certificate_to_file(
        SYSTEM_SESSION, args.number, args.version, Path(args.output) if args.output else None
    )
    print(path)
    return 0


def cmd_mail_list(args) -> int:
    from .domain.text import printable
    from .services import mail
    from .services.session import SYSTEM_SESSION

    _open(args)
    for r in mail.listing(SYSTEM_SESSION, args.status, args.limit):
        when = f"{r.created_at:%Y-%m-%d %H:%M}"
        sent = f"{r.sent_at:%Y-%m-%d %H:%M}" if r.sent_at else "-"
        print(
            "\t".join(
                [
                    str(r.id),
                    r.status,
                    printable(r.to),
                    printable(r.subject),
                    str(r.attempts),
                    when,
                    sent,
                    printable(r.last_error),
                ]
            )
        )
    return OK


def cmd_mail_send(args) -> int:
    from .services import mail

    _open(args)
    done = mail.deliver_pending(limit=args.limit, settings=mail.MailSettings.from_settings(args.settings))
    for w in done.warnings:
        print(f"esurety: 警告: {_clean(w)}", file=sys.stderr)
    print(done.summary())
    for e in done.errors:
        _fail("メールを送れませんでした（送信待ちのまま残ります）", e, MAIL)
    return MAIL if done.errors else OK


def cmd_mail_retry(args) -> int:
    from .services import mail
    from .services.session import SYSTEM_SESSION

    _open(args)
    mail.retry(SYSTEM_SESSION, args.id)
    print(f"メール {args.id} を送信待ちに戻しました。")
    return OK


def cmd_ssh_authorize(args) -> int:
    from . import sshkeys
    from .locations import database_setting
    from .services import sshaccess
    from .services.errors import NotFound
    from .services.session import SYSTEM_SESSION

    try:
        sshkeys.check_login(args.login)
        if args.key_file:
            text = sys.stdin.read() if args.key_file == "-" else Path(args.key_file).read_text(encoding="utf-8")
        else:
            text = args.key
        key = sshkeys.parse_public_key(text)
    except (sshkeys.KeyError_, OSError, UnicodeDecodeError) as e:
        return _err(str(e), 2)
    _open(args)
    try:
        sshaccess.session_for_login(SYSTEM_SESSION, args.login)
    except NotFound as e:
        return _err(f"{e}（先に `esurety user add` で作成してください）", 2)
    # The forced command reads the same data as this command: the folder and database in effect
    # now are written into it (sshd gives it a clean environment).
    where = {
        "home": os.environ.get("ESURETY_HOME") or None,
        "database": database_setting(args.database, args.settings)
        if (args.database or os.environ.get("ESURETY_DATABASE"))
        else None,
    }
    if where["home"]:
        where["home"] = os.path.abspath(where["home"])
    path = sshkeys.authorized_keys_path(args.settings)
    try:
        entry, changed = sshkeys.authorize(args.login, key, path, **where)
    except (sshkeys.KeyError_, OSError) as e:
        return _err(str(e), 2)
    state = "追加しました" if changed else "登録済みです（変更なし）"
    print(f"{entry.fingerprint} を {args.login} の鍵として{state}: {path}")
    return 0


def cmd_ssh_list(args) -> int:
    from . import sshkeys

    try:
        entries = sshkeys.read_entries()
    except (sshkeys.KeyError_, OSError) as e:
        return _err(str(e), 2)
    for e in entries:
        print(f"{e.login}\t{e.fingerprint}\t{e.key.type}")
    return 0


def cmd_ssh_revoke(args) -> int:
    from . import sshkeys

    try:
        removed = sshkeys.revoke(args.what)
    except (sshkeys.KeyError_, OSError) as e:
        return _err(str(e), 2)
    if not removed:
        return _err(f"「{args.what}」の鍵は登録されていません。", 1)
    for e in removed:
        print(f"削除しました: {e.login} {e.fingerprint}")
    return 0


def cmd_ssh_session(args) -> int:
    from .locations import database_setting
    from .sshsession import run

    return run(args.login, args.fingerprint, database_setting(args.database, args.settings))


def cmd_web(args) -> int:
    try:
        import textual_serve  # noqa: F401

        from .web import serve
    except ImportError:
        return _err("textual-serve がありません: pip install 'esurety-tui[web]'", 2)
    return serve(args.host, args.port, args.database)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command tree; with ``only``, the parser of that sub-command alone is built (the
    others are names and help lines): every command pays for its own arguments, not for all of
    them (the whole tree is ~15 ms, a third of `esurety key`). ``only=""``: none (the app)."""
    p = _Parser(
        only=only,
        prog="esurety",
        description="Net Desk 電子保証 in the terminal. Without a command, starts the app.",
        epilog="These commands are the administrator's: run them as the service account that owns the data "
        "(e.g. netdesk) on the host. They see every company. Operators reach Net Desk through SSH "
        "(`esurety ssh authorize`), where each key is bound to one login and sees only what that login may.",
    )
    p.add_argument("--database", help="database path or URL (default: ESURETY_DATABASE, then the user data folder)")
    p.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty default database")
    p.set_defaults(func=cmd_run)
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    s = sub.add_parser("init", help="create an empty database (no demo data)")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo", help="load the demo data and print the demo logins")
    s.add_argument("--contracts", type=int, default=0, metavar="N", help="also add N synthetic contracts (benchmarks)")
    s.add_argument("--seed", type=int, default=None, help="fixed random seed for keys (reproducible demos)")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("key", help="print the 認証キー of a 保証契約番号")
    s.add_argument("number", help="保証契約番号, e.g. 35072-00000M")
    s.set_defaults(func=cmd_key)

    s = sub.add_parser("verify", help="D-Sure: check a 保証契約番号 + 認証キー and print the certificate summary")
    s.add_argument("number", help="保証契約番号, e.g. 35072-00000M")
    s.add_argument("key", help="認証キー (or - to read it from stdin)")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("contracts", help="list contracts: number, kind, orderer, work name, amount")
    s.add_argument("--search", help="part of the number, orderer or work name")
    s.add_argument("--limit", type=int, default=1000, help="at most this many lines (default 1000)")
    s.set_defaults(func=cmd_contracts)

    s = sub.add_parser("locate", help="where the database, config, outbox and exports are")
    s.set_defaults(func=cmd_locate)

    s = sub.add_parser("check", help="check the database file for damage (SQLite quick_check)")
    s.add_argument("--full", action="store_true", help="integrity_check: also every index (slower)")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser(
        "backup", help="a consistent copy of the SQLite database, taken while it is in use (PostgreSQL: use pg_dump)"
    )
    s.add_argument("path", help="the copy's file, or a folder for esurety-YYYYmmdd-HHMMSS.sqlite3 (file 0600)")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser(
        "migrate-to",
        help="copy this SQLite database into PostgreSQL and check it "
        "(counts, sampled rows and keys); exit 7 if nothing was moved",
    )
    s.add_argument("url", help="postgresql://user@host/database (its schema is created there)")
    s.add_argument("--replace", action="store_true", help="empty the target's tables first (their rows are lost)")
    s.set_defaults(func=cmd_migrate_to)

    s = sub.add_parser("user", help="manage accounts")
    usub = s.add_subparsers(title="user commands", metavar="ACTION", required=True)
    a = usub.add_parser("add", help="add an account; the password is asked twice, or read from stdin")
    a.add_argument("login")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--company", help="contractor company name (created if new)")
    who.add_argument("--branch", help="branch name, e.g. 神奈川支店")
    a.set_defaults(func=cmd_user_add)

    s = sub.add_parser("orderer", help="the 発注者 master")
    osub = s.add_subparsers(title="orderer commands", metavar="ACTION", required=True)
    a = osub.add_parser("add", help="add an orderer (発注者)")
    a.add_argument("name", help="e.g. 川崎市長")
    a.add_argument(
        "--electronic",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="accepts 電子保証 (default: paper only)",
    )
    a.add_argument("--email", help="address for 発注者へ提出")
    a.add_argument("--address", help="postal address")
    a.add_argument("--rounding", type=int, default=None, metavar="YEN", help="amounts in units of YEN, e.g. 10000")
    a.set_defaults(func=cmd_orderer_add)
    a = osub.add_parser("list", help="list orderers: id, name, 電子保証, terms, e-mail")
    a.set_defaults(func=cmd_orderer_list)

    s = sub.add_parser("branch", help="branches (申込送信先)")
    bsub = s.add_subparsers(title="branch commands", metavar="ACTION", required=True)
    a = bsub.add_parser("add", help="add a branch")
    a.add_argument("name", help="e.g. 神奈川支店")
    a.add_argument("--code", required=True, help="three digits: the start of its 保証契約番号")
    a.add_argument("--phone")
    a.add_argument("--email")
    a.set_defaults(func=cmd_branch_add)

    s = sub.add_parser("notice", help="export 「認証キー」のお知らせ PDF")
    s.add_argument("number", nargs="?", help="保証契約番号")
    s.add_argument("--all", action="store_true", help="every issued 電子保証 (needs -o DIR)")
    s.add_argument("-o", "--output", help="file (or folder with --all); default: the exports folder")
    s.set_defaults(func=cmd_notice)

    s = sub.add_parser("certificate", help="export a certificate (前払金保証書 / 契約保証書) PDF")
    s.add_argument("number", help="保証契約番号")
    s.add_argument("--version", type=int, default=None, help="version number (1 = 新規); default: the latest")
    s.add_argument("-o", "--output", help="file; default: the exports folder")
    s.set_defaults(func=cmd_certificate)

    s = sub.add_parser("mail", help="the outbox of 発行完了のお知らせ: list, send, retry")
    msub = s.add_subparsers(title="mail commands", metavar="ACTION", required=True)
    a = msub.add_parser("list", help="id, status, to, subject, attempts, created, sent, last error (newest first)")
    a.add_argument("--status", choices=("queued", "sending", "sent", "outbox", "failed"))
    a.add_argument("--limit", type=int, default=1000, help="at most this many lines (default 1000)")
    a.set_defaults(func=cmd_mail_list)
    a = msub.add_parser(
        "send",
        help="deliver queued mail now (SMTP or the outbox folder); exit 5 if the server "
        "could not be used (mail stays queued)",
    )
    a.add_argument("--limit", type=int, default=None, help="at most this many mails")
    a.set_defaults(func=cmd_mail_send)
    a = msub.add_parser("retry", help="put a failed mail back in the queue")
    a.add_argument("id", type=int)
    a.set_defaults(func=cmd_mail_retry)

    s = sub.add_parser("ssh", help="operators over SSH: bind SSH keys to logins in authorized_keys")
    ssub = s.add_subparsers(title="ssh commands", metavar="ACTION", required=True)
    a = ssub.add_parser("authorize", help="let an SSH key in as LOGIN (a forced command in authorized_keys)")
    a.add_argument("login")
    which = a.add_mutually_exclusive_group(required=True)
    which.add_argument("--key", help='the public key line, e.g. "ssh-ed25519 AAAA… user@pc"')
    which.add_argument("--key-file", metavar="FILE", help="file with the public key line (- for stdin)")
    a.set_defaults(func=cmd_ssh_authorize)
    a = ssub.add_parser("list", help="the managed keys: login, fingerprint, type")
    a.set_defaults(func=cmd_ssh_list)
    a = ssub.add_parser("revoke", help="remove every key of a login, or one key by its SHA256:… fingerprint")
    a.add_argument("what", metavar="LOGIN|FINGERPRINT")
    a.set_defaults(func=cmd_ssh_revoke)

    s = sub.add_parser("ssh-session", help="(run by sshd) the forced command of an authorised key")
    s.add_argument("login")
    s.add_argument("--fingerprint", default="", help="the key's SHA256 fingerprint, for the audit log")
    s.add_argument("--home", default=None, help="ESURETY_HOME in effect when the key was authorised")
    s.set_defaults(func=cmd_ssh_session)

    s = sub.add_parser("web", help="serve the app to a browser (textual-serve), with its own login")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: put a TLS proxy in front)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.set_defaults(func=cmd_web)
    return p


def _refuse_non_utf8(argv: list[str]) -> int | None:
    """Arguments that were not UTF-8 (decoded by Python as lone surrogates) are refused up front:
    they could be neither stored nor printed (`user add x --company $'\\xff'`)."""
    from .domain.text import NOT_UTF8, has_surrogates

    if any(has_surrogates(a) for a in argv):
        return _fail(f"引数に{NOT_UTF8}", "an argument is not valid UTF-8", USAGE)
    return None


def main(argv: list[str] | None = None) -> int:
    refused = _refuse_non_utf8(sys.argv[1:] if argv is None else argv)
    if refused is not None:
        return refused
    words = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser(only=_command_of(words)).parse_args(words)
    except _Rebuild:
        args = build_parser().parse_args(words)
    try:
        if getattr(args, "home", None):  # ssh-session: the ESURETY_HOME the key was authorised with
            os.environ["ESURETY_HOME"] = args.home
        from .settings import current

        args.settings = current()  # config.toml read and checked once, before any command runs
        for warning in args.settings.warnings:
            print(f"esurety: 警告: {_clean(warning)}", file=sys.stderr)
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        known = failure(exc)
        if known is None:
            if os.environ.get("ESURETY_DEBUG"):
                raise
            return _fail(
                f"予期しないエラーです: {type(exc).__name__}: {exc}",
                "internal error; ESURETY_DEBUG=1 shows the traceback",
                INTERNAL,
            )
        code, ja, en = known
        return _fail(ja, en, code)


if __name__ == "__main__":
    sys.exit(main())
