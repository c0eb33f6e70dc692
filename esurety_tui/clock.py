"""The one clock. Tests and snapshots freeze it with ``freeze``/``ESURETY_FROZEN_TIME``."""

from __future__ import annotations

import os
from datetime import date, datetime

_frozen: datetime | None = None


def freeze(at: datetime | None) -> None:
    global _frozen
    _frozen = at


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    env = os.environ.get("ESURETY_FROZEN_TIME")
    if env:
        return datetime.fromisoformat(env)
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()
