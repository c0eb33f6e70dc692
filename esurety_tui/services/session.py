"""Who is calling. Every service function takes a Session and checks its role and scope itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CONTRACTOR = "contractor"  # a company's user on Net Desk: its own company only
    BRANCH = "branch"  # a branch clerk: its own branch's queue and contracts
    ORDERER = "orderer"  # a D-Sure visitor (no account): one certificate by number + key
    SYSTEM = "system"  # the host's administrator (CLI set-up, demo loader)


@dataclass(frozen=True)
class Session:
    user_id: int
    login: str
    role: Role
    company_id: int | None = None
    company_name: str = ""
    branch_id: int | None = None
    branch_name: str = ""

    @property
    def display_name(self) -> str:
        """Header text: 「〇〇建設 株式会社 様」 for contractors, the branch name for branches."""
        if self.role == Role.CONTRACTOR:
            return f"{self.company_name} 様"
        if self.role == Role.ORDERER:
            return "保証確認サービス(D・Sure)"
        return self.branch_name or "管理者"

    @property
    def scope(self) -> int | None:
        """Company filter for contract queries (None: not limited to one company)."""
        return self.company_id if self.role == Role.CONTRACTOR else None

    @property
    def branch_scope(self) -> int | None:
        """Branch filter for contract queries (None: not limited to one branch)."""
        return self.branch_id if self.role == Role.BRANCH else None


# The host's administrator: `esurety` commands run locally by the service account, and the demo loader.
SYSTEM_SESSION = Session(0, "system", Role.SYSTEM)


def orderer_session(label: str = "D-Sure") -> Session:
    """A D-Sure visitor: no account; what it may see is decided per request by number + key."""
    return Session(0, label, Role.ORDERER)
