"""The good/bad split of TPE: the gamma schedule and the split itself.

TPE (Bergstra et al., 2011) sorts the observations by score and calls the
best ``n_good`` of them *good*; the Parzen estimator ``l(x)`` is built from
the good ones and ``g(x)`` from the rest. ``n_good`` follows a schedule
``gamma(n)`` of the number of observations ``n``; Watanabe (2023, Sec. 3.1)
compares a *linear* schedule ``ceil(beta * n)`` with a *square-root* one
``ceil(beta * sqrt(n))``, both capped.

References
----------
.. [1] J. Bergstra, R. Bardenet, Y. Bengio and B. Kegl, "Algorithms for
   Hyper-Parameter Optimization", NeurIPS 2011.
.. [2] S. Watanabe, "Tree-Structured Parzen Estimator: Understanding Its
   Algorithm Components and Their Roles for Better Empirical Performance",
   arXiv:2304.11127, 2023.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Union

import numpy as np

__all__ = ["GAMMA_CAP", "check_gamma", "n_good", "split_good"]

#: Largest good group of the named schedules ("linear" and "sqrt").
GAMMA_CAP = 25

GammaLike = Union[str, float, Callable[[int], int]]


def check_gamma(gamma: GammaLike) -> GammaLike:
    """Validate a gamma schedule and return it unchanged.

    Parameters
    ----------
    gamma : {"linear", "sqrt"}, float in (0, 1] or callable
        See :func:`n_good`.

    Returns
    -------
    gamma : same as the input

    Raises
    ------
    ValueError
        Naming the value and what was expected.

    Examples
    --------
    >>> from skhpo.optimizers._tpe._split import check_gamma
    >>> check_gamma("sqrt")
    'sqrt'
    >>> check_gamma(1.5)
    Traceback (most recent call last):
    ...
    ValueError: gamma must be "linear", "sqrt", a float in (0, 1] or a callable n -> n_good, got 1.5.
    """
    ok = (
        (isinstance(gamma, str) and gamma in ("linear", "sqrt"))
        or callable(gamma)
        or (
            isinstance(gamma, numbers.Real)
            and not isinstance(gamma, bool)
            and math.isfinite(gamma)
            and 0.0 < gamma <= 1.0
        )
    )
    if not ok:
        raise ValueError(
            'gamma must be "linear", "sqrt", a float in (0, 1] or a callable n -> n_good, '
            f"got {gamma!r}."
        )
    return gamma


def n_good(n: int, gamma: GammaLike = "linear") -> int:
    """Size of the good group among ``n`` observations.

    Parameters
    ----------
    n : int
        Number of observations (failures included, fantasies excluded).
    gamma : {"linear", "sqrt"}, float in (0, 1] or callable, default="linear"
        * ``"linear"``: ``min(ceil(0.1 * n), 25)``, the schedule of Optuna
          and of the linear family of Watanabe (2023) with ``beta = 0.1``;
        * ``"sqrt"``: ``min(ceil(0.25 * sqrt(n)), 25)``, the schedule of
          Hyperopt (Bergstra et al., 2011);
        * a float ``f``: ``ceil(f * n)``, a fixed quantile;
        * a callable ``gamma(n) -> int``.

        The result is clipped to ``[min(1, n), n]``: as soon as there is an
        observation, at least one is good.

    Returns
    -------
    int

    Examples
    --------
    >>> from skhpo.optimizers._tpe._split import n_good
    >>> [n_good(n) for n in (0, 1, 10, 11, 100, 1000)]
    [0, 1, 1, 2, 10, 25]
    >>> [n_good(n, "sqrt") for n in (1, 16, 17, 100)]
    [1, 1, 2, 3]
    >>> n_good(10, 0.25)
    3
    """
    n = int(n)
    if n <= 0:
        return 0
    if isinstance(gamma, str):
        if gamma == "linear":
            k = min((n + 9) // 10, GAMMA_CAP)  # ceil(0.1 n), exactly
        elif gamma == "sqrt":
            k = min(math.ceil(0.25 * math.sqrt(n) - 1e-9), GAMMA_CAP)
        else:
            check_gamma(gamma)
            raise AssertionError  # pragma: no cover
    elif callable(gamma):
        k = gamma(n)
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 0 <= k <= n:
            raise ValueError(
                f"gamma(n) must return an int in [0, n], got gamma({n}) = {k!r}."
            )
    else:
        k = math.ceil(float(gamma) * n - 1e-9)
    return int(max(1, min(int(k), n)))


def split_good(scores: np.ndarray, k: int) -> np.ndarray:
    """Mask of the good observations: the ``k`` best finite scores.

    Higher scores are better. Non-finite scores (failures, and the fantasies
    of pending candidates) are never good, even if that leaves fewer than
    ``k`` good observations. Ties are broken by position: of equal scores,
    the earlier observation is good first.

    Parameters
    ----------
    scores : ndarray of shape (n,)
    k : int
        Wanted size of the good group, e.g. from :func:`n_good`.

    Returns
    -------
    ndarray of shape (n,), dtype bool

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._split import split_good
    >>> split_good(np.array([0.3, 0.9, np.nan, 0.9, 0.1]), 2).tolist()
    [False, True, False, True, False]
    >>> split_good(np.array([np.nan, -np.inf, 0.2]), 2).tolist()
    [False, False, True]
    """
    scores = np.asarray(scores, dtype=float)  # (n,)
    finite = np.isfinite(scores)
    good = np.zeros(len(scores), dtype=bool)
    k = int(min(k, int(finite.sum())))
    if k <= 0:
        return good
    key = np.where(finite, -scores, np.inf)  # (n,) ascending = best first
    order = np.argsort(key, kind="stable")
    good[order[:k]] = True
    return good
