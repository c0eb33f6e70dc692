"""Who is logged in. Every contractor query is scoped by ``company_id``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    user_id: int
    login: str
    role: str  # "contractor" | "branch"
    company_id: int | None = None
    company_name: str = ""
    branch_id: int | None = None
    branch_name: str = ""

    @property
    def display_name(self) -> str:
        """Header text: 「〇〇建設 株式会社 様」 for contractors, the branch name for branches."""
        if self.role == "contractor":
            return f"{self.company_name} 様"
        return self.branch_name

    @property
    def scope(self) -> int | None:
        """Company filter for contract queries (None: a branch sees every contract)."""
        return self.company_id if self.role == "contractor" else None
