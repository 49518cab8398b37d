"""Tests of the one-dimensional search dimensions and their unit encoding."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from skhpo.space import Categorical, Distribution, Integer, Ordinal, Real

NAN, INF = float("nan"), float("inf")


# --------------------------------------------------------------------------
# Construction errors: each names the argument and what was expected.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, args, kwargs, exc, match",
    [
        (Real, (1.0, 1.0), {}, ValueError, r"Real: `low < high` must hold, got low=1\.0, high=1\.0"),
        (Real, (2.0, 1.0), {}, ValueError, r"`low < high`.*low=2\.0, high=1\.0"),
        (Integer, (5, 5), {}, ValueError, r"Integer: `low < high` must hold, got low=5, high=5"),
        (Integer, (5, 1), {}, ValueError, r"Integer: `low < high`"),
        (Real, (0.0, 1.0), {"prior": "log-uniform"}, ValueError, r"Real: prior='log-uniform' needs `low > 0`, got low=0\.0"),
        (Real, (-1.0, 1.0), {"prior": "log-uniform"}, ValueError, r"needs `low > 0`, got low=-1\.0"),
        (Integer, (0, 10), {"prior": "log-uniform"}, ValueError, r"Integer: prior='log-uniform' needs `low > 0`, got low=0"),
        (Real, (0.0, 1.0), {"prior": "log"}, ValueError, r"Real: `prior` must be one of \('uniform', 'log-uniform'\), got prior='log'"),
        (Integer, (0, 1), {"prior": None}, ValueError, r"Integer: `prior` must be one of .*got prior=None"),
        (Real, ("0", 1.0), {}, TypeError, r"Real: `low` must be .*finite real numbers, got low='0' of type str"),
        (Real, (0.0, None), {}, TypeError, r"Real: `high` must be .*got high=None of type NoneType"),
        (Real, (NAN, 1.0), {}, TypeError, r"Real: `low` must be .*finite.*got low=nan"),
        (Real, (0.0, INF), {}, TypeError, r"Real: `high` must be .*finite.*got high=inf"),
        (Real, (-INF, 0.0), {}, TypeError, r"Real: `low` must be .*finite.*got low=-inf"),
        (Real, (False, 1.0), {}, TypeError, r"Real: `low` must be .*got low=False of type bool"),
        (Integer, (0, True), {}, TypeError, r"Integer: `high` must be .*integers, got high=True of type bool"),
        (Integer, (0.0, 5), {}, TypeError, r"Integer: `low` must be .*integers, got low=0\.0 of type float"),
        (Integer, (0, 5.5), {}, TypeError, r"Integer: `high` must be .*integers, got high=5\.5"),
        (Integer, ("1", 5), {}, TypeError, r"Integer: `low` must be .*got low='1' of type str"),
        (Categorical, ([],), {}, ValueError, r"Categorical: `choices` must not be empty"),
        (Categorical, (["a", "b", "a"],), {}, ValueError, r"Categorical: `choices` must be distinct, but choices\[0\] and choices\[2\] are both 'a'"),
        (Categorical, ([1, np.int64(1)],), {}, ValueError, r"must be distinct.*both (np.int64\(1\)|1)\."),
        (Categorical, ([0.5, np.float64(0.5)],), {}, ValueError, r"must be distinct"),
        (Categorical, ([None, None],), {}, ValueError, r"must be distinct.*both None"),
        (Categorical, ([(1, 2), (1, 2)],), {}, ValueError, r"must be distinct.*both \(1, 2\)"),
        (Categorical, ([SVC(), SVC()],), {}, ValueError, r"must be distinct.*both SVC\(\)"),
        (Categorical, ("abc",), {}, TypeError, r"Categorical: `choices` must be a list or tuple of values, got choices='abc'"),
        (Categorical, (3,), {}, TypeError, r"`choices` must be a list or tuple.*got choices=3 of type int"),
        (Distribution, ("norm",), {}, TypeError, r"Distribution: `distribution` must be a frozen scipy\.stats distribution"),
        (Distribution, (stats.norm,), {}, TypeError, r"frozen scipy\.stats distribution.*freeze it by calling it"),
    ],
)
def test_bad_dimension_raises_with_clear_message(cls, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(*args, **kwargs)


@pytest.mark.parametrize(
    "dim",
    [
        Real(-2.0, 3.0),
        Real(1e-3, 1e3, prior="log-uniform"),
        Real(0.1, 0.7, prior="log-uniform"),
        Integer(-3, 4),
        Integer(1, 1000, prior="log-uniform"),
    ],
    ids=repr,
)
def test_bounds_map_exactly_to_the_ends_of_the_unit_interval(dim):
    assert dim.from_unit(0.0) == dim.low
    assert dim.from_unit(1.0) == dim.high
    assert dim.from_unit(-0.5) == dim.low
    assert dim.from_unit(1.5) == dim.high
    assert dim.contains(dim.from_unit(0.0)) and dim.contains(dim.from_unit(1.0))
    if dim.kind == "real":
        assert dim.to_unit(dim.low) == 0.0
        assert dim.to_unit(dim.high) == 1.0


def test_real_log_uniform_is_uniform_in_log_space():
    dim = Real(1e-4, 1e4, prior="log-uniform")
    assert dim.to_unit(1.0) == pytest.approx(0.5)
    assert dim.to_unit(1e-2) == pytest.approx(0.25)
    assert dim.from_unit(0.75) == pytest.approx(1e2)
    values = np.array([dim.from_unit(u) for u in np.random.default_rng(0).random(4000)])
    assert np.all((values >= 1e-4) & (values <= 1e4))
    # A quarter of the mass per two decades.
    frac = np.mean(values < 1e-2)
    assert abs(frac - 0.25) < 0.03


# --------------------------------------------------------------------------
# Integers
# --------------------------------------------------------------------------
@pytest.mark.parametrize("low, high", [(0, 1), (2, 5), (-7, 3), (10, 110)])
def test_integer_cells_have_equal_width(low, high):
    dim = Integer(low, high)
    k = high - low + 1
    eps = 1e-9
    for i in range(k):
        left, right = i / k, (i + 1) / k
        assert dim.from_unit(left + eps) == low + i
        assert dim.from_unit((left + right) / 2) == low + i
        assert dim.from_unit(right - eps) == low + i
        assert dim.to_unit(low + i) == pytest.approx((i + 0.5) / k)
    # And by counting on a fine grid.
    u = (np.arange(100_000) + 0.5) / 100_000
    counts = np.bincount([dim.from_unit(x) - low for x in u], minlength=k)
    assert counts.min() >= counts.max() - 1


def test_log_uniform_integer_follows_the_log_prior():
    dim = Integer(1, 20, prior="log-uniform")
    rng = np.random.default_rng(0)
    n = 40_000
    draws = np.array([dim.from_unit(u) for u in rng.random(n)])
    values = np.arange(1, 21)
    expected = np.log((values + 0.5) / (values - 0.5)) / math.log(20.5 / 0.5)
    observed = np.bincount(draws, minlength=21)[1:] / n
    np.testing.assert_allclose(observed, expected, atol=0.01)
    # Small values are much more likely than under a uniform prior.
    assert observed[0] > 5 * observed[-1]
    chi2 = stats.chisquare(observed * n, expected * n)
    assert chi2.pvalue > 1e-3


@pytest.mark.parametrize(
    "dim",
    [
        Integer(0, 9),
        Integer(-5, 5),
        Integer(1, 4096, prior="log-uniform"),
        Integer(3, 7, prior="log-uniform"),
        Categorical(["a", None, 3, (1, 2), SVC()]),
        Real(-1.0, 1.0),
        Real(1e-2, 1e2, prior="log-uniform"),
        Distribution(stats.poisson(4)),
        Distribution(stats.norm(1, 2)),
        Ordinal([0.01, 0.1, 0.3, 1.0, 3.0]),
    ],
    ids=repr,
)
def test_snap_is_idempotent_and_keeps_the_value(dim):
    u = np.concatenate([np.random.default_rng(1).random(500), [0.0, 1.0, -0.3, 1.7]])
    s1 = dim.snap(u)
    s2 = dim.snap(s1)
    np.testing.assert_array_equal(s1, s2)
    assert np.all((s1 >= 0.0) & (s1 <= 1.0))
    if dim.kind != "real":
        for a, b in zip(u, s1):
            va, vb = dim.from_unit(a), dim.from_unit(b)
            if dim.kind == "cat":
                assert dim.index(va) == dim.index(vb)
            else:
                assert va == vb
                # Canonical coordinate: encoding the value gives it back.
                assert dim.to_unit(vb) == b


def test_integer_contains():
    dim = Integer(1, 5)
    assert dim.contains(1) and dim.contains(5) and dim.contains(np.int64(3))
    assert dim.contains(3.0)
    assert not dim.contains(3.5)
    assert not dim.contains(0) and not dim.contains(6)
    assert not dim.contains(True)
    assert not dim.contains("3")
    assert not dim.contains(None)


def test_real_contains():
    dim = Real(0.0, 1.0)
    assert dim.contains(0.0) and dim.contains(1) and dim.contains(np.float32(0.5))
    assert not dim.contains(NAN)
    assert not dim.contains(1.5)
    assert not dim.contains(True)
    assert not dim.contains("0.5")


# --------------------------------------------------------------------------
# Categorical
# --------------------------------------------------------------------------
def test_categorical_keeps_one_float_true_and_string_one_apart():
    dim = Categorical([1, 1.0, True, "1", None, (1,)])
    assert dim.size == 6
    assert dim.index(1) == 0
    assert dim.index(np.int64(1)) == 0
    assert dim.index(1.0) == 1
    assert dim.index(np.float64(1.0)) == 1
    assert dim.index(True) == 2
    assert dim.index(np.True_) == 2
    assert dim.index("1") == 3
    assert dim.index(None) == 4
    assert dim.index((1,)) == 5
    for i, c in enumerate(dim.choices):
        out = dim.from_unit(dim.to_unit(c))
        assert type(out) is type(c) and out == c, (i, out, c)
    with pytest.raises(ValueError, match="is not one of the choices"):
        dim.index(2)
    with pytest.raises(ValueError, match="is not one of the choices"):
        dim.index([1])
    with pytest.raises(ValueError, match="is not one of the choices"):
        dim.index(False)


def test_categorical_int_and_float_choices_are_distinct_like_sklearn():
    # max_features=1 (one feature) and max_features=1.0 (all features).
    dim = Categorical([1, 1.0, "sqrt"])
    assert dim.from_unit(dim.to_unit(1.0)) == 1.0
    assert isinstance(dim.from_unit(dim.to_unit(1.0)), float)
    assert isinstance(dim.from_unit(dim.to_unit(1)), int)
    assert not Categorical([0.5, 1.0]).contains(1)
    assert not Categorical([1, 2]).contains(1.0)


def test_categorical_nan_choice_is_found_by_value():
    dim = Categorical([np.nan, 0.0])
    assert dim.index(float("nan")) == 0
    assert dim.contains(np.float64("nan"))
    with pytest.raises(ValueError, match="distinct"):
        Categorical([np.nan, float("nan")])


def test_categorical_cells():
    dim = Categorical(["a", "b", "c", "d"])
    assert [dim.from_unit(u) for u in (0.0, 0.2499, 0.25, 0.74, 0.75, 1.0)] == ["a", "a", "b", "c", "d", "d"]
    assert dim.to_unit("c") == 0.625
    np.testing.assert_array_equal(dim.snap(np.array([0.01, 0.3, 0.99])), [0.125, 0.375, 0.875])


def test_categorical_estimator_choices_are_cloned():
    svc = SVC(C=3.0)
    lr = LogisticRegression()
    dim = Categorical([svc, lr])
    first = dim.from_unit(0.1)
    second = dim.from_unit(0.1)
    assert isinstance(first, SVC) and first.C == 3.0
    assert first is not svc and second is not svc and first is not second
    assert dim.from_json(0) is not svc
    # Cloned choices are still recognised, as are equal fresh estimators.
    assert dim.index(first) == 0
    assert dim.index(SVC(C=3.0)) == 0
    assert not dim.contains(SVC(C=2.0))
    # Mutating a returned estimator leaves the space untouched.
    first.set_params(C=100.0)
    assert svc.C == 3.0
    assert dim.from_unit(0.1).C == 3.0


def test_categorical_estimators_with_different_params_are_distinct():
    dim = Categorical([SVC(C=1.0), SVC(C=2.0), SVC(kernel="linear")])
    assert dim.index(SVC(C=2.0)) == 1
    assert dim.index(SVC(kernel="linear")) == 2


def test_categorical_array_choices_do_not_crash():
    a, b = np.array([1, 2]), np.array([1, 2])
    dim = Categorical([a, b])  # distinct objects; elementwise == is not equality
    assert dim.index(a) == 0 and dim.index(b) == 1


# --------------------------------------------------------------------------
# Distribution
# --------------------------------------------------------------------------
def test_distribution_kinds_and_sizes():
    norm = Distribution(stats.norm(0, 1))
    assert norm.kind == "real" and norm.size == math.inf
    pois = Distribution(stats.poisson(3))
    assert pois.kind == "int" and pois.size == math.inf
    binom = Distribution(stats.binom(5, 0.3))
    assert binom.kind == "int" and binom.size == 6
    assert norm.contains(12.0) and not norm.contains(INF) and not norm.contains(NAN)
    assert pois.contains(4) and not pois.contains(4.5) and not pois.contains(-1)
    assert np.isfinite(norm.from_unit(0.0)) and np.isfinite(norm.from_unit(1.0))


@pytest.mark.parametrize(
    "frozen",
    [stats.norm(2.0, 3.0), stats.gamma(2.0, scale=0.5), stats.beta(2, 5), stats.expon(1.0)],
    ids=lambda d: d.dist.name,
)
def test_sampling_a_continuous_distribution_reproduces_it(frozen):
    dim = Distribution(frozen)
    u = np.random.default_rng(12345).random(3000)
    samples = np.array([dim.from_unit(x) for x in u])
    result = stats.kstest(samples, frozen.cdf)
    assert result.pvalue > 0.01, result
    # A wrong distribution is rejected by the same test (the test can fail).
    shifted = stats.kstest(samples + frozen.std(), frozen.cdf)
    assert shifted.pvalue < 1e-6


@pytest.mark.parametrize("frozen", [stats.poisson(3.0), stats.binom(8, 0.3), stats.geom(0.3)], ids=lambda d: d.dist.name)
def test_sampling_a_discrete_distribution_reproduces_it(frozen):
    dim = Distribution(frozen)
    u = np.random.default_rng(7).random(5000)
    samples = np.array([dim.from_unit(x) for x in u])
    assert samples.dtype.kind == "i"
    values = np.arange(samples.min(), samples.max() + 1)
    observed = np.array([(samples == v).sum() for v in values])
    expected = frozen.pmf(values) * len(samples)
    keep = expected > 20
    assert abs(observed[keep] - expected[keep]).max() < 5 * np.sqrt(expected[keep]).max()
    for v in values[keep]:
        assert dim.from_unit(dim.to_unit(int(v))) == v


# --------------------------------------------------------------------------
# Property-based round trips
def test_log_range_too_narrow_to_search_is_rejected():
    with pytest.raises(ValueError, match="too narrow to be searched"):
        Real(1e-06, 1.0000000000000002e-06, prior="log-uniform")


# --------------------------------------------------------------------------
_finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=1e-8, max_value=1e8, allow_nan=False, allow_infinity=False)


@st.composite
def real_dim_and_value(draw):
    if draw(st.booleans()):
        a, b = sorted(draw(st.lists(_positive, min_size=2, max_size=2, unique=True)))
        assume(math.log(a) < math.log(b))  # adjacent floats are rejected as too narrow
        dim = Real(a, b, prior="log-uniform")
    else:
        a, b = sorted(draw(st.lists(_finite, min_size=2, max_size=2, unique=True)))
        dim = Real(a, b)
    value = draw(st.floats(min_value=dim.low, max_value=dim.high))
    return dim, value


@st.composite
def integer_dim_and_value(draw):
    if draw(st.booleans()):
        a = draw(st.integers(1, 10**9 - 1))
        b = draw(st.integers(a + 1, 10**9))
        dim = Integer(a, b, prior="log-uniform")
    else:
        a = draw(st.integers(-(10**9), 10**9 - 1))
        b = draw(st.integers(a + 1, 10**9))
        dim = Integer(a, b)
    return dim, draw(st.integers(dim.low, dim.high))


def _choice_id(c):
    """Identity of a choice under the Categorical rules (1, 1.0, True differ)."""
    if isinstance(c, bool):
        return ("bool", c)
    if isinstance(c, int):
        return ("int", c)
    if isinstance(c, float):
        return ("float", c)
    return (type(c).__name__, c)


_choice = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False),
    st.text(max_size=3),
    st.tuples(st.integers(1, 50), st.integers(1, 50)),
)


@given(real_dim_and_value())
def test_real_round_trip(dim_value):
    dim, value = dim_value
    u = dim.to_unit(value)
    assert 0.0 <= u <= 1.0
    back = dim.from_unit(u)
    assert dim.contains(back)
    assert back == pytest.approx(value, rel=1e-9, abs=1e-9 * (dim.high - dim.low))
    assert dim.from_json(dim.to_json(back)) == back


@given(integer_dim_and_value())
def test_integer_round_trip(dim_value):
    dim, value = dim_value
    u = dim.to_unit(value)
    assert 0.0 <= u <= 1.0
    assert dim.from_unit(u) == value
    assert isinstance(dim.from_unit(u), int)
    assert dim.snap(np.array([u]))[0] == u
    assert dim.from_json(dim.to_json(value)) == value


@given(st.lists(_choice, min_size=1, max_size=8, unique_by=_choice_id), st.data())
def test_categorical_round_trip(choices, data):
    dim = Categorical(choices)
    i = data.draw(st.integers(0, len(choices) - 1))
    value = choices[i]
    u = dim.to_unit(value)
    assert dim.index(value) == i
    back = dim.from_unit(u)
    assert type(back) is type(value) and back == value
    assert dim.snap(np.array([u]))[0] == u
    assert dim.to_json(value) == i
    assert dim.from_json(dim.to_json(value)) == value


def test_distribution_repr_shows_every_parameter():
    assert repr(Distribution(stats.randint(0, 5, loc=2))) == "Distribution(randint(0, 5, loc=2))"
    assert repr(Distribution(stats.norm(0.5, scale=0.1))) == "Distribution(norm(0.5, scale=0.1))"


def test_unbounded_sides_of_a_distribution_are_cut_at_the_tail_quantile():
    # an optimizer probing the ends of the unit interval must not reach far
    # tails that random sampling practically never draws
    dim = Distribution(stats.norm(0.5, 0.1))
    lo, hi = stats.norm(0.5, 0.1).ppf([1e-3, 1 - 1e-3])
    assert dim.from_unit(0.0) == pytest.approx(lo) and dim.from_unit(1.0) == pytest.approx(hi)
    assert dim.from_unit(0.5) == pytest.approx(0.5)
    assert dim.to_unit(dim.from_unit(0.25)) == pytest.approx(0.25)
    # a bounded side keeps its bound
    expon = Distribution(stats.expon(1.0))
    assert expon.from_unit(0.0) == pytest.approx(1.0)
    assert expon.from_unit(1.0) == pytest.approx(stats.expon(1.0).ppf(1 - 1e-3))


# --------------------------------------------------------------------------
# Ordinal: an ordered set of numbers.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values, exc, match",
    [
        ([1], ValueError, r"Ordinal: `values` must hold at least 2 numbers, got \[1\]\. Use Categorical\(\[value\]\)"),
        ([], ValueError, r"at least 2 numbers, got \[\]"),
        ([1, "a", 3], TypeError, r"Ordinal: `values` must be finite real numbers, got values\[1\]='a' of type str"),
        ([False, True], TypeError, r"got values\[0\]=False of type bool"),
        ([1.0, NAN, 3.0], TypeError, r"got values\[1\]=nan"),
        ([1.0, INF], TypeError, r"got values\[1\]=inf"),
        ([1, 2.5, 10], TypeError, r"Ordinal: `values` must be all integers or all floats, got values\[0\]=1 and values\[1\]=2\.5"),
        ([1, 3, 2], ValueError, r"Ordinal: `values` must be strictly increasing, got values\[1\]=3 then values\[2\]=2\. Write sorted\(set\(values\)\)"),
        ([1, 1, 2], ValueError, r"strictly increasing, got values\[0\]=1 then values\[1\]=1"),
        ({1, 2, 3}, TypeError, r"Ordinal: `values` must be an ordered sequence.*got a set"),
        (5, TypeError, r"Ordinal: `values` must be a list or tuple of values, got values=5"),
    ],
)
def test_bad_ordinal_raises_with_clear_message(values, exc, match):
    with pytest.raises(exc, match=match):
        Ordinal(values)


def test_ordinal_cells_are_equal_and_ordered():
    dim = Ordinal([0.001, 0.01, 0.1, 1.0])
    assert dim.kind == "int" and dim.size == 4
    assert [dim.to_unit(v) for v in dim.values] == [0.125, 0.375, 0.625, 0.875]
    assert [dim.from_unit(u) for u in (0.0, 0.249, 0.25, 0.74, 0.75, 1.0)] == [0.001, 0.001, 0.01, 0.1, 1.0, 1.0]
    np.testing.assert_array_equal(dim.snap(np.array([-0.2, 0.3, 0.999, 1.3])), [0.125, 0.375, 0.875, 0.875])


def test_ordinal_keeps_values_and_their_types():
    ints = Ordinal(np.array([50, 100, 200]))
    assert ints.from_unit(0.5) == 100 and type(ints.from_unit(0.5)) is int
    floats = Ordinal((0.5, 1.0, 2.0))
    assert type(floats.from_unit(0.5)) is float
    # integers and floats are told apart, as in Categorical (1 and 1.0 differ to sklearn)
    assert ints.contains(np.int64(100)) and not ints.contains(100.0) and not ints.contains(True)
    assert floats.contains(1.0) and not floats.contains(1) and not floats.contains(1.5)
    assert not ints.contains("100") and not ints.contains(None) and not ints.contains([100])
    with pytest.raises(ValueError, match=r"150 is not one of the values of Ordinal\(\[50, 100, 200\]\)"):
        ints.to_unit(150)


def test_ordinal_json_is_the_value():
    dim = Ordinal([0.1, 0.2, 0.4])
    assert dim.to_json(0.2) == 0.2 and dim.from_json(0.2) == 0.2
    ints = Ordinal([1, 5, 9])
    assert ints.to_json(np.int64(5)) == 5 and type(ints.to_json(np.int64(5))) is int
    assert ints.from_json(9) == 9
    with pytest.raises(ValueError, match="is not one of the values"):
        ints.from_json(4)


def test_ordinal_equality_and_repr():
    assert Ordinal([1, 2, 3]) == Ordinal((1, 2, 3))
    assert Ordinal([1, 2, 3]) != Ordinal([1.0, 2.0, 3.0])
    assert Ordinal([1, 2, 3]) != Categorical([1, 2, 3])
    assert hash(Ordinal([1, 2, 3])) == hash(Ordinal([1, 2, 3]))
    assert repr(Ordinal([1, 2, 3])) == "Ordinal([1, 2, 3])"
    assert repr(Ordinal(list(range(50, 1001)))) == "Ordinal([50, 51, 52, ..., 999, 1000])"


@given(
    st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=30, unique=True)
    | st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=30, unique=True),
    st.data(),
)
def test_ordinal_round_trip(values, data):
    values = sorted(values)
    assume(all(a < b for a, b in zip(values, values[1:])))  # -0.0 == 0.0
    dim = Ordinal(values)
    i = data.draw(st.integers(0, len(values) - 1))
    u = dim.to_unit(values[i])
    assert 0.0 < u < 1.0
    back = dim.from_unit(u)
    assert back is values[i]
    assert dim.snap(np.array([u]))[0] == u
    assert dim.from_json(dim.to_json(back)) == back


def test_integer_bounds_beyond_float_precision_are_refused():
    """Beyond 2**53 the float encoding merged neighbouring integers: fewer candidates than promised."""
    from skhpo.space import SearchSpace

    with pytest.raises(ValueError, match="2\\*\\*53"):
        Integer(2**53, 2**53 + 3)
    with pytest.raises(ValueError, match="Parameter 'n'.*2\\*\\*53"):
        SearchSpace({"n": (0, 10**20)})
    assert Integer(-(2**53), 2**53).size == 2**54 + 1


def test_distribution_with_infinite_quantiles_is_refused():
    """norm(0, 1e308) gave candidates of -inf and inf, outside the dimension."""
    from skhpo.space import SearchSpace

    with pytest.raises(ValueError, match="Parameter 'x'.*must be finite"):
        SearchSpace({"x": stats.norm(0, 1e308)})
