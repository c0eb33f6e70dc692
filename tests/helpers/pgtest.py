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
    died), dropped by ``drop``. ``fresh()`` empties its public schema for the next test."""

    def __init__(self, server: str) -> None:
        import psycopg

        self.server = server
        self.name = f"{PREFIX}{os.getpid()}"
        self.url = with_database(server, self.name)
        with psycopg.connect(server, autocommit=True) as admin:
            for (stale,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                          (PREFIX + "%",)).fetchall():
                m = re.fullmatch(PREFIX + r"(\d+)", stale)
                if m and (stale == self.name or not _alive(int(m.group(1)))):
                    admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self.conn = psycopg.connect(self.url, autocommit=True)
        self.demo_tables: list[str] | None = None
        self.demo_sequences: list[tuple[str, str]] = []

    def _empty_public(self) -> None:
        from esurety_tui.store.db import close_database

        close_database()
        # Connections a test left behind (its threads') would hold the tables: end them.
        self.conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        self.conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        self.conn.execute("CREATE SCHEMA public")

    def fresh(self) -> str:
        """An empty public schema (no tables): the URL to open."""
        self._empty_public()
        return self.url

    def fresh_demo(self, load: Callable[[], None]) -> str:
        """A public schema holding the demo data: loaded by ``load`` once, into the schema
        ``demo_template``, then copied for each test (triggers and foreign-key checks off while
        copying, sequences set past the copied ids)."""
        from esurety_tui.store.db import close_database, init_database

        if self.demo_tables is None:
            self._empty_public()
            init_database(self.url)
            load()
            close_database()
            self.conn.execute("DROP SCHEMA IF EXISTS demo_template CASCADE")
            self.conn.execute("CREATE SCHEMA demo_template")
            tables = [t for (t,) in self.conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
            for t in tables:
                self.conn.execute(f'CREATE TABLE demo_template."{t}" AS TABLE public."{t}"')
            self.demo_sequences = [(t, c) for t, c in self.conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_default LIKE 'nextval(%'").fetchall()]
            self.demo_tables = tables
        self._empty_public()
        init_database(self.url)  # the schema at LATEST, empty
        close_database()
        with self.conn.transaction():
            self.conn.execute("SET LOCAL session_replication_role = replica")
            for t in self.demo_tables:
                self.conn.execute(f'DELETE FROM public."{t}"')  # the schema_version row of a new schema
                self.conn.execute(f'INSERT INTO public."{t}" SELECT * FROM demo_template."{t}"')
            for t, c in self.demo_sequences:
                self.conn.execute(f"SELECT setval(pg_get_serial_sequence('public.\"{t}\"', '{c}'), "
                                  f'COALESCE(MAX("{c}"), 0) + 1, false) FROM public."{t}"')
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
        existing = {(t, c) for t, c in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")}
        for model in MODELS:
            table = model._meta.table_name
            for field in model._meta.sorted_fields:
                if (table, field.column_name) not in existing:
                    continue
                if isinstance(field, BooleanField):
                    conn.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE BOOLEAN '
                                 f'USING "{field.column_name}" <> 0')
                elif isinstance(field, BigIntegerField):
                    conn.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE BIGINT')
            if (table, "id") in existing:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                             f'COALESCE(MAX("id"), 0) + 1, false) FROM "{table}"')


def columns(conn) -> dict[str, list[tuple[str, str, str]]]:
    """Every table's columns in the public schema: (name, type, nullable), sorted by name."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, kind, nullable in conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, column_name"):
        out.setdefault(table, []).append((column, kind, nullable))
    return out
