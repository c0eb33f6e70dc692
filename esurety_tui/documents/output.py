"""Writing documents to disk: atomic replace, predictable file names."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .data import KIND_TITLES

_UNSAFE = re.compile(r"[^0-9A-Za-z_-]")


def _safe(part: str) -> str:
    return _UNSAFE.sub("_", part.strip()) or "_"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and os.replace.

    Readers see either the old file or the complete new one; on any error the temporary file
    is removed and the target is left untouched. Parent directories are created.
    The file gets mkstemp's private mode (0600).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def notice_filename(contract_number: str) -> str:
    """'35072-00000M' -> '認証キーのお知らせ_35072-00000M.pdf'."""
    return f"認証キーのお知らせ_{_safe(contract_number)}.pdf"


def certificate_filename(contract_number: str, kind: str, version_no: int) -> str:
    """('35072-00000M', 'advance', 2) -> '前払金保証書_35072-00000M_第2版.pdf'."""
    title = KIND_TITLES.get(kind, "保証書")
    return f"{title}_{_safe(contract_number)}_第{int(version_no)}版.pdf"
