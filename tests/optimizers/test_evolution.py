"""EvolutionOptimizer: its operators on tiny hand-checked cases, and the engine.

Also the two BaseOptimizer behaviours the engine relies on: a proposer that
asks to retry after duplicates is called again (not replaced by random
points), and missing active columns of a proposal are drawn from the prior
rather than centred by ``snap``.
"""

import numpy as np
import pytest

from skhpo.optimizers import BaseOptimizer, EvolutionOptimizer
from skhpo.optimizers._evolution._operators import (
    crossover,
    mutate,
    mutate_step_size,
    select_survivors,
    switch_subspace,
    tournament,
)
from skhpo.space import Categorical, Integer, Ordinal, Real, SearchSpace


def _cash():
    return SearchSpace(
        [
            {"model": ["svm"], "C": Real(1e-3, 1e3, prior="log-uniform"), "kernel": ["rbf", "poly"]},
            {"model": ["lr"], "C": Real(1e-3, 1e3, prior="log-uniform")},
            {"model": ["knn"], "k": Integer(1, 50)},
        ]
    )


# --------------------------------------------------------------- tournament
def test_tournament_of_everyone_picks_the_best():
    f = np.array([0.3, 0.9, 0.1])
    assert all(tournament(f, 3, np.random.default_rng(s)) == 1 for s in range(20))


@pytest.mark.parametrize("bad", [np.nan, -np.inf, np.inf])
def test_tournament_failures_have_the_worst_fitness(bad):
    f = np.array([bad, -5.0, bad])
    assert all(tournament(f, 3, np.random.default_rng(s)) == 1 for s in range(20))


def test_tournament_of_failures_only_does_not_crash():
    f = np.array([np.nan, np.nan])
    assert tournament(f, 2, np.random.default_rng(0)) in (0, 1)


def test_tournament_size_one_is_uniform():
    f = np.array([0.0, 1.0, 2.0, 3.0])
    wins = np.bincount([tournament(f, 1, np.random.default_rng(s)) for s in range(400)], minlength=4)
    assert wins.min() > 60


# ---------------------------------------------------------------- survivors
def test_aging_keeps_the_youngest_and_elitism_the_best():
    f = np.array([0.9, 0.1, np.nan, 0.5, 0.2])
    assert select_survivors(f, 3, "aging").tolist() == [2, 3, 4]
    assert select_survivors(f, 3, "elitist").tolist() == [0, 3, 4]
    assert select_survivors(f, 10, "elitist").tolist() == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------- crossover
def test_crossover_within_a_subspace_mixes_parameters():
    space = SearchSpace({"a": (0.0, 1.0), "b": (0.0, 1.0), "c": ["x", "y"]})
    a, b = np.array([0.1, 0.1, 0.25]), np.array([0.9, 0.9, 0.75])
    assert crossover(space, a, b, np.random.default_rng(0), p=0.0).tolist() == a.tolist()
    assert crossover(space, a, b, np.random.default_rng(0), p=1.0).tolist() == b.tolist()
    mixed = {tuple(crossover(space, a, b, np.random.default_rng(s))) for s in range(30)}
    assert len(mixed) > 2
    for child in mixed:
        assert all(child[j] in (a[j], b[j]) for j in range(3))


def test_crossover_never_sets_a_parameter_inactive_in_the_childs_subspace():
    space = _cash()
    rng = np.random.default_rng(0)
    X = space.sample(60, rng)
    for i in range(0, 60, 2):
        a, b = X[i], X[i + 1]
        child = crossover(space, a, b, rng, p=1.0)
        s = int(space.subspace_of(a[None, :])[0])
        assert int(space.subspace_of(child[None, :])[0]) == s  # the first parent's sub-space
        assert np.isnan(child[~space.active[s]]).all()
        assert not np.isnan(child[space.active[s]]).any()


def test_crossover_across_subspaces_exchanges_only_equal_shared_parameters():
    space = _cash()
    svm = space.encode({"model": "svm", "C": 1.0, "kernel": "poly"}).vector
    lr = space.encode({"model": "lr", "C": 100.0}).vector
    knn = space.encode({"model": "knn", "k": 7}).vector
    child = space.to_candidate(crossover(space, svm, lr, np.random.default_rng(0), p=1.0))
    assert child.params == {"model": "svm", "C": pytest.approx(100.0), "kernel": "poly"}
    child = space.to_candidate(crossover(space, svm, knn, np.random.default_rng(0), p=1.0))
    assert child.params == {"model": "svm", "C": pytest.approx(1.0), "kernel": "poly"}


# ----------------------------------------------------------------- mutation
def _mutated_values(space, params, step, n=200, name=None):
    x = space.encode(params).vector
    out = []
    for s in range(n):
        y = space.snap(mutate(space, x, step, np.random.default_rng(s))[None, :])[0]
        out.append(space.to_candidate(y).params[name or next(iter(params))])
    return out


def test_mutation_respects_bounds_and_types():
    space = SearchSpace(
        {
            "r": Real(-1.0, 1.0),
            "lr": Real(1e-4, 1.0, prior="log-uniform"),
            "i": Integer(1, 5),
            "li": Integer(1, 1000, prior="log-uniform"),
            "o": Ordinal([1, 2, 4, 8, 16]),
            "c": Categorical(["a", "b", "c"]),
        }
    )
    x = space.encode({"r": 0.99, "lr": 0.9, "i": 5, "li": 1, "o": 16, "c": "a"}).vector
    for s in range(200):
        raw = mutate(space, x, 0.5, np.random.default_rng(s), rate=1.0)
        assert np.all((raw >= 0) & (raw <= 1))
        p = space.to_candidate(raw).params
        assert -1.0 <= p["r"] <= 1.0 and 1e-4 <= p["lr"] <= 1.0
        assert isinstance(p["i"], int) and 1 <= p["i"] <= 5
        assert isinstance(p["li"], int) and 1 <= p["li"] <= 1000
        assert p["o"] in (1, 2, 4, 8, 16)
        assert p["c"] in ("b", "c")  # a categorical mutation is another choice


def test_mutation_of_a_log_dimension_is_relative():
    space = SearchSpace({"C": Real(1e-6, 1e6, prior="log-uniform")})
    logs = np.log10(_mutated_values(space, {"C": 1e-3}, 0.05, n=300))
    # 0.05 of a 12-decade range is 0.6 decade: symmetric in log10, around -3.
    assert abs(np.median(logs) + 3) < 0.15
    assert 0.4 < np.std(logs) < 0.8


def test_a_discrete_mutation_is_never_void():
    # A tiny step would stay in the value's cell: it moves to a neighbour.
    space = SearchSpace({"i": Integer(1, 10)})
    values = _mutated_values(space, {"i": 4}, 1e-3)
    assert set(values) == {3, 5}
    assert set(_mutated_values(space, {"i": 10}, 1e-3)) == {9}  # at the bound: inwards
    space = SearchSpace({"o": Ordinal([1, 2, 4, 8])})
    assert set(_mutated_values(space, {"o": 2}, 1e-3)) == {1, 4}
    space = SearchSpace({"n": Integer(1, 1000, prior="log-uniform")})
    assert set(_mutated_values(space, {"n": 1}, 1e-3)) == {2}


def test_mutation_rate_one_changes_every_parameter_and_at_least_one_always_changes():
    space = SearchSpace({"a": ["x", "y"], "b": ["x", "y"], "c": ["x", "y"]})
    x = space.encode({"a": "x", "b": "x", "c": "x"}).vector
    assert space.to_candidate(mutate(space, x, 0.2, np.random.default_rng(0), rate=1.0)).params == {
        "a": "y", "b": "y", "c": "y"
    }
    for s in range(50):
        p = space.to_candidate(mutate(space, x, 0.2, np.random.default_rng(s), rate=1e-9)).params
        assert sum(v == "y" for v in p.values()) == 1
        p = space.to_candidate(mutate(space, x, 0.2, np.random.default_rng(s), rate=1e-9, min_changes=2)).params
        assert sum(v == "y" for v in p.values()) == 2


def test_step_size_self_adaptation_stays_in_bounds_and_is_log_symmetric():
    rng = np.random.default_rng(0)
    steps = np.array([mutate_step_size(0.05, 4, rng) for _ in range(2000)])
    assert steps.min() >= 1e-3 and steps.max() <= 0.5
    assert abs(np.median(np.log(steps / 0.05))) < 0.05


def test_a_subspace_switch_samples_the_new_columns():
    space = _cash()
    x = space.encode({"model": "svm", "C": 1.0, "kernel": "rbf"}).vector
    seen_k, subs = set(), set()
    for s in range(200):
        y = switch_subspace(space, x, np.random.default_rng(s))
        t = int(space.subspace_of(y[None, :])[0])
        subs.add(t)
        assert t != 0
        assert np.isnan(y[~space.active[t]]).all() and not np.isnan(y[space.active[t]]).any()
        if t == 2:
            seen_k.add(space.to_candidate(y).params["k"])
    assert subs == {1, 2}
    assert len(seen_k) > 20  # drawn from the prior, not the centre of the range


def test_switch_in_a_single_subspace_is_the_identity():
    space = SearchSpace({"a": (0.0, 1.0)})
    assert switch_subspace(space, np.array([0.3]), np.random.default_rng(0)).tolist() == [0.3]


# ------------------------------------------------------------------- engine
def test_the_first_generation_is_the_sobol_design_then_children():
    opt = EvolutionOptimizer({"x": (0.0, 1.0), "y": (0.0, 1.0)}, population_size=8, random_state=0)
    assert opt.n_initial_points_ == 8
    first = opt.ask(8)
    design = opt.space.sobol(8, np.random.default_rng(0))
    assert len(first) == 8
    opt.tell(first, [c.params["x"] for c in first])
    assert len(opt.ask(8)) == 8
    assert design.shape == (8, 2)


@pytest.mark.parametrize("survivors", ["aging", "elitist"])
def test_the_population_improves_towards_a_known_optimum(survivors):
    space = SearchSpace(
        {
            "x": Real(-5.0, 5.0),
            "lr": Real(1e-5, 1.0, prior="log-uniform"),
            "n": Integer(1, 64, prior="log-uniform"),
            "k": ["a", "b", "c", "d"],
        }
    )

    def f(p):
        return -(p["x"] - 1.5) ** 2 - (np.log10(p["lr"]) + 2) ** 2 - (np.log2(p["n"]) - 3) ** 2 - 2 * (p["k"] != "c")

    finals = []
    for seed in range(3):
        opt = EvolutionOptimizer(space, population_size=12, survivors=survivors, random_state=seed)
        means = []
        for _ in range(12):
            cands = opt.ask(12)
            scores = [f(c.params) for c in cands]
            opt.tell(cands, scores)
            means.append(np.mean(scores))
        assert np.mean(means[-3:]) > np.mean(means[:1]) + 5  # the generations get better
        finals.append(opt.y_.max())
    assert np.median(finals) > -0.5  # the optimum is 0


def test_failures_never_crash_selection_and_are_not_parents():
    space = SearchSpace({"x": (0.0, 1.0)})
    gaps = []
    for seed in range(5):  # a single seed's outcome depends on numpy's and scipy's streams
        opt = EvolutionOptimizer(space, population_size=6, random_state=seed)
        for gen in range(6):
            cands = opt.ask(6)
            # Half of every generation fails, the other half is scored.
            opt.tell(cands, [np.nan if i % 2 else -abs(c.params["x"] - 0.2) for i, c in enumerate(cands)])
        assert np.isfinite(opt.y_).sum() >= 18
        gaps.append(abs(opt.X_[np.nanargmax(np.where(np.isfinite(opt.y_), opt.y_, np.nan))][0] - 0.2))
    assert np.median(gaps) < 0.05, gaps


def test_all_failures_still_propose():
    opt = EvolutionOptimizer({"x": (0.0, 1.0), "k": ["a", "b"]}, population_size=4, random_state=0)
    for _ in range(4):
        cands = opt.ask(4)
        opt.tell(cands, [np.nan] * len(cands))
    assert len(opt.ask(4)) == 4


def test_a_cash_search_visits_every_family_and_favours_the_best():
    space = _cash()
    favoured = 0
    for seed in range(5):  # a single seed's outcome depends on numpy's and scipy's streams
        opt = EvolutionOptimizer(space, population_size=12, random_state=seed)
        for _ in range(10):
            cands = opt.ask(12)
            opt.tell(cands, [1.0 * (c.params["model"] == "knn") - abs(c.params.get("k", 0) - 10) / 50
                             for c in cands])
        families = np.bincount(opt.subspace_[12:], minlength=3)
        assert families.sum() == 108 and (np.bincount(opt.subspace_, minlength=3) > 0).all()
        favoured += families[2] > families[0] and families[2] > families[1]
    assert favoured >= 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"population_size": 1}, "population_size"),
        ({"survivors": "oldest"}, "survivors"),
        ({"tournament_size": 0}, "tournament_size"),
        ({"crossover_rate": 1.5}, "crossover_rate"),
        ({"mutation_rate": 0}, "mutation_rate"),
        ({"mutation_rate": -0.1}, "mutation_rate"),
        ({"switch_rate": "0.1"}, "switch_rate"),
        ({"initial_step": 0.0}, "initial_step"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EvolutionOptimizer({"x": (0.0, 1.0)}, **kwargs)


# ------------------------------------------------------- BaseOptimizer fixes
class _Repeater(BaseOptimizer):
    """Proposes the best candidate so far first; counts its calls."""

    def __init__(self, space, retry, **kwargs):
        super().__init__(space, **kwargs)
        self.retry = retry
        self.calls = []
        self.told_duplicates = []

    def _propose(self, n, pending):
        self.calls.append(n)
        obs = self.model_observations()
        best = obs.X[np.argmax(obs.y_imputed)]
        if len(self.calls) % 2:  # every other call repeats the best point
            return np.repeat(best[None, :], n, axis=0)
        taken = {self.space.key(x) for x in pending}
        free = [x for x in self.space.grid() if (k := self.space.key(x)) not in self._seen and k not in taken]
        return np.array(free[:n])

    def _on_duplicates(self, X, attempt):
        self.told_duplicates.append(len(X))
        return self.retry


def test_duplicates_are_told_to_the_proposer_and_retried_when_it_asks():
    space = SearchSpace({"a": Integer(1, 4), "b": ["x", "y", "z"]})
    opt = _Repeater(space, retry=True, n_initial_points=2, random_state=0)
    opt.tell(opt.ask(2), [0.1, 0.2])
    fill = opt._random_unseen
    opt._random_unseen = lambda *a: pytest.fail("fell back to random points")
    cands = opt.ask(3)
    opt._random_unseen = fill
    assert len(cands) == 3 and len({c.key for c in cands}) == 3
    assert opt.calls == [3, 3] and opt.told_duplicates == [3]


def test_a_proposer_that_does_not_ask_to_retry_gets_random_fill():
    space = SearchSpace({"a": Integer(1, 4), "b": ["x", "y", "z"]})
    opt = _Repeater(space, retry=False, n_initial_points=2, random_state=0)
    opt.tell(opt.ask(2), [0.1, 0.2])
    cands = opt.ask(3)
    assert len({c.key for c in cands}) == 3
    assert opt.calls == [3] and opt.told_duplicates == [3]


def test_evolution_on_a_small_discrete_space_is_not_random_fill():
    space = SearchSpace({"a": Integer(1, 5), "b": Integer(1, 5), "c": ["x", "y"]})
    n_fills, n_optimum = [], 0
    for seed in range(5):  # a single seed's outcome depends on numpy's and scipy's streams
        opt = EvolutionOptimizer(space, population_size=6, random_state=seed)
        fills = []
        fill = opt._random_unseen

        def spy(n, exclude, fills=fills, fill=fill):
            fills.append(n)
            return fill(n, exclude)

        opt._random_unseen = spy
        n_asked = 0
        while n_asked < 36:
            cands = opt.ask(6)
            n_asked += len(cands)
            opt.tell(cands, [-abs(c.params["a"] - 4) - abs(c.params["b"] - 2) for c in cands])
        assert len({c for c in map(tuple, opt.X_)}) == len(opt.X_)
        n_fills.append(sum(fills))
        n_optimum += opt.y_.max() == 0  # the optimum, a = 4 and b = 2
    # Of 30 children per run, few are replaced by random points (they are bred again);
    # without the retry of duplicates, most children late in a run would be.
    assert np.median(n_fills) <= 4 and max(n_fills) <= 8, n_fills
    assert n_optimum >= 4


class _LeavesNaN(BaseOptimizer):
    """Proposes the root of sub-space 1 and leaves its columns missing."""

    def _propose(self, n, pending):
        X = np.full((n, self.space.n_columns), np.nan)
        X[:, 0] = 0.75
        return X


def test_missing_active_columns_are_drawn_from_the_prior_not_centred():
    space = SearchSpace([{"a": Real(0.0, 1.0)}, {"b": Real(0.0, 1.0), "k": Integer(1, 100)}])
    opt = _LeavesNaN(space, n_initial_points=1, random_state=0)
    opt.tell(opt.ask(1), [0.0])
    cands = [c for _ in range(20) for c in opt.ask(1)]
    assert all(c.subspace == 1 for c in cands)
    b = [c.params["b"] for c in cands]
    assert len(set(b)) == 20 and min(b) < 0.3 and max(b) > 0.7
    assert len({c.params["k"] for c in cands}) > 10


def test_complete_proposals_use_no_random_numbers_for_the_fill():
    space = SearchSpace({"a": Real(0.0, 1.0)})
    opt = EvolutionOptimizer(space, random_state=0)
    state = opt.rng.bit_generator.state
    X = np.array([[0.3], [0.6]])
    assert opt._fill_missing(X) is not None and np.array_equal(opt._fill_missing(X), X)
    assert opt.rng.bit_generator.state == state
