"""TPESearchCV: tree-structured Parzen estimator search."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._docs import fill_doc
from ._search_base import _BaseSkhpoSearchCV

__all__ = ["TPESearchCV"]


@fill_doc
class TPESearchCV(_BaseSkhpoSearchCV):
    """Hyperparameter search with the tree-structured Parzen estimator.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    that chooses each next candidate with TPE (Bergstra et al., 2011): the
    candidates seen so far are split into a good and a bad group, a Parzen
    density is fitted to each, and the next candidate maximises the ratio of
    the good density to the bad one. Conditional spaces are modelled as a
    tree: the choice of sub-space is the root, made by a rising bandit (Li
    et al., 2020) that keeps searching the leading family and any family
    still improving fast enough to catch up, and each parameter's density
    is built only from the candidates in which it was active.

    Parameters
    ----------
    {common_params}

    n_ei_candidates : int, default=24
        Number of samples drawn from the good density per suggestion; the one
        with the highest density ratio is proposed.

    multivariate : bool, default=True
        Model the parameters of a sub-space jointly (product kernels) rather
        than independently.

    Attributes
    ----------
    {common_attributes}

    See Also
    --------
    BayesSearchCV : Gaussian-process Bayesian optimization.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    {driver_notes}

    See :class:`~skhpo.optimizers.TPEOptimizer` for the algorithm, its
    component choices (Watanabe, 2023) and references.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import TPESearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = TPESearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": (1, 8), "criterion": ["gini", "entropy"]},
    ...     n_iter=10, cv=3, random_state=0,
    ... )
    >>> search.fit(X, y)
    TPESearchCV(...)
    >>> len(search.cv_results_["params"])
    10
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
        n_points: int = 1,
        n_initial_points: int | None = None,
        max_time: float | None = None,
        callbacks: Any = None,
        journal: Any = None,
        trial_timeout: float | None = None,
        n_ei_candidates: int = 24,
        multivariate: bool = True,
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
        self.n_ei_candidates = n_ei_candidates
        self.multivariate = multivariate

    def _make_optimizer(self, space: Any, random_state: Any) -> Any:
        from .optimizers import TPEOptimizer

        return TPEOptimizer(
            space,
            n_initial_points=self.n_initial_points,
            n_ei_candidates=self.n_ei_candidates,
            multivariate=self.multivariate,
            random_state=random_state,
        )
