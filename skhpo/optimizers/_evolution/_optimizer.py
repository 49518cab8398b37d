"""The evolutionary optimizer: a population, tournaments, crossover, mutation."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .._base import BaseOptimizer, _check_int
from ._operators import (
    MAX_STEP,
    MIN_STEP,
    crossover,
    mutate,
    mutate_step_size,
    select_survivors,
    switch_subspace,
    tournament,
)

__all__ = ["EvolutionOptimizer"]

_SURVIVORS = ("aging", "elitist")


def _check_probability(name: str, value: Any, *, allow_none: bool = False) -> None:
    if allow_none and value is None:
        return
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return
    kind = "None or a number in [0, 1]" if allow_none else "a number in [0, 1]"
    raise ValueError(f"{name} must be {kind}, got {name}={value!r}.")


class EvolutionOptimizer(BaseOptimizer):
    """An evolutionary algorithm over mixed and conditional spaces.

    The first generation is the shared scrambled Sobol design
    (``n_initial_points``, by default one population). Then each child is
    bred from the population in four steps, all in the shared unit encoding:

    1. a parent is chosen by a tournament of ``tournament_size``;
    2. with probability ``crossover_rate``, a second parent by another
       tournament, and a uniform crossover that exchanges only the
       parameters both parents have (the child keeps the first parent's
       sub-space);
    3. with probability ``switch_rate`` (spaces of several sub-spaces), the
       child moves to another sub-space whose parameters are drawn from the
       prior; otherwise each parameter mutates with probability
       ``mutation_rate`` (at least one does): a Gaussian step with a
       self-adapted step size for Real, Integer and Ordinal parameters
       (log-uniform ones are log-warped by the encoding), another choice for
       Categorical ones;
    4. the population is the survivors among the told candidates: the
       ``population_size`` youngest (``survivors="aging"``, regularized
       evolution) or fittest (``"elitist"``, (mu + lambda)).

    A batch of ``ask(n)`` is ``n`` children of the same population, so one
    generation is one parallel batch. Failed (non-finite) scores have the
    worst fitness. When a child repeats an earlier candidate (common on
    small discrete spaces), :meth:`ask` breeds again with larger steps and
    more mutated parameters, and only then falls back to a random point.

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space; dicts are parsed by :class:`~skhpo.space.SearchSpace`.
    population_size : int, default=8
        Survivors kept as the population (at least one batch: an
        ``ask(n)`` with a larger ``n`` breeds from the ``n`` survivors), and
        the default size of the initial design.
    n_initial_points : int or None, default=None
        Size of the Sobol initial design; ``None`` is ``population_size``.
    survivors : {"aging", "elitist"}, default="aging"
        Which told candidates form the population.
    tournament_size : int, default=3
        Individuals per tournament (all of them if the population is
        smaller).
    crossover_rate : float, default=0.5
        Probability that a child has two parents.
    mutation_rate : float or None, default=None
        Probability that each parameter of a child mutates; ``None`` is one
        over the number of parameters of its sub-space. At least one
        parameter always mutates.
    switch_rate : float, default=0.1
        Probability that a child moves to another sub-space (used only with
        several sub-spaces).
    initial_step : float, default=0.2
        Step size of the Gaussian mutation (a standard deviation in unit
        coordinates) of the individuals of the initial design; children
        inherit and self-adapt it, within ``[0.001, 0.5]``.
    random_state : int, RandomState, Generator or None, default=None
        Seed for every random choice; the same seed and the same sequence of
        calls give the same candidates.

    Attributes
    ----------
    population_ : ndarray of shape (n_survivors,)
        Row indices (into ``X_``, ``y_`` of the model's budget) of the current
        population.

    Notes
    -----
    **Defaults.** Regularized evolution (Real, Aggarwal, Huang & Le,
    "Regularized Evolution for Image Classifier Architecture Search", AAAI
    2019) removes the oldest individual instead of the worst: a candidate
    survives only while its descendants keep being selected, which
    discounts a lucky cross-validation score. A population of 8 leaves
    more generations than a larger one within searches of 40-100 fits, and
    crossover between two parents helps in the longer of these; elitist
    survivors are kept as an option (``survivors="elitist"``, the
    (mu + lambda) scheme). ``crossover_rate=0.5`` and ``tournament_size=3``
    are the usual choices (Goldberg & Deb, FOGA 1991),
    ``mutation_rate=None`` (one parameter on average) follows Bäck (1996),
    and ``switch_rate=0.1`` lets a family switch happen about once per
    generation of 8-16.

    **Operators.** Tournament selection (Goldberg & Deb, FOGA 1991),
    uniform crossover (Syswerda, ICGA 1989) restricted to shared
    parameters, Gaussian mutation with log-normal self-adaptation of one
    step size per individual (Schwefel 1981; Beyer & Schwefel, "Evolution
    strategies: A comprehensive introduction", Natural Computing 2002),
    reflected at the bounds (Bäck 1996).

    Examples
    --------
    >>> from skhpo.optimizers import EvolutionOptimizer
    >>> opt = EvolutionOptimizer({"x": (-2.0, 2.0), "k": ["a", "b", "c"]},
    ...                          population_size=8, random_state=0)
    >>> for _ in range(6):
    ...     cands = opt.ask(8)
    ...     opt.tell(cands, [-c.params["x"] ** 2 - (c.params["k"] != "b") for c in cands])
    >>> bool(opt.y_.max() > -0.05)
    True
    """

    def __init__(
        self,
        space: Any,
        *,
        population_size: int = 8,
        n_initial_points: int | None = None,
        survivors: str = "aging",
        tournament_size: int = 3,
        crossover_rate: float = 0.5,
        mutation_rate: float | None = None,
        switch_rate: float = 0.1,
        initial_step: float = 0.2,
        random_state: Any = None,
    ) -> None:
        super().__init__(space, n_initial_points=n_initial_points, random_state=random_state)
        self.population_size = _check_int("population_size", population_size, low=2)
        if survivors not in _SURVIVORS:
            raise ValueError(f"survivors must be one of {_SURVIVORS}, got survivors={survivors!r}.")
        self.survivors = survivors
        self.tournament_size = _check_int("tournament_size", tournament_size)
        _check_probability("crossover_rate", crossover_rate)
        _check_probability("mutation_rate", mutation_rate, allow_none=True)
        if mutation_rate == 0:
            raise ValueError(
                "mutation_rate must be None or a number in (0, 1], got mutation_rate=0; "
                "at least one parameter mutates anyway, so 0 is meaningless."
            )
        _check_probability("switch_rate", switch_rate)
        if not (
            isinstance(initial_step, numbers.Real)
            and not isinstance(initial_step, bool)
            and MIN_STEP <= initial_step <= MAX_STEP
        ):
            raise ValueError(
                f"initial_step must be a number in [{MIN_STEP}, {MAX_STEP}], got "
                f"initial_step={initial_step!r}."
            )
        self.crossover_rate = float(crossover_rate)
        self.mutation_rate = mutation_rate
        self.switch_rate = float(switch_rate)
        self.initial_step = float(initial_step)
        self._default_n_initial_points = self.population_size
        self._steps: dict[tuple, float] = {}  # candidate key -> its self-adapted step size
        self._boost = 0  # retries after duplicates in the current ask

    @property
    def population_(self) -> np.ndarray:
        """Row indices of the model's observations that form the population."""
        return select_survivors(self.model_observations().y, self.population_size, self.survivors)

    def _on_duplicates(self, X: np.ndarray, attempt: int) -> bool:
        # Children repeated earlier candidates: breed again, mutating more
        # parameters with larger steps each time.
        self._boost = attempt + 1
        return True

    def _propose(self, n: int, pending: np.ndarray) -> np.ndarray:
        boost, self._boost = self._boost, 0
        obs = self.model_observations()
        # A batch larger than the population breeds from a whole generation.
        rows = select_survivors(obs.y, max(self.population_size, n), self.survivors)
        X, fit = obs.X[rows], obs.y[rows]
        keys = [self.space.key(x) for x in X]
        steps = np.array([self._steps.get(k, self.initial_step) for k in keys])
        space, rng = self.space, self.rng
        children = np.empty((n, space.n_columns))
        child_steps = np.empty(n)
        for i in range(n):
            a = tournament(fit, self.tournament_size, rng)
            child, step = X[a], steps[a]
            if len(X) > 1 and rng.random() < self.crossover_rate:
                b = tournament(fit, self.tournament_size, rng)
                child = crossover(space, child, X[b], rng)
                step = math.sqrt(step * steps[b])
            n_active = len(space.subspace_columns(int(space.subspace_of(child[None, :])[0])))
            step = mutate_step_size(step, n_active, rng)
            if space.n_subspaces > 1 and rng.random() < self.switch_rate:
                child = switch_subspace(space, child, rng)
            else:
                child = mutate(
                    space,
                    child,
                    min(MAX_STEP, step * 2.0**boost),
                    rng,
                    rate=self.mutation_rate,
                    min_changes=1 + boost,
                )
            children[i], child_steps[i] = child, step
        snapped = space.snap(children)
        for x, step in zip(snapped, child_steps):
            self._steps.setdefault(space.key(x), float(step))
        return snapped
