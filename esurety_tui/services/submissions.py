"""発注者へ提出 (the seed's step 6): the contractor mails the 「認証キー」のお知らせ PDF to the orderer.

The mail goes through the outbox (SMTP, or an .eml file) like every other mail. The key is only
inside the attached PDF — the same bytes 印刷 writes — never in the subject or the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.contract_number import parse_contract_number
from ..domain.errors import DomainError
from ..domain.text import printable
from ..store.db import transaction
from ..store.models import Guarantee, Mail, Orderer
from . import audit, contracts, exports
from .authz import internal, requires
from .errors import InvalidState
from .session import Role, Session


@dataclass(frozen=True)
class Submission:
    number: str
    orderer_name: str
    address: str  # the orderer's address for submissions (発注者 master), "" if none
    work_name: str


def _address(text: str) -> str:
    from ..domain.fields import FIELD_BY_KEY
    from ..domain.rules import _parse

    text = (text or "").strip()
    if not text:
        raise InvalidState("提出先のメールアドレスを入力してください。")
    try:
        return str(_parse(FIELD_BY_KEY["email"], text))
    except DomainError as e:
        raise InvalidState(str(e)) from None


@requires(Role.CONTRACTOR)
def prepare(session: Session, number: str) -> Submission:
    """What the 発注者へ提出 dialog starts from: the orderer and its address, if the master has one."""
    d = contracts.detail(session, parse_contract_number(number))
    _submittable(d)
    g = Guarantee.get_by_id(d.id)
    orderer = Orderer.get_by_id(g.orderer_id)
    return Submission(d.number, d.orderer_name, getattr(orderer, "email", "") or "", d.work_name)


def _submittable(d: contracts.ContractDetail) -> None:
    if not d.electronic or not d.auth_key:
        raise InvalidState("証書(紙)の保証契約のため、発注者へ提出する認証キーのお知らせはありません。")
    if d.cancelled:
        raise InvalidState("取消済みの保証契約のため、発注者へ提出できません。")


@internal
def cover(d: contracts.ContractDetail) -> tuple[str, str]:
    """Subject and body of the submission. No key here: it is only inside the attached PDF."""
    work = printable(d.work_name)
    subject = f"保証証書（電子保証）の提出について（{work}）"[:200]
    body = "\n".join(
        [
            f"{printable(d.orderer_name)} 御中",
            "",
            f"{printable(d.company_name)}です。",
            f"下記工事の{d.product_name}について、保証証書を電子保証により提出いたします。",
            "添付の「電子保証にかかる「認証キー」のお知らせ」(PDF)に記載の保証契約番号と認証キーにより、",
            "保証確認サービス(D・Sure)で保証証書の内容をご確認ください。",
            "",
            f"工事名: {work}",
            f"受注者名: {printable(d.contractor_name)}",
            f"商品(保証区分): {d.product_name}",
            f"保証契約番号: {d.number}",
            "",
            "認証キーは添付のPDFにのみ記載しており、このメール本文には記載していません。",
        ]
    )
    return subject, body


@requires(Role.CONTRACTOR)
def submit_to_orderer(session: Session, number: str, to: str) -> int:
    """Queue the submission mail with the notice PDF attached (nothing is sent here); returns the
    mail's id. Audited."""
    address = _address(to)
    d = contracts.detail(session, parse_contract_number(number))
    _submittable(d)
    name, pdf = exports.notice_pdf(session, d.id)
    subject, body = cover(d)
    with transaction():
        m = Mail.create(
            to=address,
            subject=subject,
            body=body,
            guarantee=d.id,
            status="queued",
            attachment_name=name,
            attachment=pdf,
        )
        audit.record(session.login, "guarantee.submit", d.number, f"to {address}; mail {m.id}")
    # Only queued: delivery runs off the UI thread (the app's worker) or in `esurety mail send`.
    return m.id
