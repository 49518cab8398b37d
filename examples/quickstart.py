"""
Quickstart: tune a gradient-boosting regressor with BayesSearchCV
==================================================================

A real tuning run on the diabetes data that ships with scikit-learn. The
search is used exactly like ``GridSearchCV``; only the way candidates are
chosen differs. It prints the tuned parameters and cross-validated score next
to the score of the estimator's default configuration, on the same folds, and
how much the model-guided candidates improved on the initial (Sobol) design.

Run it with ``python examples/quickstart.py`` (10 to 20 seconds on 2 cores).
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # avoid thread oversubscription
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import time

from sklearn.datasets import load_diabetes
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold, cross_val_score

from skhpo import BayesSearchCV
from skhpo.space import Integer, Real

X, y = load_diabetes(return_X_y=True)
cv = KFold(n_splits=5, shuffle=True, random_state=0)
model = HistGradientBoostingRegressor(random_state=0)

# %%
# The default configuration, scored on the same folds as the search.
default_score = cross_val_score(model, X, y, cv=cv, scoring="r2").mean()

# %%
# The search space: log-uniform priors for scale parameters.
space = {
    "learning_rate": Real(0.005, 0.3, prior="log-uniform"),
    "max_iter": Integer(20, 300, prior="log-uniform"),
    "max_leaf_nodes": Integer(2, 64, prior="log-uniform"),
    "min_samples_leaf": Integer(5, 100, prior="log-uniform"),
    "l2_regularization": Real(1e-4, 10.0, prior="log-uniform"),
    "max_features": Real(0.3, 1.0),
}
search = BayesSearchCV(model, space, n_iter=8 if QUICK else 30, cv=cv, scoring="r2", n_jobs=2, random_state=1)

start = time.perf_counter()
search.fit(X, y)
elapsed = time.perf_counter() - start

# %%
print(f"BayesSearchCV: {len(search.cv_results_['params'])} candidates in {elapsed:.1f} s")
print("best parameters:")
for name, value in sorted(search.best_params_.items()):
    print(f"    {name:18s} = {value:.4g}" if isinstance(value, float) else f"    {name:18s} = {value}")
print(f"default configuration  CV r2 = {default_score:.4f}")
print(f"tuned configuration    CV r2 = {search.best_score_:.4f}")

# %%
# The first candidates come from a space-filling (scrambled Sobol) design; the
# rest are chosen by the Gaussian-process model from the scores seen so far.
scores = search.cv_results_["mean_test_score"]
n_design = search.optimizer_.n_initial_points_
best_guided = n_design + int(scores[n_design:].argmax())
print(f"best of the initial design (candidates 1-{n_design})      CV r2 = {scores[:n_design].max():.4f}")
print(
    f"best model-guided candidate (candidate {best_guided + 1} of {len(scores)}) "
    f"CV r2 = {scores[best_guided]:.4f}"
)
