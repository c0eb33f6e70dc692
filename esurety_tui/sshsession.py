"""`esurety ssh-session LOGIN`: the forced command sshd runs for an operator's key.

Without SSH_ORIGINAL_COMMAND the TUI opens, already logged in as LOGIN (the SSH key is the
credential; ``ssh_require_password = true`` in the config shows ログイン instead). With one, a small
fixed command set, split with shlex and never given to a shell, each answered with LOGIN's Session
(so scoped exactly as the TUI is). Every command is audited with the key's fingerprint.

Look-ups import neither Textual nor reportlab (only `notice` / `certificate` load reportlab).
"""

from __future__ import annotations

import os
import shlex
import sys

HELP = """\
Net Desk over SSH — commands:
  key NUMBER                       the 認証キー of 保証契約番号 NUMBER
  contracts [--search TEXT]        your 保証契約一覧 (number, kind, orderer, work name, amount)
  notice NUMBER                    「認証キー」のお知らせ PDF on stdout:  ssh … notice NUMBER > notice.pdf
  certificate NUMBER [--version N] the certificate PDF on stdout:       ssh … certificate NUMBER > cert.pdf
  help                             this text
Without a command (ssh -t …) Net Desk opens, logged in.
"""

REFUSED = 2
NOT_FOUND = 1


class Refused(Exception):
    """A command outside the fixed set (exit 2)."""


def _err(message: str) -> None:
    print(f"esurety: {message}", file=sys.stderr)


def parse(command: str) -> tuple[str, list[str], dict[str, str]]:
    """(name, positional args, options) of one SSH command, or Refused. Strict: exact arity, known
    options only, no shell syntax (``;``, ``|``, ``$(…)`` … are just unknown words here)."""
    try:
        words = shlex.split(command, comments=False, posix=True)
    except ValueError:
        raise Refused("コマンドを読み取れません（引用符が閉じていません）。") from None
    if not words:
        raise Refused("コマンドがありません。`help` で使えるコマンドを表示します。")
    name, rest = words[0], words[1:]
    spec = {
        "key": (1, ()),
        "contracts": (0, ("--search",)),
        "notice": (1, ()),
        "certificate": (1, ("--version",)),
        "help": (0, ()),
    }
    if name not in spec:
        raise Refused(f"このコマンドは使えません: {name[:40]!r}。`help` で使えるコマンドを表示します。")
    arity, allowed = spec[name]
    positional: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(rest):
        w = rest[i]
        if w.startswith("--"):
            opt, eq, val = w.partition("=")
            if opt not in allowed or opt in options:
                raise Refused(f"{name}: このオプションは使えません: {opt[:40]!r}")
            if not eq:
                i += 1
                if i >= len(rest):
                    raise Refused(f"{name}: {opt} の値がありません。")
                val = rest[i]
            options[opt] = val
        else:
            positional.append(w)
        i += 1
    if len(positional) != arity:
        raise Refused(f"{name}: 引数の数が正しくありません（`help` を参照）。")
    if "--version" in options and not options["--version"].isdigit():
        raise Refused("certificate: --version は正の整数です。")
    return name, positional, options


SERVER_DRIVERS = ("psycopg2", "psycopg2cffi", "psycopg", "pymysql", "MySQLdb")


def _without_server_drivers(database: str) -> None:
    """peewee imports every database driver it can find when it loads (psycopg alone costs ~100 ms
    of a look-up's start). On SQLite, mark them absent so those imports fail at once."""
    if "://" in database and not database.startswith("sqlite:"):
        return
    for name in SERVER_DRIVERS:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError


def run(login: str, fingerprint: str, database: str) -> int:
    _without_server_drivers(database)
    from .services import sshaccess
    from .services.errors import NotFound
    from .services.session import SYSTEM_SESSION
    from .store.db import init_database

    original = os.environ.get("SSH_ORIGINAL_COMMAND")
    init_database(database)
    try:
        session = sshaccess.session_for_login(SYSTEM_SESSION, login)
    except NotFound:
        sshaccess.record(SYSTEM_SESSION, login, fingerprint, original or "", "unknown-login")
        _err(f"この SSH 鍵のログインID「{login}」は登録されていません。管理者に連絡してください。")
        return NOT_FOUND
    if original is None:
        sshaccess.record(SYSTEM_SESSION, login, fingerprint, "", "tui")
        return _tui(session)
    shown = "".join(ch if ch.isprintable() else "?" for ch in original)
    try:
        name, args, options = parse(original)
    except Refused as e:
        sshaccess.record(SYSTEM_SESSION, login, fingerprint, shown, "refused")
        _err(str(e))
        return REFUSED
    try:
        code = _dispatch(session, name, args, options)
    except Refused as e:
        sshaccess.record(SYSTEM_SESSION, login, fingerprint, shown, "refused")
        _err(str(e))
        return REFUSED
    except NotFound as e:
        sshaccess.record(SYSTEM_SESSION, login, fingerprint, shown, "not-found")
        _err(str(e))
        return NOT_FOUND
    sshaccess.record(SYSTEM_SESSION, login, fingerprint, shown, "ok")
    return code


def _dispatch(session, name: str, args: list[str], options: dict[str, str]) -> int:
    from .domain.errors import DomainError

    try:
        if name == "help":
            sys.stdout.write(HELP)
        elif name == "key":
            from .services.keys import lookup_key

            print(lookup_key(session, args[0]))
        elif name == "contracts":
            from .domain.money import format_yen
            from .domain.text import printable
            from .services import contracts

            for r in contracts.page(session, "all", options.get("--search", ""), 0, 1000):
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
        elif name in ("notice", "certificate"):
            if sys.stdout.isatty():
                raise Refused(f"PDF は端末に表示できません。ファイルへ: ssh … {name} {args[0]} > {name}.pdf")
            from .domain.contract_number import parse_contract_number
            from .services import contracts, exports

            number = parse_contract_number(args[0])
            if name == "notice":
                _, data = exports.notice_pdf(session, number)
            else:
                version = int(options["--version"]) if "--version" in options else None
                view = contracts.version_by_seq(session, number, version)
                _, data = exports.certificate_pdf(session, view.version_id)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
    except DomainError as e:
        raise Refused(str(e)) from None
    return 0


USAGE = "usage: python -m esurety_tui.sshsession [--database D] [--home DIR] --fingerprint FP -- LOGIN"


def main(argv: list[str] | None = None) -> int:
    """The entry authorized_keys uses: the same as `esurety ssh-session`, without building the whole
    CLI's argparse tree first (a look-up pays for every millisecond of start-up)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    opts: dict[str, str] = {}
    while argv and argv[0] in ("--database", "--home", "--fingerprint") and len(argv) >= 2:
        opts[argv[0]] = argv[1]
        del argv[:2]
    if argv[:1] == ["--"]:
        del argv[0]
    if len(argv) != 1:
        _err(USAGE)
        return REFUSED
    if opts.get("--home"):
        os.environ["ESURETY_HOME"] = opts["--home"]
    from .locations import database_setting

    try:
        return run(argv[0], opts.get("--fingerprint", ""), database_setting(opts.get("--database")))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # one line, never a traceback (the operator sees this over ssh)
        from .cli import INTERNAL, failure

        known = failure(exc)
        if known is None:
            if os.environ.get("ESURETY_DEBUG"):
                raise
            _err(f"予期しないエラーです: {type(exc).__name__}")
            return INTERNAL
        code, ja, _en = known
        _err(ja)
        return code


def _tui(session) -> int:
    from .settings import current
    from .tui.app import NetDeskApp

    settings = current()  # loaded (and checked) already by main(): the same object
    # The store is open already (database=None): no demo loading, no second open.
    app = NetDeskApp(
        None, demo_if_empty=False, session=None if settings.ssh.require_password else session, settings=settings
    )
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
