"""What every display shares: matplotlib on demand, and the results of a fitted search.

Nothing here imports matplotlib at module level, so ``import skhpo.plot``
works without it; :func:`_pyplot` imports it when something is drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

__all__: list[str] = []

_INSTALL_HINT = 'pip install "skhpo[plot]"'


def _pyplot(what: str) -> Any:
    """``matplotlib.pyplot``, or an ImportError saying how to install it."""
    try:
        importlib.import_module("matplotlib")
        return importlib.import_module("matplotlib.pyplot")
    except ImportError as exc:
        raise ImportError(
            f"{what} needs matplotlib, which is not installed (or cannot be imported): "
            f"{_INSTALL_HINT}, or pip install matplotlib."
        ) from exc


def _check_fitted(search: Any, what: str, *attributes: str) -> None:
    """NotFittedError without ``cv_results_``; TypeError without ``attributes`` (skhpo's)."""
    from sklearn.exceptions import NotFittedError

    if not hasattr(search, "cv_results_"):
        raise NotFittedError(
            f"{what} needs a fitted search: this {type(search).__name__} has no cv_results_. "
            "Call fit(X, y) first."
        )
    missing = [a for a in attributes if not hasattr(search, a)]
    if missing:
        raise TypeError(
            f"{what} needs a fitted skhpo search (BayesSearchCV, TPESearchCV, HalvingBOHBSearchCV, "
            f"EvolutionSearchCV), which keeps {', '.join(missing)}; got a {type(search).__name__} "
            "without it."
        )


def _metric(search: Any, metric: str | None) -> str:
    """The metric to show: ``metric``, else the one the search optimized.

    Without ``metric``: the refit metric when ``refit`` names one, ``"score"``
    for a single metric, otherwise the first ``mean_test_*`` key (skhpo's
    searchers say which through ``_objective_metric``).
    """
    results = search.cv_results_
    available = sorted(k[len("mean_test_") :] for k in results if k.startswith("mean_test_"))
    if metric is None:
        if hasattr(search, "_objective_metric"):
            return search._objective_metric(results)
        refit = getattr(search, "refit", None)
        if isinstance(refit, str) and f"mean_test_{refit}" in results:
            return refit
        if "score" in available or not available:
            return "score"
        return available[0]
    if not isinstance(metric, str) or f"mean_test_{metric}" not in results:
        raise ValueError(
            f"metric must be None or one of the search's metrics {available}, got metric={metric!r}."
        )
    return metric


def _scores(search: Any, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean test scores (NaN for failures) and the mask of failed rows.

    A row failed when its mean is not finite (``error_score=np.nan``, the
    default) or when skhpo's driver recorded a failed fold for it: with a
    numeric ``error_score`` the mean is finite but counts the failed folds
    at that value, and the driver ranks it last and never chooses it.
    Scores are scikit-learn's, higher is better (losses are ``neg_``).
    """
    results = search.cv_results_
    key = f"mean_test_{metric}"
    if key not in results:
        raise ValueError(f"The search's cv_results_ has no {key!r}; pass metric= one of its metrics.")
    scores = np.asarray(results[key], dtype=float).copy()
    failed = ~np.isfinite(scores)
    log = getattr(search, "_failure_log", None)
    if log is not None:
        idx = [i for i in log.failed if i < len(scores)]
        failed[idx] = True
    scores[failed] = np.nan
    return scores, failed


def _elapsed(search: Any) -> np.ndarray:
    """Cumulative fit + score time (seconds) after each row of ``cv_results_``."""
    results = search.cv_results_
    n_splits = int(getattr(search, "n_splits_", 1))
    per_row = (np.asarray(results["mean_fit_time"], dtype=float)
               + np.asarray(results["mean_score_time"], dtype=float)) * n_splits
    return np.cumsum(np.nan_to_num(per_row))


def _eligible_rows(search: Any) -> np.ndarray:
    """Rows that compete for ``best_index_`` (the full-budget rows of a halving search)."""
    results = search.cv_results_
    n = len(results["params"])
    if hasattr(search, "_full_budget_rows"):
        mask = search._full_budget_rows(results)
        if mask is not None:
            return np.asarray(mask, dtype=bool)
        return np.ones(n, dtype=bool)
    if "n_resources" in results:  # scikit-learn's halving searches: the last rung
        iters = np.asarray(results["iter"])
        return iters == iters.max()
    return np.ones(n, dtype=bool)


def _resource_name(search: Any) -> str | None:
    """The parameter a halving search injects as the budget, if any."""
    resource = getattr(search, "resource", None)
    if isinstance(resource, str) and resource != "n_samples":
        return resource
    return None


def _row_params(search: Any) -> list[dict]:
    """Each row's parameters, without the budget parameter of a halving search."""
    resource = _resource_name(search)
    params = search.cv_results_["params"]
    if resource is None:
        return [dict(p) for p in params]
    return [{k: v for k, v in p.items() if k != resource} for p in params]


def _subspaces(space: Any, params: list[dict]) -> np.ndarray:
    """Sub-space index of each parameter dict (``-1`` when none has exactly its keys)."""
    keysets = [set(sub) for sub in space.subspaces]
    out = np.full(len(params), -1, dtype=int)
    for i, p in enumerate(params):
        keys = set(p)
        matches = [s for s, ks in enumerate(keysets) if ks == keys]
        if len(matches) == 1:
            out[i] = matches[0]
        elif matches:
            try:
                out[i] = space.encode(p).subspace
            except ValueError:
                out[i] = matches[0]
    return out


def _value_label(value: Any) -> str:
    """A short label of a parameter value: an estimator by its class name."""
    if hasattr(value, "get_params") and not isinstance(value, type):
        return type(value).__name__
    return str(value)


def _family_labels(space: Any) -> list[str]:
    """A label per sub-space: the estimator classes it chooses, else ``"sub-space s"``.

    A CASH space chooses a step's estimator in each sub-space (``{"clf":
    [SVC()], ...}``); its family is named by those classes. Repeated labels
    get the sub-space index appended so that families stay distinct.
    """
    labels = []
    for s, sub in enumerate(space.subspaces):
        names: list[str] = []
        for dim in sub.values():
            choices = getattr(dim, "choices", None)
            if choices and all(hasattr(c, "get_params") for c in choices):
                for c in choices:
                    if type(c).__name__ not in names:
                        names.append(type(c).__name__)
        labels.append("/".join(names) if names else f"sub-space {s}")
    for s, label in enumerate(labels):
        if labels.count(label) > 1:
            labels[s] = f"{label} (sub-space {s})"
    return labels


def _get_axes(plt: Any, ax: Any) -> tuple[Any, Any]:
    """``(ax, figure)``: the given Axes, or a new figure's."""
    if ax is None:
        fig, ax = plt.subplots(layout="constrained")
        return ax, fig
    if not hasattr(ax, "figure") or not hasattr(ax, "plot"):
        raise TypeError(f"ax must be None or a matplotlib Axes, got {ax!r}.")
    return ax, ax.figure
