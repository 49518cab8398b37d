"""Screen of BOHB's defaults on synthetic multi-fidelity functions (issue 15).

Which ``factor`` (Hyperband's eta), ``random_fraction`` (BOHB's rho) and
``min_model_observations`` (BOHB's N_min) should ``HalvingBOHBSearchCV``
default to? The real-data benchmark (``benchmarks/fidelity.py``) takes
minutes per run, so the defaults are screened here on cheap synthetic
functions, at the optimizer level: ``HyperbandScheduler`` over
``BOHBOptimizer``, driven by ask/tell without scikit-learn (the two objects
``HalvingBOHBSearchCV`` builds, with the same arguments).

Run, then report::

    OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 10 python -m benchmarks.mf_screen run \\
        --seeds 100 --out benchmarks/results/mf_screen.csv
    PYTHONPATH=. python -m benchmarks.mf_screen report benchmarks/results/mf_screen.csv

A search takes 0.05-0.2 s here, so 100 seeds per problem were run (fixed
before any result was seen; 2,400 searches, a few minutes on one core).

Problems (maximised; written from the papers' definitions):

* ``counting_ones`` -- Falkner, Klein & Hutter, "BOHB: Robust and Efficient
  Hyperparameter Optimization at Scale", ICML 2018, section 5 / appendix:
  8 binary categorical and 8 continuous parameters in [0, 1]; the value at
  budget ``b`` is the sum of the categoricals plus, for each continuous
  ``x_i``, the mean of ``b`` Bernoulli(``x_i``) draws. Optimum 16. Budgets
  9 .. 729 (eta = 3: 9, 27, 81, 243, 729). Low budgets are very noisy
  (sd of the value about 0.5 at ``b = 9``) but unbiased.
* ``hartmann6`` -- the multi-fidelity Hartmann-6 of Kandasamy, Dasarathy,
  Schneider & Poczos, "Multi-fidelity Bayesian Optimisation with Continuous
  Approximations", ICML 2017: the Hartmann-6 function with its weights
  ``alpha_i`` lowered to ``alpha_i - 0.1 (1 - z)`` at fidelity ``z``, here
  ``z = b / max_budget``, plus Gaussian noise of sd 0.05 at every budget.
  The value is ``-hartmann6_z(x)`` (optimum 3.32237 at ``z = 1``). Low
  budgets are slightly biased and as noisy as the full one: the easy case
  for a model of a small budget.
* ``cash3`` -- a conditional (CASH-like, list of dicts) space of three
  families made up for this screen (not from a paper): ``fast`` (2 reals;
  best 0.90; learns fast), ``slow`` (log-uniform rate, integer depth, real
  share; best 0.95; learns slowly) and ``flags`` (4 binary + 1 real; best
  0.92). The value at fidelity ``z`` is ``q(x) - c_family (1 - sqrt(z))``
  with ``c`` = 0.03, 0.12, 0.06, plus Gaussian noise of sd
  ``0.005 + 0.03 sqrt(b_min / b)``: learning curves cross, so the small
  budgets rank the families wrongly (the case the random fraction guards
  against). Optimum 0.95.

Each problem's noise comes from a generator seeded by (problem, seed,
evaluation number), so runs are reproducible.

Variants, one change at a time around the paper's defaults (eta 3,
rho 1/3, N_min = d + 1, d the number of columns of the encoded space):
``default``; ``eta2``, ``eta4``; ``rho0``, ``rho1/6``, ``rho1/2``;
``nmin2x`` (N_min = 2 (d + 1)); ``hyperband`` (rho = 1: every new
configuration random, plain Hyperband, what the model adds). Every variant
uses the same budget range ``[min_budget, max_budget]`` (9 .. 729; with
eta 2 and 4 the smallest rung is then 11, ``max // eta**s``), as in the
BOHB paper. ``HalvingBOHBSearchCV``'s ``min_resources="auto"`` instead ties
the range to ``factor`` (``max // factor**3``); a change of ``factor``
through "auto" is not what is screened here.

Measure, fixed before any result was seen: cost is the sum of the budgets
evaluated, in full-budget equivalents (``cost / max_budget``, the unit of
``n_iter``). At cost levels 10, 20 and 40 the incumbent is the
configuration with the best *observed* full-budget value evaluated so far
(what the search would return); its regret is the optimum minus its
noise-free full-budget value. One search per (problem, variant, seed) with
``n_iter = 40`` is read at each level (the scheduler plans nothing from
``n_iter`` but the size of the last bracket, so the prefix of a run is the
run at the smaller level). A level without any full-budget evaluation has
no incumbent and ranks last.

Report: per problem and level, each variant's median regret, its mean rank
among the variants (ranked per seed; 1 is best, ties share the mean rank)
and its wins / ties / losses against ``default`` on the seeds with a
two-sided sign test (ties dropped); then the same pooled over problems.

Decision rule, fixed before any result was seen: keep the paper's defaults
unless a variant has a better (lower) mean rank than ``default`` on every
problem at both 20 and 40 full-budget equivalents *and*, at each of 20 and
40, more wins than losses against ``default`` over the pooled (problem,
seed) cells with sign-test p < 0.05. The report prints, per variant,
whether it meets the rule; the defaults are not changed by this script.

Supplementary, added after the results were seen and outside the rule
(``SUPPLEMENTARY``): ``default_auto27`` and ``rho0_auto27``, factor 3 on
``HalvingBOHBSearchCV``'s "auto" range (27 .. 729) instead of 9 .. 729::

    OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 10 python -m benchmarks.mf_screen run \\
        --seeds 100 --variants default_auto27 rho0_auto27 --out benchmarks/results/mf_screen_auto27.csv
    PYTHONPATH=. python -m benchmarks.mf_screen report benchmarks/results/mf_screen.csv \\
        benchmarks/results/mf_screen_auto27.csv --variants default_auto27 default eta4 rho0 rho0_auto27 \\
        --baseline default_auto27
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .synthetic import _H6_A, _H6_ALPHA, _H6_P, HARTMANN6_MIN

LEVELS = (10, 20, 40)
DECISION_LEVELS = (20, 40)
DEFAULT = "default"
MIN_BUDGET, MAX_BUDGET = 9, 729

FIELDS = [
    "problem", "variant", "factor", "random_fraction", "min_model_observations", "seed", "level",
    "regret", "regret_observed", "n_configs", "n_full", "model_budget", "wall_time", "status",
]


# ---------------------------------------------------------------- problems
@dataclass(frozen=True)
class Problem:
    """A multi-fidelity function: ``evaluate(params, budget, rng)`` is observed, higher is better."""

    name: str
    key: int  # seeds its noise apart from the other problems'
    space: Any
    evaluate: Callable[[dict, int, np.random.Generator], float]
    true_value: Callable[[dict], float]  # noise-free, at the full budget
    optimum: float


N_CAT = N_CONT = 8


def _counting_ones_space() -> dict:
    space: dict = {f"c{i}": [0, 1] for i in range(N_CAT)}
    space.update({f"x{i}": (0.0, 1.0) for i in range(N_CONT)})
    return space


def counting_ones(params: dict, budget: int, rng: np.random.Generator) -> float:
    """Sum of the categoricals plus, per continuous x_i, the mean of ``budget`` Bernoulli(x_i) draws."""
    cats = sum(int(params[f"c{i}"]) for i in range(N_CAT))
    p = np.clip([params[f"x{i}"] for i in range(N_CONT)], 0.0, 1.0)
    return float(cats + (rng.binomial(budget, p) / budget).sum())


def counting_ones_true(params: dict) -> float:
    return float(sum(int(params[f"c{i}"]) for i in range(N_CAT)) + sum(params[f"x{i}"] for i in range(N_CONT)))


H6_OPT = -HARTMANN6_MIN  # the maximum of -hartmann6
H6_NOISE = 0.05


def _h6(params: dict, z: float) -> float:
    """``-hartmann6`` with Kandasamy et al.'s fidelity: alpha_i - 0.1 (1 - z)."""
    x = np.array([params[f"x{i}"] for i in range(6)])
    inner = (_H6_A * (x - _H6_P) ** 2).sum(1)
    return float(((_H6_ALPHA - 0.1 * (1.0 - z)) * np.exp(-inner)).sum())


def hartmann6_mf(params: dict, budget: int, rng: np.random.Generator) -> float:
    return _h6(params, budget / MAX_BUDGET) + float(rng.normal(0.0, H6_NOISE))


def hartmann6_true(params: dict) -> float:
    return _h6(params, 1.0)


def _cash3_space() -> list:
    return [
        {"family": ["fast"], "u": (0.0, 1.0), "v": (0.0, 1.0)},
        {"family": ["slow"], "lr": (1e-3, 1.0, "log-uniform"), "depth": (1, 10), "share": (0.1, 1.0)},
        {"family": ["flags"], **{f"k{i}": [0, 1] for i in range(4)}, "w": (0.0, 1.0)},
    ]


_CASH_GAP = {"fast": 0.03, "slow": 0.12, "flags": 0.06}
_FLAGS_BEST = (1, 0, 1, 1)


def cash3_true(params: dict) -> float:
    fam = params["family"]
    if fam == "fast":
        return 0.90 - 0.10 * ((params["u"] - 0.25) ** 2 + (params["v"] - 0.6) ** 2)
    if fam == "slow":
        return (0.95 - 0.04 * (math.log10(params["lr"]) + 1.0) ** 2 - 0.004 * (params["depth"] - 6) ** 2
                - 0.05 * (params["share"] - 0.8) ** 2)
    wrong = sum(int(params[f"k{i}"]) != b for i, b in enumerate(_FLAGS_BEST))
    return 0.92 - 0.03 * wrong - 0.10 * (params["w"] - 0.4) ** 2


def cash3(params: dict, budget: int, rng: np.random.Generator) -> float:
    z = budget / MAX_BUDGET
    sd = 0.005 + 0.03 * math.sqrt(MIN_BUDGET / budget)
    return cash3_true(params) - _CASH_GAP[params["family"]] * (1.0 - math.sqrt(z)) + float(rng.normal(0.0, sd))


PROBLEMS = {
    "counting_ones": Problem("counting_ones", 1, _counting_ones_space(), counting_ones, counting_ones_true, 16.0),
    "hartmann6": Problem("hartmann6", 2, {f"x{i}": (0.0, 1.0) for i in range(6)}, hartmann6_mf, hartmann6_true,
                         H6_OPT),
    "cash3": Problem("cash3", 3, _cash3_space(), cash3, cash3_true, 0.95),
}

# ---------------------------------------------------------------- variants
#: name -> (factor, random_fraction, N_min as a multiple of d + 1)
VARIANTS: dict[str, tuple[int, float, int]] = {
    "default": (3, 1 / 3, 1),
    "eta2": (2, 1 / 3, 1),
    "eta4": (4, 1 / 3, 1),
    "rho0": (3, 0.0, 1),
    "rho1/6": (3, 1 / 6, 1),
    "rho1/2": (3, 1 / 2, 1),
    "nmin2x": (3, 1 / 3, 2),
    "hyperband": (3, 1.0, 1),
}
#: Added after the screen's results were seen, outside its decision rule: the
#: schedule of ``HalvingBOHBSearchCV(min_resources="auto")`` at factor 3
#: (``max // 27``: 27 .. 729, four rungs) instead of the screen's 9 .. 729.
#: (At factor 4, "auto" is ``max // 64`` = 11: the schedule of ``eta4``.)
#: name -> (factor, random_fraction, N_min multiple, min_budget)
SUPPLEMENTARY: dict[str, tuple[int, float, int, int]] = {
    "default_auto27": (3, 1 / 3, 1, MAX_BUDGET // 27),
    "rho0_auto27": (3, 0.0, 1, MAX_BUDGET // 27),
}
ALL_VARIANTS = {**{k: (*v, MIN_BUDGET) for k, v in VARIANTS.items()}, **SUPPLEMENTARY}


def run_one(problem: Problem, variant: str, seed: int, levels: tuple[int, ...] = LEVELS) -> list[dict]:
    """One search of ``variant`` on ``problem``; a row per cost level."""
    from skhpo.optimizers import BOHBOptimizer, HyperbandScheduler

    factor, rho, nmin_mult, min_budget = ALL_VARIANTS[variant]
    d1 = BOHBOptimizer(problem.space).min_model_observations  # d + 1
    opt = BOHBOptimizer(problem.space, random_fraction=rho, min_model_observations=nmin_mult * d1,
                        random_state=seed)
    sched = HyperbandScheduler(opt, min_resources=min_budget, max_resources=MAX_BUDGET, factor=factor,
                               n_iter=max(levels))
    cost = 0
    n_eval = n_configs = 0
    # (cost after it, observed value, true value) of each full-budget evaluation, and
    # (cost after it, configurations so far) of each evaluation
    full: list[tuple[int, float, float]] = []
    configs: list[tuple[int, int]] = []
    t0 = time.perf_counter()
    while (batch := sched.next_batch()) is not None:
        scores = []
        for cand in batch.candidates:
            rng = np.random.default_rng([problem.key, seed, n_eval])
            value = problem.evaluate(cand.params, batch.n_resources, rng)
            n_eval += 1
            cost += batch.n_resources
            n_configs += batch.rung == 0
            configs.append((cost, n_configs))
            if batch.n_resources == MAX_BUDGET:
                full.append((cost, value, problem.true_value(cand.params)))
            scores.append(value)
        sched.tell(scores)
    wall = time.perf_counter() - t0
    rows = []
    for level in levels:
        limit = level * MAX_BUDGET
        seen = [f for f in full if f[0] <= limit]
        n_conf = max([c for k, c in configs if k <= limit], default=0)
        base = {"problem": problem.name, "variant": variant, "factor": factor, "random_fraction": round(rho, 6),
                "min_model_observations": nmin_mult * d1, "seed": seed, "level": level, "n_configs": n_conf,
                "n_full": len(seen), "model_budget": opt.model_budget_, "wall_time": round(wall, 3)}
        if not seen:
            rows.append({**base, "regret": float("nan"), "regret_observed": float("nan"),
                         "status": "no full-budget evaluation"})
            continue
        best = max(seen, key=lambda f: f[1])  # first of equal observed values
        rows.append({**base, "regret": problem.optimum - best[2], "regret_observed": problem.optimum - best[1],
                     "status": "ok"})
    return rows


# ---------------------------------------------------------------------- run
def _meta(argv: list[str], out: Path, args: argparse.Namespace) -> dict:
    from .run import _versions, machine_info, skhpo_revision

    versions = {k: v for k, v in _versions().items() if k in ("python", "numpy", "scipy", "sklearn", "skhpo")}
    return {
        "command": "python -m benchmarks.mf_screen " + " ".join(shlex.quote(a) for a in argv),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "versions": versions,
        "skhpo_revision": skhpo_revision(),
        "machine": machine_info(),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }


def run_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.mf_screen run")
    ap.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(ALL_VARIANTS),
                    help="default: the screen's 8; also " + ", ".join(SUPPLEMENTARY) + " (see SUPPLEMENTARY)")
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--levels", nargs="+", type=int, default=list(LEVELS),
                    help="cost levels in full-budget equivalents; the run uses n_iter = the largest")
    ap.add_argument("--out", type=Path, default=None, help="CSV (rows appended); meta to <out>.meta.json")
    args = ap.parse_args(argv)
    levels = tuple(sorted(set(args.levels)))
    meta_path = meta = None
    fh = writer = None
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        meta_path = args.out.with_suffix(".meta.json")
        meta = _meta(["run", *argv], args.out, args)
        meta_path.write_text(json.dumps(meta, indent=2))
        new = not args.out.exists()
        fh = open(args.out, "a", newline="")
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
    try:
        for pname in args.problems:
            problem = PROBLEMS[pname]
            for variant in args.variants:
                t0 = time.perf_counter()
                for seed in range(args.first_seed, args.first_seed + args.seeds):
                    rows = run_one(problem, variant, seed, levels)
                    if writer is not None:
                        writer.writerows(rows)
                        fh.flush()
                print(f"[{time.strftime('%H:%M:%S')}] {pname} {variant}: {args.seeds} seeds in "
                      f"{time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    finally:
        if fh is not None:
            fh.close()
    if meta_path is not None:
        meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        meta_path.write_text(json.dumps(meta, indent=2))
    return 0


# ------------------------------------------------------------------- report
def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 1:
        return f"{x:.2f}"
    if a >= 0.01:
        return f"{x:.3f}"
    return f"{x:.2g}"


def _ranked(df: Any) -> Any:
    """Rank of each variant in every (problem, seed, level) cell: lower regret is better, none ranks last."""
    d = df.copy()
    d["_r"] = d["regret"].astype(float).fillna(np.inf)
    d["rank"] = d.groupby(["problem", "seed", "level"])["_r"].rank(method="average")
    return d


def _wtl(d: Any, variant: str, level: int, problems: list[str] | None = None,
         baseline: str = DEFAULT) -> tuple[int, int, int, float]:
    """Wins / ties / losses of ``variant`` against ``baseline`` (lower regret wins), sign-test p."""
    from scipy.stats import binomtest

    sel = d[d["level"] == level]
    if problems is not None:
        sel = sel[sel["problem"].isin(problems)]
    a = sel[sel["variant"] == variant].set_index(["problem", "seed"])["_r"]
    b = sel[sel["variant"] == baseline].set_index(["problem", "seed"])["_r"]
    common = a.index.intersection(b.index)
    x, y = a.loc[common].values, b.loc[common].values
    tol = 1e-12
    both_inf = np.isinf(x) & np.isinf(y)
    w = int(np.sum((x < y - tol) & ~both_inf))
    l = int(np.sum((x > y + tol) & ~both_inf))
    t = len(x) - w - l
    p = binomtest(w, w + l).pvalue if w + l else float("nan")
    return w, t, l, p


def report_markdown(df: Any, metas: list[dict], variants: list[str] | None = None,
                    baseline: str = DEFAULT) -> str:
    """The markdown report: ``variants`` (default: the screen's, as found) ranked among themselves.

    With ``baseline`` other than ``default``, W/T/L and the rule's table are
    against that variant: a supplementary comparison, not the screen's decision.
    """
    if variants is None:
        variants = [v for v in VARIANTS if v in set(df["variant"])]
    df = df[df["variant"].isin(variants)]
    if baseline not in variants:
        raise ValueError(f"baseline {baseline!r} is not among the variants {variants}.")
    d = _ranked(df)
    problems = [p for p in PROBLEMS if p in set(d["problem"])]
    levels = sorted(d["level"].unique())
    lines = []
    for m in metas:
        lines.append(f"Command: `{m.get('command', '?')}` (started {m.get('started', '?')}, "
                     f"finished {m.get('finished', 'not yet')})")
        lines.append(f"skhpo revision: {m.get('skhpo_revision', '?')}")
        if m.get("note"):
            lines.append(f"Note: {m['note']}")
        mach = m.get("machine", {})
        lines.append(f"Machine: {mach.get('cpu', '?')}, {mach.get('cores', '?')} cores, "
                     f"OMP_NUM_THREADS={mach.get('OMP_NUM_THREADS', '?')}; "
                     + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()))
        lines.append("")
    if baseline != DEFAULT:
        lines.append(f"**Supplementary comparison against `{baseline}`, outside the screen's decision rule.**\n")
    lines.append("Regret of the incumbent (best observed full-budget value) by its noise-free value, "
                 "at a cost of " + " / ".join(map(str, levels)) + " full-budget equivalents. Rank: mean rank "
                 f"among the {len(variants)} variants shown, ranked per seed (1 = best). W/T/L: wins / ties / "
                 f"losses against `{baseline}` over seeds (lower regret wins); p: two-sided sign test, ties "
                 "dropped.\n")
    for prob in problems:
        dp = d[d["problem"] == prob]
        n_seeds = dp["seed"].nunique()
        nmin = dp[dp["variant"] == baseline]["min_model_observations"].iloc[0]
        lines.append(f"#### {prob} ({n_seeds} seeds; d + 1 = {nmin})\n")
        head = ["variant"]
        for lv in levels:
            head += [f"median regret @{lv}", f"rank @{lv}", f"W/T/L @{lv} (p)"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for v in variants:
            cells = [v]
            for lv in levels:
                sel = dp[(dp["variant"] == v) & (dp["level"] == lv)]
                reg = sel["regret"].astype(float)
                med = float(np.median(reg.fillna(np.inf))) if len(reg) else float("nan")
                cells += [_fmt(med), f"{sel['rank'].mean():.2f}"]
                if v == baseline:
                    cells.append("")
                else:
                    w, t, l, p = _wtl(d, v, lv, [prob], baseline)
                    cells.append(f"{w}/{t}/{l} ({p:.2g})")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(f"#### Pooled over problems ({', '.join(problems)})\n")
    head = ["variant"]
    for lv in levels:
        head += [f"rank @{lv}", f"W/T/L @{lv}", f"p @{lv}"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for v in variants:
        cells = [v]
        for lv in levels:
            cells.append(f"{d[(d['variant'] == v) & (d['level'] == lv)]['rank'].mean():.2f}")
            if v == baseline:
                cells += ["", ""]
            else:
                w, t, l, p = _wtl(d, v, lv, None, baseline)
                cells += [f"{w}/{t}/{l}", f"{p:.2g}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("#### Decision rule" + ("" if baseline == DEFAULT else f" (applied against `{baseline}`; "
                                          "supplementary, not the screen's decision)") + "\n")
    lines.append(f"A variant replaces `{baseline}` only if its mean rank is lower than `{baseline}`'s on every "
                 "problem at both 20 and 40 full-budget equivalents, and at each of 20 and 40 it has more "
                 f"wins than losses against `{baseline}` over the pooled (problem, seed) cells with sign-test "
                 "p < 0.05.\n")
    lines.append("| variant | better mean rank on every problem @20 and @40 | pooled sign test @20 | "
                 "pooled sign test @40 | meets the rule |")
    lines.append("|---|---|---|---|---|")
    winners = []
    dec_levels = [lv for lv in DECISION_LEVELS if lv in levels]
    for v in variants:
        if v == baseline:
            continue
        fails = []
        for prob in problems:
            for lv in dec_levels:
                sel = d[(d["problem"] == prob) & (d["level"] == lv)]
                rv = sel[sel["variant"] == v]["rank"].mean()
                rd = sel[sel["variant"] == baseline]["rank"].mean()
                if not rv < rd:
                    fails.append(f"{prob}@{lv} {rv:.2f} vs {rd:.2f}")
        rank_ok = not fails and len(dec_levels) == len(DECISION_LEVELS)
        sign_cells, sign_ok = [], True
        for lv in DECISION_LEVELS:
            if lv not in levels:
                sign_cells.append("n/a")
                sign_ok = False
                continue
            w, t, l, p = _wtl(d, v, lv, None, baseline)
            ok = w > l and p < 0.05
            sign_ok &= ok
            sign_cells.append(f"{w}/{t}/{l}, p={p:.2g} ({'yes' if ok else 'no'})")
        meets = rank_ok and sign_ok
        if meets:
            winners.append(v)
        rank_cell = "yes" if rank_ok else "no (" + "; ".join(fails) + ")"
        lines.append(f"| {v} | {rank_cell} | {sign_cells[0]} | {sign_cells[1]} | {'**yes**' if meets else 'no'} |")
    lines.append("")
    if winners:
        lines.append("Variants meeting the rule: " + ", ".join(f"`{v}`" for v in winners)
                     + ". (Reported only; skhpo's defaults are not changed by this screen.)")
    elif baseline == DEFAULT:
        lines.append("No variant meets the rule: the paper's defaults stay (factor=3, random_fraction=1/3, "
                     "min_model_observations=d+1).")
    else:
        lines.append(f"No variant meets the rule against `{baseline}`.")
    return "\n".join(lines)


def report_main(argv: list[str]) -> int:
    import pandas as pd

    ap = argparse.ArgumentParser(prog="python -m benchmarks.mf_screen report")
    ap.add_argument("csv", nargs="+", type=Path)
    ap.add_argument("--variants", nargs="+", default=None, choices=list(ALL_VARIANTS),
                    help="rank only these (default: the screen's 8 variants found in the CSVs)")
    ap.add_argument("--baseline", default=DEFAULT, choices=list(ALL_VARIANTS),
                    help="W/T/L and the rule against this variant (default: default)")
    ap.add_argument("--md", type=Path, default=None, help="also write the markdown here")
    args = ap.parse_args(argv)
    df = pd.concat([pd.read_csv(p) for p in args.csv], ignore_index=True)
    metas = []
    for p in args.csv:
        m = p.with_suffix(".meta.json")
        if m.exists():
            metas.append(json.loads(m.read_text()))
    text = report_markdown(df, metas, args.variants, args.baseline)
    if args.md is not None:
        args.md.write_text(text + "\n")
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "report":
        return report_main(argv[1:])
    if argv and argv[0] == "run":
        return run_main(argv[1:])
    print("usage: python -m benchmarks.mf_screen {run,report} ...  (see the module docstring)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
