"""HalvingBOHBSearchCV: Hyperband brackets with a TPE model (BOHB)."""

from __future__ import annotations

import contextlib
import numbers
from typing import Any, Iterator, NamedTuple

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _num_samples

from ._docs import fill_doc
from ._fidelity import ContinuationStore, ContinuedEstimator, SubsampleCV, continuation_kind
from ._search_base import _BaseSkhpoSearchCV
from ._warn import warn_user
from .optimizers import check_random_state_generator
from .optimizers._base import _check_int

__all__ = ["HalvingBOHBSearchCV"]

#: Fewest training rows of each class in a subsampled fold (classifiers).
_MIN_SAMPLES_PER_CLASS = 2
#: With min_resources="auto", the most aggressive bracket has this many rungs
#: above its first: resources span factor**3 (e.g. 1/27 of the data to all of it).
_AUTO_RUNGS = 3


class _Fidelity(NamedTuple):
    """What a budget means for one fit: resolved, validated resources."""

    resource: str
    min_resources: int
    max_resources: int
    base_cv: Any  # the checked splitter (n_samples only)
    classifier: bool
    seed: int  # of the subsample rankings (n_samples only)
    min_per_class: int  # fewest training rows of a class in a subsampled fold (n_samples only)
    continuation: str | None  # how models are continued (parameter resource), None: retrained


@fill_doc
class HalvingBOHBSearchCV(_BaseSkhpoSearchCV):
    """Hyperband with a model-based sampler (BOHB) over a fidelity.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    for large tables and slow fits: most candidates are judged with few
    resources (a share of the training rows, or a few boosting rounds) and
    only the promising ones get the full budget. Candidates run in
    Hyperband's brackets (Li et al., 2018), each a successive-halving run
    that keeps the best ``1 / factor`` of a rung for the next; new candidates
    come from a TPE model fitted on the highest budget with enough
    observations, a fraction of them at random (BOHB: Falkner, Klein &
    Hutter, 2018).

    Parameters
    ----------
    {common_params}

    resource : str, default="n_samples"
        What a budget is. ``"n_samples"``: the number of training rows. Each
        rung trains, in every CV fold, on a subsample of that fold's
        training rows (stratified for classifiers, every class kept; groups
        kept whole when ``groups`` is passed; the most recent rows for
        :class:`~sklearn.model_selection.TimeSeriesSplit`), nested from one
        rung to the next and fixed by ``random_state``, and is validated on
        the whole validation fold, so scores of all rungs are comparable.
        Otherwise the name of an integer parameter of the estimator, such as
        ``"n_estimators"``, ``"max_iter"`` or ``"clf__n_estimators"``: each
        rung sets it; it must not be in ``search_spaces``. Models of
        xgboost, lightgbm and scikit-learn estimators with ``warm_start``
        (forests, gradient boosting, ``HistGradientBoosting*`` with
        ``max_iter``), also as a Pipeline's last step, are continued from
        one rung to the next instead of retrained; others are retrained.

    min_resources : int or "auto", default="auto"
        Resources of the smallest rung. ``"auto"``: ``max_resources //
        factor**3``, so the most aggressive bracket has four rungs, and with ``"n_samples"`` at least the fewest rows that keep
        two training rows of every class in every fold. A value too small
        for the data is an error before any fit.

    max_resources : int or "auto", default="auto"
        Resources of a full evaluation. ``"auto"``: the number of rows for
        ``"n_samples"``; the estimator's own value of the parameter
        otherwise.

    factor : int, default=3
        Hyperband's ``eta``: each rung keeps the best ``1 / factor`` of its
        candidates and gives them ``factor`` times the resources.

    random_fraction : float, default=1/3
        Share of new candidates drawn from the prior once the model is used
        (BOHB's value).

    min_model_observations : int or None, default=None
        Fewest observations at a budget before the model fits on it;
        ``None``: the number of columns of the encoded space plus one
        (BOHB's ``d + 1``).

    n_ei_candidates : int, default=24
        Samples from TPE's good density per suggestion.

    multivariate : bool, default=True
        Model a sub-space's parameters jointly.

    Attributes
    ----------
    {common_attributes}

    min_resources_ : int
        Resources of the smallest rung.

    max_resources_ : int
        Resources of a full evaluation.

    brackets_ : list of Bracket
        One Hyperband iteration: each bracket's rungs (candidates and
        resources), in the order they run.

    n_resources_ : list of int
        Resources of each rung evaluated, in order.

    n_candidates_ : list of int
        Candidates of each rung evaluated, in order.

    n_iterations_ : int
        Number of rungs evaluated.

    continuation_ : str or None
        How models were carried from one rung to the next (``"xgboost"``,
        ``"lightgbm"``, ``"warm_start"``), or None when retrained (always
        for ``"n_samples"``).

    See Also
    --------
    TPESearchCV : The same model, every candidate at the full budget.
    sklearn.model_selection.HalvingRandomSearchCV : Successive halving with
        random candidates.

    Notes
    -----
    ``n_iter`` counts full-budget evaluations: a candidate evaluated with
    ``r`` resources costs ``r / max_resources`` of one, so the search spends
    about as much as ``n_iter`` full evaluations would, over many more
    candidates. A bracket starts only the candidates the remaining budget
    can carry to its last rung, so every bracket ends at ``max_resources``.
    Each rung is one batch evaluated in parallel; ``max_time`` and
    callbacks stop the search between rungs, and callbacks see only the
    full-budget rows.

    ``cv_results_`` has a row per (candidate, rung), in the format of
    :class:`~sklearn.model_selection.HalvingRandomSearchCV`'s, with columns
    ``iter`` (the rung within its bracket), ``n_resources`` and
    ``bracket``; the parameter resource is among the parameters.
    ``best_index_`` is chosen among the rows at ``max_resources``. A
    candidate that failed or scored a non-finite value is never promoted
    and never best.

    The defaults of ``factor``, ``random_fraction`` and
    ``min_model_observations`` are those of Falkner et al. A larger
    ``factor`` or no random draws did better on synthetic multi-fidelity
    functions, whose cost is proportional to the budget, but a larger
    ``factor`` was slower on real fits, which have a fixed cost each, and
    the random draws guard against a model misled by small budgets; the
    benchmark page of the documentation has the numbers.

    {driver_notes}

    References
    ----------
    Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel
    Bandit-Based Approach to Hyperparameter Optimization", JMLR 18 (2018).
    Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter
    Optimization at Scale", ICML 2018.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import HalvingBOHBSearchCV
    >>> X, y = load_digits(return_X_y=True)
    >>> search = HalvingBOHBSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": (2, 20), "min_samples_leaf": (1, 20)},
    ...     n_iter=6, cv=3, random_state=0,
    ... )
    >>> search.fit(X, y)
    HalvingBOHBSearchCV(...)
    >>> search.max_resources_, sorted(set(search.n_resources_))
    (1797, [66, 199, 599, 1797])
    >>> int(search.cv_results_["n_resources"][search.best_index_])
    1797
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
        n_initial_points: int | None = None,
        max_time: float | None = None,
        callbacks: Any = None,
        journal: Any = None,
        trial_timeout: float | None = None,
        resource: str = "n_samples",
        min_resources: Any = "auto",
        max_resources: Any = "auto",
        factor: int = 3,
        random_fraction: float = 1 / 3,
        min_model_observations: int | None = None,
        n_ei_candidates: int = 24,
        multivariate: bool = True,
    ) -> None:
        self.estimator = estimator
        self.search_spaces = search_spaces
        self.n_iter = n_iter
        self.resource = resource
        self.min_resources = min_resources
        self.max_resources = max_resources
        self.factor = factor
        self.random_fraction = random_fraction
        self.min_model_observations = min_model_observations
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch
        self.random_state = random_state
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.n_initial_points = n_initial_points
        self.max_time = max_time
        self.callbacks = callbacks
        self.journal = journal
        self.trial_timeout = trial_timeout
        self.n_ei_candidates = n_ei_candidates
        self.multivariate = multivariate

    # --------------------------------------------------------- the proposer
    def _make_optimizer(self, space: Any, random_state: Any) -> Any:
        from .optimizers import BOHBOptimizer

        return BOHBOptimizer(
            space,
            random_fraction=self.random_fraction,
            min_model_observations=self.min_model_observations,
            n_initial_points=self.n_initial_points,
            n_ei_candidates=self.n_ei_candidates,
            multivariate=self.multivariate,
            random_state=random_state,
        )

    # ---------------------------------------------------------- the fidelity
    @contextlib.contextmanager
    def _fidelity(self, X: Any, y: Any, params: dict, space: Any) -> Iterator[None]:
        fid = self._check_fidelity(X, y, params, space)
        estimator = self.estimator
        store = None
        for name in ("min_resources_", "max_resources_", "brackets_", "n_resources_",
                     "n_candidates_", "n_iterations_", "continuation_"):
            if hasattr(self, name):
                delattr(self, name)
        self._fid, self._rungs = fid, []
        try:
            if fid.continuation is not None:
                store = ContinuationStore(max_resources=fid.max_resources)
                self.estimator = ContinuedEstimator(estimator, resource=fid.resource, store=store)
            yield
        finally:
            self.estimator = estimator
            if store is not None:
                store.close()
            rungs = self._rungs
            del self._fid, self._rungs
        if isinstance(getattr(self, "best_estimator_", None), ContinuedEstimator):
            self.best_estimator_ = self.best_estimator_.estimator_
        self.min_resources_ = fid.min_resources
        self.max_resources_ = fid.max_resources
        self.brackets_ = self._scheduler_brackets(fid)
        self.n_resources_ = [r for r, _ in rungs]
        self.n_candidates_ = [n for _, n in rungs]
        self.n_iterations_ = len(rungs)
        self.continuation_ = fid.continuation

    def _check_fidelity(self, X: Any, y: Any, params: dict, space: Any) -> _Fidelity:
        """Resolve and check the resources against the data, before any fit."""
        factor = _check_int("factor", self.factor, low=2)
        resource = self.resource
        if not isinstance(resource, str) or not resource:
            raise ValueError(
                f"resource must be 'n_samples' or the name of an integer parameter of the "
                f"estimator, got resource={resource!r}."
            )
        classifier = is_classifier(self.estimator)
        if classifier and y is not None:
            check_classification_targets(y)  # scikit-learn's message for a continuous target
        seed = int(check_random_state_generator(self.random_state).integers(2**31 - 1))
        if resource == "n_samples":
            base_cv = check_cv(self.cv, y, classifier=classifier)
            max_r = self._resolve_max(_num_samples(X), f"the number of rows, n_samples={_num_samples(X)}")
            if max_r > _num_samples(X):
                raise ValueError(
                    f"max_resources={max_r} exceeds the {_num_samples(X)} rows of the data."
                )
            groups = params.get("groups")
            # Stratify single-output class labels; multilabel targets as check_cv splits them.
            classifier = classifier and type_of_target(y) in ("binary", "multiclass")
            min_per_class, smallest = self._smallest_subsample(base_cv, max_r, classifier, seed, X, y, groups)
            min_r = self._resolve_min(max_r, factor, smallest)
            # The smallest rung on the real folds: raises naming the class and fold
            # when it cannot keep every class, and when cv's folds change per call.
            list(SubsampleCV(base_cv, min_r, stratify=classifier, min_samples_per_class=min_per_class,
                             random_state=seed).split(X, y, groups))
            return _Fidelity(resource, min_r, max_r, base_cv, classifier, seed, min_per_class, None)
        self._check_parameter_resource(resource, space)
        default = self.estimator.get_params().get(resource)
        max_r = self._resolve_max(default, f"the estimator's {resource}={default!r}")
        min_r = self._resolve_min(max_r, factor, 1)
        kind = continuation_kind(self.estimator, resource)
        return _Fidelity(resource, min_r, max_r, None, classifier, seed, 0, kind)

    @staticmethod
    def _smallest_subsample(base_cv: Any, max_r: int, classifier: bool, seed: int, X: Any, y: Any,
                            groups: Any) -> tuple[int, int]:
        """Rows of every class each subsampled fold keeps, and the fewest rows that allows.

        Two per class where every fold has them (a classifier learns little
        from one example of a class), else one.
        """
        for min_per_class in (_MIN_SAMPLES_PER_CLASS, 1):
            probe = SubsampleCV(base_cv, max_r, stratify=classifier,
                                min_samples_per_class=min_per_class, random_state=seed)
            try:
                return min_per_class, probe.min_resources(X, y, groups)
            except ValueError:
                if min_per_class == 1:
                    raise
        raise AssertionError  # pragma: no cover - the loop returns or raises

    def _resolve_max(self, auto: Any, what: str) -> int:
        if self.max_resources == "auto":
            if not isinstance(auto, numbers.Integral) or isinstance(auto, bool) or auto < 2:
                raise ValueError(
                    f"max_resources='auto' takes {what}, which is not an int >= 2; set "
                    "max_resources to the resources of a full evaluation."
                )
            return int(auto)
        return _check_int("max_resources", self.max_resources, low=2)

    def _resolve_min(self, max_r: int, factor: int, smallest: int) -> int:
        if self.min_resources == "auto":
            return min(max_r, max(smallest, max_r // factor**_AUTO_RUNGS, 1))
        min_r = _check_int("min_resources", self.min_resources)
        if min_r > max_r:
            raise ValueError(f"min_resources={min_r} must be at most max_resources={max_r}.")
        if min_r < smallest:
            raise ValueError(
                f"min_resources={min_r} is too small for the data: a subsample of fewer than "
                f"{smallest} rows loses a class in some fold; set min_resources >= {smallest} "
                "or 'auto'."
            )
        return min_r

    def _check_parameter_resource(self, resource: str, space: Any) -> None:
        for s, sub in enumerate(space.subspaces):
            if resource in sub:
                where = f" (sub-space {s})" if space.n_subspaces > 1 else ""
                raise ValueError(
                    f"resource={resource!r} is also in search_spaces{where}; the rungs set it, "
                    "so remove it from the search space."
                )
        try:
            clone(self.estimator).set_params(**{resource: 1})
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"resource={resource!r} is neither 'n_samples' nor a parameter of "
                f"{type(self.estimator).__name__}: {exc}"
            ) from None

    def _scheduler_brackets(self, fid: _Fidelity) -> list:
        from .optimizers import hyperband_brackets

        return hyperband_brackets(fid.min_resources, fid.max_resources, self.factor)

    # ------------------------------------------------------------ the policy
    def _search_policy(self, evaluate: Any, run: Any) -> None:
        """Hyperband's brackets, one rung per batch, until the budget or a stop."""
        from .optimizers import HyperbandScheduler

        fid = self._fid
        scheduler = HyperbandScheduler(
            run.optimizer,
            min_resources=fid.min_resources,
            max_resources=fid.max_resources,
            factor=self.factor,
            n_iter=self.n_iter,
        )
        while not self._out_of_time(run):
            batch = scheduler.next_batch()
            if batch is None:
                if run.optimizer.exhausted:
                    warn_user(
                        f"The search space has only {run.n_evaluated} distinct candidates; all of "
                        f"them were started before n_iter={self.n_iter} full-budget evaluations "
                        "were spent."
                    )
                return
            self._keep_models_of(batch)
            columns = {"iter": batch.rung, "n_resources": batch.n_resources, "bracket": batch.bracket}
            self._rungs.append((batch.n_resources, len(batch.candidates)))
            scheduler.tell(evaluate(batch.candidates, batch.n_resources, columns))
            if self._is_full_budget(batch.n_resources) and self._stop_requested(run):
                return

    def _keep_models_of(self, batch: Any) -> None:
        """Drop the saved fold models of every candidate not in ``batch`` (continuation)."""
        store = getattr(self.estimator, "store", None)
        if isinstance(self.estimator, ContinuedEstimator) and store is not None:
            store.keep_only([c.params for c in batch.candidates] if batch.rung else [])

    # -------------------------------------------------- the evaluation hooks
    def _params_to_evaluate(self, candidate: Any, budget: Any) -> dict:
        params = dict(candidate.params)
        if self._fid.resource != "n_samples":
            params[self._fid.resource] = int(budget)
        return dict(sorted(params.items()))

    def _evaluation_cv(self, budget: Any) -> Any:
        fid = self._fid
        if fid.resource != "n_samples":
            return None
        return SubsampleCV(fid.base_cv, int(budget), stratify=fid.classifier,
                           min_samples_per_class=fid.min_per_class, random_state=fid.seed)

    def _is_full_budget(self, budget: Any) -> bool:
        return budget is not None and int(budget) == self._fid.max_resources

    def _full_budget_rows(self, results: dict) -> np.ndarray | None:
        """The rows at ``max_resources`` (at the highest budget reached, if the search stopped before)."""
        n_resources = np.asarray(results["n_resources"])
        top = n_resources.max() if len(n_resources) else self._fid.max_resources
        return n_resources == top

    def _select_best_index(self, refit: Any, refit_metric: str, results: dict) -> np.intp:
        top = int(np.max(results["n_resources"]))
        if top < self._fid.max_resources:
            warn_user(
                f"The search stopped before any candidate reached max_resources="
                f"{self._fid.max_resources}; best_index_ is chosen among the evaluations at "
                f"n_resources={top}, the most any candidate got."
            )
        return super()._select_best_index(refit, refit_metric, results)

    def _max_batches(self) -> int | None:
        return None

    def _progress(self, run: Any) -> str:
        spent = sum(r * n for r, n in self._rungs) / self._fid.max_resources
        return f"{run.n_evaluated} candidates, {spent:.1f}/{self.n_iter} full-budget evaluations spent"
