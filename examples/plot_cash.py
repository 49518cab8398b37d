"""
Choosing between model families (CASH) with TPESearchCV
=======================================================

Which model, and with which hyperparameters? Searching both at once is known
as combined algorithm selection and hyperparameter optimization (CASH). In
skhpo it is a *list* of search spaces over a pipeline step: each dict puts
one estimator in the step and gives that estimator's own parameters. Every
candidate comes from exactly one dict, and the whole list shares one budget
(``n_iter``), which :class:`~skhpo.TPESearchCV` moves towards the families
that score well.

The data is the breast-cancer table that ships with scikit-learn (569 rows,
30 features); the score is ROC AUC.
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo import TPESearchCV
from skhpo.space import Integer, Real

X, y = load_breast_cancer(return_X_y=True)
n_iter = 12 if QUICK else 50
cv = StratifiedKFold(n_splits=3 if QUICK else 5, shuffle=True, random_state=0)

# %%
# One sub-space per family
# ------------------------
# The pipeline's ``"clf"`` step is only a placeholder: each sub-space replaces
# it (``"clf": [estimator]``) and names that estimator's parameters as
# ``clf__param``. A parameter is checked against the estimator of its own
# sub-space, so ``clf__gamma`` is valid for ``SVC`` only. Estimators given in
# the space are cloned for every candidate.
pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
space = [
    {
        "clf": [LogisticRegression(max_iter=2000)],
        "clf__C": Real(1e-3, 1e3, prior="log-uniform"),
    },
    {
        "clf": [SVC()],
        "clf__C": Real(1e-2, 1e3, prior="log-uniform"),
        "clf__gamma": Real(1e-4, 1e0, prior="log-uniform"),
    },
    {
        "clf": [KNeighborsClassifier()],
        "clf__n_neighbors": Integer(1, 50, prior="log-uniform"),
        "clf__weights": ["uniform", "distance"],
    },
    {
        "clf": [RandomForestClassifier(n_estimators=50, random_state=0, n_jobs=1)],
        "clf__max_depth": Integer(2, 20),
        "clf__max_features": Real(0.05, 1.0),
    },
    {
        "clf": [HistGradientBoostingClassifier(max_iter=50, random_state=0)],
        "clf__learning_rate": Real(0.01, 0.5, prior="log-uniform"),
        "clf__max_leaf_nodes": Integer(4, 64, prior="log-uniform"),
    },
]
search = TPESearchCV(pipe, space, n_iter=n_iter, cv=cv, scoring="roc_auc", n_jobs=2, random_state=0)
search.fit(X, y)

# %%
# Which family won, and how the budget was spent
# ----------------------------------------------
# ``cv_results_`` has one row per candidate. The ``param_clf`` column holds
# the estimator each candidate used; a parameter that a candidate's family
# does not have is masked (``NaN`` in pandas).
results = pd.DataFrame(search.cv_results_)
results["family"] = [type(est).__name__ for est in results["param_clf"]]
per_family = results.groupby("family")["mean_test_score"].agg(candidates="size", best_auc="max")
print(per_family.sort_values("best_auc", ascending=False).round(4).to_string())

best = search.best_params_
print(f"\nbest family: {type(best['clf']).__name__}, CV ROC AUC {search.best_score_:.4f}")
print("its parameters:", {k: v for k, v in best.items() if k != "clf"})

# %%
# The candidates in evaluation order, coloured by family: after the first
# candidates, which sample every family, the search gives most of the budget
# to the families that lead.
families = sorted(results["family"].unique())
fig, ax = plt.subplots(figsize=(7, 3.5))
for i, family in enumerate(families):
    rows = results.index[results["family"] == family]
    ax.scatter(rows + 1, results.loc[rows, "mean_test_score"], label=family, color=f"C{i}", s=18)
ax.plot(np.arange(1, len(results) + 1), np.maximum.accumulate(results["mean_test_score"]), color="k", lw=1)
ax.set_ylim(max(0.9, results["mean_test_score"].min() - 0.005), 1.0)
ax.set_xlabel("candidate")
ax.set_ylabel("CV ROC AUC")
ax.legend(fontsize="small", loc="lower right")
fig.tight_layout()
plt.show()

# %%
# To compare each family with the estimator's defaults too, add an empty
# sub-space: ``[{}, *space]`` evaluates the pipeline as given once, as
# ``GridSearchCV`` would, besides the search.
