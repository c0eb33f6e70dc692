"""Accounts and log-in: argon2id password hashes, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from ..clock import now
from ..store.db import transaction
from ..store.models import Branch, Company, User
from . import audit
from .authz import internal, public, requires
from .errors import LoginFailed, ServiceError
from .session import Role, Session

MAX_FAILURES = 5
LOCK_MINUTES = 5
WRONG_LOGIN = "ログインIDまたはパスワードが正しくありません。"
LOCKED = "ログインに続けて失敗したため、このIDは一時的に利用できません。しばらくしてから再度お試しください。"

_hasher = None


def _ph():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


@internal
def hash_password(password: str) -> str:
    return _ph().hash(password)


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _ph().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


@public
def login(login_id: str, password: str) -> Session:
    """A Session, or LoginFailed with one message that does not say which part was wrong.

    The failure count is committed before LoginFailed is raised (raising inside the transaction
    would roll it back, and the lock-out would never happen). The slow argon2 check runs outside
    the write transaction so that one log-in does not hold the database lock for everyone.
    """
    global _DUMMY_HASH
    login_id = login_id.strip()
    user = User.get_or_none(User.login == login_id)
    if user is None:
        # Same work as a real check, so timing does not tell which logins exist.
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-password")
        _verify(_DUMMY_HASH, password)
        raise LoginFailed(WRONG_LOGIN)
    t = now()
    if user.locked_until and user.locked_until > t:
        raise LoginFailed(LOCKED)
    ok = _verify(user.password_hash, password)
    failure: str | None = None
    with transaction():
        user = User.get_by_id(user.id)  # again, under the write lock: another process may have counted
        if user.locked_until and user.locked_until > t:
            failure = LOCKED
        elif not ok:
            user.failed_logins += 1
            failure = WRONG_LOGIN
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = t + timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
                failure = LOCKED
                audit.record(user.login, "login.locked")
            user.save()
        else:
            if user.failed_logins or user.locked_until:
                user.failed_logins = 0
                user.locked_until = None
                user.save()
            audit.record(user.login, "login")
    if failure:
        raise LoginFailed(failure)
    return session_for(user)


@internal
def session_for(user: User) -> Session:
    """The Session of an authenticated user (after login, or an SSH key bound to the login)."""
    if user.branch_id:
        branch = Branch.get_by_id(user.branch_id)
        return Session(user.id, user.login, Role.BRANCH, branch_id=branch.id, branch_name=branch.name)
    company = Company.get_by_id(user.company_id)
    return Session(user.id, user.login, Role.CONTRACTOR, company_id=company.id, company_name=company.name)


@requires(Role.SYSTEM)
def add_user(
    session: Session, login_id: str, password: str, *, company: str | None = None, branch: str | None = None
) -> User:
    """Create an account for a company (created if new) or an existing branch."""
    if bool(company) == bool(branch):
        raise ServiceError("--company か --branch のどちらか一方を指定してください。")
    if not login_id.strip() or len(password) < 4:
        raise ServiceError("ログインIDと4文字以上のパスワードが必要です。")
    with transaction():
        if User.get_or_none(User.login == login_id):
            raise ServiceError(f"ログインID「{login_id}」は既に使われています。")
        if company:
            c, _ = Company.get_or_create(name=company)
            user = User.create(login=login_id, password_hash=hash_password(password), company=c)
        else:
            b = Branch.get_or_none(Branch.name == branch)
            if b is None:
                raise ServiceError(f"支店「{branch}」がありません。")
            user = User.create(login=login_id, password_hash=hash_password(password), branch=b)
        audit.record(session.login, "user.add", login_id)
    return user
