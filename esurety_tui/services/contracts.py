"""保証契約一覧, 電子保証概要 and the key look-up. Contractors see only their own company's rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ..domain.contract_number import parse_contract_number
from ..domain.fields import FIELDS, KIND_AMOUNT, Kind
from ..domain.rules import as_guarantee
from ..store import queries
from ..store.models import Application, Branch, CertificateVersion, Company, Guarantee, Orderer, form_column_name
from .authz import STAFF, in_scope, internal, requires
from .errors import NotFound
from .keys import NOT_FOUND
from .session import Session

COUNT_CAP = 1000  # counts above it may be cut to COUNT_CAP + 1; the lists then show 「1,000件以上」


@dataclass(frozen=True)
class ContractRow:
    id: int
    number: str
    kind: str  # "advance" | "contract"
    kind_short: str  # 前払 / 契約
    orderer_name: str
    work_name: str
    contract_amount: int
    electronic: bool
    cancelled: bool
    issued_at: datetime


@dataclass(frozen=True)
class HistoryRow:
    version_id: int
    guarantee_id: int
    number: str
    issued_at: datetime
    target: str  # 対象: 新規 / 訂正 / 変更 / 取消
    work_name: str


@dataclass(frozen=True)
class VersionRow:
    id: int
    seq: int
    issued_at: datetime
    target: str


@dataclass(frozen=True)
class ContractDetail:
    id: int
    number: str
    kind: str
    product_name: str  # 商品名: 前払金保証 / 契約保証
    company_name: str  # the contractor company (the notice's addressee)
    contractor_name: str
    jv_name: str
    work_name: str
    work_place: str
    orderer_name: str
    orderer_accepts_electronic: bool
    contract_amount: int
    guarantee_amount: int
    deposit_bank: str
    start_date: date
    end_date: date
    electronic: bool
    auth_key: str | None
    cancelled: bool
    issued_at: datetime
    branch_name: str
    versions: tuple[VersionRow, ...]


@dataclass(frozen=True)
class CertificateView:
    version_id: int
    guarantee_id: int
    kind: str
    title: str  # 前払金保証書 / 契約保証書
    contract_number: str
    guarantee_amount: int
    contract_amount: int
    work_name: str
    work_place: str
    orderer_name: str
    contractor_name: str
    jv_name: str
    start_date: date
    end_date: date
    deposit_bank: str
    version_kind: str
    version_no: int
    issued_at: datetime
    branch_name: str
    values: Mapping[str, object]  # typed values by field key, as issued: what the PDF's declared rows print


def _row(g: Guarantee) -> ContractRow:
    return ContractRow(
        g.id,
        g.number,
        g.kind,
        Guarantee.SHORT[g.kind],
        g.orderer.name,
        g.work_name,
        g.contract_amount,
        g.electronic,
        g.cancelled,
        g.issued_at,
    )


@requires(*STAFF)
def page(session: Session, tab: str, text: str, offset: int, limit: int) -> list[ContractRow] | list[HistoryRow]:
    """One window of a 全体トップ tab: ``all``, ``electronic`` or ``history``."""
    if tab == "history":
        return [
            HistoryRow(v.id, v.guarantee.id, v.guarantee.number, v.issued_at, v.kind, v.guarantee.work_name)
            for v in queries.history_page(session.scope, text, offset, limit, session.branch_scope)
        ]
    return [_row(g) for g in queries.guarantee_page(session.scope, text, tab, offset, limit, session.branch_scope)]


@requires(*STAFF)
def count(session: Session, tab: str, text: str) -> int:
    if tab == "history":
        return queries.history_count(session.scope, text, session.branch_scope, cap=COUNT_CAP)
    return queries.guarantee_count(session.scope, text, tab, session.branch_scope, cap=COUNT_CAP)


@requires(*STAFF)
def find(session: Session, text: str, limit: int = 20) -> list[ContractRow]:
    """Command-palette look-up by part of the number or work name."""
    return [_row(g) for g in queries.guarantee_page(session.scope, text, "all", 0, limit, session.branch_scope)]


def _owned(session: Session, guarantee: Guarantee | None, label: str) -> Guarantee:
    """The guarantee if the caller may see it; otherwise NotFound, exactly as for a missing one."""
    if guarantee is None or not in_scope(session, company_id=guarantee.company_id, branch_id=guarantee.branch_id):
        raise NotFound(NOT_FOUND.format(label))
    return guarantee


@requires(*STAFF)
def detail(session: Session, ref: int | str) -> ContractDetail:
    """電子保証概要 of a guarantee by id or 保証契約番号."""
    if isinstance(ref, int):
        g = Guarantee.get_or_none(Guarantee.id == ref)
    else:
        g = Guarantee.get_or_none(Guarantee.number == parse_contract_number(ref))
    g = _owned(session, g, str(ref))
    company = Company.get_by_id(g.company_id)
    orderer = Orderer.get_by_id(g.orderer_id)
    versions = tuple(VersionRow(v.id, v.seq, v.issued_at, v.kind) for v in queries.visible_versions(g.id))
    return ContractDetail(
        id=g.id,
        number=g.number,
        kind=g.kind,
        product_name=Guarantee.KINDS[g.kind],
        company_name=company.name,
        contractor_name=g.contractor_name or company.name,
        jv_name=g.jv_name,
        work_name=g.work_name,
        work_place=g.work_place,
        orderer_name=orderer.name,
        orderer_accepts_electronic=orderer.accepts_electronic,
        contract_amount=g.contract_amount,
        guarantee_amount=g.guarantee_amount,
        deposit_bank=g.deposit_bank,
        start_date=g.start_date,
        end_date=g.end_date,
        electronic=g.electronic,
        auth_key=g.auth_key if g.electronic else None,
        cancelled=g.cancelled,
        issued_at=g.issued_at,
        branch_name=Branch.get_by_id(g.branch_id).name,
        versions=versions,
    )


CERTIFICATE_NOT_FOUND = "電子保証が見つかりません。"


@requires(*STAFF)
def certificate(session: Session, version_id: int) -> CertificateView:
    """The 電子保証 (certificate) of one version. Another company's version and a missing one get the
    same answer."""
    v = CertificateVersion.get_or_none(CertificateVersion.id == version_id)
    g = Guarantee.get_or_none(Guarantee.id == v.guarantee_id) if v is not None else None
    if v is None or g is None or not in_scope(session, company_id=g.company_id, branch_id=g.branch_id):
        raise NotFound(CERTIFICATE_NOT_FOUND)
    return _certificate_view(v, g)


def _certificate_view(v: CertificateVersion, g: Guarantee) -> CertificateView:
    return CertificateView(
        version_id=v.id,
        guarantee_id=g.id,
        kind=g.kind,
        title="前払金保証書" if g.kind == "advance" else "契約保証書",
        contract_number=g.number,
        guarantee_amount=v.guarantee_amount,
        contract_amount=v.contract_amount,
        work_name=v.work_name,
        work_place=g.work_place,
        orderer_name=Orderer.get_by_id(g.orderer_id).name,
        contractor_name=g.contractor_name,
        jv_name=g.jv_name,
        start_date=v.start_date,
        end_date=v.end_date,
        deposit_bank=v.deposit_bank,
        version_kind=v.kind,
        version_no=v.seq,
        issued_at=v.issued_at,
        branch_name=Branch.get_by_id(g.branch_id).name,
        values=printed_values(g, v),
    )


@internal
def printed_values(g: Guarantee, v: CertificateVersion | None = None) -> dict[str, object]:
    """The typed values by field key that a document of ``g`` prints its declared rows from: the
    application's columns, overlaid by what was issued (version ``v``'s contents, else the guarantee's
    current ones), read as a guarantee of its kind. A REF field holds the row's name."""
    values: dict[str, object] = {}
    app = Application.get_or_none(Application.id == g.application_id) if g.application_id else None
    if app is not None:
        for f in FIELDS:
            if f.kind is Kind.REF:
                if f.prints:
                    row = getattr(app, form_column_name(f))
                    values[f.key] = row.name if row is not None else None
            else:
                values[f.key] = getattr(app, f.key)
    else:  # only a JV's guarantee records a JV名 (issuing)
        values["jv_kind"] = "jv" if g.jv_name else "single"
    issued = v or g
    values.update(
        work_name=issued.work_name,
        work_place=g.work_place,
        jv_name=g.jv_name,
        contract_amount=issued.contract_amount,
        start_date=issued.start_date,
        end_date=issued.end_date,
        deposit_bank=issued.deposit_bank,
        orderer_id=Orderer.get_by_id(g.orderer_id).name,
    )
    values[KIND_AMOUNT[g.kind]] = issued.guarantee_amount
    return as_guarantee(g.kind, values)


@requires(*STAFF)
def version_by_seq(session: Session, number: str, seq: int | None) -> CertificateView:
    """A version by its number (1 = 新規); None: the latest visible one."""
    d = detail(session, number)
    rows = [v for v in d.versions if seq is None or v.seq == seq]
    if not rows:
        raise NotFound(f"保証契約番号「{d.number}」に第{seq}版はありません。")
    return certificate(session, rows[-1].id)


@requires(*STAFF)
def note_key_copied(session: Session, number: str) -> None:
    """Audit a copy of a key: only of a contract the caller may see (NotFound otherwise)."""
    from . import audit

    g = Guarantee.get_or_none(Guarantee.number == parse_contract_number(number))
    g = _owned(session, g, number)
    audit.record(session.login, "key.copy", g.number)
