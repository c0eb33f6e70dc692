"""保証確認サービス(D・Sure): the orderer views a certificate by 保証契約番号 + 認証キー, without an account.

Every refusal — a wrong key, an unknown number, a locked number — gets the same message, so that no
answer tells whether a number exists. ``dsure_max_failures`` (5) wrong keys in a row lock a number
(known or not) for ``dsure_lock_minutes`` (15); while locked even the right key is refused. The key is
checked in constant time against the guarantee's current key (a reissued key replaces the old one at
once) and never reaches the audit log. Each successful view is recorded (閲覧履歴).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..clock import now
from ..domain.contract_number import parse_contract_number
from ..domain.text import printable
from ..store import queries
from ..store.db import serialize, transaction
from ..store.models import DSureLock, DSureView, Guarantee
from . import audit
from .authz import STAFF, in_scope, public, requires
from .contracts import CertificateView, VersionRow, _certificate_view
from .errors import NotFound, ServiceError
from .keys import NOT_FOUND, verify_key
from .session import Session

if TYPE_CHECKING:
    from ..settings import DSureConfig

REFUSED = (
    "保証契約番号または認証キーが正しくないか、現在確認できない保証契約番号です。"
    "入力内容をご確認ください（続けて誤りがあった番号は、しばらく確認できなくなります）。"
)
ACTOR = "D-Sure"


class DSureRefused(ServiceError):
    """The one neutral answer to a wrong pair, an unknown number or a locked number."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


@dataclass(frozen=True)
class DSureResult:
    number: str
    product_name: str
    cancelled: bool
    certificate: CertificateView  # the version asked for (default: the latest visible one)
    history: tuple[VersionRow, ...]  # visible versions, oldest first


@dataclass(frozen=True)
class ViewRow:
    at: datetime
    viewer: str
    version_no: int | None


def _limits(lockout: DSureConfig | None) -> tuple[int, int]:
    """(wrong keys in a row before a lock, minutes locked): the caller's settings, else config.toml's."""
    if lockout is None:
        from ..settings import current

        lockout = current().dsure
    return lockout.max_failures, lockout.lock_minutes


def _label(text: str, limit: int = 60) -> str:
    return printable(str(text or "").strip())[:limit]


def _open(number: str, key: str, who: str, lockout: DSureConfig | None = None) -> Guarantee:
    """The guarantee ``number`` + ``key`` opens, under the lock-out; DSureRefused otherwise.

    The failure count is committed before the refusal is raised (a raise inside the transaction
    would roll it back and nothing would ever lock)."""
    try:
        canonical = parse_contract_number(str(number))
    except ValueError:
        canonical = None
    key = str(key or "")
    ok = verify_key(canonical or "", key) if canonical else False
    max_failures, minutes = _limits(lockout)
    t = now()
    actor = _label(who) or ACTOR
    guarantee: Guarantee | None = None
    with transaction():
        if canonical:  # PostgreSQL: tries at one number take turns, so none is left uncounted
            serialize(f"dsure:{canonical}")
        lock = DSureLock.get_or_none(DSureLock.number == canonical) if canonical else None
        if lock is not None and lock.locked_until and lock.locked_until > t:
            audit.record(actor, "dsure.refused", canonical or "", "locked")
        elif not ok:
            if canonical:
                if lock is None:
                    lock = DSureLock.create(number=canonical, failures=0)
                lock.failures += 1
                if lock.failures >= max_failures:
                    lock.failures, lock.locked_until = 0, t + timedelta(minutes=minutes)
                    audit.record(actor, "dsure.locked", canonical, f"{max_failures} wrong keys; {minutes} min")
                else:
                    audit.record(actor, "dsure.refused", canonical, f"wrong key {lock.failures}")
                lock.save()
            else:
                audit.record(actor, "dsure.refused", _label(number, 20), "not a contract number")
        else:
            if lock is not None and (lock.failures or lock.locked_until):
                lock.failures, lock.locked_until = 0, None
                lock.save()
            guarantee = Guarantee.get(Guarantee.number == canonical)
    if guarantee is None:
        raise DSureRefused()
    return guarantee


def _version(g: Guarantee, version_id: int | None):
    visible = queries.visible_versions(g.id)
    if version_id is None:
        return visible, visible[-1]
    chosen = next((v for v in visible if v.id == version_id), None)
    if chosen is None:
        raise NotFound("電子保証が見つかりません。")
    return visible, chosen


@public
def view(
    number: str, key: str, *, who: str = "", version_id: int | None = None, lockout: DSureConfig | None = None
) -> DSureResult:
    """The certificate ``number`` + ``key`` opens (the latest visible version, or ``version_id`` of its
    history) with its visible history; the view is recorded."""
    g = _open(number, key, who, lockout)
    visible, chosen = _version(g, version_id)
    with transaction():
        DSureView.create(guarantee=g, at=now(), viewer=_label(who), version_seq=chosen.seq)
        audit.record(_label(who) or ACTOR, "dsure.view", g.number, f"第{chosen.seq}版")
    return DSureResult(
        number=g.number,
        product_name=Guarantee.KINDS[g.kind],
        cancelled=g.cancelled,
        certificate=_certificate_view(chosen, g),
        history=tuple(VersionRow(v.id, v.seq, v.issued_at, v.kind) for v in visible),
    )


@public
def certificate_pdf(
    number: str, key: str, version_id: int | None = None, *, who: str = "", lockout: DSureConfig | None = None
) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the certificate, the key checked again under the lock-out."""
    from .exports import _render_certificate

    g = _open(number, key, who, lockout)
    _, chosen = _version(g, version_id)
    audit.record(_label(who) or ACTOR, "dsure.download", g.number, f"第{chosen.seq}版")
    return _render_certificate(_certificate_view(chosen, g))


@requires(*STAFF)
def views(session: Session, number: str) -> list[ViewRow]:
    """閲覧履歴 of a contract the caller may see, newest first."""
    canonical = parse_contract_number(number)
    g = Guarantee.get_or_none(Guarantee.number == canonical)
    if g is None or not in_scope(session, company_id=g.company_id, branch_id=g.branch_id):
        raise NotFound(NOT_FOUND.format(canonical))
    q = DSureView.select().where(DSureView.guarantee == g.id).order_by(DSureView.at.desc(), DSureView.id.desc())
    return [ViewRow(v.at, v.viewer, v.version_seq) for v in q]
