"""ParameterDisplay: score against each parameter, and the best candidates in parallel coordinates."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._params import _value_key
from ..space._cells import cell_middle
from ._base import (
    _check_fitted,
    _eligible_rows,
    _family_labels,
    _get_axes,
    _metric,
    _pyplot,
    _row_params,
    _scores,
    _subspaces,
    _value_label,
)

__all__ = ["ParameterDisplay"]


def _log_prior(dim: Any) -> bool:
    """A log-uniform prior: ``prior="log-uniform"``, or scipy's ``loguniform`` distribution."""
    if getattr(dim, "prior", None) == "log-uniform":
        return True
    dist = getattr(getattr(dim, "distribution", None), "dist", None)
    return getattr(dist, "name", None) in ("loguniform", "reciprocal")


class _Axis:
    """How one parameter name is placed: as numbers (maybe log) or as categories."""

    def __init__(self, name: str, dims: list) -> None:
        self.name = name
        self.dims = dims  # one per sub-space that has the parameter
        self.categorical = any(d.kind == "cat" for d in dims)
        self.log = not self.categorical and all(_log_prior(d) for d in dims)
        self.categories: list = []
        self._index: dict = {}
        if self.categorical:
            for d in dims:
                for c in getattr(d, "choices", getattr(d, "values", [])):
                    key = _value_key(c)
                    if key not in self._index:
                        self._index[key] = len(self.categories)
                        self.categories.append(c)
        self.labels = [_value_label(c) for c in self.categories]
        # One value in every sub-space (e.g. a CASH family's estimator): no axis to vary along.
        self.constant = all(float(d.size) == 1 for d in dims)

    def position(self, value: Any) -> float:
        """Where ``value`` goes on a scatter's x axis."""
        if self.categorical:
            return float(self._index.get(_value_key(value), np.nan))
        try:
            return float(value)
        except (TypeError, ValueError):
            return np.nan


class ParameterDisplay:
    """Score against each parameter of a search, or the best candidates in parallel coordinates.

    ``kind="scatter"`` draws one subplot per parameter: the score of each
    candidate against the parameter's value, on a log axis for a
    log-uniform prior (also ``scipy.stats.loguniform``), categories as positions labelled with their values
    (estimators by class name); failed candidates are crosses along the
    bottom. In a space of several sub-spaces (a CASH list of dicts) the
    points are coloured by family: the estimator classes the sub-space
    chooses, or its index. ``kind="parallel"`` draws the ``top_k`` best
    candidates as lines across one vertical axis per parameter (and one for
    the family), each axis the parameter's unit coordinate under its prior
    (so log priors are log axes, categories equal cells), coloured by score;
    a parameter a candidate's sub-space lacks breaks its line.

    Create it with :meth:`from_estimator`; the constructor only stores the
    data.

    Parameters
    ----------
    params : list of dict
        Parameters of each row (without a halving search's budget parameter).
    scores : array-like of shape (n_rows,)
        Mean test score of each row, NaN for a failed one; higher is better.
    space : SearchSpace
        The search's parsed space (``search.search_space_``).
    failed : array-like of bool, default=None
        Failed rows. None: the rows with a NaN score.
    subspace : array-like of int, default=None
        Sub-space of each row. None: found from each row's parameter names.
    metric : str, default="score"
        Name of the metric, for the labels.

    Attributes
    ----------
    names_ : list of str
        The parameters, in the order of the space.
    family_labels_ : list of str
        A label per sub-space.
    axes_ : ndarray of matplotlib Axes
        The axes drawn on: one per parameter shown (``kind="scatter"``), or
        the single axes (``kind="parallel"``).
    ax_ : matplotlib Axes
        The first of ``axes_``.
    figure_ : matplotlib Figure
        The figure.
    scatters_ : list of matplotlib PathCollection
        ``kind="scatter"``: the candidates that did not fail, per parameter.
    failures_ : list of (matplotlib PathCollection or None)
        ``kind="scatter"``: the failed candidates, per parameter.
    lines_ : list of matplotlib Line2D
        ``kind="parallel"``: one line per candidate shown, best first.
    colorbar_ : matplotlib Colorbar
        ``kind="parallel"``: the score scale of the lines.

    See Also
    --------
    ConvergenceDisplay : Scores in evaluation order.
    ImportanceDisplay : Which parameters matter.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhpo import TPESearchCV
    >>> from skhpo.plot import ParameterDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = TPESearchCV(SVC(), {"C": (1e-2, 1e2, "log-uniform"),
    ...                              "kernel": ["rbf", "linear"]},
    ...                      n_iter=6, cv=3, random_state=0).fit(X, y)
    >>> disp = ParameterDisplay.from_estimator(search)
    >>> disp.names_, disp.axes_[0].get_xscale()
    (['C', 'kernel'], 'log')
    >>> [t.get_text() for t in disp.axes_[1].get_xticklabels()]
    ['rbf', 'linear']
    """

    def __init__(self, params: list, scores: Any, *, space: Any, failed: Any = None, subspace: Any = None,
                 metric: str = "score") -> None:
        self.params = [dict(p) for p in params]
        self.scores = np.asarray(scores, dtype=float)
        if len(self.params) != len(self.scores):
            raise ValueError(
                f"params and scores must have the same length, got {len(self.params)} and {len(self.scores)}."
            )
        self.space = space
        self.failed = ~np.isfinite(self.scores) if failed is None else np.asarray(failed, dtype=bool)
        self.subspace = _subspaces(space, self.params) if subspace is None else np.asarray(subspace, dtype=int)
        self.metric = metric
        self.names_: list[str] = []
        dims: dict[str, list] = {}
        for sub in space.subspaces:
            for name, dim in sub.items():
                if name not in dims:
                    self.names_.append(name)
                    dims[name] = []
                dims[name].append(dim)
        self._axes = {name: _Axis(name, dims[name]) for name in self.names_}
        self.family_labels_ = _family_labels(space)

    @classmethod
    def from_estimator(cls, search: Any, *, metric: str | None = None, kind: str = "scatter",
                       params: Any = None, top_k: int = 10, n_cols: int = 3,
                       ax: Any = None) -> "ParameterDisplay":
        """Compute from a fitted skhpo search and plot.

        Rows of a halving search below the full budget are left out: their
        scores are not comparable with the full-budget ones.

        Parameters
        ----------
        search : fitted skhpo search
            It must have ``cv_results_`` and ``search_space_``.
        metric : str, default=None
            The ``mean_test_<metric>`` to show. None: the metric the search
            optimized.
        kind : {"scatter", "parallel"}, default="scatter"
            One subplot per parameter, or parallel coordinates of the best.
        params : list of str, default=None
            The parameters to show, in this order. None: every parameter
            (for ``kind="parallel"``, every one with more than one value).
        top_k : int, default=10
            ``kind="parallel"``: how many of the best candidates to draw.
        n_cols : int, default=3
            ``kind="scatter"``: subplots per row of a new figure.
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw: for ``kind="scatter"`` one Axes per parameter
            shown (a single Axes for a single parameter); for
            ``kind="parallel"`` one Axes. None makes a new figure.

        Returns
        -------
        display : ParameterDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skhpo import TPESearchCV
        >>> from skhpo.plot import ParameterDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> search = TPESearchCV(DecisionTreeClassifier(random_state=0),
        ...                      {"max_depth": (1, 6), "criterion": ["gini", "entropy"]},
        ...                      n_iter=6, cv=3, random_state=0).fit(X, y)
        >>> disp = ParameterDisplay.from_estimator(search, kind="parallel", top_k=3)
        >>> len(disp.lines_)
        3
        """
        _check_fitted(search, "ParameterDisplay", "search_space_")
        metric = _metric(search, metric)
        scores, failed = _scores(search, metric)
        rows = np.flatnonzero(_eligible_rows(search))
        all_params = _row_params(search)
        display = cls([all_params[i] for i in rows], scores[rows], space=search.search_space_,
                      failed=failed[rows], metric=metric)
        return display.plot(ax=ax, kind=kind, params=params, top_k=top_k, n_cols=n_cols)

    def _check_names(self, params: Any, kind: str) -> list[str]:
        if params is None:
            if kind == "parallel":  # a constant is a flat line; the family axis shows a CASH choice
                return [n for n in self.names_ if not self._axes[n].constant]
            return list(self.names_)
        if isinstance(params, str):
            params = [params]
        params = list(params)
        unknown = [p for p in params if p not in self._axes]
        if unknown or not params:
            raise ValueError(
                f"params must be None or a non-empty list of the space's parameters {self.names_}, "
                f"got params={params!r}" + (f" ({unknown} are not in the space)." if unknown else ".")
            )
        return params

    def plot(self, ax: Any = None, *, kind: str = "scatter", params: Any = None, top_k: int = 10,
             n_cols: int = 3) -> "ParameterDisplay":
        """Draw the scores against the parameters.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw (see :meth:`from_estimator`).
        kind : {"scatter", "parallel"}, default="scatter"
            One subplot per parameter, or parallel coordinates of the best.
        params : list of str, default=None
            The parameters to show. None: every parameter (for
            ``kind="parallel"``, every one with more than one value).
        top_k : int, default=10
            ``kind="parallel"``: how many of the best candidates to draw.
        n_cols : int, default=3
            ``kind="scatter"``: subplots per row of a new figure.

        Returns
        -------
        display : ParameterDisplay
            This object, with ``axes_``, ``figure_`` and the artists set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skhpo.space import SearchSpace
        >>> from skhpo.plot import ParameterDisplay
        >>> space = SearchSpace({"alpha": (1e-4, 1.0, "log-uniform")})
        >>> disp = ParameterDisplay([{"alpha": 0.001}, {"alpha": 0.1}], [0.7, 0.9],
        ...                         space=space).plot()
        >>> disp.ax_.get_xscale(), disp.scatters_[0].get_offsets().tolist()
        ('log', [[0.001, 0.7], [0.1, 0.9]])
        """
        if kind not in ("scatter", "parallel"):
            raise ValueError(f"kind must be 'scatter' or 'parallel', got kind={kind!r}.")
        plt = _pyplot("ParameterDisplay.plot")
        names = self._check_names(params, kind)
        if kind == "parallel":
            return self._plot_parallel(plt, ax, names, top_k)
        return self._plot_scatter(plt, ax, names, n_cols)

    # ------------------------------------------------------------ scatter
    def _scatter_axes(self, plt: Any, ax: Any, n: int, n_cols: int) -> tuple[np.ndarray, Any]:
        if ax is None:
            if not isinstance(n_cols, int) or n_cols < 1:
                raise ValueError(f"n_cols must be an int >= 1, got n_cols={n_cols!r}.")
            cols = min(n_cols, n)
            rows = math.ceil(n / cols)
            fig, grid = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False,
                                     sharey=True, layout="constrained")
            for extra in grid.ravel()[n:]:
                extra.set_visible(False)
            return grid.ravel()[:n], fig
        axes = np.ravel(np.asarray(ax, dtype=object))
        if len(axes) != n:
            raise ValueError(
                f"ax must hold one Axes per parameter shown ({n}), got {len(axes)}; pass params= "
                "to choose the parameters, or ax=None for a new figure."
            )
        for a in axes:
            _get_axes(plt, a)
        return axes, axes[0].figure

    def _plot_scatter(self, plt: Any, ax: Any, names: list, n_cols: int) -> "ParameterDisplay":
        axes, fig = self._scatter_axes(plt, ax, len(names), n_cols)
        several = self.space.n_subspaces > 1
        colours = np.array([f"C{s % 10}" if several and s >= 0 else "C0" for s in self.subspace], dtype=object)
        self.scatters_, self.failures_ = [], []
        for a, name in zip(axes, names):
            axis = self._axes[name]
            has = np.array([name in p for p in self.params], dtype=bool)
            xs = np.array([axis.position(p[name]) if name in p else np.nan for p in self.params])
            ok = has & ~self.failed & np.isfinite(self.scores) & np.isfinite(xs)
            self.scatters_.append(a.scatter(xs[ok], self.scores[ok], s=18, c=list(colours[ok]), alpha=0.8))
            bad = has & self.failed & np.isfinite(xs)
            failures = None
            if bad.any():
                failures = a.scatter(xs[bad], np.full(int(bad.sum()), 0.03), marker="x", color="C3",
                                     transform=a.get_xaxis_transform(), clip_on=False, label="failed")
            self.failures_.append(failures)
            if axis.categorical:
                a.set_xticks(np.arange(len(axis.categories)))
                long = max(map(len, axis.labels), default=0) > 6
                a.set_xticklabels(axis.labels, rotation=30 if long else 0, ha="right" if long else "center")
                a.set_xlim(-0.5, len(axis.categories) - 0.5)
            elif axis.log:
                a.set_xscale("log")
            a.set_xlabel(name)
        axes[0].set_ylabel(f"mean test {self.metric}")
        handles = []
        if several:
            present = sorted(set(int(s) for s in self.subspace if s >= 0))
            handles = [plt.Line2D([], [], marker="o", ls="", color=f"C{s % 10}", label=self.family_labels_[s])
                       for s in present]
        if any(f is not None for f in self.failures_):
            handles.append(plt.Line2D([], [], marker="x", ls="", color="C3", label="failed"))
        if handles:
            axes[0].legend(handles=handles, loc="best", fontsize="small")
        self.axes_, self.ax_, self.figure_ = np.asarray(axes, dtype=object), axes[0], fig
        return self

    # ----------------------------------------------------------- parallel
    def _plot_parallel(self, plt: Any, ax: Any, names: list, top_k: Any) -> "ParameterDisplay":
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
            raise ValueError(f"top_k must be an int >= 1, got top_k={top_k!r}.")
        ax, fig = _get_axes(plt, ax)
        ok = np.flatnonzero(~self.failed & np.isfinite(self.scores))
        order = ok[np.argsort(-self.scores[ok], kind="stable")][: int(top_k)]
        several = self.space.n_subspaces > 1
        columns = (["family"] if several else []) + names
        ys = np.full((len(order), len(columns)), np.nan)
        for r, i in enumerate(order):
            s = int(self.subspace[i])
            if several:
                ys[r, 0] = cell_middle(s, self.space.n_subspaces) if s >= 0 else np.nan
            for c, name in enumerate(names, start=int(several)):
                if s >= 0 and name in self.space.subspaces[s] and name in self.params[i]:
                    ys[r, c] = self.space.subspaces[s][name].to_unit(self.params[i][name])
        xs = np.arange(len(columns), dtype=float)
        chosen = self.scores[order]
        lo, hi = (float(chosen.min()), float(chosen.max())) if len(chosen) else (0.0, 1.0)
        norm = plt.Normalize(lo, hi if hi > lo else lo + 1e-12)
        cmap = plt.get_cmap("viridis")
        self.lines_ = []
        for r in range(len(order))[::-1]:  # the best drawn last, on top
            (line,) = ax.plot(xs, ys[r], color=cmap(norm(chosen[r])), lw=1.5, alpha=0.85, marker="o", ms=3)
            self.lines_.append(line)
        self.lines_.reverse()
        for c, column in enumerate(columns):
            ax.axvline(c, color="0.3", lw=0.8, zorder=0)
            self._annotate_axis(ax, c, column)
        ax.set_xticks(xs)
        ax.set_xticklabels(columns, rotation=30 if len(columns) > 4 else 0,
                           ha="right" if len(columns) > 4 else "center")
        ax.set_xlim(-0.3, len(columns) - 0.7)
        ax.set_ylim(-0.05, 1.05)
        ax.set_yticks([])
        ax.set_title(f"the {len(order)} best candidates")
        mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        mappable.set_array([])
        self.colorbar_ = fig.colorbar(mappable, ax=ax, label=f"mean test {self.metric}")
        self.axes_, self.ax_, self.figure_ = np.asarray([ax], dtype=object), ax, fig
        return self

    def _annotate_axis(self, ax: Any, c: int, column: str) -> None:
        """Value labels along a parallel axis: categories at their cells, else the bounds."""
        style = dict(fontsize="x-small", ha="left", va="center", color="0.2")
        if column == "family":
            k = self.space.n_subspaces
            for s, label in enumerate(self.family_labels_):
                ax.text(c + 0.03, cell_middle(s, k), label, **style)
            return
        dim = self._axes[column].dims[0]
        choices = getattr(dim, "choices", None)
        values = getattr(dim, "values", None)
        if choices is not None or (values is not None and len(values) <= 8):
            for v in choices if choices is not None else values:
                ax.text(c + 0.03, dim.to_unit(v), _value_label(v), **style)
            return
        ax.text(c + 0.03, 0.0, f"{dim.from_unit(0.0):.3g}", **style)
        ax.text(c + 0.03, 1.0, f"{dim.from_unit(1.0):.3g}", **style)
