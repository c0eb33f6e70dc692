"""発注者 master: the orderers, whether they accept 電子保証, their terms and submission address.

Shared by every branch (an orderer is not a branch's own); branch clerks and the host's
administrator maintain it.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass

from ..domain.rules import _EMAIL, OrdererTerms
from ..store import queries
from ..store.db import transaction
from ..store.models import Orderer
from . import audit
from .authz import requires
from .errors import InvalidState, NotFound
from .session import Role, Session

MASTER_ROLES = (Role.BRANCH, Role.SYSTEM)


@dataclass(frozen=True)
class OrdererRow:
    id: int
    name: str
    accepts_electronic: bool
    terms: str  # JSON overrides of domain.rules.OrdererTerms ("" = the standard rules)
    email: str
    address: str

    @property
    def rounding_unit(self) -> int:
        return _terms(self.name, self.accepts_electronic, self.terms).rounding_unit

    @property
    def terms_text(self) -> str:
        """Short description of the terms for lists: 標準 / 1万円単位, 前払4/10 …"""
        overrides = json.loads(self.terms) if self.terms else {}
        if not overrides:
            return "標準"
        t = _terms(self.name, self.accepts_electronic, self.terms)
        parts = []
        if "rounding_unit" in overrides:
            unit = t.rounding_unit
            parts.append(f"{unit // 10000}万円単位" if unit % 10000 == 0 else f"{unit:,}円単位")
        from ..domain.rules import ratio_text

        for key, label in (("advance_work", "前払"), ("advance_service", "委託"), ("contract_min", "契約")):
            if key in overrides:
                parts.append(f"{label}{ratio_text(getattr(t, key))}")
        return "・".join(parts) or "標準"


def _terms(name: str, accepts: bool, terms: str) -> OrdererTerms:
    return OrdererTerms.from_overrides(name, accepts, json.loads(terms) if terms else None)


def _row(o: Orderer) -> OrdererRow:
    return OrdererRow(o.id, o.name, bool(o.accepts_electronic), o.terms or "", o.email or "", o.address or "")


def _clean_terms(name: str, accepts: bool, terms: str | dict | None, rounding: int | None) -> str:
    """Terms as stored JSON, checked by OrdererTerms (bad ratios or units are refused here)."""
    if isinstance(terms, str):
        try:
            overrides = json.loads(terms) if terms.strip() else {}
        except json.JSONDecodeError:
            raise InvalidState('条件は JSON で指定してください（例: {"rounding_unit": 10000}）。') from None
    else:
        overrides = dict(terms or {})
    if not isinstance(overrides, dict):
        raise InvalidState("条件は JSON のオブジェクトで指定してください。")
    if rounding is not None:
        if rounding <= 1:
            overrides.pop("rounding_unit", None)
        else:
            overrides["rounding_unit"] = rounding
    try:
        OrdererTerms.from_overrides(name, accepts, overrides)
    except ValueError as e:
        raise InvalidState(f"条件が正しくありません: {e}") from None
    return json.dumps(overrides, ensure_ascii=False) if overrides else ""


def _clean(name: str, email: str, address: str) -> tuple[str, str, str]:
    name, email, address = name.strip(), email.strip(), address.strip()
    if not name:
        raise InvalidState("発注者名を入力してください。")
    if email and not _EMAIL.match(email):
        raise InvalidState("メールアドレスが正しくありません。")
    return name, email, address


@requires(*MASTER_ROLES)
def list(session: Session) -> builtins.list[OrdererRow]:
    return [_row(o) for o in Orderer.select().order_by(Orderer.id)]


@requires(*MASTER_ROLES)
def get(session: Session, orderer_id: int) -> OrdererRow:
    o = Orderer.get_or_none(Orderer.id == orderer_id)
    if o is None:
        raise NotFound("発注者が見つかりません。")
    return _row(o)


@requires(*MASTER_ROLES)
def add(
    session: Session,
    name: str,
    *,
    accepts_electronic: bool = False,
    email: str = "",
    address: str = "",
    terms: str | dict | None = None,
    rounding: int | None = None,
) -> OrdererRow:
    name, email, address = _clean(name, email, address)
    stored = _clean_terms(name, accepts_electronic, terms, rounding)
    with transaction():
        if Orderer.get_or_none(Orderer.name == name):
            raise InvalidState(f"発注者「{name}」は既に登録されています。")
        o = Orderer.create(name=name, accepts_electronic=accepts_electronic, terms=stored, email=email, address=address)
        audit.record(session.login, "orderer.add", name)
    return _row(o)


@requires(*MASTER_ROLES)
def update(
    session: Session,
    orderer_id: int,
    *,
    name: str | None = None,
    accepts_electronic: bool | None = None,
    email: str | None = None,
    address: str | None = None,
    terms: str | dict | None = None,
    rounding: int | None = None,
) -> OrdererRow:
    with transaction():
        o = Orderer.get_or_none(Orderer.id == orderer_id)
        if o is None:
            raise NotFound("発注者が見つかりません。")
        new_name, new_email, new_address = _clean(
            o.name if name is None else name,
            o.email if email is None else email,
            o.address if address is None else address,
        )
        accepts = o.accepts_electronic if accepts_electronic is None else accepts_electronic
        stored = _clean_terms(new_name, accepts, o.terms if terms is None else terms, rounding)
        other = Orderer.get_or_none(Orderer.name == new_name)
        if other is not None and other.id != o.id:
            raise InvalidState(f"発注者「{new_name}」は既に登録されています。")
        renamed = new_name != o.name
        o.name, o.accepts_electronic, o.terms, o.email, o.address = new_name, accepts, stored, new_email, new_address
        o.save()
        if renamed:  # its guarantees are searched by the orderer's name: their search text follows
            queries.refresh_orderer_search_text(o.id)
        audit.record(session.login, "orderer.update", new_name)
    return _row(o)
