"""The ask/tell protocol shared by every optimizer.

Optimizers know a :class:`~skhpo.space.SearchSpace` and nothing of estimators
or cross-validation: they propose unit-cube vectors, the space turns them into
:class:`~skhpo.space.Candidate` objects, and scores come back through
:meth:`BaseOptimizer.tell`. Scores follow scikit-learn's convention: higher is
better.

An observation is a (candidate, budget) pair: a multi-fidelity scheduler
evaluates one candidate at several budgets (a share of the data, a number of
boosting rounds) and tells each score with its budget. ``budget=None`` is the
full budget, the only one a search without fidelities ever uses.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..space import Candidate, SearchSpace

__all__ = ["BaseOptimizer", "Observations", "check_random_state_generator", "impute_failures"]

#: The budget of ``tell(..., budget=None)``: the full budget, above every finite one.
FULL_BUDGET = math.inf


def _check_int(name: str, value: Any, *, low: int = 1) -> int:
    """``value`` as an int, if it is an integer (not a bool) of at least ``low``.

    The one place where the optimizers, the schedules and the fidelities
    check their integer arguments, so the messages read the same everywhere.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low:
        return int(value)
    kind = "a positive int" if low == 1 else ("a non-negative int" if low == 0 else f"an int >= {low}")
    raise ValueError(f"{name} must be {kind}, got {name}={value!r}.")


def _check_budget(budget: Any, name: str = "budget") -> float:
    """A budget as a float: ``None`` (or ``inf``) is the full budget; otherwise a positive number."""
    if budget is None:
        return FULL_BUDGET
    if isinstance(budget, numbers.Real) and not isinstance(budget, bool) and budget > 0:
        return float(budget)
    raise ValueError(
        f"{name} must be None (the full budget) or a positive number, got {name}={budget!r}."
    )


def check_random_state_generator(random_state: Any) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a scikit-learn style seed.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        None for fresh entropy, an int seed, or a generator to draw the seed from.

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
        Scores as told (higher is better); non-finite entries are failures.

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


class Observations(NamedTuple):
    """Observations of an optimizer: vectors, scores and sub-spaces, row by row.

    Returned by :meth:`BaseOptimizer.observations` (the rows told at one
    budget) and :meth:`BaseOptimizer.model_observations` (the rows the model
    fits on).

    Parameters
    ----------
    X : ndarray of shape (n, n_columns)
        Canonical vectors.
    y : ndarray of shape (n,)
        Scores as told; non-finite for failures.
    subspace : ndarray of shape (n,)
        Sub-space index of each row.

    Examples
    --------
    >>> from skhpo.optimizers import RandomOptimizer
    >>> opt = RandomOptimizer({"x": (0.0, 1.0)}, random_state=0)
    >>> cands = opt.ask(2)
    >>> opt.tell(cands, [0.5, float("nan")], budget=10)
    >>> obs = opt.observations(10)
    >>> obs.X.shape, obs.y_imputed.tolist()
    ((2, 1), [0.5, 0.5])
    """

    X: np.ndarray
    y: np.ndarray
    subspace: np.ndarray

    @property
    def y_imputed(self) -> np.ndarray:
        """Scores with failures replaced by the worst finite score of these rows."""
        return impute_failures(self.y)


class BaseOptimizer(ABC):
    """Base class of the ask/tell optimizers.

    Subclasses implement :meth:`_propose`. This class owns what every
    optimizer shares: seeding, the scrambled Sobol initial design, the record
    of observations, failure handling, pending (asked, not yet told)
    candidates, and the guarantee that no candidate is proposed twice (a
    finite space that runs out makes :meth:`ask` return fewer candidates,
    then none).

    Observations are (candidate, budget) pairs. A multi-fidelity scheduler
    tells one candidate at each budget it reaches (``tell(..., budget=b)``);
    the candidate stays one *configuration*: :meth:`ask` never proposes it
    again, and the initial design counts configurations, not observations.
    A model fits on the observations of one budget,
    :meth:`model_observations`; by default the highest budget with at least
    ``min_model_observations`` observations, the rule of BOHB (Falkner, Klein
    & Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
    Scale", ICML 2018). Without budgets every observation is at the full
    budget and the model sees them all.

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space; dicts are parsed by :class:`~skhpo.space.SearchSpace`.
    n_initial_points : int or None, default=None
        Number of configurations taken from a scrambled Sobol design before
        the model is used; ``None`` lets the subclass choose.
    random_state : int, RandomState, Generator or None, default=None
        Seed for every random choice; the same seed and the same sequence of
        calls give the same candidates.
    min_model_observations : int, default=1
        Fewest observations a budget needs before the model fits on it.
        After the initial design, :meth:`ask` draws from the prior while no
        budget has that many. BOHB uses the number of dimensions plus one.

    Attributes
    ----------
    X_ : ndarray of shape (n_observations, n_columns)
        Canonical vectors of the told candidates, one row per observation.
    y_ : ndarray of shape (n_observations,)
        Their scores as told (non-finite for failures).
    subspace_ : ndarray of shape (n_observations,)
        Sub-space index of each observation.
    budget_ : ndarray of shape (n_observations,)
        Budget of each observation; ``inf`` for the full budget
        (``budget=None``).

    Examples
    --------
    A new optimizer only implements ``_propose``; here, a (poor) rule that
    perturbs the best candidate so far:

    >>> import numpy as np
    >>> from skhpo.optimizers import BaseOptimizer
    >>> class Perturb(BaseOptimizer):
    ...     def _propose(self, n, pending):
    ...         obs = self.model_observations()
    ...         best = obs.X[np.argmax(obs.y_imputed)]
    ...         noise = 0.05 * self.rng.standard_normal((n, len(best)))
    ...         return np.nan_to_num(best) + noise
    >>> opt = Perturb({"x": (-2.0, 2.0)}, n_initial_points=4, random_state=0)
    >>> for _ in range(12):
    ...     (cand,) = opt.ask()
    ...     opt.tell([cand], [-cand.params["x"] ** 2])
    >>> bool(abs(opt.X_[np.argmax(opt.y_)][0] - 0.5) < 0.1)   # x = 0 is the unit midpoint
    True

    With budgets, the same candidate is told once per budget it reaches:

    >>> opt = Perturb({"x": (-2.0, 2.0)}, n_initial_points=4, random_state=0)
    >>> cands = opt.ask(3, budget=1)
    >>> opt.tell(cands, [-c.params["x"] ** 2 for c in cands], budget=1)
    >>> opt.tell(cands[:1], [-cands[0].params["x"] ** 2], budget=3)
    >>> opt.budget_.tolist(), opt.n_configurations
    ([1.0, 1.0, 1.0, 3.0], 3)
    """

    #: Initial-design size when ``n_initial_points=None``.
    _default_n_initial_points = 10

    def __init__(
        self,
        space: SearchSpace | dict | list,
        *,
        n_initial_points: int | None = None,
        random_state: Any = None,
        min_model_observations: int = 1,
    ) -> None:
        self.space = space if isinstance(space, SearchSpace) else SearchSpace(space)
        if n_initial_points is not None:
            _check_int("n_initial_points", n_initial_points, low=0)
        self.n_initial_points = n_initial_points
        self.random_state = random_state
        self.min_model_observations = _check_int("min_model_observations", min_model_observations)
        self.rng = check_random_state_generator(random_state)
        D = self.space.n_columns
        self.X_ = np.empty((0, D))
        self.y_ = np.empty(0)
        self.subspace_ = np.empty(0, dtype=int)
        self.budget_ = np.empty(0)
        self._seen: set[tuple] = set()  # keys of every configuration asked or told
        self._told: set[tuple] = set()  # keys of the configurations told at any budget
        self._pending: dict[tuple[tuple, float], np.ndarray] = {}  # (key, budget) -> vector
        self._design: np.ndarray | None = None
        self._design_pos = 0

    # ----------------------------------------------------------- protocol
    @property
    def n_observations(self) -> int:
        """Number of observations: a candidate told at two budgets counts twice."""
        return len(self.y_)

    @property
    def n_configurations(self) -> int:
        """Number of distinct candidates told, at any budget."""
        return len(self._told)

    @property
    def budgets_(self) -> np.ndarray:
        """The distinct budgets told so far, ascending (``inf`` is the full budget)."""
        return np.unique(self.budget_)

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

    def ask(self, n: int = 1, *, budget: float | None = None) -> list[Candidate]:
        """Propose up to ``n`` new candidates.

        Parameters
        ----------
        n : int, default=1
            Batch size. Candidates of one batch are distinct from each other
            and from every candidate asked or told before.
        budget : float or None, default=None
            The budget the candidates will first be evaluated at; they are
            pending at that budget until told at it. ``None`` is the full
            budget.

        Returns
        -------
        list of Candidate
            ``n`` candidates, fewer when a finite space runs out (an empty
            list once it is exhausted).
        """
        n = _check_int("n", n)
        budget = _check_budget(budget)
        remaining = self.space.cardinality - len(self._seen)
        n = int(min(n, remaining))
        if n <= 0:
            return []
        rows: list[np.ndarray] = []
        batch_keys: set[tuple] = set()

        def take(X: np.ndarray) -> list[np.ndarray]:
            """Keep the new rows of ``X`` (snapped) up to ``n``; return the duplicates."""
            duplicates: list[np.ndarray] = []
            for x in self.space.snap(self._fill_missing(X)) if len(X) else []:
                if len(rows) >= n:
                    break
                k = self.space.key(x)
                if k in self._seen or k in batch_keys:
                    duplicates.append(x)
                    continue
                batch_keys.add(k)
                rows.append(x)
            return duplicates

        n_started = self._n_started()
        n_design = max(0, min(n, self.n_initial_points_ - n_started))
        if n_design:
            take(self._next_design_points(n_design))
        if len(rows) < n:
            if self.model_budget_ is None or n_started < self.n_initial_points_:
                # Nothing to model yet (or the design hit duplicates): stay random.
                take(self.space.sample(n - len(rows), self.rng))
            else:
                self._propose_until_new(n, rows, take)
        if len(rows) < n:
            take(self._random_unseen(n - len(rows), batch_keys))
        # No rows at all when no unseen point was found (the 2-d shape matters then).
        out = self.space._to_candidates_snapped(np.array(rows).reshape(len(rows), self.space.n_columns))
        self._add_pending(out, budget)
        return out

    def _propose_until_new(self, n: int, rows: list[np.ndarray], take: Any) -> None:
        """Ask :meth:`_propose` for the missing rows, again while it repeats itself.

        A proposal that duplicates a candidate asked before (or one of the
        same batch) is dropped and :meth:`_on_duplicates` tells the proposer
        which; if it answers True, :meth:`_propose` is called again for the
        rows still missing, at most ``_propose_retries`` more times, before
        ``ask`` falls back to random points. A proposer that never repeats
        itself, or does not ask to retry (the default), is called exactly
        once, as before the retries existed.
        """
        for attempt in range(1 + self._propose_retries):
            pending = np.array(self._pending_vectors() + rows).reshape(-1, self.space.n_columns)
            duplicates = take(self._propose(n - len(rows), pending))
            if len(rows) >= n or not duplicates:
                return
            if not self._on_duplicates(np.array(duplicates), attempt):
                return

    def _fill_missing(self, X: np.ndarray) -> np.ndarray:
        """Draw the missing (``NaN``) active entries of proposed vectors from the prior.

        A proposal that moves into another sub-space (a mutation switching the
        model family) may leave that sub-space's columns ``NaN``;
        :meth:`SearchSpace.snap` would put them at the centre of their ranges,
        so they are drawn here instead: a uniform unit coordinate is a draw
        from the prior (see :mod:`skhpo.space`). A missing root entry keeps
        :meth:`~SearchSpace.snap`'s meaning (sub-space 0) and is not drawn.
        Vectors without missing active entries are returned as they are, and
        no random number is used.
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if not len(X) or X.shape[1] != self.space.n_columns:
            return X  # snap reports a wrong shape
        missing = self.space.active[self.space.subspace_of(X)] & np.isnan(X)
        if self.space.root is not None:
            missing[:, self.space.root] = False
        if not missing.any():
            return X
        X = X.copy()
        X[missing] = self.rng.random(int(missing.sum()))
        return X

    def mark_pending(self, candidates: Sequence[Candidate], *, budget: float | None = None) -> None:
        """Declare candidates as being evaluated at ``budget``.

        :meth:`ask` does this for the candidates it returns; a scheduler calls
        it for a candidate it promotes to a higher budget, so a batch strategy
        knows what is running. A candidate may be pending at several budgets;
        :meth:`tell` at a budget ends its pending state at that budget only.

        Parameters
        ----------
        candidates : list of Candidate
            Candidates from this optimizer's :meth:`ask` (at any budget).
        budget : float or None, default=None
            ``None`` is the full budget.

        Examples
        --------
        >>> from skhpo.optimizers import RandomOptimizer
        >>> opt = RandomOptimizer({"x": (0.0, 1.0)}, random_state=0)
        >>> cands = opt.ask(2, budget=1)
        >>> opt.mark_pending(cands, budget=3)
        >>> opt.tell(cands, [0.1, 0.2], budget=1)
        >>> opt.n_pending
        2
        """
        self._add_pending(list(candidates), _check_budget(budget))

    @property
    def n_pending(self) -> int:
        """Number of (candidate, budget) pairs asked or marked pending and not told yet."""
        return len(self._pending)

    def tell(
        self,
        candidates: Sequence[Candidate],
        scores: Sequence[float],
        budget: float | None = None,
    ) -> None:
        """Record the scores of evaluated candidates.

        Parameters
        ----------
        candidates : list of Candidate
            Candidates from :meth:`ask` or from ``space.encode``.
        scores : array-like of shape (len(candidates),)
            Higher is better. ``NaN`` or infinite scores mark failed
            evaluations; models see them as the worst score observed at the
            same budget.
        budget : float or None, default=None
            The budget the scores were obtained at; ``None`` is the full
            budget (a search without fidelities). A candidate told at a lower
            budget can be told again at a higher one; telling it twice at the
            same budget records a replicate.
        """
        budget = _check_budget(budget)
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
            self._pending.pop((k, budget), None)
            self._seen.add(k)
            self._told.add(k)
        self.X_ = np.vstack([self.X_, X])
        self.y_ = np.concatenate([self.y_, scores])
        self.subspace_ = np.concatenate([self.subspace_, [c.subspace for c in candidates]]).astype(int)
        self.budget_ = np.concatenate([self.budget_, np.full(len(candidates), budget)])
        self._on_tell(X, scores)

    # -------------------------------------------------------- budget views
    def observations(self, budget: float | None = None) -> Observations:
        """The observations told at one budget.

        Parameters
        ----------
        budget : float or None, default=None
            ``None`` (or ``inf``) is the full budget.

        Returns
        -------
        Observations
            ``(X, y, subspace)`` of the rows told at ``budget``, in the order
            they were told; empty when none was.

        Examples
        --------
        >>> from skhpo.optimizers import RandomOptimizer
        >>> opt = RandomOptimizer({"x": (0.0, 1.0)}, random_state=0)
        >>> cands = opt.ask(3, budget=1)
        >>> opt.tell(cands, [0.1, 0.2, 0.3], budget=1)
        >>> opt.tell(cands[2:], [0.6], budget=3)
        >>> opt.observations(1).y.tolist(), opt.observations(3).y.tolist()
        ([0.1, 0.2, 0.3], [0.6])
        """
        rows = self.budget_ == _check_budget(budget)
        if rows.all():
            return Observations(self.X_, self.y_, self.subspace_)
        return Observations(self.X_[rows], self.y_[rows], self.subspace_[rows])

    @property
    def model_budget_(self) -> float | None:
        """The budget whose observations the model fits on; None while no budget qualifies.

        Chosen by :meth:`_select_model_budget`.
        """
        return self._select_model_budget()

    def model_observations(self) -> Observations:
        """The observations a model fits on: those of :attr:`model_budget_`.

        Without budgets these are all the observations. A subclass's
        :meth:`_propose` reads its data from here rather than from ``X_``
        and ``y_``, so that with budgets it models one budget only.

        Returns
        -------
        Observations
            Empty while :attr:`model_budget_` is None.

        Examples
        --------
        >>> from skhpo.optimizers import RandomOptimizer
        >>> opt = RandomOptimizer({"x": (0.0, 1.0)}, random_state=0)
        >>> opt.min_model_observations = 2
        >>> cands = opt.ask(3, budget=1)
        >>> opt.tell(cands, [0.1, 0.2, 0.3], budget=1)
        >>> opt.tell(cands[2:], [0.6], budget=3)
        >>> opt.model_budget_, len(opt.model_observations().y)
        (1.0, 3)
        """
        budget = self.model_budget_
        if budget is None:
            return Observations(self.X_[:0], self.y_[:0], self.subspace_[:0])
        return self.observations(budget)

    def _select_model_budget(self) -> float | None:
        """The highest budget with at least ``min_model_observations`` observations.

        BOHB's rule (Falkner, Klein & Hutter, ICML 2018, section 4.1): the
        model of the largest budget with enough observations. A subclass may
        choose otherwise; None means no model can be fitted yet.
        """
        budgets, counts = np.unique(self.budget_, return_counts=True)
        enough = budgets[counts >= self.min_model_observations]
        return float(enough[-1]) if len(enough) else None

    # ------------------------------------------------------------ helpers
    @property
    def y_imputed_(self) -> np.ndarray:
        """Scores with failures replaced by the worst finite score."""
        return impute_failures(self.y_)

    def _n_started(self) -> int:
        """Configurations told or pending: what the initial design has used up."""
        return len(self._told | {k for k, _ in self._pending})

    def _pending_vectors(self) -> list[np.ndarray]:
        """One vector per pending configuration, in the order they became pending."""
        seen: dict[tuple, np.ndarray] = {}
        for (k, _), v in self._pending.items():
            seen.setdefault(k, v)
        return list(seen.values())

    def _add_pending(self, candidates: list[Candidate], budget: float) -> None:
        for c in candidates:
            k = c.key
            self._seen.add(k)
            self._pending[(k, budget)] = c.vector

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

    #: How many more times :meth:`ask` may call :meth:`_propose` when its
    #: proposals duplicate earlier candidates, before filling in randomly.
    _propose_retries = 3

    def _on_duplicates(self, X: np.ndarray, attempt: int) -> bool:
        """Hook: proposals of the last :meth:`_propose` call were dropped as duplicates.

        A proposer learns here which of its proposals repeated a candidate
        asked before (or one of the same batch), and answers whether
        :meth:`_propose` should be called again for the missing rows; it can
        change what it does meanwhile (an evolution mutates harder, for
        instance). Without a retry, or after ``_propose_retries`` of them,
        :meth:`ask` fills the missing rows with random points.

        The default answers False: engines that already draw again inside
        :meth:`_propose` (TPE) or whose proposal would not change (a GP's
        acquisition maximum on the same data) keep the random fill.

        Parameters
        ----------
        X : ndarray of shape (n_duplicates, n_columns)
            The dropped proposals, snapped.
        attempt : int
            0 after the first call of :meth:`_propose` in this :meth:`ask`,
            1 after the first retry, and so on.

        Returns
        -------
        bool
            True to be asked again.
        """
        return False

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
            Unit vectors (``snap`` is applied by the caller; ``NaN`` entries
            of active columns are drawn from the prior first). Duplicates of
            seen candidates are dropped and :meth:`_on_duplicates` is told of
            them; if it asks to, ``_propose`` is called again for the missing
            rows (up to ``_propose_retries`` times); what is still missing is
            made up for with random points, so ``m`` may differ from ``n``.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_observations={self.n_observations})"
