"""Branch services: 受付一覧 windows and 申込内容 (services.review), 認証キーの再発行, the 発注者
master (services.orderers) and branches; and the shell's orderer / branch commands."""

from __future__ import annotations

import random

import pytest

from esurety_tui import cli
from esurety_tui.services import branches, issuing, keys, orderers, review
from esurety_tui.services.errors import InvalidState, NotFound
from esurety_tui.services.session import SYSTEM_SESSION
from esurety_tui.store.models import Application, AuditLog, Guarantee, Mail, Orderer, User
from tests.conftest import session_of

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

WAITING = "多摩川河川敷運動施設整備工事"
SEED = "35072-00000M"


def _waiting_id() -> int:
    return Application.get(Application.work_name == WAITING).id


def test_queue_tabs_are_branch_scoped_and_searchable(demo_db):
    kanagawa, tokyo = session_of("branch"), session_of("branch2")
    assert review.queue_count(kanagawa, "open", "") == 2  # the demo's 送信済 and its 引受 waiting for 発行
    rows = review.queue_page(kanagawa, "open", "", 0, 50)
    assert {r.status for r in rows} == {"送信済", "引受"}
    (row,) = [r for r in rows if r.work_name == WAITING]
    assert (row.work_name, row.status, row.company_name, row.orderer_name) == (
        WAITING,
        "送信済",
        "〇〇建設 株式会社",
        "川崎市長",
    )
    assert row.contract_amount == 35_000_000 and row.receipt_no
    assert review.queue_count(kanagawa, "closed", "") == 10
    assert {r.status for r in review.queue_page(kanagawa, "closed", "", 0, 50)} == {"謝絶", "発行済"}
    assert review.queue_count(tokyo, "open", "") == 1  # demo2's own 送信済 to 東京支店
    assert review.queue_count(tokyo, "closed", "") == 2
    assert WAITING not in {r.work_name for r in review.queue_page(tokyo, "open", "", 0, 50)}
    # search: work name, company, orderer, 受付番号
    for text in ("多摩川", "川崎市長", row.receipt_no[-4:]):
        assert review.queue_count(kanagawa, "open", text) == 1, text
    assert review.queue_count(kanagawa, "open", "〇〇建設") == 2  # both open ones are 〇〇建設's
    assert review.queue_count(kanagawa, "open", "存在しない") == 0
    # windows
    first, second = review.queue_page(kanagawa, "closed", "", 0, 4), review.queue_page(kanagawa, "closed", "", 4, 4)
    assert len(first) == 4 and not {r.id for r in first} & {r.id for r in second}
    assert review.queue_count(SYSTEM_SESSION, "open", "") == 3  # both branches' open applications


def test_application_detail_rechecks_the_rules_with_the_orderers_terms(demo_db):
    kanagawa = session_of("branch")
    d = review.application_detail(kanagawa, _waiting_id())
    assert d.status == "送信済" and d.orderer_name == "川崎市長" and d.branch_name == "神奈川支店"
    assert d.values["work_name"] == WAITING and d.values["contract_amount"] == 35_000_000
    assert all(f.ok for f in d.findings)
    assert any("4/10" in f.text for f in d.findings)
    assert any("電子保証に対応しています" in f.text for f in d.findings)
    assert d.receipt_text.startswith("送付") and not d.issued
    # The orderer stops accepting 電子保証 after the application was sent: the finding says so.
    Orderer.update(accepts_electronic=False).where(Orderer.name == "川崎市長").execute()
    d = review.application_detail(kanagawa, _waiting_id())
    bad = [f.text for f in d.findings if not f.ok]
    assert any("電子保証に対応していません" in t for t in bad)
    assert "advance_form" in d.problems


def test_application_detail_is_branch_scoped_and_shows_the_outcome(demo_db):
    kanagawa, tokyo = session_of("branch"), session_of("branch2")
    with pytest.raises(NotFound):
        review.application_detail(tokyo, _waiting_id())
    refused = Application.get(Application.status == "謝絶")
    d = review.application_detail(kanagawa, refused.id)
    assert d.refusal_reason.startswith("財務内容")
    issuing.accept(kanagawa, _waiting_id())
    numbers = issuing.issue(kanagawa, _waiting_id())
    d = review.application_detail(kanagawa, _waiting_id())
    assert d.status == "発行済" and [g.number for g in d.issued] == numbers and d.issued[0].electronic
    draft = Application.get(Application.status == "作成中")
    with pytest.raises(NotFound):  # a draft is the contractor's alone
        review.application_detail(kanagawa, draft.id)


def test_paper_receipt_method_of_a_contract(demo_db):
    kanagawa = session_of("branch")
    paper = Guarantee.get(Guarantee.electronic == False)
    assert review.receipt_of_contract(kanagawa, paper.number) == "送付（受取希望日 4月10日）"
    with pytest.raises(NotFound):
        review.receipt_of_contract(session_of("branch2"), paper.number)


def test_reissue_key_invalidates_the_old_key_and_tells_the_contractor(demo_db):
    kanagawa = session_of("branch")
    old = keys.lookup_key(kanagawa, SEED)
    mails = Mail.select().count()
    new = issuing.reissue_key(kanagawa, SEED, rng=random.Random(1))
    assert new != old and len(new) == 12
    assert keys.verify_key(SEED, new) and not keys.verify_key(SEED, old)
    g = Guarantee.get(Guarantee.number == SEED)
    assert g.key_reissued_at is not None
    log = AuditLog.get(AuditLog.action == "key.reissue")
    assert log.target == SEED and new not in f"{log.detail}{log.target}"
    assert Mail.select().count() == mails + 1
    mail = Mail.select().order_by(Mail.id.desc()).first()
    assert mail.subject == issuing.REISSUE_SUBJECT and SEED in mail.body
    assert new not in mail.body and old not in mail.body


def test_reissue_key_refusals(demo_db):
    kanagawa = session_of("branch")
    with pytest.raises(NotFound):
        issuing.reissue_key(session_of("branch2"), SEED)
    paper = Guarantee.get(Guarantee.electronic == False)
    with pytest.raises(InvalidState):
        issuing.reissue_key(kanagawa, paper.number)
    cancelled = Guarantee.get(Guarantee.cancelled == True)
    with pytest.raises(InvalidState):
        issuing.reissue_key(kanagawa, cancelled.number)


def test_orderer_master_add_update_and_rules(demo_db):
    kanagawa = session_of("branch")
    o = orderers.add(kanagawa, " 鎌倉市長 ", accepts_electronic=True, email="k@city.example.jp", rounding=10000)
    assert (o.name, o.accepts_electronic, o.email, o.rounding_unit, o.terms_text) == (
        "鎌倉市長",
        True,
        "k@city.example.jp",
        10000,
        "1万円単位",
    )
    with pytest.raises(InvalidState):
        orderers.add(kanagawa, "鎌倉市長")
    with pytest.raises(InvalidState):
        orderers.add(kanagawa, "逗子市長", email="not an address")
    with pytest.raises(InvalidState):
        orderers.add(kanagawa, "")
    with pytest.raises(InvalidState):
        orderers.add(kanagawa, "逗子市長", terms='{"advance_work": "5/4"}')
    u = orderers.update(kanagawa, o.id, accepts_electronic=False, rounding=1, address="鎌倉市御成町")
    assert (u.accepts_electronic, u.terms, u.address, u.email) == (False, "", "鎌倉市御成町", "k@city.example.jp")
    with pytest.raises(InvalidState):
        orderers.update(kanagawa, o.id, name="川崎市長")
    with pytest.raises(NotFound):
        orderers.update(kanagawa, 99999, name="x")
    assert "鎌倉市長" in {r.name for r in orderers.list(kanagawa)}
    assert AuditLog.select().where(AuditLog.action.in_(["orderer.add", "orderer.update"])).count() == 2
    # The form's rules use the master's terms.
    from esurety_tui.services.applications import terms_for

    assert terms_for(session_of("demo"), o.id).accepts_electronic is False


def test_branches_add_rules(db):
    b = branches.add(SYSTEM_SESSION, "千葉支店", "330", phone="043-000-0000", email="chiba@example.jp")
    assert (b.name, b.code) == ("千葉支店", "330")
    for name, code in (("千葉支店", "331"), ("埼玉支店", "330"), ("埼玉支店", "33"), ("", "340")):
        with pytest.raises(InvalidState):
            branches.add(SYSTEM_SESSION, name, code)
    assert [r.name for r in branches.rows(SYSTEM_SESSION)] == ["千葉支店"]


def test_shell_makes_a_usable_database_without_demo_data(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "fresh.sqlite3")
    assert cli.main(["--database", path, "init"]) == 0
    assert (
        cli.main(["--database", path, "orderer", "add", "川崎市長", "--electronic", "--email", "k@city.example.jp"])
        == 0
    )
    assert cli.main(["--database", path, "orderer", "add", "神奈川県知事", "--rounding", "10000"]) == 0
    assert cli.main(["--database", path, "orderer", "add", "川崎市長"]) == 2
    assert cli.main(["--database", path, "branch", "add", "神奈川支店", "--code", "350", "--phone", "045"]) == 0
    assert cli.main(["--database", path, "branch", "add", "横浜支店", "--code", "3a0"]) == 2
    out = capsys.readouterr()
    assert "esurety: 発注者「川崎市長」は既に登録されています。" in out.err
    assert "esurety: 支店コードは3桁の数字で指定してください。" in out.err
    assert "Traceback" not in out.err
    assert cli.main(["--database", path, "orderer", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split("\t")[1:] == ["川崎市長", "電子保証対応", "標準", "k@city.example.jp"]
    assert listing[1].split("\t")[1:4] == ["神奈川県知事", "証書(紙)のみ", "1万円単位"]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("secret1\n"))
    assert cli.main(["--database", path, "user", "add", "clerk", "--branch", "神奈川支店"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("secret2\n"))
    assert cli.main(["--database", path, "user", "add", "c1", "--company", "テスト建設"]) == 0
    # The contractor can apply to that branch and orderer; the clerk sees it in 受付一覧.
    from esurety_tui.services import applications, auth

    contractor = auth.session_for(User.get(User.login == "c1"))
    clerk = auth.session_for(User.get(User.login == "clerk"))
    assert [o.name for o in applications.orderers(contractor)] == ["川崎市長", "神奈川県知事"]
    assert [b.name for b in applications.branches(contractor)] == ["神奈川支店"]
    assert review.queue_count(clerk, "open", "") == 0


def test_opening_starts_the_review_once(demo_db):
    kanagawa = session_of("branch")
    with pytest.raises(NotFound):
        issuing.start_review(session_of("branch2"), _waiting_id())
    assert issuing.start_review(kanagawa, _waiting_id()) is True
    assert Application.get_by_id(_waiting_id()).status == "審査中"
    assert issuing.start_review(kanagawa, _waiting_id()) is False  # already 審査中
    assert review.queue_page(kanagawa, "open", "", 0, 5)[0].status == "審査中"
    assert AuditLog.select().where(AuditLog.action == "application.review").count() == 1
    issuing.accept(kanagawa, _waiting_id())  # 審査中 → 引受
    assert issuing.start_review(kanagawa, _waiting_id()) is False
    assert Application.get_by_id(_waiting_id()).status == "引受"
