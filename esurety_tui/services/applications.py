"""保証申込: drafts saved as the user types, 申込確認 and 送信."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ..clock import now
from ..domain.fields import DEFAULTS, FIELD_BY_KEY
from ..domain.rules import OrdererTerms, Problem, Validation, validate_application
from ..domain.status import AppStatus
from ..domain.text import NOT_UTF8, has_surrogates
from ..store import queries
from ..store.db import locked, transaction
from ..store.models import Application, Branch, Orderer, form_column_name
from . import audit
from .authz import STAFF, requires
from .errors import InvalidState, NotFound, ServiceError
from .session import Role, Session


@dataclass(frozen=True)
class OrdererChoice:
    id: int
    name: str
    accepts_electronic: bool


@dataclass(frozen=True)
class BranchChoice:
    id: int
    name: str


@dataclass(frozen=True)
class DraftRow:
    id: int
    work_name: str
    status: str
    updated_at: datetime
    receipt_no: str | None
    number: int | None = None  # 下書き No., counted per company


@dataclass(frozen=True)
class Receipt:
    application_id: int
    receipt_no: str
    submitted_at: datetime
    branch_name: str


@dataclass(frozen=True)
class IssuedRow:
    kind: str  # 前払金保証 / 契約保証
    number: str  # 保証契約番号
    electronic: bool
    cancelled: bool


@dataclass(frozen=True)
class SentDetail:
    """A sent application as the contractor sent it, with its 手続状況."""

    id: int
    number: int | None
    receipt_no: str
    status: str  # domain.status.AppStatus value
    submitted_at: datetime | None
    decided_at: datetime | None
    refusal_reason: str  # the branch's reason for 謝絶
    values: dict  # typed values of the form (what 申込確認 showed)
    orderer_name: str
    branch_name: str
    guarantees: tuple[IssuedRow, ...]


class ValidationFailed(ServiceError):
    def __init__(self, validation: Validation):
        self.validation = validation
        super().__init__("入力内容に誤りがあります。")


@requires(*STAFF)
def orderers(session: Session) -> list[OrdererChoice]:
    return [OrdererChoice(o.id, o.name, o.accepts_electronic) for o in Orderer.select().order_by(Orderer.id)]


@requires(*STAFF)
def branches(session: Session) -> list[BranchChoice]:
    return [BranchChoice(b.id, b.name) for b in Branch.select().order_by(Branch.id)]


def _terms_of(orderer: Orderer) -> OrdererTerms:
    overrides = json.loads(orderer.terms) if orderer.terms else None
    return OrdererTerms.from_overrides(orderer.name, orderer.accepts_electronic, overrides)


def _terms_for(orderer_id: str | int | None) -> OrdererTerms | None:
    """Terms of the chosen orderer (ratios and limits live in the domain, per orderer overrides here)."""
    try:
        o = Orderer.get_or_none(Orderer.id == int(orderer_id)) if orderer_id not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return _terms_of(o) if o else None


@requires(*STAFF)
def terms_for(session: Session, orderer_id: str | int | None) -> OrdererTerms | None:
    """Terms of the chosen orderer, for the form's rules as you type."""
    return _terms_for(orderer_id)


@requires(*STAFF)
def validate(session: Session, raw: dict[str, str]) -> Validation:
    return _validate(raw)


def _validate(raw: dict[str, str]) -> Validation:
    v = validate_application(raw, _terms_for(raw.get("orderer_id")))
    branch = v.values.get("branch_id")
    if branch is not None and "branch_id" not in v.found and not Branch.get_or_none(Branch.id == branch):
        v.add(Problem("branch_id", "choose_from_list", {"label": FIELD_BY_KEY["branch_id"].label}))
    return v


def _own(session: Session, application_id: int, *, lock: bool = False) -> Application:
    """The caller's company's application; ``lock``: its row is locked until the transaction ends
    (PostgreSQL: two sessions saving or sending one draft at once take turns, as on SQLite)."""
    query = Application.select().where(Application.id == application_id)
    app = (locked(query) if lock else query).first()
    if app is None or app.company_id != session.company_id:
        raise NotFound("申込が見つかりません。")
    return app


@requires(Role.CONTRACTOR)
def new_draft(session: Session) -> int:
    """申込の作成(新規): an empty draft with the form's defaults, numbered within the company."""
    raw = dict(DEFAULTS)
    first_branch = Branch.select().order_by(Branch.id).first()
    if first_branch:
        raw["branch_id"] = str(first_branch.id)
    with transaction():
        number = queries.next_value(f"application:{session.company_id}")
        app = Application.create(
            company=session.company_id,
            user=session.user_id,
            number=number,
            draft=json.dumps(raw, ensure_ascii=False),
        )
    return app.id


@requires(Role.CONTRACTOR)
def drafts(session: Session) -> list[DraftRow]:
    """This company's applications, drafts first then the newest."""
    q = (
        Application.select()
        .where(Application.company == session.company_id)
        .order_by((Application.status != AppStatus.DRAFT), Application.updated_at.desc(), Application.id.desc())
    )
    rows = []
    for a in q:
        name = a.work_name or json.loads(a.draft or "{}").get("work_name", "")
        rows.append(DraftRow(a.id, name, a.status, a.updated_at, a.receipt_no, a.number))
    return rows


@requires(Role.CONTRACTOR)
def load_draft(session: Session, application_id: int) -> dict[str, str]:
    app = _own(session, application_id)
    raw = dict(DEFAULTS)
    raw.update(json.loads(app.draft or "{}"))
    return raw


@requires(Role.CONTRACTOR)
def sent_detail(session: Session, application_id: int) -> SentDetail:
    """申込内容 of a sent application of the caller's company (read-only), its 手続状況 and, once
    issued, its 保証契約番号. A draft is not sent: open it in the form instead."""
    from ..store.models import Guarantee

    app = _own(session, application_id)
    if app.status == AppStatus.DRAFT:
        raise InvalidState("作成中の申込です。申込一覧から開いて入力を続けてください。")
    raw = dict(DEFAULTS)
    raw.update(json.loads(app.draft or "{}"))
    values = _validate(raw).values
    orderer = Orderer.get_or_none(Orderer.id == app.orderer_id) if app.orderer_id else None
    branch = Branch.get_or_none(Branch.id == app.branch_id) if app.branch_id else None
    rows = tuple(
        IssuedRow(Guarantee.KINDS[g.kind], g.number, g.electronic, g.cancelled)
        for g in Guarantee.select().where(Guarantee.application == app.id).order_by(Guarantee.id)
    )
    return SentDetail(
        id=app.id,
        number=app.number,
        receipt_no=app.receipt_no or "",
        status=app.status,
        submitted_at=app.submitted_at,
        decided_at=app.decided_at,
        refusal_reason=app.refusal_reason if app.status == AppStatus.REFUSED else "",
        values=values,
        orderer_name=orderer.name if orderer else "",
        branch_name=branch.name if branch else "",
        guarantees=rows,
    )


@requires(Role.CONTRACTOR)
def draft_number(session: Session, application_id: int) -> int:
    """下書き No.: the application's number within the company."""
    app = _own(session, application_id)
    return app.number or app.id


@dataclass(frozen=True)
class DraftSaved:
    application_id: int  # where the text went: the draft, or its copy after a conflict
    revision: int
    copied_from: int | None = None  # the draft another session changed meanwhile
    number: int | None = None  # 下書き No. of the copy


@requires(Role.CONTRACTOR)
def draft_revision(session: Session, application_id: int) -> int:
    """The draft's revision now: pass it back to ``save_draft`` to detect a save from an older state."""
    return _own(session, application_id).revision or 0


@requires(Role.CONTRACTOR)
def save_draft(
    session: Session, application_id: int, raw: dict[str, str], *, revision: int | None = None
) -> DraftSaved:
    """Store the raw typed text (even invalid) of a draft. Cheap enough to call on every keystroke.

    ``revision``: the revision this text was typed over. If another session saved the draft since
    (the same draft open twice), neither text is lost: this one becomes a new draft (a copy), and
    the result says so. None: no check (one writer, e.g. the demo loader)."""
    clean = {k: str(v) for k, v in raw.items() if k in FIELD_BY_KEY}
    for key, value in clean.items():
        if has_surrogates(value):  # cannot be stored as UTF-8: refuse, keep the stored draft as it was
            raise ServiceError(f"「{FIELD_BY_KEY[key].label}」に{NOT_UTF8}")
    draft = json.dumps(clean, ensure_ascii=False)
    with transaction():
        app = _own(session, application_id, lock=True)  # another company's id: NotFound, not a misleading state error
        if app.status == AppStatus.DRAFT and revision is not None and (app.revision or 0) != revision:
            number = queries.next_value(f"application:{session.company_id}")
            copy = Application.create(
                company=session.company_id,
                user=session.user_id,
                number=number,
                draft=draft,
                revision=1,
                work_name=clean.get("work_name", "")[:255],
            )
            audit.record(session.login, "application.draft_conflict", str(app.number or app.id), f"copy {number}")
            return DraftSaved(copy.id, 1, copied_from=application_id, number=number)
        n = (
            Application.update(
                draft=draft,
                updated_at=now(),
                work_name=clean.get("work_name", "")[:255],
                revision=Application.revision + 1,
            )
            .where(
                Application.id == application_id,
                Application.company == session.company_id,
                Application.status == AppStatus.DRAFT,
            )
            .execute()
        )
    if n != 1:
        raise InvalidState("この申込は送信済みのため変更できません。")
    return DraftSaved(application_id, (app.revision or 0) + 1)


@requires(Role.CONTRACTOR)
def delete_draft(session: Session, application_id: int) -> None:
    with transaction():
        app = _own(session, application_id, lock=True)
        if app.status != AppStatus.DRAFT:
            raise InvalidState("送信済みの申込は削除できません。")
        app.delete_instance()


@requires(Role.CONTRACTOR)
def submit(session: Session, application_id: int, raw: dict[str, str]) -> Receipt:
    """送信: validate, fill the typed columns, mark 送信済 — all or nothing."""
    v = _validate(raw)
    if not v.ok:
        raise ValidationFailed(v)
    with transaction():
        app = _own(session, application_id, lock=True)
        if app.status != AppStatus.DRAFT:
            raise InvalidState("この申込は既に送信されています。")
        t = now()
        app.draft = json.dumps({k: str(x) for k, x in raw.items() if k in FIELD_BY_KEY}, ensure_ascii=False)
        for key, value in v.values.items():  # each field's typed value into its column (one per declaration)
            setattr(app, form_column_name(FIELD_BY_KEY[key]), value)
        app.status = AppStatus.SENT
        app.submitted_at = t
        app.updated_at = t
        # 受付番号: the company's own count, so it says nothing of how busy other companies are.
        sent = queries.next_value(f"receipt:{session.company_id}")
        app.receipt_no = f"ND{t:%Y%m%d}-{session.company_id:03d}-{sent:04d}"
        app.save()
        branch = Branch.get_by_id(app.branch_id)
        audit.record(session.login, "application.submit", app.receipt_no)
    return Receipt(app.id, app.receipt_no, t, branch.name)
