"""ImportanceDisplay: which parameters matter, by functional ANOVA on a model of the results."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..space._cells import cell_middle
from ._base import (
    _check_fitted,
    _family_labels,
    _get_axes,
    _metric,
    _pyplot,
    _row_params,
    _scores,
)

__all__ = ["ImportanceDisplay"]

#: Fewest finite results a forest is fit to; below, the importances would be noise.
MIN_RESULTS = 10
#: Values of a parameter at which its marginal is evaluated.
_GRID = 16
#: Background configurations drawn from the prior, per sub-space.
_BACKGROUND = 128


def _fanova(space: Any, X: np.ndarray, y: np.ndarray, *, n_estimators: int,
            random_state: Any) -> tuple[list[int], np.ndarray, np.ndarray]:
    """First-order variance fractions of each column, mean and std over the trees.

    Returns the columns (the root, if any, then the parameters), and for each
    the mean and the standard deviation over the forest's trees of
    ``V_j / V``: the variance of the parameter's marginal prediction over its
    prior, weighted by its sub-space's prior probability, over the variance
    of the prediction over the whole space.
    """
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.utils import check_random_state

    rs = check_random_state(random_state)
    forest = RandomForestRegressor(n_estimators=n_estimators, min_samples_leaf=1, max_features=1.0,
                                   random_state=rs.randint(2**31 - 1), n_jobs=1)
    forest.fit(np.nan_to_num(X, nan=-1.0), y)  # -1: "inactive in this sub-space"
    rng = np.random.default_rng(rs.randint(2**31 - 1))
    k = space.n_subspaces
    background = []
    for s in range(k):
        # A scrambled Sobol design spreads the background evenly over the prior.
        B = space.sobol(_BACKGROUND, rng)
        if space.root is not None:
            B[:, space.root] = cell_middle(s, k)
        background.append(space.snap(B))
    # Every block of rows to predict, and where each one's columns go.
    blocks: list[np.ndarray] = list(background)
    plan: list[tuple[int, int, int]] = []  # (column, sub-space, number of grid values)
    for j in range(space.n_columns):
        if (space.root is not None and j == space.root) or space.sizes[j] == 1:
            continue  # the root is the "family" term; a single value explains nothing
        s = int(space.column_subspace[j])
        size = space.sizes[j]
        n_grid = int(size) if np.isfinite(size) and size <= _GRID else _GRID
        for g in (np.arange(n_grid) + 0.5) / n_grid:
            B = background[s].copy()
            B[:, j] = g
            blocks.append(space.snap(B))
        plan.append((j, s, n_grid))
    Z = np.nan_to_num(np.vstack(blocks), nan=-1.0)
    # (n_trees, n_blocks, n_background): each tree's predictions.
    P = np.stack([t.predict(Z) for t in forest.estimators_]).reshape(len(forest.estimators_), -1, _BACKGROUND)
    # Every block is a draw from its sub-space's prior (one column on an even
    # grid), so the moments of the score in a sub-space pool all its blocks:
    # the total variance is then estimated from the same predictions as the
    # marginals, and the fractions stay consistent with each other.
    pooled: list[list[int]] = [[s] for s in range(k)]
    at = k
    for j, s, n_grid in plan:
        pooled[s].extend(range(at, at + n_grid))
        at += n_grid
    first = np.stack([P[:, rows, :].mean(axis=(1, 2)) for rows in pooled], axis=1)  # (n_trees, k)
    second = np.stack([(P[:, rows, :] ** 2).mean(axis=(1, 2)) for rows in pooled], axis=1)
    total = second.mean(axis=1) - first.mean(axis=1) ** 2  # sub-spaces equally likely
    columns, fractions = [], []
    if space.root is not None:
        columns.append(space.root)
        fractions.append(first.var(axis=1))
    at = k
    for j, s, n_grid in plan:
        marginal = P[:, at : at + n_grid, :].mean(axis=2)  # (n_trees, n_grid)
        fractions.append(marginal.var(axis=1) / k)
        columns.append(j)
        at += n_grid
    F = np.array(fractions).T  # (n_trees, n_columns)
    live = total > 1e-12 * max(1.0, float(np.max(np.abs(first))) ** 2)
    if not live.any():
        return columns, np.zeros(len(columns)), np.zeros(len(columns))
    F = F[live] / total[live, None]
    return columns, F.mean(axis=0), F.std(axis=0)


class ImportanceDisplay:
    """How much of the score's variation each parameter explains.

    A random forest is fit to the search's own results (the encoded
    parameters of each candidate that did not fail → its score), and the
    variance of its predictions over the search space is split as in
    functional ANOVA: a parameter's importance is the variance of its
    marginal prediction (the forest's prediction averaged over every other
    parameter) as a fraction of the total variance. Bars are drawn from the
    most to the least important, with the standard deviation over the
    forest's trees as error bars. Create it with :meth:`from_estimator`.

    Parameters
    ----------
    importances : array-like of shape (n_parameters,)
        Fraction of the variance each parameter explains on its own.
    names : list of str
        The parameters' labels.
    importances_std : array-like of shape (n_parameters,), default=None
        Standard deviation of each importance over the forest's trees.
    metric : str, default="score"
        Name of the metric, for the axis label.
    n_resources : int, default=None
        For a halving search, the budget whose results were explained (in
        the title).

    Attributes
    ----------
    importances_ : ndarray of shape (n_parameters,)
        The importances, in the order of ``names_``.
    importances_std_ : ndarray of shape (n_parameters,) or None
        Their standard deviations over the trees.
    names_ : list of str
        Labels: the parameter names, but not those with a single value
        (such as the estimator a CASH sub-space chooses); in a space of
        several sub-spaces, ``"family"`` for the choice of sub-space, and a
        parameter of several sub-spaces once per sub-space, as
        ``"name [family]"``.
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    bars_ : matplotlib BarContainer
        One horizontal bar per parameter, the most important on top.

    See Also
    --------
    ParameterDisplay : Score against each parameter.

    Notes
    -----
    The method is functional ANOVA (Hutter, Hoos & Leyton-Brown, "An
    Efficient Approach for Assessing Hyperparameter Importance", ICML 2014)
    on a random forest of the results: it asks how much the expected score
    moves when one parameter moves over its whole prior, averaging over the
    others, which is the question "which parameters matter" and is not
    biased towards continuous parameters as a forest's impurity importances
    are. A forest handles categorical and conditional parameters with no
    special care (an inactive parameter is encoded as -1, outside the unit
    interval the active values use). The marginals are estimated by Monte
    Carlo rather than by fANOVA's exact tree traversal: each parameter is
    set to 16 values evenly spread over its prior (every value of a finite
    one with at most 16), over 128 background configurations spread over
    the prior of its sub-space (a scrambled Sobol design); the total
    variance is estimated from the same predictions; this keeps the code short and takes well under
    a second for hundreds of candidates. In a space of several sub-spaces,
    ``"family"`` is the variance between the sub-spaces' mean predictions,
    and a parameter's variance is taken within its sub-space and weighted
    by the sub-space's prior probability, so the fractions still add up to
    at most about 1 (the rest is interactions). As in fANOVA, the fractions
    are computed per tree and averaged. At least 10 finite results are
    needed: fewer cannot support a model of the score.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhpo import TPESearchCV
    >>> from skhpo.plot import ImportanceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = TPESearchCV(DecisionTreeClassifier(random_state=0),
    ...                      {"max_depth": (1, 8), "min_samples_split": (2, 10)},
    ...                      n_iter=12, cv=3, random_state=0).fit(X, y)
    >>> disp = ImportanceDisplay.from_estimator(search, random_state=0)
    >>> sorted(disp.names_)
    ['max_depth', 'min_samples_split']
    >>> bool(0 <= disp.importances_.sum() <= 1.05)
    True
    """

    def __init__(self, importances: Any, names: Any, *, importances_std: Any = None,
                 metric: str = "score", n_resources: Any = None) -> None:
        self.importances_ = np.asarray(importances, dtype=float)
        self.names_ = list(names)
        self.importances_std_ = None if importances_std is None else np.asarray(importances_std, dtype=float)
        self.metric = metric
        self.n_resources = n_resources
        if len(self.names_) != len(self.importances_):
            raise ValueError(
                f"names must have one label per importance ({len(self.importances_)}), got {len(self.names_)}."
            )
        if self.importances_std_ is not None and self.importances_std_.shape != self.importances_.shape:
            raise ValueError(
                f"importances_std must have the shape of importances {self.importances_.shape}, got "
                f"{self.importances_std_.shape}."
            )

    @classmethod
    def from_estimator(cls, search: Any, *, metric: str | None = None, n_estimators: int = 32,
                       random_state: Any = None, ax: Any = None) -> "ImportanceDisplay":
        """Compute the importances from a fitted skhpo search and plot them.

        Only the candidates that did not fail are used; for a halving search,
        those of the largest budget with at least 10 of them, as BOHB's own
        model chooses its budget (scores at different budgets are not
        comparable). The budget is kept as ``n_resources``.

        Parameters
        ----------
        search : fitted skhpo search
            It must have ``cv_results_`` and ``search_space_``, with at least
            10 candidates with a finite score.
        metric : str, default=None
            The ``mean_test_<metric>`` to explain. None: the metric the
            search optimized.
        n_estimators : int, default=32
            Trees of the random forest.
        random_state : int, RandomState instance or None, default=None
            Seeds the forest and the background configurations; an int
            gives the same importances every time.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ImportanceDisplay

        Raises
        ------
        ValueError
            With fewer than 10 finite results, or when every score is equal.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.svm import SVC
        >>> from skhpo import TPESearchCV
        >>> from skhpo.plot import ImportanceDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> search = TPESearchCV(SVC(), {"C": (1e-3, 1e3, "log-uniform"),
        ...                              "kernel": ["rbf", "linear"]},
        ...                      n_iter=12, cv=3, random_state=0).fit(X, y)
        >>> disp = ImportanceDisplay.from_estimator(search, random_state=0)
        >>> len(disp.bars_)
        2
        """
        _check_fitted(search, "ImportanceDisplay", "search_space_")
        if isinstance(n_estimators, bool) or not isinstance(n_estimators, numbers.Integral) or n_estimators < 1:
            raise ValueError(f"n_estimators must be an int >= 1, got n_estimators={n_estimators!r}.")
        metric = _metric(search, metric)
        space = search.search_space_
        scores, failed = _scores(search, metric)
        ok = ~failed & np.isfinite(scores)
        params = _row_params(search)

        def encoded(mask: np.ndarray) -> tuple[list, list]:
            rows, y = [], []
            for i in np.flatnonzero(mask):
                try:
                    rows.append(space.encode(params[i]).vector)
                except ValueError:  # not a point of the space (e.g. results edited by hand)
                    continue
                y.append(scores[i])
            return rows, y

        budget = None
        if "n_resources" in search.cv_results_:
            # The largest budget with enough results, as BOHB's own model chooses.
            n_resources = np.asarray(search.cv_results_["n_resources"])
            for budget in sorted(set(n_resources.tolist()), reverse=True):
                rows, y = encoded(ok & (n_resources == budget))
                if len(y) >= MIN_RESULTS:
                    break
            where = " at any one budget (n_resources)"
        else:
            rows, y = encoded(ok)
            where = ""
        if len(y) < MIN_RESULTS:
            raise ValueError(
                f"ImportanceDisplay needs at least {MIN_RESULTS} candidates with a finite "
                f"mean_test_{metric} (not failed){where} to fit its model of the results; this search "
                f"has {len(y)}. Run the search with a larger n_iter."
            )
        y = np.asarray(y)
        if np.ptp(y) == 0:
            raise ValueError(
                f"Every candidate has the same mean_test_{metric} ({y[0]!r}): no parameter explains "
                "any variation, so there are no importances to show."
            )
        if space.n_columns == 0:
            raise ValueError("The search space has no parameters, so there are no importances to show.")
        columns, mean, std = _fanova(space, np.asarray(rows), y, n_estimators=int(n_estimators),
                                     random_state=random_state)
        display = cls(mean, _column_labels(space, columns), importances_std=std, metric=metric,
                      n_resources=budget)
        return display.plot(ax=ax)

    def plot(self, ax: Any = None) -> "ImportanceDisplay":
        """Draw the importances as horizontal bars, the most important on top.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ImportanceDisplay
            This object, with ``ax_``, ``figure_`` and ``bars_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skhpo.plot import ImportanceDisplay
        >>> disp = ImportanceDisplay([0.1, 0.7], ["gamma", "C"]).plot()
        >>> [t.get_text() for t in disp.ax_.get_yticklabels()]
        ['C', 'gamma']
        >>> [float(bar.get_width()) for bar in disp.bars_]
        [0.7, 0.1]
        """
        plt = _pyplot("ImportanceDisplay.plot")
        ax, fig = _get_axes(plt, ax)
        order = np.argsort(-self.importances_, kind="stable")
        ypos = np.arange(len(order))[::-1]  # the first (most important) at the top
        err = None if self.importances_std_ is None else self.importances_std_[order]
        self.bars_ = ax.barh(ypos, self.importances_[order], xerr=err, color="C0", capsize=3)
        ax.set_yticks(ypos)
        ax.set_yticklabels([self.names_[i] for i in order])
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.set_xlabel(f"fraction of the variance of mean test {self.metric}")
        at = "" if self.n_resources is None else f", n_resources={self.n_resources}"
        ax.set_title(f"parameter importance (functional ANOVA{at})")
        self.ax_, self.figure_ = ax, fig
        return self


def _column_labels(space: Any, columns: list[int]) -> list[str]:
    """A label per encoded column: ``"family"`` for the root, names made unique by family."""
    families = _family_labels(space)
    counts: dict[str, int] = {}
    for j, name in enumerate(space.names):
        if space.root is None or j != space.root:
            counts[name] = counts.get(name, 0) + 1
    labels = []
    for j in columns:
        if space.root is not None and j == space.root:
            labels.append("family")
        elif counts[space.names[j]] > 1:
            labels.append(f"{space.names[j]} [{families[int(space.column_subspace[j])]}]")
        else:
            labels.append(space.names[j])
    return labels
