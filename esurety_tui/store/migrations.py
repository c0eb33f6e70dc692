"""Versioned schema that migrates forward.

A new database gets the current schema at LATEST. An older one runs each step from its version up,
inside one transaction per step. Steps use ``playhouse.migrate`` so they work on PostgreSQL too.
History:
  1  first release
  2  login lock-out (user.failed_logins, user.locked_until); guarantee.search_text for 検索
"""

from __future__ import annotations

from typing import Callable

from peewee import Database, DateTimeField, IntegerField, TextField
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator, migrate as run

from .models import MODELS, Guarantee, SchemaVersion

LATEST = 2


def _migrator(db: Database) -> SchemaMigrator:
    from peewee import PostgresqlDatabase, SqliteDatabase

    if isinstance(db, SqliteDatabase):
        return SqliteMigrator(db)
    if isinstance(db, PostgresqlDatabase):
        return PostgresqlMigrator(db)
    return SchemaMigrator.from_database(db)


def _to_2(db: Database) -> None:
    m = _migrator(db)
    run(
        m.add_column("user", "failed_logins", IntegerField(default=0)),
        m.add_column("user", "locked_until", DateTimeField(null=True)),
        m.add_column("guarantee", "search_text", TextField(default="")),
    )
    from .queries import refresh_search_text

    for g in Guarantee.select():
        refresh_search_text(g)
        g.save(only=[Guarantee.search_text])


STEPS: dict[int, Callable[[Database], None]] = {2: _to_2}


def current_version(db: Database) -> int:
    if not db.table_exists("schema_version"):
        return 1 if db.table_exists("guarantee") else 0
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate(db: Database) -> int:
    """Create or upgrade the schema; returns the version now in force."""
    with db.atomic():
        version = current_version(db)
        if version == 0:
            db.create_tables(MODELS)
            SchemaVersion.create(version=LATEST)
            return LATEST
        if not db.table_exists("schema_version"):
            db.create_tables([SchemaVersion])
    while version < LATEST:
        with db.atomic():
            STEPS[version + 1](db)
            version += 1
            SchemaVersion.create(version=version)
    return version
