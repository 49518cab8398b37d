"""Multi-fidelity scheduling: Hyperband's brackets, its scheduler and BOHB's proposer."""

from ._bohb import BOHBOptimizer
from ._schedule import Bracket, Rung, hyperband_brackets, successive_halving_promotions
from ._scheduler import Batch, HyperbandScheduler

__all__ = [
    "BOHBOptimizer",
    "Batch",
    "Bracket",
    "HyperbandScheduler",
    "Rung",
    "hyperband_brackets",
    "successive_halving_promotions",
]
