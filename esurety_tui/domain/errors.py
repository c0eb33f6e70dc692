"""Errors raised by domain rules: each carries a Japanese message for the user."""


class DomainError(ValueError):
    """A value a user typed is not acceptable; ``str(err)`` is the Japanese message."""
