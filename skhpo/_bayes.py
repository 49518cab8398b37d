"""BayesSearchCV: Gaussian-process Bayesian optimization over a search space."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._docs import fill_doc
from ._search_base import _BaseSkhpoSearchCV

__all__ = ["BayesSearchCV"]


@fill_doc
class BayesSearchCV(_BaseSkhpoSearchCV):
    """Bayesian optimization of hyperparameters with a Gaussian process.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    that chooses each next candidate by maximising an acquisition function
    of a Gaussian-process model of the cross-validated score, instead of
    walking a grid. Everything else (scoring, refit, ``cv_results_``,
    parallelism, nesting) is scikit-learn's own machinery.

    Parameters
    ----------
    {common_params}

    acq_func : {"auto", "ei", "lcb", "pi"}, default="auto"
        Acquisition function: expected improvement (computed as a numerically
        stable log-EI), lower confidence bound, or probability of
        improvement. See :class:`~skhpo.optimizers.GPOptimizer` for what
        ``"auto"`` resolves to.

    batch_strategy : {"constant_liar", "kriging_believer"}, default="constant_liar"
        How candidates of a batch (``n_points > 1``) are spread: each pick is
        added to the model as a fantasy observation with the worst observed
        score (constant liar) or with the model's mean (kriging believer).

    xi : float, default=0.0
        Minimum improvement for EI and PI, in the units of the score (e.g.
        ``0.001`` accuracy).

    kappa : float, default=1.96
        Exploration weight of LCB.

    Attributes
    ----------
    {common_attributes}

    See Also
    --------
    TPESearchCV : Tree-structured Parzen estimator search; cheaper per
        candidate, better with many conditional parameters.
    sklearn.model_selection.GridSearchCV : Exhaustive search over a grid.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    {driver_notes}

    The model is a Gaussian process with a Matérn 5/2 kernel with one length
    scale per dimension, fitted by maximum marginal likelihood (Snoek et al.,
    2012, "Practical Bayesian Optimization of Machine Learning Algorithms").
    With a list of sub-spaces one model covers all of them, and each new
    candidate comes from the sub-space where the acquisition is highest, so
    the budget moves to the promising model family. A candidate that would
    sit on a bound of a range is first checked against virtual observations
    that the score improves going inwards from that bound (Siivola et al.,
    2018, "Correcting Boundary Over-Exploration Deficiencies in Bayesian
    Optimization with Virtual Derivative Sign Observations"), so the search
    does not pile its candidates on the edges of the ranges unless the scores
    keep improving up to them.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhpo import BayesSearchCV
    >>> from skhpo.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(),
    ...     {"C": Real(1e-2, 1e2, prior="log-uniform"), "kernel": ["linear", "rbf"]},
    ...     n_iter=8, cv=3, random_state=0,
    ... )
    >>> search.fit(X, y)
    BayesSearchCV(...)
    >>> sorted(search.best_params_)
    ['C', 'kernel']
    >>> len(search.cv_results_["params"])
    8
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
        acq_func: str = "auto",
        batch_strategy: str = "constant_liar",
        xi: float = 0.0,
        kappa: float = 1.96,
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
        self.acq_func = acq_func
        self.batch_strategy = batch_strategy
        self.xi = xi
        self.kappa = kappa

    def _make_optimizer(self, space: Any, random_state: Any) -> Any:
        from .optimizers import GPOptimizer

        return GPOptimizer(
            space,
            acq_func=self.acq_func,
            n_initial_points=self.n_initial_points,
            batch_strategy=self.batch_strategy,
            xi=self.xi,
            kappa=self.kappa,
            random_state=random_state,
        )
