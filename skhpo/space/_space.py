"""The search-space model shared by every optimizer and searcher.

A :class:`SearchSpace` is a list of *sub-spaces* (one for a plain dict, several
for the list-of-dicts form used to choose between model families). It owns one
numeric encoding of candidates that every optimizer uses:

* one column per (sub-space, parameter) pair, holding the parameter's unit
  coordinate (see :mod:`skhpo.space._dimensions`);
* with more than one sub-space, a leading *root* column: a categorical over
  the sub-space indices, the root of the tree of conditional parameters;
* columns of the sub-spaces a candidate does not use hold ``NaN``.

Optimizers draw and propose vectors in this encoding and call :meth:`snap` to
make them canonical; the space turns canonical vectors into
:class:`Candidate` objects carrying the parameter dict the estimator receives.
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np

from ._dimensions import (
    Categorical,
    Dimension,
    Distribution,
    Integer,
    Ordinal,
    Real,
    _is_integer,
    _number_family,
    _ordinal_problem,
)
from ._skopt import _from_skopt, _is_skopt
from ._cells import cell_index, cell_middle

__all__ = ["Candidate", "SearchSpace", "check_space_for_estimator", "space_for_estimator"]

ROOT = "__subspace__"


@dataclass(frozen=True, eq=False)
class Candidate:
    """One point of a search space.

    Parameters
    ----------
    subspace : int
        Index of the sub-space the candidate belongs to.
    vector : ndarray of shape (n_columns,)
        Canonical unit coordinates; ``NaN`` in columns that are not active.
    params : dict
        The parameter values, ready for ``estimator.set_params(**params)``.
        Estimator values are fresh clones, owned by this candidate.

    Examples
    --------
    >>> from skhpo.space import SearchSpace
    >>> space = SearchSpace({"C": (0.1, 10.0, "log-uniform")})
    >>> cand = space.encode({"C": 1.0})
    >>> cand.params
    {'C': 1.0}
    >>> cand.key == space.encode({"C": 1.0}).key
    True
    """

    subspace: int
    vector: np.ndarray
    params: dict = field(repr=True)

    @cached_property
    def key(self) -> tuple:
        """A hashable identity: equal keys mean equal parameter values."""
        v = self.vector
        return (self.subspace,) + tuple(np.where(np.isnan(v), -1.0, v).tolist())


def _as_dimension(name: str, spec: Any) -> Dimension:
    """Turn one user-facing specification into a :class:`Dimension`."""
    if isinstance(spec, Dimension):
        return spec
    if _is_skopt(spec):
        return _named(name, _from_skopt, spec)
    if hasattr(spec, "ppf") and hasattr(spec, "cdf") and hasattr(spec, "dist"):
        return _named(name, _from_scipy, spec)
    if isinstance(spec, tuple):
        return _from_tuple(name, spec)
    if isinstance(spec, np.ndarray):
        if spec.ndim != 1:
            raise ValueError(
                f"Parameter {name!r}: an array of choices must be 1-dimensional, got "
                f"shape {spec.shape}."
            )
        return _from_list(name, spec.tolist())
    if isinstance(spec, (list, range)):
        return _from_list(name, list(spec))
    raise TypeError(
        f"Parameter {name!r}: expected a Real, Integer or Categorical dimension, a list "
        "of choices, a (low, high) or (low, high, prior) tuple, or a frozen "
        f"scipy.stats distribution; got {spec!r} of type {type(spec).__name__}. "
        "Wrap a single value in a list."
    )


def _from_list(name: str, values: list) -> Dimension:
    """An :class:`Ordinal` for a sorted list of at least 3 numbers, else a :class:`Categorical`."""
    if len(values) >= 3 and _ordinal_problem(values) is None:
        return Ordinal(values)
    return _named(name, Categorical, values)


def _named(name: str, build: Any, spec: Any) -> Dimension:
    """``build(spec)``, with the parameter name prefixed to its errors."""
    try:
        return build(spec)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"Parameter {name!r}: {exc}") from None


def _clip(x: Any, low: Any, high: Any) -> np.ndarray:
    """``np.clip`` (for ``low <= high``) without its Python-level overhead."""
    return np.minimum(np.maximum(x, low), high)


def _canonical(dim: Dimension, u: float) -> tuple[Any, float]:
    """Value and canonical coordinate of a continuous coordinate ``u``.

    Floating point makes ``to_unit(from_unit(u))`` differ from ``u`` in the
    last bits, so the coordinate is moved (at most a few times) to one that
    ``to_unit`` gives back for its own value. The returned coordinate is
    always ``to_unit`` of the returned value, so encoding a candidate's
    values gives back the candidate's vector exactly.
    """
    v = dim.from_unit(u)
    w = dim.to_unit(v)
    for _ in range(3):
        if w == u:
            break
        u = w
        v = dim.from_unit(u)
        w = dim.to_unit(v)
    return v, w


def _list_hint(spec: tuple) -> str:
    return f"Use a list for a set of values: {list(spec)!r}."


def _from_tuple(name: str, spec: tuple, default: Any = None) -> Dimension:
    """The Real or Integer of a ``(low, high)`` or ``(low, high, prior)`` tuple.

    ``default`` is the estimator's default value of the parameter, if known;
    see :func:`_tuple_class`.
    """
    if len(spec) not in (2, 3):
        raise ValueError(
            f"Parameter {name!r}: a tuple must be (low, high) or (low, high, prior), got "
            f"{spec!r}. {_list_hint(spec)}"
        )
    low, high = spec[0], spec[1]
    prior = spec[2] if len(spec) == 3 else "uniform"
    for label, v in (("low", low), ("high", high)):
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise TypeError(
                f"Parameter {name!r}: the bounds of a (low, high) tuple must be numbers, "
                f"got {label}={v!r}. Use a list for a set of choices."
            )
    if not isinstance(prior, str):
        raise ValueError(
            f"Parameter {name!r}: `prior` must be one of ('uniform', 'log-uniform'), got "
            f"prior={prior!r}; a tuple is (low, high) or (low, high, prior). {_list_hint(spec)}"
        )
    cls = _tuple_class(name, low, high, default)
    if cls is Integer:
        low, high = int(low), int(high)
    try:
        return cls(low, high, prior=prior)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"Parameter {name!r}: {exc}") from None


def _is_whole(x: Any) -> bool:
    """An integer, or a finite float with no fractional part."""
    return _is_integer(x) or (math.isfinite(x) and float(x).is_integer())


def _tuple_class(name: str, low: Any, high: Any, default: Any) -> type:
    """Real or Integer for numeric tuple bounds, given the estimator's default.

    A float default means Real (also for ``(0, 1)``); an int default means
    Integer, and bounds that are not whole numbers are an error. Without a
    numeric default: Integer when both bounds are integers, Real otherwise.
    """
    family = _number_family(default)
    if family == "float":
        return Real
    if family == "int" and math.isfinite(low) and math.isfinite(high):
        if _is_whole(low) and _is_whole(high):
            return Integer
        raise ValueError(
            f"Parameter {name!r}: the estimator's default is the int {default!r}, so a (low, "
            f"high) tuple means integers, but got ({low!r}, {high!r}). Write "
            f"Integer({math.ceil(low)}, {math.floor(high)}) for integers, or "
            f"Real({float(low)!r}, {float(high)!r}) if the parameter takes floats."
        )
    return Integer if _is_integer(low) and _is_integer(high) else Real


def _from_scipy(dist: Any) -> Dimension:
    """Exact Real/Integer for the common scipy priors, Distribution otherwise."""
    name = getattr(dist.dist, "name", "")
    kwds = dict(dist.kwds)
    loc = kwds.pop("loc", 0.0)
    scale = kwds.pop("scale", 1.0)
    shape_names = [p.strip() for p in (dist.dist.shapes or "").split(",") if p.strip()]
    shapes = dict(zip(shape_names, dist.args))
    shapes.update(kwds)
    extra = dist.args[len(shape_names):]
    if extra:  # loc and scale given positionally after the shapes
        loc = extra[0]
        scale = extra[1] if len(extra) > 1 else scale
    if name in ("loguniform", "reciprocal") and loc == 0 and scale == 1:
        return Real(float(shapes["a"]), float(shapes["b"]), prior="log-uniform")
    if name == "uniform":
        return Real(float(loc), float(loc + scale))
    if name == "randint" and loc == 0 and int(shapes["high"]) - 1 > int(shapes["low"]):
        return Integer(int(shapes["low"]), int(shapes["high"]) - 1)
    return Distribution(dist)


def _parse_spaces(spaces: Any, defaults: "_Defaults | None" = None) -> list[dict[str, Dimension]]:
    """Parse a dict or list of dicts into sub-spaces ``{name: Dimension}``.

    ``defaults`` gives the estimator's default of a parameter, which types
    the ``(low, high)`` tuples; without it, a tuple of two ints is an
    Integer and any other a Real.
    """
    if isinstance(spaces, SearchSpace):
        return [dict(sub) for sub in spaces.subspaces]
    if isinstance(spaces, Mapping):
        raw = [spaces]
    elif isinstance(spaces, (list, tuple)):
        raw = list(spaces)
        if not raw:
            raise ValueError("search space: expected a dict or a non-empty list of dicts, got [].")
    else:
        raise TypeError(
            "search space: expected a dict {name: dimension} or a list of such dicts, "
            f"got {spaces!r} of type {type(spaces).__name__}."
        )
    return [_parse_subspace(s, sub, defaults) for s, sub in enumerate(raw)]


def _parse_subspace(s: int, sub: Any, defaults: "_Defaults | None") -> dict[str, Dimension]:
    """Parse sub-space ``s``; an empty dict is a sub-space of one candidate, ``{}``.

    Tuples are parsed last, so that the estimators this sub-space chooses
    for a step are known when the defaults of their parameters are looked up.
    """
    if not isinstance(sub, Mapping):
        raise TypeError(
            f"search space: sub-space {s} must be a dict {{name: dimension}}, got "
            f"{sub!r} of type {type(sub).__name__}."
        )
    parsed: dict[str, Dimension] = {}
    for name, spec in sub.items():
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"search space: parameter names must be non-empty strings, got {name!r} "
                f"in sub-space {s}."
            )
        if not isinstance(spec, tuple):
            parsed[name] = _as_dimension(name, spec)
    for name, spec in sub.items():
        if isinstance(spec, tuple):
            default = defaults.default(name, parsed) if defaults is not None else None
            parsed[name] = _from_tuple(name, spec, default)
    return {name: parsed[name] for name in sub}


class SearchSpace:
    """A search space of one or several alternative sub-spaces.

    Parameters
    ----------
    spaces : dict or list of dict
        ``{name: dimension}`` where ``dimension`` is a :class:`Real`,
        :class:`Integer`, :class:`Categorical`, :class:`Ordinal` or
        :class:`Distribution`, a scikit-optimize ``Real``, ``Integer`` or
        ``Categorical`` (converted), or one of the shorthands:

        * a list, ``range`` or 1-d array: an :class:`Ordinal` when it holds
          at least 3 numbers, all ints or all floats, strictly increasing
          (``list(range(50, 1001))``); a :class:`Categorical` otherwise;
        * a ``(low, high)`` or ``(low, high, prior)`` tuple: Integer when
          both bounds are integers, Real otherwise (:func:`space_for_estimator`
          lets the estimator's default decide instead);
        * a frozen ``scipy.stats`` distribution.

        A list of dicts gives alternative sub-spaces, e.g. one per model
        family; every candidate comes from exactly one of them. An empty
        dict is a sub-space of one candidate, the estimator's defaults.

    Attributes
    ----------
    subspaces : list of dict
        The parsed sub-spaces, ``{name: Dimension}``.
    dims : list of Dimension
        The dimension of each encoded column.
    names : list of str
        The parameter name of each column (``"__subspace__"`` for the root).
    column_subspace : ndarray of shape (n_columns,)
        Sub-space of each column, ``-1`` for the root column.
    active : ndarray of shape (n_subspaces, n_columns)
        ``active[s, j]`` is True when column ``j`` is used by sub-space ``s``.
    root : int or None
        Index of the root column (``0``) when there are several sub-spaces.

    Examples
    --------
    >>> from skhpo.space import SearchSpace, Real, Integer
    >>> space = SearchSpace([
    ...     {"kernel": ["rbf"], "C": Real(1e-2, 1e2, prior="log-uniform")},
    ...     {"kernel": ["linear"], "C": (1e-2, 1e2, "log-uniform")},
    ... ])
    >>> space.n_subspaces, space.n_columns
    (2, 5)
    >>> import numpy as np
    >>> cands = space.to_candidates(space.sample(3, np.random.default_rng(0)))
    >>> sorted(cands[0].params)
    ['C', 'kernel']
    """

    def __init__(self, spaces: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
        self.subspaces: list[dict[str, Dimension]] = _parse_spaces(spaces)
        self.n_subspaces = len(self.subspaces)
        dims: list[Dimension] = []
        names: list[str] = []
        col_sub: list[int] = []
        if self.n_subspaces > 1:
            dims.append(Categorical(list(range(self.n_subspaces))))
            names.append(ROOT)
            col_sub.append(-1)
            self.root: int | None = 0
        else:
            self.root = None
        self._subspace_cols: list[np.ndarray] = []
        for s, sub in enumerate(self.subspaces):
            start = len(dims)
            for name, dim in sub.items():
                dims.append(dim)
                names.append(name)
                col_sub.append(s)
            self._subspace_cols.append(np.arange(start, len(dims)))
        self.dims = dims
        self.names = names
        # Continuous columns of each sub-space (their canonical form is computed).
        self._real_cols = [[j for j in cols if dims[j].kind == "real"] for cols in self._subspace_cols]
        self.column_subspace = np.array(col_sub, dtype=int)
        self.n_columns = len(dims)
        self.active = np.zeros((self.n_subspaces, self.n_columns), dtype=bool)
        for s in range(self.n_subspaces):
            self.active[s, self._subspace_cols[s]] = True
            if self.root is not None:
                self.active[s, self.root] = True
        #: "real", "int" or "cat" for each column.
        self.kinds = np.array([d.kind for d in dims], dtype="<U4")  # typed even when empty
        #: number of distinct values of each column (inf for continuous).
        self.sizes = np.array([float(d.size) for d in dims])
        self._build_snap_groups()

    def _build_snap_groups(self) -> None:
        """Per-kind column groups and constants for the vectorised :meth:`snap`.

        Columns of the built-in :class:`Real`, :class:`Integer` and
        :class:`Categorical` classes are snapped all at once with the same
        floating-point operations as their ``snap`` methods; any other
        dimension keeps its own ``snap``.
        """
        clip, lin, log, cat, other = [], [], [], [], []
        for j, d in enumerate(self.dims):
            t = type(d)
            if t is Real:
                clip.append(j)
            elif t is Integer:
                (log if d._log else lin).append(j)
            elif t is Categorical or t is Ordinal:
                cat.append(j)
            else:
                other.append(j)
        ip = np.intp
        self._snap_clip = np.array(clip, dtype=ip)
        self._snap_int = []
        for cols, is_log in ((lin, False), (log, True)):
            if cols:
                ds = [self.dims[j] for j in cols]
                a = np.array([d._a for d in ds])
                b = np.array([d._b for d in ds])
                self._snap_int.append((
                    np.array(cols, dtype=ip), is_log, a, b - a,
                    np.array([float(d.low) for d in ds]), np.array([float(d.high) for d in ds]),
                ))
        k = np.array([float(self.dims[j].size) for j in cat])
        self._snap_cat = (np.array(cat, dtype=ip), k)
        self._snap_other = other
        self._all_active = bool(self.active.all())

    # ------------------------------------------------------------------ info
    def subspace_columns(self, s: int) -> np.ndarray:
        """Indices of the columns owned by sub-space ``s`` (root excluded).

        Parameters
        ----------
        s : int
            Index of the sub-space.

        Returns
        -------
        ndarray of int
            Column indices of the encoding.
        """
        return self._subspace_cols[s]

    @property
    def cardinality(self) -> float:
        """Number of distinct candidates (``math.inf`` if any dimension is continuous)."""
        total = 0.0
        for s in range(self.n_subspaces):
            n = 1.0
            for j in self._subspace_cols[s]:
                n *= self.sizes[j]
            total += n
        return total

    def __len__(self) -> int:
        return self.n_columns

    def __repr__(self) -> str:
        subs = ", ".join("{" + ", ".join(f"{k!r}: {v!r}" for k, v in sub.items()) + "}" for sub in self.subspaces)
        return f"SearchSpace([{subs}])" if self.n_subspaces > 1 else f"SearchSpace({subs})"

    # --------------------------------------------------------------- vectors
    def subspace_of(self, X: np.ndarray) -> np.ndarray:
        """Sub-space index of each row of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n, n_columns)
            Encoded rows.

        Returns
        -------
        ndarray of int of shape (n,)
            The sub-space that each row's root column chooses (0 when the
            space has a single sub-space).
        """
        X = np.atleast_2d(X)
        if self.root is None:
            return np.zeros(len(X), dtype=int)
        k = self.n_subspaces
        return cell_index(np.nan_to_num(X[:, self.root], nan=0.0), k).astype(int)

    def snap(self, X: np.ndarray) -> np.ndarray:
        """Canonical form of unit vectors.

        Clips to ``[0, 1]``, snaps integer and categorical columns to the
        middle of their value's cell, and sets the columns that the row's
        sub-space does not use to ``NaN``. Missing (``NaN``) active entries
        are filled with 0.5; a missing root entry means sub-space 0 (as in
        :meth:`subspace_of`).

        Parameters
        ----------
        X : ndarray of shape (n, n_columns)
            Unit vectors, one per row (a single vector is taken as one row);
            not modified.

        Returns
        -------
        ndarray of shape (n, n_columns)
        """
        X = np.array(np.atleast_2d(X), dtype=float)
        if X.shape[1] != self.n_columns:
            raise ValueError(f"expected vectors with {self.n_columns} columns, got shape {X.shape}.")
        sub = self.subspace_of(X)
        act = self.active[sub]
        X = np.where(act & np.isnan(X), 0.5, X)
        if self.root is not None:
            # The root must keep naming the sub-space whose columns are kept.
            X[:, self.root] = cell_middle(sub, self.n_subspaces)
        out = np.empty_like(X)
        cols = self._snap_clip
        if len(cols):
            out[:, cols] = _clip(X[:, cols], 0.0, 1.0)
        for cols, is_log, a, span, low, high in self._snap_int:
            # Integer.snap: the middle of each value's cell.
            u = _clip(X[:, cols], 0.0, 1.0)
            w = a + u * span
            v = _clip(np.floor((np.exp(w) if is_log else w) + 0.5), low, high)
            mid = 0.5 * (np.log(v - 0.5) + np.log(v + 0.5)) if is_log else v
            out[:, cols] = _clip((mid - a) / span, 0.0, 1.0)
        cols, k = self._snap_cat
        if len(cols):
            # Categorical.snap and Ordinal.snap: the middle of each value's cell.
            out[:, cols] = cell_middle(cell_index(X[:, cols], k), k)
        if not self._all_active:
            out[~act] = np.nan
        for j in self._snap_other:
            out[:, j] = np.nan
            rows = act[:, j]
            if rows.any():
                out[rows, j] = self.dims[j].snap(X[rows, j])
        return out

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` canonical vectors drawn from the prior (sub-spaces uniformly).

        Parameters
        ----------
        n : int
            Number of vectors.
        rng : numpy.random.Generator
            Source of the draws.

        Returns
        -------
        ndarray of shape (n, n_columns)
        """
        return self.snap(rng.random((n, self.n_columns)))

    def sobol(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` canonical vectors from a scrambled Sobol sequence.

        The root column is part of the sequence, so sub-spaces get an even
        share of the design, and each sub-space's columns are spread evenly.

        Parameters
        ----------
        n : int
            Number of vectors: the first ``n`` points of a sequence of the
            next power of two.
        rng : numpy.random.Generator
            Seeds the scrambling.

        Returns
        -------
        ndarray of shape (n, n_columns)
        """
        from scipy.stats import qmc

        if n <= 0 or self.n_columns == 0:
            return np.empty((max(n, 0), self.n_columns))
        m = max(0, math.ceil(math.log2(n)))
        sampler = qmc.Sobol(d=self.n_columns, scramble=True, seed=rng)
        U = sampler.random_base2(m)[:n]
        return self.snap(U)

    def grid(self, limit: int = 100_000) -> np.ndarray:
        """Every canonical vector of a finite space.

        Parameters
        ----------
        limit : int, default=100_000
            Refuse (``ValueError``) to enumerate more points than this.

        Returns
        -------
        ndarray of shape (cardinality, n_columns)
        """
        import itertools

        if not math.isfinite(self.cardinality) or self.cardinality > limit:
            raise ValueError(f"cannot enumerate a space of cardinality {self.cardinality}.")
        rows = []
        for s in range(self.n_subspaces):
            cols = self._subspace_cols[s]
            levels = [_grid_levels(self.dims[j]) for j in cols]
            for combo in itertools.product(*levels):
                x = np.full(self.n_columns, np.nan)
                if self.root is not None:
                    x[self.root] = cell_middle(s, self.n_subspaces)
                x[cols] = combo
                rows.append(x)
        return np.array(rows, dtype=float).reshape(len(rows), self.n_columns)

    def key(self, x: np.ndarray) -> tuple:
        """Hashable identity of one snapped vector (see :meth:`snap`).

        Equal to the key of ``to_candidate(x)`` (see :attr:`Candidate.key`),
        but cheaper: nothing is decoded except the continuous columns.

        Parameters
        ----------
        x : ndarray of shape (n_columns,)
            A snapped vector.

        Returns
        -------
        tuple
            The sub-space index followed by the coordinates (``-1.0`` for
            inactive columns).
        """
        x = np.array(x, dtype=float)
        s = self._subspace_of_row(x) if self.root is not None else 0
        for j in self._real_cols[s]:
            x[j] = _canonical(self.dims[j], x[j])[1]
        return (s,) + tuple(np.where(np.isnan(x), -1.0, x).tolist())

    # ------------------------------------------------------------ candidates
    def to_candidate(self, x: np.ndarray) -> Candidate:
        """Decode one vector (snapped first) into a :class:`Candidate`.

        Parameters
        ----------
        x : ndarray of shape (n_columns,)
            An encoded vector.

        Returns
        -------
        Candidate
            Its parameters and its canonical vector.
        """
        x = self.snap(np.asarray(x, dtype=float)[None, :])[0]
        return self._decode(x, int(self.subspace_of(x[None, :])[0]))

    def _subspace_of_row(self, x: np.ndarray) -> int:
        """:meth:`subspace_of` of one row, without building arrays."""
        k = self.n_subspaces
        r = float(x[self.root]) * k
        if r != r:  # NaN
            return 0
        if math.isinf(r):
            return k - 1 if r > 0 else 0
        return int(min(k - 1, max(0, math.floor(r))))

    def _decode(self, x: np.ndarray, s: int) -> Candidate:
        """The candidate of a snapped row ``x`` (modified and frozen) of sub-space ``s``."""
        params = {}
        for j in self._subspace_cols[s]:
            dim = self.dims[j]
            if dim.kind == "real":
                params[self.names[j]], x[j] = _canonical(dim, x[j])
            else:
                params[self.names[j]] = dim.from_unit(x[j])
        x.setflags(write=False)
        return Candidate(subspace=s, vector=x, params=params)

    def _from_values(self, s: int, values: Mapping[str, Any]) -> Candidate:
        """The candidate of sub-space ``s`` holding exactly ``values``.

        Numbers are kept as given (cast to ``float``/``int``) rather than
        decoded back from their coordinate, which could move them by a
        rounding error; categorical values become a fresh copy of the
        matching choice, and ordinal ones the matching value.
        """
        x = np.full(self.n_columns, np.nan)
        if self.root is not None:
            x[self.root] = cell_middle(s, self.n_subspaces)
        params = {}
        for j in self._subspace_cols[s]:
            dim, name = self.dims[j], self.names[j]
            x[j] = dim.to_unit(values[name])
            if dim.kind == "cat" or isinstance(dim, Ordinal):
                params[name] = dim.from_unit(x[j])
            elif dim.kind == "int":
                params[name] = int(values[name])
            else:
                params[name] = float(values[name])
        x.setflags(write=False)
        return Candidate(subspace=s, vector=x, params=params)

    def to_candidates(self, X: np.ndarray) -> list[Candidate]:
        """Decode each row of ``X`` into a :class:`Candidate`.

        Parameters
        ----------
        X : ndarray of shape (n, n_columns)
            Encoded rows.

        Returns
        -------
        list of Candidate
            One per row, in order.
        """
        return self._to_candidates_snapped(self.snap(np.asarray(np.atleast_2d(X), dtype=float)))

    def _to_candidates_snapped(self, S: np.ndarray) -> list[Candidate]:
        """:meth:`to_candidates` of rows already in canonical form (see :meth:`snap`)."""
        subs = self.subspace_of(S).tolist()
        return [self._decode(x, s) for x, s in zip(S, subs)]

    def encode(self, params: Mapping[str, Any]) -> Candidate:
        """The :class:`Candidate` holding the given parameter values.

        Parameters
        ----------
        params : dict
            Values for exactly the parameters of one sub-space. When the
            values fit several sub-spaces, the first of them is used.

        Returns
        -------
        Candidate

        Raises
        ------
        ValueError
            If no sub-space has exactly these parameters with these values in
            range.
        """
        reasons = []
        for s, sub in enumerate(self.subspaces):
            if set(sub) != set(params):
                reasons.append(f"sub-space {s} has parameters {sorted(sub)}")
                continue
            bad = [k for k, dim in sub.items() if not dim.contains(params[k])]
            if bad:
                reasons.append(f"sub-space {s}: {bad[0]}={params[bad[0]]!r} is outside {sub[bad[0]]!r}")
                continue
            return self._from_values(s, params)
        raise ValueError(f"{dict(params)!r} is not a point of this search space: " + "; ".join(reasons) + ".")

    def to_json(self, candidate: Candidate) -> dict:
        """A JSON-serialisable form of a candidate.

        Numbers are kept as numbers and categorical values as the index of the
        choice, so estimators and other objects survive the round trip.

        Parameters
        ----------
        candidate : Candidate
            A candidate of this space.

        Returns
        -------
        dict
            ``{"subspace": int, "params": {name: number}}``.

        Examples
        --------
        >>> from skhpo.space import SearchSpace
        >>> from sklearn.svm import SVC
        >>> space = SearchSpace({"clf": [SVC()], "clf__C": (0.1, 10.0)})
        >>> obj = space.to_json(space.encode({"clf": SVC(), "clf__C": 2.0}))
        >>> obj
        {'subspace': 0, 'params': {'clf': 0, 'clf__C': 2.0}}
        >>> space.from_json(obj).params["clf__C"]
        2.0
        """
        s = candidate.subspace
        return {
            "subspace": s,
            "params": {self.names[j]: self.dims[j].to_json(candidate.params[self.names[j]]) for j in self._subspace_cols[s]},
        }

    def from_json(self, obj: Mapping[str, Any]) -> Candidate:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        obj : dict
            What :meth:`to_json` returned.

        Returns
        -------
        Candidate
            The candidate, with fresh copies of estimator choices.
        """
        s = int(obj["subspace"])
        sub = self.subspaces[s]
        params = {k: sub[k].from_json(v) for k, v in obj["params"].items()}
        return self._from_values(s, params)


def _grid_levels(dim: Dimension) -> list[float]:
    """Canonical coordinates of every value of a finite dimension, in order."""
    if isinstance(dim, (Categorical, Ordinal)):
        k = int(dim.size)
        return [cell_middle(i, k) for i in range(k)]
    # Integer, or a discrete distribution with a finite support.
    return [dim.to_unit(v) for v in range(int(dim.low), int(dim.high) + 1)]  # type: ignore[attr-defined]


def _is_passthrough(choice: Any) -> bool:
    """Whether a step choice removes the step (``None``, "passthrough", "drop")."""
    return choice is None or (isinstance(choice, str) and choice in ("passthrough", "drop"))


def _estimator_choices(dim: Dimension) -> list | None:
    """The choices of a categorical dimension if they are all estimators."""
    if isinstance(dim, Categorical) and all(hasattr(c, "get_params") for c in dim.choices):
        return list(dim.choices)
    return None


def _owner_step(name: str, sub: Mapping[str, Any]) -> str | None:
    """Longest ``__``-prefix of ``name`` that is itself a parameter of ``sub``.

    With ``"clf": [SVC()]`` in a sub-space, ``"clf__C"`` is owned by the step
    ``"clf"`` that the sub-space chooses.
    """
    parts = name.split("__")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = "__".join(parts[:cut])
        if prefix in sub:
            return prefix
    return None


def _accepts(estimator: Any, name: str, dim: Dimension, listed: Any = None) -> bool:
    """Whether ``estimator`` takes the parameter ``name``.

    A parameter listed by ``get_params(deep=True)`` is taken. Any other name
    is asked of the estimator itself: ``set_params(name=value)`` on a copy,
    with a value of ``dim``. Estimators that take parameters through
    ``**kwargs`` (LightGBM's ``max_bin``, XGBoost's ``eta``) accept them
    there, as they do in GridSearchCV; scikit-learn estimators refuse
    unknown names with a ``ValueError``.
    """
    if listed is None:
        listed = estimator.get_params(deep=True)
    if name in listed:
        return True
    trial = copy.deepcopy(estimator)
    try:
        trial.set_params(**{name: dim.from_unit(0.5)})
    except (TypeError, ValueError):
        return False
    return True


def check_space_for_estimator(space: SearchSpace, estimator: Any) -> None:
    """Check every parameter name of ``space`` against ``estimator``.

    A name must be a parameter of ``estimator``, or a parameter of a step
    chosen *in the same sub-space*: with ``"clf": [SVC(), SVR()]`` in a
    sub-space, ``"clf__C"`` must be a parameter of every estimator among the
    choices of ``"clf"``, and none of those choices may be ``None``,
    ``"passthrough"`` or ``"drop"`` (a removed step has no parameters).

    A parameter is one listed by ``get_params(deep=True)``, or one that
    ``set_params`` accepts: a copy of the estimator is asked to set it to a
    value of its dimension. So parameters taken through ``**kwargs``
    (LightGBM's ``max_bin``, XGBoost's ``eta``) are accepted, as
    GridSearchCV accepts them, while scikit-learn estimators, which refuse
    unknown names, still catch typos.

    Parameters
    ----------
    space : SearchSpace
        The parsed space whose parameter names are checked.
    estimator : estimator object
        The estimator (or pipeline) the space will be searched for; it is
        not modified (``set_params`` is tried on a copy).

    Raises
    ------
    ValueError
        Naming the unknown parameter, its sub-space and the valid names.

    Examples
    --------
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn.svm import SVC
    >>> from skhpo.space import SearchSpace, check_space_for_estimator
    >>> pipe = Pipeline([("clf", SVC())])
    >>> check_space_for_estimator(SearchSpace({"clf__C": (0.1, 10.0)}), pipe)
    >>> check_space_for_estimator(SearchSpace({"clf__alpha": (0.1, 10.0)}), pipe)
    Traceback (most recent call last):
    ...
    ValueError: Invalid parameter 'clf__alpha' in the search space for estimator Pipeline(...). ...
    """
    if not hasattr(estimator, "get_params"):
        raise TypeError(f"estimator must implement get_params, got {estimator!r}.")
    valid = set(estimator.get_params(deep=True))
    for s, sub in enumerate(space.subspaces):
        where = f" (sub-space {s})" if space.n_subspaces > 1 else ""
        for name, dim in sub.items():
            owner = _owner_step(name, sub)
            if owner is not None:
                _check_step_parameter(name, owner, sub, where)
            elif not _accepts(estimator, name, dim, valid):
                hint = ""
                stem = name.split("__")[0]
                if "__" in name and stem in valid:
                    hint = (
                        f" If {stem!r} is replaced by another estimator in some sub-spaces, put "
                        f"{name!r} in the sub-space that chooses that estimator."
                    )
                raise ValueError(
                    f"Invalid parameter {name!r} in the search space{where} for estimator "
                    f"{type(estimator).__name__}(...). Valid parameters are: {sorted(valid)}.{hint}"
                )


def _check_step_parameter(name: str, owner: str, sub: Mapping[str, Dimension], where: str) -> None:
    """Check ``name``, a parameter of the step ``owner`` chosen in the same sub-space."""
    rest = name[len(owner) + 2 :]
    dropped = [c for c in getattr(sub[owner], "choices", []) if _is_passthrough(c)]
    if dropped:
        raise ValueError(
            f"Invalid parameter {name!r}{where}: the step {owner!r} may be set "
            f"to {dropped[0]!r} in the same sub-space, which has no parameter "
            f"{rest!r}. Put {name!r} in a sub-space where {owner!r} is always "
            "an estimator, and the passthrough choice in another sub-space."
        )
    choices = _estimator_choices(sub[owner])
    if not choices:
        raise ValueError(
            f"Invalid parameter {name!r}{where}: the step {owner!r} is set in the "
            f"same sub-space to {sub[owner]!r}, which holds no estimator with "
            f"parameter {rest!r}."
        )
    for est in choices:
        if not _accepts(est, rest, sub[name]):
            raise ValueError(
                f"Invalid parameter {name!r}{where}: {type(est).__name__} chosen for "
                f"step {owner!r} has no parameter {rest!r}. Valid parameters: "
                f"{sorted(est.get_params(deep=True))}. Put parameters of another "
                "estimator in the sub-space that chooses it."
            )


class _Defaults:
    """The estimator's default value of a parameter of a sub-space.

    A top-level name (``"alpha"``, ``"clf__alpha"``) is looked up in
    ``estimator.get_params(deep=True)``; a parameter of a step the sub-space
    chooses, in the chosen estimators (``None`` when they disagree on
    whether it is an int or a float). Unknown defaults are ``None``.
    """

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator
        self._top: dict | None = None

    def default(self, name: str, sub: Mapping[str, Dimension]) -> Any:
        owner = _owner_step(name, sub)
        if owner is None:
            if self._top is None:
                self._top = _params_of(self.estimator)
            return self._top.get(name)
        rest = name[len(owner) + 2 :]
        values = [_params_of(est).get(rest) for est in _estimator_choices(sub[owner]) or []]
        if not values or len({_number_family(v) for v in values}) > 1:
            return None
        return values[0]


def _params_of(estimator: Any) -> dict:
    """``estimator.get_params(deep=True)``, or ``{}`` for a non-estimator."""
    return dict(estimator.get_params(deep=True)) if hasattr(estimator, "get_params") else {}


def space_for_estimator(search_spaces: Any, estimator: Any) -> SearchSpace:
    """The search space for ``estimator``, typed by its default values.

    Parses ``search_spaces`` as :class:`SearchSpace` does, except that a
    ``(low, high)`` or ``(low, high, prior)`` tuple takes its type from the
    estimator's default value of the parameter:

    * a float default gives a :class:`Real`, also for integer bounds:
      ``{"alpha": (0, 10)}`` for ``Ridge`` searches floats;
    * an int default gives an :class:`Integer` when both bounds are whole
      numbers (``(1, 10.0)`` is ``Integer(1, 10)``), and a ``ValueError``
      naming both spellings otherwise;
    * any other default (``None``, a string, no default known): an Integer
      when both bounds are ints, a Real otherwise, as :class:`SearchSpace`.

    For a parameter of a step chosen in the same sub-space
    (``{"clf": [Ridge()], "clf__alpha": (0, 10)}``) the default comes from
    the chosen estimators; if they disagree, the last rule applies.
    Dimension objects are used as given. Then every parameter name is
    checked with :func:`check_space_for_estimator`.

    Parameters
    ----------
    search_spaces : dict, list of dict or SearchSpace
        As for :class:`SearchSpace`.
    estimator : estimator object
        The estimator whose parameters are searched.

    Returns
    -------
    SearchSpace

    Raises
    ------
    ValueError, TypeError
        The errors of :class:`SearchSpace` and of
        :func:`check_space_for_estimator`, and a ``ValueError`` for a tuple
        of non-whole bounds for a parameter whose default is an int.

    Examples
    --------
    >>> from sklearn.linear_model import ElasticNet
    >>> from skhpo.space import space_for_estimator
    >>> space = space_for_estimator({"l1_ratio": (0, 1), "max_iter": (100, 1000.0)}, ElasticNet())
    >>> space.subspaces[0]
    {'l1_ratio': Real(0.0, 1.0, prior='uniform'), 'max_iter': Integer(100, 1000, prior='uniform')}
    >>> space_for_estimator({"max_iter": (100, 1000.5)}, ElasticNet())
    Traceback (most recent call last):
    ...
    ValueError: Parameter 'max_iter': the estimator's default is the int 1000, ...
    """
    space = SearchSpace(_parse_spaces(search_spaces, _Defaults(estimator)))
    check_space_for_estimator(space, estimator)
    return space
