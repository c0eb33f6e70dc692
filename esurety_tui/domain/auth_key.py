"""認証キー: 12 characters from a cryptographic source, no look-alikes, compared in constant time."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from typing import Protocol

# Upper and lower case letters and digits without 0/O/o, 1/l/I/i.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz"
LENGTH = 12


class _Chooser(Protocol):
    def choice(self, seq: Sequence[str]) -> str: ...


def generate_key(rng: _Chooser | None = None) -> str:
    """A new key. ``rng`` is for deterministic demos and tests only; default is ``secrets``."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    return "".join(chooser.choice(ALPHABET) for _ in range(LENGTH))


def keys_equal(given: str, stored: str) -> bool:
    """Constant-time comparison (hmac.compare_digest) of UTF-8 bytes."""
    return hmac.compare_digest(given.strip().encode("utf-8"), stored.encode("utf-8"))


def is_well_formed_key(text: str) -> bool:
    return len(text) == LENGTH and all(ch in ALPHABET for ch in text)
