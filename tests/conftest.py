"""Shared fixtures: a private ESURETY_HOME per test, a demo database copied from a template built
once per session (fixed clock, fixed random keys), and a logged-in demo session.

Two backends: ``db`` and ``demo_db`` are SQLite files, and in the modules (or tests) marked
``pytest.mark.postgres`` they run a second time against PostgreSQL (test ids ``[sqlite]`` and
``[postgres]``). ``ESURETY_TEST_POSTGRES`` names the server (``ESURETY_TEST_POSTGRES_URL`` is
accepted too; .ci/run names postgresql://postgres@127.0.0.1:5432/test); without it the PostgreSQL
runs skip with a reason. Each pytest process (each xdist worker) creates a database of its own on
that server (``esurety_test_<pid>``, dropped at the end; one left by a process that died is dropped
by the next run), and each test gets a fresh schema in it. ``pytest.mark.sqlite_only`` keeps a test
of a marked module on SQLite alone (file modes, pragmas, SQLite-made fixtures)."""

from __future__ import annotations

import os
import random
import shutil
from datetime import datetime

import pytest

FROZEN = datetime(2026, 11, 24, 10, 0)
KEY_SEED = 7


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches the user's real data folder; the clock is frozen."""
    from esurety_tui import clock

    monkeypatch.setenv("ESURETY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ESURETY_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("ESURETY_DATABASE", raising=False)
    clock.freeze(FROZEN)
    yield
    clock.freeze(None)
    from esurety_tui.store.db import close_database

    close_database()


POSTGRES_SKIP = (
    "no PostgreSQL server named: set ESURETY_TEST_POSTGRES to a server URL "
    "(e.g. postgresql://postgres@127.0.0.1:5432/test) to run the PostgreSQL pass"
)


def postgres_server() -> str | None:
    """The server the PostgreSQL pass uses, or None."""
    return os.environ.get("ESURETY_TEST_POSTGRES") or os.environ.get("ESURETY_TEST_POSTGRES_URL") or None


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: also run this module's (or test's) db/demo_db tests on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only(reason): keep this test on SQLite in a postgres-marked module")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    definition = metafunc.definition
    if definition.get_closest_marker("postgres") is None or definition.get_closest_marker("sqlite_only"):
        return  # unparametrised: the test keeps its id, and runs on SQLite
    metafunc.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """ "sqlite" or "postgres" (only in postgres-marked tests, and only with a server named)."""
    name = getattr(request, "param", "sqlite")
    if name == "postgres" and postgres_server() is None:
        pytest.skip(POSTGRES_SKIP)
    return name


@pytest.fixture(scope="session")
def pg_worker():
    """This process's own database on the PostgreSQL server (created now, dropped at the end)."""
    from tests.helpers.pgtest import PgWorker

    server = postgres_server()
    if server is None:
        pytest.skip(POSTGRES_SKIP)
    worker = PgWorker(server)
    yield worker
    worker.drop()


@pytest.fixture
def pg_url(pg_worker) -> str:
    """A fresh, empty schema (no tables) in this process's PostgreSQL database: its URL."""
    return pg_worker.fresh()


@pytest.fixture
def db(tmp_path, backend, request):
    """An empty, migrated database: a file (its Path), or on PostgreSQL a fresh schema (its URL)."""
    from esurety_tui.store.db import init_database

    if backend == "postgres":
        url = request.getfixturevalue("pg_worker").empty()
        init_database(url)
        return url
    path = tmp_path / "test.sqlite3"
    init_database(str(path))
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    from esurety_tui import clock
    from esurety_tui.services import demo
    from esurety_tui.store.db import close_database, init_database

    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    clock.freeze(FROZEN)
    init_database(str(path))
    from esurety_tui.services.session import SYSTEM_SESSION

    demo.load(SYSTEM_SESSION, random.Random(KEY_SEED))
    close_database()
    clock.freeze(None)
    return path


def load_demo() -> None:
    """The demo data as every demo database has it (fixed clock and keys), into the open database."""
    from esurety_tui import clock
    from esurety_tui.services import demo
    from esurety_tui.services.session import SYSTEM_SESSION

    clock.freeze(FROZEN)
    demo.load(SYSTEM_SESSION, random.Random(KEY_SEED))


@pytest.fixture
def demo_db(tmp_path, backend, demo_template, request):
    """A fresh copy of the demo database, opened: a file (its Path), or on PostgreSQL a fresh schema
    filled from this process's demo template (its URL)."""
    from esurety_tui.store.db import init_database

    if backend == "postgres":
        url = request.getfixturevalue("pg_worker").fresh_demo(load_demo)
        init_database(url)
        return url
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    init_database(str(path))
    return path


def session_of(login: str):
    from esurety_tui.services import auth
    from esurety_tui.store.models import User

    return auth.session_for(User.get(User.login == login))


@pytest.fixture
def demo_session(demo_db):
    """〇〇建設 株式会社 (login demo)."""
    return session_of("demo")


@pytest.fixture
def branch_session(demo_db):
    return session_of("branch")
