"""Authorization lives in the services: every public service function declares its roles and refuses
every other role (a table over the service modules, so that a new function without a check fails
here), and rows outside the caller's company or branch are answered exactly like missing ones."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import esurety_tui.services as services_pkg
from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.services import applications, contracts, exports, issuing, keys
from esurety_tui.services.errors import Forbidden, NotFound
from esurety_tui.services.session import SYSTEM_SESSION, Role, Session, orderer_session
from esurety_tui.store.models import Application, Branch, CertificateVersion, Guarantee
from tests.conftest import session_of

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres

PLUMBING = {"authz", "errors", "session"}  # no service functions: the checks themselves


def _service_functions():
    for info in pkgutil.iter_modules(services_pkg.__path__):
        if info.name in PLUMBING:
            continue
        module = importlib.import_module(f"esurety_tui.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            yield f"{info.name}.{name}", fn


FUNCTIONS = sorted(_service_functions())


def _sessions() -> dict[Role, Session]:
    return {
        Role.CONTRACTOR: Session(1, "c", Role.CONTRACTOR, company_id=1, company_name="C"),
        Role.BRANCH: Session(2, "b", Role.BRANCH, branch_id=1, branch_name="B"),
        Role.ORDERER: orderer_session(),
        Role.SYSTEM: SYSTEM_SESSION,
    }


def test_the_table_covers_every_service_module():
    modules = {name.split(".")[0] for name, _ in FUNCTIONS}
    assert {"applications", "auth", "contracts", "demo", "exports", "issuing", "keys"} <= modules


@pytest.mark.parametrize("name,fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_every_public_service_function_declares_who_may_call_it(name, fn):
    declared = [hasattr(fn, "__roles__"), getattr(fn, "__public__", False), getattr(fn, "__internal__", False)]
    assert sum(map(bool, declared)) == 1, f"{name}: add @requires(...), @public or @internal"


@pytest.mark.parametrize(
    "name,fn",
    [(n, f) for n, f in FUNCTIONS if hasattr(f, "__roles__")],
    ids=[n for n, f in FUNCTIONS if hasattr(f, "__roles__")],
)
def test_every_wrong_role_is_refused_before_anything_runs(name, fn):
    params = list(inspect.signature(fn).parameters.values())[1:]
    args = [None for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    wrong = [role for role in Role if role not in fn.__roles__]
    assert wrong, f"{name} admits every role: mark it @public instead"
    for role, session in _sessions().items():
        if role in wrong:
            with pytest.raises(Forbidden):
                fn(session, *args)
    for junk in (None, "system", object()):
        with pytest.raises(Forbidden):
            fn(junk, *args)


def test_a_contractor_or_branch_session_without_its_company_or_branch_is_refused():
    with pytest.raises(Forbidden):
        contracts.count(Session(1, "c", Role.CONTRACTOR), "all", "")
    with pytest.raises(Forbidden):
        issuing.queue(Session(1, "b", Role.BRANCH))


# --- scope: company and branch ------------------------------------------------------------------

SEED = "35072-00000M"


def _demo2_number() -> str:
    return Guarantee.select().join(Branch).where(Branch.name == "東京支店").first().number


def test_a_contractor_never_reaches_another_companys_contract(demo_db):
    demo2 = session_of("demo2")
    version = CertificateVersion.select().join(Guarantee).where(Guarantee.number == SEED).first()
    for call in (
        lambda: contracts.detail(demo2, SEED),
        lambda: contracts.version_by_seq(demo2, SEED, None),
        lambda: contracts.note_key_copied(demo2, SEED),
        lambda: keys.lookup_key(demo2, SEED),
        lambda: exports.notice_pdf(demo2, SEED),
        lambda: exports.certificate_pdf(demo2, version.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert SEED not in {r.number for r in contracts.page(demo2, "all", "", 0, 100)}
    assert SEED not in exports.issued_numbers(demo2)


def test_another_companys_contract_and_a_missing_one_get_the_same_answer(demo_db):
    demo2 = session_of("demo2")
    version = CertificateVersion.select().join(Guarantee).where(Guarantee.number == SEED).first()
    with pytest.raises(NotFound) as theirs:
        contracts.certificate(demo2, version.id)
    with pytest.raises(NotFound) as missing:
        contracts.certificate(demo2, 999_999)
    assert str(theirs.value) == str(missing.value)
    with pytest.raises(NotFound) as theirs_key:
        keys.lookup_key(demo2, SEED)
    with pytest.raises(NotFound) as missing_key:
        keys.lookup_key(demo2, make_contract_number("35072", 99999))
    assert str(theirs_key.value).replace(SEED, "N") == str(missing_key.value).replace(
        make_contract_number("35072", 99999), "N"
    )


def test_a_branch_sees_and_amends_only_its_own_branchs_contracts(demo_db):
    kanagawa, tokyo = session_of("branch"), session_of("branch2")
    theirs = _demo2_number()
    assert theirs not in {r.number for r in contracts.page(kanagawa, "all", "", 0, 500)}
    assert SEED not in {r.number for r in contracts.page(tokyo, "all", "", 0, 500)}
    for call in (
        lambda: keys.lookup_key(kanagawa, theirs),
        lambda: contracts.detail(kanagawa, theirs),
        lambda: issuing.amend(kanagawa, theirs, "取消"),
        lambda: keys.lookup_key(tokyo, SEED),
        lambda: issuing.amend(tokyo, SEED, "変更", guarantee_amount=1),
    ):
        with pytest.raises(NotFound):
            call()
    assert not Guarantee.get(Guarantee.number == theirs).cancelled


def test_a_contractor_cannot_issue_accept_or_cancel_even_its_own(demo_db):
    demo = session_of("demo")
    sent = Application.select().where(Application.status == "送信済").first()
    for call in (
        lambda: issuing.issue(demo, sent.id),
        lambda: issuing.accept(demo, sent.id),
        lambda: issuing.amend(demo, SEED, "取消"),
    ):
        with pytest.raises(Forbidden):
            call()
    assert Application.get_by_id(sent.id).status == "送信済"
    assert not Guarantee.get(Guarantee.number == SEED).cancelled


def test_a_branch_cannot_touch_the_queue_of_another_branch(demo_db):
    tokyo = session_of("branch2")
    sent = Application.select().where(Application.status == "送信済").first()  # sent to 神奈川支店
    assert sent.id not in {r.id for r in issuing.queue(tokyo)}
    for call in (lambda: issuing.accept(tokyo, sent.id), lambda: issuing.refuse(tokyo, sent.id, "理由")):
        with pytest.raises(NotFound):
            call()


def test_drafts_are_numbered_per_company(demo_db):
    demo, demo2 = session_of("demo"), session_of("demo2")
    first_of_demo2 = applications.new_draft(demo2)
    next_of_demo = applications.new_draft(demo)
    n2 = applications.draft_number(demo2, first_of_demo2)
    n1 = applications.draft_number(demo, next_of_demo)
    count2 = Application.select().where(Application.company == demo2.company_id).count()
    count1 = Application.select().where(Application.company == demo.company_id).count()
    assert (n2, n1) == (count2, count1)  # each company counts only its own
