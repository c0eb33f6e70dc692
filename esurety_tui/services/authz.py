"""Authorization where the data is: each public service function declares the roles it serves.

``@requires(Role.BRANCH, Role.SYSTEM)`` checks the ``session`` argument (the first) before the body
runs and records the roles on the function (``__roles__``) so that a table-driven test can call every
public service function with every other role. Scope (which company, which branch) is checked in the
body, where the row is known; a row outside the caller's scope is reported as not found, exactly like
a missing one, so that no answer tells whether another company's contract exists.
"""

from __future__ import annotations

import functools

from .errors import Forbidden
from .session import Role, Session

TYPE_CHECKING = False  # typing itself is ~2 ms of `esurety key`'s start; type checkers read this as True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    F = TypeVar("F", bound=Callable)

FORBIDDEN = "この操作を行う権限がありません。"


def require(session: object, *roles: Role) -> Session:
    if not isinstance(session, Session) or session.role not in roles:
        raise Forbidden(FORBIDDEN)
    if session.role == Role.CONTRACTOR and not session.company_id:
        raise Forbidden(FORBIDDEN)
    if session.role == Role.BRANCH and not session.branch_id:
        raise Forbidden(FORBIDDEN)
    return session


def requires(*roles: Role) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def checked(session, *args, **kwargs):
            require(session, *roles)
            return fn(session, *args, **kwargs)

        checked.__roles__ = frozenset(roles)  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap


def public(fn: F) -> F:
    """A service function anyone may call (log-in, D-Sure's number + key check): it checks its own
    credentials instead of a session."""
    fn.__public__ = True  # type: ignore[attr-defined]
    return fn


def internal(fn: F) -> F:
    """A helper other services call inside their own checked functions (never a screen or the CLI)."""
    fn.__internal__ = True  # type: ignore[attr-defined]
    return fn


def in_scope(session: Session, *, company_id: int | None, branch_id: int | None) -> bool:
    """May ``session`` see a row of this company and branch?"""
    if session.role == Role.SYSTEM:
        return True
    if session.role == Role.CONTRACTOR:
        return company_id is not None and company_id == session.company_id
    if session.role == Role.BRANCH:
        return branch_id is not None and branch_id == session.branch_id
    return False


STAFF = (Role.CONTRACTOR, Role.BRANCH, Role.SYSTEM)
