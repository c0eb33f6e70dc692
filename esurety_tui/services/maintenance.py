"""The administrator's moves: an SQLite database copied into PostgreSQL (`esurety migrate-to`) and
SQLite backups while the app runs (`esurety backup`). PostgreSQL is backed up with pg_dump."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .authz import requires
from .errors import ServiceError
from .session import Role, Session


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    seconds: float


def _is_postgres(setting: str) -> bool:
    from ..store.db import POSTGRES_SCHEMES

    return "://" in setting and setting.split("://", 1)[0].lower() in POSTGRES_SCHEMES


@requires(Role.SYSTEM)
def migrate_to(session: Session, source: str, target: str, *, replace: bool = False):
    """Copy the SQLite database ``source`` (a setting: path or sqlite:// URL) into the PostgreSQL
    database ``target``: its schema created or migrated there first, then every row, checked (see
    store.transfer). Returns store.transfer.Moved; raises MoveRefused, DatabaseUnavailable or
    ServiceError (a source or target of the wrong kind)."""
    from ..store import migrations
    from ..store.db import describe_setting, init_database, make_database, sqlite_path
    from ..store.errors import DatabaseUnavailable, translate
    from ..store.models import MODELS
    from ..store.transfer import copy_database

    if sqlite_path(source) is None:
        raise ServiceError(f"移行元は SQLite のデータベースファイルです（今の指定: {describe_setting(source)}）。")
    if not _is_postgres(target):
        raise ServiceError(
            "移行先は PostgreSQL の URL（postgresql://ユーザー@ホスト/データベース）で指定してください。"
        )
    src = init_database(source, readonly=True, create=False)  # an older schema is migrated first
    dst = make_database(target)
    try:
        with dst.bind_ctx(MODELS):
            dst.connect()
            migrations.migrate(dst)
        return copy_database(src, dst, replace=replace)
    except DatabaseUnavailable:
        raise
    except Exception as e:
        err = translate(e, describe_setting(target))
        if err is None:
            raise
        raise err from None
    finally:
        if not dst.is_closed():
            dst.close()


@requires(Role.SYSTEM)
def backup(session: Session, setting: str, dest: str) -> BackupDone:
    """A consistent copy of the SQLite database ``setting`` at ``dest`` (a file, or a folder for
    esurety-YYYYmmdd-HHMMSS.sqlite3), taken while others read and write it. PostgreSQL: refused with
    the pg_dump command to use instead."""
    import os
    import time

    from ..clock import now
    from ..documents.output import OutputError
    from ..store.db import describe_setting, make_database, sqlite_path
    from ..store.transfer import backup_sqlite

    path = sqlite_path(setting)
    if path is None:
        if _is_postgres(setting):
            raise ServiceError(
                "PostgreSQL のバックアップは pg_dump で取ってください"
                f"（例: pg_dump -Fc -f esurety.dump '{describe_setting(setting)}'）。"
            )
        raise ServiceError("バックアップできるのは SQLite のデータベースファイルです。")
    make_database(setting, readonly=True, create=False).close()  # there, an SQLite file, readable
    out = Path(dest).expanduser()
    if out.is_dir() or str(dest).endswith(("/", os.sep)):  # a folder, or one to make (0700)
        out = out / f"esurety-{now():%Y%m%d-%H%M%S}.sqlite3"
    out = Path(out.absolute())
    if out.exists() and out.resolve() == path.resolve():
        raise ServiceError("バックアップ先がデータベースそのものです。別のファイルを指定してください。")
    started = time.perf_counter()
    try:
        size = backup_sqlite(path, out)
    except OSError as e:
        raise OutputError(out, e) from None
    return BackupDone(out, size, time.perf_counter() - started)


__all__ = ["BackupDone", "backup", "migrate_to"]
