"""Opening the configured database for the app and the shell: the UI reaches the store only here."""

from __future__ import annotations

from .authz import public


@public
def open_database(setting: str, *, check: bool | None = None) -> list[str]:
    """Point the store at ``setting`` (a path or URL) and bring its schema up to date. Opening grants
    nothing: every read and write still goes through a checked service function.

    ``check``: run SQLite's quick_check (True always; None only after an unclean shutdown). Returns
    warnings for the user: the database or config.toml reachable by other users."""
    from ..locations import loose_modes
    from ..store.db import init_database

    init_database(setting, check=check)
    return [ja for _path, _mode, ja, _en in loose_modes(setting)]


@public
def left_unclean(setting: str) -> bool:
    """Was the database left by a process that did not close it (an SQLite WAL file with content, seen
    before this process opens it: a crash, or another process writing now)? Call before opening."""
    from ..store.db import left_behind_wal
    from ..store.urls import sqlite_path

    return left_behind_wal(sqlite_path(setting))


@public
def check_database() -> list[str]:
    """SQLite's quick_check of the open database: the problems found, [] when it is sound. Reads the
    whole file (about 1 s per 100 MB); for a worker thread."""
    from ..store.db import quick_check

    return quick_check()


@public
def release_connection() -> None:
    """Close the calling thread's database connection, if it has one (the store keeps one per thread,
    with its page cache: up to 16 MB after a scan). For a thread that is about to end or idle; opening
    grants nothing, nor does closing."""
    from ..store.db import close_database

    close_database()


@public
def query_canceller():
    """A function that stops the statement the calling thread's connection is running, callable from
    any thread (SQLite's ``interrupt()``; PostgreSQL: psycopg's cancel request; a no-op when nothing
    runs). The interrupted statement raises in the thread that ran it. For a thread that only reads for
    a screen (a newer key made its query stale)."""
    from ..store.db import database, is_postgresql, is_sqlite

    if is_sqlite():
        interrupt = database.connection().interrupt
    elif is_postgresql():
        conn = database.connection()
        interrupt = getattr(conn, "cancel_safe", None) or conn.cancel
    else:
        return lambda: None

    def cancel() -> None:
        try:
            interrupt()
        except Exception:
            pass

    return cancel
