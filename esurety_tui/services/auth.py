"""Accounts and log-in: argon2id password hashes, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from ..clock import now
from ..store.db import serialize, transaction
from ..store.models import Branch, Company, LoginAttempt, User
from . import audit
from .authz import internal, public, requires
from .errors import LoginFailed, ServiceError
from .session import Role, Session

MAX_FAILURES = 5  # failed log-ins of one id within WINDOW lock it ...
WINDOW = timedelta(minutes=15)  # ... until they age out of the window: the lock ends by itself
LOGIN_KEY_LENGTH = 64  # failures are counted by the id as typed, cut to this length
# One message for every failure: wrong password, unknown id, locked id. Which ids exist, and which
# are locked, cannot be told from the answer (nor from its timing: the hash check always runs).
WRONG_LOGIN = "ログインIDまたはパスワードが正しくありません。"

COMPANY_MAX_LENGTH = 60

# argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), chosen over argon2-cffi's
# default (64 MiB, 3 passes, 4 lanes). Why, and what it trades: README, "Reliability and security".
# Hashes made with other parameters are made again at the holder's next successful log-in.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

_hasher = None


def _ph():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher, Type

        _hasher = PasswordHasher(
            time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM, type=Type.ID
        )
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


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-password")
    return _DUMMY_HASH


def _failures(key: str, since) -> int:
    return LoginAttempt.select().where(LoginAttempt.login == key, LoginAttempt.at > since).count()


@public
def login(login_id: str, password: str) -> Session:
    """A Session, or LoginFailed with one message whatever went wrong.

    Lock-out (as a bank's portal): MAX_FAILURES failed log-ins of one id within WINDOW refuse that
    id, even with the right password, until the oldest of them is older than WINDOW. Failures are
    counted for unknown ids too, so an unknown id behaves exactly like a known one; attempts while
    locked are not counted (the lock ends by itself even under a steady stream of guesses). The lock
    is recorded in the audit log. The slow argon2 check runs outside the write transaction so that
    one log-in does not hold the database lock for everyone.
    """
    login_id = login_id.strip()
    key = login_id[:LOGIN_KEY_LENGTH]
    user = User.get_or_none(User.login == login_id)
    ok = _verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    # Made with other parameters (older ones): hash again, here, outside the write transaction.
    rehashed = hash_password(password) if user and ok and _ph().check_needs_rehash(user.password_hash) else None
    t = now()
    since = t - WINDOW
    failed = False
    with transaction():  # count and record under the write lock: concurrent tries are all counted
        serialize(f"login:{key}")  # PostgreSQL: tries of one id take turns (SQLite: the write lock)
        if _failures(key, since) >= MAX_FAILURES:
            failed = True
        elif not ok:
            failed = True
            LoginAttempt.delete().where(LoginAttempt.at <= since).execute()  # aged out: forget
            LoginAttempt.create(login=key, at=t)
            if _failures(key, since) >= MAX_FAILURES:
                audit.record(
                    key, "login.locked", detail=f"{MAX_FAILURES}回失敗（{int(WINDOW.total_seconds() // 60)}分以内）"
                )
        else:
            assert user is not None  # ok implies a user
            LoginAttempt.delete().where(LoginAttempt.login == key).execute()
            if rehashed is not None:  # unless the password was changed meanwhile
                User.update(password_hash=rehashed).where(
                    User.id == user.id, User.password_hash == user.password_hash
                ).execute()
            audit.record(user.login, "login")
    if failed or user is None:
        raise LoginFailed(WRONG_LOGIN)
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
    from ..domain.errors import DomainError
    from ..domain.text import NOT_UTF8, check_text, has_surrogates

    if has_surrogates(login_id) or has_surrogates(password):
        raise ServiceError(f"ログインIDまたはパスワードに{NOT_UTF8}")
    try:
        check_text(login_id, label="ログインID", max_length=64)
        if company:  # printed on the notice and certificate (受注者)
            check_text(company, label="会社名", max_length=COMPANY_MAX_LENGTH)
        if branch:
            check_text(branch, label="支店名", max_length=COMPANY_MAX_LENGTH)
    except DomainError as e:
        raise ServiceError(str(e)) from None
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
