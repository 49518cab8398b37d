"""One-dimensional search dimensions and their unit-interval encoding.

Every dimension maps its values to the unit interval ``[0, 1]`` and back.
The map is chosen so that a uniform draw on the unit interval is a draw from
the dimension's prior:

* ``Real(prior="uniform")``: affine map of ``[low, high]``;
* ``Real(prior="log-uniform")``: affine map of ``[log low, log high]``;
* ``Integer``: each integer owns a cell of equal width (in the value space, or
  in the log space for ``prior="log-uniform"``), and the canonical unit
  coordinate of an integer is the middle of its cell;
* ``Categorical``: choice ``i`` of ``k`` owns the cell ``[i / k, (i + 1) / k)``,
  canonical coordinate ``(i + 0.5) / k``;
* ``Ordinal``: the same cells as ``Categorical``, but the values are sorted
  numbers, so optimizers treat the coordinate as ordered (kind ``"int"``);
* ``Distribution``: any frozen :mod:`scipy.stats` distribution, through its
  ``cdf`` and ``ppf``.

Optimizers only ever see unit coordinates; :meth:`Dimension.snap` maps any
unit coordinate to the canonical coordinate of the value it decodes to, so
two coordinates that decode to the same value compare equal after snapping.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from ._cells import cell_index, cell_middle

__all__ = ["Dimension", "Real", "Integer", "Categorical", "Ordinal", "Distribution"]

_PRIORS = ("uniform", "log-uniform")
# Unit coordinates handed to a ppf are kept this far from 0 and 1, so that
# unbounded distributions never decode to an infinite value.
_PPF_EPS = 1e-12
_TAIL_Q = 1e-3  # quantile cut on an unbounded side of a Distribution


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


# Keyword arguments of scikit-optimize's Real, Integer and Categorical that
# skhpo spells differently, and how.
_SKOPT_KEYWORDS = {
    "name": "skhpo takes the name from the key of the search-space dict: {{{value!r}: {cls}(...)}}",
    "base": "skhpo needs no base: prior='log-uniform' is the same distribution whatever the base",
    "transform": "skhpo chooses the encoding its optimizers see; remove the argument",
    "dtype": "{cls} values are always Python {dtype}s; remove the argument",
    "prior": "skhpo's {cls} draws its choices uniformly and takes no prior; remove the argument",
}


def _reject_keywords(cls: str, kwargs: dict, dtype: str = "object") -> None:
    """Raise a ``TypeError`` for keyword arguments ``cls`` does not take.

    scikit-optimize's spellings (``name=``, ``base=``, ...) get a message
    saying how skhpo spells them.
    """
    if not kwargs:
        return
    key, value = next(iter(kwargs.items()))
    hint = _SKOPT_KEYWORDS.get(key)
    if hint is None:
        raise TypeError(f"{cls}() got an unexpected keyword argument {key!r}.")
    raise TypeError(
        f"{cls}() got an unexpected keyword argument {key!r}, a scikit-optimize argument: "
        + hint.format(cls=cls, value=value, dtype=dtype)
        + "."
    )


def _as_value_list(cls: str, values: Any, label: str) -> list:
    """``values`` as a list; a ``TypeError`` for strings, scalars and sets."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(
            f"{cls}: `{label}` must be a list or tuple of values, got "
            f"{label}={values!r} of type {type(values).__name__}. "
            "Wrap a single value in a list."
        )
    if isinstance(values, (set, frozenset)):
        # A set's order depends on string hashing, which differs between
        # processes: the same seed would give different candidates.
        raise TypeError(
            f"{cls}: `{label}` must be an ordered sequence (a list or tuple), got a "
            f"{type(values).__name__}; write sorted({label}) or list the values in order."
        )
    return list(values)


class Dimension(ABC):
    """Base class of a search dimension.

    Subclasses define how values map to the unit interval. Users normally
    build :class:`Real`, :class:`Integer`, :class:`Categorical` or
    :class:`Ordinal` directly,
    or let the shorthands of :func:`skhpo.space.SearchSpace` build them.

    Attributes
    ----------
    kind : {"real", "int", "cat"}
        How optimizers should treat the encoded coordinate: continuous,
        ordered and discrete (:class:`Integer`, :class:`Ordinal`, discrete
        distributions), or unordered choices.
    name : str or None
        The parameter name, set when the dimension joins a search space.

    Examples
    --------
    >>> from skhpo.space import Dimension, Integer
    >>> dim = Integer(1, 4)
    >>> isinstance(dim, Dimension), dim.kind, dim.size
    (True, 'int', 4)
    >>> [dim.from_unit(u) for u in dim.snap([0.0, 0.3, 0.99])]
    [1, 2, 4]
    """

    kind: str = ""
    name: str | None = None

    @abstractmethod
    def to_unit(self, value: Any) -> float:
        """Encode one value as a unit coordinate.

        Parameters
        ----------
        value : object
            A value of this dimension (see :meth:`contains`).

        Returns
        -------
        float
            Its coordinate in ``[0, 1]``, where the prior is uniform.
        """

    @abstractmethod
    def from_unit(self, u: float) -> Any:
        """Decode one unit coordinate into a value.

        Parameters
        ----------
        u : float
            A coordinate; values outside ``[0, 1]`` are clipped.

        Returns
        -------
        object
            The value of this dimension at ``u``.
        """

    @property
    @abstractmethod
    def size(self) -> float:
        """Number of distinct values (``math.inf`` for continuous dimensions)."""

    @abstractmethod
    def contains(self, value: Any) -> bool:
        """Whether ``value`` is a legal value of this dimension.

        Parameters
        ----------
        value : object
            The value to check.

        Returns
        -------
        bool
            True when ``value`` is in range (or among the choices).
        """

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Map unit coordinates to the canonical coordinates of their values.

        Parameters
        ----------
        u : ndarray of shape (n,)
            Unit coordinates; values outside ``[0, 1]`` are clipped.

        Returns
        -------
        ndarray of shape (n,)
        """
        return np.clip(np.asarray(u, dtype=float), 0.0, 1.0)

    def to_json(self, value: Any) -> Any:
        """A JSON-serialisable representation of ``value``.

        Parameters
        ----------
        value : object
            A value of this dimension.

        Returns
        -------
        object
            A number (a float, an int, or the index of a choice).
        """
        return float(value)

    def from_json(self, obj: Any) -> Any:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        obj : object
            What :meth:`to_json` returned.

        Returns
        -------
        object
            The value of this dimension.
        """
        return float(obj)

    def _set_name(self, name: str) -> None:
        self.name = name

    def _label(self) -> str:
        return f"{self.name!r}" if self.name else repr(self)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self._key())))

    @abstractmethod
    def _key(self) -> tuple:
        ...


def _check_bounds(cls_name: str, low: Any, high: Any, prior: Any, integer: bool) -> None:
    check = _is_integer if integer else _is_number
    expected = "integers" if integer else "real numbers"
    for label, value in (("low", low), ("high", high)):
        if not check(value) or (not integer and not math.isfinite(value)):
            raise TypeError(
                f"{cls_name}: `{label}` must be one of the finite {expected}, got "
                f"{label}={value!r} of type {type(value).__name__}."
            )
    if not low < high:
        raise ValueError(
            f"{cls_name}: `low < high` must hold, got low={low!r}, high={high!r}. "
            "Use Categorical([value]) for a fixed value."
        )
    if prior not in _PRIORS:
        raise ValueError(
            f"{cls_name}: `prior` must be one of {_PRIORS}, got prior={prior!r}."
        )
    if prior == "log-uniform" and low <= 0:
        raise ValueError(
            f"{cls_name}: prior='log-uniform' needs `low > 0`, got low={low!r}."
        )


class Real(Dimension):
    """A continuous dimension on ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Inclusive bounds, ``low < high``.
    prior : {"uniform", "log-uniform"}, default="uniform"
        ``"log-uniform"`` samples uniformly in ``log(value)`` (needs
        ``low > 0``); use it for scale parameters such as ``C`` or ``alpha``.
    **kwargs
        None are accepted. scikit-optimize's ``name``, ``base``,
        ``transform`` and ``dtype`` raise a ``TypeError`` saying how skhpo
        spells them (the name is the key in the search-space dict; a log
        scale is ``prior="log-uniform"``, whatever the base).

    Examples
    --------
    >>> from skhpo.space import Real
    >>> C = Real(1e-3, 1e3, prior="log-uniform")
    >>> round(C.to_unit(1.0), 6)
    0.5
    >>> C.from_unit(1.0)
    1000.0
    """

    kind = "real"

    def __init__(self, low: float, high: float, prior: str = "uniform", **kwargs: Any) -> None:
        _reject_keywords("Real", kwargs, dtype="float")
        _check_bounds("Real", low, high, prior, integer=False)
        self.low = float(low)
        self.high = float(high)
        self.prior = prior
        self._log = prior == "log-uniform"
        self._a = math.log(self.low) if self._log else self.low
        self._b = math.log(self.high) if self._log else self.high
        if not self._b > self._a:
            # low < high, but so close that log(low) == log(high).
            raise ValueError(
                f"Real: the range low={low!r}, high={high!r} is too narrow to be searched "
                f"with prior={prior!r}. Widen it, or use Categorical([value]) for a fixed value."
            )

    def to_unit(self, value: Any) -> float:
        v = math.log(value) if self._log else float(value)
        return min(1.0, max(0.0, (v - self._a) / (self._b - self._a)))

    def from_unit(self, u: float) -> float:
        u = min(1.0, max(0.0, float(u)))
        # exp(log(bound)) may miss the bound by a rounding error.
        if u == 0.0:
            return self.low
        if u == 1.0:
            return self.high
        v = self._a + u * (self._b - self._a)
        v = math.exp(v) if self._log else v
        return min(self.high, max(self.low, v))

    @property
    def size(self) -> float:
        return math.inf

    def contains(self, value: Any) -> bool:
        return _is_number(value) and self.low <= value <= self.high

    def _key(self) -> tuple:
        return (self.low, self.high, self.prior)

    def __repr__(self) -> str:
        return f"Real({self.low!r}, {self.high!r}, prior={self.prior!r})"


class Integer(Dimension):
    """An integer dimension on ``{low, ..., high}``.

    Parameters
    ----------
    low, high : int
        Inclusive bounds, ``low < high``.
    prior : {"uniform", "log-uniform"}, default="uniform"
        ``"log-uniform"`` gives each integer a probability proportional to
        the width of its cell in log space (needs ``low >= 1``); use it for
        parameters such as ``n_estimators`` or ``max_leaf_nodes``.
    **kwargs
        None are accepted; scikit-optimize's ``name``, ``base``,
        ``transform`` and ``dtype`` raise a ``TypeError`` saying how skhpo
        spells them.

    Examples
    --------
    >>> from skhpo.space import Integer
    >>> depth = Integer(2, 5)
    >>> [depth.from_unit(u) for u in (0.0, 0.3, 0.6, 1.0)]
    [2, 3, 4, 5]
    >>> depth.to_unit(2)
    0.125
    """

    kind = "int"

    def __init__(self, low: int, high: int, prior: str = "uniform", **kwargs: Any) -> None:
        _reject_keywords("Integer", kwargs, dtype="int")
        _check_bounds("Integer", low, high, prior, integer=True)
        if max(abs(low), abs(high)) > 2**53:
            # The encoding is float64: beyond 2**53 neighbouring integers merge.
            raise ValueError(
                f"Integer: the bounds must lie within +-2**53 (9007199254740992), where "
                f"floats hold every integer exactly, got low={low!r}, high={high!r}."
            )
        self.low = int(low)
        self.high = int(high)
        self.prior = prior
        self._log = prior == "log-uniform"
        # Cell edges: integer v owns [v - 0.5, v + 0.5] (in log space if log).
        if self._log:
            self._a = math.log(self.low - 0.5)
            self._b = math.log(self.high + 0.5)
        else:
            self._a = self.low - 0.5
            self._b = self.high + 0.5

    def _warp(self, v: float) -> float:
        return math.log(v) if self._log else v

    def to_unit(self, value: Any) -> float:
        v = int(value)
        lo = self._warp(v - 0.5)
        hi = self._warp(v + 0.5)
        return min(1.0, max(0.0, (0.5 * (lo + hi) - self._a) / (self._b - self._a)))

    def from_unit(self, u: float) -> int:
        w = self._a + min(1.0, max(0.0, float(u))) * (self._b - self._a)
        v = math.exp(w) if self._log else w
        # Cell of v: the integer whose [k - 0.5, k + 0.5) contains it.
        return int(min(self.high, max(self.low, math.floor(v + 0.5))))

    def snap(self, u: np.ndarray) -> np.ndarray:
        # Vectorised to_unit(from_unit(u)): the middle of each value's cell.
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        w = self._a + u * (self._b - self._a)
        v = np.clip(np.floor((np.exp(w) if self._log else w) + 0.5), self.low, self.high)
        if self._log:
            mid = 0.5 * (np.log(v - 0.5) + np.log(v + 0.5))
        else:
            mid = v
        return np.clip((mid - self._a) / (self._b - self._a), 0.0, 1.0)

    @property
    def size(self) -> float:
        return self.high - self.low + 1

    def contains(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if _is_integer(value):
            return self.low <= value <= self.high
        return _is_number(value) and float(value).is_integer() and self.low <= value <= self.high

    def to_json(self, value: Any) -> Any:
        return int(value)

    def from_json(self, obj: Any) -> Any:
        return int(obj)

    def _key(self) -> tuple:
        return (self.low, self.high, self.prior)

    def __repr__(self) -> str:
        return f"Integer({self.low!r}, {self.high!r}, prior={self.prior!r})"


def _same_choice(a: Any, b: Any) -> bool:
    """Whether two categorical choices are the same value.

    Identity first; then estimators (anything with ``get_params``) compare by
    class and parameters; numbers compare by value within their family
    (integers, floats, booleans; Python and numpy types alike), so ``1``,
    ``1.0``, ``True`` and ``"1"`` are four different choices, as they are to
    scikit-learn (``max_features=1`` is one feature, ``max_features=1.0`` all
    of them); two NaNs are the same choice. Everything else compares by ``==``
    when it gives a plain boolean (numpy arrays and other objects with
    elementwise ``==`` never match unless identical).
    """
    if a is b:
        return True
    if hasattr(a, "get_params") and hasattr(b, "get_params"):
        if type(a) is not type(b):
            return False
        try:
            return repr(a.get_params(deep=False)) == repr(b.get_params(deep=False))
        except Exception:
            return False
    fa, fb = _number_family(a), _number_family(b)
    if fa is not None or fb is not None:
        if fa != fb:
            return False
        if fa == "float" and math.isnan(a) and math.isnan(b):
            return True
        return bool(a == b)
    if type(a) is not type(b):
        # Keep "1" apart from b"1", (1,) apart from [1], ...
        return False
    try:
        eq = a == b
    except Exception:
        return False
    return eq is True or (isinstance(eq, (bool, np.bool_)) and bool(eq))


def _number_family(x: Any) -> str | None:
    """"bool", "int" or "float" for scalar numbers (numpy included), else None."""
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, numbers.Integral):
        return "int"
    if isinstance(x, numbers.Real):
        return "float"
    return None


def _clone_choice(value: Any) -> Any:
    """A fresh copy of an estimator choice; other values are returned as is."""
    if hasattr(value, "get_params") and not isinstance(value, type):
        from sklearn.base import clone

        return clone(value)
    return value


class Categorical(Dimension):
    """A dimension over a finite list of choices.

    Parameters
    ----------
    choices : sequence
        The values, in any order; any Python objects: strings, numbers,
        ``None``, tuples (e.g. ``hidden_layer_sizes``) or estimators.
        Estimator choices are cloned for every candidate that uses them, so a
        candidate never shares or mutates the estimator given here.
    **kwargs
        None are accepted; scikit-optimize's ``prior``, ``transform`` and
        ``name`` raise a ``TypeError`` saying how skhpo spells them.

    See Also
    --------
    Ordinal : An ordered set of numbers, which optimizers treat as ordered.

    Examples
    --------
    >>> from skhpo.space import Categorical
    >>> kernel = Categorical(["linear", "rbf", None])
    >>> kernel.from_unit(0.5)
    'rbf'
    >>> kernel.to_unit(None)
    0.8333333333333334
    """

    kind = "cat"

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        _reject_keywords("Categorical", kwargs)
        choices = _as_value_list("Categorical", choices, "choices")
        if len(choices) == 0:
            raise ValueError("Categorical: `choices` must not be empty, got [].")
        for i, c in enumerate(choices):
            for j in range(i):
                if _same_choice(choices[j], c):
                    raise ValueError(
                        f"Categorical: `choices` must be distinct, but choices[{j}] and "
                        f"choices[{i}] are both {c!r}."
                    )
        self.choices = choices

    def index(self, value: Any) -> int:
        """Position of ``value`` in :attr:`choices`.

        Parameters
        ----------
        value : object
            One of the choices (estimators are compared by class and
            parameters).

        Returns
        -------
        int
            Its index in :attr:`choices`.

        Raises
        ------
        ValueError
            If ``value`` is not one of the choices.
        """
        for i, c in enumerate(self.choices):
            if _same_choice(c, value):
                return i
        raise ValueError(f"{value!r} is not one of the choices {self.choices!r}.")

    def to_unit(self, value: Any) -> float:
        return cell_middle(self.index(value), len(self.choices))

    def from_unit(self, u: float) -> Any:
        return _clone_choice(self.choices[self.unit_to_index(u)])

    def unit_to_index(self, u: float) -> int:
        """Index of the choice whose cell holds ``u``.

        Parameters
        ----------
        u : float
            A unit coordinate (clipped to ``[0, 1]``).

        Returns
        -------
        int
            Choice ``i`` owns the cell ``[i / k, (i + 1) / k)``.
        """
        return int(cell_index(float(u), len(self.choices)))

    def snap(self, u: np.ndarray) -> np.ndarray:
        k = len(self.choices)
        return cell_middle(cell_index(np.asarray(u, dtype=float), k), k)

    @property
    def size(self) -> float:
        return len(self.choices)

    def contains(self, value: Any) -> bool:
        return any(_same_choice(c, value) for c in self.choices)

    def to_json(self, value: Any) -> Any:
        return self.index(value)

    def from_json(self, obj: Any) -> Any:
        return _clone_choice(self.choices[int(obj)])

    def _key(self) -> tuple:
        return tuple(repr(c) for c in self.choices)

    def __repr__(self) -> str:
        return f"Categorical({self.choices!r})"


def _ordinal_problem(values: list) -> tuple[type, str] | None:
    """Why ``values`` cannot be the values of an :class:`Ordinal`, or None.

    The values must be at least two finite real numbers (not booleans), all
    integers or all floats, in strictly increasing order.

    Returns
    -------
    (exception class, message) or None
    """
    if len(values) < 2:
        return ValueError, (
            f"`values` must hold at least 2 numbers, got {values!r}. "
            "Use Categorical([value]) for a fixed value."
        )
    for i, v in enumerate(values):
        if _number_family(v) not in ("int", "float") or not math.isfinite(v):
            return TypeError, (
                f"`values` must be finite real numbers, got values[{i}]={v!r} of type "
                f"{type(v).__name__}. Use Categorical for other values."
            )
    families = [_number_family(v) for v in values]
    if len(set(families)) > 1:
        i = families.index("float")
        j = families.index("int")
        return TypeError, (
            f"`values` must be all integers or all floats, got values[{j}]={values[j]!r} and "
            f"values[{i}]={values[i]!r}. Use Categorical for a mix (to scikit-learn, 1 and "
            "1.0 often mean different things)."
        )
    for i in range(1, len(values)):
        if not values[i - 1] < values[i]:
            return ValueError, (
                f"`values` must be strictly increasing, got values[{i - 1}]={values[i - 1]!r} "
                f"then values[{i}]={values[i]!r}. Write sorted(set(values))."
            )
    return None


class Ordinal(Dimension):
    """An ordered, finite set of numbers.

    Each of the ``k`` values owns an equal cell of the unit interval, in
    order: value ``i`` owns ``[i / k, (i + 1) / k)`` and its canonical
    coordinate is the middle of the cell. The cells are those of a
    :class:`Categorical`, but the dimension has kind ``"int"``: optimizers
    treat it as one ordered coordinate (a neighbour of a value is the next
    smaller or larger value), not as ``k`` unrelated choices. A sorted list
    of at least three numbers in a search space, such as
    ``list(range(50, 1001))`` or ``[0.01, 0.1, 1.0]``, becomes an Ordinal.

    Parameters
    ----------
    values : sequence of numbers
        At least two finite numbers (not booleans), all integers or all
        floats, strictly increasing. Decoded values are these very values,
        with their types (a 1-d numpy array gives Python numbers).

    See Also
    --------
    Categorical : A finite set of choices without an order.
    Integer : Every integer between two bounds.

    Examples
    --------
    >>> from skhpo.space import Ordinal
    >>> n = Ordinal([50, 100, 200, 400])
    >>> n.kind, n.size
    ('int', 4)
    >>> n.to_unit(100)
    0.375
    >>> [n.from_unit(u) for u in (0.0, 0.3, 0.6, 1.0)]
    [50, 100, 200, 400]
    >>> n.contains(200), n.contains(150)
    (True, False)
    """

    kind = "int"

    def __init__(self, values: Any) -> None:
        if isinstance(values, np.ndarray) and values.ndim == 1:
            values = values.tolist()  # Python numbers, as in the list shorthand
        values = _as_value_list("Ordinal", values, "values")
        problem = _ordinal_problem(values)
        if problem is not None:
            exc, message = problem
            raise exc(f"Ordinal: {message}")
        self.values = values
        self._float = _number_family(values[0]) == "float"
        self._positions = {v: i for i, v in enumerate(values)}

    def index(self, value: Any) -> int:
        """Position of ``value`` in :attr:`values`.

        Integers and floats are told apart, as in :class:`Categorical`:
        ``2.0`` is not a value of ``Ordinal([1, 2, 3])``.

        Parameters
        ----------
        value : int or float
            One of the values.

        Returns
        -------
        int
            Its index in :attr:`values`.

        Raises
        ------
        ValueError
            If ``value`` is not one of the values.
        """
        family = _number_family(value)
        if family in ("int", "float") and (family == "float") == self._float:
            i = self._positions.get(value)
            if i is not None:
                return i
        raise ValueError(f"{value!r} is not one of the values of {self!r}.")

    def to_unit(self, value: Any) -> float:
        return cell_middle(self.index(value), len(self.values))

    def unit_to_index(self, u: float) -> int:
        """Index of the value whose cell holds ``u``.

        Parameters
        ----------
        u : float
            A unit coordinate (clipped to ``[0, 1]``).

        Returns
        -------
        int
            Value ``i`` owns the cell ``[i / k, (i + 1) / k)``.
        """
        return int(cell_index(float(u), len(self.values)))

    def from_unit(self, u: float) -> Any:
        return self.values[self.unit_to_index(u)]

    def snap(self, u: np.ndarray) -> np.ndarray:
        k = len(self.values)
        return cell_middle(cell_index(np.asarray(u, dtype=float), k), k)

    @property
    def size(self) -> float:
        return len(self.values)

    def contains(self, value: Any) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def to_json(self, value: Any) -> Any:
        return float(value) if self._float else int(value)

    def from_json(self, obj: Any) -> Any:
        return self.values[self.index(obj)]

    def _key(self) -> tuple:
        return (self._float,) + tuple(self.values)

    def __repr__(self) -> str:
        v = self.values
        if len(v) <= 8:
            return f"Ordinal({v!r})"
        head = ", ".join(repr(x) for x in v[:3])
        tail = ", ".join(repr(x) for x in v[-2:])
        return f"Ordinal([{head}, ..., {tail}])"


class Distribution(Dimension):
    """A dimension whose prior is a frozen :mod:`scipy.stats` distribution.

    The unit coordinate of a value is its cumulative probability, so sampling
    the unit interval uniformly samples the distribution. Discrete
    distributions (``scipy.stats.randint``, ``poisson``, ...) give integers.
    An unbounded side of the support is truncated at the 0.001 (or 0.999)
    quantile: an optimizer may probe the edges of the unit interval, and
    without a cut a ``norm(0.5, 0.1)`` would be searched out to 7 standard
    deviations, values random sampling practically never draws. The unit
    interval maps linearly onto the kept quantiles; a bounded side keeps its
    bound (cut at the 1e-12 quantile). A discrete distribution with a finite
    support has as values those between these quantiles, the only ones the
    quantile map can reach: ``binom(1000, 0.001)`` has the 15 values 0 to
    14, not the 1001 of its support.

    Parameters
    ----------
    distribution : frozen scipy.stats distribution
        Anything with ``ppf`` and ``cdf``, e.g. ``scipy.stats.norm(0, 1)``.

    Examples
    --------
    >>> from scipy import stats
    >>> from skhpo.space import Distribution
    >>> d = Distribution(stats.norm(0, 1))
    >>> float(d.from_unit(0.5))
    0.0
    """

    def __init__(self, distribution: Any) -> None:
        from scipy.stats import rv_continuous, rv_discrete

        unfrozen = isinstance(distribution, (rv_continuous, rv_discrete))
        if unfrozen or not (hasattr(distribution, "ppf") and hasattr(distribution, "cdf")):
            raise TypeError(
                "Distribution: `distribution` must be a frozen scipy.stats "
                f"distribution with ppf and cdf, got {distribution!r}"
                + (
                    "; freeze it by calling it with its parameters, e.g. "
                    "scipy.stats.norm(0, 1)."
                    if unfrozen
                    else "."
                )
            )
        self.distribution = distribution
        dist = getattr(distribution, "dist", None)
        self._discrete = dist is not None and hasattr(dist, "pmf")
        self.kind = "int" if self._discrete else "real"
        lo, hi = distribution.support()
        self.low, self.high = float(lo), float(hi)
        if math.isnan(self.low) or math.isnan(self.high):
            # scipy marks invalid shape/scale arguments by a NaN support.
            raise ValueError(
                f"Distribution: the parameters of {self!r} are invalid for this "
                "scipy.stats distribution (its support is undefined)."
            )
        # The quantiles the unit interval maps onto (see the class docstring).
        self._q_lo = _PPF_EPS if math.isfinite(self.low) else _TAIL_Q
        self._q_hi = 1.0 - (_PPF_EPS if math.isfinite(self.high) else _TAIL_Q)
        ends = [float(distribution.ppf(q)) for q in (self._q_lo, self._q_hi)]
        if not all(math.isfinite(v) for v in ends):
            # e.g. norm(0, 1e308): its quantiles overflow to +-inf.
            raise ValueError(
                f"Distribution: the values searched, from the {self._q_lo:g} to the "
                f"{self._q_hi:g} quantile of {self!r}, must be finite, got {ends[0]!r} to "
                f"{ends[1]!r}."
            )
        if self._discrete and math.isfinite(self.low) and math.isfinite(self.high):
            # Only the values between the kept quantiles can be proposed
            # (binom(1000, 0.001): 0 to 14 of its support 0 to 1000), so
            # they are the dimension's values: its size, bounds and grid.
            self.low, self.high = float(math.floor(ends[0])), float(math.floor(ends[1]))

    def _quantile(self, u: Any) -> Any:
        return self._q_lo + np.clip(u, 0.0, 1.0) * (self._q_hi - self._q_lo)

    def _unit(self, q: Any) -> Any:
        return np.clip((np.asarray(q, dtype=float) - self._q_lo) / (self._q_hi - self._q_lo), 0.0, 1.0)

    def to_unit(self, value: Any) -> float:
        if self._discrete:
            v = math.floor(float(value))
            return float(self._unit(0.5 * (self.distribution.cdf(v - 1) + self.distribution.cdf(v))))
        return float(self._unit(self.distribution.cdf(float(value))))

    def from_unit(self, u: float) -> Any:
        v = self.distribution.ppf(float(self._quantile(float(u))))
        if self._discrete:
            return int(v)
        return float(v)

    def snap(self, u: np.ndarray) -> np.ndarray:
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if not self._discrete:
            return u
        # Vectorised to_unit(from_unit(u)) for discrete distributions.
        v = np.floor(self.distribution.ppf(self._quantile(u)))
        return self._unit(0.5 * (self.distribution.cdf(v - 1) + self.distribution.cdf(v)))

    @property
    def size(self) -> float:
        if self._discrete and math.isfinite(self.low) and math.isfinite(self.high):
            return self.high - self.low + 1
        return math.inf

    def contains(self, value: Any) -> bool:
        if not _is_number(value) or not math.isfinite(value):
            return False
        if not (self.low <= value <= self.high):
            return False
        return float(value).is_integer() if self._discrete else True

    def to_json(self, value: Any) -> Any:
        return int(value) if self._discrete else float(value)

    def from_json(self, obj: Any) -> Any:
        return int(obj) if self._discrete else float(obj)

    def _key(self) -> tuple:
        d = self.distribution
        return (getattr(getattr(d, "dist", None), "name", repr(d)), repr(d.args), repr(d.kwds))

    def __repr__(self) -> str:
        d = self.distribution
        name = getattr(getattr(d, "dist", None), "name", type(d).__name__)
        args = [repr(a) for a in d.args] + [f"{k}={v!r}" for k, v in d.kwds.items()]
        return f"Distribution({name}({', '.join(args)}))"
