"""scikit-optimize dimensions in a skhpo search space.

Users coming from scikit-optimize bring ``skopt.space.Real``, ``Integer`` and
``Categorical`` objects. They are recognised by duck typing (the class is
named so and defined in a module of the ``skopt`` package), never by
importing scikit-optimize, and converted to skhpo's own dimensions.
"""

from __future__ import annotations

import math
from typing import Any

from ._dimensions import Categorical, Dimension, Integer, Real

__all__: list[str] = []

_NAMES = ("Real", "Integer", "Categorical")


def _is_skopt(obj: Any) -> bool:
    """Whether ``obj`` is an instance of a class defined in scikit-optimize."""
    module = getattr(type(obj), "__module__", "") or ""
    return module == "skopt" or module.startswith("skopt.")


def _from_skopt(obj: Any) -> Dimension:
    """The skhpo dimension of a scikit-optimize ``Real``, ``Integer`` or ``Categorical``.

    ``base``, ``transform``, ``dtype`` and ``name`` are not needed (the name
    is the key of the search-space dict). A ``Categorical`` whose ``prior``
    gives the choices unequal probabilities is refused: skhpo's
    :class:`Categorical` draws its choices uniformly.
    """
    kind = type(obj).__name__
    if kind == "Categorical" and hasattr(obj, "categories"):
        _check_uniform_prior(getattr(obj, "prior", None))
        return Categorical(list(obj.categories))
    if kind in ("Real", "Integer") and all(hasattr(obj, a) for a in ("low", "high", "prior")):
        cls = Real if kind == "Real" else Integer
        low, high = obj.low, obj.high
        if cls is Integer:
            low, high = _whole(low), _whole(high)
        return cls(low, high, prior=obj.prior)
    raise TypeError(
        f"the scikit-optimize object {obj!r} of type {type(obj).__module__}.{kind} is not "
        f"supported; use skopt's {', '.join(_NAMES)} or skhpo's own dimensions."
    )


def _whole(x: Any) -> Any:
    """An integral float bound (scikit-optimize accepts ``10.0``) as an int."""
    if isinstance(x, float) and math.isfinite(x) and x.is_integer():
        return int(x)
    return x


def _check_uniform_prior(prior: Any) -> None:
    """Refuse a Categorical prior that is not uniform."""
    if prior is None:
        return
    p = [float(w) for w in prior]
    if p and max(p) - min(p) <= 1e-12 * max(1.0, max(p)):
        return
    raise ValueError(
        f"the scikit-optimize Categorical has prior={list(prior)!r}, choice probabilities "
        "skhpo cannot express: skhpo's Categorical draws its choices uniformly. Drop the "
        "prior."
    )
