"""Docstring sections shared by the public searchers.

Each searcher's docstring holds ``{common_params}``, ``{common_attributes}``
and ``{driver_notes}`` placeholders, filled by :func:`fill_doc`, so the
parameters they share are documented once and identically.
"""

from __future__ import annotations

import re
from typing import TypeVar

T = TypeVar("T")

COMMON_PARAMS = """\
estimator : estimator object
        An object of that type is instantiated for each candidate. It is
        assumed to implement the scikit-learn estimator interface: ``fit``
        and ``score``, or a ``scoring`` must be given. Pipelines are fine;
        their parameters are named ``step__param``.

    search_spaces : dict or list of dict
        ``{parameter: dimension}``. A dimension is a
        :class:`~skhpo.space.Real`, :class:`~skhpo.space.Integer`,
        :class:`~skhpo.space.Categorical` or :class:`~skhpo.space.Ordinal`
        (scikit-optimize's ``Real``, ``Integer`` and ``Categorical`` are
        converted), or a shorthand: a list of choices (an ordered
        :class:`~skhpo.space.Ordinal` when it is a sorted list of at least
        three numbers of one type), a ``(low, high)`` or
        ``(low, high, "log-uniform")`` tuple (floats when the estimator's
        default for the parameter is a float, integers when it is an int;
        otherwise integers when both bounds are ints), or a frozen
        ``scipy.stats`` distribution as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`. A list of dicts
        gives alternative sub-spaces (e.g. one per model family, choosing a
        pipeline step and its parameters jointly); the budget is shared
        between them, and an empty dict ``{}`` is one candidate, the
        estimator's defaults. Every name must be accepted by the estimator's
        ``set_params`` (parameters taken through ``**kwargs``, as LightGBM's
        and XGBoost's, included); this is checked before any fit (see
        :func:`~skhpo.space.space_for_estimator`).

    n_iter : int, default=50
        Total number of candidates evaluated (across all sub-spaces). Fewer
        are evaluated when a finite space runs out, ``max_time`` passes or a
        callback stops the search.

    scoring : str, callable, list, tuple or dict, default=None
        As in :class:`~sklearn.model_selection.GridSearchCV`. With several
        metrics, the optimizer maximises the ``refit`` metric when ``refit``
        is a metric name, the first metric otherwise.

    n_jobs : int, default=None
        Number of jobs to run in parallel (over candidates of a batch and CV
        folds). ``None`` means 1 unless in a :obj:`joblib.parallel_backend`
        context; ``-1`` means all processors. The candidates do not depend on
        ``n_jobs``.

    refit : bool, str, or callable, default=True
        Refit an estimator using the best found parameters on the whole
        dataset, exactly as in :class:`~sklearn.model_selection.GridSearchCV`.

    cv : int, cross-validation generator or an iterable, default=None
        Determines the cross-validation splitting strategy, as in
        :class:`~sklearn.model_selection.GridSearchCV` (5-fold, stratified for
        classifiers, by default). Group and time-series splitters work; pass
        ``groups`` to ``fit``. The folds must be the same on every call to
        ``split``: use an int ``random_state`` in shuffling splitters.

    verbose : int, default=0
        Progress printed to standard output (with ``print``, as scikit-learn's
        ``verbose`` does): at 1, one line per batch with the number of
        candidates so far, the batch's best score, the best score so far (and
        its candidate) and the elapsed time; at 2, also each candidate's
        score and parameters; at 3 and above, also scikit-learn's own lines
        per fit, as :class:`~sklearn.model_selection.GridSearchCV` prints
        them.

    pre_dispatch : int or str, default='2*n_jobs'
        Controls the number of jobs dispatched during parallel execution.

    random_state : int, RandomState instance or None, default=None
        Seeds the optimizer. The same seed and data give the same candidates
        and ``cv_results_``, whatever ``n_jobs`` is.

    error_score : 'raise' or numeric, default=np.nan
        Value to assign to the score if an error occurs in estimator fitting.
        If set to 'raise', the error is raised. A candidate with a failed fit
        ranks after those without one, is not chosen as best while any
        candidate without a failed fit exists, and is told to the optimizer
        as a failure.

    return_train_score : bool, default=False
        If ``False``, the ``cv_results_`` attribute will not include training
        scores.

    n_points : int, default=1
        Number of candidates proposed at once and evaluated in parallel.
        Larger batches use ``n_jobs`` better (``n_points * n_splits`` fits
        per batch) at some cost in search quality per candidate.

    n_initial_points : int or None, default=None
        Number of candidates from a scrambled Sobol design before the model
        is used. ``None`` chooses a default suited to the optimizer.

    max_time : float or None, default=None
        Stop asking for new candidates after this many seconds. A batch that
        has started is finished, and the first batch is always evaluated,
        however small ``max_time`` is.

    callbacks : callable or list of callables, default=None
        Called after every batch as ``callback(results)`` with the results so
        far (a dict like ``cv_results_``); returning ``True`` ends the search.
        See :mod:`skhpo.callbacks`.

    journal : str, path-like or None, default=None
        A file where every evaluated batch is recorded (JSON lines, flushed
        and synced to disk before the next batch starts). When the file
        exists, ``fit`` resumes the search it records: the evaluations it
        holds are read back, not fitted again, into ``cv_results_`` and the
        optimizer, and the search goes on to ``n_iter``; with the same data
        the result equals that of an uninterrupted search (times apart).
        Needs an int ``random_state``. A journal written by another search
        (space, estimator and its parameters, scoring, CV splits, data, fit
        parameters or settings) is refused with an error naming what
        differs. See the user guide,
        "Journal and resume", for the format and for nested CV.

    trial_timeout : float or None, default=None
        Seconds that fitting and scoring one candidate on one split may
        take. Past it, the fit fails with a ``TrialTimeoutError`` (recorded
        per ``error_score``, like any failed fit) and the search goes on. A
        worker process stuck in native code that ignores the interruption is
        stopped a little later (see the user guide). On Windows, only fits
        that return to Python code are interrupted."""

COMMON_ATTRIBUTES = """\
cv_results_ : dict of numpy (masked) ndarrays
        A dict with keys as column headers and values as columns, that can be
        imported into a pandas ``DataFrame``; the same keys, dtypes and
        meanings as :attr:`GridSearchCV.cv_results_
        <sklearn.model_selection.GridSearchCV>`, one row per evaluated
        candidate in the order they were evaluated.

    best_estimator_ : estimator
        Estimator refit on the whole data with the best parameters. Not
        available if ``refit=False``.

    best_score_ : float
        Mean cross-validated score of the best candidate.

    best_params_ : dict
        Parameter setting that gave the best results on the hold out data.

    best_index_ : int
        The index (of the ``cv_results_`` arrays) of the best candidate.

    scorer_ : function or a dict
        Scorer function used on the held out data.

    n_splits_ : int
        The number of cross-validation splits (folds/iterations).

    refit_time_ : float
        Seconds used for refitting the best model on the whole dataset.

    multimetric_ : bool
        Whether or not the scorers compute several metrics.

    classes_ : ndarray of shape (n_classes,)
        The classes labels (classifiers refit on the whole data only).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has them.

    search_space_ : SearchSpace
        The parsed search space.

    optimizer_ : BaseOptimizer
        The optimizer after the search; ``optimizer_.X_`` and
        ``optimizer_.y_`` hold the encoded candidates and the scores it saw."""

DRIVER_NOTES = """\
The search runs ``ask -> evaluate -> tell`` rounds on top of scikit-learn's
    ``BaseSearchCV``: every candidate is cross-validated exactly as
    :class:`~sklearn.model_selection.GridSearchCV` would, so scoring, refit,
    ``cv_results_`` and parallelism behave the same. No configuration is
    evaluated twice (two sub-spaces proposing the same parameters, estimator
    values compared by class and parameters, cost one evaluation). A failing fit never ends the search: it is recorded per
    ``error_score``, each distinct error is shown once (a
    ``FitFailedWarning`` with its traceback) and the failures are summarised
    with counts when the search ends; if every candidate fails, ``fit``
    raises with the first error."""


def _only_taken(params_text: str, obj: object) -> str:
    """``params_text`` without the entries of parameters ``obj.__init__`` does not take."""
    import inspect

    taken = set(inspect.signature(obj.__init__).parameters)  # type: ignore[misc]
    blocks = re.split(r"\n\n    (?=\S)", params_text)  # one block per parameter entry
    kept = [b for b in blocks if b.split(" : ", 1)[0].strip() in taken]
    return "\n\n    ".join(kept)


def fill_doc(obj: T) -> T:
    """Fill the shared placeholders of ``obj.__doc__``."""
    doc = obj.__doc__ or ""
    for token, text in (
        ("{common_params}", _only_taken(COMMON_PARAMS, obj)),
        ("{common_attributes}", COMMON_ATTRIBUTES),
        ("{driver_notes}", DRIVER_NOTES),
    ):
        doc = doc.replace(token, text)
    obj.__doc__ = doc
    return obj
