"""Numbers and versions that cannot collide, on SQLite and on PostgreSQL (READ COMMITTED: what
SQLite's one writer gives for free must be asked for there). Threads, each with its own connection,
start together at a barrier and race on the same counter, guarantee, application or lock-out."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from esurety_tui.domain.contract_number import parse_contract_number
from esurety_tui.services import applications, auth, dsure, issuing
from esurety_tui.services.errors import InvalidState, LoginFailed
from esurety_tui.store import queries
from esurety_tui.store.db import database, retry_on_conflict, transaction
from esurety_tui.store.models import (
    Application,
    AuditLog,
    CertificateVersion,
    Counter,
    DSureLock,
    Guarantee,
    LoginAttempt,
)
from tests.conftest import session_of
from tests.helpers.cases import valid_raw

pytestmark = pytest.mark.postgres

THREADS = 4


def race(work: Callable[[int], object], threads: int = THREADS) -> list[object]:
    """``work(i)`` in ``threads`` threads started together; their results (or exceptions), by i."""
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as e:
            results[i] = e
        finally:
            database.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool)
    return results


def test_a_counter_hands_out_each_value_once(db):
    def take(i: int) -> list[int]:
        got = []
        for _ in range(25):
            with transaction():
                got.append(queries.next_value("race"))
        return got

    results = race(take)
    values = sorted(v for r in results for v in r)
    assert values == list(range(1, THREADS * 25 + 1))
    assert Counter.get_by_id("race").value == THREADS * 25


def test_a_counter_created_by_racing_transactions_starts_once(db):
    results = race(lambda i: _in_transaction(lambda: queries.next_value("fresh", start=10)))
    assert sorted(results) == [10, 11, 12, 13]


def _in_transaction(fn):
    with transaction():
        return fn()


def _accepted_applications(n: int) -> list[int]:
    contractor, branch = session_of("demo"), session_of("branch")
    ids = []
    for _ in range(n):
        raw = valid_raw()
        app_id = applications.new_draft(contractor)
        applications.save_draft(contractor, app_id, raw)
        applications.submit(contractor, app_id, raw)
        issuing.accept(branch, app_id)
        ids.append(app_id)
    return ids


def test_issuing_at_once_never_gives_two_guarantees_one_number(demo_db):
    ids = _accepted_applications(THREADS * 2)
    branch = session_of("branch")
    before = Guarantee.select().count()

    results = race(lambda i: [n for app_id in ids[i::THREADS] for n in issuing.issue(branch, app_id)])

    numbers = [n for r in results for n in r]
    assert len(numbers) == len(set(numbers)) == THREADS * 2 * 2  # advance + contract each
    assert Guarantee.select().count() == before + len(numbers)
    serials = sorted(int(parse_contract_number(n)[6:11]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + len(serials)))  # no gap, no repeat


def test_one_application_issued_twice_at_once_is_issued_once(demo_db):
    (app_id,) = _accepted_applications(1)
    branch = session_of("branch")

    results = race(lambda i: issuing.issue(branch, app_id))

    issued = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, InvalidState)]
    assert (len(issued), len(refused)) == (1, THREADS - 1)
    assert Guarantee.select().where(Guarantee.application == app_id).count() == 2


def test_versions_added_at_once_get_consecutive_seqs(demo_db):
    number = Guarantee.select().where(Guarantee.electronic == True, Guarantee.cancelled == False).first().number
    branch = session_of("branch")
    g = Guarantee.get(Guarantee.number == number)
    before = queries.last_version_seq(g.id)

    results = race(lambda i: [issuing.amend(branch, number, "変更", work_name=f"変更{i}-{k}") for k in range(5)])

    assert not [r for r in results if isinstance(r, BaseException)]
    seqs = [
        v.seq
        for v in CertificateVersion.select()
        .where(CertificateVersion.guarantee == g.id)
        .order_by(CertificateVersion.seq)
    ]
    assert seqs == list(range(1, before + THREADS * 5 + 1))


def test_a_cancellation_racing_changes_leaves_nothing_after_it(demo_db):
    number = Guarantee.select().where(Guarantee.electronic == True, Guarantee.cancelled == False).first().number
    branch = session_of("branch")

    def work(i: int):
        if i == 0:
            return issuing.amend(branch, number, "取消")
        return [issuing.amend(branch, number, "変更", work_name=f"変更{i}-{k}") for k in range(3)]

    race(work)
    g = Guarantee.get(Guarantee.number == number)
    versions = list(
        CertificateVersion.select().where(CertificateVersion.guarantee == g.id).order_by(CertificateVersion.seq)
    )
    assert g.cancelled and versions[-1].kind == "取消"  # no 変更 was added after the 取消
    assert [v.seq for v in versions] == list(range(1, len(versions) + 1))


def test_one_draft_sent_from_two_sessions_at_once_gets_one_receipt(demo_db):
    contractor = session_of("demo")
    raw = valid_raw()
    app_id = applications.new_draft(contractor)
    applications.save_draft(contractor, app_id, raw)

    results = race(lambda i: applications.submit(contractor, app_id, raw))

    receipts = [r for r in results if not isinstance(r, BaseException)]
    assert len(receipts) == 1 and all(isinstance(r, InvalidState) for r in results if r not in receipts)
    assert Application.get_by_id(app_id).receipt_no == receipts[0].receipt_no
    assert (
        AuditLog.select()
        .where(AuditLog.action == "application.submit", AuditLog.target == receipts[0].receipt_no)
        .count()
        == 1
    )


def test_parallel_wrong_passwords_never_get_past_the_lock_out(demo_db):
    """Twelve guesses at once at one id, the right password tried while the wrong ones still race, but
    only once five tries have been refused: every refused try was counted first, so the right one is
    refused too and the lock-out is recorded once."""
    from esurety_tui.services.auth import MAX_FAILURES

    refused = 0
    refused_lock = threading.Lock()
    five_refused = threading.Event()

    def guess(i: int):
        nonlocal refused
        for k in range(3):
            right = (i, k) == (THREADS - 1, 2)
            if right:
                assert five_refused.wait(timeout=60)
            try:
                auth.login("demo", "demo" if right else f"wrong{i}{k}")
                return "in"
            except LoginFailed:
                with refused_lock:
                    refused += 1
                    if refused >= MAX_FAILURES:
                        five_refused.set()
        return "out"

    results = race(guess)
    assert results == ["out"] * THREADS
    assert LoginAttempt.select().where(LoginAttempt.login == "demo").count() == MAX_FAILURES
    assert AuditLog.select().where(AuditLog.action == "login.locked").count() == 1


def test_parallel_wrong_keys_on_d_sure_are_all_counted(demo_db):
    g = Guarantee.select().where(Guarantee.electronic == True, Guarantee.cancelled == False).first()
    from esurety_tui.settings import DSureConfig

    lockout = DSureConfig(max_failures=100, lock_minutes=15)  # count without locking

    def wrong(i: int):
        for _ in range(5):
            with pytest.raises(dsure.DSureRefused):
                dsure.view(g.number, "AAAAAAAAAAAA", lockout=lockout)

    assert race(wrong) == [None] * THREADS
    assert DSureLock.get_by_id(g.number).failures == THREADS * 5


def test_a_unique_conflict_runs_the_transaction_again_a_bounded_number_of_times(db):
    from peewee import IntegrityError

    from esurety_tui.store.db import CONFLICT_ATTEMPTS

    tries = []

    def once():
        tries.append(1)
        with transaction():
            if len(tries) < 2:  # the first try collides, the second goes through
                Counter.create(name="dup", value=1)
                Counter.create(name="dup", value=2)
            return len(tries)

    assert retry_on_conflict(once) == 2

    always = []

    def collides():
        always.append(1)
        with transaction():
            Counter.create(name="same", value=1)
            Counter.create(name="same", value=2)

    with pytest.raises(IntegrityError):
        retry_on_conflict(collides)
    assert len(always) == CONFLICT_ATTEMPTS
    assert not Counter.select().where(Counter.name.in_(["dup", "same"])).exists()


def test_a_running_query_is_cancelled_from_another_thread(db):
    """The lists' stale searches (tui/dbthread.py): SQLite's interrupt(), PostgreSQL's cancel request."""
    import time

    from esurety_tui.services.setup import query_canceller
    from esurety_tui.store.db import is_postgresql

    slow = (
        "SELECT pg_sleep(30)"
        if is_postgresql()
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT COUNT(*) FROM n"
    )
    database.close()
    ready, outcome = threading.Event(), {}

    def reader() -> None:
        try:
            outcome["cancel"] = query_canceller()
            ready.set()
            started = time.monotonic()
            try:
                database.execute_sql(slow).fetchall()
                outcome["error"] = None
            except Exception as e:
                outcome["error"] = e
            outcome["seconds"] = time.monotonic() - started
        finally:
            database.close()

    t = threading.Thread(target=reader)
    t.start()
    assert ready.wait(30)
    deadline = time.monotonic() + 60
    while t.is_alive() and time.monotonic() < deadline:
        outcome["cancel"]()  # a no-op until the statement runs: asked again until the reader ends
        t.join(timeout=0.05)
    assert not t.is_alive()
    assert outcome["error"] is not None and outcome["seconds"] < 10
