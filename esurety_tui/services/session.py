"""Who is calling. Every service function takes a Session and checks its role and scope itself."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CONTRACTOR = "contractor"  # a company's user on Net Desk: its own company only
    BRANCH = "branch"          # a branch clerk: its own branch's queue and contracts
    ORDERER = "orderer"        # a D-Sure visitor (no account): one certificate by number + key
    SYSTEM = "system"          # the host's administrator (CLI set-up, demo loader)


class Session:
    """An immutable value (compared and hashed by its fields).

    Written out rather than a frozen dataclass: `esurety key` imports this module, and dataclasses
    (with inspect) is about a sixth of that command's imports. ``replace`` is dataclasses.replace.
    """

    __slots__ = ("user_id", "login", "role", "company_id", "company_name", "branch_id", "branch_name")
    user_id: int
    login: str
    role: Role
    company_id: int | None
    company_name: str
    branch_id: int | None
    branch_name: str

    def __init__(self, user_id: int, login: str, role: Role, company_id: int | None = None,
                 company_name: str = "", branch_id: int | None = None, branch_name: str = "") -> None:
        for name, value in zip(self.__slots__, (user_id, login, role, company_id, company_name, branch_id,
                                                branch_name)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Session is immutable: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Session is immutable: cannot delete {name!r}")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Session:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Session({fields})"

    def replace(self, **changes: object) -> Session:
        """A copy with some fields changed."""
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"Session has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return Session(**values)

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
