"""Shared fixtures: a private ESURETY_HOME per test, a demo database copied from a template built
once per session (fixed clock, fixed random keys), and a logged-in demo session."""

from __future__ import annotations

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


@pytest.fixture
def db(tmp_path):
    """An empty, migrated database file."""
    from esurety_tui.store.db import init_database

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


@pytest.fixture
def demo_db(tmp_path, demo_template):
    """A fresh copy of the demo database, opened."""
    from esurety_tui.store.db import init_database

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
