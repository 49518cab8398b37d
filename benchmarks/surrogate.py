"""Surrogate benchmarks: real evaluations once, cheap replays many times.

At 20-80 trials the differences between good optimizers are small next to
seed noise, so rank claims need many seeds. This module

1. **generates** a table of real evaluations per task (random configurations
   drawn from the prior, then perturbations of the best ones so the region
   optimizers spend their time in is covered too) with the task's own CV
   folds and metric: ``python -m benchmarks.surrogate generate``;
2. **fits** a regression model (extra trees on the unit encoding of a
   configuration) to the mean CV score, and reports its held-out R²:
   ``python -m benchmarks.surrogate check``;
3. provides **fake estimators** with the real task's parameter names whose
   ``score`` is the surrogate prediction plus a small deterministic per-fold
   noise, so every tool runs through its real search driver in seconds.

In surrogate mode the data are row ids: ``X`` is a column of integers, the
training rows ``0 .. n-1`` and the test rows from :data:`TEST_OFFSET` on. A
fake estimator fitted on a CV training fold remembers which fold it saw (the
noise is a function of configuration and fold); scored on test rows it
returns the noise-free surrogate value, the "true" quality of the
configuration.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .tasks import TASKS, Family, Task, get_task

__all__ = [
    "DATA_DIR",
    "TEST_OFFSET",
    "Surrogate",
    "generate",
    "load_surrogate",
    "make_fake",
    "surrogate_data",
]

DATA_DIR = Path(__file__).resolve().parent / "surrogate_data"
TEST_OFFSET = 1_000_000
#: Per-fold noise of a fake estimator, as a fraction of the median
#: within-configuration standard deviation of the real fold scores.
NOISE_FRACTION = 0.5


# --------------------------------------------------------------------------- generation
def _evaluate(task: Task, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real CV fold scores and fit times of unit-encoded configurations."""
    from sklearn.base import clone
    from sklearn.model_selection import cross_validate

    X_train, _X_test, y_train, _y_test = task.data()
    base = task.make_estimator()
    folds = np.full((len(U), task.cv_folds), np.nan)
    seconds = np.zeros(len(U))
    for i, u in enumerate(U):
        est = clone(base).set_params(**task.unit_to_params(u))
        t0 = time.perf_counter()
        res = cross_validate(est, X_train, y_train, cv=task.cv(), scoring=task.scoring, error_score=np.nan)
        seconds[i] = time.perf_counter() - t0
        folds[i] = res["test_score"]
    return folds, seconds


def _perturb(task: Task, U_best: np.ndarray, n: int, rng: np.random.Generator, sd: float) -> np.ndarray:
    """``n`` Gaussian perturbations (in the unit encoding) of the rows of ``U_best``."""
    picks = U_best[rng.integers(len(U_best), size=n)]
    out = picks + rng.normal(0.0, sd, size=picks.shape)
    if task.is_cash:
        out[:, 0] = picks[:, 0]  # keep the family
    body = out[:, 1:] if task.is_cash else out
    body[:] = np.where(np.isnan(body), np.nan, np.clip(body, 0.0, 1.0))
    return out


def generate(task: Task, n: int, seed: int = 0, local_fraction: float = 0.3, verbose: bool = True) -> Path:
    """Evaluate ``n`` configurations of ``task`` for real and save them.

    Parameters
    ----------
    task : Task
    n : int
        Total number of configurations.
    seed : int, default=0
    local_fraction : float, default=0.3
        Share of the configurations drawn as perturbations (sd 0.1 in the
        unit encoding) of the best 10% found by the prior samples.
    verbose : bool, default=True

    Returns
    -------
    Path
        The ``.npz`` file written (``U``, ``folds``, ``seconds``).
    """
    rng = np.random.default_rng(seed)
    n_local = int(round(local_fraction * n))
    n_prior = n - n_local
    t0 = time.perf_counter()
    U1 = task.sample_unit(n_prior, rng)
    f1, s1 = _evaluate(task, U1)
    if verbose:
        print(f"{task.name}: {n_prior} prior configurations in {time.perf_counter() - t0:.0f}s", flush=True)
    mean1 = np.nan_to_num(f1.mean(axis=1), nan=-np.inf)
    top = U1[np.argsort(-mean1)[: max(1, n_prior // 10)]]
    U2 = _perturb(task, top, n_local, rng, sd=0.1)
    f2, s2 = _evaluate(task, U2)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"{task.name}.npz"
    tmp = DATA_DIR / f"{task.name}.npz.tmp"
    with open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            U=np.vstack([U1, U2]).astype(np.float32),
            folds=np.vstack([f1, f2]).astype(np.float32),
            seconds=np.concatenate([s1, s2]).astype(np.float32),
        )
    os.replace(tmp, path)
    if verbose:
        print(f"{task.name}: {n} configurations in {time.perf_counter() - t0:.0f}s -> {path}", flush=True)
    return path


def surrogate_data(task: Task) -> dict[str, np.ndarray]:
    """The stored real evaluations of ``task`` (``U``, ``folds``, ``seconds``)."""
    path = DATA_DIR / f"{task.name}.npz"
    if not path.exists():
        raise FileNotFoundError(
            f"no surrogate data for {task.name!r} at {path}; run "
            f"`python -m benchmarks.surrogate generate --tasks {task.name}`"
        )
    with np.load(path) as z:
        return {k: z[k].astype(float) for k in z.files}


# --------------------------------------------------------------------------- model
def _features(task: Task, U: np.ndarray) -> np.ndarray:
    """Model features: the unit encoding with inactive columns at -1."""
    F = np.array(U, dtype=float, copy=True)
    return np.where(np.isnan(F), -1.0, F)


def _rounded(u: np.ndarray) -> np.ndarray:
    """``u`` with inactive columns at -1, rounded: the identity of a configuration."""
    return np.round(np.nan_to_num(u, nan=-1.0), 9)


def fold_noise(u: np.ndarray, fold_key: int, sd: float) -> float:
    """Deterministic noise of standard deviation ``sd`` for one (configuration, fold)."""
    seed = zlib.crc32(_rounded(u).tobytes(), fold_key & 0xFFFFFFFF)
    return float(sd * np.random.default_rng(seed).standard_normal())


class Surrogate:
    """A regression model of the mean CV score of a task's configurations.

    Parameters
    ----------
    task : Task

    Attributes
    ----------
    r2_holdout_ : float
        R² on a random 20% of the data left out of a first fit.
    spearman_holdout_ : float
        Spearman correlation on that held-out part.
    noise_sd_ : float
        Per-fold noise standard deviation of the fake estimators.
    """

    def __init__(self, task: Task) -> None:
        from scipy.stats import spearmanr
        from sklearn.ensemble import ExtraTreesRegressor
        from sklearn.metrics import r2_score

        self.task = task
        data = surrogate_data(task)
        ok = np.isfinite(data["folds"]).all(axis=1)
        U, folds = data["U"][ok], data["folds"][ok]
        y = folds.mean(axis=1)
        F = _features(task, U)
        rng = np.random.default_rng(0)
        test = rng.random(len(y)) < 0.2

        def model() -> ExtraTreesRegressor:
            return ExtraTreesRegressor(n_estimators=100, min_samples_leaf=2, n_jobs=1, random_state=0)

        m = model().fit(F[~test], y[~test])
        pred = m.predict(F[test])
        self.r2_holdout_ = float(r2_score(y[test], pred))
        self.spearman_holdout_ = float(spearmanr(y[test], pred).statistic)
        self.model_ = model().fit(F, y)
        self.n_ = len(y)
        self.best_observed_ = float(y.max())
        self.noise_sd_ = float(NOISE_FRACTION * np.median(folds.std(axis=1)))
        self._cache: dict[tuple, float] = {}

    def value(self, u: np.ndarray) -> float:
        """The predicted mean CV score of unit-encoded configuration ``u`` (cached)."""
        key = tuple(_rounded(u).tolist())
        v = self._cache.get(key)
        if v is None:
            v = float(self.model_.predict(_features(self.task, u[None, :]))[0])
            self._cache[key] = v
        return v

    def noise(self, u: np.ndarray, fold_key: int) -> float:
        """Deterministic per-(configuration, fold) noise."""
        return fold_noise(u, fold_key, self.noise_sd_)


_SURROGATES: dict[str, Any] = {}


def load_surrogate(task: Task, kind: str = "model") -> Any:
    """The (cached) surrogate of ``task``: the fitted model, or the grid (``kind="grid"``)."""
    key = f"{task.name}:{kind}"
    if key not in _SURROGATES:
        if kind == "grid":
            from .grid import GridSurrogate

            _SURROGATES[key] = GridSurrogate(task)
        else:
            _SURROGATES[key] = Surrogate(task)
    return _SURROGATES[key]


# --------------------------------------------------------------------------- fake estimators
def _param_class(name: str, params: list[str], base: type, attrs: dict | None = None) -> type:
    """A :class:`~sklearn.base.BaseEstimator` subclass with explicit ``params``.

    scikit-learn reads the parameter names from the signature of
    ``__init__``; the generated ``__init__`` carries a signature with one
    keyword per parameter (default ``None``) and stores them unchanged, as
    ``clone`` requires.
    """

    def __init__(self, **kwargs: Any) -> None:
        for p in params:
            setattr(self, p, kwargs.get(p))

    sig = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    sig += [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, default=None) for p in params]
    __init__.__signature__ = inspect.Signature(sig)  # type: ignore[attr-defined]
    ns = {"__init__": __init__, "__module__": __name__, "__qualname__": name}
    ns.update(attrs or {})
    return type(name, (base,), ns)


class _FakePart(BaseEstimator):
    """A nested fake estimator (pipeline step or CASH family): only holds parameters."""

    _family: str | None = None


class _FakeEstimator(BaseEstimator):
    """Base of the per-task fake estimators; see :func:`make_fake`."""

    _task: Task
    _kind: str = "model"

    def _unit(self) -> np.ndarray:
        task = self._task
        flat = self.get_params(deep=True)
        s = 0
        if task.is_cash:
            fams = task.family_names()
            fam_key = [k for k, v in task.subspaces[0].items() if isinstance(v, Family)][0]
            s = fams.index(type(flat[fam_key])._family)
        return task.params_to_unit(s, flat)

    def fit(self, X: Any, y: Any = None, **fit_params: Any) -> "_FakeEstimator":
        """Remember the fold (from the row ids in ``X``) and look up the surrogate value."""
        ids = np.asarray(X)[:, 0].astype(np.int64)
        self.fold_key_ = zlib.crc32(np.sort(ids).tobytes())
        self.unit_ = self._unit()
        self.value_ = load_surrogate(self._task, self._kind).value(self.unit_)
        return self

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Surrogate value plus fold noise; the noise-free value on test rows."""
        ids = np.asarray(X)[:, 0]
        if ids.min() >= TEST_OFFSET:
            return self.value_
        return self.value_ + load_surrogate(self._task, self._kind).noise(self.unit_, self.fold_key_)

    def predict(self, X: Any) -> np.ndarray:
        """A constant prediction (only so that tools that check for ``predict`` accept it)."""
        return np.zeros(len(X))


_FAKES: dict[tuple[str, str], tuple[BaseEstimator, dict | None]] = {}


def make_fake(task: Task, kind: str = "model") -> tuple[BaseEstimator, dict | None]:
    """A fake estimator for ``task`` and the fake values of its CASH families.

    ``kind`` selects the value function: the fitted model ("model") or the
    grid of :mod:`benchmarks.grid` ("grid").

    Parameter names are those of the real task: ``a__b`` names make ``a`` a
    nested fake part with parameter ``b``, and a :class:`~benchmarks.tasks.Family`
    entry takes a fake part per family.

    Returns
    -------
    estimator : BaseEstimator
        Unfitted; its ``score`` is the surrogate's.
    family_values : dict or None
        ``{family name: fake part}`` to put in the search space (CASH), else None.
    """
    if (task.name, kind) in _FAKES:
        est, fams = _FAKES[task.name, kind]
        from sklearn.base import clone

        return clone(est), fams
    cname = "".join(w.title() for w in task.name.split("_"))
    family_values = None
    top_params: list[str] = []
    defaults: dict[str, Any] = {}
    if task.is_cash:
        family_values = {}
        for sub in task.subspaces:
            fam_key, fam = [(k, v) for k, v in sub.items() if isinstance(v, Family)][0]
            inner = [k.split("__", 1)[1] for k in sub if k.startswith(fam_key + "__")]
            cls = _param_class(f"Fake{fam.name.title()}", inner, _FakePart, {"_family": fam.name})
            family_values[fam.name] = cls()
            if fam_key not in top_params:
                top_params.append(fam_key)
                defaults[fam_key] = cls()
    else:
        nested: dict[str, list[str]] = {}
        for k in task.subspaces[0]:
            if "__" in k:
                a, b = k.split("__", 1)
                nested.setdefault(a, []).append(b)
            else:
                top_params.append(k)
        for a, inner in nested.items():
            top_params.append(a)
            defaults[a] = _param_class(f"Fake{a.title()}", inner, _FakePart)()
    cls = _param_class(f"Fake{cname}", top_params, _FakeEstimator, {"_task": task, "_kind": kind})
    est = cls(**defaults)
    _FAKES[task.name, kind] = (est, family_values)
    from sklearn.base import clone

    return clone(est), family_values


def fake_data(task: Task) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row-id data of the task's sizes: ``(X_train, X_test, y_train, y_test)``."""
    X_train, X_test, _ytr, _yte = task.data()
    n_tr, n_te = len(X_train), len(X_test)
    Xtr = np.arange(n_tr, dtype=float).reshape(-1, 1)
    Xte = (TEST_OFFSET + np.arange(n_te, dtype=float)).reshape(-1, 1)
    return Xtr, Xte, np.zeros(n_tr), np.zeros(n_te)


# --------------------------------------------------------------------------- CLI
DEFAULT_N = {"svc_digits": 800, "xgb_breast_cancer": 800, "lgbm_classif": 500, "hgb_friedman": 500, "cash4": 600, "xgb_diamonds": 500}


def main(argv: list[str] | None = None) -> int:
    """``generate`` the tables or ``check`` the surrogate models."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.surrogate", description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["generate", "check"])
    ap.add_argument("--tasks", nargs="+", default=list(TASKS))
    ap.add_argument("--n", type=int, default=None, help="configurations per task (default: per-task sizes)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.action == "generate":
        for name in args.tasks:
            generate(get_task(name), args.n or DEFAULT_N[name], seed=args.seed)
        return 0
    print("| task | n | R² held out | Spearman held out | best observed | per-fold noise sd | CPU s per config |")
    print("|---|---|---|---|---|---|---|")
    for name in args.tasks:
        task = get_task(name)
        s = Surrogate(task)
        sec = surrogate_data(task)["seconds"].mean()
        print(
            f"| {name} | {s.n_} | {s.r2_holdout_:.3f} | {s.spearman_holdout_:.3f} | "
            f"{s.best_observed_:.4f} | {s.noise_sd_:.4f} | {sec:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
