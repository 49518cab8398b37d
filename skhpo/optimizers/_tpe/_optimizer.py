"""The tree-structured Parzen estimator optimizer."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ...space import Integer, Ordinal
from ...space._cells import cell_middle
from .._base import BaseOptimizer
from ._parzen import IntCells, ParzenEstimator, int_masses
from ._split import check_gamma, n_good, split_good

__all__ = ["TPEOptimizer"]

# Integer columns with more values than this are modelled as continuous
# (and snapped afterwards) instead of with per-cell kernel masses.
_MAX_DISCRETE_CELLS = 10_000
# Rounds of n_ei_candidates draws before giving up on finding an unasked point.
_MAX_DRAWS = 4
# Look-ahead, in trials, of a family's rate of improvement in the rising
# bandit that chooses the family (see TPEOptimizer's Notes).
_RISING_HORIZON = 20


class _Block:
    """The modelled columns of one node of the tree (a sub-space, or the root).

    Splits the columns into real, integer (with their cell edges in unit
    coordinates) and categorical ones; single-choice categorical columns are
    constant and not modelled. Converts canonical vectors into the arrays a
    :class:`ParzenEstimator` takes, and sampled arrays back into canonical
    vectors.
    """

    def __init__(self, space: Any, cols: np.ndarray) -> None:
        real, ints, cats, const = [], [], [], []
        self.snap_dims: list[tuple[int, Any]] = []  # (position in num block, dim)
        self.edges: list[np.ndarray] = []
        self.centers: list[np.ndarray] = []
        self.widths: list[np.ndarray] = []
        k = []
        for j in cols:
            j = int(j)
            dim = space.dims[j]
            kind = space.kinds[j]
            size = space.sizes[j]
            if kind == "cat":
                if size <= 1:
                    const.append(j)
                else:
                    cats.append(j)
                    k.append(int(size))
            elif kind == "int" and math.isfinite(size) and size <= _MAX_DISCRETE_CELLS:
                edges = _cell_edges(dim, int(size))
                ints.append(j)
                self.edges.append(edges)
                self.widths.append(np.diff(edges))
                self.centers.append(dim.snap(0.5 * (edges[:-1] + edges[1:])))
            else:
                if kind == "int":
                    self.snap_dims.append((len(real), dim))
                real.append(j)
        # All integer columns side by side, for computing cells in one go:
        # column p owns cells cell_off[p]:cell_off[p + 1] and edges
        # cell_off[p] + p : cell_off[p + 1] + p + 1 of the concatenations.
        sizes = [len(w) for w in self.widths]
        self.cell_off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)  # (n_int + 1,)
        self.all_edges = np.concatenate(self.edges) if ints else np.empty(0)
        self.all_centers = np.concatenate(self.centers) if ints else np.empty(0)
        self.edge_col = np.repeat(np.arange(len(ints)), [n + 1 for n in sizes]).astype(np.intp)
        cell_col = np.repeat(np.arange(len(ints)), sizes).astype(np.intp)
        self.cell_lower = np.arange(len(cell_col), dtype=np.intp) + cell_col  # lower edge of each cell
        self.num_cols = np.array(real + ints, dtype=np.intp)
        self.n_real = len(real)
        self.n_int = len(ints)
        self.cat_cols = np.array(cats, dtype=np.intp)
        self.k = np.array(k, dtype=np.intp)
        self.const_cols = np.array(const, dtype=np.intp)
        self.const_vals = np.array([space.dims[j].snap(np.array([0.5]))[0] for j in const])
        self.n_modelled = len(self.num_cols) + len(self.cat_cols)

    def encode(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Observations (m, n_columns) -> (U, per-observation floors, C)."""
        U = X[:, self.num_cols]  # (m, n_num)
        floor = np.zeros_like(U)
        for p in range(self.n_int):
            q = self.n_real + p
            idx = _cell_index(self.edges[p], U[:, q])
            floor[:, q] = 0.5 * self.widths[p][idx]
        C = np.minimum((X[:, self.cat_cols] * self.k).astype(np.intp), self.k - 1)  # (m, n_cat)
        return U, floor, C

    def finish(self, U: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, IntCells]:
        """Snap sampled numeric coordinates.

        Returns the snapped ``U``, the cell edges ``lo`` and ``hi``
        (c, n_int) and the distinct cells as
        :func:`~skhpo.optimizers._tpe._parzen.int_cells` would give them,
        found by counting instead of sorting.
        """
        c = len(U)
        r = self.n_real
        G = np.empty((c, self.n_int), dtype=np.intp)  # global cell of each point
        for p in range(self.n_int):
            G[:, p] = _cell_index(self.edges[p], U[:, r + p])
        G += self.cell_off[:-1]
        U[:, r:] = self.all_centers[G]
        low = self.cell_lower[G]  # (c, n_int) global lower edges
        lo = self.all_edges[low]
        hi = self.all_edges[low + 1]
        used = np.zeros(len(self.cell_lower), dtype=bool)  # cells in use
        used[G] = True
        cell_ids = np.flatnonzero(used)  # (n_cells,), column after column
        rank = np.cumsum(used)
        rank -= 1
        cell = rank[G.T]  # (n_int, c)
        lower = self.cell_lower[cell_ids]
        e_used = np.zeros(len(self.all_edges), dtype=bool)  # edges in use
        e_used[lower] = True
        e_used[lower + 1] = True
        pos = np.cumsum(e_used)
        pos -= 1
        cells = IntCells(
            self.all_edges[e_used],
            self.edge_col[e_used],
            pos[lower],
            pos[lower + 1],
            cell_ids.searchsorted(self.cell_off),
            cell,
        )
        for q, dim in self.snap_dims:
            U[:, q] = dim.snap(U[:, q])
        return U, lo, hi, cells

    def to_vectors(self, U: np.ndarray, C: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write canonical coordinates into the rows of ``out`` (c, n_columns)."""
        out[:, self.num_cols] = U
        out[:, self.cat_cols] = cell_middle(C, self.k)
        out[:, self.const_cols] = self.const_vals
        return out


def _cell_edges(dim: Any, size: int) -> np.ndarray:
    """Unit-coordinate edges of the ``size`` cells of a discrete dimension."""
    if isinstance(dim, Ordinal):  # equal cells, in the order of the values
        edges = np.linspace(0.0, 1.0, size + 1)
    elif isinstance(dim, Integer):
        v = np.arange(int(dim.low), int(dim.high) + 2) - 0.5  # (size + 1,)
        w = np.log(v) if dim.prior == "log-uniform" else v
        edges = (w - w[0]) / (w[-1] - w[0])
    else:  # discrete scipy distribution with finite support: cdf steps
        v = np.arange(int(dim.low) - 1, int(dim.high) + 1)
        edges = np.asarray(dim.distribution.cdf(v), dtype=float)
        edges[0], edges[-1] = 0.0, 1.0
    return edges


def _cell_index(edges: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index of the cell holding each unit coordinate."""
    idx = edges.searchsorted(u, side="right")
    idx -= 1
    # np.clip on integers, without its Python-level overhead.
    np.maximum(idx, 0, out=idx)
    return np.minimum(idx, len(edges) - 2, out=idx)


class TPEOptimizer(BaseOptimizer):
    """Tree-structured Parzen estimator (TPE) over a search space.

    After an initial scrambled Sobol design, each suggestion splits the
    observations into a small *good* group (the best scores) and a *bad*
    group, fits a Parzen estimator ``l(x)`` to the good group and ``g(x)``
    to the bad one, draws ``n_ei_candidates`` points from ``l`` and returns
    the one maximising ``l(x) / g(x)`` (Bergstra et al., 2011). The
    components follow the study of Watanabe (2023):

    * **split**: the best ``gamma(n)`` of the ``n`` observations are good
      (see ``gamma``); failed evaluations (non-finite scores) and the
      fantasies of pending candidates are always bad;
    * **weights**: every observation has weight 1, the prior component
      ``prior_weight`` (uniform weights; no decay for old observations, as
      the order in which a search evaluates candidates says nothing of their
      quality);
    * **kernels**: Gaussian kernels truncated to the bounds of each
      parameter in the unit encoding (so log-uniform parameters get
      log-space kernels); on integer parameters the probability of a value
      is the kernel mass over its cell; on categorical parameters with ``k``
      choices an Aitchison-Aitken kernel with mass ``1 - eps`` on the
      observed choice and ``eps = (k - 1) / (m + k)`` spread over the others
      (``m`` observations in the group: a small good group is smoothed
      more, a large bad group less); a prior component, uniform over the
      space, keeps every density positive and every value reachable;
    * **bandwidths**: per observation and parameter, the larger distance to
      its neighbours among the observations (Bergstra et al., 2011), floored
      at ``1 / min(100, m + 2)`` when ``consider_magic_clip`` (else at
      0.001) and, on integer parameters, at half the width of the observed
      value's cell; the bad group of product kernels uses Scott's rule
      instead (see Notes);
    * **tree structure**: with several sub-spaces (model families), the
      family is chosen first, by a rising bandit over the families (see
      Notes, "Choosing the family"); the parameters are then chosen by TPE
      on the observations of that family only, split into good and bad by
      the same ``gamma`` among themselves, jointly when ``multivariate``. So
      the budget leaves the families that cannot catch up, while each
      family's trials, even a trailing family's few, search around its own
      best ones.
    * **batches**: constant liar. Pending candidates (asked, not told) and
      the earlier picks of a batch join the bad group as fantasies, which
      spreads a batch out; a candidate already asked is never proposed.

    Building the estimators costs ``O(n log n)`` per parameter and scoring
    the candidates ``O(n * n_ei_candidates)`` per parameter, for ``n``
    observations.

    Parameters
    ----------
    space : SearchSpace or dict or list of dict
        The search space.
    n_initial_points : int or None, default=None
        Size of the initial Sobol design; None means 10.
    n_ei_candidates : int, default=24
        Number of points drawn from ``l(x)`` per suggestion, of which the
        best ``l(x) / g(x)`` is returned. More candidates exploit more.
    gamma : {"linear", "sqrt"}, float in (0, 1] or callable, default="linear"
        Size of the good group among ``n`` observations: ``"linear"`` is
        ``min(ceil(0.1 n), 25)``, ``"sqrt"`` is ``min(ceil(0.25 sqrt(n)), 25)``
        (Hyperopt's), a float ``f`` is ``ceil(f n)``, a callable maps ``n``
        to an int in ``[0, n]``. At least one observation is good.
    multivariate : bool, default=True
        True: one product kernel per observation over all the parameters of
        the sub-space, so the densities keep the dependencies between
        parameters (Falkner et al., 2018; Watanabe, 2023). False:
        independent one-dimensional estimators per parameter (the original
        TPE). True is the default: it found better optima on continuous and
        mixed spaces; independent estimators can do as well where the
        effects of the parameters are additive.
    prior_weight : float, default=1.0
        Weight of the prior component against 1 per observation; larger
        values explore more. Must be positive.
    consider_magic_clip : bool, default=True
        Floor the bandwidths at ``1 / min(100, m + 2)`` ("magic clip",
        Bergstra et al., 2011), so estimators built from few observations
        stay wide.
    random_state : int, RandomState, Generator or None, default=None
        Seed; the same seed and the same calls give the same candidates.

    Attributes
    ----------
    X_, y_, subspace_ : ndarray
        The observations, see :class:`~skhpo.optimizers.BaseOptimizer`.

    Notes
    -----
    **Defaults.** The components and their defaults follow the ablation
    study of Watanabe (2023): a linear good-group size, uniform weights,
    multivariate kernels, the neighbour-gap bandwidths with the magic clip
    and a prior component of weight 1. They were checked against random
    search and Optuna's TPE on synthetic functions and on the benchmark
    tasks of ``docs/benchmarks.md``.

    **Bandwidth of the bad group.** With multivariate kernels the bad group
    ``g(x)`` uses Scott's rule, as the multivariate kernel density
    estimates of BOHB (Falkner et al., 2018), while the good group ``l(x)``
    keeps the neighbour-gap rule. With neighbour gaps for both, the many bad
    observations of a 6-8-D space get bandwidths at the magic-clip floor,
    their product kernels cover almost no volume, ``g(x)`` is close to its
    prior and candidates are ranked by ``l(x)`` alone: the search stops
    exploring. Scott's rule keeps ``g(x)`` wide enough to push candidates
    away from the bad region. Independent estimators
    (``multivariate=False``) use neighbour gaps for both groups.

    **Choosing the family.** TPE's own rule for the root categorical (the
    family with the largest ratio of its share of the good group to its
    share of the bad group, Bergstra et al., 2011) is greedy: a family that
    is good on average takes the budget from one whose optimum is narrow
    but better. The family is therefore chosen by a rising bandit (Li et
    al., 2020): a family with at least two trials has a lower bound, its
    best score, and an upper bound, that best raised by its rate of
    improvement over the later half of its trials times a look-ahead of 20
    trials; a family stays in play while its upper bound reaches the
    largest lower bound, and the family in play with the fewest trials
    (pending ones included, so a batch is spread) is next. A family that
    stopped improving while behind drops out; the leader and any family
    still climbing share the budget. Families with fewer than two trials
    are in play, and a family whose every trial failed is not. Li et al.
    measure the rate over a fixed window; over the later half, a
    best-so-far curve that flattens gets a rate at least its current one,
    so a family is not dropped for a short plateau once it has a history.
    The look-ahead is a constant because an optimizer does not know the
    search's budget.

    **A family's parameters** are chosen by TPE on that family's trials
    only, split into good and bad among themselves. With the global split
    restricted to the family (as in hyperopt), a trailing family has no
    good observation and its few trials are drawn from its prior, so they
    never close in on a narrow optimum; with its own split, even a trailing
    family's trials search around its best ones. Spaces without sub-spaces
    are unaffected.

    **Candidates** are drawn from the whole of ``l(x)``, its prior
    component included, which supplies about one candidate in ``m + 1``
    (``m`` good observations) drawn uniformly and keeps every region
    reachable.

    References
    ----------
    .. [1] J. Bergstra, R. Bardenet, Y. Bengio and B. Kegl, "Algorithms for
       Hyper-Parameter Optimization", NeurIPS 2011.
    .. [2] S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient
       Hyperparameter Optimization at Scale", ICML 2018.
    .. [3] S. Watanabe, "Tree-Structured Parzen Estimator: Understanding Its
       Algorithm Components and Their Roles for Better Empirical
       Performance", arXiv:2304.11127, 2023.
    .. [4] Y. Li, J. Jiang, J. Gao, Y. Shao, C. Zhang and B. Cui, "Efficient
       Automatic CASH via Rising Bandits", AAAI 2020.

    Examples
    --------
    >>> from skhpo.optimizers import TPEOptimizer
    >>> opt = TPEOptimizer({"x": (-5.0, 5.0), "k": ["a", "b"]}, random_state=0)
    >>> for _ in range(30):
    ...     cand = opt.ask()[0]
    ...     p = cand.params
    ...     opt.tell([cand], [-(p["x"] - 1.0) ** 2 - (p["k"] == "b")])
    >>> best = opt.y_.argmax()
    >>> opt.space.to_candidate(opt.X_[best]).params["k"]
    'a'
    >>> bool(opt.y_[best] > -0.5)
    True
    """

    _default_n_initial_points = 10

    def __init__(
        self,
        space: Any,
        *,
        n_initial_points: int | None = None,
        n_ei_candidates: int = 24,
        gamma: Any = "linear",
        multivariate: bool = True,
        prior_weight: float = 1.0,
        consider_magic_clip: bool = True,
        random_state: Any = None,
    ) -> None:
        if (
            not isinstance(n_ei_candidates, numbers.Integral)
            or isinstance(n_ei_candidates, bool)
            or n_ei_candidates < 1
        ):
            raise ValueError(
                f"n_ei_candidates must be a positive int, got {n_ei_candidates!r}."
            )
        check_gamma(gamma)
        if not isinstance(multivariate, (bool, np.bool_)):
            raise ValueError(f"multivariate must be a bool, got {multivariate!r}.")
        if (
            not isinstance(prior_weight, numbers.Real)
            or isinstance(prior_weight, bool)
            or not math.isfinite(prior_weight)
            or prior_weight <= 0
        ):
            raise ValueError(
                f"prior_weight must be a finite float > 0, got {prior_weight!r}."
            )
        if not isinstance(consider_magic_clip, (bool, np.bool_)):
            raise ValueError(
                f"consider_magic_clip must be a bool, got {consider_magic_clip!r}."
            )
        super().__init__(space, n_initial_points=n_initial_points, random_state=random_state)
        self.n_ei_candidates = int(n_ei_candidates)
        self.gamma = gamma
        self.multivariate = bool(multivariate)
        self.prior_weight = float(prior_weight)
        self.consider_magic_clip = bool(consider_magic_clip)
        sp = self.space
        self._blocks = [_Block(sp, sp.subspace_columns(s)) for s in range(sp.n_subspaces)]
        self._sub_cardinality = np.array(
            [np.prod(sp.sizes[sp.subspace_columns(s)]) for s in range(sp.n_subspaces)]
        )  # (n_subspaces,), inf for continuous sub-spaces
        self._root_vals = (
            (np.arange(sp.n_subspaces) + 0.5) / sp.n_subspaces if sp.root is not None else None
        )

    # ------------------------------------------------------------ model
    def _estimator(
        self, U: np.ndarray, floor: np.ndarray, C: np.ndarray, block: _Block, good: bool = True
    ) -> ParzenEstimator:
        # Neighbour gaps for l(x), and for g(x) of independent estimators;
        # Scott's rule for g(x) of product kernels (see Notes).
        rule = "neighbor" if good or not self.multivariate else "scott"
        return ParzenEstimator(
            U,
            C,
            block.k,
            n_int=block.n_int,
            min_bandwidth=floor,
            prior_weight=self.prior_weight,
            multivariate=self.multivariate,
            bandwidth=rule,
            magic_clip=self.consider_magic_clip,
        )

    def _propose(self, n: int, pending: np.ndarray) -> np.ndarray:
        sp = self.space
        X, y, sub = self.model_observations()  # all of them without budgets
        n_obs = len(y)
        picks: list[np.ndarray] = []
        keys: set[tuple] = set()
        fant = pending.reshape(-1, sp.n_columns)
        for _ in range(n):
            if len(fant):
                Xa = np.vstack([X, fant])  # (n_obs + n_fant, n_columns)
                ya = np.concatenate([y, np.full(len(fant), -np.inf)])
                sa = np.concatenate([sub, sp.subspace_of(fant)]) if sp.root is not None else None
            else:
                Xa, ya, sa = X, y, sub
            x, key = self._suggest(Xa, ya, sa, n_obs, keys)
            picks.append(x)
            keys.add(key)
            fant = np.vstack([fant, x[None, :]])
        return np.array(picks)

    def _choose_subspace(self, y: np.ndarray, sub: np.ndarray, n_obs: int, rng: Any) -> int:
        """The sub-space (model family) of the next candidate.

        ``y`` and ``sub`` hold the ``n_obs`` observations, then the
        fantasies of pending candidates. See the class Notes ("Choosing the
        family").
        """
        sp = self.space
        K = sp.n_subspaces
        counts = np.bincount(sub, minlength=K)  # observations and fantasies
        free = counts < self._sub_cardinality  # skip families whose every point was asked
        if not free.any():
            free[:] = True
        # Rising bandit: a family stays in play while its best score, raised
        # by its rate of improvement over the later half of its trials times
        # a look-ahead, can still reach the best family's best; the family
        # in play with the fewest trials is next.
        lower = np.full(K, -np.inf)
        upper = np.full(K, np.inf)
        real_sub, real_y = sub[:n_obs], y[:n_obs]
        for f in range(K):
            yf = real_y[real_sub == f]
            if len(yf) < 2:
                continue  # too few trials to judge: in play
            best = np.maximum.accumulate(np.where(np.isfinite(yf), yf, -np.inf))
            w = len(best) // 2  # the later half of its trials
            lower[f] = best[-1]
            if not np.isfinite(best[-1]):
                upper[f] = -np.inf  # every trial failed: out of play
            elif np.isfinite(best[-1 - w]):
                upper[f] = best[-1] + (best[-1] - best[-1 - w]) / w * _RISING_HORIZON
        in_play = free & (upper >= lower.max())
        if not in_play.any():
            in_play = free
        fewest = np.flatnonzero(in_play & (counts == counts[in_play].min()))
        return int(fewest[0]) if len(fewest) == 1 else int(rng.choice(fewest))

    def _suggest(
        self, X: np.ndarray, y: np.ndarray, sub: np.ndarray | None, n_obs: int, keys: set
    ) -> tuple[np.ndarray, tuple]:
        """One canonical vector from observations plus fantasies (X, y), and its key."""
        sp = self.space
        rng = self.rng
        n_ei = self.n_ei_candidates
        is_real = np.arange(len(y)) < n_obs  # fantasies come last
        if sp.root is None:
            s = 0
            rows = slice(None)
        else:
            s = self._choose_subspace(y, sub, n_obs, rng)
            rows = sub == s
        block = self._blocks[s]
        Xs = X[rows]
        # The sub-space's own split: its best trials are its good group, even
        # when none of them is among the best overall (see Notes).
        good = split_good(y[rows], n_good(int(is_real[rows].sum()), self.gamma))
        out = np.full((n_ei, sp.n_columns), np.nan)
        if self._root_vals is not None:
            out[:, sp.root] = self._root_vals[s]
        if block.n_modelled == 0:
            block.to_vectors(np.empty((n_ei, 0)), np.empty((n_ei, 0), dtype=np.intp), out)
            return out[0], sp.key(out[0])
        U, floor, C = block.encode(Xs)
        l = self._estimator(U[good], floor[good], C[good], block)
        g = self._estimator(U[~good], floor[~good], C[~good], block, good=False)
        seen = self._seen
        # On discrete sub-spaces the best candidates may all have been asked
        # already: draw again a few times before leaving it to the caller's
        # random fill.
        for _ in range(_MAX_DRAWS):
            Uc, Cc = l.sample(n_ei, rng)
            Uc, lo, hi, cells = block.finish(Uc)
            ml, mg = int_masses([l, g], cells) if block.n_int else (None, None)
            score = l.log_pdf(Uc, lo, hi, Cc, cells, ml) - g.log_pdf(Uc, lo, hi, Cc, cells, mg)  # (n_ei,)
            block.to_vectors(Uc, Cc, out)
            for i in np.argsort(-score, kind="stable"):
                key = sp.key(out[i])
                if key not in seen and key not in keys:
                    return out[i], key
        best = out[int(np.argmax(score))]
        return best, sp.key(best)
