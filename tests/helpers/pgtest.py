"""The PostgreSQL pass of the tests: one database per pytest process on the named server, a fresh
schema per test (see tests/conftest.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

PREFIX = "esurety_test_"


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgWorker:
    """``esurety_test_<pid>`` on the server: created at start (after dropping those of processes that
    died), dropped by ``drop``. Per test: ``fresh()`` an empty public schema (no tables); ``empty()``
    the schema at LATEST without rows; ``fresh_demo()`` the demo data. While the schema is the one
    these made, the next test's is made by emptying the tables (TRUNCATE) and copying rows back,
    which costs a fraction of building it anew. Commits do not wait for the disk
    (synchronous_commit off: a disposable database)."""

    def __init__(self, server: str) -> None:
        import psycopg

        self.server = server
        self.name = f"{PREFIX}{os.getpid()}"
        self.url = with_database(server, self.name)
        with psycopg.connect(server, autocommit=True) as admin:
            for (stale,) in admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (PREFIX + "%",)
            ).fetchall():
                m = re.fullmatch(PREFIX + r"(\d+)", stale)
                if m and (stale == self.name or not _alive(int(m.group(1)))):
                    admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')
            admin.execute(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        self.conn = psycopg.connect(self.url, autocommit=True)
        self.tables: list[str] | None = None  # the public tables of the schema empty() made
        self.sequences: list[tuple[str, str]] = []
        self.demo_built = False

    def _end_other_connections(self) -> None:
        from esurety_tui.store.db import close_database

        close_database()
        # Connections a test left behind (its threads') would hold the tables: end them.
        self.conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    def _public_tables(self) -> list[str]:
        return [
            t
            for (t,) in self.conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]

    def _drop_public(self) -> None:
        self._end_other_connections()
        self.conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        self.conn.execute("CREATE SCHEMA public")
        self.tables = None

    def fresh(self) -> str:
        """An empty public schema (no tables): the URL to open."""
        self._drop_public()
        return self.url

    def _copy_back(self, template: str) -> None:
        """Every table emptied, then filled from the schema ``template`` (triggers and foreign-key
        checks off while copying), sequences set past the copied ids: one script, one round trip
        (DELETE rather than TRUNCATE: a few hundred rows, no new files)."""
        assert self.tables is not None
        script = ["BEGIN", "SET LOCAL session_replication_role = replica"]
        script += [f'DELETE FROM public."{t}"' for t in self.tables]
        script += [f'INSERT INTO public."{t}" SELECT * FROM {template}."{t}"' for t in self.tables]
        script += [
            f"SELECT setval(pg_get_serial_sequence('public.\"{t}\"', '{c}'), "
            f'COALESCE(MAX("{c}"), 0) + 1, false) FROM public."{t}"'
            for t, c in self.sequences
        ]
        script.append("COMMIT")
        self.conn.execute(";\n".join(script).encode())

    def _snapshot(self, template: str) -> None:
        self.conn.execute(f"DROP SCHEMA IF EXISTS {template} CASCADE")
        self.conn.execute(f"CREATE SCHEMA {template}")
        for t in self.tables or []:
            self.conn.execute(f'CREATE TABLE {template}."{t}" AS TABLE public."{t}"')

    def empty(self) -> str:
        """The schema at LATEST with no rows (but its schema_version): the URL to open."""
        from esurety_tui.store.db import close_database, init_database

        self._end_other_connections()
        if self.tables is not None and self._public_tables() == self.tables:
            self._copy_back("empty_template")
            return self.url
        self._drop_public()
        init_database(self.url)
        close_database()
        self.tables = self._public_tables()
        self.sequences = [
            (t, c)
            for t, c in self.conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_default LIKE 'nextval(%'"
            ).fetchall()
        ]
        self._snapshot("empty_template")
        self.demo_built = False
        return self.url

    def fresh_demo(self, load: Callable[[], None]) -> str:
        """The schema at LATEST holding the demo data: loaded by ``load`` once per schema, kept in
        the schema ``demo_template``, copied back for each test."""
        from esurety_tui.store.db import close_database, init_database

        self._end_other_connections()
        if self.demo_built and self.tables is not None and self._public_tables() == self.tables:
            self._copy_back("demo_template")
            return self.url
        self.empty()
        init_database(self.url)
        load()
        close_database()
        self._snapshot("demo_template")
        self.demo_built = True
        return self.url

    def drop(self) -> None:
        import psycopg

        from esurety_tui.store.db import close_database

        close_database()
        self.conn.close()
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def load_sqlite_script(conn, script: str) -> None:
    """An SQLite dump made by peewee (tests/data/schema_v*.sql) loaded into PostgreSQL as peewee
    would have made it there: SERIAL ids, TIMESTAMP, and the models' booleans and big integers
    (stored as INTEGER by SQLite) turned into BOOLEAN and BIGINT after the rows are in."""
    from peewee import BigIntegerField, BooleanField

    from esurety_tui.store.models import MODELS

    statements = []
    for line in script.splitlines():
        if line.startswith(("--", "PRAGMA")) or not line.strip():
            continue
        line = line.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL PRIMARY KEY')
        line = re.sub(r"\bDATETIME\b", "TIMESTAMP", line)
        statements.append(line)
    sql = "\n".join(statements)
    with conn.transaction():
        for statement in sql.split(";\n"):
            if statement.strip() and statement.strip().upper() not in ("BEGIN", "COMMIT", "BEGIN;", "COMMIT;"):
                conn.execute(statement.rstrip(";"))
        existing = {
            (t, c)
            for t, c in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            )
        }
        for model in MODELS:
            table = model._meta.table_name
            for field in model._meta.sorted_fields:
                if (table, field.column_name) not in existing:
                    continue
                if isinstance(field, BooleanField):
                    conn.execute(
                        f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE BOOLEAN '
                        f'USING "{field.column_name}" <> 0'
                    )
                elif isinstance(field, BigIntegerField):
                    conn.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE BIGINT')
            if (table, "id") in existing:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE(MAX("id"), 0) + 1, false) FROM "{table}"'
                )


def columns(conn) -> dict[str, list[tuple[str, str, str]]]:
    """Every table's columns in the public schema: (name, type, nullable), sorted by name."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, kind, nullable in conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, column_name"
    ):
        out.setdefault(table, []).append((column, kind, nullable))
    return out
