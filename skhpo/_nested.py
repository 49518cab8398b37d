"""Nested cross-validation of a hyperparameter search, and its report.

``nested_cv`` runs a whole search inside each fold of an outer splitter and
scores the model it selects on that fold's held-out rows; ``NestedCVReport``
holds what came out: the outer scores, the inner best scores (the gap between
the two is the optimism of selecting on the inner scores), the parameters and
the model family each fold chose, how stable that choice is, and the error
of any fold whose search failed (scored ``error_score``, as in
``cross_validate``).
"""

from __future__ import annotations

import importlib
import math
import numbers
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NestedCVReport", "nested_cv"]

_INSTALL_HINT = 'pip install "skhpo[plot]"'


# --------------------------------------------------------------------- report
class NestedCVReport:
    """What :func:`nested_cv` measured: outer scores, choices, stability, bias.

    A plain result object (not an estimator). Build it with
    :func:`nested_cv`; the constructor is public so that a report can also be
    assembled from folds run elsewhere.

    Parameters
    ----------
    outer_scores : array-like of shape (n_folds,)
        Score of each fold's selected model on the fold's outer test rows.
    inner_best_scores : array-like of shape (n_folds,)
        Each fold's inner best mean cross-validated score (the mean test
        score of the search's ``best_index_``).
    best_params : list of dict of length n_folds
        The parameters each fold's search chose (its ``best_params_``).
    family : list of length n_folds, default=None
        The model family each fold chose (a str), or None where the space
        has no families. None means None for every fold.
    subspace : list of length n_folds, default=None
        Index of the sub-space each fold's best parameters come from when the
        space is a list of several, else None.
    log_params : collection of str, default=()
        Numeric parameters searched on a log scale; their stability is
        measured on the log scale.
    metric : str, default="score"
        Name of the score (the search's refit metric), for labels.
    searcher : str, default=None
        Name of the search class, for labels.
    fit_times, score_times : array-like of shape (n_folds,), default=None
        Seconds spent fitting each fold's search (the whole search and its
        refit) and scoring the selected model. None gives NaN.
    n_candidates : list of int of length n_folds, default=None
        Number of candidates each fold's search evaluated (rows of its
        ``cv_results_``). None gives None for every fold.
    n_train, n_test : list of int of length n_folds, default=None
        Number of outer training and test rows of each fold. None gives None
        for every fold.
    searches : list of fitted search objects, default=None
        Each fold's fitted search, kept when ``nested_cv`` was called with
        ``return_searches=True``.
    errors : list of (str or None) of length n_folds, default=None
        For each fold, the error its search raised (``"<type>: <message>"``)
        when the fold failed and ``nested_cv`` scored it ``error_score``,
        else None. None means no fold failed. A failed fold chose nothing:
        its ``best_params`` should be ``{}`` and its family None, and it is
        left out of ``stability`` whatever they hold.

    Attributes
    ----------
    n_folds : int
        Number of outer folds.
    mean, std : float
        Mean and standard deviation (``ddof=0``, as :func:`numpy.std`) of the
        outer scores, all of them: a failed fold counts with its
        ``error_score``, so they are NaN when that is NaN (as the mean of
        ``cross_validate``'s scores would be) and pulled down when it is,
        say, 0.0. ``np.nanmean(report.outer_scores)`` gives the mean over
        the folds that did not fail.
    inner_mean : float
        Mean of the inner best scores (NaN when a fold failed, as a failed
        fold's inner best score is NaN).
    gaps : ndarray of shape (n_folds,)
        ``inner_best_scores - outer_scores``, fold by fold (NaN for a failed
        fold).
    selection_bias : float
        ``inner_mean - mean``: how much the inner best score overstates the
        score the selected models reach on unseen rows. Positive values are
        the usual case (the best of many noisy estimates is optimistic).
        NaN when a fold failed; ``np.nanmean(report.gaps)`` is the bias over
        the folds that did not.
    stability : dict
        How consistently the folds chose; failed folds chose nothing and
        are left out. ``stability["family"]`` (only when families are
        recorded) and ``stability[name]`` for each searched parameter other
        than estimator-valued ones (those are the family) are dicts with
        ``"kind"`` and ``"n_folds"`` (folds in which the parameter was
        chosen: in a space of several sub-spaces, a parameter of one
        sub-space is not chosen in every fold; a failed fold chooses none),
        and

        - ``kind="categorical"`` (and the family): ``"mode"``, the value
          chosen most often (the earliest fold's on ties), and ``"share"``,
          the fraction of those ``n_folds`` that chose it;
        - ``kind="numeric"``: ``"median"`` and ``"cv"``, the coefficient of
          variation ``std / |mean|`` (NaN if the mean is 0);
        - ``kind="log"`` (parameters in ``log_params``, all values > 0):
          ``"median"`` and ``"log10_std"``, the standard deviation of
          ``log10(value)`` (in decades: 1.0 means the choices typically sit a
          factor of ten apart).
    ax_ : matplotlib Axes
        The axes drawn on by the last :meth:`plot` (only after it).
    figure_ : matplotlib Figure
        The figure of ``ax_`` (only after :meth:`plot`).

    See Also
    --------
    nested_cv : Runs the search in each outer fold and builds this report.

    Examples
    --------
    >>> from skhpo import NestedCVReport
    >>> report = NestedCVReport(
    ...     outer_scores=[0.8, 0.9, 1.0],
    ...     inner_best_scores=[0.9, 0.95, 1.0],
    ...     best_params=[{"C": 0.1, "kernel": "rbf"}, {"C": 1.0, "kernel": "rbf"},
    ...                  {"C": 10.0, "kernel": "linear"}],
    ...     log_params=["C"],
    ... )
    >>> report
    NestedCVReport(n_folds=3, mean=0.9, std=0.0816, selection_bias=0.05)
    >>> report.stability["kernel"]
    {'kind': 'categorical', 'n_folds': 3, 'mode': 'rbf', 'share': 0.666...}
    >>> round(report.stability["C"]["log10_std"], 3)
    0.816
    """

    def __init__(
        self,
        outer_scores: Any,
        inner_best_scores: Any,
        best_params: Any,
        *,
        family: Any = None,
        subspace: Any = None,
        log_params: Any = (),
        metric: str = "score",
        searcher: str | None = None,
        fit_times: Any = None,
        score_times: Any = None,
        n_candidates: Any = None,
        n_train: Any = None,
        n_test: Any = None,
        searches: Any = None,
        errors: Any = None,
    ) -> None:
        self.outer_scores = np.asarray(outer_scores, dtype=float).reshape(-1)
        n = len(self.outer_scores)
        if n == 0:
            raise ValueError("NestedCVReport needs at least one fold; outer_scores is empty.")
        self.inner_best_scores = self._column("inner_best_scores", inner_best_scores, n)
        best_params = list(best_params)
        if len(best_params) != n or not all(isinstance(p, dict) for p in best_params):
            raise ValueError(
                f"best_params must be a list of {n} dicts (one per outer fold), got {best_params!r}."
            )
        self.best_params = best_params
        self.family = self._objects("family", family, n)
        self.subspace = self._objects("subspace", subspace, n)
        self.log_params = frozenset(log_params)
        self.metric = metric
        self.searcher = searcher
        self.fit_times = self._column("fit_times", fit_times, n)
        self.score_times = self._column("score_times", score_times, n)
        self.n_candidates = self._counts("n_candidates", n_candidates, n)
        self.n_train = self._counts("n_train", n_train, n)
        self.n_test = self._counts("n_test", n_test, n)
        self.searches = None if searches is None else self._objects("searches", searches, n)
        self.errors = [None if e is None else str(e) for e in self._objects("errors", errors, n)]

        self.n_folds = n
        self.mean = float(np.mean(self.outer_scores))
        self.std = float(np.std(self.outer_scores))
        self.inner_mean = float(np.mean(self.inner_best_scores))
        self.gaps = self.inner_best_scores - self.outer_scores
        self.selection_bias = self.inner_mean - self.mean
        chose = [e is None for e in self.errors]
        self.stability = _stability(
            [p for p, ok in zip(self.best_params, chose) if ok],
            [f for f, ok in zip(self.family, chose) if ok],
            self.log_params,
        )

    @staticmethod
    def _column(name: str, values: Any, n: int) -> np.ndarray:
        if values is None:
            return np.full(n, np.nan)
        out = np.asarray(values, dtype=float).reshape(-1)
        if len(out) != n:
            raise ValueError(f"{name} must have one value per outer fold ({n}), got {len(out)}.")
        return out

    @staticmethod
    def _counts(name: str, values: Any, n: int) -> list:
        return [None if v is None else int(v) for v in NestedCVReport._objects(name, values, n)]

    @staticmethod
    def _objects(name: str, values: Any, n: int) -> list:
        if values is None:
            return [None] * n
        out = list(values)
        if len(out) != n:
            raise ValueError(f"{name} must have one entry per outer fold ({n}), got {len(out)}.")
        return out

    # ------------------------------------------------------------- views
    def to_dict(self) -> dict[str, list]:
        """One row per outer fold, as equal-length lists (DataFrame-ready).

        Returns
        -------
        dict of str -> list
            Columns ``fold``, ``outer_score``, ``inner_best_score``, ``gap``
            (inner minus outer), ``family``, ``subspace``, ``n_candidates``,
            ``fit_time``, ``score_time``, ``n_train``, ``n_test``, ``error``
            (the error of a failed fold, else None), ``params`` (the dicts)
            and one ``param_<name>`` column per parameter chosen in any fold
            (None in folds that did not choose it), as in ``cv_results_``.
            ``pandas.DataFrame(report.to_dict())`` gives the table.

        Examples
        --------
        >>> from skhpo import NestedCVReport
        >>> report = NestedCVReport([0.75, 0.5], [1.0, 0.5], [{"C": 1.0}, {"C": 2.0}])
        >>> table = report.to_dict()
        >>> table["param_C"], table["gap"]
        ([1.0, 2.0], [0.25, 0.0])
        """
        names = sorted({name for p in self.best_params for name in p})
        table: dict[str, list] = {
            "fold": list(range(self.n_folds)),
            "outer_score": self.outer_scores.tolist(),
            "inner_best_score": self.inner_best_scores.tolist(),
            "gap": self.gaps.tolist(),
            "family": list(self.family),
            "subspace": list(self.subspace),
            "n_candidates": list(self.n_candidates),
            "fit_time": self.fit_times.tolist(),
            "score_time": self.score_times.tolist(),
            "n_train": list(self.n_train),
            "n_test": list(self.n_test),
            "error": list(self.errors),
            "params": [dict(p) for p in self.best_params],
        }
        for name in names:
            table[f"param_{name}"] = [p.get(name) for p in self.best_params]
        return table

    def summary(self) -> str:
        """A readable multi-line summary: scores (mean ± std), bias, choices.

        Returns
        -------
        str

        Examples
        --------
        >>> from skhpo import NestedCVReport
        >>> report = NestedCVReport([0.8, 1.0], [0.95, 0.95], [{"C": 1.0}, {"C": 1.0}])
        >>> print(report.summary())
        Nested CV, 2 outer folds, metric 'score'
          outer score      0.9 ± 0.1  (mean ± std over folds)
          inner best score 0.95 ± 0
          selection bias   +0.05  (inner best - outer)
          C: numeric, median 1, coefficient of variation 0 (2 of 2 folds)

        A failed fold (see ``errors``) is counted, and its NaN outer score
        makes the means NaN:

        >>> failed = NestedCVReport([0.8, float("nan")], [0.95, float("nan")],
        ...                         [{"C": 1.0}, {}], errors=[None, "ValueError: bad"])
        >>> print(failed.summary())
        Nested CV, 2 outer folds, metric 'score'
          failed folds     1 of 2 (outer score set to error_score)
          outer score      nan ± nan  (mean ± std over folds)
          inner best score nan ± nan
          selection bias   +nan  (inner best - outer)
          C: numeric, median 1, coefficient of variation 0 (1 of 2 folds)
        """
        by = f" of {self.searcher}" if self.searcher else ""
        lines = [
            f"Nested CV{by}, {self.n_folds} outer fold{'s' if self.n_folds != 1 else ''}, metric {self.metric!r}",
        ]
        n_failed = sum(e is not None for e in self.errors)
        if n_failed:
            lines.append(f"  failed folds     {n_failed} of {self.n_folds} (outer score set to error_score)")
        lines += [
            f"  outer score      {self.mean:.4g} ± {self.std:.2g}  (mean ± std over folds)",
            f"  inner best score {self.inner_mean:.4g} ± {float(np.std(self.inner_best_scores)):.2g}",
            f"  selection bias   {self.selection_bias:+.3g}  (inner best - outer)",
        ]
        for name, entry in self.stability.items():
            of = f"({entry['n_folds']} of {self.n_folds} folds)"
            if entry["kind"] in ("categorical", "family"):
                lines.append(f"  {name}: {entry['mode']!r} in {entry['share']:.0%} {of}")
            elif entry["kind"] == "log":
                lines.append(
                    f"  {name}: log scale, median {entry['median']:.4g}, "
                    f"std of log10 {entry['log10_std']:.3g} {of}"
                )
            else:
                lines.append(
                    f"  {name}: numeric, median {entry['median']:.4g}, "
                    f"coefficient of variation {entry['cv']:.3g} {of}"
                )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"NestedCVReport(n_folds={self.n_folds}, mean={self.mean:.4g}, std={self.std:.3g}, "
            f"selection_bias={self.selection_bias:.3g})"
        )

    def plot(self, ax: Any = None) -> "NestedCVReport":
        """Draw each fold's inner best score and outer score, and the gap.

        One marker per fold for each series, a vertical segment between the
        two (the fold's gap), and dashed lines at the two means (left out
        when a mean is NaN). With families, each fold's tick names the
        family it chose. A failed fold's tick says so; its NaN scores draw
        nothing (the other folds are drawn as usual).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        self : NestedCVReport
            With ``ax_``, ``figure_``, ``inner_line_``, ``outer_line_`` (the
            two series' ``Line2D``) and ``gap_lines_`` (a ``LineCollection``).

        Raises
        ------
        ImportError
            If matplotlib is not installed (``pip install "skhpo[plot]"``).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skhpo import NestedCVReport
        >>> report = NestedCVReport([0.8, 0.9, 1.0], [0.9, 0.95, 1.0], [{}, {}, {}])
        >>> report.plot().outer_line_.get_ydata().tolist()
        [0.8, 0.9, 1.0]
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        folds = np.arange(self.n_folds)
        self.gap_lines_ = ax.vlines(folds, self.outer_scores, self.inner_best_scores, colors="0.7", zorder=1)
        (self.inner_line_,) = ax.plot(
            folds, self.inner_best_scores, "o", label=f"inner best CV (mean {self.inner_mean:.4g})", zorder=2
        )
        (self.outer_line_,) = ax.plot(
            folds, self.outer_scores, "s", label=f"outer test ({self.mean:.4g} ± {self.std:.2g})", zorder=2
        )
        if not math.isnan(self.inner_mean):
            ax.axhline(self.inner_mean, ls=":", color=self.inner_line_.get_color(), lw=1)
        if not math.isnan(self.mean):
            ax.axhline(self.mean, ls="--", color=self.outer_line_.get_color(), lw=1)
        ax.set_xticks(folds)
        tags = ["failed" if e is not None else f for f, e in zip(self.family, self.errors)]
        if any(t is not None for t in tags):
            ax.set_xticklabels([f"{k}\n{t}" if t is not None else str(k) for k, t in enumerate(tags)])
        ax.set_xlabel("outer fold")
        ax.set_ylabel(self.metric)
        ax.set_title(f"selection bias {self.selection_bias:+.3g} (inner best - outer)")
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _pyplot() -> Any:
    try:
        importlib.import_module("matplotlib")
        return importlib.import_module("matplotlib.pyplot")
    except ImportError as exc:
        raise ImportError(
            "NestedCVReport.plot needs matplotlib, which is not installed (or cannot be "
            f"imported): {_INSTALL_HINT}, or pip install matplotlib."
        ) from exc


def _is_estimator(value: Any) -> bool:
    return hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type)


def _value_key(value: Any) -> Any:
    """A hashable stand-in for a parameter value, to count equal choices."""
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return value


def _mode(values: list) -> dict:
    keys = [_value_key(v) for v in values]
    counts = Counter(keys)
    top = max(counts.values())
    first = next(i for i, k in enumerate(keys) if counts[k] == top)  # earliest fold on ties
    return {"n_folds": len(values), "mode": values[first], "share": top / len(values)}


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(float(value))
    )


def _stability(best_params: list, family: list, log_params: frozenset) -> dict:
    out: dict[str, dict] = {}
    chosen = [f for f in family if f is not None]
    if chosen:
        out["family"] = {"kind": "family", **_mode(chosen)}
    names = sorted({name for p in best_params for name in p})
    for name in names:
        values = [p[name] for p in best_params if name in p]
        if any(_is_estimator(v) for v in values):
            continue  # an estimator choice is the family, summarised above
        if all(_is_number(v) for v in values):
            x = np.asarray(values, dtype=float)
            if name in log_params and np.all(x > 0):
                out[name] = {
                    "kind": "log",
                    "n_folds": len(values),
                    "median": float(np.median(x)),
                    "log10_std": float(np.std(np.log10(x))),
                }
            else:
                mean = float(np.mean(x))
                out[name] = {
                    "kind": "numeric",
                    "n_folds": len(values),
                    "median": float(np.median(x)),
                    "cv": float(np.std(x) / abs(mean)) if mean != 0 else float("nan"),
                }
        else:
            out[name] = {"kind": "categorical", **_mode(values)}
    return out


# ------------------------------------------------------------------ nested_cv
def nested_cv(
    search: Any,
    X: Any,
    y: Any = None,
    *,
    cv: Any = None,
    groups: Any = None,
    params: dict | None = None,
    n_jobs: int | None = None,
    verbose: int = 0,
    pre_dispatch: Any = "2*n_jobs",
    return_searches: bool = False,
    error_score: Any = np.nan,
) -> NestedCVReport:
    """Nested cross-validation of a hyperparameter search.

    Each outer fold fits a clone of ``search`` on its training rows (the
    search runs its own inner cross-validation there and refits its best
    candidate) and scores the selected model (``best_estimator_``) on the
    fold's test rows with the search's own scorer and refit metric
    (``search.score``), rows the search never saw. The outer scores estimate
    how well the whole procedure, search included, does on new data; the
    inner best scores are what the search believed. Their difference is the
    selection bias (optimism) of trusting the inner best score.

    Works with every skhpo searcher and with any scikit-learn
    :class:`~sklearn.model_selection.BaseSearchCV` (``GridSearchCV``,
    ``RandomizedSearchCV``, the halving searches).

    Parameters
    ----------
    search : BaseSearchCV
        The search to evaluate, unfitted (it is cloned for each fold; a
        fitted one is cloned too, its fit is not used). Its ``refit`` must be
        True or name a metric: the outer folds score the refitted model.
    X : array-like of shape (n_samples, n_features)
        Training data (a square kernel or distance matrix when the
        estimator is pairwise, e.g. ``SVC(kernel="precomputed")``).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        Target; None for unsupervised learning.
    cv : int, cross-validation generator or iterable, default=None
        The outer splitter, as for
        :func:`~sklearn.model_selection.cross_validate`: None for 5 folds,
        an int for that many (stratified for a classifier), a splitter, or
        an iterable of (train, test) index arrays.
    groups : array-like of shape (n_samples,), default=None
        Group labels, without metadata routing. They go to the outer
        splitter and, for each fold's training rows, to the search's
        ``fit``, which passes them to its own splitter (e.g. an inner
        ``GroupKFold``). With metadata routing enabled, pass them in
        ``params`` instead, as for ``cross_validate``.
    params : dict, default=None
        Metadata, routed as :func:`~sklearn.model_selection.cross_validate`
        routes it. Without metadata routing, every entry goes to the
        search's ``fit`` (which passes ``groups`` to its splitter and the
        rest to the estimator's ``fit``) and the outer scorer gets none.
        With ``sklearn.set_config(enable_metadata_routing=True)``, each
        entry goes where it is requested: the outer splitter's ``split``,
        the search's ``fit`` and the search's scorer for the outer score.
        Sample-aligned values (as many entries as ``X`` has rows, e.g.
        ``sample_weight``) are split per fold: the search gets the training
        rows' values, the outer scorer the test rows'.
    n_jobs : int, default=None
        Outer folds fitted in parallel (joblib; None means 1 unless in a
        :func:`joblib.parallel_config` context, -1 all processors). The
        search keeps its own ``n_jobs`` for its inner work, except that
        when several outer folds run at once, each fold's search gets at
        most ``cpu_count() // n_outer_workers`` jobs (at least 1), so the
        two levels do not oversubscribe the machine. Neither changes any
        score or choice: the report is the same for every ``n_jobs`` but
        for the times.
    verbose : int, default=0
        joblib's progress messages for the outer folds.
    pre_dispatch : int or str, default="2*n_jobs"
        joblib's ``pre_dispatch`` for the outer folds.
    return_searches : bool, default=False
        Keep each fold's fitted search in the report's ``searches`` (their
        ``cv_results_`` show each inner search in full). A failed fold's
        search is kept as its error left it.
    error_score : 'raise' or float, default=np.nan
        What a fold whose search fails gets, as in
        :func:`~sklearn.model_selection.cross_validate`. A fold fails when
        its search's ``fit`` or its outer ``score`` raises an exception
        (its refit failed, every candidate failed, the outer scorer
        failed, ...). With ``"raise"``, that exception propagates unchanged
        and ends the call. With a number, the fold's outer score is that
        number, the other folds go on, and a ``FitFailedWarning`` lists
        the errors at the end; see Notes.

    Returns
    -------
    report : NestedCVReport
        Outer scores, inner best scores, the chosen parameters and model
        family per fold, their stability, and the selection bias.

    Raises
    ------
    TypeError
        If ``search`` is not a ``BaseSearchCV``.
    ValueError
        If ``search.refit`` is False (or a callable with several metrics),
        if ``cv`` is invalid or gives no split, if ``groups`` is passed
        twice or with metadata routing enabled, if ``error_score`` is
        neither ``"raise"`` nor a real number (checked before any fit), or
        if every outer fold failed (the message lists the errors).

    Warns
    -----
    FitFailedWarning
        Once, after all the folds, when some (not all) of them failed and
        ``error_score`` is a number: how many, the ``error_score`` used, and
        each distinct error with the folds it ended.

    See Also
    --------
    sklearn.model_selection.cross_validate : The outer loop without the report.
    NestedCVReport : The result.

    Notes
    -----
    **Families.** When a searched parameter takes estimators (a pipeline
    step, ``{"clf": [SVC(), LogisticRegression()]}``), a fold's family is
    the class name of the chosen one (``"clf=SVC, scale=StandardScaler"``
    with several). Otherwise, with a space of several sub-spaces (a list of
    dicts), it is ``"sub-space <i>"``, the first sub-space holding the
    chosen parameters; with a single space it is None.

    **Log-scale parameters.** A numeric parameter's stability is measured on
    the log scale when it was searched with a log prior: a skhpo
    ``Real``/``Integer`` with ``prior="log-uniform"``, or a
    ``scipy.stats.loguniform`` distribution.

    **Journals.** When the search has a ``journal`` parameter set to a path,
    each outer fold's clone writes its own file, ``<stem>.outer<k><suffix>``
    beside it (``runs/svc.jsonl`` gives ``runs/svc.outer0.jsonl``,
    ``runs/svc.outer1.jsonl``, ...), set with ``set_params``; so the folds
    never write to one file, and a rerun resumes each fold from its own.

    **Failed folds.** With a numeric ``error_score``, an exception (not a
    ``KeyboardInterrupt`` or ``SystemExit``) raised by a fold's search,
    during its ``fit`` or the outer ``score``, does not end the call: the
    fold's outer score is ``error_score``, its inner best score and
    ``score_time`` are NaN, its ``best_params`` ``{}``, its family,
    sub-space and ``n_candidates`` None (even when only the outer scorer
    failed, nothing the fold chose is reported), its ``fit_time`` the time
    until the failure, and the report's ``errors`` holds the error text
    (``"<type>: <message>"``). Failed folds are left out of
    ``stability``; the mean and std of the outer scores count them, so they
    are NaN with the default ``error_score=np.nan``, as for
    ``cross_validate``'s scores. A failure inside the inner search that
    the search itself absorbs (a candidate scored with the search's own
    ``error_score``) is not a failed fold. If every fold fails, a
    ``ValueError`` lists the errors.

    **Private scikit-learn name.** Rows are taken with
    ``sklearn.utils._safe_indexing`` (arrays, sparse matrices, DataFrames,
    lists): scikit-learn has no public equivalent.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import TPESearchCV, nested_cv
    >>> X, y = load_iris(return_X_y=True)
    >>> search = TPESearchCV(DecisionTreeClassifier(random_state=0),
    ...                      {"max_depth": (1, 8)}, n_iter=4, cv=3, random_state=0)
    >>> report = nested_cv(search, X, y, cv=3)
    >>> report.outer_scores.shape
    (3,)
    >>> print(report.summary())
    Nested CV of TPESearchCV, 3 outer folds, metric 'score'
      outer score      0.9... ± 0.0...  (mean ± std over folds)
      inner best score ...
      selection bias   ...
      max_depth: numeric, median ..., coefficient of variation ... (3 of 3 folds)
    """
    from joblib import cpu_count, effective_n_jobs
    from sklearn import get_config
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import check_cv
    from sklearn.model_selection._search import BaseSearchCV
    from sklearn.utils import indexable
    from sklearn.utils.parallel import Parallel, delayed

    if not isinstance(search, BaseSearchCV):
        raise TypeError(
            "search must be a scikit-learn search estimator (a BaseSearchCV such as "
            f"TPESearchCV or GridSearchCV), got {type(search).__name__} {search!r}. "
            "To cross-validate a plain estimator use sklearn.model_selection.cross_validate."
        )
    _check_refit(search)
    _check_error_score(error_score)
    if params is not None and not isinstance(params, dict):
        raise TypeError(f"params must be a dict of metadata or None, got params={params!r}.")
    params = {} if params is None else dict(params)
    routing = bool(get_config().get("enable_metadata_routing", False))
    if groups is not None and routing:
        raise ValueError(
            "groups can only be passed if metadata routing is not enabled (as for "
            "cross_validate); with sklearn.set_config(enable_metadata_routing=True), pass "
            "params={'groups': groups} instead."
        )
    if groups is not None and "groups" in params:
        raise ValueError("groups was given both as groups= and in params; pass it once, as groups=.")

    X, y, groups = indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=is_classifier(search.estimator))
    if routing:
        split_params, fit_params, score_params = _route(search, cv, params)
    else:
        split_params = {"groups": groups}
        fit_params = dict(params)
        if groups is not None:
            fit_params["groups"] = groups
        score_params = {}

    splits = [(np.asarray(train), np.asarray(test)) for train, test in cv.split(X, y, **split_params)]
    if not splits:
        raise ValueError(f"cv={cv!r} gave no train/test split; nested_cv needs at least one.")

    searches = [clone(search) for _ in splits]
    own = search.get_params(deep=False)
    journal = own.get("journal")
    if journal is not None:
        for k, fold_search in enumerate(searches):
            fold_search.set_params(journal=_fold_journal(journal, k))
    n_outer = min(effective_n_jobs(n_jobs), len(splits))
    if n_outer > 1 and "n_jobs" in own:
        share = max(1, cpu_count() // n_outer)
        if effective_n_jobs(own["n_jobs"]) > share:
            for fold_search in searches:
                fold_search.set_params(n_jobs=share)

    n_samples = _n_rows(X)
    pairwise = _is_pairwise(search)
    parallel = Parallel(n_jobs=n_jobs, verbose=verbose, pre_dispatch=pre_dispatch)
    folds = parallel(
        delayed(_fit_fold)(
            fold_search,
            X,
            y,
            train,
            test,
            _index_params(fit_params, train, n_samples),
            _index_params(score_params, test, n_samples),
            pairwise,
            return_searches,
            error_score,
        )
        for fold_search, (train, test) in zip(searches, splits)
    )
    errors = [f["error"] for f in folds]
    _warn_or_raise_about_failed_folds(errors, error_score)
    log_params = set().union(*(f["log_params"] for f in folds))
    metric = next(f["metric"] for f in folds if f["error"] is None)
    return NestedCVReport(
        outer_scores=[f["outer_score"] for f in folds],
        inner_best_scores=[f["inner_best_score"] for f in folds],
        best_params=[f["best_params"] for f in folds],
        family=[f["family"] for f in folds],
        subspace=[f["subspace"] for f in folds],
        log_params=log_params,
        metric=metric,
        searcher=type(search).__name__,
        fit_times=[f["fit_time"] for f in folds],
        score_times=[f["score_time"] for f in folds],
        n_candidates=[f["n_candidates"] for f in folds],
        n_train=[len(train) for train, _ in splits],
        n_test=[len(test) for _, test in splits],
        searches=[f["search"] for f in folds] if return_searches else None,
        errors=errors,
    )


def _check_error_score(error_score: Any) -> None:
    if isinstance(error_score, str) and error_score == "raise":
        return
    if isinstance(error_score, numbers.Real) and not isinstance(error_score, (bool, np.bool_)):
        return
    raise ValueError(
        "error_score must be 'raise' or a real number (the outer score of a failed fold, "
        f"such as np.nan or 0.0), got error_score={error_score!r}."
    )


def _warn_or_raise_about_failed_folds(errors: list, error_score: Any) -> None:
    """One FitFailedWarning for the failed folds; a ValueError if they all failed."""
    from sklearn.exceptions import FitFailedWarning

    from ._warn import warn_user

    failed: dict[str, list[int]] = {}
    for k, error in enumerate(errors):
        if error is not None:
            failed.setdefault(error, []).append(k)
    if not failed:
        return
    n_failed, n = sum(len(ks) for ks in failed.values()), len(errors)
    details = "\n".join(
        f"{'-' * 80}\n{len(ks)} fold{'s' if len(ks) != 1 else ''} (outer fold"
        f"{'s' if len(ks) != 1 else ''} {', '.join(map(str, ks))}) failed with:\n{error}"
        for error, ks in failed.items()
    )
    if n_failed == n:
        raise ValueError(
            f"\nEvery one of the {n} outer folds failed: each fold's search raised an error, so "
            "nested_cv has no outer score to report. The search is very likely misconfigured "
            "for this data; set error_score='raise' to see the first error with its traceback.\n"
            f"The errors:\n{details}"
        )
    warn_user(
        f"\n{n_failed} of the {n} outer folds failed: their search raised an error, so their "
        f"outer score is set to error_score={error_score} and they are left out of the "
        "stability of the choices; the other folds are reported as usual. Set "
        "error_score='raise' to see the error with its traceback.\n"
        f"The errors:\n{details}",
        FitFailedWarning,
    )


def _check_refit(search: Any) -> None:
    refit = search.refit
    if refit is False or refit is None:
        raise ValueError(
            f"nested_cv scores the model each fold's search refits, so search.refit must be "
            f"True or name a metric, got refit={refit!r}."
        )
    if callable(refit) and isinstance(search.scoring, (list, tuple, set, dict)):
        raise ValueError(
            "With several metrics, search.refit must name the metric the outer folds are scored "
            f"with (one of {sorted(search.scoring)}), got the callable refit={refit!r}."
        )


def _route(search: Any, cv: Any, params: dict) -> tuple[dict, dict, dict]:
    """Split ``params`` with metadata routing, as ``cross_validate`` does."""
    from sklearn.exceptions import UnsetMetadataPassedError
    from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

    router = (
        MetadataRouter(owner="nested_cv")
        .add(splitter=cv, method_mapping=MethodMapping().add(caller="fit", callee="split"))
        .add(
            search=search,
            method_mapping=MethodMapping().add(caller="fit", callee="fit").add(caller="fit", callee="score"),
        )
    )
    try:
        routed = process_routing(router, "fit", **params)
    except UnsetMetadataPassedError as exc:
        # The caller is nested_cv, not a fit method of it.
        raise UnsetMetadataPassedError(
            message=str(exc).replace("nested_cv.fit", "nested_cv"),
            unrequested_params=exc.unrequested_params,
            routed_params=exc.routed_params,
        ) from None
    return dict(routed.splitter.split), dict(routed.search.fit), dict(routed.search.score)


def _fold_journal(journal: Any, k: int) -> Any:
    """Outer fold ``k``'s journal path: ``<stem>.outer<k><suffix>`` beside ``journal``."""
    if not isinstance(journal, (str, os.PathLike)):
        raise TypeError(
            "nested_cv gives each outer fold its own journal file, named after search.journal, "
            f"which must then be a path (str or os.PathLike), got journal={journal!r}."
        )
    path = Path(journal)
    fold_path = path.with_name(f"{path.stem}.outer{k}{path.suffix}")
    return str(fold_path) if isinstance(journal, str) else fold_path


def _n_rows(X: Any) -> int:
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None else len(X)


def _index_params(params: dict, indices: np.ndarray, n_samples: int) -> dict:
    """Take ``indices`` of every sample-aligned value of ``params``; keep the rest."""
    from sklearn.utils import _safe_indexing

    out = {}
    for name, value in params.items():
        shape = getattr(value, "shape", None)
        if shape is not None:
            aligned = len(shape) >= 1 and shape[0] == n_samples
        else:
            aligned = isinstance(value, (list, tuple)) and len(value) == n_samples
        out[name] = _safe_indexing(value, indices) if aligned else value
    return out


def _is_pairwise(search: Any) -> bool:
    try:
        from sklearn.utils import get_tags

        return bool(get_tags(search).input_tags.pairwise)
    except (ImportError, AttributeError):  # pragma: no cover - scikit-learn < 1.6
        return bool(getattr(search, "_get_tags", dict)().get("pairwise", False))


def _rows(X: Any, rows: np.ndarray, columns: np.ndarray | None) -> Any:
    from sklearn.utils import _safe_indexing

    out = _safe_indexing(X, rows)
    return out if columns is None else _safe_indexing(out, columns, axis=1)


def _fit_fold(
    search: Any,
    X: Any,
    y: Any,
    train: np.ndarray,
    test: np.ndarray,
    fit_params: dict,
    score_params: dict,
    pairwise: bool,
    keep_search: bool,
    error_score: Any = "raise",
) -> dict:
    """Fit one outer fold's search, score its selected model on the test rows.

    With a numeric ``error_score``, an exception of the search's ``fit`` or
    ``score`` makes a failed fold (scored ``error_score``) instead.
    """
    from sklearn.utils import _safe_indexing

    X_train = _rows(X, train, train if pairwise else None)
    X_test = _rows(X, test, train if pairwise else None)
    y_train = None if y is None else _safe_indexing(y, train)
    y_test = None if y is None else _safe_indexing(y, test)

    start = time.perf_counter()
    fit_time = None
    try:
        if y_train is None:
            search.fit(X_train, **fit_params)
        else:
            search.fit(X_train, y_train, **fit_params)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        outer_score = float(search.score(X_test, y_test, **score_params))
        score_time = time.perf_counter() - start
    except Exception as exc:
        if isinstance(error_score, str):  # "raise", checked by nested_cv
            raise
        return {
            "outer_score": float(error_score),
            "inner_best_score": float("nan"),
            "best_params": {},
            "family": None,
            "subspace": None,
            "log_params": set(),
            "metric": None,
            "fit_time": time.perf_counter() - start if fit_time is None else fit_time,
            "score_time": float("nan"),
            "n_candidates": None,
            "search": search if keep_search else None,
            "error": f"{type(exc).__name__}: {exc}",
        }

    metric = search.refit if getattr(search, "multimetric_", False) else "score"
    results = search.cv_results_
    best = dict(search.best_params_)
    subspace = _subspace_of(search, best)
    return {
        "outer_score": outer_score,
        "inner_best_score": float(results[f"mean_test_{metric}"][search.best_index_]),
        "best_params": best,
        "family": _family(best, subspace),
        "subspace": subspace,
        "log_params": _log_params(search),
        "metric": metric,
        "fit_time": fit_time,
        "score_time": score_time,
        "n_candidates": len(results["params"]),
        "search": search if keep_search else None,
        "error": None,
    }


def _family(best: dict, subspace: int | None) -> str | None:
    chosen = sorted((name, type(v).__name__) for name, v in best.items() if _is_estimator(v))
    if len(chosen) == 1:
        return chosen[0][1]
    if chosen:
        return ", ".join(f"{name}={cls}" for name, cls in chosen)
    return None if subspace is None else f"sub-space {subspace}"


def _declared_spaces(search: Any) -> list | None:
    """The sub-spaces of a fitted search, as dicts of name -> spec, or None."""
    space = getattr(search, "search_space_", None)
    if space is not None and hasattr(space, "subspaces"):
        return [dict(sub) for sub in space.subspaces]
    for attr in ("param_grid", "param_distributions"):
        spec = getattr(search, attr, None)
        if isinstance(spec, dict):
            return [spec]
        if isinstance(spec, (list, tuple)) and all(isinstance(s, dict) for s in spec):
            return list(spec)
    return None


def _subspace_of(search: Any, best: dict) -> int | None:
    """Index of the sub-space ``best`` comes from, when there are several."""
    space = getattr(search, "search_space_", None)
    if space is not None and hasattr(space, "encode"):
        if space.n_subspaces < 2:
            return None
        # A parameter outside the space (HalvingBOHBSearchCV's resource,
        # such as n_estimators, injected into best_params_) is left out.
        known = {name for sub in space.subspaces for name in sub}
        try:
            return int(space.encode({k: v for k, v in best.items() if k in known}).subspace)
        except ValueError:
            return None
    subs = _declared_spaces(search)
    if subs is None or len(subs) < 2:
        return None
    for s, sub in enumerate(subs):
        if set(sub) != set(best):
            continue
        if all(_holds(spec, best[name]) for name, spec in sub.items()):
            return s
    return None


def _holds(spec: Any, value: Any) -> bool:
    """Whether a scikit-learn grid entry or distribution can give ``value``."""
    if hasattr(spec, "rvs"):
        return True  # a distribution: its support is not checked
    try:
        return any(v is value or bool(v == value) for v in spec)
    except (TypeError, ValueError):
        return True


def _log_params(search: Any) -> set:
    """Names of the parameters the search drew on a log scale."""
    subs = _declared_spaces(search) or []
    names = set()
    for sub in subs:
        for name, spec in sub.items():
            dist = getattr(spec, "distribution", spec)  # a skhpo Distribution wraps one
            if getattr(spec, "prior", None) == "log-uniform" or getattr(
                getattr(dist, "dist", None), "name", None
            ) in ("loguniform", "reciprocal"):
                names.add(name)
    return names
