"""Run tools x tasks x seeds x budgets in one process and append rows to a CSV.

Example::

    nice -n 10 python -m benchmarks.run --mode surrogate --budgets 20 40 80 \\
        --seeds 25 --out benchmarks/results/surrogate.csv

One search is run per (seed, task, tool) at the largest budget; the rows of
the smaller budgets are read off its first ``b`` evaluations (every tool here
is sequential and plans nothing from its total budget; the exception,
scikit-optimize on a CASH space, is run once per budget). Wall time and
per-suggestion overhead are measured on the run itself, so they appear on the
rows of the budget that was actually run.

Rows are appended and flushed as runs finish, so a long run can be polled
(``python -m benchmarks.report``) and resumed (``--resume``). The exact
command, versions and machine go to ``<out>.meta.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from .peers import TOOLS, RunResult, make_problem, prefix_safe
from .tasks import TASKS, get_task

FIELDS = [
    "mode",
    "task",
    "tool",
    "group",
    "seed",
    "budget",
    "run_budget",
    "status",
    "best_cv",
    "test_score",
    "wall_time",
    "overhead_per_suggestion",
    "n_evals",
    "trace",
]


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for mod in ["numpy", "scipy", "sklearn", "skhpo", "skopt", "optuna", "optuna_integration", "hyperopt", "xgboost", "lightgbm"]:
        try:
            out[mod] = __import__(mod).__version__
        except Exception as exc:  # noqa: BLE001 - report what is missing
            out[mod] = f"unavailable ({type(exc).__name__})"
    return out


def skhpo_revision() -> str:
    """The git commit of the working tree, with ``+dirty`` when skhpo/ has local changes."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "skhpo"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty else "")


def machine_info() -> dict[str, str]:
    """CPU model, core count and the thread-limiting environment variables."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "platform": platform.platform(),
        **{v: os.environ.get(v, "") for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }


def rows_from_result(res: RunResult, budgets: list[int], run_budget: int, problem, base: dict) -> list[dict]:
    """One row per budget ``b <= run_budget`` read off the first ``b`` evaluations."""
    rows = []
    if not res.status.startswith("ok"):
        for b in budgets:
            rows.append({**base, "budget": b, "run_budget": run_budget, "status": res.status})
        return rows
    arr = np.asarray(res.scores, dtype=float)
    clean = np.where(np.isfinite(arr), arr, -np.inf)
    best_all = int(np.argmax(clean))
    trace = np.maximum.accumulate(clean)
    for b in budgets:
        if b > run_budget:
            continue
        row = {**base, "budget": b, "run_budget": run_budget, "status": "ok", "n_evals": min(b, len(arr))}
        if b >= len(arr):
            row["best_cv"] = res.best_cv
            row["test_score"] = res.test_score
            row["wall_time"] = res.wall_time
            row["overhead_per_suggestion"] = res.overhead_per_suggestion
        else:
            idx = int(np.argmax(clean[:b]))
            row["best_cv"] = float(arr[idx])
            row["test_score"] = res.test_score if idx == best_all else problem.refit_test_score(res.params[idx])
        row["trace"] = json.dumps([round(float(v), 6) for v in trace[:b]])
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=list(TOOLS))
    ap.add_argument("--budgets", nargs="+", type=int, default=[20, 40])
    ap.add_argument("--seeds", type=int, default=5, help="number of seeds (0 .. n-1)")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--mode", choices=["real", "surrogate", "grid"], default="real")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--resume", action="store_true", help="skip (task, tool, seed) already in --out")
    args = ap.parse_args(argv)

    from .peers import _quiet

    _quiet()
    budgets = sorted(set(args.budgets))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done: set[tuple] = set()
    if args.resume and args.out.exists():
        with open(args.out) as fh:
            for r in csv.DictReader(fh):
                if r["mode"] == args.mode:
                    done.add((r["task"], r["tool"], int(r["seed"])))
    meta_path = args.out.with_suffix(".meta.json")
    meta = {
        "command": "python -m benchmarks.run " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "versions": _versions(),
        "skhpo_revision": skhpo_revision(),
        "machine": machine_info(),
    }
    history = []
    if meta_path.exists() and args.resume:
        old = json.loads(meta_path.read_text())
        history = old.get("history", []) + [{k: old[k] for k in ("command", "started") if k in old}]
    meta["history"] = history
    meta_path.write_text(json.dumps(meta, indent=2))

    new = not args.out.exists()
    problems = {}
    with open(args.out, "a", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
        if new:
            w.writeheader()
        for seed in seeds:
            for tname in args.tasks:
                task = get_task(tname)
                if tname not in problems:
                    problems[tname] = make_problem(task, args.mode)
                problem = problems[tname]
                for tool in args.tools:
                    if (tname, tool, seed) in done:
                        continue
                    fn, group, _ = TOOLS[tool]
                    base = {"mode": args.mode, "task": tname, "tool": tool, "group": group, "seed": seed}
                    run_budgets = [max(budgets)] if prefix_safe(tool, task) else budgets
                    rows = []
                    for rb in run_budgets:
                        t0 = time.perf_counter()
                        try:
                            res = fn(problem, rb, seed)
                        except ImportError as exc:  # a tool (or an skhpo engine) not installed yet
                            res = RunResult(status=f"missing: {exc}"[:200])
                        except Exception as exc:  # noqa: BLE001 - record and go on
                            traceback.print_exc()
                            res = RunResult(status=f"error: {type(exc).__name__}: {exc}"[:200])
                        want = budgets if len(run_budgets) == 1 else [rb]
                        rows += rows_from_result(res, want, rb, problem, base)
                        print(
                            f"[{time.strftime('%H:%M:%S')}] seed={seed} {tname} {tool} b={rb}: {res.status} "
                            f"best_cv={res.best_cv:.4f} ({time.perf_counter() - t0:.1f}s)",
                            flush=True,
                        )
                    w.writerows(rows)
                    fh.flush()
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    meta_path.write_text(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
