"""SSH access: the forced command turns an SSH key bound to a login into that login's Session, and
every command that arrives over SSH is audited with the key's fingerprint.

Only the service account's own `esurety ssh-session` (started by sshd for an authorised key) calls
these, with the system session: the SSH key is the credential, checked by OpenSSH.
"""

from __future__ import annotations

from ..store.models import User
from . import audit
from .auth import session_for
from .authz import requires
from .errors import NotFound
from .session import Role, Session

UNKNOWN_LOGIN = "ログインID「{}」はありません。"


@requires(Role.SYSTEM)
def session_for_login(session: Session, login: str) -> Session:
    """The Session of ``login`` (a contractor or branch account), or NotFound."""
    user = User.get_or_none(User.login == login)
    if user is None:
        raise NotFound(UNKNOWN_LOGIN.format(login))
    return session_for(user)


@requires(Role.SYSTEM)
def record(session: Session, login: str, fingerprint: str, command: str, outcome: str) -> None:
    """One line of the audit log per SSH command (never a key: look-ups log the number only)."""
    audit.record(login, f"ssh.{outcome}", command[:200], f"key={fingerprint}")
