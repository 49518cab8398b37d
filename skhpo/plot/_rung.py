"""RungDisplay: scores across the rungs of a halving search, promoted candidates joined."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._params import _params_key
from ._base import _check_fitted, _get_axes, _metric, _pyplot, _row_params, _scores

__all__ = ["RungDisplay"]


class RungDisplay:
    """Scores of a halving search's candidates across its rungs.

    Each row of ``cv_results_`` is one candidate evaluated at one budget.
    The display puts it at x = its resources (a log axis, as the budgets
    grow by ``factor``) and y = its score, and joins the rows of one
    configuration within one bracket by a line: each line is a candidate
    that was promoted at least once, and its slope shows how its score
    changed with the budget. Colours are the brackets. Failed evaluations
    are crosses along the bottom. Create it with :meth:`from_estimator`.

    Parameters
    ----------
    n_resources : array-like of shape (n_rows,)
        Resources of each row.
    scores : array-like of shape (n_rows,)
        Mean test score of each row, NaN for a failed one; higher is better.
    config : array-like of int, shape (n_rows,)
        Configuration of each row: rows with the same value are the same
        candidate (in the same bracket) at different budgets.
    bracket : array-like of int, shape (n_rows,), default=None
        Bracket of each row, for the colours. None: a single bracket.
    failed : array-like of bool, default=None
        Failed rows. None: the rows with a NaN score.
    metric : str, default="score"
        Name of the metric, for the y label.

    Attributes
    ----------
    promoted_ : list of ndarray
        Row indices of each promoted configuration (at least two rows),
        ordered by resources.
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    lines_ : list of matplotlib Line2D
        One line per promoted configuration, in the order of ``promoted_``.
    scatter_ : matplotlib PathCollection
        Every row that did not fail.
    failures_ : matplotlib PathCollection or None
        One cross per failed row; None when none failed.

    See Also
    --------
    ConvergenceDisplay : Scores in evaluation order.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import HalvingBOHBSearchCV
    >>> from skhpo.plot import RungDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> search = HalvingBOHBSearchCV(DecisionTreeClassifier(random_state=0),
    ...                              {"max_depth": (2, 20), "min_samples_leaf": (1, 20)},
    ...                              n_iter=4, cv=3,
    ...                              random_state=0).fit(X, y)
    >>> disp = RungDisplay.from_estimator(search)
    >>> disp.ax_.get_xscale(), len(disp.lines_) == len(disp.promoted_)
    ('log', True)
    """

    def __init__(self, n_resources: Any, scores: Any, config: Any, *, bracket: Any = None, failed: Any = None,
                 metric: str = "score") -> None:
        self.n_resources = np.asarray(n_resources, dtype=float)
        self.scores = np.asarray(scores, dtype=float)
        self.config = np.asarray(config)
        n = len(self.scores)
        self.bracket = np.zeros(n, dtype=int) if bracket is None else np.asarray(bracket, dtype=int)
        self.failed = ~np.isfinite(self.scores) if failed is None else np.asarray(failed, dtype=bool)
        self.metric = metric
        for name in ("n_resources", "config", "bracket", "failed"):
            if getattr(self, name).shape != (n,):
                raise ValueError(
                    f"{name} must have one entry per score ({n}), got shape {getattr(self, name).shape}."
                )
        self.promoted_ = []
        for c in dict.fromkeys(self.config.tolist()):
            rows = np.flatnonzero(self.config == c)
            if len(rows) > 1:
                self.promoted_.append(rows[np.argsort(self.n_resources[rows], kind="stable")])

    @classmethod
    def from_estimator(cls, search: Any, *, metric: str | None = None, ax: Any = None) -> "RungDisplay":
        """Compute from a fitted halving search and plot.

        Parameters
        ----------
        search : fitted halving search
            A :class:`~skhpo.HalvingBOHBSearchCV`, or one of scikit-learn's
            halving searches: ``cv_results_`` must have ``n_resources``.
        metric : str, default=None
            The ``mean_test_<metric>`` to show. None: the metric the search
            optimized.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : RungDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skhpo import HalvingBOHBSearchCV
        >>> from skhpo.plot import RungDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> search = HalvingBOHBSearchCV(DecisionTreeClassifier(random_state=0),
        ...                              {"max_depth": (1, 10), "min_samples_leaf": (1, 20)},
        ...                              n_iter=3, cv=3,
        ...                              min_resources=30, random_state=0).fit(X, y)
        >>> disp = RungDisplay.from_estimator(search)
        >>> sorted(set(disp.scatter_.get_offsets()[:, 0].tolist()))
        [50.0, 150.0]
        """
        _check_fitted(search, "RungDisplay")
        results = search.cv_results_
        if "n_resources" not in results:
            raise ValueError(
                f"RungDisplay needs a halving search (HalvingBOHBSearchCV or scikit-learn's halving "
                f"searches), whose cv_results_ has 'n_resources'; this {type(search).__name__}'s has not."
            )
        metric = _metric(search, metric)
        scores, failed = _scores(search, metric)
        bracket = np.asarray(results["bracket"], dtype=int) if "bracket" in results else None
        groups: dict = {}
        brackets = bracket if bracket is not None else np.zeros(len(scores), dtype=int)
        config = [groups.setdefault((int(b), _params_key(p)), len(groups))
                  for b, p in zip(brackets, _row_params(search))]
        display = cls(results["n_resources"], scores, config, bracket=bracket, failed=failed, metric=metric)
        return display.plot(ax=ax)

    def plot(self, ax: Any = None) -> "RungDisplay":
        """Draw the rows and join the promoted configurations.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : RungDisplay
            This object, with ``ax_``, ``figure_`` and the artists set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skhpo.plot import RungDisplay
        >>> disp = RungDisplay([10, 10, 10, 30], [0.6, 0.8, 0.7, 0.85],
        ...                    config=[0, 1, 2, 1]).plot()
        >>> len(disp.lines_), disp.lines_[0].get_ydata().tolist()
        (1, [0.8, 0.85])
        """
        plt = _pyplot("RungDisplay.plot")
        ax, fig = _get_axes(plt, ax)
        colours = [f"C{b % 10}" for b in self.bracket]
        self.lines_ = []
        for rows in self.promoted_:
            (line,) = ax.plot(self.n_resources[rows], self.scores[rows], color=colours[rows[0]], lw=1.2,
                              alpha=0.8, zorder=2)
            self.lines_.append(line)
        ok = ~self.failed & np.isfinite(self.scores)
        self.scatter_ = ax.scatter(self.n_resources[ok], self.scores[ok], s=16,
                                   c=[colours[i] for i in np.flatnonzero(ok)], zorder=3)
        self.failures_ = None
        if self.failed.any():
            self.failures_ = ax.scatter(self.n_resources[self.failed], np.full(int(self.failed.sum()), 0.03),
                                        marker="x", color="C3", transform=ax.get_xaxis_transform(),
                                        clip_on=False, zorder=4)
        ax.set_xscale("log")
        resources = np.unique(self.n_resources)
        ax.set_xticks(resources)
        ax.set_xticklabels([f"{r:g}" for r in resources])
        ax.minorticks_off()
        ax.set_xlabel("resources (n_resources)")
        ax.set_ylabel(f"mean test {self.metric}")
        brackets = sorted(set(self.bracket.tolist()))
        handles = [plt.Line2D([], [], color=f"C{b % 10}", marker="o", label=f"bracket {b}") for b in brackets]
        if self.failures_ is not None:
            handles.append(plt.Line2D([], [], marker="x", ls="", color="C3", label="failed"))
        if len(brackets) > 1 or self.failures_ is not None:
            ax.legend(handles=handles, loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self
