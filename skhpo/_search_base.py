"""The one search driver shared by every skhpo searcher.

:class:`_BaseSkhpoSearchCV` plugs into scikit-learn's documented extension
point, ``BaseSearchCV._run_search(evaluate_candidates)``: scikit-learn keeps
owning cross-validation, scoring, parallelism, ``cv_results_`` and refit,
and this class only decides *which* candidates to evaluate, by the loop

    ask(n_points) -> evaluate_candidates -> tell

until ``n_iter`` candidates, ``max_time`` seconds, a callback asking to stop,
or an exhausted finite space. Subclasses only say which optimizer to build.

Two deliberate deviations from plain ``BaseSearchCV`` behaviour, both to keep
one failing candidate from spoiling a sequential search:

* scikit-learn raises when *every* fit of one ``evaluate_candidates`` call
  fails. That is right for a grid evaluated in one call, but a sequential
  search evaluates one batch at a time, so a single bad candidate would end
  the search. While a skhpo search runs, that one check is relaxed to a
  warning (see :func:`_relaxed_fit_failure_check`); the search raises at the
  end only if every candidate failed, showing the first traceback.
* a candidate with a failed fold, or a non-finite mean score, is never
  chosen as ``best_index_`` and is told to the optimizer as a failure (never
  as its ``error_score``, which may look like a good score).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import numbers
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterator

import numpy as np
from scipy.stats import rankdata
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import _search as _sk_search
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV

from .callbacks import NoImprovementStopper, ScoreThresholdStopper
from .optimizers import BaseOptimizer, check_random_state_generator
from .optimizers._base import _check_int
from ._journal import Journal, candidate_key, describe_search
from ._params import _params_key, _value_key  # noqa: F401  (_value_key: re-exported)
from ._trial import _guarded_fit_and_score, _Patch, _Trial
from ._warn import warn_user
from .space import SearchSpace, space_for_estimator

__all__: list[str] = []

# --------------------------------------------------------------------------
# Relaxing "all fits failed" to a warning while a skhpo search runs.
# --------------------------------------------------------------------------
_local = threading.local()


def _search_stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _running_log(owner: Any) -> "_FailureLog | None":
    """The failure log of ``owner`` if it is a running skhpo search, else None."""
    return next((lg for obj, lg in reversed(_search_stack()) if obj is owner), None)


class _FailureLog:
    """What the relaxed check saw during one search (one per running search)."""

    def __init__(self) -> None:
        self.batch_size = 1  # candidates in the batch being evaluated (set by the driver)
        self.n_candidates = 0  # candidates evaluated so far (in cv_results_ order)
        self.failed: set[int] = set()  # indices of candidates with a failed fold
        self.n_fits = 0
        self.n_failed_fits = 0
        self.first_error: str | None = None
        self.errors: Counter = Counter()  # failed fits per distinct error (see _error_kind)
        self.examples: dict[str, str] = {}  # the first traceback of each distinct error
        self.n_shown_fits = 0  # failed fits already reported in a warning
        # Fits whose scorer raised: scikit-learn warns about each with its
        # traceback; the driver lets the first batch with one warn, silences
        # the rest and counts them.
        self.n_failed_scores = 0
        self.expected_fits: int | None = None  # fits in the batch being evaluated, when known
        self.last_out: list | None = None  # scikit-learn's results of the batch just evaluated

    def failed_below(self, n: int) -> list[int]:
        """Indices of the failed candidates among the first ``n``."""
        return [i for i in self.failed if i < n]

    def record(self, results: list) -> Counter:
        """Record one batch's fit results; return the failed fits of each new kind of error."""
        n_splits = max(1, len(results) // max(self.batch_size, 1))
        new: Counter = Counter()
        for i, r in enumerate(results):
            err = r.get("fit_error")
            scorer_failed = err is None and _has_error_score(r.get("test_scores"))
            if err is not None or scorer_failed:
                self.failed.add(self.n_candidates + i // n_splits)
            if scorer_failed:
                self.n_failed_scores += 1
            if err is None:
                continue
            self.n_failed_fits += 1
            if self.first_error is None:
                self.first_error = err
            kind = _error_kind(err)
            if kind not in self.errors or kind in new:
                self.examples.setdefault(kind, err)
                new[kind] += 1
            self.errors[kind] += 1
        self.n_fits += len(results)
        self.n_candidates += len(results) // n_splits
        self.n_shown_fits += sum(new.values())
        return new

    def summary(self, error_score: Any) -> str | None:
        """A closing summary of the failures, or None when every failure was already shown."""
        if self.n_failed_fits <= self.n_shown_fits and not self.n_failed_scores:
            return None
        lines = [f"  {n} x {_error_line(self.examples[kind])}" for kind, n in self.errors.most_common()]
        if self.n_failed_scores:
            lines.append(
                f"  {self.n_failed_scores} x the scorer raised on a fitted model (scikit-learn's "
                "'Scoring failed' warning showed the first traceback)"
            )
        lines = "\n".join(lines)
        return (
            f"{self.n_failed_fits + self.n_failed_scores} of the search's {self.n_fits} fits failed "
            f"({len(self.failed)} of {self.n_candidates} candidates have a failed fit), "
            f"scored as error_score={error_score!r}. "
            f"Failed fits per error (the first traceback of each was shown when it first "
            f"occurred):\n{lines}"
        )


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _error_kind(traceback_text: str) -> str:
    """The identity of a fit error: its traceback with numbers masked.

    ``"deliberate failure at a=0.1"`` and ``"... at a=0.2"`` are the same
    kind of error; a different exception or a different place is another.
    """
    lines = [ln for ln in traceback_text.splitlines() if ln.strip(" ^~")]  # not the column markers
    return _NUMBER.sub("#", "\n".join(lines))


def _error_line(traceback_text: str) -> str:
    """The exception line of a traceback (``"ValueError: Input X contains NaN."``)."""
    lines = traceback_text.strip().splitlines()
    body = [ln for ln in lines[1:] if ln.strip() and not ln[0].isspace()]
    return body[0].strip() if body else lines[-1].strip() if lines else traceback_text


class _ErrorScore(float):
    """A numeric ``error_score`` that can be told apart from a real score.

    During a skhpo search, scikit-learn is given the user's ``error_score``
    as an instance of this class: it compares and computes as the same
    float, but the entries scikit-learn fills with it (a failed fit, and
    also a scorer that raised, which scikit-learn does not report as a
    failure) keep the type, so the driver can treat them as failures.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple:  # survives the trip to joblib workers
        return (_ErrorScore, (float(self),))

    def __repr__(self) -> str:
        return float.__repr__(self)

    __str__ = __repr__


def _has_error_score(scores: Any) -> bool:
    if isinstance(scores, dict):
        return any(isinstance(v, _ErrorScore) for v in scores.values())
    return isinstance(scores, _ErrorScore)


#: The scikit-learn function the driver relaxes while a skhpo search runs.
_RELAXED_NAME = "_warn_or_raise_about_fit_failures"
#: The scikit-learn function that fits and scores one candidate on one split.
_FIT_AND_SCORE_NAME = "_fit_and_score"
_patches: dict = {}
_patches_lock = threading.Lock()


def _patch(name: str, replacement: Any) -> _Patch:
    """The one counted patch of ``sklearn.model_selection._search.<name>`` (see _Patch)."""
    with _patches_lock:
        patch = _patches.get(name)
        if patch is None:
            patch = _patches[name] = _Patch(_sk_search, name, replacement)
        return patch


def _relaxed_check_installed() -> Any:
    """Install the relaxed check for the duration of one search; yield whether it could be.

    scikit-learn's module is changed only while at least one skhpo search
    runs (in any thread) and restored by the last one to end. Outside those
    fits, every other search behaves exactly as scikit-learn wrote it.
    Yields False when scikit-learn has no such function (a future release):
    the driver then falls back to catching the error per batch.
    """
    return _patch(_RELAXED_NAME, _relaxed_fit_failure_check).installed()


def _patch_available(name: str) -> bool:
    patch = _patches.get(name)
    return (patch is not None and patch.n_users > 0) or hasattr(_sk_search, name)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def _guard_installed() -> Any:
    """Install the per-trial guard (journal replay, time limit, crashed workers); yield whether it could be."""
    return _patch(_FIT_AND_SCORE_NAME, _guarded_fit_and_score).installed()


class _StaleResults(BrokenProcessPool):
    """A batch's results do not match its fits (a worker process died before)."""


def _reusable_cv(cv: Any) -> Any:
    """``cv``, with a one-shot iterable of splits (an iterator) turned into a list."""
    if cv is None or isinstance(cv, numbers.Integral) or hasattr(cv, "split"):
        return cv
    try:
        one_shot = iter(cv) is cv
    except TypeError:  # not iterable: scikit-learn's check_cv reports it
        return cv
    return list(cv) if one_shot else cv


def _get_n_splits(cv: Any, estimator: Any, X: Any, y: Any, params: dict) -> int | None:
    """The number of CV splits, as ``BaseSearchCV.fit`` will find it (None if that fails here)."""
    try:
        return int(check_cv(cv, y, classifier=is_classifier(estimator)).get_n_splits(X, y, groups=params.get("groups")))
    except Exception:  # BaseSearchCV.fit raises its own error for a bad cv
        return None


def _relaxed_fit_failure_check(results: list, error_score: Any) -> None:
    """Stand-in for scikit-learn's ``_warn_or_raise_about_fit_failures``.

    Outside a skhpo search it calls the original unchanged. Inside one, it
    records which candidates failed, never raises (not even when every fit
    of the batch failed), and warns once per distinct error per search,
    with the traceback and the number of fits it failed in this batch;
    later repeats are only counted, and summarised when the search ends.
    """
    # The check is called from the ``evaluate_candidates`` closure of
    # BaseSearchCV.fit, whose frame holds the search as ``self``: relax only
    # for a running skhpo search, never for another search nested in its fits.
    try:
        owner = sys._getframe(1).f_locals.get("self")
    except (AttributeError, ValueError):  # pragma: no cover - non-CPython
        owner = None
    log = _running_log(owner)
    if log is None:
        return _patches[_RELAXED_NAME].original(results, error_score)
    if log.expected_fits is not None and len(results) != log.expected_fits:
        # After a worker process died, joblib may hand a late result of the
        # lost batch to the next call. Refuse it before scikit-learn keeps it:
        # the driver evaluates the batch again, as after the death itself.
        raise _StaleResults(
            f"got {len(results)} fit results for {log.expected_fits} fits after a worker process died"
        )
    log.last_out = results
    new = log.record(results)
    if new:
        details = "\n".join(
            f"{'-' * 80}\n{n} fits failed with the following error:\n{log.examples[kind]}"
            for kind, n in new.items()
        )
        warn_user(
            f"\n{sum(new.values())} of the {len(results)} fits of this batch failed with an "
            f"error not seen before in this search; they are scored as error_score={error_score!r} "
            "and the search goes on. Each distinct error is shown once; its repeats are "
            "counted and summarised when the search ends. Set error_score='raise' to "
            f"debug.\n{details}",
            FitFailedWarning,
        )
    return None



#: Evaluations of one batch lost to dead worker processes before the error is raised.
_MAX_ATTEMPTS = 4

_NON_FINITE = "One or more of the (test|train) scores are non-finite"


class _Run:
    """The state of one running search (it lives only during ``_run_search``)."""

    def __init__(self, optimizer: BaseOptimizer) -> None:
        self.optimizer = optimizer
        self.log = _FailureLog()
        self.start = time.perf_counter()
        self.results: dict = {}  # evaluate_candidates' latest return: all results so far
        self.scores: dict = {}  # (parameters, budget) already evaluated -> their score
        self.n_rows = 0  # rows of cv_results_ so far
        self.configurations: set = set()  # parameters evaluated, at any budget
        self.n_batches = 0
        self.best_score = -np.inf  # best finite score at the full budget
        self.best_index: int | None = None  # its row of cv_results_
        self.relaxed = True  # whether scikit-learn's all-fits-failed check is relaxed
        self.guarded = False  # whether the per-trial guard (skhpo._trial) is installed
        self.journal: Journal | None = None
        self.timeout: float | None = None  # trial_timeout
        self.markers: str | None = None  # directory of the time-limit markers of worker processes
        self.failures: dict = {}  # evaluation key -> why it fails without a fit (its worker died)
        self.worker_died = False  # whether a worker process died during this search
        self.evaluate_candidates: Any = None  # scikit-learn's, for this search
        self.search_ctx: Any = None  # the search's callback context (scikit-learn >= 1.9)

    @property
    def n_evaluated(self) -> int:
        """Configurations evaluated (at any budget): what ``n_iter`` counts without budgets."""
        return len(self.configurations)

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def record(self, keys: list, scores: np.ndarray, *, full_budget: bool) -> None:
        """Remember the scores of newly evaluated rows (NaN for failures).

        They are the last rows of ``cv_results_``, but for a batch lost to
        scikit-learn's own all-fits-failed error, whose scores are all NaN.
        """
        self.n_rows = len(self.results.get("params", ()))
        first = self.n_rows - len(keys)
        for i, (key, v) in enumerate(zip(keys, scores)):
            self.scores[key] = float(v)
            if full_budget and np.isfinite(v) and v > self.best_score:
                self.best_score, self.best_index = float(v), first + i


def _evaluation_keys(candidates: list, budget: Any) -> list:
    """The identity of each evaluation: its parameters (estimators by value) and budget."""
    return [(_params_key(c.params), budget) for c in candidates]


class _BaseSkhpoSearchCV(BaseSearchCV):
    """Shared driver of the skhpo searchers (private).

    Parameters are those of :class:`~sklearn.model_selection.GridSearchCV`
    plus ``search_spaces``, ``n_iter``, ``random_state``, ``n_points``,
    ``n_initial_points``, ``max_time``, ``callbacks``, ``journal`` and
    ``trial_timeout``; see the public
    subclasses for their documentation.
    """

    # Subclass-specific parameters are validated by ``_check_optimizer_params``.
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
    ) -> None:
        # Parameters are stored directly rather than forwarded to
        # BaseSearchCV.__init__, so that a change of its signature in a future
        # scikit-learn release cannot break us.
        self.estimator = estimator
        self.search_spaces = search_spaces
        self.n_iter = n_iter
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch
        self.random_state = random_state
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.n_points = n_points
        self.n_initial_points = n_initial_points
        self.max_time = max_time
        self.callbacks = callbacks
        self.journal = journal
        self.trial_timeout = trial_timeout

    # ------------------------------------------------------------ subclass API
    def _make_optimizer(self, space: SearchSpace, random_state: Any) -> BaseOptimizer:
        """Build the optimizer for one search (subclasses override)."""
        raise NotImplementedError

    def _check_optimizer_params(self) -> None:
        """Validate the subclass-specific parameters (subclasses override)."""

    @contextlib.contextmanager
    def _fidelity(self, X: Any, y: Any, params: dict, space: SearchSpace) -> Iterator[None]:
        """The context ``BaseSearchCV.fit`` runs in (subclasses with budgets override).

        A multi-fidelity searcher checks its resources against the data here,
        before any fit, and sets up (then always cleans up) what its budgets
        need; after a successful fit it may finish the fitted attributes.
        """
        yield

    # -------------------------------------------------------------- validation
    def _check_search_params(self) -> list:
        if isinstance(self.estimator, type):
            name = self.estimator.__name__
            raise TypeError(
                f"Expected an estimator instance ({name}()), got estimator class instead "
                f"(estimator={name})."
            )
        if not hasattr(self.estimator, "fit") or not hasattr(self.estimator, "get_params"):
            raise TypeError(
                "estimator must be a scikit-learn estimator with fit and get_params, got "
                f"{self.estimator!r}."
            )
        _check_int("n_iter", self.n_iter)
        params = self.get_params(deep=False)
        if "n_points" in params:  # searchers whose batches are rungs have none
            _check_int("n_points", self.n_points)
        if params.get("n_initial_points") is not None:
            _check_int("n_initial_points", self.n_initial_points, low=0)
        if not isinstance(self.verbose, numbers.Integral) or self.verbose < 0:
            raise ValueError(f"verbose must be an int >= 0, got verbose={self.verbose!r}.")
        if self.max_time is not None and (
            not isinstance(self.max_time, numbers.Real)
            or isinstance(self.max_time, bool)
            or not self.max_time > 0
        ):
            raise ValueError(
                f"max_time must be None or a number of seconds > 0, got max_time={self.max_time!r}."
            )
        callbacks = self.callbacks
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        elif isinstance(callbacks, (list, tuple)):
            callbacks = list(callbacks)
        else:
            raise TypeError(
                "callbacks must be None, a callable or a list of callables, got "
                f"callbacks={self.callbacks!r}."
            )
        for i, cb in enumerate(callbacks):
            if not callable(cb):
                raise TypeError(f"callbacks[{i}] must be callable, got {cb!r}.")
        self._check_callback_metrics(callbacks)
        check_random_state_generator(self.random_state)  # raises on bad input
        self._check_reliability_params()
        self._check_optimizer_params()
        return callbacks

    def _check_reliability_params(self) -> None:
        """``journal`` and ``trial_timeout``, and what they need from scikit-learn."""
        if self.trial_timeout is not None and (
            not isinstance(self.trial_timeout, numbers.Real)
            or isinstance(self.trial_timeout, bool)
            or not 0 < self.trial_timeout < float("inf")
        ):
            raise ValueError(
                "trial_timeout must be None or a number of seconds > 0, got "
                f"trial_timeout={self.trial_timeout!r}."
            )
        if self.journal is not None:
            if not isinstance(self.journal, (str, os.PathLike)) or not os.fspath(self.journal):
                raise TypeError(
                    f"journal must be None or a file path (str or os.PathLike), got journal={self.journal!r}."
                )
            if not isinstance(self.random_state, numbers.Integral) or isinstance(self.random_state, bool):
                raise ValueError(
                    "journal needs random_state set to an int, so that a resumed search proposes "
                    f"the same candidates as the one that wrote the journal; got random_state={self.random_state!r}."
                )
        if self.journal is not None or self.trial_timeout is not None:
            missing = [n for n in (_FIT_AND_SCORE_NAME, _RELAXED_NAME) if not _patch_available(n)]
            if missing:
                raise RuntimeError(
                    "journal and trial_timeout need scikit-learn's sklearn.model_selection._search."
                    f"{missing[0]}, which this scikit-learn ({_sklearn_version()}) does not have. "
                    "Set journal=None and trial_timeout=None, or use a scikit-learn version skhpo supports."
                )

    def _check_callback_metrics(self, callbacks: list) -> None:
        """A stopper's ``metric`` must name a scored metric (known before fit
        unless ``scoring`` is a callable, which may return a dict)."""
        scoring = self.scoring
        if callable(scoring):
            return
        if isinstance(scoring, (list, tuple, set, dict)):
            names = sorted(scoring)
        else:
            names = ["score"]
        for i, cb in enumerate(callbacks):
            if isinstance(cb, (NoImprovementStopper, ScoreThresholdStopper)) and cb.metric not in names:
                raise ValueError(
                    f"callbacks[{i}] watches metric={cb.metric!r}, which is not among the "
                    f"scored metrics {names} (from scoring={scoring!r}); pass one of them."
                )

    # ---------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any = None, **params: Any) -> "_BaseSkhpoSearchCV":
        """Run the search with all sets of parameters it chooses, then refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training vectors (or a precomputed kernel / distance matrix).
        y : array-like of shape (n_samples, n_output) or (n_samples,), default=None
            Target relative to X for classification or regression; None for
            unsupervised learning.
        **params : dict of str -> object
            Parameters passed to the ``fit`` method of the estimator, the
            scorer and the CV splitter (e.g. ``groups``), exactly as for
            :class:`~sklearn.model_selection.GridSearchCV`.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """
        self._callbacks = self._check_search_params()
        space = space_for_estimator(self.search_spaces, self.estimator)
        # Building an optimizer validates its parameters before any fit.
        self._make_optimizer(space, 0)
        # Public only once the search succeeded, so that a fit that raised
        # does not leave the searcher looking fitted (``check_is_fitted``).
        self._search_space = space
        if hasattr(self, "search_space_"):
            del self.search_space_
        error_score, verbose, cv = self.error_score, self.verbose, self.cv
        # A one-shot iterable of splits (a generator) is listed once, so that
        # the driver can read it as well as scikit-learn (restored below).
        self.cv = _reusable_cv(cv)
        if isinstance(error_score, numbers.Real) and not isinstance(error_score, bool):
            # Marks the scores scikit-learn fills with it (see _ErrorScore);
            # restored below, it equals the user's value meanwhile.
            self.error_score = _ErrorScore(error_score)
        # The driver prints one line per batch from verbose=1; scikit-learn's
        # own per-fit lines only from verbose=3 (restored below).
        self._verbosity = int(verbose)
        self.verbose = int(verbose) if verbose >= 3 else 0
        self._journal_header = self._n_splits = None
        try:
            # The journal is opened (and an existing one checked) when the search
            # starts, before any fit; its file never travels with the searcher.
            if self.journal is not None:
                self._journal_header = self._describe_search(X, y, params, space)
            self._n_splits = _get_n_splits(self.cv, self.estimator, X, y, params)
            with self._fidelity(X, y, params, space):
                super().fit(X, y, **params)
        finally:
            self.error_score, self.verbose, self.cv = error_score, verbose, cv
            del self._callbacks, self._search_space, self._verbosity, self._journal_header, self._n_splits
        #: The parsed search space.
        self.search_space_ = space
        return self

    def _describe_search(self, X: Any, y: Any, params: dict, space: SearchSpace) -> dict:
        """What a journal must share with this search (see skhpo._journal.describe_search)."""
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, groups=params.get("groups")))
        run_control = {
            "estimator", "search_spaces", "scoring", "cv", "n_iter", "n_jobs", "verbose",
            "pre_dispatch", "max_time", "callbacks", "journal", "trial_timeout", "refit", "error_score",
        }
        settings = {
            k: v if isinstance(v, (bool, int, float, str, type(None))) else repr(v)
            for k, v in self.get_params(deep=False).items()
            if k not in run_control
        }
        return describe_search(
            searcher=type(self).__name__, estimator=self.estimator, space=space, scoring=self.scoring,
            splits=splits, X=X, y=y, fit_params=params, settings=settings,
        )

    def _format_results(self, candidate_params: list, n_splits: int, out: list, more_results: Any = None) -> dict:
        # Candidates handed over as _Trial (see skhpo._trial) become the plain
        # dicts cv_results_["params"] holds (the list is scikit-learn's own,
        # kept from batch to batch, so this happens once per candidate).
        for i, p in enumerate(candidate_params):
            if isinstance(p, _Trial):
                candidate_params[i] = dict(p)
        # A callable scorer may return a dict of metrics, and scikit-learn
        # then replaces the scalar error_score of failed fits by a dict only
        # when the same batch had a successful fit. A sequential search can
        # have a batch whose every fit failed (the relaxed check lets it
        # through), so make every failed entry a dict like the others.
        if callable(self.scoring):
            for kind in ("test_scores", "train_scores"):
                keys = next((r[kind] for r in out if isinstance(r.get(kind), dict)), None)
                if keys is None:
                    continue
                for r in out:
                    if kind in r and not isinstance(r[kind], dict):
                        r[kind] = {name: r[kind] for name in keys}
        results = super()._format_results(candidate_params, n_splits, out, more_results)
        # Rank a candidate with a failed fold after every candidate without
        # one, as scikit-learn ranks NaN means, whatever error_score is: so
        # rank 1 is the candidate best_index_ can choose, never a failure
        # whose numeric error_score looks good.
        log = _running_log(self)
        failed = log.failed_below(len(candidate_params)) if log is not None else []
        if failed:
            for key in [k for k in results if k.startswith("rank_test_")]:
                means = np.array(results["mean_test_" + key[len("rank_test_") :]], dtype=float)
                means[failed] = np.nan
                ok = ~np.isnan(means)
                if ok.any():  # else every candidate failed: keep scikit-learn's ranks
                    means[~ok] = np.min(means[ok]) - 1.0
                    results[key] = rankdata(-means, method="min").astype(np.int32)
        return results

    def _objective_metric(self, results: dict) -> str:
        """The metric the optimizer maximises (the refit metric when there is one)."""
        if isinstance(self.refit, str) and f"mean_test_{self.refit}" in results:
            return self.refit
        if "mean_test_score" in results:
            return "score"
        metrics = [k[len("mean_test_") :] for k in results if k.startswith("mean_test_")]
        if isinstance(self.scoring, (list, tuple, dict)):
            for name in self.scoring:
                if name in metrics:
                    return name
        return metrics[0]

    def _run_search(self, evaluate_candidates: Any, *, callback_ctx: Any = None) -> None:
        """Set up a search, run its policy, then check and keep what it found."""
        seed = int(check_random_state_generator(self.random_state).integers(2**32 - 1))
        run = _Run(self._make_optimizer(self._search_space, seed))
        run.timeout = self.trial_timeout
        search_ctx = self._open_search_context(callback_ctx)
        stack = _search_stack()
        stack.append((self, run.log))
        try:
            if self._journal_header is not None:
                run.journal = Journal(self.journal, self._journal_header)
            if run.timeout is not None:
                run.markers = tempfile.mkdtemp(prefix="skhpo-trials-")
            run.evaluate_candidates, run.search_ctx = evaluate_candidates, search_ctx
            with _relaxed_check_installed() as run.relaxed, _guard_installed() as run.guarded:
                if (run.journal is not None or run.timeout is not None) and not (run.guarded and run.relaxed):
                    # Checked before fit, but another library may have replaced them since.
                    raise RuntimeError(
                        "journal and trial_timeout need to stand in for scikit-learn's "
                        "_fit_and_score and _warn_or_raise_about_fit_failures during the search, "
                        "and something else has replaced them in sklearn.model_selection._search."
                    )
                evaluate = functools.partial(self._evaluate_batch, run)
                self._search_policy(evaluate, run)
        finally:
            stack.pop()
            if run.journal is not None:
                run.journal.close()
            if run.markers is not None:
                shutil.rmtree(run.markers, ignore_errors=True)
            if search_ctx is not None:
                search_ctx.call_on_fit_task_end(estimator=self)
        self._finish_search(run)

    def _search_policy(self, evaluate: Any, run: "_Run") -> None:
        """Which candidates to evaluate, until a stop: ask, evaluate, tell.

        The one part a searcher with another policy overrides (a
        multi-fidelity schedule). ``evaluate(candidates, budget=None)``
        cross-validates a batch and returns its scores (NaN for failures).
        """
        n_repeat_batches = 0
        while run.n_evaluated < self.n_iter and not self._out_of_time(run):
            asked = run.optimizer.ask(min(self.n_points, self.n_iter - run.n_evaluated))
            if not asked:  # a finite space is exhausted
                warn_user(
                    f"The search space has only {run.n_evaluated} distinct candidates, "
                    f"fewer than n_iter={self.n_iter}; all of them were evaluated."
                )
                return
            n_before = run.n_evaluated
            run.optimizer.tell(asked, evaluate(asked))
            if run.n_evaluated == n_before:  # every proposal repeated an evaluated one
                n_repeat_batches += 1
                if n_repeat_batches >= 100:  # the distinct points are (nearly) exhausted
                    return
                continue
            n_repeat_batches = 0
            if self._stop_requested(run):
                return

    def _open_search_context(self, callback_ctx: Any) -> Any:
        """The ``search`` callback context (scikit-learn >= 1.9), one subtask per batch."""
        if callback_ctx is None:
            return None
        return callback_ctx.subcontext(
            task_name="search",
            max_subtasks=self._max_batches(),
            sequential_subtasks=True,
        ).call_on_fit_task_begin(estimator=self)

    def _max_batches(self) -> int | None:
        """The most batches the search evaluates (None: not known in advance)."""
        return -(-self.n_iter // self.n_points)

    def _out_of_time(self, run: "_Run") -> bool:
        """``max_time`` has passed; at least one batch is always evaluated."""
        return self.max_time is not None and run.n_batches > 0 and run.elapsed() >= self.max_time

    def _evaluate_batch(
        self,
        run: "_Run",
        candidates: list,
        budget: Any = None,
        columns: dict | None = None,
    ) -> np.ndarray:
        """Cross-validate a batch at ``budget``; the score of each candidate, in order.

        The one evaluation step of every searcher. A configuration already
        evaluated at this budget (two overlapping sub-spaces proposing the
        same parameters) is not evaluated again: it gets its earlier score.
        Failures score NaN. ``columns`` are extra ``cv_results_`` columns
        with one value for the whole batch (e.g. a rung's ``iter``).
        """
        keys = _evaluation_keys(candidates, budget)
        new, new_keys = [], set()
        for c, key in zip(candidates, keys):
            if key not in run.scores and key not in new_keys:
                new_keys.add(key)
                new.append((c, key))
        if new:
            scores = self._cross_validate(run, [c for c, _ in new], budget, columns)
            run.record([k for _, k in new], scores, full_budget=self._is_full_budget(budget))
            self._report_progress(run, [c.params for c, _ in new], scores, budget)
        return np.array([run.scores[k] for k in keys], dtype=float)

    def _cross_validate(
        self,
        run: "_Run",
        candidates: list,
        budget: Any,
        columns: dict | None,
        attempt: int = 1,
        report: bool = True,
    ) -> np.ndarray:
        """``evaluate_candidates`` on new candidates; their objective scores (NaN for failures).

        A worker process that dies (a segfault, ``os._exit``, the kernel's
        out-of-memory killer) costs only the candidates that kill it: see
        :meth:`_after_worker_died`.
        """
        try:
            return self._evaluate_once(run, candidates, budget, columns, report=report)
        except BrokenProcessPool as exc:
            if not run.guarded or attempt > _MAX_ATTEMPTS:
                raise
            return self._after_worker_died(run, candidates, budget, columns, exc, attempt)

    def _after_worker_died(
        self,
        run: "_Run",
        candidates: list,
        budget: Any,
        columns: dict | None,
        exc: BaseException,
        attempt: int,
    ) -> np.ndarray:
        """Evaluate a batch again after one of its fits took its worker process down.

        joblib loses the whole batch when a worker dies. A candidate stopped
        for running past ``trial_timeout`` is known (its marker file): it
        fails without being fitted again. The others are evaluated again one
        at a time, and a candidate is recorded as failed only when it takes
        its worker down twice on its own (joblib's pool may report one death
        to the next call too, so once is not proof).
        """
        run.worker_died = True
        reason = re.search(r"exit codes of the workers are \{([^}]*)\}", str(exc))
        died = (
            "the worker process fitting this candidate died"
            f"{f' (exit code {reason.group(1)})' if reason else ''}, so it is recorded as failed "
            "without being fitted again"
        )
        keys = [self._journal_key(c, budget) for c in candidates]
        for key in keys:
            marker = self._marker(run, key)
            if marker is not None and os.path.exists(marker):
                with open(marker) as f:
                    run.failures[key] = f.read() + "; its worker process was stopped"
            elif len(candidates) == 1 and attempt >= 2:
                run.failures[key] = died
        # The batch's callback context (scikit-learn >= 1.9) has had its
        # subtask; the evaluations made again are not reported to it.
        if len(candidates) == 1 or all(key in run.failures for key in keys):
            return self._cross_validate(run, candidates, budget, columns, attempt + 1, report=False)
        return np.concatenate([self._cross_validate(run, [c], budget, columns, report=False) for c in candidates])

    def _journal_key(self, candidate: Any, budget: Any) -> str:
        """The identity of an evaluation in the journal (and of its failure, if its worker died)."""
        return candidate_key(self._search_space.to_json(candidate), budget)

    @staticmethod
    def _marker(run: "_Run", key: str) -> str | None:
        """The file a worker process writes when it is stopped for running past ``trial_timeout``."""
        if run.markers is None:
            return None
        return os.path.join(run.markers, hashlib.sha1(key.encode()).hexdigest()[:20])

    def _trials(self, run: "_Run", candidates: list, budget: Any) -> tuple[list, list, list]:
        """The parameters ``evaluate_candidates`` gets for each candidate, their journal keys,
        and which of them are replayed from the journal.

        A plain dict when nothing special applies, else a :class:`~skhpo._trial._Trial`.
        """
        params, keys, replayed = [], [], []
        needs_key = run.journal is not None or run.timeout is not None or bool(run.failures)
        for c in candidates:
            p = self._params_to_evaluate(c, budget)
            key = self._journal_key(c, budget) if needs_key else None
            # The journal's header fixes the CV splits, so a replay has one result per split.
            replay = run.journal.lookup(key) if run.journal is not None else None
            failure = run.failures.get(key) if replay is None else None
            if replay is not None or failure is not None or run.timeout is not None:
                p = _Trial(p, replay=replay, failure=failure, timeout=run.timeout, marker=self._marker(run, key))
            params.append(p)
            keys.append(key)
            replayed.append(replay is not None)
        return params, keys, replayed

    def _evaluate_once(
        self,
        run: "_Run",
        candidates: list,
        budget: Any,
        columns: dict | None,
        *,
        report: bool = True,
    ) -> np.ndarray:
        """One ``evaluate_candidates`` call, journaled; the objective scores (NaN for failures).

        ``report``: whether the batch is a subtask of the search's callback
        context (not when it is evaluated again after a worker died).
        """
        params, keys, replayed = self._trials(run, candidates, budget)
        kwargs: dict = {}
        cv = self._evaluation_cv(budget)
        if cv is not None:
            kwargs["cv"] = cv
        if columns:
            kwargs["more_results"] = {key: [value] * len(params) for key, value in columns.items()}
        batch_ctx = None
        if run.search_ctx is not None and report:
            batch_ctx = run.search_ctx.subcontext(
                task_name="batch",
                max_subtasks=len(params) * self.n_splits_,
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self)
            kwargs["callback_ctx"] = batch_ctx
        first = len(run.results.get("params", ()))
        run.log.batch_size = len(params)
        run.log.last_out = None
        # Only checked after a worker died: a custom cv whose number of splits
        # changes between calls stays scikit-learn's to judge.
        run.log.expected_fits = len(params) * self._n_splits if run.worker_died and self._n_splits else None
        run.n_batches += 1
        run.configurations.update(_params_key(c.params) for c in candidates)
        try:
            with warnings.catch_warnings():
                # sklearn re-warns about every earlier non-finite score after
                # each batch; warn once at the end instead.
                warnings.filterwarnings("ignore", message=_NON_FINITE, category=UserWarning)
                if run.log.n_failed_scores:  # shown once already; counted in the summary
                    warnings.filterwarnings("ignore", message="Scoring failed", category=UserWarning)
                run.results = run.evaluate_candidates(params, **kwargs)
        except ValueError as exc:
            if run.worker_died and "inconsistent results" in str(exc):
                # scikit-learn < 1.9 refuses the late result of a lost batch itself.
                raise _StaleResults(str(exc)) from exc
            # Only reachable when the relaxed check could not be installed (a
            # future scikit-learn): the batch is lost from cv_results_, but
            # the search goes on and the optimizer is told it failed.
            if run.relaxed or "fits failed" not in str(exc) or self.error_score == "raise":
                raise
            warn_user(str(exc), FitFailedWarning)
            return np.full(len(params), np.nan)
        finally:
            if batch_ctx is not None:
                batch_ctx.call_on_fit_task_end(estimator=self)
        if run.journal is not None:
            self._journal_batch(run, candidates, keys, replayed, budget)
        metric = self._objective_metric(run.results)
        scores = np.array(run.results[f"mean_test_{metric}"][first:], dtype=float)
        scores[[i for i in range(len(scores)) if first + i in run.log.failed]] = np.nan
        return scores

    def _journal_batch(self, run: "_Run", candidates: list, keys: list, replayed: list, budget: Any) -> None:
        """Append the newly evaluated candidates of a batch to the journal, durably."""
        out = run.log.last_out
        n = len(out) // len(candidates)
        run.journal.append(
            budget,
            [
                (key, self._search_space.to_json(c), out[i * n : (i + 1) * n])
                for i, (c, key, again) in enumerate(zip(candidates, keys, replayed))
                if not again
            ],
        )

    # -- hooks of the evaluation step, for searchers with budgets (multi-fidelity)
    def _params_to_evaluate(self, candidate: Any, budget: Any) -> dict:
        """The parameters ``evaluate_candidates`` is given for a candidate.

        Keys sorted, as ParameterGrid and ParameterSampler give them, so the
        ``param_*`` columns of ``cv_results_`` come in the same order.
        """
        return dict(sorted(candidate.params.items()))

    def _evaluation_cv(self, budget: Any) -> Any:
        """The ``cv`` of ``evaluate_candidates`` at ``budget``; None: the search's own."""
        return None

    def _is_full_budget(self, budget: Any) -> bool:
        """Whether scores at ``budget`` are final: eligible as best, seen by callbacks."""
        return budget is None

    def _progress(self, run: "_Run") -> str:
        """How far the search is, for the progress lines."""
        return f"{run.n_evaluated}/{self.n_iter} candidates"

    def _full_budget_rows(self, results: dict) -> np.ndarray | None:
        """Mask of the ``cv_results_`` rows at the full budget; None when every row is."""
        return None

    def _stop_requested(self, run: "_Run") -> bool:
        """Whether a callback asks to end the search, judging the full-budget rows."""
        if not self._callbacks:
            return False
        failed = run.log.failed_below(len(run.results["params"]))
        view = self._callback_view(run.results, failed, self._full_budget_rows(run.results))
        return any(bool(cb(view)) for cb in self._callbacks)

    def _report_progress(self, run: "_Run", params: list, scores: np.ndarray, budget: Any) -> None:
        """Print one line per batch (``verbose >= 1``) and its candidates (``>= 2``)."""
        if self._verbosity < 1:
            return
        ok = np.isfinite(scores)
        batch_best = f"{np.max(scores[ok]):.4g}" if ok.any() else "failed"
        best = "none yet"
        if run.best_index is not None:
            best = f"{run.best_score:.4g} (candidate {run.best_index + 1})"
        at = "" if budget is None else f" at n_resources={budget}"
        print(
            f"[{type(self).__name__}] {self._progress(run)}, "
            f"batch{at} best {batch_best}, best so far {best}, {run.elapsed():.1f} s",
            flush=True,
        )
        if self._verbosity >= 2:
            first = run.n_rows - len(params)
            for i, (p, v) in enumerate(zip(params, scores)):
                shown = f"{v:.4g}" if np.isfinite(v) else "failed"
                print(f"    candidate {first + i + 1}: {shown}  {dict(sorted(p.items()))}", flush=True)

    def _finish_search(self, run: "_Run") -> None:
        """After the loop: raise if every fit failed, summarise failures, keep the optimizer."""
        log = run.log
        if log.n_fits and log.n_failed_fits == log.n_fits:
            raise ValueError(
                f"All {log.n_candidates} candidates failed: every one of the {log.n_fits} fits "
                "raised an error. The estimator or the search space is very likely "
                "misconfigured; set error_score='raise' to debug. The first error was:\n"
                f"{log.first_error}"
            )
        summary = log.summary(self.error_score)
        if summary is not None:
            warn_user(summary, FitFailedWarning)
        self._warn_non_finite(run.results)
        self._failure_log = log
        #: The optimizer after the search, with its observations (X_, y_).
        self.optimizer_ = run.optimizer

    @staticmethod
    def _callback_view(results: dict, failed: list, rows: np.ndarray | None = None) -> dict:
        """The results as callbacks see them.

        The ``failed`` candidates' test scores are NaN: a numeric
        ``error_score`` must not look like a score to a stopper (e.g. 0 for
        a negative loss would meet any threshold). With a ``rows`` mask, only
        those rows (the full-budget evaluations of a multi-fidelity search).
        """
        if not failed and rows is None:
            return results
        view = dict(results)
        for key, values in results.items():
            if key.startswith(("mean_test_", "std_test_")) or (
                key.startswith("split") and "_test_" in key
            ):
                arr = np.array(values, dtype=float)
                arr[failed] = np.nan
                view[key] = arr
        if rows is not None:
            index = np.flatnonzero(rows)
            view = {
                key: [values[i] for i in index] if isinstance(values, list) else values[index]
                for key, values in view.items()
            }
        return view

    @staticmethod
    def _warn_non_finite(results: dict) -> None:
        for kind in ("test", "train"):
            for key, values in results.items():
                if key.startswith(f"mean_{kind}_"):
                    bad = int(np.sum(~np.isfinite(np.asarray(values, dtype=float))))
                    if bad:
                        warn_user(
                            f"{bad} of {len(values)} candidates have a non-finite {key}; "
                            "they rank last (best only when no candidate has a finite one). See cv_results_ and the fit "
                            "failure warnings."
                        )

    def _select_best_index(self, refit: Any, refit_metric: str, results: dict) -> np.intp:
        """Best candidate by rank, never a failed one or one with a non-finite score."""
        if callable(refit):
            return BaseSearchCV._select_best_index(refit, refit_metric, results)
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        ranks = np.asarray(results[f"rank_test_{refit_metric}"], dtype=float)
        eligible = self._full_budget_rows(results)
        if eligible is None:
            eligible = np.ones(len(scores), dtype=bool)
        ran = eligible.copy()  # eligible candidates without a failed fit
        log = getattr(self, "_failure_log", None)
        if log is not None:
            ran[log.failed_below(len(ran))] = False
        ok = np.isfinite(scores) & ran
        if not ok.any() and (np.isfinite(scores) & eligible).any():
            # Every candidate has a failed fold, but a numeric error_score
            # gave them finite means: choose as GridSearchCV would, by mean
            # score, and say so (refit then shows the error, if it recurs).
            warn_user(
                f"Every candidate has at least one failed fit, so best_index_ is the "
                f"best mean_test_{refit_metric} counting error_score={self.error_score!r} "
                "for the failed folds, as GridSearchCV would choose. Check the fit "
                "failure warnings."
            )
            return np.argmax(np.where(np.isfinite(scores) & eligible, scores, -np.inf))
        if not ok.any() and ran.any():
            # Every mean is non-finite though fits succeeded (e.g. r2 on
            # single-sample test folds): GridSearchCV returns, choosing by
            # rank, and so do we, among the candidates that did not fail.
            warn_user(
                f"Every candidate has a non-finite mean_test_{refit_metric} (is the metric "
                "defined on these test folds?); best_index_ is chosen by rank among the "
                "candidates without failed fits, as GridSearchCV chooses, and means nothing."
            )
            return np.argmin(np.where(ran, ranks, np.inf))
        if not ok.any():
            first = f" The first fit error was:\n{log.first_error}" if log and log.first_error else ""
            raise ValueError(
                f"No candidate has a finite mean_test_{refit_metric} without failed fits, "
                "so no best candidate can be chosen. Check the warnings above; set "
                f"error_score='raise' to see the errors.{first}"
            )
        # A NumPy integer, as GridSearchCV's best_index_ is.
        return np.argmin(np.where(ok, ranks, np.inf))
