"""From the shared unit encoding of a search space to GP input features.

* real, integer and ordinal columns are one feature each, used as is
  (integers and ordinal values sit at the canonical middle of their cell,
  so an ordinal of ``k`` values is one ordered feature, not ``k`` one-hot
  features);
* a categorical column of ``k`` choices (the root column of a conditional
  space included) is ``k`` one-hot features;
* inactive entries (``NaN``) are imputed by a constant: ``0.5`` for a
  numeric feature and all-zero for a one-hot block.

The encoder also snaps many vectors at once for the acquisition maximiser
(:meth:`SearchSpace.snap` loops in Python over integer values) and gives the
value-index view of the discrete columns used by the neighbourhood search.
"""

from __future__ import annotations

import math

import numpy as np

from ...space import Categorical, Integer, Ordinal, SearchSpace
from ...space._cells import cell_index, cell_middle

__all__ = ["MixedEncoder"]

#: Value given to an inactive numeric feature.
INACTIVE_NUMERIC = 0.5


class _Discrete:
    """Vectorised value-index view of one integer, ordinal or categorical column.

    The index of a categorical or ordinal value is its position; the
    neighbourhood search moves an ordinal (like an integer) one step at a
    time, and a categorical to any other choice.
    """

    def __init__(self, dim) -> None:  # noqa: ANN001 - any Dimension
        self.dim = dim
        if isinstance(dim, (Categorical, Ordinal)):
            self.mode = "cat" if isinstance(dim, Categorical) else "ord"
            self.k = int(dim.size)
            self.lo, self.hi = 0, self.k - 1
        elif isinstance(dim, Integer):
            self.mode = "int"
            self.lo, self.hi = dim.low, dim.high
            self._log = dim.prior == "log-uniform"
            self._a, self._b = dim._a, dim._b
        else:  # a discrete scipy distribution
            self.mode = "dist"
            self.lo, self.hi = dim.low, dim.high

    def to_index(self, u: np.ndarray) -> np.ndarray:
        """Value (int; cat or ordinal index) encoded by unit coordinates ``u`` (m,)."""
        if self.mode in ("cat", "ord"):
            return cell_index(u, self.k)
        if self.mode == "int":
            w = self._a + np.clip(u, 0.0, 1.0) * (self._b - self._a)
            v = np.exp(w) if self._log else w
            return np.clip(np.floor(v + 0.5), self.lo, self.hi)
        return np.array([self.dim.from_unit(x) for x in u], dtype=float)

    def from_index(self, v: np.ndarray) -> np.ndarray:
        """Canonical unit coordinates of values ``v`` (m,)."""
        if self.mode in ("cat", "ord"):
            return cell_middle(v, self.k)
        if self.mode == "int":
            if self._log:
                mid = 0.5 * (np.log(v - 0.5) + np.log(v + 0.5))
            else:
                mid = v
            return np.clip((mid - self._a) / (self._b - self._a), 0.0, 1.0)
        return np.array([self.dim.to_unit(x) for x in v], dtype=float)

    def snap(self, u: np.ndarray) -> np.ndarray:
        return self.from_index(self.to_index(u))


class MixedEncoder:
    """Feature map and fast snapping for the vectors of a :class:`SearchSpace`.

    Parameters
    ----------
    space : SearchSpace

    Attributes
    ----------
    n_features : int
    numeric_columns : ndarray of int
        Real, integer and ordinal columns, one feature each.
    numeric_features : ndarray of int
        Feature index of each numeric column.
    real_columns, int_columns, cat_columns : ndarray of int
        Columns by kind (``int_columns`` includes the ordinal columns,
        ``cat_columns`` the root column).

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space import SearchSpace
    >>> from skhpo.optimizers._gp._encoding import MixedEncoder
    >>> space = SearchSpace({"x": (0.0, 1.0), "k": ["a", "b", "c"]})
    >>> enc = MixedEncoder(space)
    >>> enc.transform(np.array([[0.25, 0.5]]))
    array([[0.25, 0.  , 1.  , 0.  ]])
    """

    def __init__(self, space: SearchSpace) -> None:
        self.space = space
        kinds = space.kinds
        numeric, num_feat, cat_blocks = [], [], []
        f = 0
        for j, dim in enumerate(space.dims):
            if kinds[j] == "cat":
                cat_blocks.append((j, f, len(dim.choices)))
                f += len(dim.choices)
            else:
                numeric.append(j)
                num_feat.append(f)
                f += 1
        self.n_features = f
        self.numeric_columns = np.array(numeric, dtype=int)
        self.numeric_features = np.array(num_feat, dtype=int)
        self.cat_blocks = cat_blocks  # (column, first feature, n_choices)
        self.real_columns = np.flatnonzero(kinds == "real")
        self.int_columns = np.flatnonzero(kinds == "int")
        self.cat_columns = np.flatnonzero(kinds == "cat")
        self.discrete = {int(j): _Discrete(space.dims[j]) for j in np.flatnonzero(kinds != "real")}
        self._feature_of_column = dict(zip(numeric, num_feat))
        self._cat_cols = np.array([b[0] for b in cat_blocks], dtype=int)
        self._cat_first = np.array([b[1] for b in cat_blocks], dtype=int)
        self._cat_sizes = np.array([b[2] for b in cat_blocks], dtype=float)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """GP features of vectors.

        Parameters
        ----------
        X : ndarray of shape (m, n_columns)
            Unit vectors, ``NaN`` in inactive columns.

        Returns
        -------
        ndarray of shape (m, n_features)
        """
        X = np.atleast_2d(X)
        m = len(X)
        Z = np.zeros((m, self.n_features))
        if len(self.numeric_columns):
            num = X[:, self.numeric_columns]
            Z[:, self.numeric_features] = np.where(np.isnan(num), INACTIVE_NUMERIC, num)
        if self.cat_blocks:
            U = X[:, self._cat_cols]  # (m, c)
            rows, blocks = np.nonzero(~np.isnan(U))
            idx = cell_index(U[rows, blocks], self._cat_sizes[blocks]).astype(int)
            Z[rows, self._cat_first[blocks] + idx] = 1.0
        return Z

    def features_of(self, columns: np.ndarray) -> np.ndarray:
        """Feature index of each numeric column in ``columns``."""
        return np.array([self._feature_of_column[int(j)] for j in columns], dtype=int)

    def snap(self, X: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Clip and snap the given columns of ``X`` in place, vectorised.

        Parameters
        ----------
        X : ndarray of shape (m, n_columns)
        columns : ndarray of int
            Active columns to snap (the others are left untouched).

        Returns
        -------
        ndarray of shape (m, n_columns)
            ``X`` itself.
        """
        for j in columns:
            j = int(j)
            X[:, j] = np.clip(X[:, j], 0.0, 1.0)
            if j in self.discrete:
                X[:, j] = self.discrete[j].snap(X[:, j])
        return X

    def discrete_size(self, j: int) -> float:
        """Number of values of discrete column ``j`` (``inf`` if unbounded)."""
        d = self.discrete[int(j)]
        size = d.hi - d.lo + 1
        return float(size) if math.isfinite(size) else math.inf
