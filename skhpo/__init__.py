"""skhpo: scikit-learn compatible hyperparameter search estimators.

Drop-in replacements for :class:`~sklearn.model_selection.GridSearchCV`:

- :class:`BayesSearchCV`: Gaussian-process Bayesian optimization;
- :class:`TPESearchCV`: tree-structured Parzen estimator;
- :class:`HalvingBOHBSearchCV`: Hyperband with a TPE model (BOHB), over a
  share of the rows or a parameter such as ``n_estimators``;
- :class:`EvolutionSearchCV`: evolutionary search (regularized evolution)
  over mixed and conditional spaces.

:func:`nested_cv` runs any search (skhpo's or scikit-learn's) inside an
outer cross-validation and reports the outer scores, the choices per fold
and the selection bias, in a :class:`NestedCVReport`.

Search spaces are built from :mod:`skhpo.space`; the optimizers behind the
searchers, usable on their own through ask/tell, are in
:mod:`skhpo.optimizers`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

# The searchers are imported on first use, so that ``import skhpo.space`` and
# ``import skhpo.optimizers`` (which never need scikit-learn) do not import
# the driver and scikit-learn through this package's __init__.
_SEARCHERS = {
    "BayesSearchCV": "._bayes",
    "EvolutionSearchCV": "._evolution",
    "HalvingBOHBSearchCV": "._bohb",
    "TPESearchCV": "._tpe",
}

# Nested cross-validation of any search, and its report (imported on first
# use too: it needs scikit-learn).
_NESTED = {"NestedCVReport": "._nested", "nested_cv": "._nested"}
_LAZY = {**_SEARCHERS, **_NESTED}

__all__ = sorted(_LAZY) + ["__version__"]

if TYPE_CHECKING:  # pragma: no cover - for static analysis only
    from ._bayes import BayesSearchCV
    from ._bohb import HalvingBOHBSearchCV
    from ._evolution import EvolutionSearchCV
    from ._nested import NestedCVReport, nested_cv
    from ._tpe import TPESearchCV


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
