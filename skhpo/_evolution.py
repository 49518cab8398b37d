"""EvolutionSearchCV: evolutionary search, one generation per parallel batch."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from ._docs import fill_doc
from ._search_base import _BaseSkhpoSearchCV
from .optimizers._base import _check_int

__all__ = ["EvolutionSearchCV"]


@fill_doc
class EvolutionSearchCV(_BaseSkhpoSearchCV):
    """Hyperparameter search with an evolutionary algorithm.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    that evolves a population of candidates: the first generation is a
    scrambled Sobol design, and each later one is bred from the population
    by tournament selection, crossover of the parameters two parents share
    and mutation per parameter type (a Gaussian step with a self-adapted
    step size for numbers, another choice for categories, now and then a
    switch to another sub-space with fresh parameters). By default the
    population is the ``population_size`` youngest candidates (regularized
    evolution, Real et al., 2019). Each generation is one parallel batch of
    ``n_points`` candidates, so it uses ``n_jobs`` fully; list-of-dicts
    spaces (one sub-space per model family) are searched jointly.

    Parameters
    ----------
    {common_params}

    population_size : int, default=8
        Number of candidates that form the population (the parents of the
        next generation; at least one batch of ``n_points``); also the
        default size of the initial design and of a generation. A small
        population leaves more generations within searches of 40-100
        candidates.

    survivors : {"aging", "elitist"}, default="aging"
        Which evaluated candidates form the population: the youngest
        (``"aging"``, regularized evolution) or the best (``"elitist"``,
        (mu + lambda) selection).

    tournament_size : int, default=3
        Candidates drawn per tournament; the best is a parent. Larger means
        more selection pressure.

    crossover_rate : float, default=0.5
        Probability that a child has two parents (uniform crossover of the
        parameters both have).

    mutation_rate : float or None, default=None
        Probability that each parameter of a child mutates; ``None`` is one
        over the number of parameters of its sub-space. At least one
        parameter always mutates.

    switch_rate : float, default=0.1
        Probability that a child moves to another sub-space of a list of
        dicts, with that sub-space's parameters drawn from the prior.

    Attributes
    ----------
    {common_attributes}

    See Also
    --------
    TPESearchCV : Tree-structured Parzen estimator search.
    BayesSearchCV : Gaussian-process Bayesian optimization.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    {driver_notes}

    ``n_iter`` counts candidates, so the search runs about
    ``n_iter / n_points`` generations; the first one (``n_initial_points``,
    by default ``population_size``) is the initial design. When a child
    repeats an evaluated candidate, which is common on small discrete
    spaces, it is bred again with stronger mutations before a random
    candidate takes its place, and a finite space that runs out ends the
    search with a warning.

    Its own cost is a fraction of a millisecond per candidate. Pick it for a
    model-free search whose every step is easy to follow, including CASH
    spaces; where a model can be fitted, :class:`TPESearchCV` usually finds
    better candidates for the same number of fits (see the benchmark page).
    See :class:`~skhpo.optimizers.EvolutionOptimizer` for the operators and
    the references.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import EvolutionSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": (1, 8), "criterion": ["gini", "entropy"]},
    ...     n_iter=12, population_size=4, cv=3, random_state=0,
    ... )
    >>> search.fit(X, y)
    EvolutionSearchCV(...)
    >>> len(search.cv_results_["params"])
    12
    """

    def __init__(
        self,
        estimator: Any,
        search_spaces: Any,
        *,
        n_iter: int = 50,
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: Any = True,
        cv: Any = None,
        verbose: int = 0,
        pre_dispatch: Any = "2*n_jobs",
        random_state: Any = None,
        error_score: Any = np.nan,
        return_train_score: bool = False,
        n_points: int | None = None,
        n_initial_points: int | None = None,
        max_time: float | None = None,
        callbacks: Any = None,
        journal: Any = None,
        trial_timeout: float | None = None,
        population_size: int = 8,
        survivors: str = "aging",
        tournament_size: int = 3,
        crossover_rate: float = 0.5,
        mutation_rate: float | None = None,
        switch_rate: float = 0.1,
    ) -> None:
        super().__init__(
            estimator,
            search_spaces,
            n_iter=n_iter,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
            n_points=n_points,
            n_initial_points=n_initial_points,
            max_time=max_time,
            callbacks=callbacks,
            journal=journal,
            trial_timeout=trial_timeout,
        )
        self.population_size = population_size
        self.survivors = survivors
        self.tournament_size = tournament_size
        self.crossover_rate = crossover_rate
        self.mutation_rate = mutation_rate
        self.switch_rate = switch_rate

    def fit(self, X: Any, y: Any = None, **params: Any) -> "EvolutionSearchCV":
        """Run the search, then refit; as :meth:`TPESearchCV.fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target; None for unsupervised learning.
        **params : dict of str -> object
            Passed to the estimator's ``fit``, the scorer and the splitter,
            as for :class:`~sklearn.model_selection.GridSearchCV`.

        Returns
        -------
        self : object
        """
        with self._generation_batches():
            return super().fit(X, y, **params)

    @contextlib.contextmanager
    def _generation_batches(self) -> Iterator[None]:
        """During ``fit``, ``n_points=None`` means one generation: ``population_size``.

        The driver reads ``n_points`` as an int; it is resolved for the
        duration of the fit only, so ``get_params`` keeps what the user set.
        """
        if self.n_points is not None:
            yield
            return
        self.n_points = _check_int("population_size", self.population_size, low=2)
        try:
            yield
        finally:
            self.n_points = None

    def _make_optimizer(self, space: Any, random_state: Any) -> Any:
        from .optimizers import EvolutionOptimizer

        return EvolutionOptimizer(
            space,
            population_size=self.population_size,
            n_initial_points=self.n_initial_points,
            survivors=self.survivors,
            tournament_size=self.tournament_size,
            crossover_rate=self.crossover_rate,
            mutation_rate=self.mutation_rate,
            switch_rate=self.switch_rate,
            random_state=random_state,
        )


def _document_n_points(doc: str) -> str:
    """The shared ``n_points`` entry, with this searcher's default (one generation)."""
    start = doc.find("    n_points : int, default=1\n")
    end = doc.find("    n_initial_points :", start)
    if start < 0 or end < 0:
        return doc
    return doc[:start] + (
        "    n_points : int or None, default=None\n"
        "        Number of candidates proposed at once and evaluated in parallel:\n"
        "        one generation. ``None`` is ``population_size``.\n\n"
    ) + doc[end:]


EvolutionSearchCV.__doc__ = _document_n_points(EvolutionSearchCV.__doc__ or "")
