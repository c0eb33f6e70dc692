"""Reads a one-shot shell command needs, answerable without peewee (`esurety key`).

A process that answers one look-up and exits pays for every import: peewee and the models cost
about 35 ms, several times the query itself through the standard library's sqlite3. So:

- ``light(setting)`` opens the SQLite file a setting names read-only with sqlite3 alone, when it can
  (a plain file at this code's schema version), and makes it the connection the reads below use
  until the ``with`` block ends. It yields False for everything else (a server URL, a missing,
  damaged, locked-out or older file, a WAL file in a folder that cannot be written): the caller then
  opens the database the usual way (store.db.init_database), which reports, migrates or repairs it
  exactly as before.
- The reads (``guarantee_key``) use that connection when one is open, else the models (peewee),
  so the services call one function whichever way the database was opened.

Only what is read is here; anything that writes goes through peewee and store.db.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .schema import LATEST
from .urls import sqlite_path

_light: sqlite3.Connection | None = None

KEY_SQL = "SELECT electronic, auth_key, company_id, branch_id FROM guarantee WHERE number = ?"


def _uri(path: str) -> str:
    # SQLite URI filenames: '%', '?' and '#' must be escaped (urllib.parse.quote is a heavy import).
    return "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"


def _open(setting: str) -> sqlite3.Connection | None:
    try:
        path = sqlite_path(setting)
        if path is None or not path.is_file():
            return None
    except (OSError, ValueError):  # a name too long, a NUL byte …: the usual open says what is wrong
        return None
    try:
        conn = sqlite3.connect(_uri(str(path)), uri=True, timeout=10, check_same_thread=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        if row is not None and row[0] == LATEST:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


@contextmanager
def light(setting: str) -> Iterator[bool]:
    """While the block runs, read ``setting`` through a read-only sqlite3 connection: yields True
    if one could be opened, False if the caller must open the database the usual way."""
    global _light
    conn = _open(setting) if _light is None else None
    if conn is None:
        yield False
        return
    _light = conn
    try:
        yield True
    finally:
        _light = None
        conn.close()


def guarantee_key(number: str) -> tuple[bool, str | None, int | None, int | None] | None:
    """(electronic, auth_key, company_id, branch_id) of the guarantee with this canonical number,
    or None when there is none."""
    if _light is not None:
        row = _light.execute(KEY_SQL, (number,)).fetchone()
        return None if row is None else (bool(row[0]), row[1], row[2], row[3])
    from .models import Guarantee

    g = (
        Guarantee.select(Guarantee.electronic, Guarantee.auth_key, Guarantee.company, Guarantee.branch)
        .where(Guarantee.number == number)
        .first()
    )
    return None if g is None else (bool(g.electronic), g.auth_key, g.company_id, g.branch_id)
