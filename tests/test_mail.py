"""The mail outbox against a real SMTP server on loopback (aiosmtpd): delivery read back, a server
down, 4xx / 5xx answers, TLS verification, concurrent deliverers, a lost lease, the CLI. No mail,
subject or header ever holds an authentication key."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from esurety_tui.cli import main
from esurety_tui.services import mail
from esurety_tui.services.errors import Forbidden, InvalidState, NotFound
from esurety_tui.services.session import SYSTEM_SESSION, Role, Session
from esurety_tui.store.db import database
from esurety_tui.store.models import Guarantee, Mail
from tests.conftest import FROZEN

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

ADMIN = SYSTEM_SESSION
TO = "keiri@example.jp"


# -- a real SMTP server ---------------------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: keeps every accepted message; answers RCPT with ``rcpt_reply`` when set."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.rcpt_reply: str | None = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """Start servers with ``smtp(**controller_kwargs)``; all are stopped at the end."""
    started = []

    def start(port: int | None = None, recorder: Recorder | None = None, **kwargs) -> tuple[Recorder, int]:
        recorder = recorder or Recorder()
        port = port or free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return recorder, port

    yield start
    for c in started:
        c.stop()


def plain(port: int, **kw) -> mail.MailSettings:
    return mail.MailSettings(host="127.0.0.1", port=port, sender="netdesk@ejcs.example", timeout=5, **kw)


@pytest.fixture
def queue(demo_db):
    """An empty outbox on the demo database; ``queue(n)`` adds n notices for demo guarantees."""
    Mail.delete().execute()
    guarantees = list(Guarantee.select().where(Guarantee.electronic == True).order_by(Guarantee.id))

    def add(n: int = 1, to: str = TO) -> list[Mail]:
        return [mail.queue(guarantees[i % len(guarantees)], to, "〇〇建設 株式会社") for i in range(n)]

    return add


def keys() -> list[str]:
    return [g.auth_key for g in Guarantee.select() if g.auth_key]


def assert_no_key(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [str(v) for v in msg.values()] + [msg.get_content()]
    for key in keys():
        assert key.encode() not in raw
        for text in texts:
            assert key not in text


def status(m: Mail) -> tuple:
    row = Mail.get_by_id(m.id)
    return row.status, row.attempts


# -- delivered and read back ----------------------------------------------------------------------


def test_delivered_over_smtp_and_read_back(queue, smtp):
    (m,) = queue(1)
    g = Guarantee.get_by_id(m.guarantee_id)
    server, port = smtp()

    done = mail.deliver_pending(settings=plain(port))

    assert (done.sent, done.failed, done.errors) == (1, 0, [])
    ((rcpt, raw),) = server.messages
    assert rcpt == [TO]
    (msg,) = server.parsed()
    assert msg["Subject"] == "電子保証（認証キー）発行完了のお知らせ"
    assert (msg["To"], msg["From"]) == (TO, "netdesk@ejcs.example")
    assert parsedate_to_datetime(msg["Date"]).replace(tzinfo=None) == FROZEN  # local time, from the clock
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@ejcs.example>")
    body = msg.get_content()
    assert f"保証契約番号: {g.number}" in body and f"工事名: {g.work_name}" in body
    assert "認証キーはこのメールには記載していません。" in body
    assert_no_key(raw)
    row = Mail.get_by_id(m.id)
    assert (row.status, row.attempts, row.sent_at, row.claimed_at, row.last_error) == ("sent", 1, FROZEN, None, "")
    assert row.message_id == msg["Message-ID"]
    # nothing left to do
    assert mail.deliver_pending(settings=plain(port)).sent == 0 and len(server.messages) == 1


def test_issue_only_queues_even_with_a_silent_server(demo_session, branch_session, tmp_path):
    """A server that accepts the connection and never answers cannot hold up issuing."""
    from esurety_tui.services import issuing
    from tests.test_services import _submitted

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # never accept: connect succeeds, the greeting never comes
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {silent.getsockname()[1]}\nsmtp_timeout = 0.5\n'
    )
    try:
        app_id = _submitted(demo_session)
        issuing.accept(branch_session, app_id)
        started = time.monotonic()
        numbers = issuing.issue(branch_session, app_id)
        assert time.monotonic() - started < 2
        queued = Mail.select().join(Guarantee).where(Guarantee.number.in_(numbers))
        assert [m.status for m in queued] == ["queued", "queued"]
        # the deliverer gives up after the timeout, and the mails stay queued with no attempt used
        started = time.monotonic()
        done = mail.deliver_pending()
        assert time.monotonic() - started < 3
        assert done.delivered == 0 and done.errors and "timed out" in done.errors[0]
        assert {(m.status, m.attempts) for m in Mail.select()} == {("queued", 0)}
    finally:
        silent.close()


def test_server_down_stays_queued_then_sent(queue, smtp):
    mails = queue(3)
    port = free_port()  # nothing listens yet

    done = mail.deliver_pending(settings=plain(port))

    assert done.delivered == 0 and len(done.errors) == 1 and "Connection refused" in done.errors[0]
    for m in mails:
        row = Mail.get_by_id(m.id)
        assert (row.status, row.attempts) == ("queued", 0)  # a server that is down uses no attempt
        assert "Connection refused" in row.last_error
    server, _ = smtp(port=port)
    done = mail.deliver_pending(settings=plain(port))
    assert (done.sent, done.errors) == (3, [])
    assert len(server.messages) == 3
    assert {status(m) for m in mails} == {("sent", 1)}
    assert {Mail.get_by_id(m.id).last_error for m in mails} == {""}


def test_550_fails_at_once_and_is_never_retried_by_itself(queue, smtp):
    (m,) = queue(1)
    server, port = smtp()
    server.rcpt_reply = "550 5.1.1 mailbox unavailable"

    done = mail.deliver_pending(settings=plain(port))

    assert (done.sent, done.failed, done.deferred) == (0, 1, 0)
    row = Mail.get_by_id(m.id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("550") and "mailbox unavailable" in row.last_error
    assert mail.deliver_pending(settings=plain(port)).failed == 0
    assert status(m) == ("failed", 1) and server.messages == []
    # the administrator's retry puts it back; the mailbox is fixed, so it goes out
    server.rcpt_reply = None
    mail.retry(ADMIN, m.id)
    assert (Mail.get_by_id(m.id).status, Mail.get_by_id(m.id).last_error) == ("queued", "")
    assert mail.deliver_pending(settings=plain(port)).sent == 1
    assert status(m) == ("sent", 1) and len(server.messages) == 1


def test_4xx_is_retried_until_max_attempts_then_failed(queue, smtp):
    (m,) = queue(1)
    server, port = smtp()
    server.rcpt_reply = "451 4.3.0 try again later"
    settings = plain(port, max_attempts=3)

    for attempt in (1, 2):
        done = mail.deliver_pending(settings=settings)
        assert (done.deferred, done.failed) == (1, 0)  # each run tries a mail at most once
        assert status(m) == ("queued", attempt)
        assert Mail.get_by_id(m.id).last_error.startswith("451")
    done = mail.deliver_pending(settings=settings)
    assert (done.deferred, done.failed) == (0, 1)
    row = Mail.get_by_id(m.id)
    assert (row.status, row.attempts) == ("failed", 3) and "after 3 attempts" in row.last_error
    assert mail.deliver_pending(settings=settings).failed == 0 and server.messages == []


def test_lost_lease_is_delivered_again_but_a_live_one_is_left_alone(queue, smtp):
    """A deliverer killed between claim and send leaves ``sending``: the lease expires, the mail goes."""
    lost, live = queue(2)
    Mail.update(status="sending", attempts=1, claimed_at=FROZEN - timedelta(minutes=6)).where(
        Mail.id == lost.id
    ).execute()
    Mail.update(status="sending", attempts=1, claimed_at=FROZEN - timedelta(minutes=1)).where(
        Mail.id == live.id
    ).execute()
    server, port = smtp()

    done = mail.deliver_pending(settings=plain(port))  # lease: 5 minutes

    assert (done.reclaimed, done.sent) == (1, 1)
    assert status(lost) == ("sent", 2) and status(live) == ("sending", 1)
    assert len(server.messages) == 1
    # a mail whose lease keeps expiring does not loop for ever
    Mail.update(status="sending", attempts=5, claimed_at=FROZEN - timedelta(hours=1)).where(
        Mail.id == live.id
    ).execute()
    assert mail.deliver_pending(settings=plain(port)).reclaimed == 1
    assert status(live) == ("failed", 5) and "lease expired" in Mail.get_by_id(live.id).last_error


def test_newlines_in_a_work_name_or_an_address_add_no_header(queue, smtp):
    g = Guarantee.select().where(Guarantee.electronic == True).first()
    Mail.delete().execute()
    g.work_name = "河川工事\r\nBcc: evil@example.net\x1b[31m\u2028X-Evil: 1"
    good = mail.queue(g, TO, "〇〇建設\nX-Company: 1")
    bad = mail.queue(g, "keiri@example.jp\nBcc: evil@example.net", "〇〇建設")
    bad_raw = Mail.create(
        to=TO, subject="件名\r\nBcc: evil@example.net", body="本文\x1b]52;c;AAAA\x07\r\n次の行", guarantee=g
    )
    server, port = smtp()

    done = mail.deliver_pending(settings=plain(port))

    assert (done.sent, done.failed) == (2, 1)
    assert status(bad)[0] == "failed" and "invalid address" in Mail.get_by_id(bad.id).last_error
    assert [rcpt for rcpt, _ in server.messages] == [[TO], [TO]]
    for msg in server.parsed():
        assert set(msg.keys()) == {
            "Subject",
            "From",
            "To",
            "Date",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        }
        body = msg.get_content().replace("\r\n", "\n")  # CRLF is SMTP's own line ending
        assert "\x1b" not in body and "\x07" not in body and "\u2028" not in body and "\r" not in body
        assert not any(line.startswith(("Bcc:", "X-")) for line in body.splitlines())
    first, second = server.parsed()
    assert "工事名: 河川工事  Bcc: evil@example.net [31m X-Evil: 1" in first.get_content()
    assert "〇〇建設 X-Company: 1 様" in first.get_content()
    assert second["Subject"] == "件名  Bcc: evil@example.net"
    assert second.get_content().splitlines() == ["本文 ]52;c;AAAA", "次の行"]
    assert status(good)[0] == status(bad_raw)[0] == "sent"


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (openssl; `cryptography` is not a dependency)."""
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    done = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        capture_output=True,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {done.stderr.decode(errors='replace')[:200]}")
    return cert, key


def server_context(certificate):
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*certificate)
    return ctx


def _with_env_password(port: int, **config) -> mail.MailSettings:
    return mail.MailSettings.from_config(
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_user": "netdesk",
            "mail_from": "netdesk@ejcs.example",
            **config,
        },
        env={"ESURETY_SMTP_PASSWORD": "s3cret-pw"},
    )


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_to_an_untrusted_certificate_is_refused_with_nothing_sent(queue, smtp, certificate, mode):
    (m,) = queue(1)
    recorder = Recorder()
    if mode == "starttls":
        server, port = smtp(
            recorder=recorder,
            tls_context=server_context(certificate),
            require_starttls=True,
            authenticator=recorder.authenticate,
        )
        settings = _with_env_password(port)  # smtp_user: STARTTLS by default
        assert settings.starttls and not settings.tls
    else:
        server, port = smtp(
            recorder=recorder,
            ssl_context=server_context(certificate),
            authenticator=recorder.authenticate,
            auth_require_tls=False,
        )
        settings = _with_env_password(port, smtp_tls=True)

    done = mail.deliver_pending(settings=settings)

    assert done.delivered == 0 and "CERTIFICATE_VERIFY_FAILED" in done.errors[0].upper().replace(" ", "_")
    assert server.messages == [] and server.logins == []  # the password never left
    assert status(m) == ("queued", 0)
    assert "certificate verify failed" in Mail.get_by_id(m.id).last_error


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_with_the_certificate_as_smtp_cafile_delivers(queue, smtp, certificate, mode):
    (m,) = queue(1)
    recorder = Recorder()
    if mode == "starttls":
        server, port = smtp(
            recorder=recorder,
            tls_context=server_context(certificate),
            require_starttls=True,
            authenticator=recorder.authenticate,
        )
        settings = _with_env_password(port, smtp_cafile=str(certificate[0]), smtp_starttls=True)
    else:
        server, port = smtp(
            recorder=recorder,
            ssl_context=server_context(certificate),
            authenticator=recorder.authenticate,
            auth_require_tls=False,
        )
        settings = _with_env_password(port, smtp_cafile=str(certificate[0]), smtp_tls=True)

    done = mail.deliver_pending(settings=settings)

    assert (done.sent, done.errors, done.warnings) == (1, [], [])
    assert server.logins == [(b"netdesk", b"s3cret-pw")]
    assert_no_key(server.messages[0][1])
    assert status(m) == ("sent", 1)


def test_settings_password_from_environment_and_config_warns():
    s = mail.MailSettings.from_config({"smtp_host": "h", "smtp_user": "u", "smtp_password": "in-file"}, env={})
    assert (s.password, s.starttls, s.tls, s.port) == ("in-file", True, False, 587)
    assert s.warnings and "ESURETY_SMTP_PASSWORD" in s.warnings[0]
    assert "in-file" not in repr(s)
    s = mail.MailSettings.from_config(
        {"smtp_host": "h", "smtp_user": "u", "smtp_password": "in-file"}, env={"ESURETY_SMTP_PASSWORD": "from-env"}
    )
    assert (s.password, s.warnings) == ("from-env", ())
    s = mail.MailSettings.from_config({"smtp_host": "h", "smtp_port": 465}, env={})
    assert (s.tls, s.starttls) == (True, False)
    s = mail.MailSettings.from_config({}, env={})
    assert (s.host, s.port, s.timeout, s.max_attempts, s.lease) == ("", 25, 10.0, 5, timedelta(minutes=5))


def test_a_password_is_never_sent_without_tls(queue, smtp):
    (m,) = queue(1)
    recorder = Recorder()
    server, port = smtp(recorder=recorder, authenticator=recorder.authenticate, auth_require_tls=False)
    settings = replace(_with_env_password(port), starttls=False)

    done = mail.deliver_pending(settings=settings)

    assert done.delivered == 0 and "in the clear" in done.errors[0]
    assert server.logins == [] and server.messages == [] and status(m) == ("queued", 0)


# -- concurrency ----------------------------------------------------------------------------------


def test_four_deliverer_threads_send_each_mail_exactly_once(queue, smtp):
    mails = queue(40)
    server, port = smtp()
    settings = plain(port)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def deliverer():
        try:
            barrier.wait(timeout=10)
            results.append(mail.deliver_pending(settings=settings))
        except BaseException as e:  # surfaced below
            errors.append(e)
        finally:
            database.close()  # this thread's connection

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == [] and len(results) == 4
    assert sum(r.sent for r in results) == 40 and all(r.errors == [] for r in results)
    ids = sorted(msg["Message-ID"] for msg in server.parsed())
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {status(m) for m in mails} == {("sent", 1)}
    assert sorted(Mail.get_by_id(m.id).message_id for m in mails) == ids


def test_four_deliverer_processes_send_each_mail_exactly_once(queue, smtp, demo_db, tmp_path):
    mails = queue(40)
    server, port = smtp()
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nmail_from = "nd@ejcs.example"\n')
    env = {**os.environ, "ESURETY_DATABASE": str(demo_db), "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("ESURETY_SMTP_PASSWORD", None)
    database.close()

    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "esurety_tui", "mail", "send"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    assert len(server.messages) == 40
    assert len({msg["Message-ID"] for msg in server.parsed()}) == 40
    assert {status(m) for m in mails} == {("sent", 1)}


# -- the outbox folder ----------------------------------------------------------------------------


def test_outbox_files_are_private_and_whole(queue, tmp_path):
    (m,) = queue(1)
    folder = tmp_path / "box"

    done = mail.deliver_pending(settings=mail.MailSettings(outbox=folder))

    assert done.outbox == 1
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"{m.id:06d}.eml"]  # no temporary file left behind
    path = folder / files[0]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    raw = path.read_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Date"] and msg["Message-ID"] and msg["To"] == TO
    assert_no_key(raw)
    assert status(m) == ("outbox", 1)


# -- schema step 4 --------------------------------------------------------------------------------


def test_step_4_puts_mails_stuck_in_sending_back_in_the_queue(tmp_path):
    from esurety_tui.store.db import init_database
    from tests.test_store import _load_v1

    path = tmp_path / "v1.sqlite3"
    _load_v1(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE mail SET status = 'sending'")
    con.commit()
    con.close()

    init_database(str(path))

    assert [(m.status, m.attempts, m.claimed_at, m.last_error) for m in Mail.select()] == [("queued", 0, None, "")]
    indexes = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "mail_status_id" in indexes


# -- administration and the CLI -------------------------------------------------------------------


def test_listing_is_for_the_administrator_and_the_branch_of_the_contract(queue, demo_session, branch_session):
    (m,) = queue(1)
    assert [r.id for r in mail.listing(ADMIN)] == [m.id]
    assert [r.id for r in mail.listing(branch_session)] == [m.id]  # 神奈川支店 issued every demo contract
    with pytest.raises(Forbidden):
        mail.listing(demo_session)
    with pytest.raises(Forbidden):
        mail.retry(demo_session, m.id)
    other = Session(99, "tokyo", Role.BRANCH, branch_id=10_000)
    assert mail.listing(other) == [] and mail.failed_count(other) == 0
    with pytest.raises(NotFound):
        mail.retry(other, m.id)
    with pytest.raises(InvalidState):
        mail.listing(ADMIN, status="lost")


def test_cli_mail_list_send_retry(queue, smtp, demo_db, capsys):
    first, second = queue(2)
    server, port = smtp()
    server.rcpt_reply = "550 5.1.1 no such user"
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_timeout = 5\n')
    db = ["--database", str(demo_db)]

    assert main([*db, "mail", "send"]) == 0
    assert capsys.readouterr().out.strip() == "送信 0件、outbox 0件、再試行待ち 0件、失敗 2件"

    assert main([*db, "mail", "list"]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [line[:5] for line in lines] == [
        [str(second.id), "failed", TO, mail.SUBJECT, "1"],
        [str(first.id), "failed", TO, mail.SUBJECT, "1"],
    ]
    assert lines[0][5] == "2026-11-24 10:00" and lines[0][6] == "-" and lines[0][7].startswith("550 5.1.1")
    for key in keys():
        assert all(key not in field for line in lines for field in line)

    server.rcpt_reply = None
    assert main([*db, "mail", "retry", str(first.id)]) == 0
    capsys.readouterr()
    assert main([*db, "mail", "send"]) == 0
    assert capsys.readouterr().out.strip() == "送信 1件、outbox 0件、再試行待ち 0件、失敗 0件"
    assert main([*db, "mail", "list", "--status", "sent"]) == 0
    assert [line.split("\t")[:2] for line in capsys.readouterr().out.splitlines()] == [[str(first.id), "sent"]]

    assert main([*db, "mail", "retry", "99999"]) == 1
    assert capsys.readouterr().err == "esurety: メール 99999 はありません。 (not found)\n"
    assert main([*db, "mail", "retry", str(first.id)]) == 2  # sent: nothing to retry
    assert capsys.readouterr().err.startswith(f"esurety: メール {first.id} は sent です")
    with pytest.raises(SystemExit) as usage:
        main([*db, "mail", "retry", "x"])
    assert usage.value.code == 2


def test_cli_mail_send_reports_a_server_down(queue, demo_db, capsys):
    (m,) = queue(1)
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'smtp_host = "127.0.0.1"\nsmtp_port = {free_port()}\nsmtp_password = "pw"\n')

    assert main(["--database", str(demo_db), "mail", "send"]) == 5

    out, err = capsys.readouterr()
    assert out.strip() == "送信 0件、outbox 0件、再試行待ち 0件、失敗 0件"
    lines = err.splitlines()
    assert (
        "esurety: 警告: smtp_password in the config file: prefer the environment variable ESURETY_SMTP_PASSWORD"
        in lines
    )
    (failed,) = [line for line in lines if "送れませんでした" in line]
    assert failed.startswith("esurety: メールを送れませんでした（送信待ちのまま残ります） (127.0.0.1:")
    assert "Connection refused" in failed
    assert "pw\n" not in err and status(m) == ("queued", 0)


@pytest.mark.parametrize(
    "config",
    [
        {"mail_from": "not an address"},
        {"smtp_port": "abc"},
        {"smtp_host": "127.0.0.1", "smtp_cafile": "/nonexistent/ca.pem"},
    ],
)
def test_a_config_mistake_claims_nothing_and_fails_nothing(queue, config, tmp_path):
    (m,) = queue(1)
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in config.items()))

    done = mail.deliver_pending()

    assert done.delivered == 0 and len(done.errors) == 1
    assert status(m) == ("queued", 0)


def test_deliver_in_worker_runs_in_a_thread_and_closes_its_connection(queue, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    mails = queue(3)
    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(mail.deliver_in_worker, 2).result(timeout=30)
        assert done.outbox == 2
        assert pool.submit(database.is_closed).result(timeout=5)  # the worker's own connection
    assert [status(m)[0] for m in mails] == ["outbox", "outbox", "queued"]  # this thread's still works


def test_kill_9_between_claim_and_send_is_delivered_again_after_the_lease(queue, smtp, demo_db):
    """A real `esurety mail send` killed while the server holds its RCPT: the mail stays `sending`
    (nothing was accepted), and once the lease has expired the next run delivers it, once."""
    import asyncio
    import signal

    (m,) = queue(1)

    class Stalling(Recorder):
        def __init__(self):
            super().__init__()
            self.stall, self.reached = True, threading.Event()

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if self.stall:
                self.reached.set()
                await asyncio.sleep(60)  # cancelled when the server stops
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    server, port = smtp(recorder=Stalling())
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\n')
    env = {
        **os.environ,
        "ESURETY_DATABASE": str(demo_db),
        "ESURETY_FROZEN_TIME": FROZEN.isoformat(),
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    database.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "esurety_tui", "mail", "send"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert server.reached.wait(timeout=60)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    assert status(m) == ("sending", 1) and server.messages == []
    server.stall = False
    assert mail.deliver_pending(settings=plain(port)).sent == 0  # the lease still holds
    clock_later = FROZEN + timedelta(minutes=6)
    from esurety_tui import clock

    clock.freeze(clock_later)
    done = mail.deliver_pending(settings=plain(port))
    assert (done.reclaimed, done.sent) == (1, 1)
    assert status(m) == ("sent", 2) and len(server.messages) == 1
    assert Mail.get_by_id(m.id).sent_at == clock_later


def test_four_deliverers_on_postgresql_send_each_mail_exactly_once(smtp, pg_url):
    from esurety_tui.store.db import init_database

    init_database(pg_url)
    mails = [Mail.create(to=TO, subject=mail.SUBJECT, body=f"本文 {i}") for i in range(40)]
    server, port = smtp()
    barrier, results = threading.Barrier(4), []

    def deliverer():
        try:
            barrier.wait(timeout=10)
            results.append(mail.deliver_pending(settings=plain(port)))
        finally:
            database.close()

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sum(r.sent for r in results) == 40 and all(r.errors == [] for r in results)
    assert len({msg["Message-ID"] for msg in server.parsed()}) == len(server.messages) == 40
    assert {status(m) for m in mails} == {("sent", 1)}
