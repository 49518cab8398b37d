"""Ask/tell optimizers over a :class:`~skhpo.space.SearchSpace`.

Optimizers know nothing of estimators or cross-validation: ``ask(n)`` returns
:class:`~skhpo.space.Candidate` objects and ``tell(candidates, scores)`` takes
their scores (higher is better; non-finite scores mark failures). With a
multi-fidelity scheduler, ``tell(candidates, scores, budget=b)`` records each
score with the budget it was obtained at.
"""

from ._base import BaseOptimizer, Observations, check_random_state_generator, impute_failures
from ._evolution import EvolutionOptimizer
from ._gp import GPOptimizer
from ._hyperband import (
    BOHBOptimizer,
    Batch,
    Bracket,
    HyperbandScheduler,
    Rung,
    hyperband_brackets,
    successive_halving_promotions,
)
from ._random import RandomOptimizer
from ._tpe import TPEOptimizer

__all__ = [
    "BOHBOptimizer",
    "BaseOptimizer",
    "Batch",
    "Bracket",
    "EvolutionOptimizer",
    "GPOptimizer",
    "HyperbandScheduler",
    "Observations",
    "RandomOptimizer",
    "Rung",
    "TPEOptimizer",
    "check_random_state_generator",
    "hyperband_brackets",
    "impute_failures",
    "successive_halving_promotions",
]
