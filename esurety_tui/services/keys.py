"""The 認証キー of a 保証契約番号: the shell's `esurety key` and D-Sure's check.

Kept apart from services.contracts (its dataclasses, audit, queries) so that a look-up from the
shell imports little more than peewee and the models.
"""

from __future__ import annotations

from ..domain.contract_number import parse_contract_number
from ..store.models import Guarantee
from .errors import NotFound

NOT_FOUND = "保証契約番号「{}」の保証契約は見つかりません。"


def lookup_key(number: str) -> str:
    """The 認証キー of an issued 電子保証, for the shell (the operator on this host)."""
    canonical = parse_contract_number(number)
    g = Guarantee.get_or_none(Guarantee.number == canonical)
    if g is None or not g.electronic or not g.auth_key:
        raise NotFound(NOT_FOUND.format(canonical))
    return g.auth_key


def verify_key(number: str, key: str) -> bool:
    """D-Sure: does ``key`` open ``number``? Constant-time comparison."""
    from ..domain.auth_key import keys_equal

    try:
        stored = lookup_key(number)
    except (NotFound, ValueError):
        keys_equal(key, "x" * 12)
        return False
    return keys_equal(key, stored)
