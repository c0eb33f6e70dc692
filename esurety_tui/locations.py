"""One module knows every path: database, config, outbox, exports.

``ESURETY_HOME`` moves everything (tests point it at tmp_path); ``ESURETY_DATABASE`` or ``--database``
chooses the database (a path or a URL as ``playhouse.db_url`` reads it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

APP_NAME = "esurety"


def data_dir() -> Path:
    home = os.environ.get("ESURETY_HOME")
    if home:
        return Path(home)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = os.environ.get("ESURETY_HOME")
    if home:
        return Path(home)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_database_path() -> Path:
    return data_dir() / "esurety.sqlite3"


def database_setting(cli_value: str | None = None, settings: Settings | None = None) -> str:
    """The database to use: --database, then ESURETY_DATABASE, then the config file, then the default
    (``Settings.database`` holds the last three)."""
    if cli_value:
        return cli_value
    if settings is None:
        from .settings import current

        settings = current()
    return settings.database


def outbox_dir() -> Path:
    return data_dir() / "outbox"


def exports_dir() -> Path:
    env = os.environ.get("ESURETY_EXPORTS")
    if env:
        return Path(env)
    return data_dir() / "exports"


def describe(database: str | None = None, settings: Settings | None = None) -> list[tuple[str, str]]:
    """(name, where) for `esurety locate`: the database line names the file actually used."""
    setting = database_setting(database, settings)
    from .store.db import describe_setting

    return [
        ("database", describe_setting(setting)),
        ("config", str(config_file())),
        ("outbox", str(outbox_dir())),
        ("exports", str(exports_dir())),
    ]


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents as 0700, whatever the umask; existing folders are left as they are."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)  # mkdir's mode is masked by the umask (umask 0277 would give 0500)
    return path


def _has_secret(config: Path) -> bool:
    try:
        return b"smtp_password" in config.read_bytes()
    except OSError:
        return False


def loose_modes(database: str | None = None, settings: Settings | None = None) -> list[tuple[Path, int, str, str]]:
    """Existing files and folders others can reach that should be private: (path, mode, ja, en).

    The database (authentication keys, password hashes) must not be readable by group or others;
    config.toml must not be writable by them (it chooses the database), nor readable when it holds
    smtp_password. Folders the app creates are 0700; existing ones are the owner's choice and not
    reported. Reported, never changed: as OpenSSH does with keys, the owner decides (chmod).
    """
    found: list[tuple[Path, int, str, str]] = []

    def check(path: Path, mask: int, what_ja: str, fix: str) -> None:
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            return
        if mode & mask:
            verb = "読め" if mode & mask & 0o044 else "書き込め"
            ja = f"{what_ja}「{path}」は他のユーザーからも{verb}ます（{mode:04o}）。chmod {fix} で限定してください。"
            found.append((path, mode, ja, f"{path} is accessible by other users (mode {mode:04o}); chmod {fix} it"))

    from .store.urls import sqlite_path  # no peewee: `esurety key` checks the modes too

    db = sqlite_path(database_setting(database, settings))
    if db is not None:
        check(db, 0o077, "データベース", "600")
    conf = config_file()
    if conf.is_file():
        check(conf, 0o077 if _has_secret(conf) else 0o022, "設定ファイル", "600")
    return found
