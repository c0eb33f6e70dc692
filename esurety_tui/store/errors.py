"""Why the database cannot be used, in Japanese and English, and the translation of driver errors.

Every failure the store raises on purpose is a ``DatabaseUnavailable`` (the CLI's exit code 3);
``translate()`` turns the driver's own errors (sqlite3 / peewee / psycopg) into the same family so
that callers need no knowledge of SQLite error codes.
"""

from __future__ import annotations

import errno


class DatabaseUnavailable(Exception):
    """The database cannot be opened or used; ``ja`` / ``en`` say why in one line each."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(ja)
        self.ja = ja
        self.en = en


class DatabaseLocked(DatabaseUnavailable):
    pass


class DatabaseReadOnly(DatabaseUnavailable):
    pass


class DatabaseDamaged(DatabaseUnavailable):
    pass


class DatabaseTooNew(DatabaseUnavailable):
    pass


class DatabaseMissing(DatabaseUnavailable):
    pass


class BadDatabaseSetting(DatabaseUnavailable):
    """The setting itself is wrong: an unknown URL scheme, a missing driver, a directory."""


class DiskFull(DatabaseUnavailable):
    pass


DISK_FULL_JA = "ディスクの空きがありません。"
DISK_FULL_EN = "no space left on the device"


def disk_full(where: str = "") -> DiskFull:
    suffix = f"（{where}）" if where else ""
    return DiskFull(
        f"{DISK_FULL_JA.rstrip('。')}{suffix}。何も失われていません。",
        f"{DISK_FULL_EN}{' (' + where + ')' if where else ''}; nothing was lost",
    )


def _sqlite_error(exc: BaseException | None) -> BaseException | None:
    """The sqlite3 exception inside a peewee wrapper (peewee passes it as args[0])."""
    seen = 0
    while exc is not None and seen < 5:
        if hasattr(exc, "sqlite_errorcode"):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


# Primary SQLite result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def translate(exc: BaseException, where: str = "") -> DatabaseUnavailable | None:
    """A ``DatabaseUnavailable`` for a driver error that means the database cannot be used, else None."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    place = f"「{where}」" if where else "データベース"
    place_en = where or "the database"
    sq = _sqlite_error(exc)
    if sq is not None:
        code = getattr(sq, "sqlite_errorcode", 0) & 0xFF
        if code in (_BUSY, _LOCKED):
            return DatabaseLocked(
                f"{place}は他の処理が使用中です。しばらくしてからやり直してください。",
                f"{place_en} is locked by another process; try again later",
            )
        if code == _READONLY:
            return DatabaseReadOnly(f"{place}に書き込めません（読み取り専用です）。", f"{place_en} is read-only")
        if code in (_CORRUPT, _NOTADB):
            return DatabaseDamaged(
                f"{place}が壊れています。esurety check で確認し、バックアップから戻してください。",
                f"{place_en} is damaged (malformed); run esurety check, restore a backup",
            )
        if code == _FULL:
            return disk_full(where)
        if code == _IOERR:
            return DatabaseUnavailable(
                f"{place}の読み書きに失敗しました（入出力エラー）。", f"{place_en}: disk I/O error"
            )
        if code == _CANTOPEN:
            return DatabaseUnavailable(f"{place}を開けません。", f"cannot open {place_en}")
        return None
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(where)
    name = type(exc).__name__
    if name == "ImproperlyConfigured":  # peewee: the driver for this URL is not installed
        hint = (
            "（pip install 'esurety-tui[postgres]'）"
            if "psycopg" in str(exc).lower() or "postgres" in str(exc).lower()
            else ""
        )
        return BadDatabaseSetting(
            f"データベースのドライバがインストールされていません: {exc}{hint}",
            f"database driver not installed: {exc}" + ("; pip install 'esurety-tui[postgres]'" if hint else ""),
        )
    if name in ("OperationalError", "InterfaceError") and type(exc).__module__.startswith(("psycopg", "peewee")):
        first = (str(exc).strip().splitlines() or [""])[0]  # drivers add hint lines
        return DatabaseUnavailable(f"データベースに接続できません: {first}", f"cannot connect to the database: {first}")
    return None


class MoveRefused(Exception):
    """`esurety migrate-to` did not move the data (the CLI's exit code 7): the target holds rows, or
    the copy did not check out and was rolled back. ``ja`` / ``en`` say why in one line each."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(ja)
        self.ja = ja
        self.en = en
