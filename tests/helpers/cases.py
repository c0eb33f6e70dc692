"""Shared test data for the domain rules: the seed's application (川崎市, 河川維持工事)."""

from __future__ import annotations

from esurety_tui.domain.rules import OrdererTerms
from esurety_tui.domain.seed_case import valid_raw

__all__ = ["kawasaki", "valid_raw"]


def kawasaki(**changes: object) -> OrdererTerms:
    """The seed's orderer: standard terms, accepts 電子保証."""
    return OrdererTerms(**{"name": "川崎市長", "accepts_electronic": True, **changes})  # type: ignore[arg-type]
