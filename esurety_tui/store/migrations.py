"""Versioned schema that migrates forward.

A new database gets the current schema at LATEST. An older one runs each step from its version up,
inside one transaction per step. Steps use ``playhouse.migrate`` so they work on PostgreSQL too.
History:
  1  first release
  2  login lock-out (user.failed_logins, user.locked_until); guarantee.search_text for 検索
  3  indexes for the newest-first 保証契約一覧 / 電子保証履歴一覧 windows
  4  counters (per-company application numbers, 保証契約番号 serials); application.number; no setting table
  5  mail outbox lease: mail.attempts, claimed_at, last_error, message_id; index (status, id)
  6  login_attempt: failed log-ins in a sliding window (user.failed_logins/locked_until unused)
  7  発注者 master: orderer.email, orderer.address; guarantee.key_reissued_at (認証キーの再発行)
  8  D-Sure: dsure_view (閲覧履歴), dsure_lock (lock-out per number); mail attachments (発注者へ提出)
  9  application.revision (a draft open in two sessions: the later save from an older state is kept as a copy)
  10 application.contact_phone (担当者電話番号, a field of the form: domain.fields)
 11  search index (store/search.py): SQLite FTS5 trigram + 1-/2-gram tables with triggers, PostgreSQL
     pg_trgm GIN; company.search_name; index (branch, issued_at, id)
 12  PostgreSQL: esurety_grams() and a GIN index of esurety_grams(search_text) for 1-/2-character words
     (store/search.py); nothing on SQLite
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from peewee import CharField, Database, DateTimeField, IntegerField, TextField

from .models import MODELS, Guarantee, SchemaVersion
from .schema import LATEST

if TYPE_CHECKING:
    from playhouse.migrate import SchemaMigrator


def _migrator(db: Database) -> SchemaMigrator:
    # playhouse.migrate only when a step runs: an up-to-date database (every `esurety key`) skips it.
    from peewee import PostgresqlDatabase, SqliteDatabase
    from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator

    if isinstance(db, SqliteDatabase):
        return SqliteMigrator(db)
    if isinstance(db, PostgresqlDatabase):
        return PostgresqlMigrator(db)
    return SchemaMigrator.from_database(db)


def _to_2(db: Database) -> None:
    from playhouse.migrate import migrate as run

    m = _migrator(db)
    run(
        m.add_column("user", "failed_logins", IntegerField(default=0)),
        m.add_column("user", "locked_until", DateTimeField(null=True)),
        m.add_column("guarantee", "search_text", TextField(default="")),
    )
    from .queries import refresh_search_text

    # Only the columns version 2 is known to have: a step must keep working when later versions
    # add columns to the model (selecting every model column would fail on a version-1 table).
    for g in Guarantee.select(Guarantee.id, Guarantee.number, Guarantee.orderer, Guarantee.work_name):
        refresh_search_text(g)
        g.save(only=[Guarantee.search_text])


def _to_3(db: Database) -> None:
    from .models import CertificateVersion

    # CREATE INDEX IF NOT EXISTS for every index the models declare: standard SQL on both backends.
    for model in (Guarantee, CertificateVersion):
        model._schema.create_indexes(safe=True)  # type: ignore[union-attr]  # peewee sets _schema at class creation


def _to_4(db: Database) -> None:
    from playhouse.migrate import migrate as run

    from .models import Application, Counter

    db.create_tables([Counter], safe=True)
    run(_migrator(db).add_column("application", "number", IntegerField(null=True)))
    rows = db.execute_sql("SELECT id, company_id FROM application ORDER BY id").fetchall()
    seen: dict[int, int] = {}
    for app_id, company_id in rows:
        seen[company_id] = seen.get(company_id, 0) + 1
        Application.update(number=seen[company_id]).where(Application.id == app_id).execute()
    for company_id, n in seen.items():
        Counter.insert(name=f"application:{int(company_id)}", value=n).on_conflict_ignore().execute()
    db.execute_sql("DROP TABLE IF EXISTS setting")


def _to_5(db: Database) -> None:
    from playhouse.migrate import migrate as run

    from .models import Mail

    m = _migrator(db)
    run(
        m.add_column("mail", "attempts", IntegerField(default=0)),
        m.add_column("mail", "claimed_at", DateTimeField(null=True)),
        m.add_column("mail", "last_error", CharField(default="")),
        m.add_column("mail", "message_id", CharField(default="")),
        m.add_index("mail", ("status", "id")),
    )
    # Version 4 and older left mails in "sending" forever when a delivery died: they go back to the queue.
    Mail.update(status="queued").where(Mail.status == "sending").execute()


def _to_6(db: Database) -> None:
    from .models import LoginAttempt

    db.create_tables([LoginAttempt], safe=True)


def _to_7(db: Database) -> None:
    from playhouse.migrate import migrate as run

    m = _migrator(db)
    run(
        m.add_column("orderer", "email", CharField(default="")),
        m.add_column("orderer", "address", CharField(default="")),
        m.add_column("guarantee", "key_reissued_at", DateTimeField(null=True)),
    )


def _to_8(db: Database) -> None:
    from peewee import BlobField
    from playhouse.migrate import migrate as run

    from .models import DSureLock, DSureView

    db.create_tables([DSureView, DSureLock], safe=True)
    m = _migrator(db)
    run(
        m.add_column("mail", "attachment_name", CharField(null=True)),
        m.add_column("mail", "attachment", BlobField(null=True)),
    )


def _to_9(db: Database) -> None:
    from playhouse.migrate import migrate as run

    run(_migrator(db).add_column("application", "revision", IntegerField(default=0)))


def _to_10(db: Database) -> None:
    from playhouse.migrate import migrate as run

    # The column the declaration of 担当者電話番号 (domain.fields) gets in store.models.add_form_columns.
    run(_migrator(db).add_column("application", "contact_phone", CharField(default="")))


def _to_11(db: Database) -> None:
    from playhouse.migrate import migrate as run

    from ..domain.text import search_key
    from . import search
    from .models import Company

    run(_migrator(db).add_column("company", "search_name", CharField(null=True)))
    Guarantee._schema.create_indexes(safe=True)  # type: ignore[attr-defined]  # (branch, issued_at, id)
    # .tuples() rows are typed as models by peewee's hints: say what they are
    for company_id, name in cast("list[tuple[int, str]]", list(Company.select(Company.id, Company.name).tuples())):
        Company.update(search_name=search_key(name)).where(Company.id == company_id).execute()
    search.install(db)  # creates the indexes and fills them from the rows already there


def _to_12(db: Database) -> None:
    from peewee import SqliteDatabase

    from . import search

    if not isinstance(db, SqliteDatabase):
        search.install_pg_grams(db)  # the index is built from the rows already there


STEPS: dict[int, Callable[[Database], None]] = {
    2: _to_2,
    3: _to_3,
    4: _to_4,
    5: _to_5,
    6: _to_6,
    7: _to_7,
    8: _to_8,
    9: _to_9,
    10: _to_10,
    11: _to_11,
    12: _to_12,
}


def current_version(db: Database) -> int:
    """The schema version, by plain reads (no lock): 0 for an empty file, 1 before schema_version."""
    if not db.table_exists("schema_version"):
        return 1 if db.table_exists("guarantee") else 0
    row = SchemaVersion.select(SchemaVersion.version).order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def _refuse_newer(version: int) -> None:
    if version > LATEST:
        from .errors import DatabaseTooNew

        raise DatabaseTooNew(
            f"データベースはこのバージョンより新しい形式です（形式 {version}、このプログラムは {LATEST} まで）。"
            "新しい esurety で開いてください。",
            f"the database schema (version {version}) is newer than this esurety knows ({LATEST}); use a newer esurety",
        )


def create_latest(db: Database) -> None:
    """The whole schema at LATEST in one transaction (a new, empty database)."""
    with db.atomic():
        _create_all(db)


def _create_all(db: Database) -> None:
    from . import search

    db.create_tables(MODELS)
    search.install(db)
    SchemaVersion.create(version=LATEST)


def migrate(db: Database) -> int:
    """Create or upgrade the schema; returns the version now in force.

    A current schema is recognised by a plain read and costs no lock, so a read-only file, or a
    writer holding the lock, does not stop anyone from opening. Only a migration begins IMMEDIATE,
    and each step re-reads the version inside its own transaction: of many processes opening an
    old database at once, one runs each step and the others find it done.
    A schema newer than LATEST is refused (DatabaseTooNew) before anything is written.
    """
    version = current_version(db)
    _refuse_newer(version)
    if version == LATEST:
        return LATEST
    with _patient(db):
        return _upgrade(db)


MIGRATION_WAIT_MS = 120_000
MIGRATION_LOCK = "esurety:schema"


class _patient:
    """While migrating, wait for the write lock far longer than an everyday write does: every process
    that opens an old file queues behind the one migrating (40 at once on a busy machine took longer
    than the usual 10 s), and migrations are rare."""

    def __init__(self, db: Database) -> None:
        from peewee import SqliteDatabase

        self.db = db if isinstance(db, SqliteDatabase) else None

    def __enter__(self) -> None:
        if self.db is not None:
            self.db.execute_sql(f"PRAGMA busy_timeout = {MIGRATION_WAIT_MS}")

    def __exit__(self, *exc: object) -> None:
        if self.db is not None:
            from .db import SQLITE_PRAGMAS

            self.db.execute_sql(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']:d}")


def _upgrade(db: Database) -> int:
    from .db import serialize

    with db.atomic():
        serialize(MIGRATION_LOCK, db)  # PostgreSQL: one migrator at a time (SQLite: BEGIN IMMEDIATE)
        version = current_version(db)
        _refuse_newer(version)
        if version == 0:
            _create_all(db)
            return LATEST
        if not db.table_exists("schema_version"):
            db.create_tables([SchemaVersion])
            SchemaVersion.create(version=1)  # a first-release file without the table
    while True:
        # On SQLite, adding a NOT NULL column rebuilds the table (copy, DROP, rename). With foreign
        # keys on, that DROP deletes every row first and fires ON DELETE actions: certificate
        # versions would be CASCADE-deleted, mail/application links SET NULL. migration_context
        # turns foreign keys off (outside the transaction, where the pragma works) for the step.
        with _migrator(db).migration_context(atomic=False), db.atomic():
            serialize(MIGRATION_LOCK, db)
            version = current_version(db)  # under the write lock: another process may have done it
            _refuse_newer(version)
            if version >= LATEST:
                return version
            STEPS[version + 1](db)
            _check_foreign_keys(db)
            SchemaVersion.create(version=version + 1)


def _check_foreign_keys(db: Database) -> None:
    """Refuse (roll the step back) if a step left a dangling reference while checks were off."""
    from peewee import SqliteDatabase

    if isinstance(db, SqliteDatabase):
        bad = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise RuntimeError(f"migration left broken foreign keys: {bad[:5]}")
