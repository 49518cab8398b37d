"""ConvergenceDisplay: each candidate's score and the best so far, in evaluation order."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import _check_fitted, _eligible_rows, _elapsed, _get_axes, _metric, _pyplot, _scores

__all__ = ["ConvergenceDisplay"]


class ConvergenceDisplay:
    """Convergence of a search: score of each candidate and the best so far.

    The x axis is the candidate number (the row of ``cv_results_``, in the
    order the search evaluated them) or the cumulative fit and score time.
    Failed candidates are marked with crosses along the bottom of the axes,
    where they do not distort the score scale. Create it with
    :meth:`from_estimator`; the constructor only stores the data.

    Parameters
    ----------
    scores : array-like of shape (n_rows,)
        Mean test score of each row, NaN for a failed one; higher is better.
    failed : array-like of bool, shape (n_rows,), default=None
        Rows whose evaluation failed. None: the rows with a NaN score.
    eligible : array-like of bool, shape (n_rows,), default=None
        Rows that compete for the best score (for a halving search, the
        full-budget rows; the others are drawn as small grey points and are
        left out of the best so far). None: every row.
    elapsed : array-like of shape (n_rows,), default=None
        Cumulative time in seconds after each row, for ``x="time"``.
    metric : str, default="score"
        Name of the metric, for the y label.

    Attributes
    ----------
    best_so_far_ : ndarray of shape (n_rows,)
        Running maximum of the eligible finite scores (NaN before the first).
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    scatter_ : matplotlib PathCollection
        The eligible candidates that did not fail.
    line_ : matplotlib Line2D
        The best score so far (a step line).
    failures_ : matplotlib PathCollection or None
        One cross per failed candidate; None when none failed.
    partial_ : matplotlib PathCollection or None
        The rows not eligible (lower budgets); None when every row is.

    See Also
    --------
    ParameterDisplay : Score against each parameter.
    RungDisplay : Scores across the rungs of a halving search.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhpo import TPESearchCV
    >>> from skhpo.plot import ConvergenceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = TPESearchCV(LogisticRegression(max_iter=300),
    ...                      {"C": (1e-3, 1e3, "log-uniform")},
    ...                      n_iter=6, cv=3, random_state=0).fit(X, y)
    >>> disp = ConvergenceDisplay.from_estimator(search)
    >>> bool(disp.line_.get_ydata()[-1] == search.best_score_)
    True
    """

    def __init__(self, scores: Any, *, failed: Any = None, eligible: Any = None, elapsed: Any = None,
                 metric: str = "score") -> None:
        self.scores = np.asarray(scores, dtype=float)
        n = len(self.scores)
        self.failed = ~np.isfinite(self.scores) if failed is None else np.asarray(failed, dtype=bool)
        self.eligible = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
        self.elapsed = None if elapsed is None else np.asarray(elapsed, dtype=float)
        self.metric = metric
        for name in ("failed", "eligible", "elapsed"):
            value = getattr(self, name)
            if value is not None and value.shape != self.scores.shape:
                raise ValueError(
                    f"{name} must have one entry per score ({n}), got shape {value.shape}."
                )
        ok = self.eligible & ~self.failed & np.isfinite(self.scores)
        running = np.maximum.accumulate(np.where(ok, self.scores, -np.inf)) if n else np.array([])
        self.best_so_far_ = np.where(np.isfinite(running), running, np.nan)

    @classmethod
    def from_estimator(cls, search: Any, *, metric: str | None = None, x: str = "candidate",
                       ax: Any = None) -> "ConvergenceDisplay":
        """Compute the convergence of a fitted search and plot it.

        Parameters
        ----------
        search : fitted search
            A skhpo searcher, or any scikit-learn search with ``cv_results_``.
        metric : str, default=None
            The ``mean_test_<metric>`` to show. None: the metric the search
            optimized (the refit metric, or ``"score"``).
        x : {"candidate", "time"}, default="candidate"
            Candidate number, or cumulative fit + score time (see Notes).
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ConvergenceDisplay

        Notes
        -----
        ``x="time"`` uses the cumulative sum of ``(mean_fit_time +
        mean_score_time) * n_splits_`` over the rows, the compute time the
        fits took. It is what a sequential run (``n_jobs=1``) would spend
        fitting and scoring; it leaves out the optimizer's own time and
        overstates the wall-clock time of a parallel run. ``cv_results_``
        records no wall-clock times, so this is the time axis one can
        reconstruct from a fitted search.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skhpo import TPESearchCV
        >>> from skhpo.plot import ConvergenceDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> search = TPESearchCV(DecisionTreeClassifier(random_state=0),
        ...                      {"max_depth": (1, 6)}, n_iter=5, cv=3,
        ...                      random_state=0).fit(X, y)
        >>> disp = ConvergenceDisplay.from_estimator(search, x="time")
        >>> disp.ax_.get_xlabel()
        'cumulative fit + score time (s)'
        """
        _check_fitted(search, "ConvergenceDisplay")
        metric = _metric(search, metric)
        scores, failed = _scores(search, metric)
        display = cls(scores, failed=failed, eligible=_eligible_rows(search), elapsed=_elapsed(search),
                      metric=metric)
        return display.plot(ax=ax, x=x)

    def plot(self, ax: Any = None, *, x: str = "candidate") -> "ConvergenceDisplay":
        """Draw the scores and the best so far.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        x : {"candidate", "time"}, default="candidate"
            Candidate number (1-based row of ``cv_results_``), or the
            cumulative time given as ``elapsed``.

        Returns
        -------
        display : ConvergenceDisplay
            This object, with ``ax_``, ``figure_`` and the artists set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skhpo.plot import ConvergenceDisplay
        >>> disp = ConvergenceDisplay([0.5, np.nan, 0.7, 0.6]).plot()
        >>> disp.line_.get_ydata().tolist()
        [0.5, 0.5, 0.7, 0.7]
        >>> len(disp.failures_.get_offsets())
        1
        """
        plt = _pyplot("ConvergenceDisplay.plot")
        if x not in ("candidate", "time"):
            raise ValueError(f"x must be 'candidate' or 'time', got x={x!r}.")
        if x == "time" and self.elapsed is None:
            raise ValueError("x='time' needs the elapsed times; pass elapsed= or use from_estimator.")
        ax, fig = _get_axes(plt, ax)
        xs = np.arange(1, len(self.scores) + 1, dtype=float) if x == "candidate" else self.elapsed
        ok = ~self.failed & np.isfinite(self.scores)
        main = ok & self.eligible
        self.scatter_ = ax.scatter(xs[main], self.scores[main], s=20, color="C0", alpha=0.8,
                                   label="candidate", zorder=2)
        partial = ok & ~self.eligible
        self.partial_ = None
        if partial.any():
            self.partial_ = ax.scatter(xs[partial], self.scores[partial], s=8, color="0.6", alpha=0.7,
                                       label="lower budget", zorder=1)
        (self.line_,) = ax.step(xs, self.best_so_far_, where="post", color="C1", lw=2,
                                label="best so far", zorder=3)
        self.failures_ = None
        if self.failed.any():
            # x in data coordinates, y in axes coordinates: along the bottom.
            self.failures_ = ax.scatter(xs[self.failed], np.full(int(self.failed.sum()), 0.03),
                                        marker="x", color="C3", transform=ax.get_xaxis_transform(),
                                        label="failed", zorder=4, clip_on=False)
        ax.set_xlabel("candidate" if x == "candidate" else "cumulative fit + score time (s)")
        ax.set_ylabel(f"mean test {self.metric}")
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, fig
        return self
