"""The demo data reads like a real history: works in the orderer's own city, dates spread over time."""

from __future__ import annotations

import pytest

from esurety_tui.services.demo import PLACES
from esurety_tui.store.models import Application
from tests.conftest import FROZEN

# The storage and service tests run on SQLite and again on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.postgres


def test_work_place_is_in_the_orderers_area(demo_db):
    sent = list(Application.select().where(Application.status != "作成中"))
    assert len(sent) >= 10
    for a in sent:
        city = PLACES[a.orderer.name].removeprefix("神奈川県")
        assert city in a.work_place, (a.work_name, a.orderer.name, a.work_place)
    yokohama = [a for a in sent if a.orderer.name == "横浜市長"]
    assert yokohama and all("横浜市" in a.work_place for a in yokohama)


def test_update_times_are_spread_over_time(demo_db):
    rows = list(Application.select())
    stamps = {a.updated_at for a in rows}
    assert len(stamps) == len(rows)  # no two alike
    assert all(a.updated_at < FROZEN for a in rows)  # none is "the moment the demo was loaded"
    years = {a.updated_at.year for a in rows}
    assert len(years) >= 3
    for a in rows:
        assert a.created_at <= a.updated_at
        if a.submitted_at is not None:
            assert a.created_at <= a.submitted_at <= a.updated_at
