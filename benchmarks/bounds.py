"""How often do searches propose a parameter on a bound of its range?

Example::

    nice -n 10 python -m benchmarks.bounds --mode surrogate --seeds 10 --budget 40 \\
        --tools random skhpo_bayes --out benchmarks/results/bounds.csv

A proposal is *on a bound* when one of its parameters equals the low or the
high end of its range: a real value whose unit coordinate is within ``1e-9``
of 0 or 1, or an integer equal to its lowest or highest value (its
outermost cell). Categorical parameters never count. In a CASH task only
the parameters of the proposal's own sub-space count.

Only proposals after the GP's initial design are counted (the first
``n0`` evaluations are skipped, ``n0`` = ``GPOptimizer(space).n_initial_points_``
of the task's space), for every tool alike, so the tools are compared on the
same trials. One row per (task, tool, seed) goes to ``--out``: the counts,
the share per parameter, and whether the best configuration found is
itself on a bound; the same searches also give the usual run rows (best CV
at each budget of ``--budgets``) in ``<out stem>_runs.csv``, readable by
:mod:`benchmarks.report`. A summary table is printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from .peers import TOOLS, make_problem, prefix_safe
from .run import FIELDS, machine_info, rows_from_result, skhpo_revision
from .tasks import TASKS, Family, Param, Task, get_task

#: Tolerance on the unit coordinate of a real value counted as on a bound.
TOL = 1e-9

BOUND_FIELDS = [
    "mode", "task", "tool", "seed", "n0", "n_counted", "n_on_bound",
    "best_cv", "best_on_bound", "best_bound_params", "per_param",
]


def subspace_of(task: Task, params: dict, family_values: dict | None) -> int:
    """The sub-space a parameter dict was drawn from (0 for a single space)."""
    if not task.is_cash:
        return 0
    for s, sub in enumerate(task.subspaces):
        fam = [(n, p) for n, p in sub.items() if isinstance(p, Family)]
        if not fam:
            continue
        name, f = fam[0]
        ref = family_values[f.name] if family_values is not None else f.make()
        if name in params and type(params[name]) is type(ref):
            return s
    raise ValueError(f"no sub-space of {task.name} matches {params!r}")


def on_bound(p: Param, value: Any) -> bool:
    """True when ``value`` sits on the low or high end of ``p``'s range."""
    if p.kind == "cat":
        return False
    if p.kind == "int":
        v = int(round(float(value)))
        return v == int(p.low) or v == int(p.high)
    u = p.to_unit(value)
    return u <= TOL or u >= 1.0 - TOL


def bound_params(task: Task, params: dict, family_values: dict | None) -> list[str]:
    """Names of the parameters of ``params`` that sit on a bound."""
    s = subspace_of(task, params, family_values)
    return [
        name
        for name, p in task.subspaces[s].items()
        if isinstance(p, Param) and name in params and on_bound(p, params[name])
    ]


def initial_design_size(task: Task) -> int:
    """The GP's default initial-design size on ``task``'s space."""
    from skhpo.optimizers import GPOptimizer

    from .tasks import to_skhpo

    return GPOptimizer(to_skhpo(task)).n_initial_points_


def summarize(rows: list[dict]) -> str:
    """Markdown table: share of counted proposals on a bound per (task, tool)."""
    by: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        by.setdefault((r["task"], r["tool"]), []).append(r)
    lines = [
        "| task | tool | seeds | proposals counted | share with a parameter on a bound | "
        "seeds whose best is on a bound | most frequent on a bound |",
        "|---|---|---|---|---|---|---|",
    ]
    for (task, tool), rs in by.items():
        n = sum(int(r["n_counted"]) for r in rs)
        k = sum(int(r["n_on_bound"]) for r in rs)
        best = sum(int(r["best_on_bound"]) for r in rs)
        per: dict[str, int] = {}
        for r in rs:
            for name, c in json.loads(r["per_param"]).items():
                per[name] = per.get(name, 0) + int(c)
        top = ", ".join(f"{a} {b / max(n, 1):.2f}" for a, b in sorted(per.items(), key=lambda t: -t[1])[:2] if b)
        lines.append(f"| {task} | {tool} | {len(rs)} | {n} | {k / max(n, 1):.3f} | {best}/{len(rs)} | {top} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the searches, write the rows and print the summary."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bounds", description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    ap.add_argument("--tools", nargs="+", default=["random", "skhpo_bayes"], choices=list(TOOLS))
    ap.add_argument("--budgets", nargs="+", type=int, default=[20, 40])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--mode", choices=["real", "surrogate", "grid"], default="surrogate")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--summary", action="store_true", help="only print the summary of --out")
    args = ap.parse_args(argv)

    if args.summary:
        with open(args.out) as fh:
            print(summarize(list(csv.DictReader(fh))))
        return 0

    from .peers import _quiet

    _quiet()
    budgets = sorted(set(args.budgets))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs_path = args.out.with_name(args.out.stem + "_runs.csv")
    meta = {
        "command": "python -m benchmarks.bounds "
        + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "skhpo_revision": skhpo_revision(),
        "machine": machine_info(),
        "history": [],
    }
    for path in (args.out, runs_path):
        path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2))
    all_rows = []
    problems = {}
    with open(args.out, "w", newline="") as fb, open(runs_path, "w", newline="") as fr:
        wb = csv.DictWriter(fb, fieldnames=BOUND_FIELDS)
        wr = csv.DictWriter(fr, fieldnames=FIELDS, extrasaction="ignore")
        wb.writeheader()
        wr.writeheader()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for tname in args.tasks:
                task = get_task(tname)
                if tname not in problems:
                    problems[tname] = (make_problem(task, args.mode), initial_design_size(task))
                problem, n0 = problems[tname]
                for tool in args.tools:
                    if not prefix_safe(tool, task):
                        continue  # scikit-optimize on CASH: one run per budget, not comparable here
                    fn, group, _ = TOOLS[tool]
                    t0 = time.perf_counter()
                    res = fn(problem, max(budgets), seed)
                    base = {"mode": args.mode, "task": tname, "tool": tool, "group": group, "seed": seed}
                    wr.writerows(rows_from_result(res, budgets, max(budgets), problem, base))
                    fr.flush()
                    if not res.status.startswith("ok"):
                        continue
                    per: dict[str, int] = {}
                    k = 0
                    for params in res.params[n0:]:
                        names = bound_params(task, params, problem.family_values)
                        k += bool(names)
                        for name in names:
                            per[name] = per.get(name, 0) + 1
                    scores = np.where(np.isfinite(res.scores), res.scores, -np.inf)
                    best = res.params[int(np.argmax(scores))]
                    best_names = bound_params(task, best, problem.family_values)
                    row = {
                        "mode": args.mode, "task": tname, "tool": tool, "seed": seed, "n0": n0,
                        "n_counted": len(res.params[n0:]), "n_on_bound": k,
                        "best_cv": float(np.max(scores)), "best_on_bound": int(bool(best_names)),
                        "best_bound_params": " ".join(best_names), "per_param": json.dumps(per),
                    }
                    wb.writerow(row)
                    fb.flush()
                    all_rows.append(row)
                    print(
                        f"[{time.strftime('%H:%M:%S')}] seed={seed} {tname} {tool}: on a bound "
                        f"{k}/{len(res.params[n0:])} best={row['best_cv']:.4f} ({time.perf_counter() - t0:.1f}s)",
                        flush=True,
                    )
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    for path in (args.out, runs_path):
        path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2))
    print(summarize([{k: str(v) for k, v in r.items()} for r in all_rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
