"""Services: log-in and lock-out, company isolation, 電子保証概要, applications, issuing, mail,
demo data and the D-Sure key check."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import date, datetime, timedelta

import pytest

from esurety_tui import clock
from esurety_tui.domain import auth_key
from esurety_tui.domain.auth_key import ALPHABET, is_well_formed_key
from esurety_tui.domain.contract_number import make_contract_number, parse_contract_number
from esurety_tui.domain.fields import DEFAULTS
from esurety_tui.services import applications, audit, auth, contracts, demo, issuing, mail
from esurety_tui.services import keys as keys_module
from esurety_tui.services.applications import ValidationFailed
from esurety_tui.services.errors import InvalidState, LoginFailed, NotFound
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.store import queries
from esurety_tui.store.models import (
    Application,
    AuditLog,
    Branch,
    CertificateVersion,
    Company,
    Guarantee,
    Mail,
    Orderer,
    User,
)
from tests.conftest import FROZEN, session_of
from tests.helpers.cases import valid_raw

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

SEED_NUMBER = "35072-00000M"
SEED_KEY = "Z28YUE4J3Bux"


def _number_of(work_name: str, kind: str = "advance") -> str:
    return Guarantee.get(Guarantee.work_name == work_name, Guarantee.kind == kind).number


def _login_fails(login_id: str, password: str) -> str:
    with pytest.raises(LoginFailed) as err:
        auth.login(login_id, password)
    return str(err.value)


# --- auth ------------------------------------------------------------------------------------


def test_demo_logs_in_as_the_contractor(demo_db):
    s = auth.login("demo", "demo")
    company = Company.get(Company.name == "〇〇建設 株式会社")
    assert (s.role, s.login, s.company_id, s.company_name, s.branch_id) == (
        "contractor",
        "demo",
        company.id,
        "〇〇建設 株式会社",
        None,
    )
    assert s.display_name == "〇〇建設 株式会社 様"
    assert s.scope == company.id
    assert AuditLog.select().where(AuditLog.action == "login", AuditLog.actor == "demo").count() == 1


def test_branch_logs_in_as_the_branch(demo_db):
    s = auth.login(" branch ", "branch")
    assert (s.role, s.branch_name, s.company_id, s.scope) == ("branch", "神奈川支店", None, None)
    assert s.display_name == "神奈川支店"


def test_wrong_password_and_unknown_login_say_the_same(demo_db):
    wrong = _login_fails("demo", "nope")
    unknown = _login_fails("nobody", "demo")
    empty = _login_fails("", "")
    assert wrong == unknown == empty == auth.WRONG_LOGIN == "ログインIDまたはパスワードが正しくありません。"


def _locked_audits(login_id: str) -> int:
    return AuditLog.select().where(AuditLog.action == "login.locked", AuditLog.actor == login_id).count()


def test_five_failures_in_the_window_lock_the_id_until_they_age_out(demo_db):
    for i in range(5):
        clock.freeze(FROZEN + timedelta(minutes=i))  # failures at 0, 1, 2, 3, 4 minutes
        assert _login_fails("demo", f"bad{i}") == auth.WRONG_LOGIN
    assert _locked_audits("demo") == 1

    # Even the right password is refused while locked, with the same message; other ids are not.
    assert _login_fails("demo", "demo") == auth.WRONG_LOGIN
    assert auth.login("demo2", "demo2").login == "demo2"
    clock.freeze(FROZEN + timedelta(minutes=14, seconds=59))
    assert _login_fails("demo", "demo") == auth.WRONG_LOGIN

    # The first failure leaves the 15-minute window: the lock ends by itself.
    clock.freeze(FROZEN + timedelta(minutes=15, seconds=1))
    assert auth.login("demo", "demo").login == "demo"
    assert _locked_audits("demo") == 1


def test_failures_outside_the_window_do_not_add_up(demo_db):
    for i in range(8):  # one failure every 4 minutes: never 5 within 15 minutes
        clock.freeze(FROZEN + timedelta(minutes=4 * i))
        assert _login_fails("demo", f"bad{i}") == auth.WRONG_LOGIN
    assert auth.login("demo", "demo").login == "demo"
    assert _locked_audits("demo") == 0


def test_unknown_ids_lock_out_exactly_like_known_ones(demo_db):
    """No oracle: the answers for an id that does not exist are those for one that does."""

    def story(login_id: str, password: str) -> list[str]:
        answers = [_login_fails(login_id, f"bad{i}") for i in range(5)]
        answers.append(_login_fails(login_id, password))  # right password (if any) while locked
        return answers

    assert story("demo", "demo") == story("nobody", "demo") == [auth.WRONG_LOGIN] * 6
    assert _locked_audits("demo") == _locked_audits("nobody") == 1


def test_a_success_resets_the_failure_count(demo_db):
    for i in range(4):
        assert _login_fails("demo", f"bad{i}") == auth.WRONG_LOGIN
    auth.login("demo", "demo")
    for i in range(4):
        assert _login_fails("demo", f"bad{i}") == auth.WRONG_LOGIN
    assert auth.login("demo", "demo").login == "demo"
    assert _locked_audits("demo") == 0


def test_passwords_are_stored_as_argon2id_hashes(demo_db):
    from argon2 import PasswordHasher

    auth.add_user(SYSTEM_SESSION, "carol", "correct horse", company="テスト建設")
    for login, password in (("demo", "demo"), ("demo2", "demo2"), ("branch", "branch"), ("carol", "correct horse")):
        stored = User.get(User.login == login).password_hash
        assert stored.startswith("$argon2id$")
        assert stored != password and not stored.endswith(password)
        assert PasswordHasher().verify(stored, password)
    # the same password hashes differently each time (salted)
    assert auth.hash_password("demo") != auth.hash_password("demo")


def test_password_hashes_use_the_chosen_argon2id_cost(demo_db):
    """19 MiB, 2 passes, 1 lane (README, security): the decision is in the stored hashes."""
    from argon2 import extract_parameters

    params = extract_parameters(User.get(User.login == "demo").password_hash)
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)
    assert (auth.ARGON2_MEMORY_KIB, auth.ARGON2_TIME_COST, auth.ARGON2_PARALLELISM) == (19 * 1024, 2, 1)


def test_a_hash_with_older_parameters_is_made_again_at_the_next_log_in(demo_db):
    from argon2 import PasswordHasher, extract_parameters

    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("demo")  # argon2-cffi's default
    User.update(password_hash=old).where(User.login == "demo").execute()
    with pytest.raises(auth.LoginFailed):
        auth.login("demo", "wrong")
    assert User.get(User.login == "demo").password_hash == old  # a failed log-in changes nothing
    assert auth.login("demo", "demo").login == "demo"
    new = User.get(User.login == "demo").password_hash
    assert new != old and extract_parameters(new).memory_cost == auth.ARGON2_MEMORY_KIB
    assert PasswordHasher().verify(new, "demo")
    assert auth.login("demo", "demo").login == "demo"
    assert User.get(User.login == "demo").password_hash == new  # current parameters: left as it is


def test_add_user_rules(db):
    with pytest.raises(auth.ServiceError, match="どちらか一方"):
        auth.add_user(SYSTEM_SESSION, "x", "secret")
    with pytest.raises(auth.ServiceError, match="4文字以上"):
        auth.add_user(SYSTEM_SESSION, "x", "abc", company="A")
    auth.add_user(SYSTEM_SESSION, "x", "secret", company="A")
    with pytest.raises(auth.ServiceError, match="既に使われています"):
        auth.add_user(SYSTEM_SESSION, "x", "other", company="B")
    with pytest.raises(auth.ServiceError, match="支店「無い支店」がありません"):
        auth.add_user(SYSTEM_SESSION, "y", "secret", branch="無い支店")
    assert [u.login for u in User.select()] == ["x"]
    assert [c.name for c in Company.select()] == ["A"]


# --- isolation -------------------------------------------------------------------------------


def test_demo_never_sees_demo2_contracts(demo_session):
    demo2_number = _number_of("鶴見川河川改修工事")
    mine = [
        "境川河川測量設計業務委託",
        "相模川河川改修（その3）工事",
        "相模川河川改修（その3）工事",
        "河川維持（〇〇）工事",
        "河川維持（〇〇）工事",
    ]
    rows = contracts.page(demo_session, "all", "河川", 0, 50)
    assert [r.work_name for r in rows] == mine
    assert contracts.count(demo_session, "all", "河川") == 5
    assert [r.work_name for r in contracts.page(demo_session, "electronic", "河川", 0, 50)] == mine
    assert [r.work_name for r in contracts.page(demo_session, "history", "河川", 0, 50)] == mine
    assert contracts.count(demo_session, "history", "河川") == 5
    assert [r.work_name for r in contracts.find(demo_session, "河川")] == mine
    assert contracts.find(demo_session, "鶴見川") == []
    assert contracts.find(demo_session, demo2_number) == []
    every = contracts.page(demo_session, "all", "", 0, 1000)
    assert len(every) == contracts.count(demo_session, "all", "") == 11
    assert demo2_number not in {r.number for r in every}
    with pytest.raises(NotFound, match=demo2_number):
        contracts.detail(demo_session, demo2_number)
    with pytest.raises(NotFound):
        contracts.detail(demo_session, Guarantee.get(Guarantee.number == demo2_number).id)
    version = CertificateVersion.get(CertificateVersion.guarantee == Guarantee.get(Guarantee.number == demo2_number))
    with pytest.raises(NotFound):
        contracts.certificate(demo_session, version.id)


def test_demo2_sees_only_its_own(demo_db):
    s = session_of("demo2")
    assert [r.work_name for r in contracts.page(s, "all", "河川", 0, 50)] == ["鶴見川河川改修工事"]
    assert contracts.count(s, "all", "") == 2
    with pytest.raises(NotFound):
        contracts.detail(s, SEED_NUMBER)


def test_drafts_of_another_company_are_out_of_reach(demo_session):
    other = session_of("demo2")
    theirs = applications.new_draft(other)
    applications.save_draft(other, theirs, {"work_name": "他社の工事", "contract_amount": "1,000"})
    before = Application.get_by_id(theirs)

    with pytest.raises(NotFound):
        applications.load_draft(demo_session, theirs)
    with pytest.raises(NotFound):  # not "送信済み": the other company's draft does not exist for us
        applications.save_draft(demo_session, theirs, {"work_name": "乗っ取り"})
    with pytest.raises(NotFound):
        applications.submit(demo_session, theirs, valid_raw())
    with pytest.raises(NotFound):
        applications.delete_draft(demo_session, theirs)
    assert theirs not in {d.id for d in applications.drafts(demo_session)}

    after = Application.get_by_id(theirs)
    assert (after.draft, after.work_name, after.updated_at, after.status) == (
        before.draft,
        "他社の工事",
        before.updated_at,
        "作成中",
    )
    assert applications.load_draft(other, theirs)["work_name"] == "他社の工事"


# --- 電子保証概要 ----------------------------------------------------------------------------


def test_detail_of_the_seed_contract(demo_session):
    d = contracts.detail(demo_session, SEED_NUMBER)
    assert d.number == SEED_NUMBER
    assert (d.kind, d.product_name) == ("advance", "前払金保証")
    assert d.contractor_name == "〇〇建設 株式会社"
    assert d.jv_name == ""
    assert d.work_name == "河川維持（〇〇）工事"
    assert d.work_place == "神奈川県川崎市"
    assert (d.orderer_name, d.orderer_accepts_electronic) == ("川崎市長", True)
    assert d.contract_amount == 50_000_000
    assert d.guarantee_amount == 20_000_000
    assert d.deposit_bank == "〇〇銀行\u3000××支店"  # typed with a half-width space: stored 全角
    assert (d.start_date, d.end_date) == (date(2023, 4, 3), date(2024, 3, 29))
    assert (d.electronic, d.auth_key, d.cancelled) == (True, SEED_KEY, False)
    assert d.issued_at == datetime(2023, 4, 3, 13, 0)
    assert d.branch_name == "神奈川支店"
    assert [(v.seq, v.issued_at, v.target) for v in d.versions] == [(1, datetime(2023, 4, 3, 13, 0), "新規")]
    # by id, by a lower-case / full-width number: the same contract
    assert contracts.detail(demo_session, d.id) == d
    assert contracts.detail(demo_session, "３５０７２－０００００ｍ") == d


def test_detail_with_a_change_shows_both_versions(demo_session):
    d = contracts.detail(demo_session, _number_of("市道鶴見第12号線道路改良工事"))
    assert [(v.seq, v.target, v.issued_at) for v in d.versions] == [
        (1, "新規", datetime(2023, 6, 7, 10, 30)),
        (2, "変更", datetime(2023, 11, 20, 15, 0)),
    ]
    assert (d.guarantee_amount, d.contract_amount) == (36_000_000, 90_000_000)
    first = contracts.certificate(demo_session, d.versions[0].id)
    second = contracts.certificate(demo_session, d.versions[1].id)
    assert (first.version_kind, first.guarantee_amount, first.title) == ("新規", 32_000_000, "前払金保証書")
    assert (second.version_kind, second.guarantee_amount) == ("変更", 36_000_000)


def test_detail_of_a_correction_hides_the_corrected_row(demo_session):
    d = contracts.detail(demo_session, _number_of("等々力緑地管理棟改修工事"))
    assert [(v.seq, v.target, v.issued_at) for v in d.versions] == [(2, "訂正", datetime(2025, 6, 4, 16, 45))]
    assert d.deposit_bank == "〇〇銀行\u3000新丸子支店"
    assert CertificateVersion.select().where(CertificateVersion.guarantee == d.id).count() == 2


def test_detail_of_a_cancellation(demo_session):
    d = contracts.detail(demo_session, _number_of("港北ニュータウン公園遊具更新工事"))
    assert d.cancelled is True
    assert [(v.target, v.issued_at) for v in d.versions] == [
        ("新規", datetime(2025, 8, 5, 10, 0)),
        ("取消", datetime(2025, 9, 1, 10, 0)),
    ]


def test_detail_of_paper_has_no_key(demo_session):
    d = contracts.detail(demo_session, _number_of("相模原駅前広場整備工事"))
    assert (d.electronic, d.auth_key, d.orderer_accepts_electronic) == (False, None, False)


# --- applications ----------------------------------------------------------------------------


def test_new_draft_has_the_defaults(demo_session):
    app_id = applications.new_draft(demo_session)
    first_branch = Branch.select().order_by(Branch.id).first()
    assert applications.load_draft(demo_session, app_id) == {**DEFAULTS, "branch_id": str(first_branch.id)}
    app = Application.get_by_id(app_id)
    assert (app.status, app.receipt_no, app.company_id, app.user_id) == (
        "作成中",
        None,
        demo_session.company_id,
        demo_session.user_id,
    )


def test_save_draft_keeps_invalid_text_verbatim(demo_session):
    app_id = applications.new_draft(demo_session)
    raw = valid_raw(contract_amount="12a", award_date="2023年", email="not a mail")
    raw["not_a_field"] = "dropped"
    applications.save_draft(demo_session, app_id, raw)
    loaded = applications.load_draft(demo_session, app_id)
    assert loaded["contract_amount"] == "12a"
    assert loaded["award_date"] == "2023年"
    assert loaded["email"] == "not a mail"
    assert "not_a_field" not in loaded
    app = Application.get_by_id(app_id)
    assert (app.work_name, app.contract_amount, app.status) == ("河川維持（〇〇）工事", None, "作成中")
    assert json.loads(app.draft)["contract_amount"] == "12a"


def _draft_with(session, raw) -> int:
    app_id = applications.new_draft(session)
    applications.save_draft(session, app_id, raw)
    return app_id


def test_submit_invalid_raises_and_leaves_the_draft_alone(demo_session):
    raw = valid_raw(contract_amount="12a")
    app_id = _draft_with(demo_session, raw)
    before = Application.get_by_id(app_id)
    with pytest.raises(ValidationFailed) as err:
        applications.submit(demo_session, app_id, raw)
    assert list(err.value.validation.problems) == ["contract_amount"]
    after = Application.get_by_id(app_id)
    assert (after.status, after.receipt_no, after.submitted_at, after.contract_amount) == ("作成中", None, None, None)
    assert (after.draft, after.updated_at) == (before.draft, before.updated_at)


def test_submit_valid_fills_the_typed_columns(demo_session):
    raw = valid_raw(deposit_bank="ﾏﾙﾏﾙ銀行 ABC支店")
    app_id = _draft_with(demo_session, raw)
    receipt = applications.submit(demo_session, app_id, raw)
    assert receipt.receipt_no.startswith(f"ND20261124-{demo_session.company_id:03d}-")
    assert (receipt.application_id, receipt.submitted_at, receipt.branch_name) == (app_id, FROZEN, "神奈川支店")
    app = Application.get_by_id(app_id)
    assert (app.status, app.receipt_no, app.submitted_at) == ("送信済", receipt.receipt_no, FROZEN)
    assert app.orderer_id == Orderer.get(Orderer.name == "川崎市長").id
    assert app.branch_id == Branch.get(Branch.name == "神奈川支店").id
    assert (app.contract_amount, app.advance_amount, app.contract_guarantee_amount) == (
        50_000_000,
        20_000_000,
        5_000_000,
    )
    assert (app.contract_date, app.start_date, app.end_date, app.award_date) == (
        date(2023, 4, 1),
        date(2023, 4, 3),
        date(2024, 3, 29),
        date(2023, 3, 20),
    )
    assert (app.advance_apply, app.contract_apply, app.advance_form, app.notify) == (True, True, "electronic", "yes")
    assert (app.bid_rounds, app.bidders, app.disqualified) == (1, 5, 0)
    assert app.deposit_bank == "マルマル銀行\u3000ＡＢＣ支店"
    assert app.send_zip == "231-8463"
    assert json.loads(app.draft)["deposit_bank"] == "ﾏﾙﾏﾙ銀行 ABC支店"  # what was typed stays
    assert (
        AuditLog.select().where(AuditLog.action == "application.submit", AuditLog.target == receipt.receipt_no).count()
        == 1
    )


def test_submit_twice_and_save_after_submit_are_refused(demo_session):
    raw = valid_raw()
    app_id = _draft_with(demo_session, raw)
    receipt = applications.submit(demo_session, app_id, raw)
    with pytest.raises(InvalidState):
        applications.submit(demo_session, app_id, raw)
    with pytest.raises(InvalidState):
        applications.save_draft(demo_session, app_id, valid_raw(work_name="書き換え"))
    with pytest.raises(InvalidState):
        applications.delete_draft(demo_session, app_id)
    app = Application.get_by_id(app_id)
    assert (app.status, app.receipt_no, app.work_name, app.submitted_at) == (
        "送信済",
        receipt.receipt_no,
        "河川維持（〇〇）工事",
        FROZEN,
    )


def test_a_failure_inside_submit_rolls_back_everything(demo_session, monkeypatch):
    raw = valid_raw()
    app_id = _draft_with(demo_session, raw)
    before = Application.get_by_id(app_id)
    audits = AuditLog.select().count()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        applications.submit(demo_session, app_id, raw)
    monkeypatch.undo()

    app = Application.get_by_id(app_id)
    assert (app.status, app.receipt_no, app.submitted_at) == ("作成中", None, None)
    assert (app.contract_amount, app.advance_amount, app.orderer_id, app.deposit_bank) == (None, None, None, "")
    assert (app.advance_apply, app.contract_date) == (False, None)
    assert app.draft == before.draft
    assert AuditLog.select().count() == audits
    # and it can still be sent afterwards
    assert applications.submit(demo_session, app_id, raw).receipt_no.startswith("ND20261124-")


# --- issuing ---------------------------------------------------------------------------------


def _submitted(session, **changes) -> int:
    raw = valid_raw(**changes)
    app_id = _draft_with(session, raw)
    applications.submit(session, app_id, raw)
    return app_id


def test_accept_and_refuse(demo_session, branch_session):
    a = _submitted(demo_session)
    issuing.accept(branch_session, a)
    assert Application.get_by_id(a).status == "引受"
    assert Application.get_by_id(a).decided_at == FROZEN
    assert a in {r.id for r in issuing.queue(branch_session)}

    b = _submitted(demo_session)
    for reason in ("", "   "):
        with pytest.raises(InvalidState, match="謝絶の理由"):
            issuing.refuse(branch_session, b, reason)
    assert Application.get_by_id(b).status == "送信済"
    issuing.refuse(branch_session, b, "  書類不足のため。 ")
    app = Application.get_by_id(b)
    assert (app.status, app.refusal_reason, app.decided_at) == ("謝絶", "書類不足のため。", FROZEN)
    with pytest.raises(InvalidState):
        issuing.accept(branch_session, b)
    with pytest.raises(InvalidState):
        issuing.issue(branch_session, b)
    assert b not in {r.id for r in issuing.queue(branch_session)}


def test_a_draft_is_invisible_to_the_branch(demo_session, branch_session):
    app_id = _draft_with(demo_session, valid_raw())
    with pytest.raises(NotFound):
        issuing.accept(branch_session, app_id)
    with pytest.raises(NotFound):
        issuing.issue(branch_session, app_id)
    assert app_id not in {r.id for r in issuing.queue(branch_session)}
    assert Application.get_by_id(app_id).status == "作成中"


def test_another_branch_cannot_touch_the_application(demo_session, branch_session):
    app_id = _submitted(demo_session)
    tokyo = Branch.get(Branch.name == "東京支店")
    other = auth.session_for(User.create(login="tokyo", password_hash="x", branch=tokyo))
    for action in (
        lambda: issuing.accept(other, app_id),
        lambda: issuing.issue(other, app_id),
        lambda: issuing.refuse(other, app_id, "理由"),
    ):
        with pytest.raises(NotFound):
            action()
    assert Application.get_by_id(app_id).status == "送信済"


def _eml_body(raw: bytes) -> str:
    return email.message_from_bytes(raw, policy=email.policy.default).get_content()


def test_issue_electronic_makes_numbers_keys_versions_and_mail(demo_session, branch_session, tmp_path):
    outbox = tmp_path / "home" / "outbox"
    app_id = _submitted(demo_session)
    issuing.accept(branch_session, app_id)
    mails_before = Mail.select().count()

    numbers = issuing.issue(branch_session, app_id)

    assert numbers == [make_contract_number("35026", 2), make_contract_number("35026", 3)]
    for n in numbers:
        assert parse_contract_number(n) == n
    guarantees = [Guarantee.get(Guarantee.number == n) for n in numbers]
    assert [g.kind for g in guarantees] == ["advance", "contract"]
    assert [g.guarantee_amount for g in guarantees] == [20_000_000, 5_000_000]
    assert [g.deposit_bank for g in guarantees] == ["〇〇銀行\u3000××支店", ""]
    for g in guarantees:
        assert g.electronic is True
        assert len(g.auth_key) == 12 and set(g.auth_key) <= set(ALPHABET) and is_well_formed_key(g.auth_key)
        assert (g.issued_at, g.company_id, g.application_id) == (FROZEN, demo_session.company_id, app_id)
        assert (g.start_date, g.end_date) == (date(2023, 4, 3), date(2024, 3, 29))
        assert [(v.seq, v.kind, v.issued_at, v.superseded) for v in g.versions] == [(1, "新規", FROZEN, False)]
    assert guarantees[0].auth_key != guarantees[1].auth_key
    app = Application.get_by_id(app_id)
    assert (app.status, app.decided_at) == ("発行済", FROZEN)

    # one mail per electronic guarantee, queued; delivered later (no SMTP here: the outbox)
    assert [m.status for m in list(Mail.select().order_by(Mail.id))[mails_before:]] == ["queued", "queued"]
    mail.deliver_pending()
    mails = list(Mail.select().order_by(Mail.id))[mails_before:]
    assert [(m.to, m.guarantee_id, m.status, m.sent_at) for m in mails] == [
        ("soumu@ejcs.co.jp", guarantees[0].id, "outbox", FROZEN),
        ("soumu@ejcs.co.jp", guarantees[1].id, "outbox", FROZEN),
    ]
    for m, g in zip(mails, guarantees, strict=True):
        assert m.subject == "電子保証（認証キー）発行完了のお知らせ"
        assert f"保証契約番号: {g.number}" in m.body
        assert "工事名: 河川維持（〇〇）工事" in m.body and "〇〇建設 株式会社 様" in m.body
        assert g.auth_key not in m.body
        eml = (outbox / f"{m.id:06d}.eml").read_bytes()
        assert g.number in _eml_body(eml) and g.auth_key not in _eml_body(eml)
        assert g.auth_key.encode() not in eml
    # the contractor now sees them
    assert set(numbers) <= {r.number for r in contracts.page(demo_session, "electronic", "", 0, 100)}
    assert contracts.detail(demo_session, numbers[0]).auth_key == guarantees[0].auth_key


def test_issue_paper_has_no_key_and_no_mail(demo_session, branch_session):
    app_id = _submitted(demo_session, advance_form="paper", contract_form="paper")
    mails_before = Mail.select().count()
    issuing.accept(branch_session, app_id)
    numbers = issuing.issue(branch_session, app_id, at=datetime(2026, 11, 24, 15, 30))
    assert len(numbers) == 2
    for n in numbers:
        g = Guarantee.get(Guarantee.number == n)
        assert (g.electronic, g.auth_key, g.issued_at) == (False, None, datetime(2026, 11, 24, 15, 30))
        assert [v.kind for v in g.versions] == ["新規"]
    assert Mail.select().count() == mails_before


def test_mail_only_when_the_applicant_wants_it(demo_session, branch_session):
    mails_before = Mail.select().count()
    no = _submitted(demo_session, notify="no")
    issuing.accept(branch_session, no)
    issuing.issue(branch_session, no)
    assert Mail.select().count() == mails_before
    yes = _submitted(demo_session, notify="yes", contract_apply="", contract_guarantee_amount="")
    issuing.accept(branch_session, yes)
    (number,) = issuing.issue(branch_session, yes)
    assert Mail.select().count() == mails_before + 1
    assert Mail.select().order_by(Mail.id.desc()).first().guarantee.number == number


def test_deliver_pending_writes_eml_files_to_the_outbox(demo_session, branch_session, tmp_path):
    # Issued with notify "no", then queued by hand: deliver_pending alone must do the delivery.
    app_id = _submitted(demo_session, notify="no", contract_apply="", contract_guarantee_amount="")
    issuing.accept(branch_session, app_id)
    (number,) = issuing.issue(branch_session, app_id)
    assert mail.deliver_pending().outbox == 12  # the demo's own mails, queued while it loaded
    g = Guarantee.get(Guarantee.number == number)
    m = mail.queue(g, "keiri@example.jp", "〇〇建設 株式会社")
    other = mail.queue(Guarantee.get(Guarantee.number == SEED_NUMBER), "soumu@example.jp", "〇〇建設 株式会社")
    outbox = tmp_path / "home" / "outbox"
    assert not (outbox / f"{m.id:06d}.eml").exists()
    assert [x.status for x in Mail.select().where(Mail.status == "queued")] == ["queued", "queued"]

    assert mail.deliver_pending().delivered == 2

    for row in (m, other):
        stored = Mail.get_by_id(row.id)
        assert (stored.status, stored.sent_at) == ("outbox", FROZEN)
    raw = (outbox / f"{m.id:06d}.eml").read_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "電子保証（認証キー）発行完了のお知らせ"
    assert (msg["To"], msg["From"]) == ("keiri@example.jp", "netdesk@example.invalid")
    body = msg.get_content()
    assert f"保証契約番号: {number}" in body and "工事名: 河川維持（〇〇）工事" in body
    assert "認証キーはこのメールには記載していません。" in body
    assert g.auth_key not in body and g.auth_key.encode() not in raw
    assert SEED_NUMBER in _eml_body((outbox / f"{other.id:06d}.eml").read_bytes())
    # nothing left: a second run delivers nothing and rewrites nothing
    assert mail.deliver_pending().delivered == 0
    assert Mail.select().where(Mail.status == "queued").count() == 0


def test_no_key_ever_reaches_the_audit_log_or_a_mail(demo_session, branch_session):
    # exercise every path that writes audit rows or mails
    app_id = _submitted(demo_session)
    issuing.accept(branch_session, app_id)
    new_numbers = issuing.issue(branch_session, app_id)
    contracts.note_key_copied(demo_session, new_numbers[0])
    keys_module.verify_key(new_numbers[0], Guarantee.get(Guarantee.number == new_numbers[0]).auth_key)
    keys_module.verify_key(new_numbers[0], "wrongwrong22")
    issuing.amend(branch_session, new_numbers[0], "変更", guarantee_amount=18_000_000)
    issuing.amend(branch_session, new_numbers[1], "取消")
    with pytest.raises(LoginFailed):
        auth.login("demo", SEED_KEY)  # a key typed as a password
    auth.login("demo", "demo")
    mail.deliver_pending()

    keys = [g.auth_key for g in Guarantee.select() if g.auth_key]
    assert len(keys) == 14
    texts = []
    for row in AuditLog.select():
        texts += [row.actor, row.action, row.target, row.detail]
    for m in Mail.select():
        texts += [m.to, m.subject, m.body]
    assert len(texts) > 50
    leaks = [(k, t) for k in keys for t in texts if k in t]
    assert leaks == []


def test_amend_converts_a_half_width_bank_to_full_width(demo_session, branch_session):
    number = SEED_NUMBER
    issuing.amend(branch_session, number, "訂正", deposit_bank="ABC銀行 本店")
    d = contracts.detail(demo_session, number)
    assert d.deposit_bank == "ＡＢＣ銀行\u3000本店"
    assert [(v.target, v.issued_at) for v in d.versions] == [("訂正", FROZEN)]
    latest = CertificateVersion.get_by_id(d.versions[-1].id)
    assert latest.deposit_bank == "ＡＢＣ銀行\u3000本店"


# --- demo ------------------------------------------------------------------------------------


def test_is_empty_before_and_after_loading(db):
    import random

    assert demo.is_empty(SYSTEM_SESSION) is True
    demo.load(SYSTEM_SESSION, random.Random(1))
    assert demo.is_empty(SYSTEM_SESSION) is False
    assert Guarantee.get(Guarantee.number == SEED_NUMBER).auth_key == SEED_KEY
    assert Guarantee.select().count() == 13


def test_add_synthetic_adds_valid_unique_contracts(demo_session):
    before_ids = {g.id for g in Guarantee.select()}
    before_keys = {g.auth_key for g in Guarantee.select() if g.auth_key}
    seconds = demo.add_synthetic(SYSTEM_SESSION, 1000)
    assert isinstance(seconds, float) and seconds >= 0
    new = list(Guarantee.select().where(Guarantee.id.not_in(list(before_ids))))
    assert len(new) == 1000
    assert Guarantee.select().count() == 13 + 1000
    numbers = [g.number for g in new]
    assert len(set(numbers)) == 1000
    assert all(parse_contract_number(n) == n for n in numbers)
    keys = [g.auth_key for g in new]
    assert all(is_well_formed_key(k) for k in keys)
    assert len(set(keys)) == 1000 and not set(keys) & before_keys
    assert all(g.company_id == demo_session.company_id and g.electronic for g in new)
    versions = list(CertificateVersion.select().where(CertificateVersion.guarantee.in_([g.id for g in new])))
    assert len(versions) == 1000
    assert {(v.seq, v.kind, v.superseded) for v in versions} == {(1, "新規", False)}
    by_id = {g.id: g for g in new}
    assert all(v.issued_at == by_id[v.guarantee_id].issued_at for v in versions)
    # searchable, and visible to the company
    assert contracts.count(demo_session, "all", "") == contracts.COUNT_CAP + 1  # 1,011 rows: over the cap
    assert queries.guarantee_count(demo_session.company_id, "", "all") == 11 + 1000
    assert contracts.count(demo_session, "all", "河川整備工事") == 100
    # a second batch continues the serials
    demo.add_synthetic(SYSTEM_SESSION, 10)
    assert Guarantee.select().count() == 13 + 1010


# --- D-Sure key check ------------------------------------------------------------------------


def test_verify_key(demo_db, monkeypatch):
    calls = []
    real = auth_key.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth_key.hmac, "compare_digest", spy)
    assert keys_module.verify_key(SEED_NUMBER, SEED_KEY) is True
    assert calls == [(SEED_KEY.encode(), SEED_KEY.encode())]
    assert keys_module.verify_key(SEED_NUMBER, "Z28YUE4J3Bu") is False
    assert keys_module.verify_key(SEED_NUMBER, "z28yue4j3bux") is False  # case matters
    assert keys_module.verify_key(SEED_NUMBER, "") is False
    unknown = make_contract_number("35099", 12345)
    assert keys_module.verify_key(unknown, SEED_KEY) is False
    assert keys_module.verify_key("35072-00000A", SEED_KEY) is False  # bad check letter
    paper = Guarantee.get(Guarantee.electronic == False).number
    assert keys_module.verify_key(paper, SEED_KEY) is False
    # every answer went through the constant-time comparison, even for unknown numbers
    assert len(calls) == 7


def test_failed_smtp_delivery_stays_queued_then_goes_out(demo_db, tmp_path, monkeypatch):
    """A refused SMTP connection leaves the mail queued; the next delivery (outbox) sends it."""
    import os

    from esurety_tui.store.models import Mail as MailRow

    home = os.environ["ESURETY_HOME"]
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "config.toml")
    with open(config, "w") as fh:
        fh.write('smtp_host = "127.0.0.1"\nsmtp_port = 1\n')  # nothing listens on port 1
    g = Guarantee.get(Guarantee.number == "35072-00000M")
    row = mail.queue(g, "soumu@example.jp", "〇〇建設 株式会社")
    assert mail.deliver_pending().delivered == 0
    assert MailRow.get_by_id(row.id).status == "queued"
    os.remove(config)
    assert mail.deliver_pending().delivered >= 1
    assert MailRow.get_by_id(row.id).status == "outbox"


def test_unknown_branch_is_a_field_problem(demo_session):
    v = applications.validate(demo_session, valid_raw(branch_id="999"))
    assert v.problems.get("branch_id") == "「申込送信先」は一覧から選んでください。"
    assert not v.ok
