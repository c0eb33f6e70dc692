"""Application statuses and certificate version kinds, with their allowed transitions.

The values are the Japanese labels the seed uses (and the strings stored in the database); code
refers to members (``AppStatus.SENT``), never to the literals.
"""

from __future__ import annotations

from enum import StrEnum


class AppStatus(StrEnum):
    DRAFT = "作成中"
    SENT = "送信済"
    REVIEWING = "審査中"
    ACCEPTED = "引受"
    REFUSED = "謝絶"
    ISSUED = "発行済"

    @property
    def label(self) -> str:
        return self.value


# Who may move an application where: the contractor sends; the branch reviews, decides and issues.
TRANSITIONS: dict[AppStatus, frozenset[AppStatus]] = {
    AppStatus.DRAFT: frozenset({AppStatus.SENT}),
    AppStatus.SENT: frozenset({AppStatus.REVIEWING, AppStatus.ACCEPTED, AppStatus.REFUSED}),
    AppStatus.REVIEWING: frozenset({AppStatus.ACCEPTED, AppStatus.REFUSED}),
    AppStatus.ACCEPTED: frozenset({AppStatus.ISSUED, AppStatus.REFUSED}),
    AppStatus.REFUSED: frozenset(),
    AppStatus.ISSUED: frozenset(),
}

# The branch's queue (受付一覧): open first, then the decided ones on their own tab.
OPEN_STATUSES = (AppStatus.SENT, AppStatus.REVIEWING, AppStatus.ACCEPTED)
CLOSED_STATUSES = (AppStatus.REFUSED, AppStatus.ISSUED)


def sources_of(target: AppStatus) -> tuple[AppStatus, ...]:
    """Every status an application may reach ``target`` from."""
    return tuple(s for s, nexts in TRANSITIONS.items() if target in nexts)


class VersionKind(StrEnum):
    """対象 of a certificate version (電子保証情報(履歴情報))."""

    NEW = "新規"
    CORRECTION = "訂正"
    CHANGE = "変更"
    CANCEL = "取消"

    @property
    def label(self) -> str:
        return self.value
