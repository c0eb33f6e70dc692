"""Read queries shared by services. Every contractor query is scoped by company id."""

from __future__ import annotations

from peewee import JOIN, fn

from ..domain.text import search_key
from .models import CertificateVersion, Guarantee, Orderer

TABS = ("all", "electronic", "history")


def refresh_search_text(g: Guarantee) -> None:
    orderer = Orderer.get_by_id(g.orderer_id).name
    g.search_text = search_key(f"{g.number} {orderer} {g.work_name}")


def _guarantees(company_id: int | None, text: str, electronic_only: bool):
    q = Guarantee.select(Guarantee, Orderer).join(Orderer)
    if company_id is not None:
        q = q.where(Guarantee.company == company_id)
    if electronic_only:
        q = q.where(Guarantee.electronic == True)  # noqa: E712
    term = search_key(text.strip())
    for word in term.split():
        q = q.where(Guarantee.search_text.contains(word))
    return q


def guarantee_page(company_id: int | None, text: str, tab: str, offset: int, limit: int):
    q = _guarantees(company_id, text, tab == "electronic")
    return list(q.order_by(Guarantee.issued_at.desc(), Guarantee.id.desc()).offset(offset).limit(limit))


def guarantee_count(company_id: int | None, text: str, tab: str) -> int:
    return _guarantees(company_id, text, tab == "electronic").count()


def _history(company_id: int | None, text: str):
    q = (
        CertificateVersion.select(CertificateVersion, Guarantee, Orderer)
        .join(Guarantee)
        .join(Orderer)
        .where(CertificateVersion.superseded == False, Guarantee.electronic == True)  # noqa: E712
    )
    if company_id is not None:
        q = q.where(Guarantee.company == company_id)
    for word in search_key(text.strip()).split():
        q = q.where(Guarantee.search_text.contains(word))
    return q


def history_page(company_id: int | None, text: str, offset: int, limit: int):
    q = _history(company_id, text).order_by(CertificateVersion.issued_at.desc(), CertificateVersion.id.desc())
    return list(q.offset(offset).limit(limit))


def history_count(company_id: int | None, text: str) -> int:
    return _history(company_id, text).count()


def visible_versions(guarantee_id: int) -> list[CertificateVersion]:
    """History rows shown on 電子保証概要: not superseded, oldest first."""
    return list(
        CertificateVersion.select()
        .where(CertificateVersion.guarantee == guarantee_id, CertificateVersion.superseded == False)  # noqa: E712
        .order_by(CertificateVersion.seq)
    )


def next_serial(prefix: str) -> int:
    last = (
        Guarantee.select(fn.MAX(Guarantee.number))
        .where(Guarantee.number.startswith(prefix + "-"))
        .scalar()
    )
    return 0 if last is None else int(last[6:11]) + 1


__all__ = ["JOIN", "TABS"]
