"""Fidelities: what a budget means to an estimator.

:class:`SubsampleCV` is the ``n_samples`` fidelity: each rung trains on a
nested subsample of every training fold. Unlike :mod:`skhpo.optimizers`,
this package uses scikit-learn.

:class:`ContinuedEstimator` and :class:`ContinuationStore` are the
``resource=<parameter>`` fidelity's models continued, not retrained, from one
rung to the next; :func:`continuation_kind` says which estimators are.
"""

from ._continuation import ContinuationStore, ContinuedEstimator, continuation_kind
from ._subsample import SubsampleCV

__all__ = ["ContinuationStore", "ContinuedEstimator", "SubsampleCV", "continuation_kind"]
