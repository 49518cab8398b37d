"""skhpo: scikit-learn compatible hyperparameter search estimators.

Drop-in replacements for :class:`~sklearn.model_selection.GridSearchCV`:

- :class:`BayesSearchCV`: Gaussian-process Bayesian optimization;
- :class:`TPESearchCV`: tree-structured Parzen estimator;
- :class:`HalvingBOHBSearchCV`: Hyperband with a TPE model (BOHB), over a
  share of the rows or a parameter such as ``n_estimators``.

Search spaces are built from :mod:`skhpo.space`; the optimizers behind the
searchers, usable on their own through ask/tell, are in
:mod:`skhpo.optimizers`.
"""

from ._bayes import BayesSearchCV
from ._bohb import HalvingBOHBSearchCV
from ._tpe import TPESearchCV

__version__ = "0.1.0.dev0"

__all__ = ["BayesSearchCV", "HalvingBOHBSearchCV", "TPESearchCV", "__version__"]
