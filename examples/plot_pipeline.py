"""
Tuning a pipeline: BayesSearchCV against RandomizedSearchCV
===========================================================

A scikit-learn ``Pipeline`` is tuned like any estimator: the parameters of
its steps are named ``step__param``. This example tunes a scaler, a PCA and an
RBF support-vector classifier on the digits data that ships with
scikit-learn, with :class:`~skhpo.BayesSearchCV` and with scikit-learn's
``RandomizedSearchCV`` given the same number of candidates, the same folds
and the same ranges, and compares the best cross-validated accuracy each has
found after every candidate.

One run of each search is one draw: the difference between two seeds of
random search can be as large as the difference between the methods.
``docs/benchmarks.md`` has the comparison over many seeds and tasks.
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the searches parallelize, not BLAS
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import loguniform, randint
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo import BayesSearchCV
from skhpo.space import Integer, Real

X, y = load_digits(return_X_y=True)
if QUICK:
    X, y = X[:600], y[:600]
n_iter = 8 if QUICK else 30
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(random_state=0)), ("svc", SVC())])
print(f"{X.shape[0]} images of {X.shape[1]} pixels, {n_iter} candidates per search, 3-fold CV")

# %%
# The search space
# ----------------
# Scale parameters such as ``C`` and ``gamma`` are searched on a log scale.
# The space refers to the pipeline's steps by name; a name that the pipeline
# does not have is an error before any fit.
space = {
    "pca__n_components": Integer(5, 60),
    "svc__C": Real(1e-2, 1e3, prior="log-uniform"),
    "svc__gamma": Real(1e-5, 1e0, prior="log-uniform"),
}
bayes = BayesSearchCV(pipe, space, n_iter=n_iter, cv=cv, n_jobs=2, random_state=0)
bayes.fit(X, y)

# %%
# Random search over the same ranges, written as scipy distributions
# (``randint``'s upper bound is exclusive). skhpo's searchers accept this
# spelling too: ``BayesSearchCV(pipe, distributions, ...)`` would search the
# same space.
distributions = {
    "pca__n_components": randint(5, 61),
    "svc__C": loguniform(1e-2, 1e3),
    "svc__gamma": loguniform(1e-5, 1e0),
}
random = RandomizedSearchCV(pipe, distributions, n_iter=n_iter, cv=cv, n_jobs=2, random_state=0)
random.fit(X, y)

# %%
# Both searches give the same ``cv_results_`` columns and ``best_*``
# attributes, so they can be read and compared the same way.
for name, search in [("BayesSearchCV", bayes), ("RandomizedSearchCV", random)]:
    params = ", ".join(
        f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(search.best_params_.items())
    )
    print(f"{name:18s} best CV accuracy {search.best_score_:.4f}  ({params})")

results = pd.DataFrame(bayes.cv_results_)
print(results[["param_pca__n_components", "param_svc__C", "param_svc__gamma", "mean_test_score"]].round(4).tail())

# %%
# Best score found so far, candidate after candidate
# --------------------------------------------------
# The first candidates of :class:`~skhpo.BayesSearchCV` come from a
# space-filling design; after them, each candidate is chosen by the Gaussian
# process fitted to the scores seen so far.
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, search in [("BayesSearchCV", bayes), ("RandomizedSearchCV", random)]:
    best_so_far = np.maximum.accumulate(search.cv_results_["mean_test_score"])
    ax.step(np.arange(1, len(best_so_far) + 1), best_so_far, where="post", label=name)
ax.axvline(bayes.optimizer_.n_initial_points_ + 0.5, color="grey", ls=":", label="end of the initial design")
ax.set_xlabel("candidates evaluated")
ax.set_ylabel("best CV accuracy so far")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# The tuned pipeline is refit on all the data (``refit=True``, as in
# ``GridSearchCV``) and predicts like any estimator.
print("tuned pipeline:", bayes.best_estimator_)
print("training accuracy of the refit pipeline:", round(bayes.score(X, y), 4))
