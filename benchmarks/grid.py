"""Grid surrogates: a task's real CV scores on a full grid, interpolated.

The model surrogate of :mod:`benchmarks.surrogate` is fitted to a few hundred
random configurations; on a space with a narrow optimum (the SVC of
``cash4``, whose best 1.4% of the ``(C, gamma)`` plane is a ridge a few
tenths of a decade wide) it smooths the optimum away: on cash4's model
surrogate no SVC beats the best random forest, on the real task the best
SVCs do, and that decides how much a trailing CASH family's few trials are
worth. A grid surrogate tabulates the real
CV score of every point of a regular grid of each sub-space (every
choice of a categorical parameter and every value of an integer one with at
most 60 values; ``n_real`` evenly spaced points of a continuous parameter
and ``n_int`` of a wider integer one, in the unit encoding, so log-spaced
for log priors) and interpolates linearly between grid points. It costs one
real evaluation per grid point, so it suits small sub-spaces. A random
forest's ``n_estimators`` is tabulated at every value, from one fit at the
largest (:func:`_forest_column`), so a forest sub-space is exact: no
interpolation, and no added noise.

Usage::

    python -m benchmarks.grid generate --tasks cash4 [--subspaces 2]
    python -m benchmarks.grid check --tasks cash4
    python -m benchmarks.run --mode grid --tasks cash4 ...

The fake estimators are those of surrogate mode; the value function and the
noise (the size of the interpolation error measured on random off-grid
configurations, see :class:`GridSurrogate`) differ.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from .surrogate import DATA_DIR, _evaluate, _rounded, fold_noise
from .tasks import Param, Task, get_task

__all__ = ["GridSurrogate", "generate_grid", "grid_axes"]

#: Integer parameters with at most this many values are tabulated at every value.
_ALL_INTEGERS = 60


def _axis(p: Param, n_real: int, n_int: int, every: bool = False) -> np.ndarray:
    """Unit coordinates of the grid points of one parameter (sorted, distinct).

    ``every`` tabulates every value of an integer parameter, however many.
    """
    if p.kind == "cat":
        k = len(p.choices)
        return (np.arange(k) + 0.5) / k
    if p.kind == "int":
        n_values = int(p.high) - int(p.low) + 1
        if n_values <= _ALL_INTEGERS or every:
            values = np.arange(int(p.low), int(p.high) + 1)
        else:
            values = np.unique([p.from_unit(u) for u in np.linspace(0.0, 1.0, n_int)])
        return np.unique([p.to_unit(int(v)) for v in values])
    return np.linspace(0.0, 1.0, n_real)


def grid_axes(task: Task, subspace: int, n_real: int = 31, n_int: int = 9) -> list[tuple[int, Param, np.ndarray]]:
    """``(column, param, unit axis)`` of every parameter of one sub-space.

    ``column`` is the parameter's index in the task's unit encoding. The
    ``n_estimators`` of a random forest (see :func:`_forest_column`) is
    tabulated at every value: one fit at the largest value gives them all.
    """
    off = 1 if task.is_cash else 0
    forest = _forest_column(task, subspace)
    out = []
    for j, (s, _name, p) in enumerate(task.columns()):
        if s == subspace:
            out.append((off + j, p, _axis(p, n_real, n_int, every=off + j == forest)))
    return out


def _forest_column(task: Task, subspace: int) -> int | None:
    """Unit column of the ``n_estimators`` of a seeded forest in ``subspace``, if any.

    A scikit-learn forest with a fixed ``random_state`` draws one seed per
    tree in order, so the forest of ``k`` trees is the first ``k`` trees of
    the forest of ``k + 1``: the CV scores of every ``n_estimators`` come
    from one fit at the largest (see :func:`_evaluate_forest`). Only forests
    that average class probabilities qualify (``RandomForestClassifier``,
    ``ExtraTreesClassifier``), with an integer ``random_state``, as the
    estimator itself or the last step of a pipeline.
    """
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

    off = 1 if task.is_cash else 0
    est = task.make_estimator()
    for j, (s, name, p) in enumerate(task.columns()):
        if s != subspace or p.kind != "int" or not name.endswith("n_estimators"):
            continue
        owner = name.rsplit("__", 1)[0] if "__" in name else None
        if owner is not None and not (hasattr(est, "steps") and owner == est.steps[-1][0]):
            continue
        est.set_params(**task.unit_to_params(_check_points(task, subspace, 1)[0]))
        step = est[-1] if owner else est
        if type(step) in (RandomForestClassifier, ExtraTreesClassifier) and isinstance(step.random_state, int):
            return off + j
    return None


class _PrefixForest:
    """Stands in for a fitted forest restricted to its first ``k`` trees.

    Holds the averaged class probabilities of those trees on one validation
    fold; a scorer called on it sees ``predict_proba``/``predict`` as the
    ``k``-tree forest would give them.
    """

    def __init__(self, classes: np.ndarray, proba: np.ndarray) -> None:
        self.classes_ = classes
        self._proba = proba

    def __sklearn_tags__(self):  # noqa: D105 - the scorer asks whether this is a classifier
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags())

    def predict_proba(self, X: Any) -> np.ndarray:
        return self._proba

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self._proba, axis=1)]


def _evaluate_forest(task: Task, U: np.ndarray, col: int) -> tuple[np.ndarray, np.ndarray]:
    """Real CV fold scores of forest configurations ``U`` differing in ``n_estimators`` (column ``col``).

    Groups the rows by their other coordinates, fits one forest per group and
    fold at the group's largest ``n_estimators``, and scores every smaller
    forest as the running mean of its first trees' class probabilities,
    exactly as scikit-learn averages them. ``seconds`` is the group's fit
    time shared out over its rows.
    """
    from sklearn.base import clone
    from sklearn.metrics import get_scorer

    X_train, _X_test, y_train, _y_test = task.data()
    base = task.make_estimator()
    scorer = get_scorer(task.scoring)
    splits = list(task.cv().split(X_train, y_train))
    folds = np.full((len(U), len(splits)), np.nan)
    seconds = np.zeros(len(U))
    others = np.delete(np.nan_to_num(U, nan=-1.0), col, axis=1)
    _, group = np.unique(others.round(9), axis=0, return_inverse=True)
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        params = [task.unit_to_params(U[i]) for i in rows]
        key = [k for k in params[0] if k.endswith("n_estimators")][0]
        sizes = np.array([int(p[key]) for p in params])
        t0 = time.perf_counter()
        for f, (tr, va) in enumerate(splits):
            est = clone(base).set_params(**params[int(np.argmax(sizes))])
            est.fit(X_train[tr], y_train[tr])
            Xv = X_train[va]
            forest = est
            if hasattr(est, "steps"):
                Xv = est[:-1].transform(Xv)
                forest = est[-1]
            cum = np.cumsum([t.predict_proba(Xv) for t in forest.estimators_], axis=0)
            for i, k in zip(rows, sizes):
                folds[i, f] = scorer(_PrefixForest(forest.classes_, cum[k - 1] / k), Xv, y_train[va])
        seconds[rows] = (time.perf_counter() - t0) / len(rows)
    return folds, seconds


def _path(task: Task, subspace: int) -> Path:
    return DATA_DIR / f"{task.name}_grid_{subspace}.npz"


def _check_points(task: Task, subspace: int, n: int) -> np.ndarray:
    """``n`` random configurations of one sub-space (prior draws, seed 0)."""
    U = task.sample_unit(n * len(task.subspaces) * 4, np.random.default_rng(0))
    if task.is_cash:
        U = U[U[:, 0] == subspace]
    return U[:n]


def generate_grid(
    task: Task, subspace: int, n_real: int = 31, n_int: int = 9, n_check: int = 40, verbose: bool = True
) -> Path:
    """Evaluate every grid point of one sub-space for real and save them.

    Also evaluates ``n_check`` random configurations of the sub-space (drawn
    from the prior with seed 0), off the grid, to measure the interpolation
    error (see :class:`GridSurrogate`).

    Returns
    -------
    Path
        The ``.npz`` written: ``U`` (unit-encoded grid points, in C order of
        the axes), ``folds`` and ``seconds``, and ``U_check``,
        ``folds_check`` for the random configurations.
    """
    axes = grid_axes(task, subspace, n_real, n_int)
    points = list(itertools.product(*[a for _c, _p, a in axes]))
    U = np.full((len(points), task.n_dims()), np.nan)
    if task.is_cash:
        U[:, 0] = subspace
    for k, (col, _p, _a) in enumerate(axes):
        U[:, col] = [pt[k] for pt in points]
    t0 = time.perf_counter()
    forest = _forest_column(task, subspace)
    folds, seconds = _evaluate_forest(task, U, forest) if forest is not None else _evaluate(task, U)
    U_check = _check_points(task, subspace, n_check)
    folds_check, _ = _evaluate(task, U_check)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = _path(task, subspace)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, U=U, folds=folds, seconds=seconds, U_check=U_check, folds_check=folds_check)
    os.replace(tmp, path)
    if verbose:
        print(f"{task.name} sub-space {subspace}: {len(U)} grid points in {time.perf_counter() - t0:.0f}s -> {path}", flush=True)
    return path


class GridSurrogate:
    """Linear interpolation of the tabulated mean CV score of a task.

    Same interface as :class:`benchmarks.surrogate.Surrogate` (``value``,
    ``noise``). A query is first snapped to the parameter values it encodes
    (an integer or a choice), then interpolated linearly between the grid
    points of each continuous or wide-integer axis.

    Parameters
    ----------
    task : Task

    Attributes
    ----------
    n_ : int
        Number of grid points.
    best_observed_ : float
        Largest tabulated mean CV score.
    check_sd_, check_max_ : list of float
        Per sub-space, the robust standard deviation (1.4826 times the median
        absolute value) and the largest absolute value of ``real -
        interpolated`` mean CV score over the random off-grid configurations
        evaluated with the grid. The robust measure ignores the few
        configurations next to a cliff (an SVC's jump from the constant
        classifier's 0.51 to 0.8), where linear interpolation is far off.
    noise_sd_ : list of float
        Per-fold noise standard deviation of the fake estimators, per
        sub-space: ``check_sd_ * sqrt(k)`` for ``k`` folds, so that the
        mean CV score of a configuration is off its interpolated value by
        about as much as a real one is. A real CV score is a deterministic
        but rough function of the configuration (a random forest's score
        moves by a few thousandths from one ``n_estimators`` to the next);
        where every value of a parameter is tabulated the grid keeps that
        roughness, and between grid points the noise puts back as much as
        interpolation removes.

    Notes
    -----
    The noise is independent across configurations, which is rougher than
    the real function between nearby ones; it only matters where a search
    evaluates many configurations of one sub-space and keeps their maximum.
    """

    def __init__(self, task: Task) -> None:
        from scipy.interpolate import RegularGridInterpolator

        self.task = task
        n_sub = len(task.subspaces)
        self._interp: list = []
        self._axes: list = []
        self.noise_sd_: list[float] = []
        self.check_sd_: list[float] = []
        self.check_max_: list[float] = []
        best, n = -np.inf, 0
        for s in range(n_sub):
            path = _path(task, s)
            if not path.exists():
                raise FileNotFoundError(f"no grid data at {path}; run `python -m benchmarks.grid generate --tasks {task.name}`")
            with np.load(path) as z:
                U, folds = z["U"], z["folds"]
                U_check, folds_check = z["U_check"], z["folds_check"]
            axes = []
            for col, p, _a in grid_axes(task, s):
                axes.append((col, p, np.unique(U[:, col])))
            shape = tuple(len(a) for _c, _p, a in axes)
            y = np.nan_to_num(folds.mean(axis=1), nan=np.nanmin(folds))
            table = y.reshape(shape)
            self._interp.append(RegularGridInterpolator(tuple(a for _c, _p, a in axes), table))
            self._axes.append(axes)
            interp = self._interp[-1]
            pred = np.array([float(interp(np.array([self._query(axes, u)]))[0]) for u in U_check])
            resid = np.nan_to_num(folds_check.mean(axis=1), nan=np.nanmin(folds)) - pred
            # Robust: the few checks next to a cliff (an SVC's jump from the
            # constant classifier's 0.51 to 0.8) say nothing of the rest.
            self.check_sd_.append(float(1.4826 * np.median(np.abs(resid))) if len(resid) else 0.0)
            self.check_max_.append(float(np.max(np.abs(resid))) if len(resid) else 0.0)
            self.noise_sd_.append(self.check_sd_[-1] * math.sqrt(folds.shape[1]))
            best = max(best, float(y.max()))
            n += len(U)
        self.n_ = n
        self.best_observed_ = best
        self._cache: dict[tuple, float] = {}

    def value(self, u: np.ndarray) -> float:
        """The interpolated mean CV score of unit-encoded configuration ``u``."""
        key = tuple(_rounded(u).tolist())
        v = self._cache.get(key)
        if v is None:
            s = int(u[0]) if self.task.is_cash else 0
            v = float(self._interp[s](np.array([self._query(self._axes[s], u)]))[0])
            self._cache[key] = v
        return v

    @staticmethod
    def _query(axes: list, u: np.ndarray) -> list[float]:
        """Grid coordinates of ``u``: each value snapped to what it encodes, clipped to the axis."""
        q = []
        for col, p, axis in axes:
            x = p.to_unit(p.from_unit(float(u[col])))
            q.append(min(max(x, axis[0]), axis[-1]))
        return q

    def noise(self, u: np.ndarray, fold_key: int) -> float:
        """Deterministic per-(configuration, fold) noise, the size of the interpolation error."""
        sd = self.noise_sd_[int(u[0]) if self.task.is_cash else 0]
        return fold_noise(u, fold_key, sd) if sd else 0.0


def main(argv: list[str] | None = None) -> int:
    """``generate`` the grids or ``check`` (summarise) them."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.grid", description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["generate", "check"])
    ap.add_argument("--tasks", nargs="+", default=["cash4"])
    ap.add_argument("--subspaces", nargs="+", type=int, default=None, help="sub-space indices (default: all)")
    ap.add_argument("--n-real", type=int, default=31, help="grid points per continuous parameter (generate)")
    args = ap.parse_args(argv)
    for name in args.tasks:
        task = get_task(name)
        subs = args.subspaces if args.subspaces is not None else range(len(task.subspaces))
        if args.action == "generate":
            for s in subs:
                generate_grid(task, s, n_real=args.n_real)
            continue
        print(
            "| task | sub-space | grid points | best mean CV | share of points within 0.003 of the task's best "
            "| off-grid checks | interpolation error: robust sd | largest | CPU s |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        gs = GridSurrogate(task)
        for s in subs:
            with np.load(_path(task, s)) as z:
                y = z["folds"].mean(axis=1)
                print(
                    f"| {name} | {s} | {len(y)} | {np.nanmax(y):.4f} | "
                    f"{np.mean(y >= gs.best_observed_ - 0.003):.3f} | {len(z['U_check'])} | "
                    f"{gs.check_sd_[s]:.4f} | {gs.check_max_[s]:.4f} | {z['seconds'].sum():.0f} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
