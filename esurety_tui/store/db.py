"""Database set-up: one deferred proxy, initialised once from a path or URL.

SQLite (the embedded default): WAL, foreign keys, a busy timeout, and every transaction begins
IMMEDIATE so concurrent read-then-write transactions queue instead of failing with "database is
locked". Nothing SQLite-specific lives outside this package.
"""

from __future__ import annotations

import os
from pathlib import Path

from peewee import Database, DatabaseProxy, SqliteDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -16000,
}


def _is_url(setting: str) -> bool:
    return "://" in setting


def make_database(setting: str) -> Database:
    """A peewee Database for a file path or a URL (sqlite:///path, postgresql://…)."""
    if _is_url(setting):
        if setting.startswith("sqlite:///"):
            return make_database(setting.removeprefix("sqlite:///") or ":memory:")
        from playhouse.db_url import connect

        return connect(setting)
    path = Path(setting).expanduser()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Created private: the file holds authentication keys and password hashes.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    return SqliteDatabase(
        str(path), pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE", autoconnect=True
    )


def init_database(setting: str) -> Database:
    """Point the proxy at ``setting``, create or migrate the schema, and return the database."""
    from . import migrations

    db = make_database(setting)
    close_database()
    database.initialize(db)
    migrations.migrate(db)
    return db


def close_database() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def transaction():
    """The one way to write: a transaction that rolls back whole on error (IMMEDIATE on SQLite)."""
    return database.atomic()
