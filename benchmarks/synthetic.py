"""Regret of the GP optimizer on Branin (2-D) and Hartmann 6-D.

Example::

    nice -n 10 python -m benchmarks.synthetic --seeds 15 --budgets 20 40 \\
        --out benchmarks/results/synthetic.csv

``GPOptimizer`` (defaults) is driven by hand through ``ask``/``tell`` on two
classic test functions, maximising ``-f``; the regret after ``b``
evaluations is ``min f`` found so far minus the known global minimum. The
median and the quartiles over seeds are printed per function and budget;
one row per (function, seed, budget) goes to ``--out``. Random search (the
same optimizer's random proposals, ``RandomOptimizer``) is the reference.

Branin: Dixon & Szegő (1978), on ``[-5, 10] x [0, 15]``, minimum
0.397887. Hartmann 6-D: on ``[0, 1]^6``, minimum -3.32237.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

import numpy as np

BRANIN_MIN = 0.397887357729738
HARTMANN6_MIN = -3.32236801141551

_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ],
    dtype=float,
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ],
    dtype=float,
)


def branin(p: dict) -> float:
    """The Branin function of ``{"x1", "x2"}``."""
    x1, x2 = p["x1"], p["x2"]
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(p: dict) -> float:
    """The Hartmann 6-D function of ``{"x0", ..., "x5"}``."""
    x = np.array([p[f"x{i}"] for i in range(6)])
    inner = (_H6_A * (x - _H6_P) ** 2).sum(1)
    return float(-(_H6_ALPHA * np.exp(-inner)).sum())


FUNCTIONS = {
    "branin": (branin, {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}, BRANIN_MIN),
    "hartmann6": (hartmann6, {f"x{i}": (0.0, 1.0) for i in range(6)}, HARTMANN6_MIN),
}


def run_one(name: str, optimizer: str, seed: int, n: int) -> list[float]:
    """The best-so-far regret after each of ``n`` evaluations."""
    from skhpo.optimizers import GPOptimizer, RandomOptimizer

    f, space, fmin = FUNCTIONS[name]
    cls = GPOptimizer if optimizer == "gp" else RandomOptimizer
    opt = cls(space, random_state=seed)
    best, out = math.inf, []
    for _ in range(n):
        [c] = opt.ask()
        v = f(c.params)
        opt.tell([c], [-v])
        best = min(best, v)
        out.append(best - fmin)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the seeds and print the median regrets."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.synthetic", description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", nargs="+", default=list(FUNCTIONS), choices=list(FUNCTIONS))
    ap.add_argument("--optimizers", nargs="+", default=["gp", "random"], choices=["gp", "random"])
    ap.add_argument("--seeds", type=int, default=15)
    ap.add_argument("--budgets", nargs="+", type=int, default=[20, 40])
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    budgets = sorted(set(args.budgets))
    rows = []
    for name in args.functions:
        for opt in args.optimizers:
            t0 = time.perf_counter()
            for seed in range(args.seeds):
                trace = run_one(name, opt, seed, max(budgets))
                rows += [{"function": name, "optimizer": opt, "seed": seed, "budget": b, "regret": trace[b - 1]}
                         for b in budgets]
            print(f"{name} {opt}: {args.seeds} seeds in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["function", "optimizer", "seed", "budget", "regret"])
            w.writeheader()
            w.writerows(rows)
    print("| function | optimizer | budget | median regret | quartiles |")
    print("|---|---|---|---|---|")
    for name in args.functions:
        for opt in args.optimizers:
            for b in budgets:
                r = np.array([x["regret"] for x in rows if x["function"] == name and x["optimizer"] == opt
                              and x["budget"] == b])
                q1, med, q3 = np.percentile(r, [25, 50, 75])
                print(f"| {name} | {opt} | {b} | {med:.4g} | {q1:.3g} – {q3:.3g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
