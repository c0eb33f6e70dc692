"""D-Sure (保証確認サービス): number + key, the lock-out, neutral answers, 閲覧履歴."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader

from esurety_tui import clock
from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.services import dsure, issuing
from esurety_tui.services.dsure import REFUSED, DSureRefused
from esurety_tui.services.errors import NotFound
from esurety_tui.store.models import AuditLog, DSureView, Guarantee
from tests.conftest import FROZEN, session_of

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

SEED, KEY = "35072-00000M", "Z28YUE4J3Bux"
UNKNOWN = make_contract_number("35072", 99999)


def _refusal(number: str, key: str) -> str:
    with pytest.raises(DSureRefused) as e:
        dsure.view(number, key)
    return str(e.value)


def test_the_right_pair_shows_the_current_certificate_and_is_recorded(demo_db):
    before = DSureView.select().count()
    r = dsure.view(SEED, KEY, who="川崎市長 契約課")
    assert r.number == SEED and r.certificate.title == "前払金保証書"
    assert r.certificate.version_id == r.history[-1].id
    assert [v.target for v in r.history] == ["新規"]
    assert DSureView.select().count() == before + 1
    row = DSureView.select().order_by(DSureView.id.desc()).first()
    assert (row.viewer, row.at, row.version_seq) == ("川崎市長 契約課", FROZEN, 1)


def test_a_change_shows_as_the_new_current_version(demo_db):
    number = Guarantee.get(Guarantee.work_name == "市道鶴見第12号線道路改良工事").number
    key = Guarantee.get(Guarantee.number == number).auth_key
    r = dsure.view(number, key)
    assert [v.target for v in r.history] == ["新規", "変更"]
    assert r.certificate.version_kind == "変更" and r.certificate.guarantee_amount == 36_000_000
    first = dsure.view(number, key, version_id=r.history[0].id)
    assert first.certificate.guarantee_amount == 32_000_000


def test_wrong_unknown_malformed_and_locked_get_the_same_message(demo_db):
    wrong = _refusal(SEED, "Z28YUE4J3Bu2")
    unknown = _refusal(UNKNOWN, KEY)
    malformed = _refusal("35072-00000A", KEY)
    paper = Guarantee.get(Guarantee.electronic == False).number
    no_key = _refusal(paper, KEY)
    for _ in range(5):
        _refusal(SEED, "wrongwrong22")
    locked = _refusal(SEED, KEY)
    assert wrong == unknown == malformed == no_key == locked == REFUSED
    assert SEED not in REFUSED


def test_five_wrong_keys_lock_the_number_for_fifteen_minutes(demo_db):
    for _ in range(4):
        _refusal(SEED, "wrongwrong22")
    assert dsure.view(SEED, KEY)  # 4 in a row: still open, and a success resets the count
    for _ in range(5):
        _refusal(SEED, "wrongwrong22")
    _refusal(SEED, KEY)  # locked: even the right key
    assert AuditLog.select().where(AuditLog.action == "dsure.locked", AuditLog.target == SEED).count() == 1
    assert not AuditLog.select().where(AuditLog.detail.contains(KEY) | AuditLog.target.contains(KEY)).exists()
    other = Guarantee.get(Guarantee.work_name == "相模川河川改修（その3）工事")
    assert dsure.view(other.number, other.auth_key)  # a lock is per number
    clock.freeze(FROZEN + timedelta(minutes=14, seconds=59))
    _refusal(SEED, KEY)
    clock.freeze(FROZEN + timedelta(minutes=15))
    assert dsure.view(SEED, KEY).number == SEED


def test_an_unknown_number_locks_too(demo_db):
    for _ in range(5):
        _refusal(UNKNOWN, "wrongwrong22")
    assert AuditLog.select().where(AuditLog.action == "dsure.locked", AuditLog.target == UNKNOWN).exists()


def test_the_lock_out_is_configurable(demo_db, tmp_path):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text("dsure_max_failures = 2\ndsure_lock_minutes = 1\n")
    _refusal(SEED, "wrongwrong22")
    _refusal(SEED, "wrongwrong22")
    _refusal(SEED, KEY)
    clock.freeze(FROZEN + timedelta(minutes=1))
    assert dsure.view(SEED, KEY)


def test_a_reissued_key_replaces_the_old_one_at_once(demo_db):
    Guarantee.update(auth_key="NEWkey234567").where(Guarantee.number == SEED).execute()
    _refusal(SEED, KEY)
    assert dsure.view(SEED, "NEWkey234567").number == SEED


def test_the_pdf_rechecks_the_key(demo_db):
    name, data = dsure.certificate_pdf(SEED, KEY)
    assert data.startswith(b"%PDF") and SEED in name
    text = "".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(data)).pages)
    assert "前払金保証書" in text and SEED in text
    with pytest.raises(DSureRefused):
        dsure.certificate_pdf(SEED, "wrongwrong22")


def test_the_contractor_and_the_branch_see_the_views_another_company_cannot(demo_db):
    dsure.view(SEED, KEY, who="川崎市長")
    rows = dsure.views(session_of("demo"), SEED)
    assert rows[0].viewer == "川崎市長" and rows[0].at == FROZEN
    assert dsure.views(session_of("branch"), SEED) == rows
    for other in ("demo2", "branch2"):
        with pytest.raises(NotFound) as theirs:
            dsure.views(session_of(other), SEED)
        with pytest.raises(NotFound) as missing:
            dsure.views(session_of(other), UNKNOWN)
        assert str(theirs.value).replace(SEED, "N") == str(missing.value).replace(UNKNOWN, "N")


def test_a_cancelled_guarantee_shows_its_cancellation(demo_db):
    g = Guarantee.get(Guarantee.work_name == "港北ニュータウン公園遊具更新工事")
    r = dsure.view(g.number, g.auth_key)
    assert r.cancelled and r.certificate.version_kind == "取消"


def test_an_amendment_by_the_branch_is_seen_at_once(demo_db):
    issuing.amend(session_of("branch"), SEED, "変更", guarantee_amount=21_000_000)
    assert dsure.view(SEED, KEY).certificate.guarantee_amount == 21_000_000


# --- 発注者へ提出 --------------------------------------------------------------------------------


def test_submit_to_orderer_queues_a_mail_with_the_notice_attached(demo_db, tmp_path):
    import email
    import email.policy
    import io

    from esurety_tui.services import exports, submissions
    from esurety_tui.store.models import Mail

    demo = session_of("demo")
    mail_id = submissions.submit_to_orderer(demo, SEED, "keiyaku@city.kawasaki.example.jp")
    m = Mail.get_by_id(mail_id)
    assert m.to == "keiyaku@city.kawasaki.example.jp" and m.attachment_name.endswith(".pdf")
    assert bytes(m.attachment) == exports.notice_pdf(demo, SEED)[1]  # the same bytes 印刷 writes
    assert KEY not in m.body and KEY not in m.subject
    assert SEED in m.body and "河川維持（〇〇）工事" in m.body
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(m.attachment))).pages)
    assert KEY in text
    assert AuditLog.select().where(AuditLog.action == "guarantee.submit", AuditLog.target == SEED).exists()
    # queued only; delivered (here to the outbox, as an .eml) by the outbox run, carrying the PDF
    assert m.status == "queued"
    from esurety_tui.services import mail

    mail.deliver_pending()
    eml = sorted((tmp_path / "home" / "outbox").glob("*.eml"))[-1]
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    (part,) = list(msg.iter_attachments())
    assert part.get_content_type() == "application/pdf" and part.get_content() == bytes(m.attachment)
    assert KEY not in msg.get_body(("plain",)).get_content()


def test_submit_refuses_a_bad_address_paper_cancelled_and_other_companies(demo_db):
    from esurety_tui.services import submissions
    from esurety_tui.services.errors import InvalidState
    from esurety_tui.store.models import Mail

    demo = session_of("demo")
    before = Mail.select().count()
    for to in ("", "no-at-sign", "a@b.example\r\nBcc: x@evil.example"):
        with pytest.raises(InvalidState):
            submissions.submit_to_orderer(demo, SEED, to)
    paper = Guarantee.get(Guarantee.electronic == False, Guarantee.company == demo.company_id).number
    cancelled = Guarantee.get(Guarantee.cancelled == True).number
    for number in (paper, cancelled):
        with pytest.raises(InvalidState):
            submissions.submit_to_orderer(demo, number, "keiyaku@example.jp")
    with pytest.raises(NotFound):
        submissions.submit_to_orderer(session_of("demo2"), SEED, "keiyaku@example.jp")
    assert Mail.select().count() == before


def test_the_demo_has_the_whole_loop_in_progress(demo_db):
    from esurety_tui.store.models import Application, Branch

    def statuses(branch: str) -> set[str]:
        return {a.status for a in Application.select().join(Branch).where(Branch.name == branch)}

    assert {"送信済", "引受", "謝絶", "発行済"} <= statuses("神奈川支店")
    assert "送信済" in statuses("東京支店")
    assert issuing.queue(session_of("branch2")) and all(r.receipt_no for r in issuing.queue(session_of("branch2")))
    assert dsure.views(session_of("demo"), SEED)  # the orderer has viewed the seed's certificate
