"""What a database setting names, without peewee: a plain path, ``sqlite:///rel/path`` (three slashes:
relative), ``sqlite:////abs/path`` (four: absolute), ``:memory:``, or a server URL (``postgresql://…``).

Kept apart from store.db so that the shell's one-shot look-ups (store.lookup) and the loose-mode
check (locations) can tell which SQLite file a setting names without importing peewee.
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY = ":memory:"


def is_url(setting: str) -> bool:
    return "://" in setting


def sqlite_path(setting: str) -> Path | None:
    """The SQLite file a setting names (absolute), or None for :memory: and server URLs."""
    if is_url(setting):
        scheme = setting.split("://", 1)[0].lower()
        if scheme != "sqlite":
            return None
        rest = setting[len("sqlite://") :]
        if rest in ("", "/", "/" + MEMORY):
            return None
        # sqlite:///x → "x" (relative); sqlite:////x → "/x" (absolute); a query string is ignored.
        setting = rest[1:].split("?", 1)[0]
    if setting == MEMORY:
        return None
    return Path(os.path.abspath(Path(setting).expanduser()))
