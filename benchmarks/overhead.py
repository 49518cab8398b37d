"""Optimizer-only cost: seconds of one ask + tell after ``n`` observations.

Example::

    nice -n 10 python -m benchmarks.overhead --repeats 7 --out benchmarks/results/overhead.csv

On a 10-D mixed space (4 real, 2 of them log; 3 integer, 1 log; 3
categorical) every optimizer is pre-filled with the same ``n`` random
configurations and their scores on a fixed synthetic function, then one
``ask`` of a single candidate followed by its ``tell`` is timed, ``repeats``
times in a row (so the last timing sees ``n + repeats - 1`` observations);
the median is reported. The cheap TPE optimizers get more repeats
(``--tpe-repeats``): on a shared machine single timings of a few
milliseconds are noisy. ``--seeds k`` pools the timings of ``k`` seeds
(each its own prefill and optimizer), and ``--only skhpo`` times only
skhpo's optimizers (to compare two revisions of them).

* GP: skhpo ``GPOptimizer`` (defaults) vs scikit-optimize ``Optimizer``
  (defaults, ``base_estimator="GP"``), at 50 and 200 observations.
* TPE: skhpo ``TPEOptimizer`` (defaults) vs Optuna ``TPESampler``, default
  (multivariate in Optuna 5) and ``multivariate=False``, at 50, 200 and 1000
  observations. Optuna is pre-filled with ``study.add_trials`` and timed
  through ``study.ask(distributions)`` + ``study.tell``.

scikit-optimize fits its GP and optimizes the acquisition in ``tell`` and
returns the cached point in ``ask``; skhpo does that work in ``ask``; the
pair is timed together so either split is counted once.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import tasks as T

SPACE_TASK = T.Task(
    name="mixed10d",
    description="10-D mixed synthetic space for the optimizer-overhead benchmark",
    load=lambda: (None, None),
    make_estimator=lambda: None,
    subspaces=[
        {
            "r_log1": T.real(1e-4, 1e2, log=True),
            "r_log2": T.real(1e-3, 1.0, log=True),
            "r_lin1": T.real(0.0, 1.0),
            "r_lin2": T.real(-5.0, 5.0),
            "i_log": T.integer(1, 100, log=True),
            "i_lin1": T.integer(2, 20),
            "i_lin2": T.integer(0, 10),
            "c3": T.categorical("a", "b", "c"),
            "c4": T.categorical("w", "x", "y", "z"),
            "c2": T.categorical("on", "off"),
        }
    ],
    scoring="",
    classification=False,
)
NAMES = list(SPACE_TASK.subspaces[0])
PARAMS = [SPACE_TASK.subspaces[0][n] for n in NAMES]
_CAT_BONUS = {"c3": {"a": 0.0, "b": 0.3, "c": -0.2}, "c4": {"w": 0.1, "x": 0.0, "y": 0.4, "z": -0.1}, "c2": {"on": 0.2, "off": 0.0}}


def objective(params: dict) -> float:
    """A fixed synthetic score (higher is better) of a configuration."""
    u = np.array([p.to_unit(params[n]) for n, p in zip(NAMES, PARAMS) if p.kind != "cat"])
    centre = np.linspace(0.2, 0.8, len(u))
    val = -float(np.sum((u - centre) ** 2)) + 0.1 * math.sin(7 * u[0]) * u[1]
    for n, bonus in _CAT_BONUS.items():
        val += bonus[params[n]]
    return val


def prefill_configs(n: int, seed: int) -> list[dict]:
    """``n`` random configurations from the prior, the same for every optimizer."""
    U = SPACE_TASK.sample_unit(n, np.random.default_rng(seed))
    return [SPACE_TASK.unit_to_params(u) for u in U]


def _time_cycles(cycle: Callable[[], None], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        cycle()
        out.append(time.perf_counter() - t0)
    return out


# --------------------------------------------------------------------------- optimizers
def bench_skhpo(kind: str, n: int, repeats: int, seed: int) -> list[float]:
    """skhpo ``GPOptimizer`` or ``TPEOptimizer`` with defaults."""
    from skhpo import optimizers as O

    cls = {"gp": O.GPOptimizer, "tpe": O.TPEOptimizer}[kind]
    opt = cls(T.to_skhpo(SPACE_TASK), random_state=seed)
    configs = prefill_configs(n, seed)
    cands = [opt.space.encode(c) for c in configs]
    opt.tell(cands, [objective(c) for c in configs])

    def cycle() -> None:
        (cand,) = opt.ask(1)
        opt.tell([cand], [objective(cand.params)])

    return _time_cycles(cycle, repeats)


def bench_skopt(n: int, repeats: int, seed: int) -> list[float]:
    """scikit-optimize ``Optimizer(dims, base_estimator="GP")``, defaults otherwise."""
    from skopt import Optimizer

    dims = list(T.to_skopt(SPACE_TASK).values())
    opt = Optimizer(dims, base_estimator="GP", random_state=seed)
    configs = prefill_configs(n, seed)
    opt.tell([[c[k] for k in NAMES] for c in configs], [-objective(c) for c in configs])

    def cycle() -> None:
        x = opt.ask()
        opt.tell(x, -objective(dict(zip(NAMES, x))))

    return _time_cycles(cycle, repeats)


def bench_optuna(n: int, repeats: int, seed: int, multivariate: bool | None) -> list[float]:
    """Optuna ``TPESampler`` through ``study.ask`` / ``study.tell``."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = T.to_optuna(SPACE_TASK)
    sampler = (
        optuna.samplers.TPESampler(seed=seed)
        if multivariate is None
        else optuna.samplers.TPESampler(seed=seed, multivariate=multivariate)
    )
    study = optuna.create_study(direction="maximize", sampler=sampler)
    configs = prefill_configs(n, seed)
    study.add_trials(
        [optuna.trial.create_trial(params=c, distributions=dists, value=objective(c)) for c in configs]
    )

    def cycle() -> None:
        trial = study.ask(dists)
        study.tell(trial, objective(trial.params))

    return _time_cycles(cycle, repeats)


CASES: list[tuple[str, str, list[int], Callable[..., list[float]]]] = [
    ("gp", "skhpo GPOptimizer", [50, 200], lambda n, r, s: bench_skhpo("gp", n, r, s)),
    ("gp", "skopt Optimizer (GP)", [50, 200], bench_skopt),
    ("tpe", "skhpo TPEOptimizer", [50, 200, 1000], lambda n, r, s: bench_skhpo("tpe", n, r, s)),
    ("tpe", "optuna TPESampler (default: multivariate)", [50, 200, 1000], lambda n, r, s: bench_optuna(n, r, s, None)),
    ("tpe", "optuna TPESampler(multivariate=False)", [50, 200, 1000], lambda n, r, s: bench_optuna(n, r, s, False)),
]


def render(rows: list[dict]) -> str:
    """Markdown tables with the skhpo / peer ratios."""
    lines = ["| family | optimizer | observations | median s per ask+tell | min – max | skhpo / this |", "|---|---|---|---|---|---|"]
    med = {(r["optimizer"], r["n"]): r["median"] for r in rows if r["status"] == "ok"}
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"| {r['family']} | {r['optimizer']} | {r['n']} | {r['status']} | | |")
            continue
        ours = "skhpo GPOptimizer" if r["family"] == "gp" else "skhpo TPEOptimizer"
        ratio = ""
        if not r["optimizer"].startswith("skhpo") and (ours, r["n"]) in med:
            ratio = f"{med[(ours, r['n'])] / r['median']:.3f}"
        lines.append(
            f"| {r['family']} | {r['optimizer']} | {r['n']} | {r['median']:.4f} | "
            f"{r['min']:.4f} – {r['max']:.4f} | {ratio} |"
        )
    # the TPE target is against the faster Optuna mode
    for n in sorted({r["n"] for r in rows if r["family"] == "tpe"}):
        opt = [v for (k, m), v in med.items() if m == n and k.startswith("optuna")]
        if opt and ("skhpo TPEOptimizer", n) in med:
            lines.append(
                f"\nTPE at {n} observations: skhpo / faster Optuna mode = "
                f"{med[('skhpo TPEOptimizer', n)] / min(opt):.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the overhead benchmark and print the table."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.overhead", description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7, help="timed ask+tell cycles for the GP optimizers")
    ap.add_argument("--tpe-repeats", type=int, default=15, help="timed ask+tell cycles for the TPE optimizers")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=1,
                    help="pool the timings of this many seeds (seed, seed + 1, ...), each its own prefill")
    ap.add_argument("--only", default=None, help="only the optimizers whose label contains this text")
    ap.add_argument("--families", nargs="+", default=["gp", "tpe"], choices=["gp", "tpe"])
    ap.add_argument("--out", type=Path, default=None, help="CSV of the timings (a .md table goes beside it)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    rows = []
    for family, name, sizes, fn in CASES:
        if family not in args.families or (args.only and args.only not in name):
            continue
        for n in sizes:
            try:
                repeats = args.tpe_repeats if family == "tpe" else args.repeats
                times = [t for s in range(args.seed, args.seed + args.seeds) for t in fn(n, repeats, s)]
                row = {"family": family, "optimizer": name, "n": n, "status": "ok", "median": float(np.median(times)),
                       "min": float(np.min(times)), "max": float(np.max(times)), "times": json.dumps([round(t, 5) for t in times])}
            except (ImportError, AttributeError) as exc:
                row = {"family": family, "optimizer": name, "n": n, "status": f"missing: {exc}"[:120]}
            rows.append(row)
            print(f"{name} n={n}: {row.get('median', row['status'])}", file=sys.stderr, flush=True)
    text = render(rows)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["family", "optimizer", "n", "status", "median", "min", "max", "times"])
            w.writeheader()
            w.writerows(rows)
        from .run import skhpo_revision

        args.out.with_suffix(".md").write_text(
            "Command: `python -m benchmarks.overhead "
            + " ".join(argv if argv is not None else sys.argv[1:])
            + f"` (skhpo revision {skhpo_revision()}, {time.strftime('%Y-%m-%d %H:%M')})\n\n"
            + text
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
