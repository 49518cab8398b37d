"""Search spaces: dimensions, the shorthands, and the shared encoding.

A search space is given to a searcher as a dict ``{parameter: dimension}`` or
a list of such dicts (alternative sub-spaces, e.g. one per model family; an
empty dict is the estimator's defaults). Dimensions are :class:`Real`,
:class:`Integer`, :class:`Categorical`, :class:`Ordinal` or
:class:`Distribution` (scikit-optimize's ``Real``, ``Integer`` and
``Categorical`` are converted); the shorthands are a list (choices; an
ordinal for a sorted list of numbers), a ``(low, high)`` or
``(low, high, prior)`` tuple, and a frozen ``scipy.stats`` distribution.
:func:`space_for_estimator` parses a space for an estimator, whose default
values decide whether a tuple means integers or floats.
"""

from ._dimensions import Categorical, Dimension, Distribution, Integer, Ordinal, Real
from ._space import Candidate, SearchSpace, check_space_for_estimator, space_for_estimator

__all__ = [
    "Candidate",
    "Categorical",
    "Dimension",
    "Distribution",
    "Integer",
    "Ordinal",
    "Real",
    "SearchSpace",
    "check_space_for_estimator",
    "space_for_estimator",
]
