"""One module knows every path: database, config, outbox, exports.

``ESURETY_HOME`` moves everything (tests point it at tmp_path); ``ESURETY_DATABASE`` or ``--database``
chooses the database (a path or a URL as ``playhouse.db_url`` reads it).
"""

from __future__ import annotations

import os
from pathlib import Path

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


def database_setting(cli_value: str | None = None) -> str:
    """The database to use: --database, then ESURETY_DATABASE, then the config file, then the default."""
    if cli_value:
        return cli_value
    env = os.environ.get("ESURETY_DATABASE")
    if env:
        return env
    conf = load_config().get("database")
    if isinstance(conf, str) and conf:
        return conf
    return str(default_database_path())


def outbox_dir() -> Path:
    return data_dir() / "outbox"


def exports_dir() -> Path:
    env = os.environ.get("ESURETY_EXPORTS")
    if env:
        return Path(env)
    return data_dir() / "exports"


def load_config() -> dict:
    """The optional TOML config (keys: database, pdf_font, smtp_host, smtp_port, smtp_user, smtp_password, mail_from, [keymap])."""
    path = config_file()
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def describe(database: str | None = None) -> list[tuple[str, str]]:
    return [
        ("database", database_setting(database)),
        ("config", str(config_file())),
        ("outbox", str(outbox_dir())),
        ("exports", str(exports_dir())),
    ]
