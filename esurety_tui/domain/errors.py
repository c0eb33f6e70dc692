"""Errors raised by domain rules: each carries a Japanese message for the user."""

from __future__ import annotations

from .messages import message


class DomainError(ValueError):
    """A value a user typed is not acceptable; ``str(err)`` is the Japanese message.

    Raised with ``DomainError.of(code, **params)`` by the parsers the form uses: the message comes
    from ``messages.MESSAGES`` and ``code``/``params`` say what went wrong without reading it.
    """

    def __init__(self, text: str, *, code: str = "", params: dict[str, object] | None = None) -> None:
        super().__init__(text)
        self.code = code
        self.params = dict(params or {})

    @classmethod
    def of(cls, code: str, **params: object) -> DomainError:
        return cls(message(code, params), code=code, params=params)
