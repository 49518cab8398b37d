"""Turn benchmark CSVs into markdown tables.

Example::

    python -m benchmarks.report benchmarks/results/real.csv --out /tmp/real.md

For each mode found in the CSVs:

* a table per task: mean ± std over seeds of the best CV score and of the
  held-out test score at each budget, wall time and the tool's own seconds
  per suggestion (on the budget that was actually run, usually the largest);
* mean ranks by best CV score (and by test score) per budget, within each
  comparison group, with the standard deviation of the ranks over the
  (task, seed) cells and the mean rank on each task;
* wins / ties / losses of each skhpo searcher against each peer.

Ranks are computed within one (task, seed, budget) cell among the tools of
the group that ran on that task (rank 1 is best; ties share the mean rank).
The overall mean rank uses only the cells in which every tool of the group
ran; a task where a tool is "n/a" is ranked among the others in the per-task
columns (marked ``*``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

#: comparison groups: name -> tools, the skhpo tool first
GROUPS = {
    "GP Bayesian optimization vs baselines": ["skhpo_bayes", "skopt", "random"],
    "TPE implementations": ["skhpo_tpe", "optuna_tpe", "optuna_tpe_uni", "hyperopt"],
}
PAIRS = [
    ("skhpo_bayes", "skopt"),
    ("skhpo_bayes", "random"),
    ("skhpo_tpe", "optuna_tpe"),
    ("skhpo_tpe", "optuna_tpe_uni"),
    ("skhpo_tpe", "hyperopt"),
    ("skhpo_tpe", "random"),
]
TOOL_ORDER = ["random", "skopt", "skhpo_bayes", "skhpo_tpe", "optuna_tpe", "optuna_tpe_uni", "hyperopt"]


def _pm(values: pd.Series, digits: int = 4) -> str:
    v = values.dropna().astype(float)
    if v.empty:
        return ""
    if len(v) == 1:
        return f"{v.mean():.{digits}f}"
    return f"{v.mean():.{digits}f} ± {v.std(ddof=1):.{digits}f}"


def _sig(x: float) -> str:
    if not np.isfinite(x):
        return ""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.1f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x:.2g}"


def load(paths: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """Concatenate CSVs and read their ``.meta.json`` files.

    A path may end in ``:tool1,tool2`` to take only those tools' rows from
    that file (e.g. to combine the peers of one run with skhpo rows re-run at
    a newer revision).
    """
    frames, metas = [], []
    for spec in paths:
        spec = str(spec)
        path, _, only = spec.partition(":")
        df = pd.read_csv(path)
        if only:
            df = df[df["tool"].isin(only.split(","))]
        frames.append(df)
        m = Path(path).with_suffix(".meta.json")
        if m.exists():
            meta = json.loads(m.read_text())
            if only:
                meta["only"] = only
            metas.append(meta)
    df = pd.concat(frames, ignore_index=True)
    df["ok"] = df["status"].astype(str).str.startswith("ok")
    return df, metas


def task_tables(df: pd.DataFrame) -> list[str]:
    """One markdown table per task."""
    out = []
    budgets = sorted(df["budget"].unique())
    for task in df["task"].unique():
        d = df[df["task"] == task]
        out.append(f"#### {task}\n")
        head = ["tool", "seeds"]
        for b in budgets:
            head += [f"best CV @{b}", f"test @{b}"]
        head += ["wall s (run)", "own s / suggestion (run)"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        tools = [t for t in TOOL_ORDER if t in set(d["tool"])] + sorted(set(d["tool"]) - set(TOOL_ORDER))
        for tool in tools:
            dt = d[d["tool"] == tool]
            ok = dt[dt["ok"]]
            if ok.empty:
                status = dt["status"].iloc[0]
                out.append(f"| {tool} | 0 | " + " | ".join([status] + [""] * (len(head) - 3)) + " |")
                continue
            cells = [tool, str(ok["seed"].nunique())]
            for b in budgets:
                ob = ok[ok["budget"] == b]
                cells += [_pm(ob["best_cv"]), _pm(ob["test_score"])]
            run = ok.dropna(subset=["wall_time"])
            walls = "; ".join(
                f"{_sig(g['wall_time'].mean())} @{int(rb)}" for rb, g in run.groupby("run_budget")
            )
            own = "; ".join(
                f"{_sig(g['overhead_per_suggestion'].mean())} @{int(rb)}" for rb, g in run.groupby("run_budget")
            )
            cells += [walls, own]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return out


def _cell_ranks(df: pd.DataFrame, tools: list[str], column: str) -> pd.DataFrame:
    """Rank of each tool in every (task, seed, budget) cell, among the tools that ran."""
    d = df[df["ok"] & df["tool"].isin(tools)].copy()
    d["_score"] = d[column].astype(float).fillna(-np.inf)
    d["rank"] = d.groupby(["task", "seed", "budget"])["_score"].rank(ascending=False, method="average")
    d["n_in_cell"] = d.groupby(["task", "seed", "budget"])["tool"].transform("count")
    return d


def rank_tables(df: pd.DataFrame) -> list[str]:
    """Mean ranks per comparison group and budget.

    At each budget the group is the tools that have results at that budget.
    The overall mean rank uses only *complete* cells, the (task, seed)
    cells where every one of them ran; on a task where some tool never runs
    ("n/a"), the per-task column ranks the tools that did (marked ``*``).
    """
    out = []
    budgets = sorted(df["budget"].unique())
    tasks = list(df["task"].unique())
    for gname, tools in GROUPS.items():
        if len([t for t in tools if t in set(df["tool"])]) < 2:
            continue
        out.append(f"#### {gname}\n")
        out.append(
            "Overall mean rank by best CV (and by test score) over the complete (task, seed) cells, "
            "those where every tool listed at that budget ran; ± is the standard deviation of the "
            "ranks over those cells. Per-task columns: mean rank by best CV on that task "
            "(`*`: some tool cannot run on that task and the others are ranked among themselves)."
        )
        out.append("")
        head = ["budget", "tool", "mean rank best CV", "mean rank test", "cells"] + tasks
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for b in budgets:
            db = df[df["budget"] == b]
            present = [t for t in tools if db[(db["tool"] == t) & db["ok"]].shape[0] > 0]
            if len(present) < 2:
                continue
            r_cv = _cell_ranks(db, present, "best_cv")
            r_te = _cell_ranks(db, present, "test_score")
            k = len(present)
            for tool in present:
                mine = r_cv[r_cv["tool"] == tool]
                mine_te = r_te[r_te["tool"] == tool]
                fcv = mine[mine["n_in_cell"] == k]["rank"]
                fte = mine_te[mine_te["n_in_cell"] == k]["rank"]
                per_task = []
                for t in tasks:
                    rt = mine[mine["task"] == t]
                    if rt.empty:
                        per_task.append("n/a")
                        continue
                    full = rt[rt["n_in_cell"] == k]["rank"]
                    if len(full):
                        per_task.append(f"{full.mean():.2f}")
                    else:
                        m = rt["n_in_cell"].max()
                        per_task.append(f"{rt[rt['n_in_cell'] == m]['rank'].mean():.2f}* (of {m})")
                out.append(
                    "| " + " | ".join([str(b), tool, _pm(fcv, 2), _pm(fte, 2), str(len(fcv))] + per_task) + " |"
                )
        out.append("")
    return out


def pair_tables(df: pd.DataFrame) -> list[str]:
    """Wins / ties / losses of skhpo against each peer, by best CV and by test score."""
    from scipy.stats import binomtest

    out = [
        "Sign-test p: two-sided binomial test of wins against losses by best CV (ties dropped).\n",
        "| skhpo | peer | budget | W/T/L best CV | sign-test p | W/T/L test | cells |",
        "|---|---|---|---|---|---|---|",
    ]
    budgets = sorted(df["budget"].unique())
    ok = df[df["ok"]]
    for a, b in PAIRS:
        if a not in set(ok["tool"]) or b not in set(ok["tool"]):
            continue
        for bud in budgets:
            da = ok[(ok["tool"] == a) & (ok["budget"] == bud)].set_index(["task", "seed"])
            db = ok[(ok["tool"] == b) & (ok["budget"] == bud)].set_index(["task", "seed"])
            common = da.index.intersection(db.index)
            if len(common) == 0:
                continue
            res, pval = [], ""
            for col in ("best_cv", "test_score"):
                x = da.loc[common, col].astype(float).values
                y = db.loc[common, col].astype(float).values
                tol = 1e-12
                w, l = int(np.sum(x > y + tol)), int(np.sum(x < y - tol))
                res.append(f"{w}/{len(x) - w - l}/{l}")
                if col == "best_cv" and w + l > 0:
                    pval = f"{binomtest(w, w + l).pvalue:.2g}"
            out.append(f"| {a} | {b} | {bud} | {res[0]} | {pval} | {res[1]} | {len(common)} |")
    out.append("")
    return out


def render(df: pd.DataFrame, metas: list[dict]) -> str:
    """The whole markdown report."""
    lines = []
    for m in metas:
        taken = f"; rows of {m['only']} only" if m.get("only") else ""
        lines.append(
            f"Command: `{m.get('command', '?')}` (started {m.get('started', '?')}, "
            f"finished {m.get('finished', 'not yet')}{taken})"
        )
        for h in m.get("history", []):
            lines.append(f"  earlier part: `{h.get('command')}` (started {h.get('started')})")
        if m.get("skhpo_revision"):
            lines.append(f"skhpo revision: {m['skhpo_revision']}")
        mach = m.get("machine", {})
        lines.append(
            f"Machine: {mach.get('cpu', '?')}, {mach.get('cores', '?')} cores, OMP_NUM_THREADS={mach.get('OMP_NUM_THREADS', '?')}; "
            + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
        )
        lines.append("")
    for mode in df["mode"].unique():
        d = df[df["mode"] == mode]
        lines.append(f"### Mode: {mode} ({d['seed'].nunique()} seeds, budgets {', '.join(map(str, sorted(d['budget'].unique())))})\n")
        lines.append("Mean ± std over seeds. Best CV = the search's `best_score_`; test = its refitted best "
                     "estimator on the held-out split" + (" (surrogate and grid modes: the noise-free surrogate value of the chosen configuration)" if mode in ("surrogate", "grid") else "") + ".\n")
        lines += task_tables(d)
        lines.append("#### Ranks\n")
        lines += rank_tables(d)
        lines.append("#### skhpo against each peer (wins / ties / losses over (task, seed) cells)\n")
        lines += pair_tables(d)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Read CSVs, print (or write) the markdown report."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="+", help="CSV files, each optionally suffixed :tool1,tool2")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--tools", nargs="+", default=None, help="only these tools")
    ap.add_argument("--tasks", nargs="+", default=None, help="only these tasks")
    ap.add_argument("--budgets", nargs="+", type=int, default=None, help="only these budgets")
    args = ap.parse_args(argv)
    df, metas = load(args.csv)
    if args.tools:
        df = df[df["tool"].isin(args.tools)]
    if args.tasks:
        df = df[df["task"].isin(args.tasks)]
    if args.budgets:
        df = df[df["budget"].isin(args.budgets)]
    text = render(df, metas)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
