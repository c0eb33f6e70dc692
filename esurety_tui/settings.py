"""The settings: ``config.toml``, the environment and the defaults, read into one typed, frozen object.

``load()`` reads the file once and checks it: a file that is not TOML is a ``ConfigError`` naming its
line and column, a known key with a value of the wrong type (or out of range) is a ``ConfigError``
naming the key (and its line), and an unknown key (a typo such as ``smpt_host``) is kept as a warning
in ``Settings.warnings``, shown once by the CLI (stderr) and the TUI (a toast), then ignored: a
config written for a newer version still starts.

The CLI and the TUI load it at start (``esurety``: ``cli.main``; the SSH forced command:
``sshsession.main``) and pass it down: ``NetDeskApp(settings=…)``, ``mail.deliver_pending(settings=…)``,
``dsure.view(…, lockout=…)``, ``sshkeys.authorized_keys_path(settings)``. Code called without one
(library use, the PDF font) asks ``current()``, which loads the same file once and keeps it for as
long as the file and the environment are unchanged.

Precedence, highest first: the command line (``--database``), the environment (``ESURETY_DATABASE``,
``ESURETY_SMTP_PASSWORD``, ``ESURETY_SSH_AUTHORIZED_KEYS``), ``config.toml``, the defaults below.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import locations

TYPE_CHECKING = False  # typing is ~2 ms of every command's start (`esurety key`); type checkers read True
if TYPE_CHECKING:
    from typing import Any

ENV_DATABASE = "ESURETY_DATABASE"
ENV_SMTP_PASSWORD = "ESURETY_SMTP_PASSWORD"
ENV_SSH_AUTHORIZED_KEYS = "ESURETY_SSH_AUTHORIZED_KEYS"
ENV_KEYS = ("ESURETY_HOME", ENV_DATABASE, ENV_SMTP_PASSWORD, ENV_SSH_AUTHORIZED_KEYS)


class ConfigError(Exception):
    """config.toml cannot be used: ``ja`` and ``en`` say where (line, column or key) and why."""

    def __init__(
        self,
        path: Path | None,
        ja: str,
        en: str,
        *,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path, self.key, self.line, self.column = path, key, line, column
        where = str(path) if path is not None else "config.toml"
        at_ja = f"{line}行目" if line else ""
        at_en = f" line {line}" if line else ""
        if line and column:
            at_ja, at_en = f"{line}行{column}列目", f" line {line}, column {column}"
        self.ja = f"設定ファイル「{where}」{'の' + at_ja if at_ja else ''}: {ja}"
        self.en = f"{where}{at_en}: {en}"
        super().__init__(self.en)


@dataclass(frozen=True)
class MailConfig:
    """The SMTP keys as written (``services.mail.MailSettings`` derives ports and TLS from them)."""

    host: str = ""
    port: int | None = None  # None: 25, 587 with STARTTLS, 465 with TLS
    tls: bool = False
    starttls: bool | None = None  # None: on when a user is set
    cafile: str | None = None
    user: str = ""
    password: str = field(default="", repr=False)  # ESURETY_SMTP_PASSWORD, else smtp_password
    password_in_file: bool = False  # smtp_password used: warn
    sender: str | None = None  # mail_from
    timeout: float = 10.0
    max_attempts: int = 5
    lease_minutes: float = 5.0


@dataclass(frozen=True)
class DSureConfig:
    """The D-Sure lock-out: wrong keys in a row before a number is locked, and for how long."""

    max_failures: int = 5
    lock_minutes: int = 15


@dataclass(frozen=True)
class SshConfig:
    authorized_keys: Path = field(default_factory=lambda: Path.home() / ".ssh" / "authorized_keys")
    require_password: bool = False


@dataclass(frozen=True)
class Settings:
    database: str = ""  # ESURETY_DATABASE, else `database`, else the default file
    pdf_font: Path | None = None  # relative paths are taken from the config folder
    mail: MailConfig = field(default_factory=MailConfig)
    dsure: DSureConfig = field(default_factory=DSureConfig)
    ssh: SshConfig = field(default_factory=SshConfig)
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys ("f9", "f9,ctrl+p")
    path: Path | None = None  # the file read (None: there was none)
    warnings: tuple[str, ...] = ()  # unknown keys


# key: (type name in messages, check) — every key the file may hold, by section
_STR, _INT, _POS_INT, _POS_NUM, _BOOL, _PORT = (
    "string",
    "integer",
    "positive integer",
    "positive number",
    "boolean",
    "port number (1-65535)",
)
KNOWN_KEYS: dict[str, str] = {
    "database": _STR,
    "pdf_font": _STR,
    "smtp_host": _STR,
    "smtp_port": _PORT,
    "smtp_tls": _BOOL,
    "smtp_starttls": _BOOL,
    "smtp_cafile": _STR,
    "smtp_user": _STR,
    "smtp_password": _STR,
    "mail_from": _STR,
    "smtp_timeout": _POS_NUM,
    "mail_max_attempts": _POS_INT,
    "mail_lease_minutes": _POS_NUM,
    "ssh_authorized_keys": _STR,
    "ssh_require_password": _BOOL,
    "dsure_max_failures": _POS_INT,
    "dsure_lock_minutes": _POS_INT,
    "keymap": "table",
}
_JA = {
    _STR: "文字列",
    _INT: "整数",
    _POS_INT: "1以上の整数",
    _POS_NUM: "正の数",
    _BOOL: "true か false",
    _PORT: "1〜65535 の整数",
    "table": "表（[keymap]）",
}


def _type_ok(kind: str, value: Any) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == _INT:
        return isinstance(value, int)
    if kind == _POS_INT:
        return isinstance(value, int) and value >= 1
    if kind == _PORT:
        return isinstance(value, int) and 1 <= value <= 65535
    if kind == _POS_NUM:
        return isinstance(value, (int, float)) and value > 0
    if kind == "table":
        return isinstance(value, dict)
    return False


def _line_of(text: str | None, key: str) -> int | None:
    """The line that sets ``key`` at the top level (best effort: for the message only)."""
    if not text:
        return None
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            break  # tables follow; top-level keys come before them
        if pattern.match(line):
            return number
    return None


def _keymap_line(text: str | None, key: str) -> int | None:
    if not text:
        return None
    inside = False
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[keymap]"
        elif inside and pattern.match(line):
            return number
    return None


def parse(
    data: Mapping[str, Any], *, env: Mapping[str, str] | None = None, path: Path | None = None, text: str | None = None
) -> Settings:
    """Settings from the parsed TOML ``data`` and ``env`` (``os.environ`` when None); ConfigError for a
    known key of the wrong type. ``text`` (the file's text) lets the message name the key's line."""
    env = os.environ if env is None else env
    warnings: list[str] = []
    for key, value in data.items():
        kind = KNOWN_KEYS.get(key)
        if kind is None:
            at = _line_of(text, key)
            warnings.append(
                f"設定ファイル「{path or 'config.toml'}」{f'の{at}行目' if at else ''}: 不明な設定 {key} は"
                f"無視します (unknown key {key!r} ignored)"
            )
            continue
        if not _type_ok(kind, value):
            raise ConfigError(
                path,
                f"{key} は{_JA[kind]}で指定してください（{value!r}）。",
                f"{key} must be a {kind} (not {value!r})",
                key=key,
                line=_line_of(text, key),
            )
    keymap: dict[str, str] = {}
    for binding_id, keys in dict(data.get("keymap") or {}).items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                path,
                f"keymap.{binding_id} はキーの文字列で指定してください（{keys!r}）。",
                f'keymap.{binding_id} must be a key string such as "f9" (not {keys!r})',
                key=f"keymap.{binding_id}",
                line=_keymap_line(text, str(binding_id)),
            )
        keymap[str(binding_id)] = keys.strip()

    def get(key: str, default: Any = None) -> Any:
        return data.get(key, default)

    file_password = get("smtp_password") or ""
    env_password = env.get(ENV_SMTP_PASSWORD, "")
    mail = MailConfig(
        host=get("smtp_host", "").strip(),
        port=get("smtp_port"),
        tls=get("smtp_tls", False),
        starttls=get("smtp_starttls"),
        cafile=get("smtp_cafile") or None,
        user=get("smtp_user", ""),
        password=env_password or file_password,
        password_in_file=bool(file_password and not env_password),
        sender=get("mail_from"),
        timeout=float(get("smtp_timeout", 10.0)),
        max_attempts=get("mail_max_attempts", 5),
        lease_minutes=float(get("mail_lease_minutes", 5.0)),
    )
    ssh_keys = env.get(ENV_SSH_AUTHORIZED_KEYS) or get("ssh_authorized_keys")
    ssh = SshConfig(
        require_password=get("ssh_require_password", False),
        **({"authorized_keys": Path(ssh_keys).expanduser()} if ssh_keys else {}),
    )
    font = (get("pdf_font") or "").strip()
    pdf_font = None
    if font:
        pdf_font = Path(font).expanduser()
        if not pdf_font.is_absolute():
            pdf_font = (path.parent if path is not None else locations.config_dir()) / pdf_font
    return Settings(
        database=env.get(ENV_DATABASE) or get("database") or str(locations.default_database_path()),
        pdf_font=pdf_font,
        mail=mail,
        dsure=DSureConfig(get("dsure_max_failures", 5), get("dsure_lock_minutes", 15)),
        ssh=ssh,
        keymap=keymap,
        path=path,
        warnings=tuple(warnings),
    )


_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read ``path`` (default ``locations.config_file()``; a missing file is no error) into Settings."""
    path = locations.config_file() if path is None else Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return parse({}, env=env)
    except IsADirectoryError:
        raise ConfigError(path, "フォルダです。ファイルにしてください。", "is a folder, not a file") from None
    except OSError as e:
        raise ConfigError(path, f"読めません（{e.strerror}）。", f"cannot read it: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(
            path, "UTF-8 として読めません。", "not valid UTF-8", line=raw[: e.start].count(b"\n") + 1
        ) from None
    import tomllib  # only when there is a file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        found = _POSITION.search(message)
        line: int | None = int(found.group(1)) if found else None
        column: int | None = int(found.group(2)) if found else None
        reason = _POSITION.sub("", message).strip()
        raise ConfigError(
            path, f"TOML として読めません（{reason}）。", f"not valid TOML: {reason}", line=line, column=column
        ) from None
    return parse(data, env=env, path=path, text=text)


_cache: tuple[tuple, Settings] | None = None
_lock = threading.Lock()


def _signature() -> tuple:
    path = locations.config_file()
    try:
        st = path.stat()
        stamp: tuple = (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = ()
    return (str(path), stamp, tuple(os.environ.get(k) for k in ENV_KEYS))


def current() -> Settings:
    """The settings of this process: loaded once, again only if the file or the environment changed
    (tests move ESURETY_HOME and rewrite the file). Raises ConfigError like ``load()``."""
    global _cache
    signature = _signature()
    with _lock:
        if _cache is not None and _cache[0] == signature:
            return _cache[1]
    loaded = load()
    with _lock:
        _cache = (signature, loaded)
    return loaded
