"""Parzen estimators on the unit cube for TPE.

A :class:`ParzenEstimator` is a mixture with one component per observation
plus one *prior* component:

* numeric columns (real and integer): a Gaussian kernel centred on the
  observation, truncated to ``[0, 1]`` (the unit encoding is already
  log-warped for log priors, so truncating there is truncating at the
  bounds of the parameter). On an integer column the kernel is discretised:
  the probability of an integer is the kernel mass over its cell;
* categorical columns: the kernel of Aitchison & Aitken (1976), mass
  ``1 - eps`` on the observed choice and ``eps / (k - 1)`` on each other
  choice, with ``eps = (k - 1) / (m + k)`` for ``k`` choices and ``m``
  observations: the smoothing shrinks like ``1 / m``, the rate of the
  magic-clip floor of the numeric kernels, so a good group of a few
  observations stays broad and a large bad group is sharp;
* the prior component is uniform on the unit interval (numeric) or over the
  choices (categorical), with weight ``prior_weight`` against weight 1 for
  each observation. It keeps every density positive, and is all there is
  when a group holds no observation.

With ``multivariate=True`` each observation contributes one *product* kernel
over all the columns (Falkner et al., 2018; Watanabe, 2023), so the density
keeps the dependencies between parameters; otherwise every column is its own
one-dimensional mixture and the density is the product of the marginals
(Bergstra et al., 2011).

Building an estimator from ``m`` observations costs ``O(m log m)`` per column
(a sort for the neighbour bandwidths); evaluating ``c`` points costs
``O(c * m)`` per column. Everything is vectorised.

References
----------
.. [1] J. Bergstra, R. Bardenet, Y. Bengio and B. Kegl, "Algorithms for
   Hyper-Parameter Optimization", NeurIPS 2011.
.. [2] J. Aitchison and C. G. G. Aitken, "Multivariate binary discrimination
   by the kernel method", Biometrika 63(3), 1976.
.. [3] S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient
   Hyperparameter Optimization at Scale", ICML 2018.
.. [4] S. Watanabe, "Tree-Structured Parzen Estimator: Understanding Its
   Algorithm Components and Their Roles for Better Empirical Performance",
   arXiv:2304.11127, 2023.
.. [5] D. W. Scott, "Multivariate Density Estimation", Wiley, 1992.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy.special import erfc, ndtri

__all__ = [
    "MAX_BANDWIDTH",
    "MIN_BANDWIDTH",
    "IntCells",
    "ParzenEstimator",
    "bandwidth_neighbor",
    "bandwidth_scott",
    "int_cells",
    "int_masses",
    "magic_clip_floor",
]

#: Absolute bounds of a numeric kernel's bandwidth, in unit coordinates.
MIN_BANDWIDTH = 1e-3
MAX_BANDWIDTH = 1.0
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
# Normal tails beyond this many standard deviations (< 1e-17) are taken as 0.
_FAR_TAIL = 8.5
# Integer-column kernel masses are computed in chunks of about this many
# (edge, kernel) pairs (see int_masses).
_CHUNK = 16384
# From this many kernels on, int_masses looks for repeated kernels.
_DEDUP_MIN = 256


def magic_clip_floor(n_observations: int) -> float:
    """Smallest bandwidth of the "magic clip" of Bergstra et al. (2011).

    ``1 / min(100, 1 + n_components)`` on the unit interval, where
    ``n_components = n_observations + 1`` counts the prior component: a few
    observations give wide kernels, a hundred or more allow kernels down to
    a hundredth of the range.

    Parameters
    ----------
    n_observations : int

    Returns
    -------
    float

    Examples
    --------
    >>> from skhpo.optimizers._tpe._parzen import magic_clip_floor
    >>> magic_clip_floor(0), magic_clip_floor(2), magic_clip_floor(500)
    (0.5, 0.25, 0.01)
    """
    return 1.0 / min(100, 2 + int(n_observations))


def bandwidth_neighbor(mu: np.ndarray) -> np.ndarray:
    """Per-observation bandwidths from the distances to the neighbours.

    The heuristic of Bergstra et al. (2011): in each column, an observation's
    bandwidth is the larger of the distances to its left and right
    neighbours in sorted order (the first and last observations have a
    single neighbour; a lone observation gets :data:`MAX_BANDWIDTH`). Dense
    regions get narrow kernels, isolated points wide ones. Floors and the
    upper bound are applied by the caller.

    Parameters
    ----------
    mu : ndarray of shape (m, d)
        Kernel centres, one column per dimension.

    Returns
    -------
    ndarray of shape (m, d)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._parzen import bandwidth_neighbor
    >>> bandwidth_neighbor(np.array([[0.5], [0.1], [0.2], [0.9]])).ravel().round(3).tolist()
    [0.4, 0.1, 0.3, 0.4]
    """
    mu = np.asarray(mu, dtype=float)  # (m, d)
    m = mu.shape[0]
    if m <= 1:
        return np.full(mu.shape, MAX_BANDWIDTH)
    order = np.argsort(mu, axis=0)  # (m, d)
    cols = np.arange(mu.shape[1])
    srt = mu[order, cols]
    gaps = np.diff(srt, axis=0)  # (m - 1, d)
    bw = np.empty_like(mu)  # in sorted order: the larger gap on either side
    bw[0] = gaps[0]
    bw[-1] = gaps[-1]
    np.maximum(gaps[:-1], gaps[1:], out=bw[1:-1])
    out = np.empty_like(mu)
    out[order, cols] = bw
    return out


def bandwidth_scott(mu: np.ndarray, n_dims: int | None = None) -> np.ndarray:
    """One bandwidth per column by Scott's rule.

    ``1.059 * A * m ** (-1 / (n_dims + 4))`` with ``A`` the smaller of the
    standard deviation and the interquartile range / 1.349 (the standard
    deviation alone when the interquartile range is 0); Scott (1992). With
    fewer than two observations there is no spread to measure and
    :data:`MAX_BANDWIDTH` is returned. Floors are applied by the caller.

    Parameters
    ----------
    mu : ndarray of shape (m, d)
    n_dims : int or None, default=None
        Dimension of the joint density (``d`` when None).

    Returns
    -------
    ndarray of shape (m, d)
        The column bandwidth repeated for each observation.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._parzen import bandwidth_scott
    >>> mu = np.array([[0.2], [0.4], [0.6], [0.8]])
    >>> bw = bandwidth_scott(mu)
    >>> round(float(bw[0, 0]), 4)
    0.1785
    """
    mu = np.asarray(mu, dtype=float)  # (m, d)
    m, d = mu.shape
    if m <= 1:
        return np.full(mu.shape, MAX_BANDWIDTH)
    n_dims = d if n_dims is None else int(n_dims)
    # mu.std(axis=0, ddof=1), step by step (the same numbers, a third of the time)
    dev = mu - mu.sum(axis=0) / m
    dev *= dev
    std = np.sqrt(dev.sum(axis=0) / (m - 1))  # (d,)
    srt = np.sort(mu, axis=0)
    iqr = (_sorted_quantile(srt, 0.75) - _sorted_quantile(srt, 0.25)) / 1.349
    spread = np.where(iqr > 0, np.minimum(std, iqr), std)
    bw = 1.059 * spread * m ** (-1.0 / (n_dims + 4))  # (d,)
    return np.broadcast_to(bw, mu.shape).copy()


def _sorted_quantile(srt: np.ndarray, q: float) -> np.ndarray:
    """Column quantiles of a sample sorted along axis 0.

    The "linear" rule of :func:`numpy.quantile` (the same numbers), without
    its generic machinery, which costs more than the rest of a small
    Parzen estimator.
    """
    m = srt.shape[0]
    v = (m - 1) * q
    lo = math.floor(v)
    hi = min(lo + 1, m - 1)
    t = v - lo
    a, b = srt[lo], srt[hi]
    diff = b - a
    # numpy's interpolation: from the nearer end, for accuracy
    return b - diff * (1.0 - t) if t >= 0.5 else a + diff * t


def _tails(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smaller normal tail ``min(Phi(z), 1 - Phi(z))`` and the sign ``z > 0``.

    Cell masses are differences of these tails, computed without
    cancellation far in either tail.
    """
    a = np.abs(z)
    near = a < _FAR_TAIL
    if np.count_nonzero(near) > a.size // 2:
        a *= _INV_SQRT2
        t = erfc(a, out=a)
        t *= 0.5
    else:  # mostly far tails (narrow kernels): evaluate erfc where it is not ~0
        t = np.zeros_like(a)
        t[near] = 0.5 * erfc(a[near] * _INV_SQRT2)
    return t, z > 0


def _distinct_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs ``(a[i], b[i])``: the index of each pair's copy, and the copies."""
    order = np.lexsort((b, a))
    sa, sb = a[order], b[order]
    new = np.empty(len(a), dtype=bool)
    new[:1] = True
    np.not_equal(sa[1:], sa[:-1], out=new[1:])
    new[1:] |= sb[1:] != sb[:-1]
    group = np.cumsum(new)
    group -= 1
    index = np.empty(len(a), dtype=np.intp)
    index[order] = group
    return index, sa[new], sb[new]


def _cell_mass(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """Normal mass of ``[a, b]`` (``a < b``) from the tails of ``a`` and ``b``."""
    # Both edges on one side of the mean: the difference of the tails; on
    # either side: what the two tails leave (a > 0 >= b cannot happen).
    d = ta - tb
    np.abs(d, out=d)
    return np.where(sa == sb, d, 1.0 - ta - tb)


def _edge_masses(z: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Normal masses of the cells ``[z[ia], z[ib]]`` (rows of standardised edges)."""
    t, sign = _tails(z)
    return _cell_mass(t[ia], sign[ia], t[ib], sign[ib])


class IntCells(NamedTuple):
    """The distinct cells of a set of points on the integer columns.

    Kernel masses are computed once per distinct cell edge, for all integer
    columns at once; computing this once lets the good and the bad estimator
    share it. See :func:`int_cells`.

    Attributes
    ----------
    edges : ndarray of shape (n_edges,)
        The distinct cell edges in use, column after column, ascending within
        a column.
    col : ndarray of shape (n_edges,)
        The integer column (0 to ``n_int - 1``) of each edge.
    ia, ib : ndarray of shape (n_cells,)
        Positions in ``edges`` of the lower and upper edge of each distinct
        cell; the cells of a column are contiguous, columns in order.
    bounds : ndarray of shape (n_int + 1,)
        The cells of column ``p`` are ``bounds[p]:bounds[p + 1]``.
    cell : ndarray of shape (n_int, c)
        The distinct cell (index into ``ia``) of each point on each column.
    """

    edges: np.ndarray
    col: np.ndarray
    ia: np.ndarray
    ib: np.ndarray
    bounds: np.ndarray
    cell: np.ndarray


def int_cells(lo: np.ndarray, hi: np.ndarray) -> IntCells:
    """The distinct cells of points on integer columns, for :meth:`ParzenEstimator.log_pdf`.

    Parameters
    ----------
    lo, hi : ndarray of shape (c, n_int)
        Edges of each point's cell on each integer column.

    Returns
    -------
    IntCells

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._parzen import int_cells
    >>> lo = np.array([[0.0], [0.5], [0.0]])
    >>> cells = int_cells(lo, lo + 0.5)
    >>> cells.edges.tolist(), cells.ia.tolist(), cells.ib.tolist(), cells.cell.tolist()
    ([0.0, 0.5, 1.0], [0, 1], [1, 2], [[0, 1, 0]])
    """
    c, n_int = lo.shape
    edges, col, ia, ib = [], [], [], []
    bounds = [0]
    cell = np.empty((n_int, c), dtype=np.intp)
    n_e = 0
    for p in range(n_int):
        lo_u, first, inv_c = np.unique(lo[:, p], return_index=True, return_inverse=True)
        n_u = len(lo_u)
        e, inv = np.unique(np.concatenate([lo_u, hi[first, p]]), return_inverse=True)
        inv = inv.reshape(-1) + n_e
        edges.append(e)
        col.append(np.full(len(e), p, dtype=np.intp))
        ia.append(inv[:n_u])
        ib.append(inv[n_u:])
        cell[p] = inv_c.reshape(-1) + bounds[-1]
        bounds.append(bounds[-1] + n_u)
        n_e += len(e)

    def cat(parts: list, dtype: Any) -> np.ndarray:
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

    return IntCells(cat(edges, float), cat(col, np.intp), cat(ia, np.intp), cat(ib, np.intp),
                    np.array(bounds, dtype=np.intp), cell)


class ParzenEstimator:
    """A truncated-kernel mixture with a prior component on the unit cube.

    Parameters
    ----------
    U : ndarray of shape (m, n_num)
        Observations of the numeric columns (unit coordinates). The last
        ``n_int`` of these columns are integer columns holding cell centres.
    C : ndarray of shape (m, n_cat)
        Observations of the categorical columns, as choice indices.
    n_choices : ndarray of shape (n_cat,)
        Number of choices of each categorical column (at least 2).
    n_int : int, default=0
        How many of the numeric columns (the last ones) are integer columns.
    min_bandwidth : ndarray of shape (m, n_num) or None, default=None
        Per-observation lower bound of the bandwidth on top of the global
        floors (the optimizer passes half the width of the observation's
        cell for integer columns, so an integer kernel spreads over the
        neighbouring integers).
    prior_weight : float, default=1.0
        Weight of the prior component; every observation has weight 1.
        Must be positive.
    multivariate : bool, default=False
        One product kernel per observation (True) or independent
        one-dimensional mixtures per column (False).
    bandwidth : {"neighbor", "scott"}, default="neighbor"
        Rule for the numeric bandwidths, :func:`bandwidth_neighbor` or
        :func:`bandwidth_scott`.
    magic_clip : bool, default=True
        Floor the bandwidths at :func:`magic_clip_floor` ``(m)`` (and
        always at :data:`MIN_BANDWIDTH`).

    Attributes
    ----------
    mu, sigma : ndarray of shape (n_num, m)
        Kernel centres and bandwidths, one row per numeric column.
    Z : ndarray of shape (n_num, m)
        Mass of each untruncated kernel inside ``[0, 1]``.
    eps : ndarray of shape (n_cat,)
        Mass each categorical kernel spreads over the choices other than
        the observed one, ``(k - 1) / (m + k)``.
    P : ndarray of shape (n_cat, max(n_choices))
        Univariate marginal probabilities of the categorical columns (zero
        past a column's number of choices).

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._parzen import ParzenEstimator
    >>> U = np.array([[0.2], [0.3]])               # one real column
    >>> C = np.array([[0], [0]])                  # one categorical, 3 choices
    >>> pe = ParzenEstimator(U, C, np.array([3]))
    >>> Us, Cs = pe.sample(5, np.random.default_rng(0))
    >>> Us.shape, Cs.shape
    ((5, 1), (5, 1))
    >>> lp = pe.log_pdf(np.array([[0.25], [0.9]]), None, None, np.array([[0], [2]]))
    >>> bool(lp[0] > lp[1])
    True
    >>> float(pe.eps[0])  # (k - 1) / (m + k) with k = 3 choices, m = 2
    0.4
    >>> pe.P.round(4).tolist()  # (2 * 0.6 + 1/3) / 3, (2 * 0.2 + 1/3) / 3, ...
    [[0.5111, 0.2444, 0.2444]]
    """

    def __init__(
        self,
        U: np.ndarray,
        C: np.ndarray,
        n_choices: np.ndarray,
        *,
        n_int: int = 0,
        min_bandwidth: np.ndarray | None = None,
        prior_weight: float = 1.0,
        multivariate: bool = False,
        bandwidth: str = "neighbor",
        magic_clip: bool = True,
    ) -> None:
        U = np.asarray(U, dtype=float)
        C = np.asarray(C, dtype=np.intp)
        m = U.shape[0] if U.shape[1] else C.shape[0]
        self.m = m
        self.n_num = U.shape[1]
        self.n_int = int(n_int)
        self.n_real = self.n_num - self.n_int
        self.n_cat = C.shape[1]
        self.multivariate = bool(multivariate)
        self.prior_weight = float(prior_weight)
        total = m + self.prior_weight
        self.w_obs = 1.0 / total
        self.w_prior = self.prior_weight / total
        self.log_w_obs = -math.log(total)
        self.log_w_prior = math.log(self.w_prior)

        # ------------------------------------------------ numeric kernels
        if self.n_num:
            if bandwidth == "neighbor":
                sigma = bandwidth_neighbor(U)
            elif bandwidth == "scott":
                n_dims = self.n_num + self.n_cat if self.multivariate else 1
                sigma = bandwidth_scott(U, n_dims)
            else:
                raise ValueError(f'bandwidth must be "neighbor" or "scott", got {bandwidth!r}.')
            floor = max(MIN_BANDWIDTH, magic_clip_floor(m) if magic_clip else 0.0)
            if min_bandwidth is not None:
                floor = np.maximum(floor, min_bandwidth)
            sigma = np.minimum(np.maximum(sigma, floor), MAX_BANDWIDTH)  # (m, n_num)
            mu = np.ascontiguousarray(U.T)  # (n_num, m)
            sigma = np.ascontiguousarray(sigma.T)  # (n_num, m)
            inv = 1.0 / sigma
            self.mu, self.sigma, self._inv = mu, sigma, inv
            # The bounds 0 and 1 lie at z = -mu / sigma <= 0 and
            # z = (1 - mu) / sigma >= 0: their smaller tails are Phi of the
            # first and 1 - Phi of the second, and the mass inside is 1
            # minus both (one erfc call for the two).
            t = np.concatenate([mu, 1.0 - mu]) * np.concatenate([inv, inv])  # (2 n_num, m)
            t *= _INV_SQRT2
            erfc(t, out=t)
            t *= 0.5
            t0, t1 = t[: self.n_num], t[self.n_num :]
            self._t0, self._t1 = t0, t1
            Z = 1.0 - t0 - t1  # (n_num, m) kernel mass inside [0, 1]
            self.Z = Z
            r = self.n_real
            # Real columns: a truncated kernel's density is exp(-z^2 / 2 - log_norm).
            log_norm = np.log(sigma[:r]) + _LOG_SQRT_2PI + np.log(Z[:r])  # (r, m)
            if self.multivariate:
                if r:
                    w = inv[:r] * inv[:r]  # (r, m): sum_d z_d^2 is a quadratic form in x
                    self._qw = w
                    self._qmw = mu[:r] * w
                    self._qc = (mu[:r] * self._qmw).sum(axis=0)  # (m,)
                    self._log_norm_sum = log_norm.sum(axis=0)  # (m,)
                if self.n_int:
                    self._log_z_int_sum = np.log(Z[r:]).sum(axis=0)  # (m,)
            else:
                self._coef_real = self.w_obs * np.exp(-log_norm)  # (r, m)
                self._coef_int = self.w_obs / Z[r:]  # (n_int, m)

        # -------------------------------------------- categorical kernels
        k = np.asarray(n_choices, dtype=np.intp).reshape(-1)
        self.k = k
        self._P = None
        if self.n_cat:
            # Aitchison-Aitken kernel: mass eps over the other choices.
            eps = (k - 1) / (m + k)  # (n_cat,)
            self.eps = eps
            self.C = C
            self.kmax = int(k.max())
            if self.multivariate:
                # log kernel = sum_j log_miss_j + sum_j [match_j] (log_match_j - log_miss_j);
                # the second sum is a product of one-hot encodings.
                log_match = np.log1p(-eps)
                log_miss = np.log(eps / (k - 1))
                self._cat_base = float(log_miss.sum())
                self._cat_offset = np.arange(self.n_cat) * self.kmax  # (n_cat,)
                onehot = np.zeros((m, self.n_cat * self.kmax))  # (m, n_cat * kmax)
                onehot[np.arange(m)[:, None], C + self._cat_offset] = log_match - log_miss
                self._cat_onehot_T = np.ascontiguousarray(onehot.T)
            else:
                P = self.P
                valid = P > 0
                self._log_P = np.log(np.where(valid, P, 1.0))
                cum = np.cumsum(P, axis=1)
                cum[np.arange(self.n_cat), k - 1] = 2.0  # guard against rounding at the top
                self._cum_P = np.where(valid, cum, 2.0)

    @property
    def P(self) -> np.ndarray:
        """Marginal probabilities of the categorical columns, shape (n_cat, max(n_choices))."""
        if self._P is None:
            k, eps, m = self.k, self.eps, self.m
            kmax = self.kmax
            flat = (self.C + np.arange(self.n_cat) * kmax).ravel()
            counts = np.bincount(flat, minlength=self.n_cat * kmax).reshape(self.n_cat, kmax)
            valid = np.arange(kmax)[None, :] < k[:, None]  # (n_cat, kmax)
            P = self.w_obs * ((1 - eps)[:, None] * counts + (eps / (k - 1))[:, None] * (m - counts))
            self._P = np.where(valid, P + self.w_prior / k[:, None], 0.0)
        return self._P

    # ----------------------------------------------------------- sampling
    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` points.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator

        Returns
        -------
        U : ndarray of shape (n, n_num)
            Numeric coordinates in ``[0, 1]`` (integer columns are *not*
            snapped to their cells).
        C : ndarray of shape (n, n_cat)
            Choice indices.
        """
        m, pw = self.m, self.prior_weight
        U = np.empty((n, self.n_num))
        C = np.empty((n, self.n_cat), dtype=np.intp)
        cols_num = np.arange(self.n_num)[None, :]
        if self.multivariate:
            comp = (rng.random(n) * (m + pw)).astype(np.intp)  # (n,)
            is_prior = comp >= m
            comp = np.minimum(comp, max(m - 1, 0))
            if self.n_num:
                v = rng.random((n, self.n_num))
                U[:] = self._trunc_sample(comp[:, None], cols_num, v) if m else v
                U[is_prior] = v[is_prior]
            if self.n_cat:
                k = self.k
                u_keep = rng.random((n, self.n_cat))
                u_other = rng.random((n, self.n_cat))
                u_prior = rng.random((n, self.n_cat))
                uniform = np.minimum((u_prior * k).astype(np.intp), k - 1)
                if m:
                    obs = self.C[comp]  # (n, n_cat)
                    r = np.minimum((u_other * (k - 1)).astype(np.intp), k - 2)
                    other = r + (r >= obs)
                    C[:] = np.where(u_keep >= self.eps, obs, other)
                    C[is_prior] = uniform[is_prior]
                else:
                    C[:] = uniform
        else:
            if self.n_num:
                comp = (rng.random((n, self.n_num)) * (m + pw)).astype(np.intp)  # (n, n_num)
                is_prior = comp >= m
                comp = np.minimum(comp, max(m - 1, 0))
                v = rng.random((n, self.n_num))
                U[:] = self._trunc_sample(comp, cols_num, v) if m else v
                U[is_prior] = v[is_prior]
            if self.n_cat:
                u = rng.random((n, self.n_cat))
                C[:] = (u[:, :, None] >= self._cum_P[None, :, :]).sum(axis=2)
                np.minimum(C, self.k - 1, out=C)
        return U, C

    def _trunc_sample(self, comp: np.ndarray, cols: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Inverse-cdf draws from the truncated kernels ``(cols, comp)``."""
        lo = self._t0[cols, comp]  # Phi(-mu / sigma)
        hi = 1.0 - self._t1[cols, comp]  # Phi((1 - mu) / sigma)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            x = self.mu[cols, comp] + self.sigma[cols, comp] * ndtri(lo + v * (hi - lo))
        x[np.isnan(x)] = 0.5
        np.maximum(x, 0.0, out=x)
        return np.minimum(x, 1.0, out=x)

    # -------------------------------------------------------- densities
    def log_pdf(
        self,
        U: np.ndarray | None,
        lo: np.ndarray | None,
        hi: np.ndarray | None,
        C: np.ndarray | None,
        cells: IntCells | None = None,
        int_mass: np.ndarray | None = None,
    ) -> np.ndarray:
        """Log-density (log-probability on integer and categorical columns).

        Parameters
        ----------
        U : ndarray of shape (c, n_num) or None
            Numeric coordinates; only the real columns (the first
            ``n_num - n_int``) are read.
        lo, hi : ndarray of shape (c, n_int) or None
            Edges of the cell of each point on the integer columns.
        C : ndarray of shape (c, n_cat) or None
            Choice indices.
        cells : IntCells or None, default=None
            :func:`int_cells` ``(lo, hi)``, if already computed.
        int_mass : ndarray of shape (n_cells, m) or None, default=None
            This estimator's :func:`int_masses` on ``cells``, if already
            computed (then ``cells`` must be given too).

        Returns
        -------
        ndarray of shape (c,)
            Density with respect to Lebesgue measure on the real columns
            and to counting measure on the integer and categorical ones.
        """
        c = len(U) if U is not None and self.n_num else len(C)
        if self.n_int and int_mass is None:
            if cells is None:
                cells = int_cells(lo, hi)
            (int_mass,) = int_masses([self], cells)
        r = self.n_real
        m = self.m
        if not self.multivariate:
            out = np.zeros(c)
            if r:
                z = U[:, :r].T[:, :, None] - self.mu[:r, None, :]  # (r, c, m)
                z *= self._inv[:r, None, :]
                np.square(z, out=z)
                z *= -0.5
                np.exp(z, out=z)
                dens = np.matmul(z, self._coef_real[:, :, None])[:, :, 0]  # (r, c)
                dens += self.w_prior
                out += np.log(dens).sum(axis=0)
            if self.n_int:
                mass = int_mass  # (n_cells, m)
                b = cells.bounds
                for p in range(self.n_int):
                    pm = (mass[b[p] : b[p + 1]] @ self._coef_int[p])[cells.cell[p] - b[p]]
                    pm += self.w_prior * (hi[:, p] - lo[:, p])
                    out += np.log(pm)
            if self.n_cat:
                out += self._log_P[np.arange(self.n_cat)[None, :], C].sum(axis=1)
            return out

        # Multivariate: log-sum-exp over the m product kernels and the prior.
        prior = np.full(c, self.log_w_prior)  # (c,)
        L = np.full((c, m), self.log_w_obs)  # (c, m)
        if r:
            A = U[:, :r]  # (c, r)
            quad = (A * A) @ self._qw - 2.0 * (A @ self._qmw)  # (c, m)
            quad += self._qc
            L -= 0.5 * quad
            L -= self._log_norm_sum
        if self.n_int:
            with np.errstate(divide="ignore"):
                log_mass = np.log(int_mass)  # (n_cells, m)
            for p in range(self.n_int):
                L += log_mass[cells.cell[p]]
            L -= self._log_z_int_sum
            prior += np.log(hi - lo).sum(axis=1)
        if self.n_cat:
            onehot = np.zeros((c, self.n_cat * self.kmax))
            onehot[np.arange(c)[:, None], C + self._cat_offset] = 1.0
            L += onehot @ self._cat_onehot_T
            L += self._cat_base
            prior -= np.log(self.k).sum()
        top = np.maximum(prior, L.max(axis=1)) if m else prior  # (c,)
        total = np.exp(prior - top)
        if m:
            total += np.exp(L - top[:, None]).sum(axis=1)
        return top + np.log(total)


def int_masses(estimators: list[ParzenEstimator], cells: IntCells) -> list[np.ndarray]:
    """Untruncated kernel masses of the distinct integer cells, for several estimators.

    The estimators (with the same integer columns) are evaluated together,
    which costs about as much as evaluating one of them when they hold few
    observations; pass each result to its estimator's
    :meth:`ParzenEstimator.log_pdf` as ``int_mass``.

    Parameters
    ----------
    estimators : list of ParzenEstimator
    cells : IntCells

    Returns
    -------
    list of ndarray
        One per estimator, of shape (n_cells, m) for its ``m`` kernels.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._tpe._parzen import ParzenEstimator, int_cells, int_masses
    >>> U = np.array([[0.25], [0.75]])       # one integer column, cells of width 1/2
    >>> pe = ParzenEstimator(U, np.empty((2, 0), dtype=int), np.empty(0, dtype=int), n_int=1)
    >>> lo = np.array([[0.0], [0.5]])
    >>> (mass,) = int_masses([pe], int_cells(lo, lo + 0.5))
    >>> mass.shape                            # 2 cells x 2 kernels
    (2, 2)
    >>> bool(mass[0, 0] > mass[1, 0])         # kernel 0 sits in cell 0
    True
    """
    first = estimators[0]
    r, n_int = first.n_real, first.n_int
    if len(estimators) == 1:
        mu, inv = first.mu[r:], first._inv[r:]
    else:
        mu = np.concatenate([e.mu[r:] for e in estimators], axis=1)  # (n_int, M)
        inv = np.concatenate([e._inv[r:] for e in estimators], axis=1)
    M = mu.shape[1]
    edges, bounds = cells.edges, cells.bounds
    out = np.empty((len(cells.ia), M))  # (n_cells, M)
    e_start = np.searchsorted(cells.col, np.arange(n_int + 1))  # edges of each column
    p0 = 0
    while p0 < n_int:
        # Columns together while the arrays stay small (few calls for few
        # kernels), one by one once they are large (arrays that stay in cache).
        p1 = p0 + 1
        while p1 < n_int and (e_start[p1 + 1] - e_start[p0]) * M <= _CHUNK:
            p1 += 1
        e0, e1 = e_start[p0], e_start[p1]
        k0, k1 = bounds[p0], bounds[p1]
        ia, ib = cells.ia[k0:k1] - e0, cells.ib[k0:k1] - e0
        if p1 == p0 + 1 and M >= _DEDUP_MIN:
            # Many kernels on one integer column are copies (the centres are
            # cell centres; with Scott's rule and cell floors the bandwidth
            # is a function of the centre): compute each distinct one once.
            kernel, centres, inv_u = _distinct_pairs(mu[p0], inv[p0])
            if 2 * len(centres) <= M:
                z = edges[e0:e1, None] - centres  # (n_e, n_distinct)
                z *= inv_u
                out[k0:k1] = _edge_masses(z, ia, ib)[:, kernel]
                p0 = p1
                continue
        z = np.empty((e1 - e0, M))  # (n_e, M)
        for p in range(p0, p1):
            zp = z[e_start[p] - e0 : e_start[p + 1] - e0]
            np.subtract(edges[e_start[p] : e_start[p + 1], None], mu[p], out=zp)
            zp *= inv[p]
        out[k0:k1] = _edge_masses(z, ia, ib)
        p0 = p1
    if len(estimators) == 1:
        return [out]
    splits = np.cumsum([e.m for e in estimators])[:-1]
    return np.split(out, splits, axis=1)
