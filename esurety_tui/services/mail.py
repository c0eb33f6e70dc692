"""電子保証（認証キー）発行完了のお知らせ, through an outbox table. The mail never contains the key.

``queue`` adds a row inside the issuing transaction; nothing is sent there. ``deliver_pending`` (a
Textual worker in the app, ``esurety mail send`` from the shell or cron) delivers later:

    queued → sending (a lease: claimed_at, attempts + 1) → sent (SMTP) | outbox (.eml) | failed

Each state change is its own short transaction, so deliverers in several processes share one
database: a claim is a conditional UPDATE (``status = 'queued'``), so each mail is claimed once, and
a lease older than ``mail_lease_minutes`` (a deliverer killed between claim and send) goes back to
the queue. A 4xx answer or a dropped connection puts the mail back with one attempt used; after
``mail_max_attempts`` it is ``failed``, as after a permanent 5xx. A server that cannot be reached,
refuses TLS or the log-in leaves every mail queued (no attempt used) and ends the run.

SMTP: implicit TLS (``smtp_tls`` or port 465) or STARTTLS (``smtp_starttls``; on by default when
``smtp_user`` is set: a password never goes in the clear), certificates verified against the
system store or ``smtp_cafile``. The password comes from ``ESURETY_SMTP_PASSWORD`` (``smtp_password``
in the config file still works, with a warning). Without ``smtp_host`` each mail is written
atomically as ``NNNNNN.eml`` (mode 0600) to the outbox folder (mode 0700).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..store.db import transaction
from ..store.models import Guarantee, Mail
from .authz import internal, requires
from .errors import InvalidState, NotFound
from .session import Role

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

    from ..settings import MailConfig, Settings
    from .session import Session

SUBJECT = "電子保証（認証キー）発行完了のお知らせ"
STATUSES = ("queued", "sending", "sent", "outbox", "failed")
PASSWORD_ENV = "ESURETY_SMTP_PASSWORD"
ERROR_MAX = 200  # last_error is for a list column, not a log

# Bidirectional overrides and isolates: invisible, and they reorder what a reader sees.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def _one_line(text: str) -> str:
    """A header or a field inside the body: every control or line/paragraph separator becomes a
    space, so a newline in a work name or an address can never start a header or a body line."""
    out = []
    for ch in str(text):
        if ch in _BIDI:
            continue
        out.append(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch)
    return "".join(out).strip()


def _clean_body(text: str) -> str:
    """The body keeps its line breaks (LF); every other control character goes."""
    lines = str(text).replace("\r\n", "\n").split("\n")
    return "\n".join(_one_line(line) if line.strip() else "" for line in lines)


@internal
def compose(g: Guarantee, company_name: str) -> tuple[str, str]:
    body = "\n".join(
        [
            f"{_one_line(company_name)} 様",
            "",
            "インターネット保証サービス（Net Desk）をご利用いただきありがとうございます。",
            "お申込みいただいた電子保証の発行手続きが完了しました。",
            "",
            f"保証契約番号: {_one_line(g.number)}",
            f"商品(保証区分): {Guarantee.KINDS[g.kind]}",
            f"工事名: {_one_line(g.work_name)}",
            "",
            "認証キーはこのメールには記載していません。",
            "ネットデスクにログインし、全体トップの①保証契約一覧 → ②電子保証(認証キー)タブ → ③詳細 で",
            "保証契約内容をご確認のうえ、「電子保証にかかる「認証キー」のお知らせ」(PDF)を",
            "ダウンロードして発注者様へご提出ください。",
        ]
    )
    return SUBJECT, body


@internal
def queue(g: Guarantee, to: str, company_name: str) -> Mail:
    """Add the notice to the outbox, inside the caller's transaction. Sends nothing."""
    subject, body = compose(g, company_name)
    return Mail.create(to=_one_line(to), subject=subject, body=body, guarantee=g)


# -- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 25
    tls: bool = False  # implicit TLS (SMTPS)
    starttls: bool = False
    cafile: str | None = None
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "netdesk@example.invalid"
    timeout: float = 10.0
    max_attempts: int = 5
    lease: timedelta = timedelta(minutes=5)
    outbox: Path | None = None  # None: locations.outbox_dir()
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings | MailConfig) -> MailSettings:
        """From the loaded settings (``esurety_tui.settings``): ports and TLS derived from the keys."""
        from ..settings import Settings

        c = settings.mail if isinstance(settings, Settings) else settings
        warnings: list[str] = []
        tls = c.tls or c.port == 465
        starttls = False if tls else (c.starttls if c.starttls is not None else bool(c.user))
        port = c.port or (465 if tls else 587 if starttls else 25)
        if c.password_in_file:
            warnings.append(f"smtp_password in the config file: prefer the environment variable {PASSWORD_ENV}")
        return cls(
            host=c.host,
            port=port,
            tls=tls,
            starttls=starttls,
            cafile=c.cafile,
            user=c.user,
            password=c.password,
            sender=_one_line(c.sender or cls.sender),
            timeout=c.timeout,
            max_attempts=c.max_attempts,
            lease=timedelta(minutes=c.lease_minutes),
            warnings=tuple(warnings),
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> MailSettings:
        """From config.toml's keys (``settings.current()`` when None) and the environment; ConfigError
        for a key of the wrong type."""
        from ..settings import current, parse

        return cls.from_settings(current() if config is None else parse(config, env=env))


@dataclass
class Delivery:
    """What one ``deliver_pending`` run did."""

    sent: int = 0  # accepted by the SMTP server
    outbox: int = 0  # written as .eml
    deferred: int = 0  # back in the queue (4xx, dropped connection) with one attempt used
    failed: int = 0  # permanently (5xx, bad address, attempts used up)
    reclaimed: int = 0  # stale leases put back in the queue (or failed, attempts used up)
    errors: list[str] = field(default_factory=list)  # why the run stopped early (server, TLS, log-in)
    warnings: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return self.sent + self.outbox

    def summary(self) -> str:
        return f"送信 {self.sent}件、outbox {self.outbox}件、再試行待ち {self.deferred}件、失敗 {self.failed}件"


# -- message --------------------------------------------------------------------------------------


def _address(text: str) -> str:
    """The bare addr-spec, or ValueError: one mailbox, no display tricks, no second recipient."""
    from email.utils import getaddresses

    value = _one_line(text)
    found = getaddresses([value])
    if len(found) != 1:
        raise ValueError("invalid address")
    addr = found[0][1]
    local, at, domain = addr.rpartition("@")
    if not (at and local and "." in domain) or any(ch.isspace() or ch in '<>,;"' for ch in addr):
        raise ValueError("invalid address")
    return addr


def _build_message(mail: Mail, settings: MailSettings) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["Subject"] = _one_line(mail.subject)
    msg["From"] = _address(settings.sender)
    msg["To"] = _address(mail.to)
    msg["Date"] = formatdate(now().timestamp(), localtime=True)
    msg["Message-ID"] = mail.message_id or make_msgid(domain=_domain(settings.sender))
    msg.set_content(_clean_body(mail.body))
    attachment = getattr(mail, "attachment", None)
    if attachment:  # 発注者へ提出: the notice PDF
        msg.add_attachment(
            bytes(attachment),
            maintype="application",
            subtype="pdf",
            filename=_one_line(mail.attachment_name or "attachment.pdf"),
        )
    return msg


def _domain(sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("<> ")
    return domain if domain and all(ch.isalnum() or ch in ".-" for ch in domain) else "esurety.invalid"


# -- delivery -------------------------------------------------------------------------------------


def _short(err: BaseException | str) -> str:
    import smtplib

    if isinstance(err, smtplib.SMTPRecipientsRefused):
        codes = list(err.recipients.values())
        if codes:
            code, reply = codes[0]
            return _short(f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}")
    if isinstance(err, smtplib.SMTPResponseException):
        said = err.smtp_error.decode(errors="replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
        return _short(f"{err.smtp_code} {said}")
    if isinstance(err, BaseException):
        name = type(err).__name__
        text = _one_line(f"{name}: {err}" if str(err) else name)
    else:
        text = _one_line(err)
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def _smtp_code(err: BaseException) -> int | None:
    import smtplib

    if isinstance(err, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in err.recipients.values()]
        return min(codes) if codes else None  # any transient refusal: worth another try
    if isinstance(err, smtplib.SMTPResponseException):
        return err.smtp_code
    return None


class _ServerTrouble(Exception):
    """The server cannot be used this run (unreachable, TLS, log-in): mails stay queued."""


class _Smtp:
    """One SMTP connection per run, opened on the first mail."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self.conn: smtplib.SMTP | None = None

    def _open(self) -> None:
        import smtplib
        import ssl

        s = self.settings
        if s.user and not (s.tls or s.starttls):
            raise _ServerTrouble("smtp_user without TLS: refusing to send the password in the clear")
        try:
            context = ssl.create_default_context(cafile=s.cafile)  # a missing cafile: FileNotFoundError
            conn: smtplib.SMTP
            if s.tls:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                conn.ehlo()
                if s.starttls:
                    conn.starttls(context=context)  # no STARTTLS offered: SMTPNotSupportedError
                    conn.ehlo()
                if s.user:
                    conn.login(s.user, s.password)
            except BaseException:
                conn.close()
                raise
        except (OSError, smtplib.SMTPException, ssl.SSLError) as e:
            raise _ServerTrouble(f"{s.host}:{s.port}: {_short(e)}") from None
        self.conn = conn

    def send(self, msg: EmailMessage, sender: str, to: str) -> None:
        if self.conn is None:
            self._open()
        assert self.conn is not None
        self.conn.send_message(msg, from_addr=sender, to_addrs=[to])

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except Exception:  # closing after a dropped connection: nothing left to say
                self.conn.close()
            self.conn = None


def _write_eml(folder: Path, mail_id: int, data: bytes) -> Path:
    """``NNNNNN.eml`` written whole or not at all: a temporary file, fsync, rename, fsync the folder."""
    import secrets

    from ..locations import ensure_private_dir

    ensure_private_dir(folder)  # a new folder is 0700 whatever the umask
    final = folder / f"{mail_id:06d}.eml"
    tmp = folder / f".{mail_id:06d}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return final


def _reclaim_stale(settings: MailSettings) -> int:
    """Leases older than ``settings.lease`` go back to the queue (or fail, attempts used up)."""
    cutoff = now() - settings.lease
    stale = (Mail.status == "sending") & (Mail.claimed_at.is_null() | (Mail.claimed_at < cutoff))
    with transaction():
        failed = (
            Mail.update(status="failed", claimed_at=None, last_error="lease expired: attempts used up")
            .where(stale & (Mail.attempts >= settings.max_attempts))
            .execute()
        )
        back = (
            Mail.update(status="queued", claimed_at=None, last_error="lease expired (deliverer stopped)")
            .where(stale)
            .execute()
        )
    return failed + back


def _claim(after: int, settings: MailSettings) -> Mail | None:
    """The oldest queued mail with an id above ``after``, now ``sending`` under our lease; None when
    none. A run walks the ids upwards, so it tries each mail at most once (a 4xx put back is left for
    the next run). Short transactions; the conditional UPDATE makes the claim exclusive on every backend."""
    from email.utils import make_msgid

    while True:
        with transaction():
            query = Mail.select(Mail.id).where((Mail.status == "queued") & (Mail.id > after))
            ids = [row[0] for row in query.order_by(Mail.id).limit(1).tuples()]  # type: ignore[index]  # read whole, then write
            if not ids:
                return None
            after = ids[0]
            claimed = (
                Mail.update(status="sending", claimed_at=now(), attempts=Mail.attempts + 1)
                .where((Mail.id == after) & (Mail.status == "queued"))
                .execute()
            )
            if claimed:
                mail = Mail.get_by_id(after)
                if not mail.message_id:
                    mail.message_id = make_msgid(domain=_domain(settings.sender))
                    Mail.update(message_id=mail.message_id).where(Mail.id == after).execute()
                return mail
        # another deliverer claimed it between our SELECT and UPDATE (not on SQLite: BEGIN IMMEDIATE)


def _finish(mail_id: int, **values: Any) -> None:
    with transaction():
        Mail.update(claimed_at=None, **values).where(Mail.id == mail_id).execute()


def _requeue(mail: Mail, error: str, settings: MailSettings, result: Delivery) -> None:
    if mail.attempts >= settings.max_attempts:
        _finish(mail.id, status="failed", last_error=_short(f"{error} (after {mail.attempts} attempts)"))
        result.failed += 1
    else:
        _finish(mail.id, status="queued", last_error=_short(error))
        result.deferred += 1


def _release(mail: Mail) -> None:
    """Back to the queue untouched: the attempt never reached a server."""
    _finish(mail.id, status="queued", attempts=Mail.attempts - 1)


@internal
def deliver_pending(limit: int | None = None, settings: MailSettings | None = None) -> Delivery:
    """Deliver up to ``limit`` queued mails (each tried at most once per run). Never raises for a
    mail or server problem, and never blocks longer than the SMTP timeout per step: the outcome is
    in the returned ``Delivery``. Safe to run from several threads or processes at once."""
    import smtplib

    from peewee import DatabaseError

    from ..settings import ConfigError

    try:
        settings = settings or MailSettings.from_config()
        _address(settings.sender)
    except ConfigError as e:  # a config mistake must not fail every mail: nothing is claimed
        return Delivery(errors=[f"mail settings: {_short(e.en)}"])
    except (ValueError, TypeError) as e:
        return Delivery(errors=[f"mail settings: {_short(e)} (mail_from …)"])
    result = Delivery(warnings=list(settings.warnings))
    smtp = _Smtp(settings) if settings.host else None
    after, tried = 0, 0
    try:
        result.reclaimed = _reclaim_stale(settings)
        while limit is None or tried < limit:
            mail = _claim(after, settings)
            if mail is None:
                break
            after, tried = mail.id, tried + 1
            try:
                msg = _build_message(mail, settings)
            except (ValueError, TypeError) as e:
                _finish(mail.id, status="failed", last_error=_short(f"invalid message: {e}"))
                result.failed += 1
                continue
            if smtp is None:
                try:
                    _write_eml(settings.outbox or _outbox_dir(), mail.id, bytes(msg))
                except OSError as e:
                    _release(mail)
                    result.errors.append(f"outbox: {_short(e)}")
                    break
                _finish(mail.id, status="outbox", sent_at=now(), last_error="")
                result.outbox += 1
                continue
            try:
                smtp.send(msg, _address(settings.sender), _address(mail.to))
            except _ServerTrouble as e:
                _release(mail)
                result.errors.append(str(e))
                _note_queued(str(e))
                break
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as e:
                code = _smtp_code(e)
                if code is not None and code >= 500:  # permanent: never retried by itself
                    _finish(mail.id, status="failed", last_error=_short(e))
                    result.failed += 1
                else:
                    _requeue(mail, _short(e), settings, result)
                continue
            except smtplib.SMTPNotSupportedError as e:  # e.g. an address the server cannot take
                _finish(mail.id, status="failed", last_error=_short(e))
                result.failed += 1
                continue
            except OSError as e:  # dropped mid-transaction (smtplib errors are OSErrors): one attempt used
                _requeue(mail, _short(e), settings, result)
                result.errors.append(f"{settings.host}:{settings.port}: {_short(e)}")
                break
            _finish(mail.id, status="sent", sent_at=now(), last_error="")
            result.sent += 1
    except DatabaseError as e:  # a worker must not die on a busy database: the lease brings it back
        result.errors.append(f"database: {_short(e)}")
    finally:
        if smtp is not None:
            smtp.close()
    return result


@internal
def deliver_in_worker(limit: int | None = 50, settings: MailSettings | None = None) -> Delivery:
    """For a thread worker (Textual ``run_worker(..., thread=True)``): ``deliver_pending``, then close
    the database connection this thread opened (peewee keeps one per thread)."""
    from ..store.db import database

    try:
        return deliver_pending(limit=limit, settings=settings)
    finally:
        if not database.is_closed():
            database.close()


def _note_queued(error: str) -> None:
    """The reason the server could not be used, shown next to every waiting mail."""
    with transaction():
        Mail.update(last_error=_short(error)).where(Mail.status == "queued").execute()


def _outbox_dir() -> Path:
    from ..locations import outbox_dir

    return outbox_dir()


# -- administration (esurety mail …, the branch console) -------------------------------------------


@dataclass(frozen=True)
class MailRow:
    id: int
    status: str
    to: str
    subject: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str
    number: str  # 保証契約番号 ("" when the guarantee is gone)


def _with_guarantee(*fields):
    from peewee import JOIN

    return Mail.select(*fields).join(Guarantee, JOIN.LEFT_OUTER, on=(Mail.guarantee == Guarantee.id))


def _scope(session: Session, query):
    """The administrator sees every mail; a branch the mails of its own contracts."""
    branch = session.branch_scope
    return query if branch is None else query.where(Guarantee.branch == branch)


@requires(Role.BRANCH, Role.SYSTEM)
def listing(session: Session, status: str | None = None, limit: int = 1000) -> list[MailRow]:
    """Newest first. The administrator sees every mail; a branch the mails of its contracts."""
    if status is not None and status not in STATUSES:
        raise InvalidState(f"不明な状態: {status}")
    query = _scope(
        session,
        _with_guarantee(
            Mail.id,
            Mail.status,
            Mail.to,
            Mail.subject,
            Mail.attempts,
            Mail.created_at,
            Mail.sent_at,
            Mail.last_error,
            Guarantee.number,
        ),
    )
    if status:
        query = query.where(Mail.status == status)
    rows = query.order_by(Mail.id.desc()).limit(limit).tuples()
    return [MailRow(*r[:8], number=r[8] or "") for r in rows]  # type: ignore[misc]  # rows are tuples


@requires(Role.BRANCH, Role.SYSTEM)
def failed_count(session: Session) -> int:
    return _scope(session, _with_guarantee(Mail.id)).where(Mail.status == "failed").count()


@requires(Role.BRANCH, Role.SYSTEM)
def retry(session: Session, mail_id: int) -> None:
    """failed (or queued) → queued with a fresh count of attempts."""
    with transaction():
        rows = list(_scope(session, _with_guarantee(Mail.id, Mail.status)).where(Mail.id == mail_id).tuples())
        if not rows:
            raise NotFound(f"メール {mail_id} はありません。")
        status = rows[0][1]
        if status not in ("failed", "queued"):
            raise InvalidState(f"メール {mail_id} は {status} です（送信待ちに戻せるのは failed のメールです）。")
        Mail.update(status="queued", attempts=0, claimed_at=None, last_error="").where(Mail.id == mail_id).execute()
