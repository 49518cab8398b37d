"""Hyperband's brackets and successive halving's promotions: arithmetic only.

Resources are integers (rows of the training folds, boosting rounds), so every
quantity here is computed with integer arithmetic; nothing knows estimators,
cross-validation or optimizers.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from .._base import _check_int

__all__ = ["Bracket", "Rung", "hyperband_brackets", "successive_halving_promotions"]


class Rung(NamedTuple):
    """One rung of a bracket: how many candidates, with how many resources each.

    Parameters
    ----------
    n_candidates : int
        Candidates evaluated at this rung when the bracket runs in full.
    n_resources : int
        Resources given to each of them.

    Examples
    --------
    >>> from skhpo.optimizers import Rung
    >>> Rung(n_candidates=9, n_resources=27)
    Rung(n_candidates=9, n_resources=27)
    """

    n_candidates: int
    n_resources: int


class Bracket(NamedTuple):
    """A successive-halving run of a Hyperband iteration.

    Parameters
    ----------
    index : int
        Hyperband's ``s``: the bracket has ``s + 1`` rungs; the larger ``s``,
        the more candidates start and the fewer resources they start with.
    rungs : tuple of Rung
        From the fewest resources to ``max_resources``.

    Examples
    --------
    >>> from skhpo.optimizers import hyperband_brackets
    >>> bracket = hyperband_brackets(1, 9, factor=3)[0]
    >>> bracket.index, [tuple(r) for r in bracket.rungs]
    (2, [(9, 1), (3, 3), (1, 9)])
    """

    index: int
    rungs: tuple[Rung, ...]


def _floor_log(value: int, base: int) -> int:
    """The largest ``k`` with ``base ** k <= value`` (``value >= 1``, ``base >= 2``)."""
    k, power = 0, base
    while power <= value:
        k, power = k + 1, power * base
    return k


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def hyperband_brackets(min_resources: int, max_resources: int, factor: int = 3) -> list[Bracket]:
    """The brackets of one Hyperband iteration.

    Follows Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A
    Novel Bandit-Based Approach to Hyperparameter Optimization", JMLR 18
    (2018), Algorithm 1, with ``R = max_resources / min_resources`` and
    ``eta = factor``: ``s_max`` is the largest ``s`` with
    ``min_resources * factor ** s <= max_resources``; bracket ``s`` (from
    ``s_max`` down to 0) starts ``n = ceil((s_max + 1) * factor ** s / (s + 1))``
    candidates, and its rung ``i`` keeps ``n // factor ** i`` of them with
    ``max_resources // factor ** (s - i)`` resources each. Resources are
    counted back from ``max_resources``, so every bracket ends at
    ``max_resources`` and no rung gets fewer than ``min_resources``.

    Parameters
    ----------
    min_resources : int
        Fewest resources a candidate may be evaluated with.
    max_resources : int
        Resources of a full evaluation; at least ``min_resources``.
    factor : int, default=3
        Hyperband's ``eta``: a rung keeps one in ``factor`` candidates and
        gives each ``factor`` times the resources.

    Returns
    -------
    list of Bracket
        ``s_max + 1`` brackets, the most aggressive (most rungs) first.

    Examples
    --------
    Table 1 of Li et al. (R = 81, eta = 3):

    >>> from skhpo.optimizers import hyperband_brackets
    >>> for b in hyperband_brackets(1, 81, factor=3):
    ...     print(b.index, [(r.n_candidates, r.n_resources) for r in b.rungs])
    4 [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
    3 [(34, 3), (11, 9), (3, 27), (1, 81)]
    2 [(15, 9), (5, 27), (1, 81)]
    1 [(8, 27), (2, 81)]
    0 [(5, 81)]
    """
    min_resources = _check_int("min_resources", min_resources)
    max_resources = _check_int("max_resources", max_resources)
    factor = _check_int("factor", factor, low=2)
    if min_resources > max_resources:
        raise ValueError(
            "min_resources must not exceed max_resources, got "
            f"min_resources={min_resources!r} and max_resources={max_resources!r}."
        )
    s_max = _floor_log(max_resources // min_resources, factor)
    brackets = []
    for s in range(s_max, -1, -1):
        n = _ceil_div((s_max + 1) * factor**s, s + 1)
        rungs = tuple(Rung(n // factor**i, max_resources // factor ** (s - i)) for i in range(s + 1))
        brackets.append(Bracket(s, rungs))
    return brackets


def n_to_promote(n_evaluated: int, n_planned: int, factor: int) -> int:
    """How many of ``n_evaluated`` candidates a rung promotes to the next rung.

    The planned size of the next rung when the rung ran in full; a rung that
    ran short (a finite space ran out, a budget was nearly spent) keeps one
    in ``factor``, rounded up, so a lone candidate still reaches the top.
    """
    return min(n_planned, _ceil_div(n_evaluated, factor))


def successive_halving_promotions(scores: Sequence[float], n: int) -> np.ndarray:
    """Indices of the candidates a rung promotes: the ``n`` best finite scores.

    Successive halving (Jamieson & Talwalkar, "Non-stochastic Best Arm
    Identification and Hyperparameter Optimization", AISTATS 2016) promotes
    by rank of the score at the rung. Failed (``NaN``) or non-finite scores
    are never promoted, so fewer than ``n`` indices come back when fewer
    than ``n`` scores are finite. Ties go to the earlier candidate.

    Parameters
    ----------
    scores : array-like of shape (n_candidates,)
        Scores at the rung; higher is better.
    n : int
        How many to promote (0 promotes none).

    Returns
    -------
    ndarray of int
        The promoted indices, best first.

    Examples
    --------
    >>> from skhpo.optimizers import successive_halving_promotions
    >>> successive_halving_promotions([0.2, float("nan"), 0.9, float("inf"), 0.5], 2).tolist()
    [2, 4]
    >>> successive_halving_promotions([float("nan"), -float("inf"), 0.1], 2).tolist()
    [2]
    """
    n = _check_int("n", n, low=0)
    y = np.asarray(scores, dtype=float).reshape(-1)
    finite = np.flatnonzero(np.isfinite(y))
    order = finite[np.argsort(-y[finite], kind="stable")]
    return order[:n]
