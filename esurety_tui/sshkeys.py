"""The managed block of operator keys in the service account's ``authorized_keys``.

Each line binds one SSH key to one Net Desk login through a forced command (the gitolite / Gitea
model)::

    command="/venv/bin/python -m esurety_tui.sshsession --fingerprint SHA256:… -- demo",restrict,pty ssh-ed25519 AAAA…

Only the lines between the two marker lines are ours; every other line of the file is kept as it
is. The file is rewritten atomically (0600, its folder 0700). Pure file and text work: no database,
no Textual.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shlex
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

BEGIN = "# >>> esurety managed keys (edit with `esurety ssh`) >>>"
END = "# <<< esurety managed keys <<<"

KEY_TYPES = (
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
)
LOGIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
FINGERPRINT_RE = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")
# What may appear in the forced command after shell quoting: authorized_keys' command="…" only
# understands \" as an escape, so a double quote or a backslash is refused rather than escaped.
_UNSAFE_IN_OPTION = re.compile(r'["\\\x00-\x1f\x7f]')


class KeyError_(ValueError):
    """A key, login or file that cannot be used; the message is for the administrator."""


@dataclass(frozen=True)
class PublicKey:
    type: str
    blob: str  # base64, as written in the file
    comment: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.blob)

    @property
    def text(self) -> str:
        return f"{self.type} {self.blob}" + (f" {self.comment}" if self.comment else "")


@dataclass(frozen=True)
class Entry:
    login: str
    fingerprint: str
    key: PublicKey
    line: str


def fingerprint_of(blob_b64: str) -> str:
    """OpenSSH's SHA256 fingerprint: base64 of the SHA-256 of the key blob, without padding."""
    digest = hashlib.sha256(base64.b64decode(blob_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def parse_public_key(text: str) -> PublicKey:
    """One OpenSSH public key line (``TYPE BASE64 [comment]``), validated: type in the allowlist,
    the base64 decodes, and the type written inside the blob is the same."""
    text = text.strip()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) != 1:
        raise KeyError_("公開鍵を1行だけ指定してください（例: ssh-ed25519 AAAA… user@host）。")
    parts = lines[0].split(None, 2)
    if len(parts) < 2:
        raise KeyError_("公開鍵の形式が正しくありません（種類と鍵本体が必要です）。")
    key_type, blob = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) > 2 else ""
    if key_type not in KEY_TYPES:
        raise KeyError_(f"この種類の鍵は使えません: {key_type[:40]!r}（使える種類: {', '.join(KEY_TYPES)}）")
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise KeyError_("公開鍵の本体が base64 として読めません。") from None
    if len(raw) < 4:
        raise KeyError_("公開鍵の本体が短すぎます。")
    n = int.from_bytes(raw[:4], "big")
    embedded = raw[4 : 4 + n]
    if n > 64 or len(embedded) != n or embedded.decode("ascii", "replace") != key_type:
        raise KeyError_("公開鍵の本体に書かれた種類が、行の先頭の種類と一致しません。")
    if key_type in ("ssh-ed25519",) and len(raw) != 4 + n + 4 + 32:
        raise KeyError_("ed25519 の公開鍵の長さが正しくありません。")
    # the comment is free text in the file, but never a line break or a control character
    comment = "".join(ch for ch in comment if ch.isprintable())[:100]
    return PublicKey(key_type, blob, comment)


def check_login(login: str) -> str:
    if not LOGIN_RE.fullmatch(login or ""):
        raise KeyError_("ログインIDに使える文字は英数字と . _ - だけです（先頭は英数字、64文字まで）。")
    return login


def authorized_keys_path(settings: Settings | None = None) -> Path:
    """ESURETY_SSH_AUTHORIZED_KEYS, then config ``ssh_authorized_keys``, then ~/.ssh/authorized_keys
    (``Settings.ssh.authorized_keys``; ``settings.current()`` when None)."""
    if settings is None:
        from .settings import current

        settings = current()
    return settings.ssh.authorized_keys


def _importable_without_path() -> bool:
    """Is this package installed where the interpreter finds it on its own (not a source checkout
    on PYTHONPATH)? sshd starts the forced command with a clean environment."""
    root = Path(__file__).resolve().parent.parent
    paths = {
        Path(p).resolve() for p in (sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib")) if p
    }
    return root in paths


def launcher() -> list[str]:
    """How sshd starts this program: the running interpreter (a venv's python is used as is, not
    resolved, so that the venv applies), plus PYTHONPATH through env(1) for a source checkout."""
    python = os.path.abspath(sys.executable)
    argv = [python, "-m", "esurety_tui.sshsession"]
    if not _importable_without_path():
        root = str(Path(__file__).resolve().parent.parent)
        argv = ["/usr/bin/env", f"PYTHONPATH={root}", *argv]
    return argv


def forced_command(login: str, fingerprint: str, *, home: str | None = None, database: str | None = None) -> str:
    """The command sshd runs (through the account's shell) for this key: every word shell-quoted,
    and nothing authorized_keys' quoting could misread."""
    check_login(login)
    if not FINGERPRINT_RE.fullmatch(fingerprint):
        raise KeyError_("指紋の形式が正しくありません。")
    argv = launcher()  # `python -m esurety_tui.sshsession` = `esurety ssh-session`, without the CLI's parser
    if database:
        argv += ["--database", database]
    if home:
        argv += ["--home", home]
    argv += ["--fingerprint", fingerprint, "--", login]
    command = shlex.join(argv)
    if _UNSAFE_IN_OPTION.search(command) or "'\"'\"'" in command:
        raise KeyError_("プログラムやデータのパスに引用符・バックスラッシュ・制御文字を含められません。")
    return command


def key_line(login: str, key: PublicKey, **where: str | None) -> str:
    command = forced_command(login, key.fingerprint, **where)
    return f'command="{command}",restrict,pty {key.type} {key.blob} esurety:{login}'


_LOGIN_IN_LINE = re.compile(r" esurety:(" + LOGIN_RE.pattern + r")$")


def _split(text: str) -> tuple[list[str], list[str], list[str]]:
    """(lines before the block, the block's lines, lines after). A file without the block: all
    lines are 'before'. A damaged block (begin without end) is refused rather than guessed."""
    lines = text.splitlines()
    if BEGIN not in lines:
        if END in lines:
            raise KeyError_("authorized_keys の管理ブロックが壊れています（終了行だけがあります）。")
        return lines, [], []
    b = lines.index(BEGIN)
    try:
        e = lines.index(END, b + 1)
    except ValueError:
        raise KeyError_("authorized_keys の管理ブロックが壊れています（終了行がありません）。") from None
    return lines[:b], lines[b + 1 : e], lines[e + 1 :]


def _entry(line: str) -> Entry | None:
    m = _LOGIN_IN_LINE.search(line)
    if not m:
        return None
    head = line[: m.start()]
    parts = head.rsplit(" ", 2)
    if len(parts) != 3:
        return None
    _, key_type, blob = parts
    try:
        fp = fingerprint_of(blob)
    except (binascii.Error, ValueError):
        return None
    return Entry(m.group(1), fp, PublicKey(key_type, blob, f"esurety:{m.group(1)}"), line)


def read_entries(path: Path | None = None) -> list[Entry]:
    path = path or authorized_keys_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    _, block, _ = _split(text)
    return [e for e in map(_entry, block) if e is not None]


def _write(path: Path, before: list[str], block: list[str], after: list[str]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.parent.name == ".ssh":
        os.chmod(path.parent, 0o700)
    lines = list(before)
    if block:
        lines += [BEGIN, *block, END]
    lines += after
    data = ("\n".join(lines) + "\n") if lines else ""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def authorize(login: str, key: PublicKey, path: Path | None = None, **where: str | None) -> tuple[Entry, bool]:
    """Add (or refresh) the line of ``key`` for ``login``. Returns (entry, changed). A key already
    bound to another login is refused: one key, one login."""
    path = path or authorized_keys_path()
    line = key_line(login, key, **where)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    before, block, after = _split(text)
    fp = key.fingerprint
    for other in (*before, *after):
        parts = other.split()
        if any(p == key.blob for p in parts):
            raise KeyError_("この鍵は authorized_keys の管理ブロックの外に既にあります。先にその行を削除してください。")
    kept: list[str] = []
    for existing in block:
        e = _entry(existing)
        if e is not None and e.fingerprint == fp:
            if e.login != login:
                raise KeyError_(f"この鍵（{fp}）は既にログインID「{e.login}」に割り当てられています。")
            continue
        kept.append(existing)
    changed = line not in block
    if changed or not block:
        _write(path, before, [*kept, line], after)
    entry = _entry(line)
    assert entry is not None
    return entry, changed


def revoke(what: str, path: Path | None = None) -> list[Entry]:
    """Remove every line of a login, or the one line of a fingerprint. Returns what was removed."""
    path = path or authorized_keys_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    before, block, after = _split(text)
    by_fp = what.startswith("SHA256:")
    removed: list[Entry] = []
    kept: list[str] = []
    for line in block:
        e = _entry(line)
        if e is not None and ((by_fp and e.fingerprint == what) or (not by_fp and e.login == what)):
            removed.append(e)
        else:
            kept.append(line)
    if removed:
        _write(path, before, kept, after)
    return removed
