"""Identity of a parameter dict: equal keys, the same configuration.

Shared by the search driver (repeats of an evaluated candidate) and the
parameter fidelity (which saved models belong to which candidate). Estimator
values compare by class and parameters, as ``clone`` would rebuild them.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def _params_key(params: dict) -> tuple:
    """A hashable identity of a parameter dict: equal keys, the same configuration."""
    return tuple((name, _value_key(params[name])) for name in sorted(params))


def _value_key(v: Any) -> tuple:
    """A hashable identity of one parameter value.

    Estimators compare by class and (recursively) by their parameters, as
    ``clone`` would rebuild them, so two ``SVC(C=1.0)`` from two sub-spaces
    are the same value; sequences and dicts by their items; numbers and
    other hashable values by type and value (``1`` and ``1.0`` differ, as
    they do to scikit-learn); anything else by identity.
    """
    if hasattr(v, "get_params") and not isinstance(v, type):
        try:
            inner = v.get_params(deep=False)
        except Exception:  # a broken get_params: fall back to identity
            return ("id", id(v))
        return ("estimator", type(v).__module__, type(v).__qualname__, _params_key(inner))
    if isinstance(v, (list, tuple)):
        return (type(v).__name__,) + tuple(_value_key(x) for x in v)
    if isinstance(v, dict):
        return ("dict", _params_key(v)) if all(isinstance(k, str) for k in v) else ("id", id(v))
    if isinstance(v, float) and v != v:  # every NaN is the same value
        return (type(v).__name__, "nan")
    try:
        hash(v)
    except TypeError:  # e.g. an array: the same object is the same value
        return ("id", id(v))
    return (type(v).__name__, v)
