"""Callbacks that end a search early.

A callback is any callable ``callback(results) -> bool`` given to a searcher's
``callbacks`` parameter. It is called after every batch of candidates with the
results so far (a dict with the same keys as ``cv_results_``, where the test
scores of a candidate whose fit or scoring failed are NaN, whatever
``error_score`` is); returning
``True`` ends the search. The callbacks here keep no state: everything they
decide is read from ``results``, so one instance can serve several searches,
clones and parallel nested searches.
"""

from __future__ import annotations

import numbers
import numpy as np

__all__ = ["NoImprovementStopper", "ScoreThresholdStopper"]


def _scores(results: dict, metric: str) -> np.ndarray:
    key = f"mean_test_{metric}"
    if key not in results:
        available = sorted(k[len("mean_test_") :] for k in results if k.startswith("mean_test_"))
        raise KeyError(
            f"metric={metric!r} is not among the scored metrics {available}; pass one of them."
        )
    s = np.asarray(results[key], dtype=float)
    return np.where(np.isfinite(s), s, -np.inf)


class NoImprovementStopper:
    """Stop when the best score has not improved for ``patience`` candidates.

    Parameters
    ----------
    patience : int
        Number of candidates evaluated since the best one, after which the
        search stops.
    min_delta : float, default=0.0
        A candidate improves on the best score before it only if it exceeds
        it by more than this; with 0, any strictly better score counts and a
        tie does not.
    metric : str, default="score"
        The metric to watch: ``"score"`` for a single metric, or a key of a
        multi-metric ``scoring``.

    Examples
    --------
    >>> from skhpo.callbacks import NoImprovementStopper
    >>> stop = NoImprovementStopper(patience=2)
    >>> stop({"mean_test_score": [0.5, 0.8, 0.7]})
    False
    >>> stop({"mean_test_score": [0.5, 0.8, 0.7, 0.75]})
    True
    >>> stop({"mean_test_score": [0.8, 0.8, 0.8]})  # ties are no improvement
    True
    """

    def __init__(self, patience: int, min_delta: float = 0.0, metric: str = "score") -> None:
        if not isinstance(patience, numbers.Integral) or isinstance(patience, bool) or patience < 1:
            raise ValueError(f"patience must be an int >= 1, got patience={patience!r}.")
        if not isinstance(min_delta, numbers.Real) or min_delta < 0:
            raise ValueError(f"min_delta must be a number >= 0, got min_delta={min_delta!r}.")
        self.patience = patience
        self.min_delta = min_delta
        self.metric = metric

    def __call__(self, results: dict) -> bool:
        s = _scores(results, self.metric)
        if len(s) <= self.patience:
            return False
        best_before = np.max(s[: -self.patience])
        # A tie with the best so far is not an improvement; neither is a gain
        # of at most min_delta.
        return bool(np.max(s[-self.patience :]) <= best_before + self.min_delta)

    def __repr__(self) -> str:
        return f"NoImprovementStopper(patience={self.patience!r}, min_delta={self.min_delta!r}, metric={self.metric!r})"


class ScoreThresholdStopper:
    """Stop as soon as a candidate reaches a score.

    Parameters
    ----------
    threshold : float
        Stop when a mean test score is at least this.
    metric : str, default="score"
        The metric to watch.

    Examples
    --------
    >>> from skhpo.callbacks import ScoreThresholdStopper
    >>> ScoreThresholdStopper(0.9)({"mean_test_score": [0.5, 0.95]})
    True
    """

    def __init__(self, threshold: float, metric: str = "score") -> None:
        if not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got threshold={threshold!r}.")
        self.threshold = threshold
        self.metric = metric

    def __call__(self, results: dict) -> bool:
        return bool(np.max(_scores(results, self.metric)) >= self.threshold)

    def __repr__(self) -> str:
        return f"ScoreThresholdStopper(threshold={self.threshold!r}, metric={self.metric!r})"
