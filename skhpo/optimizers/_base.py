"""The ask/tell protocol shared by every optimizer.

Optimizers know a :class:`~skhpo.space.SearchSpace` and nothing of estimators
or cross-validation: they propose unit-cube vectors, the space turns them into
:class:`~skhpo.space.Candidate` objects, and scores come back through
:meth:`BaseOptimizer.tell`. Scores follow scikit-learn's convention: higher is
better.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from typing import Any, Sequence

import numpy as np

from ..space import Candidate, SearchSpace

__all__ = ["BaseOptimizer", "check_random_state_generator", "impute_failures"]


def check_random_state_generator(random_state: Any) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a scikit-learn style seed.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> from skhpo.optimizers import check_random_state_generator
    >>> rng = check_random_state_generator(0)
    >>> float(rng.random()) == float(check_random_state_generator(0).random())
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got random_state={random_state!r}.")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(
        "random_state must be None, an int, a numpy RandomState or Generator, got "
        f"{random_state!r}."
    )


def impute_failures(y: np.ndarray) -> np.ndarray:
    """Replace failed (non-finite) scores by the worst finite score.

    Higher scores are better, so a failure becomes the minimum of the finite
    scores; with no finite score at all every entry becomes 0.

    Parameters
    ----------
    y : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers import impute_failures
    >>> impute_failures(np.array([0.5, np.nan, 0.9, -np.inf])).tolist()
    [0.5, 0.5, 0.9, 0.5]
    """
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    if ok.all():
        return y.copy()
    worst = float(y[ok].min()) if ok.any() else 0.0
    return np.where(ok, y, worst)


class BaseOptimizer(ABC):
    """Base class of the ask/tell optimizers.

    Subclasses implement :meth:`_propose`. This class owns what every
    optimizer shares: seeding, the scrambled Sobol initial design, the record
    of observations, failure handling, pending (asked, not yet told)
    candidates, and the guarantee that no candidate is proposed twice (a
    finite space that runs out makes :meth:`ask` return fewer candidates,
    then none).

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space; dicts are parsed by :class:`~skhpo.space.SearchSpace`.
    n_initial_points : int or None, default=None
        Number of candidates taken from a scrambled Sobol design before the
        model is used; ``None`` lets the subclass choose.
    random_state : int, RandomState, Generator or None, default=None
        Seed for every random choice; the same seed and the same sequence of
        calls give the same candidates.

    Attributes
    ----------
    X_ : ndarray of shape (n_observations, n_columns)
        Canonical vectors of the told candidates.
    y_ : ndarray of shape (n_observations,)
        Their scores as told (non-finite for failures).
    subspace_ : ndarray of shape (n_observations,)
        Sub-space index of each observation.

    Examples
    --------
    A new optimizer only implements ``_propose``; here, a (poor) rule that
    perturbs the best candidate so far:

    >>> import numpy as np
    >>> from skhpo.optimizers import BaseOptimizer
    >>> class Perturb(BaseOptimizer):
    ...     def _propose(self, n, pending):
    ...         best = self.X_[np.argmax(self.y_imputed_)]
    ...         noise = 0.05 * self.rng.standard_normal((n, len(best)))
    ...         return np.nan_to_num(best) + noise
    >>> opt = Perturb({"x": (-2.0, 2.0)}, n_initial_points=4, random_state=0)
    >>> for _ in range(12):
    ...     (cand,) = opt.ask()
    ...     opt.tell([cand], [-cand.params["x"] ** 2])
    >>> bool(abs(opt.X_[np.argmax(opt.y_)][0] - 0.5) < 0.1)   # x = 0 is the unit midpoint
    True
    """

    #: Initial-design size when ``n_initial_points=None``.
    _default_n_initial_points = 10

    def __init__(
        self,
        space: SearchSpace | dict | list,
        *,
        n_initial_points: int | None = None,
        random_state: Any = None,
    ) -> None:
        self.space = space if isinstance(space, SearchSpace) else SearchSpace(space)
        if n_initial_points is not None and (
            not isinstance(n_initial_points, numbers.Integral)
            or isinstance(n_initial_points, bool)
            or n_initial_points < 0
        ):
            raise ValueError(
                f"n_initial_points must be a non-negative int or None, got {n_initial_points!r}."
            )
        self.n_initial_points = n_initial_points
        self.random_state = random_state
        self.rng = check_random_state_generator(random_state)
        D = self.space.n_columns
        self.X_ = np.empty((0, D))
        self.y_ = np.empty(0)
        self.subspace_ = np.empty(0, dtype=int)
        self._seen: set[tuple] = set()
        self._pending: dict[tuple, np.ndarray] = {}
        self._design: np.ndarray | None = None
        self._design_pos = 0

    # ----------------------------------------------------------- protocol
    @property
    def n_observations(self) -> int:
        """Number of told candidates."""
        return len(self.y_)

    @property
    def n_initial_points_(self) -> int:
        """The initial-design size in force."""
        if self.n_initial_points is not None:
            return int(self.n_initial_points)
        return int(self._default_n_initial_points)

    @property
    def exhausted(self) -> bool:
        """True when every point of a finite space has been asked."""
        return len(self._seen) >= self.space.cardinality

    def ask(self, n: int = 1) -> list[Candidate]:
        """Propose up to ``n`` new candidates.

        Parameters
        ----------
        n : int, default=1
            Batch size. Candidates of one batch are distinct from each other
            and from every candidate asked before.

        Returns
        -------
        list of Candidate
            ``n`` candidates, fewer when a finite space runs out (an empty
            list once it is exhausted).
        """
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a positive int, got {n!r}.")
        remaining = self.space.cardinality - len(self._seen)
        n = int(min(n, remaining))
        if n <= 0:
            return []
        rows: list[np.ndarray] = []
        batch_keys: set[tuple] = set()

        def take(X: np.ndarray) -> None:
            for x in self.space.snap(X) if len(X) else []:
                if len(rows) >= n:
                    return
                k = self.space.key(x)
                if k in self._seen or k in batch_keys:
                    continue
                batch_keys.add(k)
                rows.append(x)

        n_started = self.n_observations + len(self._pending)
        n_design = max(0, min(n, self.n_initial_points_ - n_started))
        if n_design:
            take(self._next_design_points(n_design))
        if len(rows) < n:
            if self.n_observations == 0 or n_started < self.n_initial_points_:
                # Nothing to model yet (or the design hit duplicates): stay random.
                take(self.space.sample(n - len(rows), self.rng))
            else:
                pending = np.array(list(self._pending.values()) + rows).reshape(-1, self.space.n_columns)
                take(self._propose(n - len(rows), pending))
        if len(rows) < n:
            take(self._random_unseen(n - len(rows), batch_keys))
        out = self.space._to_candidates_snapped(np.array(rows))
        for c in out:
            k = c.key
            self._seen.add(k)
            self._pending[k] = c.vector
        return out

    def tell(self, candidates: Sequence[Candidate], scores: Sequence[float]) -> None:
        """Record the scores of evaluated candidates.

        Parameters
        ----------
        candidates : list of Candidate
            Candidates from :meth:`ask` or from ``space.encode``.
        scores : array-like of shape (len(candidates),)
            Higher is better. ``NaN`` or infinite scores mark failed
            evaluations; models see them as the worst score observed.
        """
        candidates = list(candidates)
        scores = np.asarray(scores, dtype=float).reshape(-1)
        if len(candidates) != len(scores):
            raise ValueError(
                f"tell got {len(candidates)} candidates but {len(scores)} scores."
            )
        if not candidates:
            return
        X = np.array([c.vector for c in candidates], dtype=float)
        for c in candidates:
            k = c.key
            self._pending.pop(k, None)
            self._seen.add(k)
        self.X_ = np.vstack([self.X_, X])
        self.y_ = np.concatenate([self.y_, scores])
        self.subspace_ = np.concatenate([self.subspace_, [c.subspace for c in candidates]]).astype(int)
        self._on_tell(X, scores)

    # ------------------------------------------------------------ helpers
    @property
    def y_imputed_(self) -> np.ndarray:
        """Scores with failures replaced by the worst finite score."""
        return impute_failures(self.y_)

    def _next_design_points(self, n: int) -> np.ndarray:
        if self._design is None:
            size = max(self.n_initial_points_, 1)
            self._design = self.space.sobol(size, self.rng)
        out = self._design[self._design_pos : self._design_pos + n]
        self._design_pos += len(out)
        return out

    def _random_unseen(self, n: int, exclude: set[tuple]) -> np.ndarray:
        """Up to ``n`` random vectors not seen before (enumerating small finite spaces)."""
        found: list[np.ndarray] = []
        keys: set[tuple] = set()
        for _ in range(20):
            for x in self.space.sample(max(4 * n, 16), self.rng):
                k = self.space.key(x)
                if k in self._seen or k in exclude or k in keys:
                    continue
                keys.add(k)
                found.append(x)
                if len(found) >= n:
                    return np.array(found)
        if math.isfinite(self.space.cardinality) and self.space.cardinality <= 1_000_000:
            grid = self.space.grid(limit=1_000_000)
            free = [x for x in grid if (k := self.space.key(x)) not in self._seen and k not in exclude and k not in keys]
            if free:
                idx = self.rng.permutation(len(free))[: n - len(found)]
                found.extend(free[i] for i in idx)
        return np.array(found).reshape(-1, self.space.n_columns)

    def _on_tell(self, X: np.ndarray, scores: np.ndarray) -> None:
        """Hook for subclasses that update a model incrementally."""

    @abstractmethod
    def _propose(self, n: int, pending: np.ndarray) -> np.ndarray:
        """Propose ``n`` vectors from the model.

        Called only once at least one observation has been told and the
        initial design has been used up.

        Parameters
        ----------
        n : int
            Number of vectors wanted.
        pending : ndarray of shape (n_pending, n_columns)
            Canonical vectors asked but not told yet (including those already
            chosen in this batch), for batch strategies such as constant liar.

        Returns
        -------
        ndarray of shape (m, n_columns)
            Unit vectors (``snap`` is applied by the caller). Duplicates of
            seen candidates are dropped and made up for with random points,
            so ``m`` may differ from ``n``.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_observations={self.n_observations})"
