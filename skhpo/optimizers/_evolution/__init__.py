"""The evolutionary optimizer: operators on the shared encoding, and the ask/tell engine."""

from ._optimizer import EvolutionOptimizer

__all__ = ["EvolutionOptimizer"]
