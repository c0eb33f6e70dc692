"""Branches (申込送信先) of the surety company: set up by the host's administrator."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.rules import _EMAIL
from ..store.db import transaction
from ..store.models import Branch
from . import audit
from .authz import requires
from .errors import InvalidState
from .session import Role, Session


@dataclass(frozen=True)
class BranchRow:
    id: int
    name: str
    code: str
    phone: str
    email: str


def _row(b: Branch) -> BranchRow:
    return BranchRow(b.id, b.name, b.code, b.phone, b.email)


@requires(Role.SYSTEM)
def add(session: Session, name: str, code: str, *, phone: str = "", email: str = "", hours: str = "") -> BranchRow:
    """A branch with its three-digit code (the first digits of its 保証契約番号)."""
    name, code, email = name.strip(), code.strip(), email.strip()
    if not name:
        raise InvalidState("支店名を入力してください。")
    if not re.fullmatch(r"[0-9]{3}", code):
        raise InvalidState("支店コードは3桁の数字で指定してください。")
    if email and not _EMAIL.match(email):
        raise InvalidState("メールアドレスが正しくありません。")
    with transaction():
        if Branch.get_or_none(Branch.name == name):
            raise InvalidState(f"支店「{name}」は既に登録されています。")
        if Branch.get_or_none(Branch.code == code):
            raise InvalidState(f"支店コード「{code}」は既に使われています。")
        b = Branch.create(name=name, code=code, phone=phone.strip(), email=email, hours=hours.strip())
        audit.record(session.login, "branch.add", name)
    return _row(b)


@requires(Role.SYSTEM)
def rows(session: Session) -> list[BranchRow]:
    return [_row(b) for b in Branch.select().order_by(Branch.id)]
