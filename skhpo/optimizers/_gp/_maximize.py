"""Maximisation of an acquisition function over one sub-space of a mixed space.

Three stages, all vectorised:

1. *Screening.* Score many cheap candidates: uniform random points of the
   sub-space plus Gaussian perturbations of the best observed points (their
   continuous coordinates jittered at several scales, each discrete
   coordinate redrawn with a small probability). A finite sub-space small
   enough is enumerated instead.
2. *Continuous refinement.* The best few candidates start one batched
   L-BFGS-B run over the real and integer coordinates (integers relaxed to
   the interval, snapped afterwards), categorical coordinates fixed. The
   starts are independent, so the sum of their acquisition values is
   maximised with a block-diagonal gradient.
3. *Discrete neighbourhood search.* Each refined point moves to its best
   neighbour while that improves the acquisition; neighbours change one
   categorical coordinate to any other choice or one integer by one step.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy.optimize import minimize

from ...space import SearchSpace
from ...space._cells import cell_middle
from ._encoding import MixedEncoder

__all__ = ["AcquisitionMaximizer"]

#: Relative scales of the Gaussian perturbations around the best points.
_PERTURB_SCALES = (0.02, 0.08, 0.25)


class AcquisitionMaximizer:
    """Maximise an acquisition function inside one sub-space at a time.

    Parameters
    ----------
    space : SearchSpace
    encoder : MixedEncoder
    n_candidates : int
        Random candidates screened per call, shared equally by the
        sub-spaces; as many again (at most) are perturbations of the best
        observed points.
    n_refine : int, default=5
        Number of screened candidates refined locally.
    maxiter : int, default=30
        Iteration cap of the L-BFGS-B refinement.
    max_rounds : int, default=4
        Rounds of the discrete neighbourhood search.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space import SearchSpace
    >>> from skhpo.optimizers._gp._encoding import MixedEncoder
    >>> from skhpo.optimizers._gp._maximize import AcquisitionMaximizer
    >>> space = SearchSpace({"x": (0.0, 1.0), "k": ["a", "b"]})
    >>> enc = MixedEncoder(space)
    >>> def acq(X, cols=None):
    ...     v = -(X[:, 0] - 0.3) ** 2 + (X[:, 1] > 0.5)
    ...     if cols is None:
    ...         return v
    ...     g = np.zeros((len(X), len(cols)))
    ...     g[:, list(cols).index(0)] = -2 * (X[:, 0] - 0.3)
    ...     return v, g
    >>> maxi = AcquisitionMaximizer(space, enc, n_candidates=200)
    >>> X, v = maxi.run(acq, 0, np.empty((0, 2)), np.random.default_rng(0))
    >>> round(float(X[0, 0]), 3), float(X[0, 1])
    (0.3, 0.75)
    """

    def __init__(
        self,
        space: SearchSpace,
        encoder: MixedEncoder,
        n_candidates: int,
        *,
        n_refine: int = 5,
        maxiter: int = 30,
        max_rounds: int = 4,
    ) -> None:
        self.space = space
        self.encoder = encoder
        self.n_candidates = n_candidates
        self.n_refine = n_refine
        self.maxiter = maxiter
        self.max_rounds = max_rounds
        self._grids: dict[int, np.ndarray | None] = {}

    # ------------------------------------------------------------ helpers
    def _columns(self, s: int) -> np.ndarray:
        """Free columns of sub-space ``s`` (root excluded)."""
        return self.space.subspace_columns(s)

    def _base(self, s: int, m: int) -> np.ndarray:
        """``m`` vectors of sub-space ``s``: NaN everywhere, root set (m, n_columns)."""
        X = np.full((m, self.space.n_columns), np.nan)
        if self.space.root is not None:
            X[:, self.space.root] = cell_middle(s, self.space.n_subspaces)
        return X

    def _grid(self, s: int) -> np.ndarray | None:
        """All vectors of a finite sub-space no larger than the screening budget."""
        if s not in self._grids:
            cols = self._columns(s)
            size = math.prod(float(self.space.sizes[j]) for j in cols)
            budget = self._budget()
            if not math.isfinite(size) or size > 2 * budget:
                self._grids[s] = None
            else:
                axes = []
                for j in cols:
                    d = self.encoder.discrete[int(j)]
                    axes.append(d.from_index(np.arange(d.lo, d.hi + 1, dtype=float)))
                mesh = np.meshgrid(*axes, indexing="ij") if axes else []
                X = self._base(s, int(size))
                for j, a in zip(cols, mesh):
                    X[:, j] = a.ravel()
                self._grids[s] = X
        return self._grids[s]

    def _budget(self) -> int:
        return max(16, -(-self.n_candidates // self.space.n_subspaces))

    def _screen(self, s: int, anchors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Random and perturbed candidates of sub-space ``s`` (m, n_columns)."""
        cols = self._columns(s)
        n_rand = self._budget()
        X = self._base(s, n_rand)
        X[:, cols] = rng.random((n_rand, len(cols)))
        parts = [X]
        if len(anchors):
            n_per = max(1, n_rand // len(anchors))
            P = np.repeat(anchors, n_per, axis=0)  # (k * n_per, n_columns)
            cont = [j for j in cols if self.space.kinds[j] != "cat"]
            if cont:
                scale = rng.choice(_PERTURB_SCALES, size=(len(P), 1))
                P[:, cont] = P[:, cont] + scale * rng.normal(size=(len(P), len(cont)))
            disc = [j for j in cols if int(j) in self.encoder.discrete]
            if disc:
                p = 1.0 / max(len(cols), 2)
                flip = rng.random((len(P), len(disc))) < p
                P[:, disc] = np.where(flip, rng.random((len(P), len(disc))), P[:, disc])
            parts.append(P)
        X = np.vstack(parts)
        return self.encoder.snap(X, cols)

    # --------------------------------------------------------- refinement
    def _refine_continuous(self, acq: Callable, X0: np.ndarray, s: int) -> np.ndarray:
        """Batched L-BFGS-B over the numeric columns of ``X0`` (p, n_columns)."""
        cols = np.array([j for j in self._columns(s) if self.space.kinds[j] != "cat"], dtype=int)
        if len(cols) == 0 or self.maxiter <= 0:
            return X0
        p, c = len(X0), len(cols)
        X = X0.copy()

        def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
            X[:, cols] = flat.reshape(p, c)
            v, g = acq(X, cols)
            v = np.where(np.isfinite(v), v, -1e10)
            g = g.ravel()
            if not np.isfinite(g).all():
                g = np.nan_to_num(g)
            return -float(v.sum()), -g

        start = X0[:, cols].ravel()
        try:
            res = minimize(
                objective, start, jac=True, method="L-BFGS-B",
                bounds=[(0.0, 1.0)] * (p * c), options={"maxiter": self.maxiter},
            )
            X[:, cols] = res.x.reshape(p, c)
        except (ValueError, FloatingPointError):  # pragma: no cover - defensive
            X[:, cols] = X0[:, cols]
        return self.encoder.snap(X, cols)

    def _neighbours(self, x: np.ndarray, s: int) -> np.ndarray:
        """One-step discrete neighbours of ``x`` (n_columns,) -> (q, n_columns)."""
        out = []
        for j in self._columns(s):
            j = int(j)
            d = self.encoder.discrete.get(j)
            if d is None:
                continue
            v = float(d.to_index(x[j : j + 1])[0])
            if d.mode == "cat":
                values = np.array([i for i in range(d.k) if i != v], dtype=float)
            else:
                values = np.array([w for w in (v - 1.0, v + 1.0) if d.lo <= w <= d.hi])
            if len(values) == 0:
                continue
            Y = np.repeat(x[None, :], len(values), axis=0)
            Y[:, j] = d.from_index(values)
            out.append(Y)
        return np.vstack(out) if out else np.empty((0, len(x)))

    def _refine_discrete(self, acq: Callable, X: np.ndarray, v: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
        """Best-neighbour hill climbing of each row of ``X`` (p, n_columns)."""
        X, v = X.copy(), v.copy()
        active = np.ones(len(X), dtype=bool)
        for _ in range(self.max_rounds):
            if not active.any():
                break
            blocks, owner = [], []
            for i in np.flatnonzero(active):
                N = self._neighbours(X[i], s)
                blocks.append(N)
                owner.extend([i] * len(N))
            if not owner:
                break
            N = np.vstack(blocks)
            owner_arr = np.array(owner)
            nv = acq(N)
            active[:] = False
            for i in np.unique(owner_arr):
                sel = np.flatnonzero(owner_arr == i)
                b = sel[np.argmax(nv[sel])]
                if nv[b] > v[i] + 1e-12 * abs(v[i]):
                    X[i], v[i] = N[b], nv[b]
                    active[i] = True
        return X, v

    def polish(self, acq: Callable, X0: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
        """Local search only, from the vectors ``X0`` (p, n_columns) of sub-space ``s``.

        The continuous refinement then the discrete neighbourhood search of
        :meth:`run`, without screening; a start is kept where refining does
        not improve it.

        Returns
        -------
        X : ndarray of shape (p, n_columns)
        values : ndarray of shape (p,)
        """
        v0 = acq(X0)
        R = self._refine_continuous(acq, X0, s)
        vr = acq(R)
        worse = ~(vr >= v0)
        R[worse], vr[worse] = X0[worse], v0[worse]
        return self._refine_discrete(acq, R, vr, s)

    # ---------------------------------------------------------------- run
    def run(
        self, acq: Callable, s: int, anchors: np.ndarray, rng: np.random.Generator, *, n_keep: int = 20
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best points of sub-space ``s`` for ``acq``, best first.

        Parameters
        ----------
        acq : callable
            ``acq(X)`` returns values (m,) for vectors ``X`` (m, n_columns);
            ``acq(X, cols)`` returns ``(values, gradient)`` with the
            gradient (m, len(cols)) with respect to ``X[:, cols]``.
        s : int
            Sub-space index.
        anchors : ndarray of shape (k, n_columns)
            Good observed points of sub-space ``s`` to perturb.
        rng : numpy.random.Generator
        n_keep : int, default=20
            Screened runners-up returned after the refined points, as
            fall-backs when the best ones were already asked.

        Returns
        -------
        X : ndarray of shape (p, n_columns)
            Snapped vectors (by the encoder), best first.
        values : ndarray of shape (p,)
        """
        grid = self._grid(s)
        if grid is not None:
            v = acq(grid)
            order = np.argsort(-v, kind="stable")
            return grid[order], v[order]
        C = self._screen(s, anchors, rng)
        vc = acq(C)
        vc = np.where(np.isfinite(vc), vc, -np.inf)
        order = np.argsort(-vc, kind="stable")
        top = order[: self.n_refine]
        R = self._refine_continuous(acq, C[top], s)
        vr = acq(R)
        # Keep a refined point only where it beats its start (snapping can hurt).
        worse = ~(vr >= vc[top])
        R[worse], vr[worse] = C[top][worse], vc[top][worse]
        R, vr = self._refine_discrete(acq, R, vr, s)
        rest = order[self.n_refine : self.n_refine + n_keep]
        X = np.vstack([R, C[rest]])
        v = np.concatenate([vr, vc[rest]])
        order = np.argsort(-v, kind="stable")
        return X[order], v[order]
