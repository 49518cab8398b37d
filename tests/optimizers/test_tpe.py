"""Tests of the TPE engine: split, Parzen estimators and TPEOptimizer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import trapezoid

from skhpo.optimizers import RandomOptimizer, TPEOptimizer
from skhpo.optimizers._tpe._optimizer import _Block, _cell_edges
from skhpo.optimizers._tpe._parzen import (
    MIN_BANDWIDTH,
    ParzenEstimator,
    bandwidth_neighbor,
    bandwidth_scott,
    int_cells,
    int_masses,
    magic_clip_floor,
)
from skhpo.optimizers._tpe._split import n_good, split_good
from skhpo.space import Categorical, Integer, Ordinal, Real, SearchSpace

BOTH = pytest.mark.parametrize("multivariate", [False, True])


# --------------------------------------------------------------------- split
def test_split_picks_best_scores():
    y = np.array([0.3, 0.9, 0.1, 0.7, 0.5])
    assert np.flatnonzero(split_good(y, 2)).tolist() == [1, 3]
    assert np.flatnonzero(split_good(y, 1)).tolist() == [1]
    assert split_good(y, 0).sum() == 0
    assert split_good(y, 10).all()


def test_split_ties_go_to_earlier_observations():
    y = np.array([0.5, 0.2, 0.5, 0.5])
    assert np.flatnonzero(split_good(y, 2)).tolist() == [0, 2]
    assert np.flatnonzero(split_good(y, 3)).tolist() == [0, 2, 3]


def test_split_failures_are_never_good():
    y = np.array([np.nan, 0.1, np.inf, -np.inf, 0.2])
    # +inf is a failure too, not the best score.
    assert np.flatnonzero(split_good(y, 1)).tolist() == [4]
    assert np.flatnonzero(split_good(y, 4)).tolist() == [1, 4]
    assert not split_good(np.array([np.nan, np.nan]), 1).any()


def test_gamma_schedules():
    assert [n_good(n, "linear") for n in (0, 1, 9, 10, 11, 30, 250, 251, 10_000)] == [
        0, 1, 1, 1, 2, 3, 25, 25, 25,
    ]
    assert [n_good(n, "sqrt") for n in (1, 16, 17, 64, 65, 100_000)] == [1, 1, 2, 2, 3, 25]
    assert [n_good(n, 0.25) for n in (1, 4, 5, 100)] == [1, 1, 2, 25]
    assert n_good(10, 1.0) == 10
    assert n_good(10, lambda n: n // 2) == 5
    assert n_good(10, lambda n: 0) == 1  # at least one good observation
    with pytest.raises(ValueError, match=r"gamma\(n\) must return an int in \[0, n\]"):
        n_good(10, lambda n: 11)
    with pytest.raises(ValueError, match="gamma"):
        n_good(10, lambda n: 2.5)


# ---------------------------------------------------------------- bandwidths
def test_bandwidth_neighbor_hand_checked():
    mu = np.array([[0.5, 0.0], [0.1, 0.5], [0.2, 0.5], [0.9, 1.0]])
    bw = bandwidth_neighbor(mu)
    np.testing.assert_allclose(bw[:, 0], [0.4, 0.1, 0.3, 0.4])
    np.testing.assert_allclose(bw[:, 1], [0.5, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(bandwidth_neighbor(np.array([[0.3]])), [[1.0]])


def test_bandwidth_scott_hand_checked():
    mu = np.array([[0.2], [0.4], [0.6], [0.8]])
    # std = 0.2582, IQR / 1.349 = 0.3 / 1.349 = 0.2224 (smaller), m = 4, d = 1.
    expected = 1.059 * (0.3 / 1.349) * 4 ** (-1 / 5)
    np.testing.assert_allclose(bandwidth_scott(mu), expected, rtol=1e-12)
    # Multivariate: the exponent uses the joint dimension.
    np.testing.assert_allclose(bandwidth_scott(mu, n_dims=6), 1.059 * (0.3 / 1.349) * 4 ** (-1 / 10))


def test_bandwidth_floors():
    U = np.array([[0.5], [0.51], [0.52]])
    C = np.empty((3, 0), dtype=int)
    k = np.empty(0, dtype=int)
    # Neighbour gaps are 0.01; the magic clip floor is 1 / min(100, 3 + 2) = 0.2.
    assert magic_clip_floor(3) == 0.2
    pe = ParzenEstimator(U, C, k, magic_clip=True)
    np.testing.assert_allclose(pe.sigma, 0.2)
    pe = ParzenEstimator(U, C, k, magic_clip=False)
    np.testing.assert_allclose(pe.sigma, 0.01)
    # Identical observations: the absolute floor.
    pe = ParzenEstimator(np.full((3, 1), 0.5), C, k, magic_clip=False)
    np.testing.assert_allclose(pe.sigma, MIN_BANDWIDTH)
    # Per-observation floors (half an integer cell) act on top.
    pe = ParzenEstimator(U, C, k, magic_clip=False, min_bandwidth=np.array([[0.05], [0.0], [0.3]]))
    np.testing.assert_allclose(pe.sigma.ravel(), [0.05, 0.01, 0.3])
    # Many observations: the magic clip floor bottoms out at 1 / 100.
    assert magic_clip_floor(1000) == 0.01


@BOTH
def test_bad_group_bandwidth_rule_applies_to_multivariate_g_only(multivariate):
    space = SearchSpace({"a": Real(0.0, 1.0), "b": Real(0.0, 1.0), "c": Real(0.0, 1.0)})
    opt = TPEOptimizer(space, multivariate=multivariate, random_state=0)
    block = opt._blocks[0]
    U = np.random.default_rng(0).random((40, 3))
    floor = np.zeros_like(U)
    C = np.empty((40, 0), dtype=int)
    l = opt._estimator(U, floor, C, block)
    g = opt._estimator(U, floor, C, block, good=False)
    np.testing.assert_allclose(l.sigma, np.maximum(bandwidth_neighbor(U), magic_clip_floor(40)).T)
    if multivariate:
        np.testing.assert_allclose(g.sigma, np.maximum(bandwidth_scott(U, 3), magic_clip_floor(40)).T)
    else:
        np.testing.assert_allclose(g.sigma, l.sigma)


# ----------------------------------------------------------------- densities
def _grid(n: int = 20001) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


@BOTH
@pytest.mark.parametrize("bandwidth", ["neighbor", "scott"])
def test_truncated_kernel_density_integrates_to_one(multivariate, bandwidth):
    U = np.array([[0.0], [0.02], [0.5], [0.97], [1.0]])
    pe = ParzenEstimator(
        U, np.empty((5, 0), dtype=int), np.empty(0, dtype=int),
        multivariate=multivariate, bandwidth=bandwidth, magic_clip=False, prior_weight=0.5,
    )
    x = _grid()
    dens = np.exp(pe.log_pdf(x[:, None], None, None, None))
    assert trapezoid(dens, x) == pytest.approx(1.0, abs=1e-6)


@BOTH
@pytest.mark.parametrize("dim", [Integer(1, 7), Integer(1, 50, prior="log-uniform"), Integer(0, 1)])
def test_integer_kernel_probabilities_sum_to_one(multivariate, dim):
    edges = _cell_edges(dim, int(dim.size))
    centers = 0.5 * (edges[:-1] + edges[1:])
    obs = centers[[0, 0, 1, len(centers) - 1]][:, None]  # (4, 1)
    floor = 0.5 * np.diff(edges)[[0, 0, 1, len(centers) - 1]][:, None]
    pe = ParzenEstimator(obs, np.empty((4, 0), dtype=int), np.empty(0, dtype=int), n_int=1,
                         min_bandwidth=floor, multivariate=multivariate)
    p = np.exp(pe.log_pdf(centers[:, None], edges[:-1, None], edges[1:, None], None))
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert p[0] == p.max()  # two of four observations sit in the first cell


def test_block_cells_match_int_cells():
    space = SearchSpace({"a": Integer(1, 9), "b": Integer(2, 300, prior="log-uniform"), "x": Real(0, 1)})
    block = _Block(space, space.subspace_columns(0))
    U = np.random.default_rng(0).random((40, 3))
    U, lo, hi, cells = block.finish(U)
    for mine, ref in zip(cells, int_cells(lo, hi)):
        np.testing.assert_array_equal(mine, ref)
    # Snapped coordinates are the canonical cell centres of the space.
    X = block.to_vectors(U, np.empty((40, 0), dtype=int), np.full((40, 3), np.nan))
    np.testing.assert_array_equal(X[:, 2], U[:, 0])  # block order: real, then integer columns
    np.testing.assert_array_equal(space.snap(X), X)


def test_ordinals_are_modelled_as_ordered_cells():
    # A sorted numeric list is an Ordinal: integer-like cells in value order,
    # not a categorical of 951 unrelated choices.
    space = SearchSpace({"n": list(range(50, 1001)), "f": [0.5, 0.75, 0.9], "k": ["a", "b"]})
    block = _Block(space, space.subspace_columns(0))
    assert block.n_int == 2 and len(block.cat_cols) == 1
    np.testing.assert_allclose(_cell_edges(space.dims[1], 3), [0.0, 1 / 3, 2 / 3, 1.0])
    np.testing.assert_allclose(block.centers[1], [1 / 6, 0.5, 5 / 6])
    U = np.random.default_rng(0).random((40, 2))
    U, lo, hi, cells = block.finish(U)
    for mine, ref in zip(cells, int_cells(lo, hi)):
        np.testing.assert_array_equal(mine, ref)


def test_tpe_searches_ordinals():
    space = SearchSpace({"n": list(range(50, 1001)), "f": [0.5, 0.75, 0.9, 0.99]})
    opt = _run(TPEOptimizer(space, random_state=0), lambda p: -abs(p["n"] - 500) / 100 - abs(p["f"] - 0.9), 40)
    for c in opt.ask(5):
        assert type(c.params["n"]) is int and type(c.params["f"]) is float
        assert space.dims[0].contains(c.params["n"]) and space.dims[1].contains(c.params["f"])
    np.testing.assert_array_equal(space.snap(opt.X_), opt.X_)
    assert opt.y_.max() > -0.5


def test_scott_quartiles_match_numpy_percentile():
    # bandwidth_scott takes its quartiles from the sorted sample; they must be
    # numpy's "linear" percentiles exactly, for any sample size.
    rng = np.random.default_rng(3)
    for m in [2, 3, 4, 5, 8, 13, 50, 257]:
        mu = rng.random((m, 3))
        std = mu.std(axis=0, ddof=1)
        q75, q25 = np.percentile(mu, [75.0, 25.0], axis=0)
        iqr = (q75 - q25) / 1.349
        spread = np.where(iqr > 0, np.minimum(std, iqr), std)
        expected = 1.059 * spread * m ** (-1.0 / 7)
        np.testing.assert_array_equal(bandwidth_scott(mu)[0], expected)


@pytest.mark.parametrize("m_bad", [30, 600])
def test_int_masses_shared_and_deduplicated_match_one_at_a_time(m_bad):
    # Evaluating l and g together, and (with many kernels) computing repeated
    # kernels once, gives the masses of evaluating each kernel on its own.
    space = SearchSpace({"a": Integer(1, 9), "b": Integer(2, 300, prior="log-uniform"),
                         "c": Integer(0, 4), "x": Real(0, 1)})
    block = _Block(space, space.subspace_columns(0))
    rng = np.random.default_rng(0)
    X = space.sample(m_bad + 8, rng)
    U, floor, C = block.encode(X)
    l = ParzenEstimator(U[:8], C[:8], block.k, n_int=block.n_int, min_bandwidth=floor[:8],
                        multivariate=True)
    g = ParzenEstimator(U[8:], C[8:], block.k, n_int=block.n_int, min_bandwidth=floor[8:],
                        multivariate=True, bandwidth="scott")
    Uc, lo, hi, cells = block.finish(rng.random((24, 4)))
    ml, mg = int_masses([l, g], cells)
    for pe, got in [(l, ml), (g, mg)]:
        r = pe.n_real
        for k in range(len(cells.ia)):
            p = cells.col[cells.ia[k]]
            a, b = cells.edges[cells.ia[k]], cells.edges[cells.ib[k]]
            sd = pe.sigma[r + p]
            ref = stats.norm.cdf(b, pe.mu[r + p], sd) - stats.norm.cdf(a, pe.mu[r + p], sd)
            np.testing.assert_allclose(got[k], ref, rtol=1e-9, atol=1e-15)
    # log_pdf with the shared masses is log_pdf computing them itself
    np.testing.assert_array_equal(g.log_pdf(Uc, lo, hi, None, cells, mg), g.log_pdf(Uc, lo, hi, None))


def test_categorical_kernel_hand_checked():
    C = np.array([[0], [0], [1]])
    U = np.empty((3, 0))
    k = np.array([3])
    # eps = (k - 1) / (m + k) = 2 / 6 with m = 3 observations: mass 2/3 on
    # the observed choice, 1/6 on each other one; prior weight 1 of 4.
    expected = np.array([
        (2 * 2 / 3 + 1 / 6 + 1 / 3) / 4,
        (2 / 6 + 2 / 3 + 1 / 3) / 4,
        (3 / 6 + 1 / 3) / 4,
    ])
    for mv in (False, True):
        pe = ParzenEstimator(U, C, k, prior_weight=1.0, multivariate=mv)
        np.testing.assert_allclose(pe.eps, [1 / 3])
        p = np.exp(pe.log_pdf(None, None, None, np.arange(3)[:, None]))
        np.testing.assert_allclose(p, expected, rtol=1e-12)
        np.testing.assert_allclose(pe.P[0], expected, rtol=1e-12)
    # One observation of two choices: eps = 1 / 3, never above (k - 1) / k,
    # so the observed choice stays the likelier one.
    pe = ParzenEstimator(np.empty((1, 0)), np.array([[1]]), np.array([2]))
    np.testing.assert_allclose(pe.P[0], [(1 / 3 + 0.5) / 2, (2 / 3 + 0.5) / 2])


@BOTH
def test_mixed_joint_density_is_normalised(multivariate):
    # One real, one integer (5 cells) and one categorical (3 choices) column.
    edges = np.linspace(0.0, 1.0, 6)
    centers = 0.5 * (edges[:-1] + edges[1:])
    U = np.array([[0.1, centers[0]], [0.15, centers[0]], [0.8, centers[3]]])
    C = np.array([[0], [2], [2]])
    pe = ParzenEstimator(U, C, np.array([3]), n_int=1, min_bandwidth=np.array([[0, 0.1]] * 3),
                         multivariate=multivariate, magic_clip=False)
    x = _grid(4001)
    total = 0.0
    for i in range(5):
        for c in range(3):
            n = len(x)
            Ug = np.column_stack([x, np.full(n, centers[i])])
            dens = np.exp(pe.log_pdf(Ug, np.full((n, 1), edges[i]), np.full((n, 1), edges[i + 1]),
                                     np.full((n, 1), c)))
            total += trapezoid(dens, x)
    assert total == pytest.approx(1.0, abs=1e-5)


@BOTH
def test_empty_estimator_is_the_prior(multivariate):
    pe = ParzenEstimator(np.empty((0, 2)), np.empty((0, 1), dtype=int), np.array([4]), n_int=1,
                         multivariate=multivariate)
    U = np.array([[0.3, 0.5]])
    lp = pe.log_pdf(U, np.array([[0.4]]), np.array([[0.6]]), np.array([[2]]))
    np.testing.assert_allclose(lp, math.log(1.0) + math.log(0.2) + math.log(0.25))
    Us, Cs = pe.sample(50, np.random.default_rng(0))
    assert ((Us >= 0) & (Us <= 1)).all() and ((Cs >= 0) & (Cs < 4)).all()


@BOTH
def test_samples_stay_in_bounds(multivariate):
    # Narrow and wide kernels sitting on the bounds.
    U = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.999, 0.001]])
    C = np.array([[0, 4], [1, 0], [1, 4], [0, 2]])
    pe = ParzenEstimator(U, C, np.array([2, 5]), multivariate=multivariate, magic_clip=False)
    Us, Cs = pe.sample(5000, np.random.default_rng(1))
    assert np.isfinite(Us).all()
    assert ((Us >= 0.0) & (Us <= 1.0)).all()
    assert ((Cs >= 0) & (Cs < np.array([2, 5]))).all()


@BOTH
def test_numeric_samples_follow_the_density(multivariate):
    U = np.array([[0.05], [0.1], [0.6], [0.98]])
    pe = ParzenEstimator(U, np.empty((4, 0), dtype=int), np.empty(0, dtype=int),
                         multivariate=multivariate, magic_clip=False)
    Us, _ = pe.sample(20000, np.random.default_rng(0))
    x = _grid()
    cdf = np.cumsum(np.exp(pe.log_pdf(x[:, None], None, None, None))) * (x[1] - x[0])
    ecdf = np.searchsorted(np.sort(Us[:, 0]), x, side="right") / len(Us)
    assert np.abs(cdf - ecdf).max() < 0.015  # Kolmogorov-Smirnov distance


def test_categorical_samples_follow_the_density():
    # Univariate categorical sampling matches the marginal probabilities.
    pe = ParzenEstimator(np.empty((3, 0)), np.array([[0], [0], [1]]), np.array([3]))
    _, Cs = pe.sample(20000, np.random.default_rng(0))
    freq = np.bincount(Cs[:, 0], minlength=3) / 20000
    np.testing.assert_allclose(freq, pe.P[0], atol=0.015)


# ----------------------------------------------------------------- optimizer
def _mixed_space() -> SearchSpace:
    return SearchSpace({
        "lr": Real(1e-4, 1e0, prior="log-uniform"),
        "x": Real(-2.0, 2.0),
        "depth": Integer(1, 8),
        "leaves": Integer(2, 300, prior="log-uniform"),
        "kind": Categorical(["a", "b", "c"]),
        "fixed": Categorical(["only"]),
    })


def _mixed_score(p: dict) -> float:
    return -(
        (math.log10(p["lr"]) + 2) ** 2
        + p["x"] ** 2
        + 0.1 * (p["depth"] - 5) ** 2
        + (math.log(p["leaves"]) - math.log(30)) ** 2
        + 2.0 * (p["kind"] != "b")
    )


def _run(opt, fn, n, batch=1):
    while opt.n_observations < n:
        cands = opt.ask(batch)
        opt.tell(cands, [fn(c.params) for c in cands])
    return opt


@BOTH
def test_candidates_are_valid_canonical_and_in_bounds(multivariate):
    space = _mixed_space()
    opt = _run(TPEOptimizer(space, multivariate=multivariate, random_state=0), _mixed_score, 30)
    cands = opt.ask(5)
    for c in cands:
        for name, dim in space.subspaces[0].items():
            assert dim.contains(c.params[name]), (name, c.params[name])
    X = opt.X_
    np.testing.assert_array_equal(space.snap(X), X)


def test_same_seed_same_candidates():
    def trace(seed, mv):
        opt = _run(TPEOptimizer(_mixed_space(), multivariate=mv, random_state=seed), _mixed_score, 25, batch=2)
        return opt.X_

    for mv in (False, True):
        np.testing.assert_array_equal(trace(3, mv), trace(3, mv))
        assert not np.array_equal(trace(3, mv), trace(4, mv))


@BOTH
def test_tpe_beats_random_on_a_mixed_function(multivariate):
    tpe, rnd = [], []
    for seed in range(5):
        tpe.append(_run(TPEOptimizer(_mixed_space(), multivariate=multivariate, random_state=seed),
                        _mixed_score, 50).y_.max())
        rnd.append(_run(RandomOptimizer(_mixed_space(), random_state=seed), _mixed_score, 50).y_.max())
    assert np.median(tpe) > np.median(rnd)
    assert np.mean(np.array(tpe) > np.array(rnd)) >= 0.8


def _cash_space() -> SearchSpace:
    return SearchSpace([
        {"model": ["svm"], "C": Real(1e-3, 1e3, prior="log-uniform"), "gamma": Real(1e-4, 1.0, prior="log-uniform")},
        {"model": ["tree"], "depth": Integer(1, 200), "crit": ["gini", "entropy"]},
        {"model": ["knn"], "k": Integer(1, 50), "w": ["uniform", "distance"], "p": Real(1.0, 2.0)},
    ])


def _cash_score(p: dict) -> float:
    if p["model"] == "tree":  # clearly the best family
        return 0.9 - 0.002 * abs(p["depth"] - 8) - 0.01 * (p["crit"] == "gini")
    if p["model"] == "svm":
        return 0.7 - 0.02 * abs(math.log10(p["C"]) - 1)
    return 0.6 - 0.002 * abs(p["k"] - 10)


@BOTH
@pytest.mark.parametrize("batch", [1, 4])
def test_cash_budget_flows_to_the_best_family(multivariate, batch):
    opt = _run(TPEOptimizer(_cash_space(), multivariate=multivariate, random_state=0), _cash_score, 60, batch)
    last = opt.subspace_[-40:]
    assert np.mean(last == 1) > 0.5
    # Each trial only carries its own family's parameters.
    for x, s in zip(opt.X_, opt.subspace_):
        np.testing.assert_array_equal(~np.isnan(x), opt.space.active[s])


def _three_families() -> SearchSpace:
    return SearchSpace([{"model": [m], "x": Real(0.0, 1.0)} for m in ("a", "b", "c")])


def _history(space: SearchSpace, per_family: dict) -> tuple[list, list]:
    """Observations told family after family, each in the order given."""
    obs, scores = [], []
    for model, ys in per_family.items():
        for i, v in enumerate(ys):
            obs.append(space.encode({"model": model, "x": (i + 0.5) / len(ys)}))
            scores.append(v)
    return obs, scores


def _next_families(per_family: dict, n: int = 1, seeds: range = range(5)) -> set:
    space = _three_families()
    out = set()
    for seed in seeds:
        opt = TPEOptimizer(space, random_state=seed)
        opt.tell(*_history(space, per_family))
        out |= {c.params["model"] for c in opt.ask(n)}
    return out


def test_rising_bandit_keeps_a_climbing_family_in_play():
    # a leads and is flat; b is behind but improved by 0.05 a trial over the
    # later half of its trials (upper bound 0.8 + 0.05 * 20 > 0.9); c is
    # behind and flat.
    # b is in play and has fewer trials than a: it is next.
    hist = {"a": [0.9] * 10, "b": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8], "c": [0.6] * 8}
    assert _next_families(hist) == {"b"}


def test_rising_bandit_drops_a_family_that_stopped_improving():
    # b climbed, then the later half of its trials (4 of 9) did not improve:
    # upper bound 0.8 < 0.9.
    hist = {"a": [0.9] * 10, "b": [0.5, 0.6, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], "c": [0.6] * 8}
    assert _next_families(hist) == {"a"}
    # ... unless its slow improvement can still reach the leader in 20 trials:
    # (0.8 - 0.76) / 4 * 20 = 0.2 -> upper bound 1.0 >= 0.9.
    hist["b"] = [0.5, 0.6, 0.7, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8]
    assert _next_families(hist) == {"b"}


def test_rising_bandit_families_with_few_or_failed_trials():
    # c has one trial: too few to judge, in play and the least tried.
    assert _next_families({"a": [0.9] * 6, "b": [0.5] * 6, "c": [0.1]}) == {"c"}
    # c's trials all failed: out of play, whatever its count.
    hist = {"a": [0.9] * 6, "b": [0.5] * 6, "c": [np.nan, np.nan]}
    assert _next_families(hist) == {"a"}


def test_rising_bandit_spreads_a_batch_over_the_families_in_play():
    # a and b both in play with 6 trials each: a batch of 4 alternates.
    hist = {"a": [0.5, 0.6, 0.7, 0.8, 0.85, 0.9], "b": [0.5, 0.6, 0.7, 0.8, 0.85, 0.88], "c": [0.1] * 6}
    space = _three_families()
    opt = TPEOptimizer(space, random_state=0)
    opt.tell(*_history(space, hist))
    picks = [c.params["model"] for c in opt.ask(4)]
    assert sorted(picks) == ["a", "a", "b", "b"]


def test_subspace_without_observations_is_sampled_from_its_prior():
    space = _cash_space()
    opt = TPEOptimizer(space, n_initial_points=1, random_state=0)
    cands = opt.ask(1)
    opt.tell(cands, [0.5])
    # Only one family observed: the others must still be proposable.
    seen = set()
    for _ in range(40):
        c = opt.ask(1)[0]
        seen.add(c.subspace)
        opt.tell([c], [0.5 if c.subspace == cands[0].subspace else 0.6])
    assert seen == {0, 1, 2}


def test_exhausted_best_family_does_not_stall_the_search():
    # The best family has a single point (like {"clf": [GaussianNB()]}): once it
    # is asked, TPE must move on to modelling the other families rather than
    # proposing it again (which would fall back to uniform random picks).
    space = SearchSpace([
        {"model": ["nb"]},
        {"model": ["svm"], "C": Real(1e-3, 1e3, prior="log-uniform")},
        {"model": ["tree"], "depth": Integer(1, 100)},
    ])

    def fn(p):
        if p["model"] == "nb":
            return 1.0
        if p["model"] == "svm":
            return 0.9 - 0.05 * abs(math.log10(p["C"]) - 1)
        return 0.5

    opt = _run(TPEOptimizer(space, random_state=0), fn, 50)
    assert (opt.subspace_ == 0).sum() == 1
    assert np.mean(opt.subspace_[-20:] == 1) > 0.8


@BOTH
def test_constant_liar_batches_have_no_duplicates(multivariate):
    opt = TPEOptimizer(_mixed_space(), multivariate=multivariate, random_state=0)
    keys = set()
    for _ in range(6):
        cands = opt.ask(8)
        assert len(cands) == 8
        new = {c.key for c in cands}
        assert len(new) == 8 and not (new & keys)
        keys |= new
        opt.tell(cands, [_mixed_score(c.params) for c in cands])


@BOTH
def test_constant_liar_spreads_a_batch(multivariate):
    # Picks of one batch see the earlier picks as bad fantasies, so they are
    # further apart than picks made independently from the same model.
    def spread(P):
        return np.mean([np.linalg.norm(P[i] - P[j]) for i in range(len(P)) for j in range(i)])

    batch, indep = [], []
    for seed in range(6):
        space = SearchSpace({"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)})
        opt = _run(TPEOptimizer(space, multivariate=multivariate, random_state=seed),
                   lambda p: -((p["x"] - 0.5) ** 2 + (p["y"] - 0.5) ** 2), 30)
        none = np.empty((0, 2))
        batch.append(spread(opt._propose(8, none)))
        indep.append(spread(np.array([opt._propose(1, none)[0] for _ in range(8)])))
    assert np.mean(batch) > 1.1 * np.mean(indep)


def test_batch_picks_are_distinct_on_a_small_integer_space():
    # A 1-D integer space with a sharp optimum: without fantasies every pick of
    # the batch would want the same cell; with them the picks differ and a
    # pending point is never proposed again.
    space = SearchSpace({"n": Integer(0, 99)})
    opt = _run(TPEOptimizer(space, random_state=0), lambda p: -abs(p["n"] - 50), 20)
    pending = opt.ask(1)
    batch = opt.ask(5)
    ns = [c.params["n"] for c in batch + pending]
    assert len(set(ns)) == 6


def test_model_proposals_avoid_asked_points_on_discrete_spaces():
    # Near convergence on a discrete space the best candidates are often
    # points already asked; TPE draws again rather than handing back a
    # duplicate (which the base class would replace by a random point).
    space = SearchSpace({"a": Integer(1, 10), "b": Integer(1, 10)})
    opt = TPEOptimizer(space, random_state=0)
    proposed = []
    orig = opt._propose

    def spy(n, pending):
        out = orig(n, pending)
        proposed.extend(space.key(x) in opt._seen for x in out)
        return out

    opt._propose = spy
    while not opt.exhausted:
        c = opt.ask(1)[0]
        opt.tell([c], [-((c.params["a"] - 5) ** 2) - (c.params["b"] - 3) ** 2])
    assert len(proposed) == 90
    assert sum(proposed) <= 15


def test_small_finite_space_is_exhausted_without_repeats():
    space = SearchSpace({"a": Integer(1, 4), "b": ["x", "y", "z"]})
    opt = TPEOptimizer(space, n_initial_points=3, random_state=0)
    keys = []
    while not opt.exhausted:
        cands = opt.ask(2)
        keys += [c.key for c in cands]
        opt.tell(cands, [c.params["a"] + (c.params["b"] == "y") for c in cands])
    assert len(keys) == len(set(keys)) == 12
    assert opt.ask(1) == []


@BOTH
def test_failures_are_handled(multivariate):
    space = SearchSpace({"x": Real(0.0, 1.0), "k": ["a", "b"]})
    opt = TPEOptimizer(space, multivariate=multivariate, random_state=0)

    def fn(p):
        return np.nan if p["x"] > 0.6 else -((p["x"] - 0.2) ** 2)  # above 0.6 fails

    _run(opt, fn, 40)
    last = opt.X_[-20:, 0]
    assert np.mean(last <= 0.6) >= 0.8  # TPE moves away from the failing region
    # Only failures so far: still proposes.
    opt = TPEOptimizer(space, n_initial_points=2, random_state=0)
    _run(opt, lambda p: np.nan, 6)
    assert opt.n_observations == 6


def test_other_dimension_types():
    space = SearchSpace({
        "big": Integer(0, 10**7),  # too many cells: modelled as continuous, then snapped
        "pois": stats.poisson(3),  # discrete, unbounded
        "beta": stats.beta(2, 5),
        "one": ["single"],
    })
    opt = _run(TPEOptimizer(space, random_state=0), lambda p: -abs(p["big"] - 5e6) / 1e6 - abs(p["pois"] - 4), 25)
    np.testing.assert_array_equal(space.snap(opt.X_), opt.X_)
    block = _Block(space, space.subspace_columns(0))
    assert block.n_real == 3 and block.n_int == 0 and len(block.const_cols) == 1


def test_n_initial_points_default_and_override():
    space = SearchSpace({"x": Real(0.0, 1.0)})
    assert TPEOptimizer(space).n_initial_points_ == 10
    assert TPEOptimizer(space, n_initial_points=3).n_initial_points_ == 3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_ei_candidates": 0}, "n_ei_candidates must be a positive int, got 0"),
        ({"n_ei_candidates": 2.5}, "n_ei_candidates must be a positive int, got 2.5"),
        ({"n_ei_candidates": True}, "n_ei_candidates must be a positive int, got True"),
        ({"gamma": "cubic"}, "gamma must be .* got 'cubic'"),
        ({"gamma": 0.0}, r"gamma must be .* float in \(0, 1\] .* got 0.0"),
        ({"gamma": 1.5}, "gamma must be .* got 1.5"),
        ({"gamma": float("nan")}, "gamma must be .* got nan"),
        ({"multivariate": "yes"}, "multivariate must be a bool, got 'yes'"),
        ({"multivariate": 1}, "multivariate must be a bool, got 1"),
        ({"prior_weight": 0.0}, r"prior_weight must be a finite float > 0, got 0.0"),
        ({"prior_weight": -1}, r"prior_weight must be a finite float > 0, got -1"),
        ({"prior_weight": float("inf")}, r"prior_weight must be a finite float > 0, got inf"),
        ({"prior_weight": "1"}, r"prior_weight must be a finite float > 0, got '1'"),
        ({"consider_magic_clip": None}, "consider_magic_clip must be a bool, got None"),
        ({"n_initial_points": -1}, "n_initial_points must be a non-negative int"),
    ],
)
def test_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TPEOptimizer({"x": (0.0, 1.0)}, **kwargs)


def test_gamma_callable_is_used():
    calls = []

    def gamma(n):
        calls.append(n)
        return 1

    opt = _run(TPEOptimizer({"x": (0.0, 1.0)}, gamma=gamma, n_initial_points=3, random_state=0),
               lambda p: p["x"], 6)
    assert calls and max(calls) <= opt.n_observations


@BOTH
def test_trailing_family_searches_around_its_own_best(multivariate):
    # Family "a" (5 points, all asked) holds every one of the best trials
    # overall; family "b" peaks at x = 0.3. b's next trial must come from b's
    # own good group (near 0.3), not from its prior.
    space = SearchSpace([{"model": ["a"], "k": Integer(0, 4)}, {"model": ["b"], "x": Real(0.0, 1.0)}])
    obs = [space.encode({"model": "a", "k": k}) for k in range(5)]
    xs = np.linspace(0.01, 0.99, 30)
    obs += [space.encode({"model": "b", "x": float(x)}) for x in xs]
    scores = [1.0] * 5 + list(0.5 - (xs - 0.3) ** 2)
    picks = []
    for seed in range(10):
        opt = TPEOptimizer(space, multivariate=multivariate, random_state=seed)
        opt.tell(obs, scores)
        cand = opt.ask(1)[0]
        assert cand.params["model"] == "b"  # "a" is exhausted
        picks.append(cand.params["x"])
    assert np.median(np.abs(np.array(picks) - 0.3)) < 0.08
