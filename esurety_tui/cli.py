"""`esurety` command line. Sub-commands import only what they use: `key` and `contracts` load
neither Textual nor reportlab, so a look-up from the shell is quick."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _open(args) -> str:
    from .locations import database_setting
    from .store.db import init_database

    setting = database_setting(args.database)
    init_database(setting)
    return setting


def _err(message: str, code: int) -> int:
    print(f"esurety: {message}", file=sys.stderr)
    return code


def cmd_run(args) -> int:
    from .locations import database_setting

    setting = database_setting(args.database)
    # The app opens the database in a worker after the first paint (start-up is a feature).
    from .tui.app import NetDeskApp

    NetDeskApp(database=setting, demo_if_empty=not args.no_demo).run()
    return 0


def cmd_init(args) -> int:
    print(f"データベースを用意しました: {_open(args)}")
    return 0


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
    from .domain.errors import DomainError
    from .services.errors import NotFound
    from .services.keys import lookup_key
    from .services.session import SYSTEM_SESSION

    try:
        from .domain.contract_number import parse_contract_number

        parse_contract_number(args.number)
    except DomainError as e:
        return _err(str(e), 2)
    _open(args)
    try:
        print(lookup_key(SYSTEM_SESSION, args.number))
    except NotFound as e:
        return _err(str(e), 1)
    return 0


def cmd_contracts(args) -> int:
    from .domain.money import format_yen
    from .domain.text import printable
    from .services import contracts
    from .services.session import SYSTEM_SESSION

    _open(args)
    rows = contracts.page(SYSTEM_SESSION, "all", args.search or "", 0, args.limit)
    for r in rows:
        print("\t".join([r.number, r.kind_short, printable(r.orderer_name), printable(r.work_name),
                         format_yen(r.contract_amount)]))
    return 0


def cmd_locate(args) -> int:
    from .locations import describe

    for name, where in describe(args.database):
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
    from .services.errors import ServiceError

    try:
        password = _ask_password()
    except ValueError as e:
        return _err(str(e), 2)
    _open(args)
    try:
        from .services.session import SYSTEM_SESSION

        auth.add_user(SYSTEM_SESSION, args.login, password, company=args.company, branch=args.branch)
    except ServiceError as e:
        return _err(str(e), 2)
    print(f"ユーザー「{args.login}」を作成しました。")
    return 0


def cmd_notice(args) -> int:
    from .services import exports
    from .services.session import SYSTEM_SESSION
    from .services.errors import NotFound
    from .domain.errors import DomainError

    _open(args)
    try:
        if args.all:
            out = Path(args.output or ".")
            numbers = exports.issued_numbers(SYSTEM_SESSION)
            _progress_export(numbers, out)
            return 0
        if not args.number:
            return _err("保証契約番号か --all を指定してください。", 2)
        path = exports.notice_to_file(SYSTEM_SESSION, args.number, Path(args.output) if args.output else None)
    except DomainError as e:
        return _err(str(e), 2)
    except NotFound as e:
        return _err(str(e), 1)
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
    from .services.errors import NotFound
    from .domain.errors import DomainError

    _open(args)
    try:
        path = exports.certificate_to_file(SYSTEM_SESSION, args.number, args.version, Path(args.output) if args.output else None)
    except DomainError as e:
        return _err(str(e), 2)
    except NotFound as e:
        return _err(str(e), 1)
    print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="esurety",
        description="Net Desk 電子保証 in the terminal. Without a command, starts the app.",
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

    s = sub.add_parser("contracts", help="list contracts: number, kind, orderer, work name, amount")
    s.add_argument("--search", help="part of the number, orderer or work name")
    s.add_argument("--limit", type=int, default=1000, help="at most this many lines (default 1000)")
    s.set_defaults(func=cmd_contracts)

    s = sub.add_parser("locate", help="where the database, config, outbox and exports are")
    s.set_defaults(func=cmd_locate)

    s = sub.add_parser("user", help="manage accounts")
    usub = s.add_subparsers(title="user commands", metavar="ACTION", required=True)
    a = usub.add_parser("add", help="add an account; the password is asked twice, or read from stdin")
    a.add_argument("login")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--company", help="contractor company name (created if new)")
    who.add_argument("--branch", help="branch name, e.g. 神奈川支店")
    a.set_defaults(func=cmd_user_add)

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
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
