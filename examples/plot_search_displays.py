"""
Looking at a search: convergence, parameters, importance and rungs
==================================================================

:mod:`skhpo.plot` draws a fitted search from its ``cv_results_`` and its
search space, in the style of scikit-learn's displays:
``Display.from_estimator(search)`` computes and draws, and the axes and
artists are kept as attributes (``ax_``, ``figure_``, ...) for further
styling. Drawing needs matplotlib (``pip install "skhpo[plot]"``).

The search: an RBF support-vector classifier on the digits data that ships
with scikit-learn, over five parameters, two of which matter (``C`` and
``gamma``) and three that barely do (``shrinking``, ``tol`` and
``cache_size``, which change how the solver runs, not the model it finds).
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo import HalvingBOHBSearchCV, TPESearchCV
from skhpo.plot import ConvergenceDisplay, ImportanceDisplay, ParameterDisplay, RungDisplay
from skhpo.space import Real

X, y = load_digits(return_X_y=True)
X, y = X[:1000], y[:1000]
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
space = {
    "svc__C": Real(1e-2, 1e3, prior="log-uniform"),
    "svc__gamma": Real(1e-5, 1e0, prior="log-uniform"),
    "svc__shrinking": [True, False],
    "svc__tol": Real(1e-4, 1e-2, prior="log-uniform"),
    "svc__cache_size": [100, 200, 400],
}
search = TPESearchCV(pipe, space, n_iter=14 if QUICK else 40, cv=cv, n_jobs=2, random_state=0)
search.fit(X, y)
print(f"best CV accuracy {search.best_score_:.4f} after {len(search.cv_results_['params'])} candidates")

# %%
# Convergence
# -----------
# Each candidate's score, in evaluation order, and the best score so far.
# ``x="time"`` puts the cumulative fit and score time on the horizontal axis
# instead.
conv = ConvergenceDisplay.from_estimator(search)
first_best = int((conv.best_so_far_ >= search.best_score_).argmax()) + 1
print(f"the best score was first reached at candidate {first_best} of {len(conv.best_so_far_)}")

# %%
# Score against each parameter
# ----------------------------
# One panel per parameter, on the dimension's own scale (log for log-uniform
# ranges, one column per choice for categorical ones).
params = ParameterDisplay.from_estimator(search, n_cols=3)
params.figure_.set_size_inches(9, 5)

# %%
# The best candidates in parallel coordinates: each line is one of the
# ``top_k`` best candidates, across every parameter.
ParameterDisplay.from_estimator(search, kind="parallel", top_k=10)

# %%
# Which parameters matter
# -----------------------
# The share of the variance of the score that each parameter explains
# (functional ANOVA on a random forest fitted to the candidates' scores). It
# describes the region the search explored, not the whole space, and with
# few candidates it is a rough estimate.
importance = ImportanceDisplay.from_estimator(search, random_state=0)
for name, value in sorted(zip(importance.names_, importance.importances_), key=lambda t: -t[1]):
    print(f"{name:16s} {value:.2f}")

# %%
# Rungs of a halving search
# -------------------------
# For :class:`~skhpo.HalvingBOHBSearchCV`, ``RungDisplay`` shows the scores
# at each budget (here a number of training rows), the candidates promoted
# from one rung to the next joined by lines.
halving = HalvingBOHBSearchCV(
    pipe,
    {"svc__C": space["svc__C"], "svc__gamma": space["svc__gamma"]},
    resource="n_samples",
    n_iter=3 if QUICK else 6,
    cv=cv,
    n_jobs=2,
    random_state=0,
).fit(X, y)
rungs = RungDisplay.from_estimator(halving)
print(f"rungs (rows, candidates): {list(zip(halving.n_resources_, halving.n_candidates_))}")
print(f"candidates promoted at least once: {len(rungs.promoted_)}")
plt.show()
