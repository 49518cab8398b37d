"""Tests of the Gaussian-process optimizer and its parts."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from skhpo.optimizers import RandomOptimizer
from skhpo.optimizers._gp import GaussianProcess, GPOptimizer
from skhpo.optimizers._gp._acquisition import (
    expected_improvement,
    log_ei,
    log_h,
    log_pi,
    neg_lcb,
)
from skhpo.optimizers._gp._encoding import MixedEncoder
from skhpo.optimizers._gp._maximize import AcquisitionMaximizer
from skhpo.optimizers._gp._kernel import matern52, scaled_sqdist
from skhpo.space import Categorical, Integer, Ordinal, Real, SearchSpace

CASH_SPACE = [
    {"model": ["A"], "a": Real(0.0, 1.0), "b": Integer(1, 10)},
    {"model": ["B"], "c": Real(1e-3, 1e3, prior="log-uniform"), "d": Categorical(["x", "y", "z"])},
]


def cash_score(c) -> float:
    p = c.params
    if p["model"] == "A":
        return 0.5 - (p["a"] - 0.7) ** 2 - 0.01 * abs(p["b"] - 3)
    return 0.9 - 0.1 * (math.log10(p["c"]) - 1) ** 2 - {"x": 0.0, "y": 0.05, "z": 0.1}[p["d"]]


# ---------------------------------------------------------------- acquisition
# Closed-form numbers for mu = 0.5, sigma = 2, best = 1, xi = 0.1, so
# z = (1 - 0.1 - 0.5) / 2 = 0.2, Phi(0.2) = 0.579259709439103,
# phi(0.2) = 0.3910426939754559.
MU, SIGMA, BEST, XI = np.array([0.5]), np.array([2.0]), 1.0, 0.1
PHI_CDF, PHI_PDF = 0.579259709439103, 0.3910426939754559


def test_expected_improvement_closed_form():
    expected = 2.0 * (0.2 * PHI_CDF + PHI_PDF)
    assert expected_improvement(MU, SIGMA, BEST, XI)[0] == pytest.approx(expected, rel=1e-12)
    assert log_ei(MU, SIGMA, BEST, XI)[0][0] == pytest.approx(math.log(expected), rel=1e-12)


def test_probability_of_improvement_closed_form():
    assert math.exp(log_pi(MU, SIGMA, BEST, XI)[0][0]) == pytest.approx(PHI_CDF, rel=1e-12)


def test_lcb_closed_form():
    value = neg_lcb(MU, SIGMA, kappa=1.96)[0][0]
    assert value == pytest.approx(-(0.5 - 1.96 * 2.0), rel=1e-12)


def test_log_ei_matches_direct_log_where_representable():
    from scipy.stats import norm

    z = np.linspace(-5.0, 5.0, 41)
    sigma = np.full_like(z, 0.7)
    mu = -z * sigma  # best = 0
    direct = np.log(sigma * (z * norm.cdf(z) + norm.pdf(z)))
    np.testing.assert_allclose(log_ei(mu, sigma, 0.0)[0], direct, rtol=1e-9)


# log h(z) = log(phi(z) + z Phi(z)) to 16 digits, computed with 50-digit mpmath.
LOG_H_REFERENCE = {
    -5.0: -16.74430116266099,
    -20.0: -206.9178385094251,
    -40.0: -808.29856835662,
    -1000.0: -500014.73445209116,
}


@pytest.mark.parametrize("z", sorted(LOG_H_REFERENCE))
def test_log_ei_stable_in_the_tail(z):
    value = log_h(np.array([z]))[0]
    assert value == pytest.approx(LOG_H_REFERENCE[z], rel=1e-13)
    sigma = 0.5
    lei = log_ei(np.array([-z * sigma]), np.array([sigma]), 0.0)[0][0]
    assert lei == pytest.approx(math.log(sigma) + LOG_H_REFERENCE[z], rel=1e-13)
    if z <= -40:
        # EI itself underflows to exactly 0 here.
        assert expected_improvement(np.array([-z]), np.array([1.0]), 0.0)[0] == 0.0


@pytest.mark.parametrize("z", [-1e4 + 1.0, -1e4 - 1.0, -1e6, -1e10])
def test_log_h_far_tail_matches_asymptotic_series(z):
    # log h(z) = log phi(z) - 2 log|z| + log(1 - 3/z^2 + 15/z^4 - ...)
    asym = -0.5 * z * z - 0.5 * math.log(2 * math.pi) - 2 * math.log(-z) + math.log1p(-3 / z**2 + 15 / z**4)
    assert log_h(np.array([z]))[0] == pytest.approx(asym, rel=1e-14)


def test_log_h_monotone_and_continuous_across_branches():
    z = np.concatenate([np.linspace(-50, 5, 20001), [-1.0 - 1e-12, -1.0, -1.0 + 1e-12, -1e4 - 1e-6, -1e4, -1e4 + 1e-6]])
    z.sort()
    v = log_h(z)
    assert np.all(np.isfinite(v))
    assert np.all(np.diff(v) >= -1e-9 * np.abs(v[1:]))


def test_acquisition_gradients_match_finite_differences():
    mu = np.array([0.3, 2.0, 5.0, -1.0])
    sd = np.array([0.5, 0.2, 0.1, 1.0])
    h = 1e-6
    for fn in (lambda m, s: log_ei(m, s, 0.0, 0.05), lambda m, s: log_pi(m, s, 0.0), lambda m, s: neg_lcb(m, s, 2.0)):
        v, dmu, dsd = fn(mu, sd)
        np.testing.assert_allclose((fn(mu + h, sd)[0] - fn(mu - h, sd)[0]) / (2 * h), dmu, rtol=1e-5)
        np.testing.assert_allclose((fn(mu, sd + h)[0] - fn(mu, sd - h)[0]) / (2 * h), dsd, rtol=1e-5)


# ------------------------------------------------------------------------ GP
def test_matern52_known_values():
    r2 = scaled_sqdist(np.zeros((1, 2)), np.array([[3.0, 4.0]]), np.array([1.0, 1.0]))
    assert r2[0, 0] == pytest.approx(25.0)
    r = 5.0
    expected = (1 + math.sqrt(5) * r + 5 * r * r / 3) * math.exp(-math.sqrt(5) * r)
    assert matern52(r2, 1.0)[0, 0] == pytest.approx(expected, rel=1e-12)


def test_gp_interpolates_noise_free_data():
    rng = np.random.default_rng(0)
    X = rng.random((12, 2))
    y = np.sin(4 * X[:, 0]) + X[:, 1] ** 2
    far = np.array([[3.0, 3.0], [-2.0, 0.5]])
    # The default noise prior leaves a little noise: close, not exact.
    gp = GaussianProcess().fit(X, y)
    mean, std = gp.predict(X)
    np.testing.assert_allclose(mean, y, atol=0.01 * np.ptp(y))
    assert std.max() < 0.05 * y.std()
    assert gp.predict(far)[1].min() > 20 * std.max()
    # With the noise at its lower bound the GP interpolates.
    gp = GaussianProcess(noise_bounds=(1e-6, 1e-6)).fit(X, y)
    mean, std = gp.predict(X)
    np.testing.assert_allclose(mean, y, atol=1e-4)
    assert std.max() < 2e-3 * y.std()  # about sqrt(noise) * scale
    assert gp.predict(far)[1].min() > 100 * std.max()


def test_lml_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.random((25, 4))
    X[:, 3] = X[:, 3] > 0.5  # a one-hot-like binary feature
    y = np.sin(5 * X[:, 0]) + X[:, 1] ** 2 + 0.05 * rng.normal(size=25)
    gp = GaussianProcess()
    for theta in (np.array([-0.5, 0.3, 1.0, 0.0, 0.2, -3.0]), np.array([0.5, -1.0, 2.0, -0.7, -0.5, -8.0])):
        _, grad = gp.log_marginal_likelihood(theta, X, y)
        fd = approx_fprime(theta, lambda t: gp.log_marginal_likelihood(t, X, y, eval_gradient=False), 1e-7)
        np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-4)


def test_predict_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    X = rng.random((20, 3))
    gp = GaussianProcess().fit(X, np.cos(3 * X[:, 0]) * X[:, 1] + X[:, 2])
    Xq = rng.random((4, 3))
    _, _, dmean, dstd = gp.predict_with_gradient(Xq)
    h = 1e-6
    for d in range(3):
        E = np.zeros_like(Xq)
        E[:, d] = h
        (mp, sp), (mm, sm) = gp.predict(Xq + E), gp.predict(Xq - E)
        np.testing.assert_allclose((mp - mm) / (2 * h), dmean[:, d], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose((sp - sm) / (2 * h), dstd[:, d], rtol=1e-4, atol=1e-7)


def test_fit_gives_relevant_dimension_shorter_lengthscale():
    rng = np.random.default_rng(3)
    X = rng.random((30, 2))
    y = np.sin(6 * X[:, 0])  # the second input is irrelevant
    gp = GaussianProcess().fit(X, y)
    assert gp.lengthscales_[0] < 0.2 * gp.lengthscales_[1]


def test_condition_on_equals_refit_with_fixed_hyperparameters():
    rng = np.random.default_rng(4)
    X, Xn = rng.random((15, 2)), rng.random((3, 2))
    y, yn = X.sum(1), np.array([1.0, -1.0, 0.5])
    gp = GaussianProcess().fit(X, y)
    fant = gp.condition_on(Xn, yn)
    ref = GaussianProcess().fit(np.vstack([X, Xn]), np.r_[y, yn], theta0=gp.theta_, optimize=False)
    Xq = rng.random((5, 2))
    # `ref` standardises differently, so compare in target units.
    np.testing.assert_allclose(fant.predict(Xq)[0], ref.predict(Xq)[0], atol=2e-3)
    # A kriging-believer fantasy (the posterior mean) leaves the mean unchanged.
    kb = gp.condition_on(Xn, gp.predict(Xn)[0])
    np.testing.assert_allclose(kb.predict(Xq)[0], gp.predict(Xq)[0], atol=1e-8)
    assert np.all(kb.predict(Xq)[1] <= gp.predict(Xq)[1] + 1e-12)


# ------------------------------------------------------------------ encoding
def test_encoder_one_hot_and_inactive_imputation():
    space = SearchSpace(CASH_SPACE)
    enc = MixedEncoder(space)
    # root(2) + model A(1) + a + b + model B(1) + c + d(3)
    assert enc.n_features == 2 + 1 + 1 + 1 + 1 + 1 + 3
    x = space.encode({"model": "A", "a": 0.25, "b": 3}).vector
    z = enc.transform(x[None, :])[0]
    assert z[:2].tolist() == [1.0, 0.0]  # root one-hot: sub-space 0
    assert z[enc.features_of(np.array([2]))[0]] == 0.25
    c_feat = enc.features_of(np.array([5]))[0]  # columns: root, model, a, b, model, c, d
    assert z[c_feat] == 0.5  # inactive numeric -> 0.5
    assert z[-3:].tolist() == [0.0, 0.0, 0.0]  # inactive categorical -> zeros


def test_encoder_snap_matches_space_snap():
    space = SearchSpace({"i": Integer(2, 300, prior="log-uniform"), "j": Integer(-3, 4), "k": ["a", "b", "c"], "r": (0.0, 1.0)})
    enc = MixedEncoder(space)
    U = np.random.default_rng(5).random((200, 4))
    np.testing.assert_allclose(enc.snap(U.copy(), np.arange(4)), space.snap(U), rtol=0, atol=1e-12)


def test_encoder_treats_an_ordinal_as_one_ordered_feature():
    # A sorted numeric list is an Ordinal: one feature, not 951 one-hot ones.
    space = SearchSpace({"n": list(range(50, 1001)), "lr": Ordinal([0.01, 0.1, 1.0]), "k": ["a", "b"]})
    enc = MixedEncoder(space)
    assert enc.n_features == 1 + 1 + 2
    assert enc.int_columns.tolist() == [0, 1] and enc.cat_columns.tolist() == [2]
    x = space.encode({"n": 300, "lr": 0.1, "k": "b"}).vector
    z = enc.transform(x[None, :])[0]
    assert z[:2].tolist() == [x[0], 0.5] and z[2:].tolist() == [0.0, 1.0]
    # The neighbourhood search moves an ordinal one value at a time.
    maxi = AcquisitionMaximizer(space, enc, n_candidates=100)
    moved = [space.to_candidate(y).params for y in maxi._neighbours(x, 0)]
    assert {"n": 299, "lr": 0.1, "k": "b"} in moved and {"n": 301, "lr": 0.1, "k": "b"} in moved
    assert {"n": 300, "lr": 0.01, "k": "b"} in moved and {"n": 300, "lr": 1.0, "k": "b"} in moved
    assert len(moved) == 5  # n +- 1, lr +- 1, the other k
    assert enc.discrete_size(0) == 951


def test_encoder_snap_matches_space_snap_for_ordinals():
    space = SearchSpace({"o": Ordinal([1, 10, 100, 1000]), "f": [0.5, 0.75, 0.9, 0.99], "r": (0.0, 1.0)})
    enc = MixedEncoder(space)
    U = np.random.default_rng(6).random((200, 3))
    np.testing.assert_array_equal(enc.snap(U.copy(), np.arange(3)), space.snap(U))


def test_gp_searches_a_long_ordinal_list():
    space = {"n": list(range(50, 1001)), "lr": (1e-3, 1.0, "log-uniform")}

    def score(p):
        return -((math.log(p["n"]) - math.log(300)) ** 2) - (math.log10(p["lr"]) + 1.5) ** 2

    opt = GPOptimizer(space, n_candidates=300, random_state=0)
    for _ in range(25):
        [c] = opt.ask()
        assert type(c.params["n"]) is int and 50 <= c.params["n"] <= 1000
        opt.tell([c], [score(c.params)])
    assert opt.y_.max() > -0.05


def test_optimizer_imports_no_sklearn():
    folder = Path(__file__).resolve().parents[2] / "skhpo" / "optimizers" / "_gp"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "sklearn" for n in names), path


# ----------------------------------------------------------------- optimizer
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"acq_func": "ucb"}, "acq_func must be one of .*'ucb'"),
        ({"acq_func": None}, "acq_func"),
        ({"batch_strategy": "mean"}, "batch_strategy must be one of .*'mean'"),
        ({"xi": -0.1}, "xi must be a finite real number >= 0, got xi=-0.1"),
        ({"xi": "a"}, "xi must be"),
        ({"kappa": float("nan")}, "kappa must be a finite real number"),
        ({"n_candidates": 0}, "n_candidates must be a positive int, got n_candidates=0"),
        ({"n_candidates": 10.5}, "n_candidates"),
        ({"n_initial_points": -1}, "n_initial_points"),
    ],
)
def test_constructor_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GPOptimizer({"x": (0.0, 1.0)}, **kwargs)


@pytest.mark.parametrize("strategy", ["constant_liar", "kriging_believer"])
def test_batch_has_no_duplicates_and_respects_active_columns(strategy):
    space = SearchSpace(CASH_SPACE)
    opt = GPOptimizer(space, batch_strategy=strategy, n_initial_points=6, n_candidates=300, random_state=0)
    cands = opt.ask(6)
    opt.tell(cands, [cash_score(c) for c in cands])
    for _ in range(2):
        batch = opt.ask(6)
        assert len(batch) == 6
        assert len({c.key for c in batch}) == 6
        for c in batch:
            active = space.active[c.subspace]
            assert not np.isnan(c.vector[active]).any()
            assert np.isnan(c.vector[~active]).all()
            assert set(c.params) == set(space.subspaces[c.subspace])
        opt.tell(batch, [cash_score(c) for c in batch])
    assert len({tuple(np.nan_to_num(x, nan=-1)) for x in opt.X_}) == opt.n_observations


def test_pending_points_are_not_repeated():
    opt = GPOptimizer({"x": (0.0, 1.0), "k": ["a", "b"]}, n_initial_points=3, n_candidates=200, random_state=0)
    c = opt.ask(3)
    opt.tell(c, [0.1, 0.2, 0.3])
    first = opt.ask()[0]
    second = opt.ask()[0]  # `first` is pending
    assert first.key != second.key
    opt.tell([first, second], [0.5, 0.4])
    assert opt.n_observations == 5


def test_cash_budget_flows_to_the_better_family():
    opt = GPOptimizer(CASH_SPACE, n_initial_points=6, n_candidates=300, random_state=0)
    for _ in range(24):
        [c] = opt.ask()
        opt.tell([c], [cash_score(c)])
    later = opt.subspace_[6:]
    assert (later == 1).mean() >= 0.75
    assert opt.y_.max() > 0.85


def test_finds_quadratic_optimum_better_than_random():
    space = {"x": (-3.0, 3.0), "y": (-3.0, 3.0)}

    def score(p):
        return -((p["x"] - 1.0) ** 2 + 2 * (p["y"] + 0.5) ** 2)

    best = {}
    for name, opt in (("gp", GPOptimizer(space, random_state=0)), ("random", RandomOptimizer(space, random_state=0))):
        for _ in range(25):
            [c] = opt.ask()
            opt.tell([c], [score(c.params)])
        best[name] = opt.y_.max()
    assert best["gp"] > -1e-2
    assert best["gp"] > best["random"]


def test_same_seed_same_candidates():
    def trajectory(seed):
        opt = GPOptimizer(CASH_SPACE, n_initial_points=4, n_candidates=200, random_state=seed)
        out = []
        for _ in range(8):
            cands = opt.ask(2)
            opt.tell(cands, [cash_score(c) for c in cands])
            out.extend(c.key for c in cands)
        return out

    assert trajectory(7) == trajectory(7)
    assert trajectory(7) != trajectory(8)


@pytest.mark.parametrize("acq_func", ["ei", "lcb", "pi", "auto"])
def test_every_acquisition_runs_and_handles_failures(acq_func):
    opt = GPOptimizer({"x": (0.0, 1.0), "n": (1, 5), "k": ["a", "b", "c"]}, acq_func=acq_func,
                      n_initial_points=4, n_candidates=100, random_state=1)
    for i in range(8):
        [c] = opt.ask()
        opt.tell([c], [np.nan if i % 3 == 0 else c.params["x"] + c.params["n"]])
    assert opt.n_observations == 8
    assert np.isfinite(opt.model_.y_train_).all()


def test_small_finite_space_is_exhausted_without_repeats():
    space = {"k": ["a", "b", "c"], "n": [1, 2]}
    opt = GPOptimizer(space, n_initial_points=2, random_state=0)
    keys = []
    while True:
        cands = opt.ask(2)
        if not cands:
            break
        keys.extend(c.key for c in cands)
        opt.tell(cands, [float(len(keys))] * len(cands))
    assert len(keys) == len(set(keys)) == 6


def test_default_initial_design_scales_with_dimension():
    assert GPOptimizer({"x": (0.0, 1.0)}).n_initial_points_ == 5
    assert GPOptimizer({f"x{i}": (0.0, 1.0) for i in range(6)}).n_initial_points_ == 7
    assert GPOptimizer({f"x{i}": (0.0, 1.0) for i in range(12)}).n_initial_points_ == 10
    assert GPOptimizer(CASH_SPACE).n_initial_points_ == 8  # 7 columns incl. the root
    assert GPOptimizer({"x": (0.0, 1.0)}, n_initial_points=3).n_initial_points_ == 3
    # The model takes over right after the design.
    opt = GPOptimizer({"x": (0.0, 1.0)}, random_state=0)
    for _ in range(6):
        [c] = opt.ask()
        opt.tell([c], [c.params["x"]])
    assert opt.model_ is not None and opt.model_.X_train_.shape[0] == 5


# ------------------------------------------- boundary derivative observations
def _fd_kernel(a, b, ell, s2):
    from skhpo.optimizers._gp._kernel import matern52 as k52

    return float(k52(scaled_sqdist(a[None], b[None], ell), s2)[0, 0])


def test_cross_covariance_matches_finite_differences_of_the_kernel():
    from skhpo.optimizers._gp._kernel import cross_covariance

    rng = np.random.default_rng(3)
    ell, s2, eps = np.array([0.3, 0.7, 1.2]), 1.7, 1e-5
    a, b = rng.random(3), rng.random(3)
    E = np.eye(3) * eps
    for j in range(3):
        # cov(f(a), df/dx_j(b)) = dk(a, b)/db_j, and symmetric in the two arguments
        fd = (_fd_kernel(a, b + E[j], ell, s2) - _fd_kernel(a, b - E[j], ell, s2)) / (2 * eps)
        got = cross_covariance(a[None], np.array([-1]), b[None], np.array([j]), ell, s2)[0, 0]
        back = cross_covariance(b[None], np.array([j]), a[None], np.array([-1]), ell, s2)[0, 0]
        assert got == pytest.approx(fd, rel=1e-6) and back == pytest.approx(got, rel=1e-12)
        for i in range(3):
            fd2 = (
                _fd_kernel(a + E[i], b + E[j], ell, s2) - _fd_kernel(a + E[i], b - E[j], ell, s2)
                - _fd_kernel(a - E[i], b + E[j], ell, s2) + _fd_kernel(a - E[i], b - E[j], ell, s2)
            ) / (4 * eps * eps)
            got2 = cross_covariance(a[None], np.array([i]), b[None], np.array([j]), ell, s2)[0, 0]
            assert got2 == pytest.approx(fd2, rel=1e-4, abs=1e-5)
    # the variance of a derivative at a point is 5 s2 / (3 ell^2)
    var = cross_covariance(a[None], np.array([1]), a[None], np.array([1]), ell, s2)[0, 0]
    assert var == pytest.approx(5 * s2 / (3 * 0.7**2), rel=1e-12)


def _gp_with_derivatives():
    rng = np.random.default_rng(1)
    X = rng.random((12, 3))
    gp = GaussianProcess().fit(X, np.sin(4 * X[:, 0]) + X[:, 1] ** 2)
    Xd = np.array([[0.0, 0.5, 0.5], [1.0, 0.2, 0.9], [0.3, 0.0, 0.4]])
    dims = np.array([0, 0, 1])
    sd = gp.derivative_sd(dims)
    gp = gp.condition_on_derivatives(Xd, dims, np.array([-1.0, 1.0, -1.0]) * sd, sd**2)
    return gp.condition_on(np.array([[0.3, 0.3, 0.3]]), np.array([0.1]))


def test_predict_with_gradient_matches_finite_differences_with_derivative_rows():
    gp = _gp_with_derivatives()
    x = np.random.default_rng(2).random((4, 3))
    mean, std, dmean, dstd = gp.predict_with_gradient(x)
    m2, s2 = gp.predict(x)
    np.testing.assert_allclose(mean, m2, rtol=1e-10)
    np.testing.assert_allclose(std, s2, rtol=1e-10)
    eps = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = eps
        (mp, sp), (mn, sn) = gp.predict(x + e), gp.predict(x - e)
        np.testing.assert_allclose(dmean[:, j], (mp - mn) / (2 * eps), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(dstd[:, j], (sp - sn) / (2 * eps), rtol=1e-4, atol=1e-6)
    # derivative rows are not function values: 12 observations + 1 fantasy
    assert gp.y_train_.shape == (13,)


def test_predictions_follow_each_conditioning_of_a_used_model():
    """The training-row arrays a GP keeps between predictions belong to that GP only.

    Each model predicts before it is conditioned further; every prediction
    must equal the textbook ``k(x)^T K^-1 y`` over that model's own rows.
    """
    from scipy.linalg import cho_solve

    from skhpo.optimizers._gp._kernel import cross_covariance

    rng = np.random.default_rng(7)
    X = rng.random((10, 3))
    gp = GaussianProcess().fit(X, X.sum(1))
    xq = rng.random((6, 3))
    def slope(x, dim, value):
        return lambda m: m.condition_on_derivatives(np.array([x]), np.array([dim]), np.array([value]), np.array([0.1]))

    steps = [
        slope([0.0, 0.4, 0.6], 0, -0.5),
        lambda m: m.condition_on(rng.random((2, 3)), np.array([0.2, -0.3])),
        slope([0.7, 1.0, 0.1], 1, 0.4),
    ]
    models = [gp]
    for step in steps:
        models[-1].predict_with_gradient(xq)  # used before it is conditioned further
        models.append(step(models[-1]))
    for model in models + models[::-1]:
        mean, std, _, _ = model.predict_with_gradient(xq)
        ell, s2 = model.lengthscales_, model.variance_
        k = cross_covariance(xq, np.full(6, -1), model.X_train_, model.dims_train_, ell, s2)
        expected = k @ cho_solve((model.L_, True), model.ys_train_) * model.y_scale_ + model.y_mean_
        np.testing.assert_allclose(mean, expected, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(model.predict(xq)[0], expected, rtol=1e-9, atol=1e-12)
    assert len({len(m.X_train_) for m in models}) == 4


def test_a_derivative_observation_tilts_the_posterior_mean():
    # Flat data; a negative derivative observed at x = 0 makes the mean fall
    # going inwards from the low bound, so x = 0 looks worse than x = 0.1.
    X = np.array([[0.5], [0.6], [0.7]])
    gp = GaussianProcess().fit(X, np.array([0.0, 0.01, -0.01]))
    m0 = gp.predict(np.array([[0.0], [0.1]]))[0]
    sd = gp.derivative_sd(np.array([0]))
    tilted = gp.condition_on_derivatives(np.array([[0.0]]), np.array([0]), -3 * sd, sd**2)
    m1 = tilted.predict(np.array([[0.0], [0.1]]))[0]
    assert m1[1] - m1[0] < m0[1] - m0[0] - 1e-3
    # the variance at the observed point itself is unchanged: cov(f(x), f'(x)) = 0
    assert tilted.predict(np.array([[0.0]]))[1][0] == pytest.approx(gp.predict(np.array([[0.0]]))[1][0], rel=1e-9)


BOUND_SPACE = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0), "d": Integer(1, 10), "e": (1e-3, 1.0, "log-uniform")}


def _interior_bowl(p) -> float:
    return -(
        (p["a"] - 0.4) ** 2 + (p["b"] - 0.6) ** 2 + 0.3 * (p["c"] - 0.5) ** 2
        + ((p["d"] - 5) / 9) ** 2 + 0.5 * ((math.log10(p["e"]) + 1.5) / 3) ** 2
    )


def _share_on_bounds(opt, n) -> float:
    n0 = opt.n_initial_points_
    hits = 0
    for i in range(n):
        [c] = opt.ask()
        opt.tell([c], [_interior_bowl(c.params)])
        if i >= n0:
            u = np.delete(c.vector, 3)  # the reals; the integer is checked by value
            hits += bool(np.any((u <= 1e-9) | (u >= 1 - 1e-9)) or c.params["d"] in (1, 10))
    return hits / (n - n0)


def test_proposals_do_not_pile_on_the_bounds_of_an_interior_optimum():
    # Random search puts about 0.2 of its proposals on a bound here (the
    # integer's two end values); the GP without the virtual derivative
    # observations put 0.3-0.5 there, nearly all in corners. Over four
    # seeds (a single seed's best depends on numpy's and scipy's streams).
    shares, bests = [], []
    for seed in range(4):
        opt = GPOptimizer(BOUND_SPACE, random_state=seed)
        shares.append(_share_on_bounds(opt, 30))
        bests.append(opt.y_.max())
        assert len(opt._virtual_dim) > 0
    assert max(shares) <= 0.2, shares
    assert np.median(bests) > -0.01, bests


def test_an_optimum_on_the_bound_is_still_found():
    # The score rises towards x = 1: the data outweigh the virtual observations.
    opt = GPOptimizer({"x": (0.0, 1.0), "y": (0.0, 1.0)}, random_state=0)
    for _ in range(20):
        [c] = opt.ask()
        opt.tell([c], [c.params["x"] - (c.params["y"] - 0.5) ** 2])
    best = opt.space.to_candidate(opt.X_[opt.y_.argmax()]).params
    assert best["x"] > 0.98


def test_scores_near_the_float_maximum_do_not_break_the_fit():
    """Scores such as 1.8e308 overflowed y's mean and std: the fit raised on inf/NaN."""
    opt = GPOptimizer({"x": (-5.0, 5.0)}, n_initial_points=3, n_candidates=64, random_state=0)
    # The acquisition still overflows in the scores' units (a warning, not an error).
    with np.errstate(over="ignore", invalid="ignore"):
        for scores in ([np.nan, 1.7976931348623157e308], [-1e300, 1e300], [1.7e308, -1.7e308]):
            cands = opt.ask(2)
            opt.tell(cands, scores)
        cands = opt.ask(2)
    assert len(cands) == 2
    assert all(-5.0 <= c.params["x"] <= 5.0 for c in cands)
    assert np.isfinite(opt.model_.y_mean_) and np.isfinite(opt.model_.y_scale_)
