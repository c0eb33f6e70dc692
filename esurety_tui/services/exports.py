"""Notice and certificate PDFs for the app and the shell (documents imported only when used)."""

from __future__ import annotations

from pathlib import Path

from ..domain.contract_number import parse_contract_number
from ..locations import exports_dir
from ..store.models import Branch, Guarantee
from . import contracts
from .authz import STAFF, internal, requires
from .errors import NotFound
from .session import Session


def _issuer(branch_name: str):
    from ..documents.data import Issuer

    b = Branch.get_or_none(Branch.name == branch_name)
    if b is None:
        return Issuer()
    return Issuer(
        branch_name=b.name, branch_phone=b.phone, branch_email=b.email, branch_hours=b.hours or Issuer().branch_hours
    )


@requires(*STAFF)
def notice_pdf(session: Session, ref: int | str) -> tuple[str, bytes]:
    """(file name, PDF bytes) of 電子保証にかかる「認証キー」のお知らせ."""
    from ..documents import NoticeData, notice_filename, render_notice

    d = contracts.detail(session, ref)
    if not d.electronic or not d.auth_key:
        raise NotFound(f"保証契約番号「{d.number}」は電子保証ではないため、認証キーのお知らせはありません。")
    if d.cancelled:
        raise NotFound(f"保証契約番号「{d.number}」は取消済みのため、認証キーのお知らせは発行できません。")
    data = NoticeData(
        issue_date=d.issued_at.date(),
        addressee=d.company_name,
        contractor_name=d.contractor_name,
        product_name=d.product_name,
        contract_number=d.number,
        auth_key=d.auth_key,
        values=contracts.printed_values(Guarantee.get_by_id(d.id)),
        issuer=_issuer(d.branch_name),
    )
    return notice_filename(d.number), render_notice(data)


@requires(*STAFF)
def certificate_pdf(session: Session, version_id: int) -> tuple[str, bytes]:
    return _render_certificate(contracts.certificate(session, version_id))


def _render_certificate(c: contracts.CertificateView) -> tuple[str, bytes]:
    """(file name, PDF bytes) of a certificate view the caller was allowed to see (also D-Sure's)."""
    from ..documents import CertificateData, certificate_filename, render_certificate

    data = CertificateData(
        kind=c.kind,
        contract_number=c.contract_number,
        contractor_name=c.contractor_name,
        version_kind=c.version_kind,
        version_no=c.version_no,
        issued_at=c.issued_at,
        values=c.values,
        issuer=_issuer(c.branch_name),
    )
    return certificate_filename(c.contract_number, c.kind, c.version_no), render_certificate(data)


def _write(name: str, data: bytes, output: Path | None, directory: bool) -> Path:
    from ..documents import write_atomic

    if output is None:
        target = exports_dir() / name
    elif directory or output.is_dir():
        target = output / name
    else:
        target = output
    return write_atomic(target, data)


@requires(*STAFF)
def notice_to_file(session: Session, number: str, output: Path | None, *, directory: bool = False) -> Path:
    name, data = notice_pdf(session, parse_contract_number(number))
    return _write(name, data, output, directory)


@requires(*STAFF)
def certificate_to_file(session: Session, number: str, version: int | None, output: Path | None) -> Path:
    view = contracts.version_by_seq(session, parse_contract_number(number), version)
    name, data = certificate_pdf(session, view.version_id)
    return _write(name, data, output, False)


@internal
def save_to_exports(name: str, data: bytes) -> Path:
    """Where the app puts a PDF when it cannot deliver it through the terminal."""
    return _write(name, data, None, False)


@requires(*STAFF)
def issued_numbers(session: Session) -> list[str]:
    """Numbers with a current 認証キー notice the caller may see (electronic, not cancelled)."""
    q = Guarantee.select(Guarantee.number).where(
        Guarantee.electronic == True,
        Guarantee.auth_key.is_null(False),
        Guarantee.cancelled == False,
    )
    if session.scope is not None:
        q = q.where(Guarantee.company == session.scope)
    if session.branch_scope is not None:
        q = q.where(Guarantee.branch == session.branch_scope)
    return [g.number for g in q.order_by(Guarantee.number)]
