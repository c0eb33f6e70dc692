"""The branch: review (引受審査), issue (発行) and later versions (訂正 / 変更 / 取消)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..clock import now
from ..domain.auth_key import generate_key
from ..domain.contract_number import make_contract_number
from ..domain.fields import KIND_AMOUNT
from ..domain.status import OPEN_STATUSES, AppStatus, VersionKind, sources_of
from ..domain.text import to_fullwidth
from ..store import queries
from ..store.db import locked, retry_on_conflict, transaction
from ..store.models import Application, CertificateVersion, Company, Guarantee, Mail, Orderer
from . import audit, mail
from .authz import in_scope, requires
from .errors import InvalidState, NotFound
from .session import Role, Session

BRANCH_ROLES = (Role.BRANCH, Role.SYSTEM)


@dataclass(frozen=True)
class QueueRow:
    id: int
    receipt_no: str
    company_name: str
    work_name: str
    status: str
    submitted_at: datetime | None


@requires(*BRANCH_ROLES)
def queue(session: Session) -> list[QueueRow]:
    q = Application.select(Application, Company).join(Company).where(Application.status.in_(list(OPEN_STATUSES)))
    if session.role == Role.BRANCH:
        q = q.where(Application.branch == session.branch_id)
    q = q.order_by(Application.submitted_at)
    return [QueueRow(a.id, a.receipt_no or "", a.company.name, a.work_name, a.status, a.submitted_at) for a in q]


def _app(session: Session, application_id: int, target: AppStatus | None = None) -> Application:
    """The application, if it was sent to the caller's branch; ``target``: the status it may move to.
    Called inside the write transaction: the row stays locked until it ends, so two sessions deciding
    on one application (two 発行 at once) take turns and the second finds the status moved on."""
    app = locked(Application.select().where(Application.id == application_id)).first()
    if (
        app is None
        or app.status == AppStatus.DRAFT  # a draft is the contractor's alone
        or not in_scope(session, company_id=app.company_id, branch_id=app.branch_id)
    ):
        raise NotFound("申込が見つかりません。")
    if target is not None and app.status not in sources_of(target):
        raise InvalidState(f"この申込は「{app.status}」のため、この操作はできません。")
    return app


@requires(*BRANCH_ROLES)
def start_review(session: Session, application_id: int) -> bool:
    """審査中: the branch opened a 送信済 application (the contractor's 手続状況 moves on).
    Returns whether it moved; any other status is left as it is."""
    with transaction():
        app = _app(session, application_id)
        if app.status != AppStatus.SENT:
            return False
        app.status = AppStatus.REVIEWING
        app.save()
        audit.record(session.login, "application.review", app.receipt_no or "")
    return True


@requires(*BRANCH_ROLES)
def accept(session: Session, application_id: int) -> None:
    with transaction():
        app = _app(session, application_id, AppStatus.ACCEPTED)
        app.status, app.decided_at = AppStatus.ACCEPTED, now()
        app.save()
        audit.record(session.login, "application.accept", app.receipt_no or "")


@requires(*BRANCH_ROLES)
def refuse(session: Session, application_id: int, reason: str) -> None:
    """謝絶 with a reason shown to the contractor."""
    if not reason.strip():
        raise InvalidState("謝絶の理由を入力してください。")
    with transaction():
        app = _app(session, application_id, AppStatus.REFUSED)
        app.status, app.decided_at, app.refusal_reason = AppStatus.REFUSED, now(), reason.strip()
        app.save()
        audit.record(session.login, "application.refuse", app.receipt_no or "")


def _required(value: date | None) -> date:
    if value is None:  # validate() refuses such an application before it is sent
        raise InvalidState("契約日・工期がありません。")
    return value


def _new_guarantee(app: Application, kind: str, at: datetime, rng, number: str | None, key: str | None) -> Guarantee:
    branch = app.branch
    if branch is None:
        raise InvalidState("申込送信先がありません。")
    if number is None:
        prefix = f"{branch.code}{at.year % 100:02d}"
        number = make_contract_number(prefix, queries.next_serial(prefix))
    electronic = (app.advance_form if kind == "advance" else app.contract_form) == "electronic"
    amount = getattr(app, KIND_AMOUNT[kind])
    company = Company.get_by_id(app.company_id)
    contractor = app.jv_representative if app.jv_kind == "jv" and app.jv_representative else company.name
    g = Guarantee(
        number=number,
        kind=kind,
        company=app.company_id,
        application=app,
        orderer=app.orderer_id,
        branch=branch,
        electronic=electronic,
        auth_key=(key or generate_key(rng)) if electronic else None,
        work_name=app.work_name,
        work_place=app.work_place,
        contractor_name=contractor,
        jv_name=app.jv_name if app.jv_kind == "jv" else "",
        contract_amount=app.contract_amount,
        guarantee_amount=amount,
        deposit_bank=app.deposit_bank if kind == "advance" else "",
        start_date=max(_required(app.contract_date), _required(app.start_date)),
        end_date=app.end_date,
        issued_at=at,
    )
    queries.refresh_search_text(g)
    g.save()
    _version(g, VersionKind.NEW, at)
    return g


# The contents each certificate version keeps a snapshot of; also what 訂正 / 変更 may change.
VERSIONED = ("work_name", "guarantee_amount", "contract_amount", "start_date", "end_date", "deposit_bank")
AUDIT_ACTIONS = {
    VersionKind.CORRECTION: "guarantee.correct",
    VersionKind.CHANGE: "guarantee.change",
    VersionKind.CANCEL: "guarantee.cancel",
}


def _locked_guarantee(number: str) -> Guarantee | None:
    """The guarantee, its row locked until the transaction ends: versions, 取消 and key changes of one
    guarantee take turns (SQLite's write lock does this for every transaction)."""
    return locked(Guarantee.select().where(Guarantee.number == number)).first()


def _version(g: Guarantee, kind: str, at: datetime, note: str = "") -> CertificateVersion:
    """The next version of ``g``, whose row the caller has locked (or just created): no other
    transaction can take the same seq; the unique (guarantee, seq) index is the last guard."""
    seq = queries.last_version_seq(g.id) + 1
    return CertificateVersion.create(
        guarantee=g, seq=seq, kind=kind, issued_at=at, note=note, **{f: getattr(g, f) for f in VERSIONED}
    )


@requires(*BRANCH_ROLES)
def issue(
    session: Session,
    application_id: int,
    *,
    at: datetime | None = None,
    rng=None,
    numbers: dict[str, str] | None = None,
    keys: dict[str, str] | None = None,
) -> list[str]:
    """発行: a 保証契約番号 (and 認証キー for 電子保証) per applied guarantee, version 新規 posted to
    D-Sure at ``at`` (the 電子保証発行日時), and the notice mail queued when wanted.

    ``rng``, ``numbers`` and ``keys`` exist for reproducible demo data only.
    """
    at = at or now()
    numbers, keys = numbers or {}, keys or {}

    def once() -> list[Guarantee]:
        with transaction():
            app = _app(session, application_id, AppStatus.ISSUED)
            made = []
            for kind, applied in (("advance", app.advance_apply), ("contract", app.contract_apply)):
                if applied:
                    made.append(_new_guarantee(app, kind, at, rng, numbers.get(kind), keys.get(kind)))
            app.status, app.decided_at = AppStatus.ISSUED, at
            app.save()
            company = Company.get_by_id(app.company_id)
            for g in made:
                audit.record(session.login, "guarantee.issue", g.number)
                if g.electronic and app.notify == "yes" and app.email:
                    mail.queue(g, app.email, company.name)
        return made

    # A number taken by a concurrent transaction (the counter prevents it; the unique index is the
    # last guard): the whole issue runs again and takes the next one.
    made = retry_on_conflict(once)
    # Only queued: delivery (mail.deliver_pending) runs later, off the UI thread and in `esurety mail
    # send`, so a slow or failing mail server never blocks or fails an issue.
    return [g.number for g in made]


@requires(*BRANCH_ROLES)
def amend(
    session: Session, number: str, kind: str, *, at: datetime | None = None, note: str = "", **changes: Any
) -> int:
    """A new version: 訂正 (supersedes the latest visible version), 変更 (adds a version) or
    取消 (cancels the guarantee; a 変更 can be withdrawn with ``withdraw_seq``)."""
    try:
        kind = VersionKind(kind)
    except ValueError:
        raise InvalidState(f"不明な対象: {kind}") from None
    if kind not in AUDIT_ACTIONS:
        raise InvalidState(f"不明な対象: {kind}")
    withdraw_seq = changes.pop("withdraw_seq", None)
    unknown = set(changes) - set(VERSIONED)
    if unknown:
        raise InvalidState(f"変更できない項目: {', '.join(sorted(unknown))}")
    if isinstance(changes.get("deposit_bank"), str):
        # 預託金融機関 is 全角, as on the form: a correction typed half-width is converted, not stored as is.
        changes["deposit_bank"] = to_fullwidth(changes["deposit_bank"].strip())
    at = at or now()

    def once() -> int:
        with transaction():
            g = _locked_guarantee(number)
            if g is None or not in_scope(session, company_id=g.company_id, branch_id=g.branch_id):
                raise NotFound(f"保証契約番号「{number}」の保証契約は見つかりません。")
            if g.cancelled:
                raise InvalidState("取消済みの保証契約です。")
            visible = queries.visible_versions(g.id)
            if kind == VersionKind.CORRECTION:
                CertificateVersion.update(superseded=True).where(CertificateVersion.id == visible[-1].id).execute()
            if kind == VersionKind.CANCEL and withdraw_seq is not None:
                # Withdrawing a 変更: the change row disappears and the contents go back.
                target = next((v for v in visible if v.seq == withdraw_seq and v.kind == VersionKind.CHANGE), None)
                if target is None:
                    raise InvalidState("取り消す変更が見つかりません。")
                CertificateVersion.update(superseded=True).where(CertificateVersion.id == target.id).execute()
                previous = [v for v in visible if v.seq < withdraw_seq][-1]
                for field in VERSIONED:
                    setattr(g, field, getattr(previous, field))
                g.issued_at = at
                queries.refresh_search_text(g)
                g.save()
                audit.record(session.login, "guarantee.withdraw_change", g.number)
                return g.id
            for field, value in changes.items():
                setattr(g, field, value)
            if kind == VersionKind.CANCEL:
                g.cancelled = True
            g.issued_at = at
            queries.refresh_search_text(g)
            g.save()
            _version(g, kind, at, note)
            audit.record(session.login, AUDIT_ACTIONS[kind], g.number)
        return g.id

    # Versions of one guarantee take turns (its row is locked); a seq taken anyway (the unique index)
    # runs the amendment again on the state as it is then.
    return retry_on_conflict(once)


REISSUE_SUBJECT = "電子保証（認証キー）再発行のお知らせ"


@requires(*BRANCH_ROLES)
def reissue_key(session: Session, number: str, *, rng=None) -> str:
    """認証キーの再発行: a new key at once; the old one stops opening the certificate on D-Sure.

    The contractor is told twice: ``key_reissued_at`` (its detail can ask it to send the notice to
    the orderer again) and, when the application asked for mail, a short notice queued in the same
    transaction. Neither the audit row nor the mail holds the key. Returns the new key (the branch
    screen shows it; ``rng`` for tests only)."""
    from ..domain.contract_number import parse_contract_number

    try:
        canonical = parse_contract_number(number)
    except ValueError:
        canonical = number
    at = now()
    with transaction():
        g = _locked_guarantee(canonical)
        if g is None or not in_scope(session, company_id=g.company_id, branch_id=g.branch_id):
            raise NotFound(f"保証契約番号「{number}」の保証契約は見つかりません。")
        if not g.electronic:
            raise InvalidState("証書(紙)の保証契約には認証キーがありません。")
        if g.cancelled:
            raise InvalidState("取消済みの保証契約です。")
        key = generate_key(rng)
        while g.auth_key and key == g.auth_key:  # never "reissue" the same key
            key = generate_key(rng)
        Guarantee.update(auth_key=key, key_reissued_at=at).where(Guarantee.id == g.id).execute()
        audit.record(session.login, "key.reissue", g.number)
        app = Application.get_or_none(Application.id == g.application_id) if g.application_id else None
        if app is not None and app.notify == "yes" and app.email:
            # One call to adapt when the outbox changes: the mail never holds the key.
            # Only queued, as for 発行: delivery runs later (a worker in the app, `esurety mail send`).
            Mail.create(
                to=mail._one_line(app.email),
                subject=REISSUE_SUBJECT,
                body=mail._clean_body(_reissue_body(g)),
                guarantee=g,
            )
    return key


def _reissue_body(g: Guarantee) -> str:
    company = Company.get_by_id(g.company_id)
    return "\n".join(
        [
            f"{company.name} 様",
            "",
            "次の電子保証の認証キーを再発行しました。以前の認証キーは使えません。",
            "",
            f"保証契約番号: {g.number}",
            f"商品(保証区分): {Guarantee.KINDS[g.kind]}",
            f"工事名: {g.work_name}",
            "",
            "認証キーはこのメールには記載していません。",
            "ネットデスクにログインし、電子保証概要から「電子保証にかかる「認証キー」のお知らせ」(PDF)を",
            "あらためてダウンロードして発注者様へご提出ください。",
        ]
    )


@requires(*BRANCH_ROLES)
def ensure_orderer(session: Session, name: str, accepts_electronic: bool, terms: str = "") -> Orderer:
    o, _ = Orderer.get_or_create(name=name, defaults={"accepts_electronic": accepts_electronic, "terms": terms})
    return o


__all__ = ["QueueRow", "queue", "start_review", "accept", "refuse", "issue", "amend", "reissue_key"]
