"""The branch's 受付一覧 and 申込内容: applications sent to the caller's branch, read-only, with the
rules of SPEC §5 re-checked against the orderer's current terms."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from peewee import JOIN

from ..domain.fields import DEFAULTS, FIELD_BY_KEY
from ..domain.money import format_yen
from ..domain.rules import ratio_text
from ..domain.status import CLOSED_STATUSES, OPEN_STATUSES, AppStatus
from ..domain.wareki import to_wareki
from ..store.models import Application, Branch, Company, Guarantee, Orderer
from .applications import _terms_for, _validate
from .authz import requires
from .issuing import BRANCH_ROLES, _app
from .session import Role, Session

TABS = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}


@dataclass(frozen=True)
class QueueItem:
    id: int
    receipt_no: str
    status: str
    company_name: str
    work_name: str
    orderer_name: str
    contract_amount: int | None
    submitted_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str


@dataclass(frozen=True)
class IssuedRow:
    number: str
    product_name: str
    electronic: bool
    cancelled: bool


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    receipt_no: str
    status: str
    company_name: str
    orderer_name: str
    orderer_accepts_electronic: bool
    branch_name: str
    submitted_at: datetime | None
    decided_at: datetime | None
    refusal_reason: str
    values: dict[str, object]  # every field as sent, typed (domain.rules.summary_rows shows them)
    findings: tuple[Finding, ...]  # the rules re-checked: problems first, then what holds
    issued: tuple[IssuedRow, ...]
    receipt_text: str = ""  # 受取方法 of a paper certificate: 送付 4月10日 / 当社窓口 …
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def paper(self) -> bool:
        forms = []
        if self.values.get("advance_apply"):
            forms.append(self.values.get("advance_form"))
        if self.values.get("contract_apply"):
            forms.append(self.values.get("contract_form"))
        return "paper" in forms


def _query(session: Session, tab: str, text: str):
    statuses = list(TABS.get(tab, OPEN_STATUSES))
    q = (
        Application.select(Application, Company, Orderer)
        .join(Company)
        .switch(Application)
        .join(Orderer, JOIN.LEFT_OUTER)
        .where(Application.status.in_(statuses))
    )
    if session.role == Role.BRANCH:
        q = q.where(Application.branch == session.branch_id)
    for word in text.split():
        q = q.where(
            Application.work_name.contains(word)
            | Company.name.contains(word)
            | Orderer.name.contains(word)
            | Application.receipt_no.contains(word)
        )
    return q


@requires(*BRANCH_ROLES)
def queue_count(session: Session, tab: str, text: str) -> int:
    return _query(session, tab, text).count()


@requires(*BRANCH_ROLES)
def queue_page(session: Session, tab: str, text: str, offset: int, limit: int) -> list[QueueItem]:
    """One window of 受付一覧: ``open`` (送信済 / 審査中 / 引受, oldest first: the work to do) or
    ``closed`` (謝絶 / 発行済, newest decision first)."""
    q = _query(session, tab, text)
    if tab == "closed":
        q = q.order_by(Application.decided_at.desc(), Application.id.desc())
    else:
        q = q.order_by(Application.submitted_at, Application.id)
    return [
        QueueItem(
            a.id,
            a.receipt_no or "",
            a.status,
            a.company.name,
            a.work_name,
            a.orderer.name if a.orderer_id else "",
            a.contract_amount,
            a.submitted_at,
            a.decided_at,
        )
        for a in q.offset(max(0, offset)).limit(max(0, limit))
    ]


def _findings(values: dict[str, object], problems: dict[str, str], orderer: Orderer | None) -> list[Finding]:
    found = [Finding(False, f"{FIELD_BY_KEY[k].label}: {msg}") for k, msg in problems.items()]
    terms = _terms_for(orderer.id) if orderer else None
    amount = values.get("contract_amount")
    if orderer is not None:
        accepts = bool(orderer.accepts_electronic)
        wants = any(
            values.get(f"{k}_apply") and values.get(f"{k}_form" if k == "advance" else "contract_form") == "electronic"
            for k in ("advance", "contract")
        )
        if accepts:
            found.append(Finding(True, f"発注者「{orderer.name}」は電子保証に対応しています。"))
        else:
            found.append(Finding(not wants, f"発注者「{orderer.name}」は電子保証に対応していません（証書(紙)のみ）。"))
    if isinstance(amount, int) and terms is not None:
        advance = values.get("advance_amount")
        kind = values.get("work_kind")
        if values.get("advance_apply") and isinstance(advance, int) and isinstance(kind, str):
            limit = terms.advance_limit(amount, kind)
            found.append(
                Finding(
                    advance <= limit,
                    f"前払金保証金額 {format_yen(advance)}（請負金額の{_percent(advance, amount)}）"
                    f" 上限 {ratio_text(terms.advance_ratio(kind))} = {format_yen(limit)}",
                )
            )
        guarantee = values.get("contract_guarantee_amount")
        if values.get("contract_apply") and isinstance(guarantee, int):
            low = bool(values.get("low_bid"))
            minimum = terms.contract_minimum(amount, low)
            ratio = ratio_text(terms.contract_min_low_bid if low else terms.contract_min)
            found.append(
                Finding(
                    minimum <= guarantee <= amount,
                    f"契約保証金額 {format_yen(guarantee)}（{_percent(guarantee, amount)}） 下限 {ratio} = {format_yen(minimum)}",
                )
            )
    found_days = {k: values.get(k) for k in ("award_date", "contract_date", "start_date", "end_date")}
    if all(isinstance(d, date) for d in found_days.values()):
        days = cast(dict[str, date], found_days)
        in_order = days["award_date"] <= days["contract_date"] <= days["start_date"] <= days["end_date"]
        found.append(
            Finding(
                in_order,
                f"落札日 {to_wareki(days['award_date'])} ≤ 契約日 {to_wareki(days['contract_date'])}"
                f" ≤ 工期 {to_wareki(days['start_date'])}〜{to_wareki(days['end_date'])}",
            )
        )
    return found


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "-"
    tenths = part * 1000 // whole  # per mille, integer arithmetic
    return f"{tenths // 10}.{tenths % 10}%"


def _receipt_text(values: dict[str, object]) -> str:
    method = values.get("receive_method")
    if method == "mail":
        m, d = values.get("receive_month"), values.get("receive_day")
        return "送付" + (f"（受取希望日 {m}月{d}日）" if m and d else "")
    if method == "counter":
        m, d, h = values.get("visit_month"), values.get("visit_day"), values.get("visit_hour")
        when = f"{m}月{d}日" + (f" {h}時" if h is not None else "") if m and d else ""
        return "当社窓口" + (f"（来店予定日 {when}）" if when else "")
    return ""


@requires(*BRANCH_ROLES)
def application_detail(session: Session, application_id: int) -> ApplicationDetail:
    """申込内容: every field as the contractor sent it, the rules re-run with the orderer's terms,
    the status (and refusal reason) and the numbers issued for it."""
    app = _app(session, application_id)
    raw = dict(DEFAULTS)
    raw.update(json.loads(app.draft or "{}"))
    v = _validate(raw)
    orderer = Orderer.get_or_none(Orderer.id == app.orderer_id) if app.orderer_id else None
    branch = Branch.get_or_none(Branch.id == app.branch_id) if app.branch_id else None
    issued = tuple(
        IssuedRow(g.number, Guarantee.KINDS[g.kind], bool(g.electronic), bool(g.cancelled))
        for g in Guarantee.select().where(Guarantee.application == app.id).order_by(Guarantee.id)
    )
    values = dict(v.values)
    return ApplicationDetail(
        id=app.id,
        receipt_no=app.receipt_no or "",
        status=app.status,
        company_name=app.company.name,
        orderer_name=orderer.name if orderer else "",
        orderer_accepts_electronic=bool(orderer and orderer.accepts_electronic),
        branch_name=branch.name if branch else "",
        submitted_at=app.submitted_at,
        decided_at=app.decided_at,
        refusal_reason=app.refusal_reason or "",
        values=values,
        findings=tuple(_findings(values, v.problems, orderer)),
        issued=issued,
        receipt_text=_receipt_text(values),
        problems=dict(v.problems),
    )


__all__ = ["AppStatus", "ApplicationDetail", "Finding", "QueueItem", "application_detail", "queue_count", "queue_page"]


@requires(*BRANCH_ROLES)
def receipt_of_contract(session: Session, ref: int | str) -> str:
    """受取方法 of a paper certificate (送付 with the 受取希望日 / 当社窓口 with the 来店予定日),
    from the application it was issued for; "" when unknown."""
    from .contracts import _owned

    if isinstance(ref, int):
        g = Guarantee.get_or_none(Guarantee.id == ref)
    else:
        from ..domain.contract_number import parse_contract_number

        g = Guarantee.get_or_none(Guarantee.number == parse_contract_number(ref))
    g = _owned(session, g, str(ref))
    if not g.application_id:
        return ""
    app = Application.get_or_none(Application.id == g.application_id)
    if app is None:
        return ""
    raw = dict(DEFAULTS)
    raw.update(json.loads(app.draft or "{}"))
    return _receipt_text(_validate(raw).values)
