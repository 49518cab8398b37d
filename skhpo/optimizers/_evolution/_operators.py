"""The operators of the evolutionary optimizer, on encoded unit vectors.

Every operator works on the shared encoding of :class:`~skhpo.space.SearchSpace`
(one column per (sub-space, parameter), a leading root column when there are
several sub-spaces, ``NaN`` in the columns a candidate's sub-space does not
use). A uniform coordinate in that encoding is a draw from the prior, and
log-uniform dimensions are log-warped already, so a Gaussian step in a unit
coordinate is a multiplicative step of a log-uniform parameter.

The operators return unit vectors that are not necessarily canonical; the
caller snaps them (:meth:`SearchSpace.snap`). None of them evaluates anything.
"""

from __future__ import annotations

import math

import numpy as np

from ...space import SearchSpace
from ...space._cells import cell_index, cell_middle

__all__ = [
    "crossover",
    "mutate",
    "mutate_step_size",
    "select_survivors",
    "switch_subspace",
    "tournament",
]

#: Bounds of the self-adapted step size, in unit coordinates.
MIN_STEP, MAX_STEP = 1e-3, 0.5


def _fitness(fitness: np.ndarray) -> np.ndarray:
    """Scores as fitness: ``NaN`` and infinite values (failures) become ``-inf``."""
    f = np.asarray(fitness, dtype=float)
    return np.where(np.isfinite(f), f, -np.inf)


def tournament(fitness: np.ndarray, size: int, rng: np.random.Generator) -> int:
    """Index of the winner of one tournament (Goldberg & Deb, FOGA 1991).

    ``size`` individuals are drawn without replacement (all of them when the
    population is smaller) and the fittest wins. Failed (non-finite) scores
    have the worst fitness, so a failure wins only a tournament of failures;
    ties go to the first individual drawn, which is random.

    Parameters
    ----------
    fitness : ndarray of shape (n,)
        Higher is better; ``NaN`` and infinities are failures.
    size : int
        Tournament size; larger means more selection pressure.
    rng : numpy.random.Generator

    Returns
    -------
    int
        Index into ``fitness``.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._evolution._operators import tournament
    >>> tournament(np.array([0.1, np.nan, 0.7]), 3, np.random.default_rng(0))
    2
    """
    f = _fitness(fitness)
    drawn = rng.choice(len(f), size=min(int(size), len(f)), replace=False)
    return int(drawn[np.argmax(f[drawn])])


def select_survivors(fitness: np.ndarray, size: int, rule: str) -> np.ndarray:
    """Indices of the population that survives, from rows in the order they were told.

    ``"aging"`` keeps the ``size`` youngest rows whatever their fitness
    (regularized evolution: Real, Aggarwal, Huang & Le, "Regularized
    Evolution for Image Classifier Architecture Search", AAAI 2019); a good
    candidate lives only as long as its descendants keep proving it, which
    makes the search robust to lucky noisy scores. ``"elitist"`` keeps the
    ``size`` fittest rows ((mu + lambda) selection, Schwefel 1981); ties go
    to the older row and failures come last.

    Parameters
    ----------
    fitness : ndarray of shape (n,)
        In the order the rows were told.
    size : int
    rule : {"aging", "elitist"}

    Returns
    -------
    ndarray of shape (min(size, n),)
        Row indices, ascending.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._evolution._operators import select_survivors
    >>> f = np.array([0.9, 0.1, np.nan, 0.5])
    >>> select_survivors(f, 2, "aging").tolist(), select_survivors(f, 2, "elitist").tolist()
    ([2, 3], [0, 3])
    """
    n = len(fitness)
    if rule == "aging":
        return np.arange(max(0, n - size), n)
    order = np.argsort(-_fitness(fitness), kind="stable")
    return np.sort(order[:size])


def crossover(
    space: SearchSpace, a: np.ndarray, b: np.ndarray, rng: np.random.Generator, p: float = 0.5
) -> np.ndarray:
    """Uniform crossover that respects sub-spaces (Syswerda, ICGA 1989).

    The child is a copy of ``a`` (its sub-space is ``a``'s) in which each
    parameter that ``b`` also has takes ``b``'s value with probability
    ``p``. Within one sub-space that is every parameter; across two
    sub-spaces, only the parameters of the same name and the same dimension
    (``C`` of two linear models, say). A parameter that is not active in the
    child's sub-space is never set.

    Parameters
    ----------
    space : SearchSpace
    a, b : ndarray of shape (n_columns,)
        Canonical vectors of the parents.
    rng : numpy.random.Generator
    p : float, default=0.5
        Probability of taking each shared parameter from ``b``.

    Returns
    -------
    ndarray of shape (n_columns,)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space import SearchSpace
    >>> from skhpo.optimizers._evolution._operators import crossover
    >>> space = SearchSpace([{"C": (0.0, 1.0), "k": ["a", "b"]}, {"C": (0.0, 1.0)}])
    >>> a = np.array([0.25, 0.2, 0.25, np.nan])
    >>> b = np.array([0.75, np.nan, np.nan, 0.9])
    >>> crossover(space, a, b, np.random.default_rng(0), p=1.0).tolist()
    [0.25, 0.9, 0.25, nan]
    """
    child = np.array(a, dtype=float)
    for ja, jb in _shared_columns(space, _subspace(space, a), _subspace(space, b)):
        if rng.random() < p:
            child[ja] = b[jb]
    return child


def _subspace(space: SearchSpace, x: np.ndarray) -> int:
    return int(space.subspace_of(np.asarray(x, dtype=float)[None, :])[0])


def _shared_columns(space: SearchSpace, sa: int, sb: int) -> list[tuple[int, int]]:
    """Pairs of columns (in ``sa``, in ``sb``) holding the same parameter."""
    cols_b = {space.names[j]: j for j in space.subspace_columns(sb)}
    pairs = []
    for ja in space.subspace_columns(sa):
        jb = cols_b.get(space.names[ja])
        if jb is not None and (sa == sb or space.dims[ja] == space.dims[jb]):
            pairs.append((int(ja), int(jb)))
    return pairs


def mutate_step_size(step: float, n_active: int, rng: np.random.Generator) -> float:
    """Log-normal self-adaptation of a step size (Schwefel 1981; Beyer & Schwefel 2002).

    ``step * exp(tau * N(0, 1))`` with ``tau = 1 / sqrt(n_active)``, kept in
    ``[1e-3, 0.5]``: the step is inherited and mutated with the individual,
    so the step sizes of the individuals that keep being selected are the
    ones that produce good children.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._evolution._operators import mutate_step_size
    >>> 1e-3 <= mutate_step_size(0.2, 4, np.random.default_rng(0)) <= 0.5
    True
    """
    tau = 1.0 / math.sqrt(max(n_active, 1))
    return float(min(MAX_STEP, max(MIN_STEP, step * math.exp(tau * rng.standard_normal()))))


def _reflect(u: float) -> float:
    """Fold a coordinate back into ``[0, 1]`` (a step past a bound bounces back)."""
    u = abs(u) % 2.0
    return 2.0 - u if u > 1.0 else u


def _next_cell(space: SearchSpace, j: int, u: float, direction: float) -> float:
    """The nearest coordinate in ``direction`` from ``u`` whose value differs, or ``u``."""
    dim = space.dims[j]
    here = dim.snap(np.array([u]))[0]
    ahead = np.clip(u + np.sign(direction) * np.linspace(0.0, 1.0, 257)[1:], 0.0, 1.0)
    moved = np.flatnonzero(dim.snap(ahead) != here)
    return float(ahead[moved[0]]) if len(moved) else u


def mutate(
    space: SearchSpace,
    x: np.ndarray,
    step: float,
    rng: np.random.Generator,
    rate: float | None = None,
    min_changes: int = 1,
) -> np.ndarray:
    """Mutate each active parameter of ``x`` with probability ``rate``, by its type.

    * Real columns, and ordered discrete ones (Integer, Ordinal): a Gaussian
      step of standard deviation ``step`` in the unit coordinate, reflected
      at the bounds (Bäck, "Evolutionary Algorithms in Theory and
      Practice", 1996). The encoding is log-warped for log-uniform
      dimensions, so the step is relative there. A discrete parameter whose
      step stays inside its value's cell moves to the neighbouring value in
      the step's direction, so a mutation of it is never void.
    * Categorical columns: another choice, uniformly.

    At least ``min_changes`` parameters are mutated (drawn uniformly when
    the coin flips chose fewer). The root column is left alone; see
    :func:`switch_subspace`.

    Parameters
    ----------
    space : SearchSpace
    x : ndarray of shape (n_columns,)
        A canonical vector.
    step : float
        Standard deviation of the Gaussian steps, in unit coordinates.
    rng : numpy.random.Generator
    rate : float or None, default=None
        Per-parameter mutation probability; ``None`` is one over the number
        of parameters of the sub-space.
    min_changes : int, default=1

    Returns
    -------
    ndarray of shape (n_columns,)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space import SearchSpace
    >>> from skhpo.optimizers._evolution._operators import mutate
    >>> space = SearchSpace({"n": (1, 4)})
    >>> x = space.snap(np.array([[0.375]]))[0]            # n = 2
    >>> y = space.snap(mutate(space, x, 1e-3, np.random.default_rng(0))[None, :])[0]
    >>> int(space.to_candidate(y).params["n"]) in (1, 3)   # a neighbour, never 2 again
    True
    """
    child = np.array(x, dtype=float)
    s = _subspace(space, child)
    cols = [int(j) for j in space.subspace_columns(s) if space.sizes[j] > 1]
    if not cols:
        return child
    rate = 1.0 / len(cols) if rate is None else float(rate)
    chosen = [j for j in cols if rng.random() < rate]
    want = min(int(min_changes), len(cols))
    if len(chosen) < want:
        rest = [j for j in cols if j not in chosen]
        chosen += [rest[i] for i in rng.choice(len(rest), want - len(chosen), replace=False)]
    for j in sorted(chosen):
        kind, size = space.kinds[j], space.sizes[j]
        if kind == "cat":
            k = int(size)
            here = int(cell_index(child[j], k))
            other = int(rng.integers(k - 1))
            child[j] = cell_middle(other + (other >= here), k)
            continue
        delta = step * rng.standard_normal()
        u = _reflect(child[j] + delta)
        if kind == "int" and math.isfinite(size):
            dim = space.dims[j]
            if dim.snap(np.array([u]))[0] == dim.snap(np.array([child[j]]))[0]:
                u = _next_cell(space, j, child[j], delta or 1.0)
                if u == child[j]:  # at a bound: the other way
                    u = _next_cell(space, j, child[j], -(delta or 1.0))
        child[j] = u
    return child


def switch_subspace(space: SearchSpace, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move ``x`` into another sub-space, with that sub-space's parameters drawn from the prior.

    The new sub-space is chosen uniformly among the others; its columns are
    fresh uniform unit coordinates, which is a draw from the prior, and the
    columns of the old sub-space become ``NaN``. A space of one sub-space
    gives ``x`` back.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space import SearchSpace
    >>> from skhpo.optimizers._evolution._operators import switch_subspace
    >>> space = SearchSpace([{"a": (0.0, 1.0)}, {"b": (0.0, 1.0)}])
    >>> y = switch_subspace(space, np.array([0.25, 0.3, np.nan]), np.random.default_rng(0))
    >>> float(y[0]), bool(np.isnan(y[1])), bool(0.0 <= y[2] <= 1.0)
    (0.75, True, True)
    """
    k = space.n_subspaces
    if k < 2:
        return np.array(x, dtype=float)
    here = _subspace(space, x)
    other = int(rng.integers(k - 1))
    s = other + (other >= here)
    y = np.full(space.n_columns, np.nan)
    y[space.root] = cell_middle(s, k)
    cols = space.subspace_columns(s)
    y[cols] = rng.random(len(cols))
    return y
