"""Hyperband's schedule, successive halving's promotions and the scheduler."""

import ast
import math
import pathlib

import numpy as np
import pytest

import skhpo.optimizers
from skhpo.optimizers import (
    Batch,
    HyperbandScheduler,
    RandomOptimizer,
    TPEOptimizer,
    hyperband_brackets,
    successive_halving_promotions,
)
from skhpo.optimizers._hyperband._schedule import n_to_promote
from skhpo.space import Integer, Real, SearchSpace


# --------------------------------------------------------------------------
# The schedule
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "min_resources, max_resources, factor, expected",
    [
        # Table 1 of Li et al. (JMLR 2018): R = 81, eta = 3.
        (1, 81, 3, [
            [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
            [(34, 3), (11, 9), (3, 27), (1, 81)],
            [(15, 9), (5, 27), (1, 81)],
            [(8, 27), (2, 81)],
            [(5, 81)],
        ]),
        (1, 9, 3, [[(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)]]),
        # max / min is not a power of the factor: resources are counted back from max.
        (10, 100, 3, [[(9, 11), (3, 33), (1, 100)], [(5, 33), (1, 100)], [(3, 100)]]),
        (3, 80, 3, [[(9, 8), (3, 26), (1, 80)], [(5, 26), (1, 80)], [(3, 80)]]),
        (20, 1000, 4, [[(16, 62), (4, 250), (1, 1000)], [(6, 250), (1, 1000)], [(3, 1000)]]),
        (1, 8, 2, [
            [(8, 1), (4, 2), (2, 4), (1, 8)],
            [(6, 2), (3, 4), (1, 8)],
            [(4, 4), (2, 8)],
            [(4, 8)],
        ]),
        # Fewer resources than one factor step: one bracket, full budget only.
        (5, 5, 3, [[(1, 5)]]),
        (5, 14, 3, [[(1, 14)]]),
        (5, 15, 3, [[(3, 5), (1, 15)], [(2, 15)]]),
    ],
)
def test_hyperband_brackets(min_resources, max_resources, factor, expected):
    brackets = hyperband_brackets(min_resources, max_resources, factor)
    assert [[tuple(r) for r in b.rungs] for b in brackets] == expected
    assert [b.index for b in brackets] == list(range(len(expected) - 1, -1, -1))


@pytest.mark.parametrize("factor", [2, 3, 4, 5])
@pytest.mark.parametrize("min_resources", [1, 3, 7, 50])
@pytest.mark.parametrize("ratio", [1, 2, 3, 10, 27, 28, 100, 999])
def test_schedule_invariants(min_resources, ratio, factor):
    max_resources = min_resources * ratio
    brackets = hyperband_brackets(min_resources, max_resources, factor)
    s_max = brackets[0].index
    # s_max is the largest s with min * factor ** s <= max.
    assert min_resources * factor**s_max <= max_resources < min_resources * factor ** (s_max + 1)
    for b in brackets:
        assert len(b.rungs) == b.index + 1
        assert b.rungs[-1].n_resources == max_resources
        assert b.rungs[0].n_resources >= min_resources
        assert b.rungs[-1].n_candidates >= 1
        for lo, hi in zip(b.rungs, b.rungs[1:]):
            assert hi.n_candidates == lo.n_candidates // factor
            assert lo.n_resources * factor <= hi.n_resources < (lo.n_resources + 1) * factor


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_resources": 0, "max_resources": 9}, "min_resources must be a positive int, got min_resources=0"),
        ({"min_resources": 1.5, "max_resources": 9}, "min_resources must be a positive int, got min_resources=1.5"),
        ({"min_resources": 1, "max_resources": True}, "max_resources must be a positive int, got max_resources=True"),
        ({"min_resources": 10, "max_resources": 9}, "min_resources must not exceed max_resources, got min_resources=10"),
        ({"min_resources": 1, "max_resources": 9, "factor": 1}, "factor must be an int >= 2, got factor=1"),
        ({"min_resources": 1, "max_resources": 9, "factor": 2.5}, "factor must be an int >= 2, got factor=2.5"),
    ],
)
def test_hyperband_brackets_input_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hyperband_brackets(**kwargs)


# --------------------------------------------------------------------------
# Promotions
# --------------------------------------------------------------------------
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "scores, n, expected",
    [
        ([0.1, 0.5, 0.3], 2, [1, 2]),
        ([0.1, 0.5, 0.3], 0, []),
        ([0.1, 0.5, 0.3], 5, [1, 2, 0]),
        ([NAN, 0.5, -INF, 0.3, INF], 3, [1, 3]),  # non-finite scores are never promoted
        ([NAN, NAN, -INF], 1, []),
        ([0.2, 0.7, 0.2, 0.7], 3, [1, 3, 0]),  # ties go to the earlier candidate
        ([-5.0, -1.0, -3.0], 1, [1]),
        ([], 2, []),
    ],
)
def test_successive_halving_promotions(scores, n, expected):
    assert successive_halving_promotions(scores, n).tolist() == expected


@pytest.mark.parametrize(
    "n_evaluated, n_planned, factor, expected",
    [
        (81, 27, 3, 27),  # a full rung keeps the planned size
        (34, 11, 3, 11),
        (5, 27, 3, 2),  # a short rung keeps one in factor, rounded up
        (1, 27, 3, 1),
        (2, 1, 3, 1),
        (8, 4, 2, 4),
    ],
)
def test_n_to_promote(n_evaluated, n_planned, factor, expected):
    assert n_to_promote(n_evaluated, n_planned, factor) == expected


# --------------------------------------------------------------------------
# The scheduler
# --------------------------------------------------------------------------
def _space():
    return SearchSpace({"x": Real(0.0, 1.0), "k": Integer(1, 20)})


def _learning_curve(c, n_resources, max_resources=27):
    """Scores rise with the resources towards a value best at x = 0.3."""
    final = -((c.params["x"] - 0.3) ** 2) - 0.001 * c.params["k"]
    return final - 0.5 * (1.0 - n_resources / max_resources)


def _run(sched, objective=_learning_curve):
    batches = []
    while (batch := sched.next_batch()) is not None:
        scores = [objective(c, batch.n_resources) for c in batch.candidates]
        batches.append((batch, scores))
        sched.tell(scores)
    return batches


@pytest.mark.parametrize("proposer_cls", [RandomOptimizer, TPEOptimizer])
def test_a_full_run_follows_the_schedule(proposer_cls):
    proposer = proposer_cls(_space(), random_state=0)
    sched = HyperbandScheduler(proposer, min_resources=1, max_resources=27, factor=3, n_iter=60)
    batches = _run(sched)
    schedule = hyperband_brackets(1, 27, 3)
    started = set()
    prev = None
    for batch, scores in batches:
        assert isinstance(batch, Batch)
        planned = schedule[batch.bracket % len(schedule)].rungs[batch.rung]
        assert batch.n_resources == planned.n_resources
        if batch.rung == 0:
            keys = {c.key for c in batch.candidates}
            assert not keys & started, "a configuration was started twice"
            started |= keys
            # Only the last bracket may start fewer than planned (the budget left).
            assert len(batch.candidates) == planned.n_candidates or batch.bracket == batches[-1][0].bracket
        else:
            pbatch, pscores = prev
            assert (pbatch.bracket, pbatch.rung) == (batch.bracket, batch.rung - 1)
            ranked = [pbatch.candidates[i].key for i in np.argsort(-np.asarray(pscores), kind="stable")]
            keep = n_to_promote(len(pbatch.candidates), planned.n_candidates, 3)
            assert [c.key for c in batch.candidates] == ranked[:keep]
        prev = (batch, scores)
    # Every bracket reaches the full budget.
    last = {}
    for b, _ in batches:
        last[b.bracket] = b
    assert all(b.n_resources == 27 for b in last.values())
    # Brackets run in Hyperband's order, most rungs first, then start over.
    firsts = [b.bracket for b, _ in batches if b.rung == 0]
    assert firsts == list(range(len(firsts)))
    assert len(firsts) > len(schedule)
    # The budget is respected, and nearly used up.
    assert sched.n_resources_spent_ == sum(len(b.candidates) * b.n_resources for b, _ in batches)
    assert 60 - 1.5 < sched.budget_spent_ <= 60
    assert sched.n_configurations_ == len(started) == proposer.n_configurations
    # The proposer saw every score, with its budget.
    assert proposer.n_observations == sum(len(b.candidates) for b, _ in batches)
    assert sorted(set(proposer.budget_.tolist())) == [1, 3, 9, 27]
    assert proposer.n_pending == 0
    full = proposer.observations(27)
    assert len(full.y) > 0 and float(np.max(full.y)) > -0.05


def test_promoted_candidates_are_pending_at_the_next_budget():
    proposer = RandomOptimizer(_space(), random_state=0)
    sched = HyperbandScheduler(proposer, min_resources=1, max_resources=9)
    batch = sched.next_batch()
    assert proposer.n_pending == 9
    sched.tell(np.linspace(0.0, 1.0, 9))
    assert proposer.n_pending == 3
    nxt = sched.next_batch()
    assert [c.key for c in nxt.candidates] == [c.key for c in batch.candidates[::-1][:3]]
    sched.tell([0.1, 0.2, 0.3])
    assert proposer.observations(3).y.tolist() == [0.1, 0.2, 0.3]


def test_failures_are_never_promoted():
    def objective(c, n_resources):
        return NAN if c.params["k"] % 3 == 0 else (-INF if c.params["k"] % 3 == 1 else _learning_curve(c, n_resources))

    proposer = RandomOptimizer(_space(), random_state=1)
    batches = _run(HyperbandScheduler(proposer, min_resources=1, max_resources=27, n_iter=30), objective)
    for (batch, scores), (nxt, _) in zip(batches, batches[1:]):
        if nxt.rung > 0:
            failed = {c.key for c, s in zip(batch.candidates, scores) if not math.isfinite(s)}
            assert not failed & {c.key for c in nxt.candidates}
    assert any(b.rung > 0 for b, _ in batches)


def test_a_rung_that_failed_entirely_ends_its_bracket():
    proposer = RandomOptimizer(_space(), random_state=0)
    sched = HyperbandScheduler(proposer, min_resources=1, max_resources=9)
    first = sched.next_batch()
    sched.tell([NAN, INF, -INF] * 3)
    second = sched.next_batch()
    assert (second.bracket, second.rung, second.n_resources) == (1, 0, 3)
    assert not {c.key for c in first.candidates} & {c.key for c in second.candidates}
    assert proposer.n_pending == 5


def test_a_finite_space_that_runs_out_ends_the_search():
    space = SearchSpace({"a": [1, 2, 3], "b": ["u", "v"]})
    proposer = RandomOptimizer(space, random_state=0)
    batches = _run(HyperbandScheduler(proposer, min_resources=1, max_resources=9),
                   lambda c, r: c.params["a"] + r / 10)
    sizes = [(b.bracket, b.rung, len(b.candidates)) for b, _ in batches]
    # 6 of the planned 9 start; a short rung keeps ceil(6 / 3) = 2, then 1.
    assert sizes == [(0, 0, 6), (0, 1, 2), (0, 2, 1)]
    assert proposer.exhausted


@pytest.mark.parametrize(
    "min_resources, max_resources, n_iter, expected",
    [
        # 18 resources: bracket s=2 starts 3 (3 + 1 * 3 + 1 * 9 = 15); no lone
        # configuration fits in the 3 left, whatever the bracket.
        (1, 9, 2, [(0, 3, 1), (0, 1, 3), (0, 1, 9)]),
        # 9 resources: a lone configuration costs 13 in bracket s=2, 12 in
        # s=1, 9 in s=0: the first bracket that fits runs.
        (1, 9, 1, [(2, 1, 9)]),
        (3, 9, 1, [(1, 1, 9)]),
        # Exactly one Hyperband iteration (78 resources), then nothing fits.
        (1, 9, 9, [(0, 9, 1), (0, 3, 3), (0, 1, 9), (1, 5, 3), (1, 1, 9), (2, 3, 9)]),
    ],
)
def test_n_iter_is_never_exceeded_and_every_bracket_ends_at_max_resources(
    min_resources, max_resources, n_iter, expected
):
    sched = HyperbandScheduler(
        RandomOptimizer(_space(), random_state=0),
        min_resources=min_resources,
        max_resources=max_resources,
        n_iter=n_iter,
    )
    batches = _run(sched, lambda c, r: c.params["x"])
    assert [(b.bracket, len(b.candidates), b.n_resources) for b, _ in batches] == expected
    assert sched.n_resources_spent_ == sum(n * r for _, n, r in expected) <= n_iter * max_resources
    assert sched.next_batch() is None


def test_the_same_seed_gives_the_same_batches():
    def keys(seed):
        sched = HyperbandScheduler(TPEOptimizer(_space(), random_state=seed), min_resources=1, max_resources=9, n_iter=15)
        return [(b.bracket, b.rung, [c.key for c in b.candidates]) for b, _ in _run(sched)]

    assert keys(0) == keys(0)
    assert keys(0) != keys(1)


def test_scheduler_misuse():
    sched = HyperbandScheduler(RandomOptimizer(_space(), random_state=0), min_resources=1, max_resources=9)
    with pytest.raises(RuntimeError, match="no batch waiting for scores; call next_batch first"):
        sched.tell([0.1])
    batch = sched.next_batch()
    with pytest.raises(RuntimeError, match="tell the scores of the current batch"):
        sched.next_batch()
    with pytest.raises(ValueError, match="tell got 2 scores for a batch of 9 candidates"):
        sched.tell([0.1, 0.2])
    sched.tell(np.zeros(len(batch.candidates)))
    assert sched.next_batch().rung == 1
    with pytest.raises(ValueError, match="n_iter must be a positive int, got n_iter=0"):
        HyperbandScheduler(RandomOptimizer(_space()), min_resources=1, max_resources=9, n_iter=0)
    with pytest.raises(TypeError, match="proposer must be an optimizer with ask, tell and mark_pending"):
        HyperbandScheduler(object(), min_resources=1, max_resources=9)
    with pytest.raises(ValueError, match="min_resources must not exceed max_resources"):
        HyperbandScheduler(RandomOptimizer(_space()), min_resources=10, max_resources=9)
    assert "max_resources=9" in repr(sched)


# --------------------------------------------------------------------------
# The optimizers never import scikit-learn
# --------------------------------------------------------------------------
def test_optimizers_never_import_sklearn():
    root = pathlib.Path(skhpo.optimizers.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not any(n.split(".")[0] == "sklearn" for n in names), f"{path} imports {names}"
