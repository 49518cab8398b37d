"""Draw the figures of ``docs/benchmarks.md`` from stored result files.

Example::

    python -m benchmarks.plots                     # every figure, into docs/img/
    python -m benchmarks.plots --figures trials    # one of them

Nothing is run: the figures are drawn from the CSVs in ``benchmarks/results/``
named in :data:`TRIAL_SOURCES`, :data:`OVERHEAD_SOURCES` and
:data:`FIDELITY_SOURCES` (missing files are skipped with a message).

* ``trials`` (``docs/img/score_vs_trials.png``): median over seeds of the best
  CV score found after each trial, one panel per surrogate task, one line per
  tool (its seed count in the legend).
* ``wall_time`` (``docs/img/bohb_wall_time.png``): best full-budget CV against
  wall time, both relative to ``HalvingRandomSearchCV`` on the same seed
  (drawn by :func:`benchmarks.fidelity.plot`).
* ``overhead`` (``docs/img/overhead.png``): optimizer-only seconds per
  ask + tell against the number of observations, log-log; the median of the
  runs listed, with their lowest and highest median as the error bar.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
IMG = ROOT.parent / "docs" / "img"
DPI = 100

#: (tool as labelled, files holding its runs, tool name in the files).
TRIAL_SOURCES: list[tuple[str, list[str], str]] = [
    ("RandomizedSearchCV", ["tpe_surrogate.csv", "tpe_surrogate_b.csv"], "random"),
    ("skhpo TPESearchCV", ["tpe_surrogate.csv", "tpe_surrogate_b.csv"], "skhpo_tpe"),
    ("Optuna TPE", ["tpe_surrogate.csv", "tpe_surrogate_b.csv"], "optuna_tpe"),
    ("hyperopt TPE", ["tpe_surrogate.csv", "tpe_surrogate_b.csv"], "hyperopt"),
    ("skhpo BayesSearchCV", ["bounds_now_runs.csv"], "skhpo_bayes"),
    ("scikit-optimize", ["bounds_skopt_runs.csv", "bounds_skopt_b_runs.csv", "bounds_skopt_c_runs.csv",
                         "surrogate_skopt_cash4.csv"], "skopt"),
    ("skhpo EvolutionSearchCV", ["evo_main.csv"], "skhpo_evo"),
    ("sklearn-genetic-opt", ["evo_main.csv"], "ga"),
]
TRIAL_TASKS = ["svc_digits", "xgb_breast_cancer", "lgbm_classif", "hgb_friedman", "cash4"]

#: (label, files: one median per file and observation count, optimizer name in the files).
OVERHEAD_SOURCES: list[tuple[str, list[str], str]] = [
    ("skhpo GPOptimizer", [f"overhead_gp_after_{i}.csv" for i in range(1, 6)], "skhpo GPOptimizer"),
    ("skhpo GPOptimizer before the bound fix",
     [f"overhead_gp_base_{i}.csv" for i in range(1, 6)], "skhpo GPOptimizer"),
    ("scikit-optimize Optimizer (GP)",
     [f"overhead_{k}_{i}.csv" for k in ("after", "base") for i in (6, 7, 8)], "skopt Optimizer (GP)"),
    ("skhpo TPEOptimizer", [f"overhead_tpe_{i}.csv" for i in (1, 2, 3)], "skhpo TPEOptimizer"),
    ("Optuna TPESampler (multivariate)", [f"overhead_tpe_{i}.csv" for i in (1, 2, 3)],
     "optuna TPESampler (default: multivariate)"),
    ("Optuna TPESampler (univariate)", [f"overhead_tpe_{i}.csv" for i in (1, 2, 3)],
     "optuna TPESampler(multivariate=False)"),
]

FIDELITY_SOURCES = [
    "fidnow_lgbm_diamonds_trees.csv",
    "fidnow_lgbm_diamonds_rows.csv",
    "fidnow9_lgbm_diamonds_trees.csv",
    "fidnow9_lgbm_diamonds_rows.csv",
]


def _existing(names: list[str], results: Path) -> list[Path]:
    paths = []
    for name in names:
        p = results / name
        if p.exists():
            paths.append(p)
        else:
            print(f"skipped (not found): {p}", file=sys.stderr)
    return paths


def _shrink(png: Path) -> None:
    """Re-save a PNG with a 64-colour palette (line plots lose nothing visible; ~3x smaller)."""
    from PIL import Image  # a matplotlib dependency

    with Image.open(png) as im:
        small = im.convert("RGB").quantize(colors=64)
    small.save(png, optimize=True)


def load_traces(paths: list[Path], tool: str) -> dict[str, np.ndarray]:
    """Best-so-far traces of ``tool``: task -> array (n_seeds, n_trials).

    Of the rows of one (task, seed), the one of the longest run is kept (the
    rows of smaller budgets repeat a prefix of its trace). A run with fewer
    evaluations than the task's longest (sklearn-genetic-opt counts only
    new individuals) is NaN past its end, and a curve is drawn only as far
    as every seed's run goes.
    """
    import pandas as pd

    frames = [pd.read_csv(p) for p in paths]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if df.empty:
        return {}
    df = df[(df.tool == tool) & (df.status == "ok") & df.trace.notna()]
    out: dict[str, np.ndarray] = {}
    for task, d in df.groupby("task"):
        per_seed: dict[int, list[float]] = {}
        for _, r in d.iterrows():
            tr = json.loads(r.trace)
            if len(tr) > len(per_seed.get(int(r.seed), [])):
                per_seed[int(r.seed)] = tr
        n = max(len(t) for t in per_seed.values())
        arr = np.full((len(per_seed), n), np.nan)  # a shorter run stops early: NaN after its end
        for i, t in enumerate(per_seed.values()):
            arr[i, : len(t)] = np.maximum.accumulate(np.asarray(t, dtype=float))
        out[str(task)] = arr
    return out


def plot_trials(results: Path, png: Path) -> None:
    """Median best CV against trials, one panel per task."""
    import matplotlib.pyplot as plt

    curves = {label: load_traces(_existing(files, results), tool) for label, files, tool in TRIAL_SOURCES}
    fig, axes = plt.subplots(2, 3, figsize=(9.6, 5.6), dpi=DPI)
    axes = axes.ravel()
    styles = {label: (f"C{i}", "-" if "skhpo" in label else "--") for i, (label, _, _) in enumerate(TRIAL_SOURCES)}
    for ax, task in zip(axes, TRIAL_TASKS):
        lows, tops = [], []
        for label, by_task in curves.items():
            if task not in by_task:
                continue
            traces = by_task[task]
            # drawn while every seed's run is still going (a median over a
            # changing set of seeds is not a best-so-far curve)
            enough = ~np.isnan(traces).any(axis=0)
            med = np.nanmedian(traces[:, enough], axis=0)
            x = np.arange(1, len(med) + 1)
            color, ls = styles[label]
            ax.plot(x, med, color=color, ls=ls, lw=1.3, label=f"{label} ({len(traces)} seeds)")
            lows.append(med[min(9, len(med) - 1)])
            tops.append(med.max())
        low, top = min(lows), max(tops)
        ax.set_ylim(low - 0.05 * (top - low), top + 0.1 * (top - low))
        ax.set_title(task, fontsize=10)
        ax.set_xlabel("trials", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[[0, 3]]:
        ax.set_ylabel("best CV so far\n(median over seeds)", fontsize=9)
    handles, labels = [], []
    for ax in axes[: len(TRIAL_TASKS)]:  # one legend entry per tool
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab.rsplit(" (", 1)[0] not in [x.rsplit(" (", 1)[0] for x in labels]:
                handles.append(h)
                labels.append(lab)
    legend_ax = axes[len(TRIAL_TASKS)]
    legend_ax.axis("off")
    legend_ax.legend(handles, labels, loc="center", fontsize=8, frameon=False,
                     title="surrogate mode; y axis from the\n10th trial's medians up", title_fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=DPI)
    plt.close(fig)


def load_overhead(paths: list[Path], optimizer: str) -> dict[int, list[float]]:
    """Observations -> the median seconds of each run (file) for ``optimizer``."""
    import pandas as pd

    out: dict[int, list[float]] = {}
    for p in paths:
        d = pd.read_csv(p)
        d = d[(d.optimizer == optimizer) & (d.status == "ok")]
        for _, r in d.iterrows():
            out.setdefault(int(r.n), []).append(float(r["median"]))
    return out


def plot_overhead(results: Path, png: Path) -> None:
    """Seconds per ask + tell against observations, log-log."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=DPI)
    for i, (label, files, name) in enumerate(OVERHEAD_SOURCES):
        data = load_overhead(_existing(files, results), name)
        if not data:
            continue
        n = np.array(sorted(data))
        med = np.array([np.median(data[k]) for k in n])
        lo = med - np.array([min(data[k]) for k in n])
        hi = np.array([max(data[k]) for k in n]) - med
        ls = ":" if "before" in label else ("-" if "skhpo" in label else "--")
        marker = "o" if "GP" in label else "s"
        ax.errorbar(n, med, yerr=[lo, hi], color=f"C{i}", ls=ls, marker=marker, ms=4, capsize=3,
                    label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("observations")
    ax.set_ylabel("seconds per ask + tell (median)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(png, dpi=DPI)
    plt.close(fig)


def plot_wall_time(results: Path, png: Path) -> None:
    """Best full-budget CV against relative wall time (issue 15 runs)."""
    from . import fidelity

    paths = _existing(FIDELITY_SOURCES, results)
    if not paths:
        return
    fidelity.plot(fidelity._load([str(p) for p in paths]), str(png))


FIGURES: dict[str, tuple[Any, str]] = {
    "trials": (plot_trials, "score_vs_trials.png"),
    "wall_time": (plot_wall_time, "bohb_wall_time.png"),
    "overhead": (plot_overhead, "overhead.png"),
}


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.plots [--figures ...] [--results DIR] [--out DIR]``."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.plots", description=__doc__.splitlines()[0])
    ap.add_argument("--figures", nargs="+", choices=list(FIGURES), default=list(FIGURES))
    ap.add_argument("--results", type=Path, default=RESULTS, help="directory of the result CSVs")
    ap.add_argument("--out", type=Path, default=IMG, help="directory of the PNGs")
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.figures:
        func, filename = FIGURES[name]
        png = args.out / filename
        func(args.results, png)
        if png.exists():
            _shrink(png)
            print(f"{name}: {png} ({png.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
