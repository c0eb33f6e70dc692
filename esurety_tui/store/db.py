"""Database set-up: one deferred proxy, initialised once from a path or URL.

SQLite (the embedded default): WAL, foreign keys, a busy timeout, and every transaction begins
IMMEDIATE so concurrent read-then-write transactions queue instead of failing with "database is
locked". Opening takes no lock unless the schema must be migrated; look-ups open read-only.
Nothing SQLite-specific lives outside this package.

PostgreSQL (``postgresql://…``, the ``postgres`` extra): psycopg 3, READ COMMITTED. What SQLite's
single writer gives for free is asked for explicitly: ``serialize(name)`` (a transaction-scoped
advisory lock) and ``locked(query)`` (SELECT … FOR UPDATE) before a read-then-write, and
``retry_on_conflict`` runs a whole transaction again when a unique constraint (the last guard) fires.

Settings: a plain path (relative to the working directory, ``~`` expanded), ``sqlite:///rel/path``
(three slashes: relative, as in SQLAlchemy and peewee's db_url), ``sqlite:////abs/path`` (four:
absolute), or a server URL (``postgresql://…``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from peewee import Database, DatabaseProxy, PostgresqlDatabase, Psycopg3Adapter, SqliteDatabase

from .errors import (
    BadDatabaseSetting,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    translate,
)
from .urls import MEMORY, sqlite_path
from .urls import is_url as _is_url

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -16000,
}
# A read-only connection must not try to switch the journal mode (that is a write).
READONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": 10000, "cache_size": -16000}

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_SCHEMES = ("postgres", "postgresql")
SERVER_SCHEMES = (
    *POSTGRES_SCHEMES,
    "postgresext",
    "postgresqlext",
    "psql",
    "mysql",
    "mysql+pool",
    "postgres+pool",
    "postgresql+pool",
    "cockroachdb",
)


class EsuretyPostgresqlDatabase(PostgresqlDatabase):
    """PostgreSQL through psycopg 3 only (the ``postgres`` extra): peewee would fall back to psycopg2
    when it finds it, with other type adaptations; without psycopg 3 connecting raises peewee's
    ImproperlyConfigured ("psycopg postgres driver not found"), which ``errors.translate`` turns into
    the one-line "driver not installed" failure."""

    psycopg2_adapter = Psycopg3Adapter


class EsuretySqliteDatabase(SqliteDatabase):
    def rollback(self):
        # After SQLITE_FULL, IOERR or a failed COMMIT, SQLite has already rolled the transaction
        # back: a second ROLLBACK raises "cannot rollback - no transaction is active" and hides
        # the real error (the probe saw exactly that on a full disk).
        if not self.is_closed() and not self.connection().in_transaction:
            return
        super().rollback()


def describe_setting(setting: str) -> str:
    """What `esurety locate` prints: the file used, then the setting when it was written otherwise."""
    path = sqlite_path(setting)
    if path is not None:
        return str(path) if str(path) == setting else f"{path}  ({setting})"
    if _is_url(setting):
        parts = urlsplit(setting)
        if parts.password:  # never print a password
            netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
            return urlunsplit(parts._replace(netloc=netloc))
    return setting


def _check_header(path: Path) -> None:
    """Refuse what is not an SQLite database: a folder, an empty file, anything without the magic."""
    where = str(path)
    if path.is_dir():
        raise BadDatabaseSetting(
            f"「{where}」はフォルダです。データベースのファイルを指定してください。",
            f"{where} is a directory, not a database file",
        )
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise DatabaseUnavailable(f"「{where}」を読む権限がありません。", f"no permission to read {where}") from None
    except OSError as e:
        raise DatabaseUnavailable(
            f"「{where}」を読めません: {e.strerror}", f"cannot read {where}: {e.strerror}"
        ) from None
    if not head:
        # Never taken as a new database: a file this app creates is never empty (see _create),
        # so an empty one was truncated (disk full, `> file`, a failed copy) and its data is gone.
        raise DatabaseDamaged(
            f"「{where}」は空（0 バイト）のファイルです。壊れた可能性があります。バックアップから戻すか、削除してから作り直してください。",
            f"{where} is an empty (0-byte) file, probably truncated; restore a backup, or delete it to start anew",
        )
    if not head.startswith(SQLITE_MAGIC) or len(head) < 100:
        raise DatabaseDamaged(
            f"「{where}」は SQLite のデータベースではありません（壊れているか別のファイルです）。",
            f"{where} is not an SQLite database (damaged or another kind of file)",
        )


def _sqlite(path: str, *, readonly: bool = False, immutable: bool = False) -> SqliteDatabase:
    from .search import register_functions

    if readonly:
        uri = f"file:{quote(path)}?mode=ro" + ("&immutable=1" if immutable else "")
        db = EsuretySqliteDatabase(uri, uri=True, pragmas=READONLY_PRAGMAS, timeout=10, autoconnect=True)
    else:
        db = EsuretySqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE", autoconnect=True)
    register_functions(db)  # the search index's triggers call it
    return db


def _create(path: Path) -> None:
    """Create a new database at ``path`` atomically: built complete in a private temporary file,
    then hard-linked into place (fails if another process got there first, which is fine: that
    one is complete too). So no process ever sees a half-made or empty file at ``path``."""
    import tempfile

    from ..locations import ensure_private_dir
    from . import migrations
    from .models import MODELS

    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)  # 0600
    os.close(fd)
    try:
        fresh = _sqlite(tmp)
        with fresh.bind_ctx(MODELS):
            fresh.connect()
            migrations.create_latest(fresh)
        fresh.close()  # the last connection: WAL checkpointed and removed
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            # A filesystem without hard links: rename, unless someone created it meanwhile.
            if not path.exists():
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass


def make_database(setting: str, *, readonly: bool = False, create: bool = True) -> Database:
    """A peewee Database for a file path or a URL (sqlite:///path, postgresql://…).

    A missing SQLite file is created (unless ``readonly`` or not ``create``); an existing one must be
    an SQLite file. Raises DatabaseUnavailable (or a subclass) with the reason otherwise.
    """
    if _is_url(setting) and not setting.lower().startswith("sqlite://"):
        scheme = setting.split("://", 1)[0].lower()
        if scheme not in SERVER_SCHEMES:
            raise BadDatabaseSetting(
                "対応していないデータベースの指定です（パスか sqlite:////… か postgresql://…）。",
                f"unsupported database URL scheme {scheme!r} (use a path, sqlite:////abs/path or postgresql://…)",
            )
        from playhouse.db_url import connect

        try:
            if scheme in POSTGRES_SCHEMES:
                return _postgres(setting)
            return connect(setting)
        except Exception as e:
            raise translate(e) or BadDatabaseSetting(
                f"データベースの指定が正しくありません: {e}", f"bad database URL: {e}"
            ) from None
    path = sqlite_path(setting)
    if path is None:
        return _sqlite(MEMORY)
    try:
        return _make_file_database(path, readonly=readonly, create=create)
    except DatabaseUnavailable:
        raise
    except OSError as e:  # a name too long, a path through a file, no permission on a folder…
        raise translate(e, str(path)) or DatabaseUnavailable(
            f"データベース「{path}」を開けません: {e.strerror or e}",
            f"cannot open the database {path}: {e.strerror or e}",
        ) from None


def _postgres(url: str) -> PostgresqlDatabase:
    from urllib.parse import urlparse

    from playhouse.db_url import parseresult_to_dict

    params = parseresult_to_dict(urlparse(url), unquote_password=True, unquote_user=True)
    # No server-side prepared statements: psycopg prepares a query after 5 runs, and PostgreSQL may
    # then plan it once for every parameter. A search's plan depends on its word (the newest-first
    # index walked for a common word, the gram or trigram index for a rare one): one generic plan made
    # 河 or 3 take 0.3 s instead of 10 ms at 1,000,000 contracts. (Also what a pgbouncer in
    # transaction mode needs.)
    params.setdefault("prepare_threshold", None)
    return EsuretyPostgresqlDatabase(params.pop("database"), prefer_psycopg3=True, **params)


def _make_file_database(path: Path, *, readonly: bool, create: bool) -> Database:
    if path.exists() or path.is_symlink():
        _check_header(path)
    elif readonly or not create:
        raise DatabaseMissing(
            f"データベース「{path}」がありません（esurety init で作れます）。",
            f"no database at {path} (esurety init creates one)",
        )
    else:
        try:
            _create(path)
        except DatabaseUnavailable:
            raise
        except Exception as e:
            raise translate(e, str(path)) or DatabaseUnavailable(
                f"データベース「{path}」を作れません: {getattr(e, 'strerror', None) or e}",
                f"cannot create the database {path}: {getattr(e, 'strerror', None) or e}",
            ) from None
    if readonly:
        return _open_readonly(path)
    return _sqlite(str(path))


def _open_readonly(path: Path) -> SqliteDatabase:
    db = _sqlite(str(path), readonly=True)
    try:
        db.connect()
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except Exception as e:
        db.close()
        err = translate(e, str(path))
        wal = Path(str(path) + "-wal")
        # A WAL database in a folder we cannot write (no -shm can be made). With no WAL content
        # waiting, the file alone is the whole database: read it as immutable.
        cannot_share = isinstance(err, DatabaseReadOnly) or type(err) is DatabaseUnavailable
        if cannot_share and (not wal.exists() or wal.stat().st_size == 0):
            return _sqlite(str(path), readonly=True, immutable=True)
        if err is None:
            raise
        raise err from e


def quick_check(db: Database | None = None, *, full: bool = False) -> list[str]:
    """SQLite's own consistency check: [] when the file is sound, else the problems it lists.

    quick_check reads every page (about 90 ms warm for 100,000 contracts, a 66 MB file);
    ``full`` runs integrity_check, which also checks every index (about 4 times longer).
    """
    db = db or database.obj
    if not isinstance(db, SqliteDatabase):
        return []
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
        if rows == ["ok"]:
            rows = [f"foreign key: {r}" for r in db.execute_sql("PRAGMA foreign_key_check").fetchall()]
    except Exception as e:
        err = translate(e)
        if err is None:
            raise
        if not isinstance(err, DatabaseDamaged):
            raise err from e
        return [str(e)]
    return [] if rows == ["ok"] else rows


def left_behind_wal(path: Path | None) -> bool:
    """A non-empty -wal file before we connect, with no process using the database: the last one died
    (SQLite removes the WAL when the last connection closes cleanly). While another process has the
    database open (operators' SSH sessions, the CLI) its WAL is simply in use: no check is due, and a
    full read of the file at every start would compete with each log-in."""
    if path is None:
        return False
    try:
        if Path(str(path) + "-wal").stat().st_size == 0:
            return False
    except OSError:
        return False
    return not _in_use(Path(str(path) + "-shm"))


# SQLite's unix VFS: every connection of a WAL database holds a shared lock on this byte of the -shm
# file while it is open (the "dead man switch", UNIX_SHM_DMS = (22 + 8) * 4 + 8); a process that died
# holds none.
_SHM_DMS = 128


def _in_use(shm: Path) -> bool:
    """Whether another process holds the database open, asked of the -shm file's lock with F_GETLK (a
    question, not a lock: nothing is taken from a process opening the file at that moment). Unknown
    (no -shm, no fcntl, an error): not in use, so the check runs as before."""
    try:
        import fcntl
        import struct
    except ImportError:  # not POSIX
        return False
    try:
        fd = os.open(shm, os.O_RDONLY)
    except OSError:
        return False
    try:
        # struct flock on Linux and the BSDs' order differs; Linux: type, whence, start, len, pid.
        layout = "hhqqi4x" if sys.platform.startswith("linux") else "qqihh"
        if layout == "hhqqi4x":
            query = struct.pack(layout, fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS, 1, 0)
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
            held = struct.unpack(layout, answer)[0]
        else:  # BSD / macOS: start, len, pid, type, whence
            query = struct.pack(layout, _SHM_DMS, 1, 0, fcntl.F_WRLCK, os.SEEK_SET)
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
            held = struct.unpack(layout, answer)[3]
        return held != fcntl.F_UNLCK
    except OSError:
        return False
    finally:
        os.close(fd)


def _connect_patiently(db: Database, seconds: float = 30.0) -> None:
    """Connect, retrying while SQLite answers "database is locked" at once: switching a rollback-journal
    file to WAL (a connection pragma) takes a lock without calling the busy handler, so many processes
    opening such a file together fail instead of waiting. Bounded; other errors pass through."""
    import random
    import time

    from peewee import OperationalError

    if not isinstance(db, SqliteDatabase):
        return
    give_up = time.monotonic() + seconds
    while True:
        try:
            db.connect(reuse_if_open=True)
            return
        except OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > give_up:
                raise
            if not db.is_closed():
                db.close()
            time.sleep(0.02 + random.random() * 0.08)


def init_database(setting: str, *, readonly: bool = False, create: bool = True, check: bool | None = None) -> Database:
    """Point the proxy at ``setting``, create or migrate the schema, and return the database.

    ``readonly``: open without write access (look-ups); an old schema is still migrated through a
    writable connection when one can be had. ``check``: run quick_check — True always, False never,
    None (default) only when a WAL file was left behind (a possible unclean shutdown).
    Raises DatabaseUnavailable (or a subclass) when the database cannot be used.
    """
    from . import migrations

    path = sqlite_path(setting)  # None for :memory: and servers
    suspect = left_behind_wal(path)
    db = make_database(setting, readonly=readonly, create=create)
    close_database()
    database.initialize(db)
    where = str(path) if path else ""
    try:
        _connect_patiently(db)
        if readonly and migrations.current_version(db) < migrations.LATEST:
            # An old schema: migrate through a writable connection, then read as usual.
            db.close()
            db = make_database(setting)
            database.initialize(db)
        migrations.migrate(db)
        if check or (check is None and suspect):
            problems = quick_check(db)
            if problems:
                raise DatabaseDamaged(
                    f"データベース「{where}」が壊れています（{problems[0][:80]}）。バックアップから戻してください。",
                    f"the database {where} is damaged ({problems[0][:80]}); restore a backup",
                )
    except DatabaseUnavailable:
        close_database()
        raise
    except Exception as e:
        err = translate(e, where)
        if err is None:
            raise
        close_database()
        raise err from None
    return db


def close_database() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def is_postgresql() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def transaction():
    """The one way to write: a transaction that rolls back whole on error (IMMEDIATE on SQLite)."""
    return database.atomic()


def serialize(name: str, db: Database | None = None) -> None:
    """Inside a write transaction: take, until it ends, the lock named ``name`` (e.g. ``login:x``),
    waiting for the transaction holding it. Read-then-write sequences on one thing (a lock-out
    count, a guarantee's versions) then run one at a time.

    SQLite: nothing to do, every write transaction already holds the whole database (BEGIN
    IMMEDIATE). PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of the name (a collision
    only makes two names wait for each other)."""
    db = db or database.obj
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (name,))


def locked(query):
    """``query`` (a SELECT) locking the rows it reads until the transaction ends (FOR UPDATE), where
    the database has row locks; on SQLite the write transaction already excludes every other writer."""
    return query.for_update() if is_postgresql() else query


CONFLICT_ATTEMPTS = 3


def retry_on_conflict(work, attempts: int = CONFLICT_ATTEMPTS):
    """``work()`` (which opens its own transaction), run again when it failed on a unique constraint:
    a concurrent transaction took the same number or version first. The constraint is the last
    guard (counters and locks should have prevented it); the retry reads the state anew. Bounded:
    a conflict that persists (e.g. a number given explicitly that exists) is raised. Inside an
    enclosing transaction there is nothing to retry (it is aborted on PostgreSQL): run once."""
    from peewee import IntegrityError

    if database.in_transaction():
        return work()
    for attempt in range(attempts):
        try:
            return work()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
