"""The 認証キー of a 保証契約番号: the shell's `esurety key` and D-Sure's check.

Kept apart from services.contracts (its dataclasses, audit, queries) so that a look-up from the
shell imports little more than peewee and the models.
"""

from __future__ import annotations

from ..domain.contract_number import parse_contract_number
from ..store.models import Guarantee
from .authz import STAFF, in_scope, internal, requires
from .errors import NotFound
from .session import Session

NOT_FOUND = "保証契約番号「{}」の保証契約は見つかりません。"


@requires(*STAFF)
def lookup_key(session: Session, number: str) -> str:
    """The 認証キー of an issued 電子保証 the caller may see. Another company's (or branch's) number
    is answered exactly like an unknown one."""
    canonical = parse_contract_number(number)
    g = Guarantee.get_or_none(Guarantee.number == canonical)
    if (
        g is None
        or not g.electronic
        or not g.auth_key
        or not in_scope(session, company_id=g.company_id, branch_id=g.branch_id)
    ):
        raise NotFound(NOT_FOUND.format(canonical))
    return g.auth_key


@internal
def verify_key(number: str, key: str) -> bool:
    """Does ``key`` open ``number``? Constant-time comparison; no lock-out here (services.dsure
    adds it)."""
    from ..domain.auth_key import keys_equal

    try:
        canonical = parse_contract_number(number)
    except ValueError:
        canonical = None
    g = Guarantee.get_or_none(Guarantee.number == canonical) if canonical else None
    stored = g.auth_key if g is not None and g.electronic and g.auth_key else None
    if stored is None:
        keys_equal(key, "x" * 12)
        return False
    return keys_equal(key, stored)
