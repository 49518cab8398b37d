"""The Hyperband scheduler: which (candidate, budget) pairs run next.

It sits apart from the proposer, as schedulers and searchers do in Ray Tune,
AutoGluon and Syne Tune: the proposer (any
:class:`~skhpo.optimizers.BaseOptimizer`) is asked only for *new*
configurations; the scheduler runs them rung by rung and promotes the best.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from ...space import Candidate
from .._base import BaseOptimizer, _check_int
from ._schedule import Bracket, hyperband_brackets, n_to_promote, successive_halving_promotions

__all__ = ["Batch", "HyperbandScheduler"]


class Batch(NamedTuple):
    """One rung of one bracket: candidates to evaluate with the same resources.

    Parameters
    ----------
    candidates : list of Candidate
        What to evaluate, in the order the scores must come back.
    n_resources : int
        Resources of every evaluation of the batch (the budget told to the
        proposer).
    bracket : int
        Position of the bracket in the schedule, counted over the whole run
        (0, 1, 2, ...; Hyperband iterations follow one another).
    rung : int
        Rung within the bracket, from 0.

    Examples
    --------
    >>> from skhpo.optimizers import HyperbandScheduler, RandomOptimizer
    >>> sched = HyperbandScheduler(
    ...     RandomOptimizer({"x": (0.0, 1.0)}, random_state=0), min_resources=1, max_resources=9
    ... )
    >>> batch = sched.next_batch()
    >>> len(batch.candidates), batch.n_resources, batch.bracket, batch.rung
    (9, 1, 0, 0)
    """

    candidates: list[Candidate]
    n_resources: int
    bracket: int
    rung: int


class HyperbandScheduler:
    """Hyperband over a proposer: brackets of successive halving, batch by batch.

    Each bracket of :func:`~skhpo.optimizers.hyperband_brackets` runs as
    successive halving (Li et al., "Hyperband", JMLR 18 (2018)): its first
    rung asks the proposer for new configurations, each later rung holds the
    best of the previous one by rank of their scores (failed or non-finite
    candidates are never promoted). One rung is one :class:`Batch`: get it
    with :meth:`next_batch`, evaluate every candidate with
    ``batch.n_resources``, and give the scores back with :meth:`tell`, which
    tells the proposer with that budget. Brackets follow Hyperband's order
    (most rungs first) and start over when the last one ends. With a
    model-based proposer this is BOHB (Falkner, Klein & Hutter, ICML 2018):
    its model fits on the highest budget with enough observations.

    One unit of ``n_iter`` is one evaluation at ``max_resources``: an
    evaluation with ``r`` resources costs ``r / max_resources`` of a unit, so
    ``n_iter`` bounds the total resources spent, as ``n_iter`` full-budget
    evaluations of a search without fidelities would.

    Parameters
    ----------
    proposer : BaseOptimizer
        Proposes new configurations (``ask(n, budget=...)``) and learns from
        every score (``tell(..., budget=...)``).
    min_resources : int
        Fewest resources of an evaluation.
    max_resources : int
        Resources of a full evaluation.
    factor : int, default=3
        Hyperband's ``eta``: a rung keeps one in ``factor`` candidates and
        gives each ``factor`` times the resources.
    n_iter : int or None, default=None
        Total budget in full-budget evaluations (see above); ``None``: no
        limit. A bracket starts only as many new configurations as the
        budget left can carry through all its rungs, so a rung is never cut
        and every bracket reaches ``max_resources``. When the bracket in turn
        cannot carry one configuration, the next ones are tried (fewer rungs
        cost less); when none can, :meth:`next_batch` returns None.

    Attributes
    ----------
    brackets_ : list of Bracket
        One Hyperband iteration, in the order the brackets run.
    n_resources_spent_ : int
        Resources of every batch handed out so far.
    n_configurations_ : int
        New configurations asked from the proposer so far.
    n_batches_ : int
        Batches handed out so far.

    Examples
    --------
    Scores rise with the resources, as a learning curve does; ``x`` near 0.3
    is best:

    >>> from skhpo.optimizers import HyperbandScheduler, RandomOptimizer
    >>> sched = HyperbandScheduler(
    ...     RandomOptimizer({"x": (0.0, 1.0)}, random_state=0),
    ...     min_resources=1, max_resources=9, factor=3, n_iter=20,
    ... )
    >>> while (batch := sched.next_batch()) is not None:
    ...     sched.tell([-(c.params["x"] - 0.3) ** 2 - 1 / batch.n_resources for c in batch.candidates])
    >>> round(sched.budget_spent_, 2), sched.n_batches_, sched.n_configurations_
    (19.67, 15, 40)
    """

    def __init__(
        self,
        proposer: BaseOptimizer,
        *,
        min_resources: int,
        max_resources: int,
        factor: int = 3,
        n_iter: int | None = None,
    ) -> None:
        for method in ("ask", "tell", "mark_pending"):
            if not callable(getattr(proposer, method, None)):
                raise TypeError(
                    f"proposer must be an optimizer with ask, tell and mark_pending (a BaseOptimizer), "
                    f"got {proposer!r}."
                )
        self.proposer = proposer
        self.brackets_: list[Bracket] = hyperband_brackets(min_resources, max_resources, factor)
        self.min_resources = int(min_resources)
        self.max_resources = int(max_resources)
        self.factor = int(factor)
        self.n_iter = None if n_iter is None else _check_int("n_iter", n_iter)
        self.n_resources_spent_ = 0
        self.n_configurations_ = 0
        self.n_batches_ = 0
        self._bracket = 0  # position over the whole run; brackets_[_bracket % len] is its schedule
        self._rung = 0
        self._next: list[Candidate] = []  # promoted, waiting for the next rung
        self._current: Batch | None = None  # handed out, scores not told yet
        self._done = False

    # ------------------------------------------------------------ budget
    @property
    def budget_spent_(self) -> float:
        """Budget spent so far, in full-budget evaluations (``n_iter``'s unit)."""
        return self.n_resources_spent_ / self.max_resources

    def _bracket_cost(self, bracket: Bracket, n_new: int) -> int:
        """Resources of ``bracket`` run from ``n_new`` new configurations, if none fails."""
        cost, n = 0, n_new
        for i, rung in enumerate(bracket.rungs):
            cost += n * rung.n_resources
            if i + 1 < len(bracket.rungs):
                n = n_to_promote(n, bracket.rungs[i + 1].n_candidates, self.factor)
        return cost

    def _n_new(self, bracket: Bracket) -> int:
        """How many new configurations ``bracket`` starts: as planned, or what the budget left carries."""
        planned = bracket.rungs[0].n_candidates
        if self.n_iter is None:
            return planned
        left = self.n_iter * self.max_resources - self.n_resources_spent_
        lo, hi = 0, planned  # the cost grows with n_new: the largest that fits, by bisection
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if self._bracket_cost(bracket, mid) <= left else (lo, mid - 1)
        return lo

    def _start_bracket(self) -> tuple[int, int] | None:
        """The position and size of the next bracket the budget can pay for, or None."""
        for skip in range(len(self.brackets_)):
            position = self._bracket + skip
            n_new = self._n_new(self.brackets_[position % len(self.brackets_)])
            if n_new:
                return position, n_new
        return None

    # ---------------------------------------------------------- protocol
    def next_batch(self) -> Batch | None:
        """The next rung to evaluate, or None when the search is over.

        The search is over when the budget ``n_iter`` left cannot carry one
        more configuration through a bracket, or when the proposer has no
        new configuration left (an exhausted finite space).

        Returns
        -------
        Batch or None

        Raises
        ------
        RuntimeError
            If the scores of the previous batch were not told yet.
        """
        if self._current is not None:
            raise RuntimeError("tell the scores of the current batch before asking for the next one.")
        if self._done:
            return None
        if self._rung == 0:
            start = self._start_bracket()
            if start is None:
                self._done = True
                return None
            self._bracket, n_new = start
        rung = self.brackets_[self._bracket % len(self.brackets_)].rungs[self._rung]
        if self._rung == 0:
            candidates = self.proposer.ask(n_new, budget=rung.n_resources)
            self.n_configurations_ += len(candidates)
        else:
            candidates = self._next
        if not candidates:
            self._done = True
            return None
        self.n_resources_spent_ += len(candidates) * rung.n_resources
        self.n_batches_ += 1
        self._current = Batch(candidates, rung.n_resources, self._bracket, self._rung)
        return self._current

    def tell(self, scores: Sequence[float]) -> None:
        """Give the scores of the current batch, in its order.

        The proposer is told them with the batch's budget; the best finite
        ones are promoted to the next rung of the bracket.

        Parameters
        ----------
        scores : array-like of shape (len(batch.candidates),)
            Higher is better; ``NaN`` or infinite scores mark failures.

        Raises
        ------
        RuntimeError
            If no batch is waiting for its scores.
        """
        batch = self._current
        if batch is None:
            raise RuntimeError("tell was called with no batch waiting for scores; call next_batch first.")
        y = np.asarray(scores, dtype=float).reshape(-1)
        if len(y) != len(batch.candidates):
            raise ValueError(f"tell got {len(y)} scores for a batch of {len(batch.candidates)} candidates.")
        self.proposer.tell(batch.candidates, y, budget=batch.n_resources)
        self._current = None
        self._promote(batch, y)

    # ------------------------------------------------------------ helpers
    def _promote(self, batch: Batch, y: np.ndarray) -> None:
        rungs = self.brackets_[batch.bracket % len(self.brackets_)].rungs
        if batch.rung + 1 < len(rungs):
            nxt = rungs[batch.rung + 1]
            keep = n_to_promote(len(y), nxt.n_candidates, self.factor)
            self._next = [batch.candidates[i] for i in successive_halving_promotions(y, keep)]
            if self._next:
                self.proposer.mark_pending(self._next, budget=nxt.n_resources)
                self._rung += 1
                return
        self._next = []
        self._bracket += 1
        self._rung = 0

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(min_resources={self.min_resources}, max_resources={self.max_resources}, "
            f"factor={self.factor}, n_iter={self.n_iter})"
        )
