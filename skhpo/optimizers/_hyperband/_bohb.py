"""BOHB's proposer: TPE on the highest budget with enough observations, some draws random."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._base import _check_int
from .._tpe import TPEOptimizer

__all__ = ["BOHBOptimizer"]


class BOHBOptimizer(TPEOptimizer):
    """The proposer of BOHB: a TPE model of one budget, and a share of random draws.

    BOHB (Falkner, Klein & Hutter, "BOHB: Robust and Efficient
    Hyperparameter Optimization at Scale", ICML 2018) runs Hyperband's
    brackets (:class:`~skhpo.optimizers.HyperbandScheduler`) and draws each
    new configuration from a TPE model fitted on the observations of the
    highest budget that has at least ``min_model_observations`` of them
    (:meth:`~skhpo.optimizers.BaseOptimizer.model_observations`), except a
    fraction ``random_fraction`` drawn from the prior, which keeps the
    search from trusting a model of small budgets too much. Until a budget
    has enough observations, candidates come from the initial design and
    then from the prior. Conditional (CASH) spaces are modelled as
    :class:`~skhpo.optimizers.TPEOptimizer` models them.

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space.
    random_fraction : float, default=1/3
        Share of new configurations drawn from the prior once the model is
        used (BOHB's ``rho``; 1/3 in the paper).
    min_model_observations : int or None, default=None
        Fewest observations a budget needs before the model fits on it;
        ``None`` is the number of columns of the space's encoding plus one
        (BOHB's ``N_min = d + 1``).
    n_initial_points : int or None, default=None
        Configurations from the scrambled Sobol design before anything else.
    n_ei_candidates : int, default=24
        Samples from the good density per suggestion.
    multivariate : bool, default=True
        Joint (product-kernel) densities over a sub-space's parameters.
    random_state : int, RandomState, Generator or None, default=None
        Seed for every random choice.

    Examples
    --------
    >>> from skhpo.optimizers import BOHBOptimizer, HyperbandScheduler
    >>> opt = BOHBOptimizer({"x": (0.0, 1.0)}, random_state=0)
    >>> sched = HyperbandScheduler(opt, min_resources=1, max_resources=9, n_iter=30)
    >>> while (batch := sched.next_batch()) is not None:
    ...     sched.tell([-(c.params["x"] - 0.3) ** 2 - 1 / batch.n_resources for c in batch.candidates])
    >>> opt.model_budget_
    9.0
    >>> best = opt.observations(9)
    >>> bool(abs(best.X[best.y.argmax(), 0] - 0.3) < 0.1)
    True
    """

    def __init__(
        self,
        space: Any,
        *,
        random_fraction: float = 1 / 3,
        min_model_observations: int | None = None,
        n_initial_points: int | None = None,
        n_ei_candidates: int = 24,
        multivariate: bool = True,
        random_state: Any = None,
    ) -> None:
        super().__init__(
            space,
            n_initial_points=n_initial_points,
            n_ei_candidates=n_ei_candidates,
            multivariate=multivariate,
            random_state=random_state,
        )
        if (
            not isinstance(random_fraction, numbers.Real)
            or isinstance(random_fraction, bool)
            or not 0.0 <= random_fraction <= 1.0
        ):
            raise ValueError(
                f"random_fraction must be a number in [0, 1], got random_fraction={random_fraction!r}."
            )
        self.random_fraction = float(random_fraction)
        if min_model_observations is None:
            min_model_observations = self.space.n_columns + 1
        self.min_model_observations = _check_int("min_model_observations", min_model_observations)

    def _propose(self, n: int, pending: np.ndarray) -> np.ndarray:
        n_random = int(self.rng.binomial(n, self.random_fraction))
        parts = [self.space.sample(n_random, self.rng)]
        if n > n_random:
            parts.append(super()._propose(n - n_random, pending))
        return np.vstack(parts)
