"""Adapters: one function per tool, all with the same inputs and outputs.

``run_<tool>(problem, n_trials, seed)`` runs one search of ``n_trials``
evaluations and returns a :class:`RunResult`:

* ``scores`` -- the mean CV score of every evaluated configuration, in the
  order they were evaluated (the best-so-far trace is read off it);
* ``params`` -- their parameter dicts;
* ``best_cv`` -- the searcher's own best score (``best_score_``);
* ``test_score`` -- its refitted best estimator scored on the held-out set;
* ``wall_time`` -- seconds of the whole search, refit included;
* ``fit_time`` -- seconds spent inside estimator ``fit`` and ``score`` calls
  (from the tool's own per-candidate timings), so that
  ``(wall_time - fit_time) / n_trials`` is the tool's own overhead per
  suggestion: its optimizer plus its CV bookkeeping.

A :class:`Problem` hides the mode: in ``"real"`` mode it holds the task's real
estimator and data; in ``"surrogate"`` mode a fake estimator and row ids
(:mod:`benchmarks.surrogate`), in ``"grid"`` mode the same with the grid
surrogate of :mod:`benchmarks.grid`. Tools that cannot express a task return a
result whose ``status`` starts with ``"n/a"``.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import tasks as T

__all__ = ["Problem", "RunResult", "TOOLS", "PREFIX_SAFE", "make_problem"]


@dataclass
class Problem:
    """Everything a tool needs to search one task in one mode."""

    task: T.Task
    mode: str
    estimator: Any
    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any
    scoring: str | None
    family_values: dict | None = None

    def cv(self) -> Any:
        """The fixed CV splitter (plain KFold on row ids in surrogate and grid mode)."""
        if self.mode in ("surrogate", "grid"):
            from sklearn.model_selection import KFold

            return KFold(n_splits=self.task.cv_folds, shuffle=True, random_state=0)
        return self.task.cv()

    def test_score(self, fitted: Any) -> float:
        """Held-out score of a fitted estimator (the noise-free value in surrogate mode)."""
        if self.scoring is None:
            return float(fitted.score(self.X_test, self.y_test))
        from sklearn.metrics import get_scorer

        return float(get_scorer(self.scoring)(fitted, self.X_test, self.y_test))

    def refit_test_score(self, params: dict) -> float:
        """Fit ``params`` on the whole training set and score on the test set."""
        from sklearn.base import clone

        est = clone(self.estimator).set_params(**params)
        est.fit(self.X_train, self.y_train)
        return self.test_score(est)


def make_problem(task: T.Task, mode: str) -> Problem:
    """The :class:`Problem` of ``task`` in ``mode`` ("real", "surrogate" or "grid")."""
    if mode == "real":
        Xtr, Xte, ytr, yte = task.data()
        return Problem(task, mode, task.make_estimator(), Xtr, ytr, Xte, yte, task.scoring)
    if mode in ("surrogate", "grid"):
        from .surrogate import fake_data, make_fake

        est, fams = make_fake(task, "grid" if mode == "grid" else "model")
        Xtr, Xte, ytr, yte = fake_data(task)
        return Problem(task, mode, est, Xtr, ytr, Xte, yte, None, fams)
    raise ValueError(f"mode must be 'real', 'surrogate' or 'grid', got {mode!r}")


@dataclass
class RunResult:
    """What one search run produced (see the module docstring)."""

    status: str = "ok"
    scores: list[float] = field(default_factory=list)
    params: list[dict] = field(default_factory=list)
    best_cv: float = float("nan")
    test_score: float = float("nan")
    wall_time: float = float("nan")
    fit_time: float = float("nan")

    @property
    def n_evals(self) -> int:
        return len(self.scores)

    @property
    def overhead_per_suggestion(self) -> float:
        """``(wall_time - fit_time) / n_evals``: the tool's own seconds per suggestion."""
        if not self.scores:
            return float("nan")
        return max(0.0, self.wall_time - self.fit_time) / self.n_evals


# --------------------------------------------------------------------------- helpers
def _quiet() -> None:
    warnings.filterwarnings("ignore")
    logging.getLogger("optuna").setLevel(logging.WARNING)
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
    except ImportError:  # pragma: no cover - optional peer
        pass


def _from_cv_results(search: Any, wall: float, problem: Problem) -> RunResult:
    """A :class:`RunResult` from a fitted GridSearchCV-like search."""
    cvr = search.cv_results_
    n_splits = search.n_splits_
    scores = [float(s) for s in np.asarray(cvr["mean_test_score"], dtype=float)]
    fit = float(np.sum(np.asarray(cvr["mean_fit_time"], dtype=float)) * n_splits)
    fit += float(np.sum(np.asarray(cvr["mean_score_time"], dtype=float)) * n_splits)
    fit += float(getattr(search, "refit_time_", 0.0))
    return RunResult(
        scores=scores,
        params=[dict(p) for p in cvr["params"]],
        best_cv=float(search.best_score_),
        test_score=problem.test_score(search.best_estimator_),
        wall_time=wall,
        fit_time=fit,
    )


def _timed_fit(search: Any, problem: Problem) -> float:
    t0 = time.perf_counter()
    search.fit(problem.X_train, problem.y_train)
    return time.perf_counter() - t0


# --------------------------------------------------------------------------- tools
def _run_search_cv(cls: Any, space: Any, problem: Problem, n_trials: int, seed: int,
                   **extra: Any) -> RunResult:
    """Fit a GridSearchCV-like search class with the settings every tool shares."""
    search = cls(
        problem.estimator,
        space,
        n_iter=n_trials,
        scoring=problem.scoring,
        cv=problem.cv(),
        n_jobs=1,
        refit=True,
        random_state=seed,
        error_score=np.nan,
        **extra,
    )
    wall = _timed_fit(search, problem)
    return _from_cv_results(search, wall, problem)


def run_random(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """scikit-learn's RandomizedSearchCV with the same prior distributions."""
    from sklearn.model_selection import RandomizedSearchCV

    space = T.to_sklearn(problem.task, problem.family_values)
    return _run_search_cv(RandomizedSearchCV, space, problem, n_trials, seed)


def run_skopt(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """scikit-optimize's BayesSearchCV with its defaults (GP, gp_hedge).

    A CASH space is scikit-optimize's list of ``(space, n_iter)`` pairs with
    the budget split evenly; scikit-optimize searches those sub-spaces one
    after the other.
    """
    from skopt import BayesSearchCV

    space = T.to_skopt(problem.task, problem.family_values, n_iter=n_trials)
    return _run_search_cv(BayesSearchCV, space, problem, n_trials, seed, n_points=1)


def _run_skhpo(name: str, problem: Problem, n_trials: int, seed: int) -> RunResult:
    """One of skhpo's searchers, with its defaults."""
    try:
        import skhpo

        cls = getattr(skhpo, name)
    except (ImportError, AttributeError) as exc:  # the class may not have landed yet
        return RunResult(status=f"missing: {exc}")
    space = T.to_skhpo(problem.task, problem.family_values)
    return _run_search_cv(cls, space, problem, n_trials, seed)


def run_skhpo_bayes(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """skhpo's BayesSearchCV with its defaults."""
    return _run_skhpo("BayesSearchCV", problem, n_trials, seed)


def run_skhpo_tpe(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """skhpo's TPESearchCV with its defaults."""
    return _run_skhpo("TPESearchCV", problem, n_trials, seed)


def _run_optuna(problem: Problem, n_trials: int, seed: int, multivariate: bool | None) -> RunResult:
    dists = T.to_optuna(problem.task)
    if dists is None:
        return RunResult(status="n/a: cannot express the space")
    import optuna
    from optuna_integration import OptunaSearchCV

    sampler = (
        optuna.samplers.TPESampler(seed=seed)
        if multivariate is None
        else optuna.samplers.TPESampler(seed=seed, multivariate=multivariate)
    )
    study = optuna.create_study(direction="maximize", sampler=sampler)
    search = OptunaSearchCV(
        problem.estimator,
        dists,
        cv=problem.cv(),
        n_trials=n_trials,
        scoring=problem.scoring,
        refit=True,
        n_jobs=1,
        study=study,
        error_score=np.nan,
        verbose=0,
    )
    wall = _timed_fit(search, problem)
    trials = [t for t in search.trials_ if t.value is not None or t.user_attrs]
    scores, params, fit = [], [], 0.0
    for t in trials:
        ua = t.user_attrs
        scores.append(float(ua.get("mean_test_score", np.nan if t.value is None else t.value)))
        params.append(dict(t.params))
        fit += (float(ua.get("mean_fit_time", 0.0)) + float(ua.get("mean_score_time", 0.0))) * search.n_splits_
    fit += float(getattr(search, "refit_time_", 0.0))
    return RunResult(
        scores=scores,
        params=params,
        best_cv=float(search.best_score_),
        test_score=problem.test_score(search.best_estimator_),
        wall_time=wall,
        fit_time=fit,
    )


def run_optuna_tpe(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """OptunaSearchCV with the default TPESampler (multivariate in Optuna 5)."""
    return _run_optuna(problem, n_trials, seed, None)


def run_optuna_tpe_uni(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """OptunaSearchCV with ``TPESampler(multivariate=False)`` (independent TPE)."""
    return _run_optuna(problem, n_trials, seed, False)


def run_hyperopt(problem: Problem, n_trials: int, seed: int) -> RunResult:
    """hyperopt's ``fmin(tpe.suggest)`` around ``cross_validate``, then a refit.

    CASH is ``hp.choice`` over the sub-spaces. hyperopt minimizes, so the
    loss is minus the mean CV score; failed fits are reported as failed
    trials.
    """
    from hyperopt import STATUS_FAIL, STATUS_OK, Trials, fmin, tpe
    from sklearn.base import clone
    from sklearn.model_selection import cross_validate

    task = problem.task
    space = T.to_hyperopt(task, problem.family_values)
    cv = problem.cv()
    scores: list[float] = []
    params: list[dict] = []
    fit = [0.0]

    def objective(sample: tuple) -> dict:
        p = T.hyperopt_params(task, sample)
        est = clone(problem.estimator).set_params(**p)
        res = cross_validate(
            est, problem.X_train, problem.y_train, cv=cv, scoring=problem.scoring, error_score=np.nan
        )
        fit[0] += float(np.sum(res["fit_time"]) + np.sum(res["score_time"]))
        m = float(np.mean(res["test_score"]))
        scores.append(m)
        params.append(p)
        if not np.isfinite(m):
            return {"status": STATUS_FAIL}
        return {"loss": -m, "status": STATUS_OK}

    t0 = time.perf_counter()
    fmin(
        objective,
        space,
        algo=tpe.suggest,
        max_evals=n_trials,
        trials=Trials(),
        rstate=np.random.default_rng(seed),
        show_progressbar=False,
        verbose=False,
    )
    arr = np.asarray(scores, dtype=float)
    best = int(np.nanargmax(np.where(np.isfinite(arr), arr, -np.inf)))
    t1 = time.perf_counter()
    est = clone(problem.estimator).set_params(**params[best]).fit(problem.X_train, problem.y_train)
    t2 = time.perf_counter()
    fit[0] += t2 - t1
    return RunResult(
        scores=scores,
        params=params,
        best_cv=float(arr[best]),
        test_score=problem.test_score(est),
        wall_time=t2 - t0,
        fit_time=fit[0],
    )


#: tool name -> (adapter, group, one-line description)
TOOLS: dict[str, tuple[Callable[[Problem, int, int], RunResult], str, str]] = {
    "random": (run_random, "baseline", "sklearn RandomizedSearchCV"),
    "skopt": (run_skopt, "bayes", "scikit-optimize BayesSearchCV (GP, defaults)"),
    "skhpo_bayes": (run_skhpo_bayes, "bayes", "skhpo BayesSearchCV (defaults)"),
    "skhpo_tpe": (run_skhpo_tpe, "tpe", "skhpo TPESearchCV (defaults)"),
    "optuna_tpe": (run_optuna_tpe, "tpe", "OptunaSearchCV, default TPESampler (multivariate in Optuna 5)"),
    "optuna_tpe_uni": (run_optuna_tpe_uni, "tpe", "OptunaSearchCV, TPESampler(multivariate=False)"),
    "hyperopt": (run_hyperopt, "tpe", "hyperopt fmin(tpe.suggest) + cross_validate"),
}


def prefix_safe(tool: str, task: T.Task) -> bool:
    """Whether the first ``b`` trials of a longer run equal a run of budget ``b``.

    True for every sequential tool whose proposals do not depend on the total
    budget. False for scikit-optimize on CASH, whose budget is split between
    sub-spaces searched one after the other.
    """
    return not (tool == "skopt" and task.is_cash)


PREFIX_SAFE = prefix_safe
