"""Gaussian-process Bayesian optimisation (the engine of BayesSearchCV).

Modules: ``_kernel`` (Matérn 5/2 ARD), ``_model`` (GP regression and its
hyperparameter fit), ``_acquisition`` (log-EI, log-PI, LCB), ``_encoding``
(space vectors to GP features), ``_maximize`` (acquisition maximisation over
mixed spaces) and ``_optimizer`` (:class:`GPOptimizer`).
"""

from ._model import GaussianProcess
from ._optimizer import GPOptimizer

__all__ = ["GPOptimizer", "GaussianProcess"]
