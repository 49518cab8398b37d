"""Multi-fidelity scheduling: Hyperband's brackets and its scheduler."""

from ._schedule import Bracket, Rung, hyperband_brackets, successive_halving_promotions
from ._scheduler import Batch, HyperbandScheduler

__all__ = [
    "Batch",
    "Bracket",
    "HyperbandScheduler",
    "Rung",
    "hyperband_brackets",
    "successive_halving_promotions",
]
