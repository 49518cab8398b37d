"""Fidelities: what a budget means to an estimator.

:class:`SubsampleCV` is the ``n_samples`` fidelity: each rung trains on a
nested subsample of every training fold. Unlike :mod:`skhpo.optimizers`,
this package uses scikit-learn.
"""

from ._subsample import SubsampleCV

__all__ = ["SubsampleCV"]
