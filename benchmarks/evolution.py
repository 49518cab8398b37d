"""EvolutionSearchCV and sklearn-genetic-opt's GASearchCV in the harness (issue 16).

The tools are registered next to those of :mod:`benchmarks.peers` and the run
goes through :func:`benchmarks.run.main`, so rows, CSV, ``--resume`` and the
report are the same::

    nice -n 10 python -m benchmarks.evolution --mode surrogate --budgets 40 100 \\
        --seeds 10 --tools skhpo_evo ga random --out benchmarks/results/evo.csv

Tools added here:

* ``skhpo_evo`` -- ``EvolutionSearchCV`` with its defaults (a generation of
  ``population_size=16`` per batch); ``skhpo_evo_elitist``,
  ``skhpo_evo_nocx`` and ``skhpo_evo_p8`` are the screening variants
  (elitist survivors; no crossover; a population of 8), and
  ``skhpo_evo_p8_elitist`` (both).
* ``skhpo_evo16`` / ``skhpo_tpe16`` -- ``EvolutionSearchCV`` and
  ``TPESearchCV`` with ``n_points=16`` (the large-batch comparison);
  ``skhpo_evo16_elitist`` and ``skhpo_evo16_p32`` (a population of two
  batches) are its screening variants.
* ``ga`` -- ``sklearn_genetic.GASearchCV`` (its defaults: eaMuPlusLambda,
  crossover 0.2, mutation 0.8, tournament 3, elitism) sized to the budget:
  ``population_size + 2 * population_size * generations`` evaluations
  (8 + 16 * 2 = 40, 20 + 40 * 2 = 100; other budgets: the nearest such
  size not above it). It evaluates each offspring with ``cross_validate``
  and caches repeated individuals; only the first evaluation of an
  individual counts as a fit and enters the trace. It has no log-uniform
  integers (those are uniform) and no alternative sub-spaces, so CASH
  tasks are "n/a".

Every tool here is run once per budget (none is treated as prefix-safe:
GASearchCV plans from its generations, and a truncated last generation of
EvolutionSearchCV is not the head of a full one).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

from . import peers as P
from . import run as R
from . import tasks as T

__all__ = ["TOOLS", "ga_size", "main"]


def _skhpo(name: str, problem: P.Problem, n_trials: int, seed: int, **extra: Any) -> P.RunResult:
    import skhpo

    space = T.to_skhpo(problem.task, problem.family_values)
    return P._run_search_cv(getattr(skhpo, name), space, problem, n_trials, seed, **extra)


def run_skhpo_evo(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    """EvolutionSearchCV with its defaults."""
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed)


def run_skhpo_evo_elitist(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, survivors="elitist")


def run_skhpo_evo_nocx(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, crossover_rate=0.0)


def run_skhpo_evo_p8(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, population_size=8)


def run_skhpo_evo_p8_elitist(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, population_size=8, survivors="elitist")


def run_skhpo_evo16(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, n_points=16)


def run_skhpo_evo16_elitist(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, n_points=16, survivors="elitist")


def run_skhpo_evo16_p32(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("EvolutionSearchCV", problem, n_trials, seed, n_points=16, population_size=32)


def run_skhpo_tpe16(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    return _skhpo("TPESearchCV", problem, n_trials, seed, n_points=16)


def ga_size(n_trials: int) -> tuple[int, int]:
    """``(population_size, generations)`` of GASearchCV for about ``n_trials`` evaluations.

    eaMuPlusLambda evaluates the population, then ``2 * population_size``
    offspring per generation; two generations when possible, as many
    evaluations as possible without exceeding ``n_trials``.
    """
    fixed = {40: (8, 2), 100: (20, 2)}
    if n_trials in fixed:
        return fixed[n_trials]
    best = (max(2, n_trials), 0)
    for gens in (2, 3, 4, 1):
        pop = n_trials // (1 + 2 * gens)
        if pop >= 4:
            return pop, gens
    return best


def _ga_space(task: T.Task) -> dict | None:
    from sklearn_genetic.space import Categorical, Continuous, Integer

    if task.is_cash:
        return None
    out = {}
    for name, p in task.subspaces[0].items():
        if isinstance(p, T.Family):
            return None
        if p.kind == "real":
            out[name] = Continuous(p.low, p.high, distribution="log-uniform" if p.log else "uniform")
        elif p.kind == "int":
            out[name] = Integer(int(p.low), int(p.high))  # no log-uniform integers in sklearn-genetic-opt
        else:
            out[name] = Categorical(list(p.choices))
    return out


def _as_regressor(estimator: Any) -> Any:
    """The same estimator, in a subclass tagged as a regressor (its ``score`` unchanged)."""
    base = type(estimator)

    def __sklearn_tags__(self: Any) -> Any:
        tags = base.__sklearn_tags__(self)
        tags.estimator_type = "regressor"
        return tags

    cls = type(base.__name__, (base,), {"__sklearn_tags__": __sklearn_tags__, "__module__": base.__module__})
    return cls(**estimator.get_params(deep=False))


def run_ga(problem: P.Problem, n_trials: int, seed: int) -> P.RunResult:
    """sklearn-genetic-opt's GASearchCV, sized to ``n_trials`` evaluations (see :func:`ga_size`)."""
    space = _ga_space(problem.task)
    if space is None:
        return P.RunResult(status="n/a: cannot express the space (no alternative sub-spaces)")
    import random

    from sklearn_genetic import GASearchCV

    class _Traced(GASearchCV):
        """Records the score of each individual's first evaluation (a real fit)."""

        def evaluate(self, individual: Any) -> Any:
            params = {k: individual[i] for i, k in enumerate(self.space.parameters)}
            key = tuple(sorted(params.items()))
            new = key not in self.fitness_cache
            t0 = time.perf_counter()
            out = super().evaluate(individual)
            if new:
                self._trace_.append((float(out[0]), params, time.perf_counter() - t0))
            return out

    estimator = problem.estimator
    from sklearn.base import is_classifier, is_regressor

    if not (is_classifier(estimator) or is_regressor(estimator)):
        # GASearchCV refuses estimators of no declared type, such as the
        # surrogate's fake estimators; their own score() is used either way.
        estimator = _as_regressor(estimator)
    pop, gens = ga_size(n_trials)
    random.seed(seed)  # DEAP draws from the random module
    np.random.seed(seed)
    search = _Traced(
        estimator,
        cv=problem.cv(),
        param_grid=space,
        scoring=problem.scoring,
        population_size=pop,
        generations=gens,
        n_jobs=1,
        verbose=False,
        refit=True,
        error_score=np.nan,
    )
    search._trace_ = []
    t0 = time.perf_counter()
    search.fit(problem.X_train, problem.y_train)
    wall = time.perf_counter() - t0
    trace = search._trace_[:n_trials]
    scores = [s for s, _, _ in trace]
    best = int(np.nanargmax(scores))
    fit = sum(t for _, _, t in search._trace_) + float(getattr(search, "refit_time_", 0.0) or 0.0)
    return P.RunResult(
        scores=scores,
        params=[p for _, p, _ in trace],
        best_cv=float(scores[best]),
        test_score=problem.refit_test_score(trace[best][1]),
        wall_time=wall,
        fit_time=fit,
    )


#: name -> (adapter, comparison group, description), as ``benchmarks.peers.TOOLS``.
TOOLS = {
    "skhpo_evo": (run_skhpo_evo, "evolution", "skhpo EvolutionSearchCV (defaults)"),
    "skhpo_evo_elitist": (run_skhpo_evo_elitist, "evolution", "EvolutionSearchCV(survivors='elitist')"),
    "skhpo_evo_nocx": (run_skhpo_evo_nocx, "evolution", "EvolutionSearchCV(crossover_rate=0)"),
    "skhpo_evo_p8": (run_skhpo_evo_p8, "evolution", "EvolutionSearchCV(population_size=8)"),
    "skhpo_evo_p8_elitist": (run_skhpo_evo_p8_elitist, "evolution", "EvolutionSearchCV(population_size=8, survivors='elitist')"),
    "skhpo_evo16": (run_skhpo_evo16, "batch16", "EvolutionSearchCV(n_points=16)"),
    "skhpo_evo16_elitist": (run_skhpo_evo16_elitist, "batch16", "EvolutionSearchCV(n_points=16, survivors='elitist')"),
    "skhpo_evo16_p32": (run_skhpo_evo16_p32, "batch16", "EvolutionSearchCV(n_points=16, population_size=32)"),
    "skhpo_tpe16": (run_skhpo_tpe16, "batch16", "TPESearchCV(n_points=16)"),
    "ga": (run_ga, "evolution", "sklearn-genetic-opt GASearchCV (eaMuPlusLambda, sized to the budget)"),
}


def overhead(n_trials: int = 160, batch: int = 16, seeds: int = 5) -> list[dict]:
    """Optimizer-only seconds per candidate (ask + tell) on each task's space.

    The evolution engine and TPE are driven by hand in batches of ``batch``
    with a cheap score (the negative distance of the unit vector to 0.3), so
    only their own time is measured; it is compared with the real CV cost
    per configuration of the task (``surrogate_data``'s seconds).
    """
    from skhpo.optimizers import EvolutionOptimizer, TPEOptimizer
    from skhpo.space import space_for_estimator

    from .surrogate import surrogate_data

    rows = []
    for name in ("svc_digits", "xgb_breast_cancer", "lgbm_classif", "hgb_friedman", "cash4"):
        task = T.get_task(name)
        space = space_for_estimator(T.to_skhpo(task), task.make_estimator())
        cost = float(np.mean(surrogate_data(task)["seconds"]))
        for label, cls in (("evolution", EvolutionOptimizer), ("tpe", TPEOptimizer)):
            times = []
            for seed in range(seeds):
                opt = cls(space, random_state=seed)
                t0 = time.perf_counter()
                while opt.n_observations < n_trials:
                    cands = opt.ask(batch)
                    opt.tell(cands, [-float(np.nansum((c.vector - 0.3) ** 2)) for c in cands])
                times.append((time.perf_counter() - t0) / n_trials)
            own = float(np.median(times))
            rows.append({"task": name, "engine": label, "s_per_candidate": own, "cv_s_per_candidate": cost,
                         "share": own / (own + cost)})
            print(f"{name:18s} {label:9s} {own * 1e3:8.2f} ms/candidate  CV {cost:.2f} s  "
                  f"share {100 * own / (own + cost):.3f}%", flush=True)
    return rows


def rank_table(paths: list[str], tools: list[str]) -> str:
    """Markdown: mean best-CV rank of ``tools`` per budget (all tasks, and per task).

    Ranks are taken in each (task, seed, budget) cell among the tools that
    ran there (1 = best, ties share the mean rank); a tool that cannot
    express a task ("n/a") is left out of that task's cells, and the task's
    column is marked ``*``. Also the mean best CV per task and the mean wall
    seconds per run.
    """
    import pandas as pd

    df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    df = df[df["tool"].isin(tools)]
    ok = df[df["status"] == "ok"].copy()
    ok["rank"] = ok.groupby(["task", "seed", "budget"])["best_cv"].rank(ascending=False, method="average")
    tasks = sorted(df["task"].unique())
    na = {t for t in tasks if (df[(df["task"] == t)]["status"].str.startswith("n/a")).any()}
    lines = []
    for b in sorted(ok["budget"].unique()):
        sub = ok[ok["budget"] == b]
        full = sub[~sub["task"].isin(na)]
        head = "| tool | rank, tasks it ran | rank, tasks all ran | " + " | ".join(
            t + ("*" if t in na else "") for t in tasks) + " |"
        lines += [f"**{b} fits** (seeds: {sub['seed'].nunique()})", "", head,
                  "|---" * (3 + len(tasks)) + "|"]
        for tool in tools:
            r = sub[sub["tool"] == tool]
            if r.empty:
                continue
            cells = [f"{r['rank'].mean():.2f}", f"{full[full['tool'] == tool]['rank'].mean():.2f}"]
            for t in tasks:
                rt = r[r["task"] == t]
                cells.append(f"{rt['rank'].mean():.2f} ({rt['best_cv'].mean():.4f})" if len(rt) else "n/a")
            lines.append(f"| {tool} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``benchmarks.run``'s command line, with the tools above added.

    ``python -m benchmarks.evolution overhead`` prints :func:`overhead` instead.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["overhead"]:
        overhead()
        return 0
    if argv[:1] == ["report"]:  # report CSV... --tools a b c
        i = argv.index("--tools")
        print(rank_table(argv[1:i], argv[i + 1:]))
        return 0
    R.TOOLS = {**P.TOOLS, **TOOLS}
    base_prefix_safe = P.prefix_safe
    R.prefix_safe = lambda tool, task: tool not in TOOLS and base_prefix_safe(tool, task)
    rc = R.main(argv)
    out = argv[argv.index("--out") + 1] if "--out" in argv else None
    if out is not None:  # the recorded command is this module's
        from pathlib import Path

        meta_path = Path(out).with_suffix(".meta.json")
        meta = json.loads(meta_path.read_text())
        meta["command"] = meta["command"].replace("benchmarks.run", "benchmarks.evolution", 1)
        meta_path.write_text(json.dumps(meta, indent=2))
    return rc


if __name__ == "__main__":
    sys.exit(main())
