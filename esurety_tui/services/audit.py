"""Audit log. Callers pass no secrets: keys and passwords never reach this table."""

from __future__ import annotations

from ..store.models import AuditLog
from .authz import internal


@internal
def record(actor: str, action: str, target: str = "", detail: str = "") -> None:
    AuditLog.create(actor=actor, action=action, target=target, detail=detail)
