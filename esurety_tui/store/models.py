"""peewee models. Money is integer yen (BigIntegerField); times are naive local datetimes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from peewee import (
    Field as PeeweeField,
)

from ..domain.fields import FIELDS, Field, Kind
from ..domain.status import AppStatus
from .db import database


def now() -> datetime:
    from ..clock import now as _now

    return _now()


class BaseModel(Model):
    if TYPE_CHECKING:  # the primary key peewee adds at class creation (and each FK's `<name>_id`), for mypy
        id: ClassVar[AutoField[int]]

    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = DateTimeField(default=now)


class Company(BaseModel):
    """A contractor (受注者)."""

    name = CharField(unique=True)
    address = CharField(default="")
    zip_code = CharField(default="")
    # search_key(name), set by save(): a branch's search finds a company's rows by it (NULL where a
    # program other than esurety inserted the row: the name is then not searched).
    search_name = CharField(null=True)

    def save(self, *args, **kwargs):
        from ..domain.text import search_key

        self.search_name = search_key(self.name or "")
        return super().save(*args, **kwargs)


class Branch(BaseModel):
    """A branch of the surety company (申込送信先): issues contracts under its number prefix."""

    name = CharField(unique=True)
    code = CharField(max_length=3)  # first three digits of 保証契約番号
    phone = CharField(default="")
    email = CharField(default="")
    hours = CharField(default="")


class Orderer(BaseModel):
    """A public orderer (発注者)."""

    name = CharField(unique=True)
    accepts_electronic = BooleanField(default=False)
    terms = TextField(default="")  # JSON overrides of domain.rules.OrdererTerms
    email = CharField(default="")  # where 発注者へ提出 sends the notice
    address = CharField(default="")


class User(BaseModel):
    login = CharField(unique=True)
    password_hash = CharField()
    company = ForeignKeyField(Company, null=True, backref="users", on_delete="CASCADE")
    if TYPE_CHECKING:
        company_id: int | None
    branch = ForeignKeyField(Branch, null=True, backref="users", on_delete="CASCADE")
    if TYPE_CHECKING:
        branch_id: int | None
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField(default=now)


class Application(BaseModel):
    """A 保証申込. ``draft`` keeps the raw typed text; typed columns are filled on 送信."""

    company = ForeignKeyField(Company, backref="applications", on_delete="CASCADE")
    if TYPE_CHECKING:
        company_id: int | None
    user = ForeignKeyField(User, null=True, backref="applications", on_delete="SET NULL")
    if TYPE_CHECKING:
        user_id: int | None
    status = CharField(default=AppStatus.DRAFT.value, index=True)  # domain.status.AppStatus
    number = IntegerField(null=True)  # per company: 下書き No. / 受付番号 tell nothing of other companies
    revision = IntegerField(default=0)  # +1 at every draft save: a save from an older state is a conflict
    draft = TextField(default="{}")
    receipt_no = CharField(null=True, unique=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    submitted_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)
    refusal_reason = TextField(default="")
    # The form's columns (one per domain.fields.FIELDS declaration) are added below the class by
    # add_form_columns. For type checkers: the ones queried at class level, and any other by name.
    if TYPE_CHECKING:
        orderer: ClassVar[ForeignKeyField]
        orderer_id: int | None
        branch: ClassVar[ForeignKeyField]
        branch_id: int | None
        work_name: ClassVar[CharField]
        contract_amount: ClassVar[BigIntegerField]

        def __getattr__(self, name: str) -> Any: ...

    class Meta:
        indexes = ((("company", "status"), False),)


def form_column_name(f: Field) -> str:
    """The column of a form field: its key (a row reference ``orderer_id`` is the foreign key ``orderer``)."""
    return f.key.removesuffix("_id") if f.kind is Kind.REF else f.key


def _form_column(f: Field) -> PeeweeField:
    """The column a field's typed value is stored in on 送信 (the draft keeps the raw text)."""
    if f.kind is Kind.REF:
        master = {"orderer": Orderer, "branch": Branch}[f.ref]
        return ForeignKeyField(master, null=True, on_delete="SET NULL")
    if f.kind in (Kind.AMOUNT, Kind.AMOUNT_K):
        return BigIntegerField(null=True)
    if f.kind in (Kind.COUNT, Kind.MONTH, Kind.DAY, Kind.HOUR):
        return IntegerField(null=True)
    if f.kind is Kind.DATE:
        return DateField(null=True)
    if f.kind is Kind.FLAG:
        return BooleanField(default=False)
    return CharField(default="")  # TEXT, FULLWIDTH, CHOICE, EMAIL, ZIP


def add_form_columns(model: type[Model]) -> None:
    """One column per declared field, in the form's order (a new field's column comes from here; an
    existing database gets it from its migration step)."""
    for f in FIELDS:
        model._meta.add_field(form_column_name(f), _form_column(f))


add_form_columns(Application)


class Guarantee(BaseModel):
    """An issued guarantee (保証契約): 前払金保証 or 契約保証, with its 保証契約番号 and 認証キー."""

    KINDS = {"advance": "前払金保証", "contract": "契約保証"}
    SHORT = {"advance": "前払", "contract": "契約"}

    number = CharField(unique=True)
    kind = CharField()  # "advance" | "contract"
    company = ForeignKeyField(Company, backref="guarantees", on_delete="CASCADE")
    if TYPE_CHECKING:
        company_id: int | None
    application = ForeignKeyField(Application, null=True, backref="guarantees", on_delete="SET NULL")
    if TYPE_CHECKING:
        application_id: int | None
    orderer = ForeignKeyField(Orderer, backref="guarantees")
    if TYPE_CHECKING:
        orderer_id: int | None
    branch = ForeignKeyField(Branch, backref="guarantees")
    if TYPE_CHECKING:
        branch_id: int | None
    electronic = BooleanField(default=True)
    auth_key = CharField(null=True)  # only for 電子保証
    # Current contents (the latest version; versions hold each snapshot).
    work_name = CharField()
    work_place = CharField(default="")
    contractor_name = CharField()
    jv_name = CharField(default="")
    contract_amount = BigIntegerField()
    guarantee_amount = BigIntegerField()
    deposit_bank = CharField(default="")
    start_date = DateField()
    end_date = DateField()
    cancelled = BooleanField(default=False)
    issued_at = DateTimeField(default=now)
    # 認証キーの再発行: when the key last changed; the notice must go to the orderer again.
    key_reissued_at = DateTimeField(null=True)
    # NFKC + casefold of number, orderer and work name; store/search.py indexes it (triggers).
    search_text = TextField(default="")

    class Meta:
        # 保証契約一覧 windows are newest first (issued_at DESC, id DESC): these let the database walk
        # an index backwards instead of sorting every row (contractor: all / electronic; branch).
        indexes = (
            (("company", "number"), False),
            (("company", "electronic", "issued_at", "id"), False),
            (("company", "issued_at", "id"), False),
            (("issued_at", "id"), False),
            (("branch", "issued_at", "id"), False),
        )


class CertificateVersion(BaseModel):
    """One version of a certificate: 新規 / 訂正 / 変更 / 取消, each with its own 発行日時."""

    guarantee = ForeignKeyField(Guarantee, backref="versions", on_delete="CASCADE")
    if TYPE_CHECKING:
        guarantee_id: int | None
    seq = IntegerField()
    kind = CharField()  # domain.status.VersionKind
    issued_at = DateTimeField(default=now)
    superseded = BooleanField(default=False)  # corrected or withdrawn: not shown in the history
    work_name = CharField()
    guarantee_amount = BigIntegerField()
    contract_amount = BigIntegerField()
    start_date = DateField()
    end_date = DateField()
    deposit_bank = CharField(default="")
    note = TextField(default="")

    class Meta:
        # 電子保証履歴一覧 is newest first: (issued_at, id) serves its ORDER BY.
        indexes = ((("guarantee", "seq"), True), (("issued_at", "id"), False))


class AuditLog(BaseModel):
    """Who did what. Never holds an authentication key or a password."""

    at = DateTimeField(default=now, index=True)
    actor = CharField(default="")
    action = CharField()
    target = CharField(default="")
    detail = TextField(default="")


class LoginAttempt(BaseModel):
    """A failed log-in, kept for the lock-out window: by the login id as typed, existing or not
    (so that the lock-out behaves the same for every id and tells nothing about which exist)."""

    login = CharField(index=True)
    at = DateTimeField(default=now, index=True)


class Mail(BaseModel):
    """Outgoing mail (電子保証（認証キー）発行完了のお知らせ). Never holds an authentication key."""

    to = CharField()
    subject = CharField()
    body = TextField()
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)
    # queued → sending (a lease: claimed_at) → sent (SMTP) | outbox (.eml file) | failed
    status = CharField(default="queued")
    guarantee = ForeignKeyField(Guarantee, null=True, backref="mails", on_delete="SET NULL")
    if TYPE_CHECKING:
        guarantee_id: int | None
    attempts = IntegerField(default=0)  # claims so far (a 4xx, a lost lease, a dropped connection)
    claimed_at = DateTimeField(null=True)  # while sending: a lease older than mail_lease_minutes expires
    last_error = CharField(default="")  # short, e.g. "550 mailbox unavailable"; never a secret
    message_id = CharField(default="")  # fixed at the first claim: a re-delivery keeps the same Message-ID
    # 発注者へ提出: the notice PDF (the key is only inside it, never in the body).
    attachment_name = CharField(null=True)
    attachment = BlobField(null=True)

    class Meta:
        indexes = ((("status", "id"), False),)


class DSureView(BaseModel):
    """A successful D-Sure view of a certificate by number + key (閲覧履歴)."""

    guarantee = ForeignKeyField(Guarantee, backref="dsure_views", on_delete="CASCADE")
    if TYPE_CHECKING:
        guarantee_id: int | None
    at = DateTimeField(default=now)
    viewer = CharField(default="")  # the orderer, where known (never the key)
    version_seq = IntegerField(null=True)

    class Meta:
        indexes = ((("guarantee", "at"), False),)


class DSureLock(BaseModel):
    """D-Sure lock-out per 保証契約番号 (known or not): wrong keys in a row, and until when it is locked."""

    number = CharField(primary_key=True)
    failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)


class Counter(BaseModel):
    """Named counters (保証契約番号 serials, per-company application numbers): see queries.next_value."""

    name = CharField(primary_key=True)
    value = BigIntegerField(default=0)


MODELS = (
    SchemaVersion,
    Company,
    Branch,
    Orderer,
    User,
    Application,
    Guarantee,
    CertificateVersion,
    AuditLog,
    Mail,
    Counter,
    LoginAttempt,
    DSureView,
    DSureLock,
)
