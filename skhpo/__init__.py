"""skhpo: scikit-learn compatible hyperparameter search estimators."""

__version__ = "0.1.0.dev0"
