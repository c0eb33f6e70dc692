"""Opening the configured database for the app and the shell: the UI reaches the store only here."""

from __future__ import annotations

from .authz import public


@public
def open_database(setting: str) -> None:
    """Point the store at ``setting`` (a path or URL) and bring its schema up to date. Opening grants
    nothing: every read and write still goes through a checked service function."""
    from ..store.db import init_database

    init_database(setting)
