"""The 認証キー of a 保証契約番号: the shell's `esurety key` and D-Sure's check.

Kept apart from services.contracts (its dataclasses, audit, queries), and reading through
store.lookup, so that a look-up from the shell imports neither peewee nor the models: `esurety key`
opens the file with sqlite3 alone (store.lookup.light) and still comes through ``lookup_key``, the
same role and scope check as the TUI and SSH.
"""

from __future__ import annotations

from ..domain.contract_number import parse_contract_number
from ..store.lookup import guarantee_key
from .authz import STAFF, in_scope, internal, requires
from .errors import NotFound
from .session import Session

NOT_FOUND = "保証契約番号「{}」の保証契約は見つかりません。"


@requires(*STAFF)
def lookup_key(session: Session, number: str) -> str:
    """The 認証キー of an issued 電子保証 the caller may see. Another company's (or branch's) number
    is answered exactly like an unknown one."""
    canonical = parse_contract_number(number)
    row = guarantee_key(canonical)
    if row is None:
        raise NotFound(NOT_FOUND.format(canonical))
    electronic, key, company_id, branch_id = row
    if not electronic or not key or not in_scope(session, company_id=company_id, branch_id=branch_id):
        raise NotFound(NOT_FOUND.format(canonical))
    return key


@internal
def verify_key(number: str, key: str) -> bool:
    """Does ``key`` open ``number``? Constant-time comparison; no lock-out here (services.dsure
    adds it)."""
    from ..domain.auth_key import keys_equal

    try:
        canonical = parse_contract_number(number)
    except ValueError:
        canonical = None
    row = guarantee_key(canonical) if canonical else None
    stored = row[1] if row is not None and row[0] and row[1] else None
    if stored is None:
        keys_equal(key, "x" * 12)
        return False
    return keys_equal(key, stored)
