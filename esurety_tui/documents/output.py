"""Writing documents to disk: atomic replace, predictable file names."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .data import KIND_TITLES

_UNSAFE = re.compile(r"[^0-9A-Za-z_-]")


class OutputError(OSError):
    """A document could not be written to ``path`` (the CLI's exit code 4); nothing was changed there."""

    def __init__(self, path: Path, err: OSError) -> None:
        super().__init__(err.errno, err.strerror or str(err), str(path))
        self.path = path


def _safe(part: str) -> str:
    return _UNSAFE.sub("_", part.strip()) or "_"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and os.replace.

    Readers see either the old file or the complete new one; on any error the temporary file
    is removed and the target is left untouched. Missing parent folders are created 0700.
    The file gets mkstemp's private mode (0600) whatever the umask. Any OSError (a full disk, a
    read-only folder, /proc) is raised as OutputError.
    """
    from ..locations import ensure_private_dir

    target = Path(path)
    try:
        ensure_private_dir(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise OutputError(target, e) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise OutputError(target, e) from e
        raise
    return target


def notice_filename(contract_number: str) -> str:
    """'35072-00000M' -> '認証キーのお知らせ_35072-00000M.pdf'."""
    return f"認証キーのお知らせ_{_safe(contract_number)}.pdf"


def certificate_filename(contract_number: str, kind: str, version_no: int) -> str:
    """('35072-00000M', 'advance', 2) -> '前払金保証書_35072-00000M_第2版.pdf'."""
    title = KIND_TITLES.get(kind, "保証書")
    return f"{title}_{_safe(contract_number)}_第{int(version_no)}版.pdf"
