"""Tree-structured Parzen estimator (TPE) engine.

:class:`TPEOptimizer` is the ask/tell optimizer behind ``TPESearchCV``;
:mod:`._split` holds the good/bad split and :mod:`._parzen` the Parzen
estimators.
"""

from ._optimizer import TPEOptimizer

__all__ = ["TPEOptimizer"]
