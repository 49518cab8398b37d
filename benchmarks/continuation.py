"""Fit time of continuing vs retraining models over a successive-halving schedule.

One bracket with eta=3: 27 candidates at 9 rounds (trees), the best 9 at 27,
the best 3 at 81, with 5-fold CV on a 5,000-row table, run twice through
scikit-learn's ``cross_validate``: once with every fit from scratch, once
with :class:`skhpo._fidelity.ContinuedEstimator` continuing each candidate's
fold models. Promotions are by mean CV accuracy, so both runs promote the
same candidates (continued and retrained models predict the same).

The most continuation can save is the rounds a retrained schedule trains
twice: retraining trains 27*9 + 9*27 + 3*81 rounds per fold, continuing
27*9 + 9*18 + 3*54, so at most 22% of the rounds (and of the time, if time
were proportional to rounds). Run::

    OMP_NUM_THREADS=1 python benchmarks/continuation.py [--quick]

One process, one thread per model (shared cores); numbers vary with load.
A run on 2 shared cores (xgboost 3.2, lightgbm 4.7, scikit-learn 1.9)::

    library         retrain s  continue s   saved  rounds retrain  rounds continue
    xgboost              34.1        26.7     22%            3645             2835
    lightgbm             40.6        38.2      6%            3645             2835
    random_forest        94.6        72.7     23%            3645             2835

The 22% bound counts rounds; a fit also pays costs that do not depend on
the rounds (lightgbm bins the data into a Dataset on every fit, about as
long as 20 rounds here), paid by both runs, so lightgbm saves less time.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any, Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_validate  # noqa: E402

from skhpo._fidelity import ContinuationStore, ContinuedEstimator  # noqa: E402

RUNGS = (9, 27, 81)
N_CANDIDATES = 27
ETA = 3


def _xgboost() -> tuple[Any, Callable]:
    from xgboost import XGBClassifier

    def sample(rng: np.random.Generator) -> dict:
        return {"max_depth": int(rng.integers(2, 8)), "learning_rate": float(10 ** rng.uniform(-2, -0.5))}

    return XGBClassifier(tree_method="hist", n_jobs=1), sample


def _lightgbm() -> tuple[Any, Callable]:
    from lightgbm import LGBMClassifier

    def sample(rng: np.random.Generator) -> dict:
        return {"num_leaves": int(rng.integers(4, 64)), "learning_rate": float(10 ** rng.uniform(-2, -0.5))}

    return LGBMClassifier(n_jobs=1, verbose=-1, force_row_wise=True, deterministic=True), sample


def _random_forest() -> tuple[Any, Callable]:
    def sample(rng: np.random.Generator) -> dict:
        return {"max_depth": int(rng.integers(3, 12)), "max_features": float(rng.uniform(0.1, 0.5))}

    return RandomForestClassifier(random_state=0, n_jobs=1), sample


LIBRARIES = {"xgboost": _xgboost, "lightgbm": _lightgbm, "random_forest": _random_forest}


def run_schedule(
    estimator: Any, candidates: list[dict], X: Any, y: Any, cv: Any, continued: bool
) -> tuple[float, int, list]:
    """Time one bracket; return (seconds, rounds trained, candidates at each rung)."""
    rounds = 0
    history = []
    start = time.perf_counter()
    with ContinuationStore(max_resources=RUNGS[-1]) as store:
        base = ContinuedEstimator(estimator, resource="n_estimators", store=store) if continued else estimator
        alive = list(candidates)
        for rung, n in enumerate(RUNGS):
            history.append([c for c in alive])
            scores = []
            for params in alive:
                est = clone(base).set_params(**params, n_estimators=n)
                scores.append(cross_validate(est, X, y, cv=cv, n_jobs=1)["test_score"].mean())
            if rung + 1 < len(RUNGS):
                order = np.argsort(-np.asarray(scores), kind="stable")
                alive = [alive[i] for i in order[: len(alive) // ETA]]
                if continued:
                    store.keep_only(alive)
            rounds += 0 if continued else n * len(history[-1]) * cv.get_n_splits()
        if continued:
            rounds = store.n_units_trained_
    return time.perf_counter() - start, rounds, history


def most_saved() -> float:
    """The share of rounds continuation avoids for this schedule."""
    sizes = [N_CANDIDATES // ETA**i for i in range(len(RUNGS))]
    retrained = sum(k * r for k, r in zip(sizes, RUNGS))
    continued = sum(k * (r - prev) for k, r, prev in zip(sizes, RUNGS, (0,) + RUNGS[:-1]))
    return 1 - continued / retrained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 rows, to check the script runs")
    args = parser.parse_args()
    n_samples = 1000 if args.quick else 5000
    X, y = make_classification(n_samples=n_samples, n_features=20, n_informative=10, random_state=0)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    print(f"{n_samples} rows x 20 features, 5 folds, rungs {RUNGS} with {N_CANDIDATES}/{N_CANDIDATES // ETA}/"
          f"{N_CANDIDATES // ETA**2} candidates; at most {most_saved():.0%} of the rounds can be saved\n")
    header = ("library", "retrain s", "continue s", "saved", "rounds retrain", "rounds continue")
    print("{:<14} {:>10} {:>11} {:>7} {:>15} {:>16}".format(*header))
    for name, make in LIBRARIES.items():
        try:
            estimator, sample = make()
        except ImportError:
            print(f"{name:<14} not installed")
            continue
        rng = np.random.default_rng(0)
        candidates = [sample(rng) for _ in range(N_CANDIDATES)]
        t_re, n_re, h_re = run_schedule(estimator, candidates, X, y, cv, continued=False)
        t_co, n_co, h_co = run_schedule(estimator, candidates, X, y, cv, continued=True)
        assert h_re == h_co, "continued and retrained schedules promoted different candidates"
        print(f"{name:<14} {t_re:>10.1f} {t_co:>11.1f} {1 - t_co / t_re:>7.0%} {n_re:>15} {n_co:>16}")


if __name__ == "__main__":
    main()
