"""Random search through the ask/tell protocol."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import BaseOptimizer

__all__ = ["RandomOptimizer"]


class RandomOptimizer(BaseOptimizer):
    """Independent draws from the prior of the space.

    The baseline every model-based optimizer is compared against. It still
    never repeats a candidate and ends cleanly on an exhausted finite space.
    Budgets are recorded (``tell(..., budget=b)``) but do not change its
    draws, so under a Hyperband scheduler it is Hyperband's own random
    sampling (Li et al., JMLR 2018).

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space; dicts are parsed by :class:`~skhpo.space.SearchSpace`.
    random_state : int, RandomState, Generator or None, default=None
        Seed for every random choice; the same seed gives the same candidates.

    Examples
    --------
    >>> from skhpo.optimizers import RandomOptimizer
    >>> opt = RandomOptimizer({"x": (0.0, 1.0), "k": ["a", "b"]}, random_state=0)
    >>> cands = opt.ask(3)
    >>> opt.tell(cands, [0.1, 0.5, 0.3])
    >>> opt.n_observations
    3
    """

    _default_n_initial_points = 0

    def __init__(self, space: Any, *, random_state: Any = None) -> None:
        super().__init__(space, n_initial_points=0, random_state=random_state)

    def _propose(self, n: int, pending: np.ndarray) -> np.ndarray:
        return self.space.sample(n, self.rng)
