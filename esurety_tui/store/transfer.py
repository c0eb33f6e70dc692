"""Moving the data between databases: an SQLite database copied into PostgreSQL (`esurety
migrate-to`), and an SQLite file backed up while in use (`esurety backup`).

The copy: the target's schema is created (or migrated) to LATEST first; a target holding rows is
refused unless ``replace``. Every table is copied in foreign-key order inside one transaction on the
target (PostgreSQL's COPY, in batches read from the source), the id sequences are set past the copied
ids, and before committing the row count of every table and a sample of rows (every column) and of
認証キー look-ups are compared with the source. Anything that does not agree rolls the whole copy back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from peewee import AutoField, Database, PostgresqlDatabase, SqliteDatabase, fn, sort_models  # type: ignore[attr-defined]

from .errors import MoveRefused
from .models import MODELS, Guarantee

BATCH = 5000
SAMPLE = 200  # rows per table compared column by column, and 認証キー look-ups compared


@dataclass(frozen=True)
class Moved:
    tables: int
    rows: int
    rows_checked: int
    keys_checked: int
    seconds: float


def _ordered():
    return sort_models(list(MODELS))  # parents before children


def _count(model, db: Database) -> int:
    with model.bind_ctx(db):
        return model.select().count()


def _rows_of(model, db: Database):
    """Every row of ``model`` in ``db`` as Python values (the fields' own conversions), by primary key."""
    fields = model._meta.sorted_fields
    with model.bind_ctx(db):
        query = model.select(*fields).order_by(model._meta.primary_key).tuples()
        yield from query.iterator()


def _sample_keys(model, db: Database, n: int) -> list:
    """Up to ``n`` primary keys spread over the table: for integer ids, the first id at or after each
    of ``n`` evenly spaced points (an index look-up each, whatever the table's size); otherwise every
    k-th key (the small tables keyed by name)."""
    pk = model._meta.primary_key
    with model.bind_ctx(db):
        if isinstance(pk, AutoField):
            low, high = model.select(fn.MIN(pk), fn.MAX(pk)).tuples().get()
            if low is None:
                return []
            points = sorted({low + (high - low) * i // max(1, n - 1) for i in range(n)})
            keys: list = []
            for point in points:
                key = model.select(pk).where(pk >= point).order_by(pk).limit(1).scalar()
                if key is not None and (not keys or key != keys[-1]):
                    keys.append(key)
            return keys
        keys = [k for (k,) in model.select(pk).order_by(pk).tuples()]
    return keys[:: max(1, len(keys) // n)][:n]


def _rows_by_key(model, db: Database, keys: list) -> dict:
    pk = model._meta.primary_key
    fields = model._meta.sorted_fields
    index = fields.index(pk)
    out = {}
    with model.bind_ctx(db):
        for i in range(0, len(keys), 500):
            for row in model.select(*fields).where(pk.in_(keys[i : i + 500])).tuples():
                out[row[index]] = row
    return out


def is_empty(db: Database) -> bool:
    """No row in any table but the schema version."""
    return all(_count(m, db) == 0 for m in MODELS if m._meta.table_name != "schema_version")


def _copy_table(model, source: Database, target: PostgresqlDatabase) -> int:
    table = model._meta.table_name
    columns = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)
    n = 0
    cursor = target.cursor()
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in _rows_of(model, source):
            copy.write_row(row)
            n += 1
    return n


def _reset_sequence(model, target: PostgresqlDatabase) -> None:
    pk = model._meta.primary_key
    if isinstance(pk, AutoField):
        table, column = model._meta.table_name, pk.column_name
        target.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"'
        )


def _check(source: Database, target: Database, sample: int) -> tuple[int, int]:
    """Raise MoveRefused unless counts, sampled rows and sampled 認証キー look-ups agree."""
    checked = 0
    for model in _ordered():
        table = model._meta.table_name
        have, got = _count(model, source), _count(model, target)
        if have != got:
            raise MoveRefused(
                f"移行先の「{table}」の件数が合いません（元 {have:,} 件、移行先 {got:,} 件）。何も移していません。",
                f"row count of {table} differs (source {have:,}, target {got:,}); nothing was moved",
            )
        keys = _sample_keys(model, source, sample)
        want, found = _rows_by_key(model, source, keys), _rows_by_key(model, target, keys)
        for key in keys:
            if want.get(key) != found.get(key):
                raise MoveRefused(
                    f"移行先の「{table}」の行（{key}）が元と異なります。何も移していません。",
                    f"row {key} of {table} differs after the copy; nothing was moved",
                )
            checked += 1
    looked_up = 0
    numbers = [
        r[0]
        for r in _rows_by_key(Guarantee, source, _sample_keys(Guarantee, source, sample)).values()
        if r[0] is not None
    ]
    for number in numbers:
        a = _key_of(source, number)
        if a != _key_of(target, number):
            raise MoveRefused(
                f"保証契約番号「{number}」の認証キーが移行先で一致しません。何も移していません。",
                f"the 認証キー of {number} differs after the copy; nothing was moved",
            )
        looked_up += 1
    return checked, looked_up


def _key_of(db: Database, number: str) -> str | None:
    """The 認証キー look-up as `esurety key` makes it."""
    with Guarantee.bind_ctx(db):
        row = Guarantee.select(Guarantee.auth_key).where(Guarantee.number == number).tuples().first()
    return row[0] if row else None


def copy_database(source: Database, target: Database, *, replace: bool = False, sample: int = SAMPLE) -> Moved:
    """Copy every row of ``source`` (an SQLite database at LATEST) into ``target`` (PostgreSQL,
    migrated to LATEST by the caller); see the module's docstring. Raises MoveRefused."""
    started = time.perf_counter()
    if not isinstance(target, PostgresqlDatabase):
        raise MoveRefused(
            "移行先は PostgreSQL（postgresql://…）にしてください。", "the target must be PostgreSQL (postgresql://…)"
        )
    if not replace and not is_empty(target):
        raise MoveRefused(
            "移行先のデータベースには既にデータがあります（--replace で消してから移します）。何も移していません。",
            "the target database already holds data (--replace empties it first); nothing was moved",
        )
    ordered = _ordered()
    rows = 0
    with target.atomic():
        names = ", ".join(f'"{m._meta.table_name}"' for m in ordered)
        target.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        for model in ordered:
            rows += _copy_table(model, source, target)
            _reset_sequence(model, target)
        checked, keys = _check(source, target, sample)
    return Moved(len(ordered), rows, checked, keys, time.perf_counter() - started)


def backup_sqlite(source: Path, dest: Path) -> int:
    """A consistent copy of the SQLite file ``source`` at ``dest`` while others use it (SQLite's online
    backup API), written to a private temporary file beside ``dest`` (0600; a folder made for it is
    0700) and renamed into place; the copy passes quick_check. Returns its size in bytes."""
    import os
    import sqlite3
    import tempfile
    from urllib.parse import quote

    from ..locations import ensure_private_dir

    ensure_private_dir(dest.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)  # 0600
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True, timeout=10)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                ok = out.execute("PRAGMA quick_check").fetchone()[0]
                out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            finally:
                out.close()
        finally:
            src.close()
        if ok != "ok":
            from .errors import DatabaseDamaged

            raise DatabaseDamaged(
                f"バックアップの確認に失敗しました（{ok[:80]}）。元のデータベースを esurety check で確認してください。",
                f"the backup does not pass quick_check ({ok[:80]}); run esurety check on the source",
            )
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return dest.stat().st_size


__all__ = ["Moved", "backup_sqlite", "copy_database", "is_empty", "SqliteDatabase"]
