"""Tests of SearchSpace: parsing, shorthands, encoding and estimator checks."""

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import BaggingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

from skhpo.space import (
    Candidate,
    Categorical,
    Distribution,
    Integer,
    Ordinal,
    Real,
    SearchSpace,
    check_space_for_estimator,
)
from skhpo.optimizers import GPOptimizer, RandomOptimizer, TPEOptimizer

NAN, INF = float("nan"), float("inf")


def _same_value(a, b):
    """Equality of parameter values, estimators compared by class and params."""
    if hasattr(a, "get_params"):
        return type(a) is type(b) and repr(a.get_params(deep=False)) == repr(b.get_params(deep=False))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _same_params(p, q):
    return set(p) == set(q) and all(_same_value(p[k], q[k]) for k in p)


def cash_space():
    """Three alternative model families, with an estimator choice per family."""
    return SearchSpace(
        [
            {"clf": [SVC()], "clf__C": (1e-3, 1e3, "log-uniform"), "clf__kernel": ["rbf", "linear"]},
            {"clf": [RandomForestClassifier()], "clf__max_depth": (2, 12), "clf__max_features": [1, 1.0, "sqrt"]},
            {"clf": [KNeighborsClassifier()], "clf__n_neighbors": (1, 50, "log-uniform")},
        ]
    )


# --------------------------------------------------------------------------
# Bad parameter specifications name the parameter and what was expected.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, exc, match",
    [
        ((5, 1), ValueError, r"`low < high` must hold, got low=5, high=1"),
        ((1.0, 1.0), ValueError, r"`low < high` must hold, got low=1\.0, high=1\.0"),
        ((0.0, 1.0, "log-uniform"), ValueError, r"prior='log-uniform' needs `low > 0`, got low=0\.0"),
        ((-2, 10, "log-uniform"), ValueError, r"prior='log-uniform' needs `low > 0`, got low=-2"),
        ((1e-3, 1.0, "log"), ValueError, r"`prior` must be one of \('uniform', 'log-uniform'\), got prior='log'"),
        ((1, 5, "loguniform"), ValueError, r"`prior` must be one of .* got prior='loguniform'"),
        ((1, 5, None), ValueError, r"`prior` must be one of .* got prior=None"),
        (("a", 5), TypeError, r"bounds of a \(low, high\) tuple must be numbers, got low='a'"),
        ((0.0, "1"), TypeError, r"bounds of a \(low, high\) tuple must be numbers, got high='1'"),
        ((None, 5), TypeError, r"must be numbers, got low=None"),
        ((NAN, 1.0), TypeError, r"`low` must be .*finite.*got low=nan"),
        ((0.0, INF), TypeError, r"`high` must be .*finite.*got high=inf"),
        ((-INF, 0.0), TypeError, r"`low` must be .*finite.*got low=-inf"),
        ((True, 5), TypeError, r"must be numbers, got low=True"),
        ((0, False), TypeError, r"must be numbers, got high=False"),
        ((1,), ValueError, r"a tuple must be \(low, high\) or \(low, high, prior\), got \(1,\)"),
        ((), ValueError, r"a tuple must be \(low, high\) or \(low, high, prior\), got \(\)"),
        ((1, 2, "uniform", 4), ValueError, r"a tuple must be \(low, high\) or \(low, high, prior\)"),
        ((1, 2, 3, 4), ValueError, r"got \(1, 2, 3, 4\)\. Use a list for a set of values: \[1, 2, 3, 4\]"),
        ((1, 5, 10), ValueError, r"`prior` must be one of \('uniform', 'log-uniform'\), got prior=10; a tuple is \(low, high\) or \(low, high, prior\)\. Use a list for a set of values: \[1, 5, 10\]"),
        ((0.1, 0.5, 0.9), ValueError, r"got prior=0\.9; .*Use a list for a set of values: \[0\.1, 0\.5, 0\.9\]"),
        ([], ValueError, r"`choices` must not be empty"),
        (["a", "b", "a"], ValueError, r"`choices` must be distinct, but choices\[0\] and choices\[2\] are both 'a'"),
        ([SVC(), SVC()], ValueError, r"`choices` must be distinct.*SVC\(\)"),
        (np.array([]), ValueError, r"`choices` must not be empty"),
        (np.array([[1, 2], [3, 4]]), ValueError, r"an array of choices must be 1-dimensional, got shape \(2, 2\)"),
        (np.array(3), ValueError, r"an array of choices must be 1-dimensional, got shape \(\)"),
        (range(0), ValueError, r"`choices` must not be empty"),
        (5, TypeError, r"expected a Real, Integer or Categorical dimension.*got 5 of type int\. Wrap a single value in a list"),
        ("rbf", TypeError, r"expected a Real.*got 'rbf' of type str"),
        (None, TypeError, r"expected a Real.*got None of type NoneType"),
        ({1, 2}, TypeError, r"got \{1, 2\} of type set"),
        (stats.norm, TypeError, r"expected a Real.*frozen scipy\.stats distribution"),
        (stats.uniform(1.0, 0.0), ValueError, r"`low < high` must hold, got low=1\.0, high=1\.0"),
        (stats.uniform(2.0, -1.0), ValueError, r"`low < high` must hold"),
        (stats.loguniform(0.0, 1.0), ValueError, r"prior='log-uniform' needs `low > 0`"),
        (stats.randint(5, 2), ValueError, r"Distribution: the parameters of Distribution\(randint\(5, 2\)\) are invalid"),
        (stats.norm(0, -1), ValueError, r"parameters of Distribution\(norm\(0, -1\)\) are invalid"),
    ],
)
def test_bad_parameter_spec_names_the_parameter(spec, exc, match):
    with pytest.raises(exc, match=r"Parameter 'my_param': " + ("" if not match else r".*" + match)):
        SearchSpace({"my_param": spec})
    # The same error inside a later sub-space of a list.
    with pytest.raises(exc, match=r"Parameter 'my_param'"):
        SearchSpace([{"ok": [1, 2]}, {"ok": [3], "my_param": spec}])


@pytest.mark.parametrize(
    "spaces, exc, match",
    [
        ([], ValueError, r"search space: expected a dict or a non-empty list of dicts, got \[\]"),
        ([{"a": [1]}, 5], TypeError, r"sub-space 1 must be a dict \{name: dimension\}, got 5 of type int"),
        ([{"a": [1]}, [("a", [1])]], TypeError, r"sub-space 1 must be a dict.*of type list"),
        ([{"a": [1]}, None], TypeError, r"sub-space 1 must be a dict.*got None"),
        ({3: [1, 2]}, TypeError, r"parameter names must be non-empty strings, got 3 in sub-space 0"),
        ({("a", "b"): [1, 2]}, TypeError, r"parameter names must be non-empty strings, got \('a', 'b'\)"),
        ([{"a": [1]}, {None: [1]}], TypeError, r"parameter names must be non-empty strings, got None in sub-space 1"),
        ({"": [1, 2]}, TypeError, r"parameter names must be non-empty strings, got ''"),
        (5, TypeError, r"expected a dict \{name: dimension\} or a list of such dicts, got 5 of type int"),
        ("C", TypeError, r"expected a dict .* got 'C' of type str"),
        (None, TypeError, r"expected a dict .* got None"),
    ],
)
def test_bad_space_structure(spaces, exc, match):
    with pytest.raises(exc, match=match):
        SearchSpace(spaces)


# --------------------------------------------------------------------------
# Shorthands
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, expected",
    [
        (["a", "b"], Categorical(["a", "b"])),
        ([None, 1, "x", (2, 3)], Categorical([None, 1, "x", (2, 3)])),
        ((1, 10), Integer(1, 10)),
        ((np.int64(1), np.int32(10)), Integer(1, 10)),
        ((1.0, 10.0), Real(1.0, 10.0)),
        ((1, 10.0), Real(1.0, 10.0)),
        ((1e-3, 1.0, "log-uniform"), Real(1e-3, 1.0, prior="log-uniform")),
        ((1, 1000, "log-uniform"), Integer(1, 1000, prior="log-uniform")),
        ((0, 5, "uniform"), Integer(0, 5)),
        # a sorted list of >= 3 numbers, all ints or all floats, is ordered
        (np.array([1, 2, 3]), Ordinal([1, 2, 3])),
        (np.array([0.1, 0.5]), Categorical([0.1, 0.5])),
        (np.array([0.1, 0.5, 1.0]), Ordinal([0.1, 0.5, 1.0])),
        (np.array(["l1", "l2"]), Categorical(["l1", "l2"])),
        (range(3), Ordinal([0, 1, 2])),
        (range(2, 11, 4), Ordinal([2, 6, 10])),
        (range(50, 1001), Ordinal(list(range(50, 1001)))),
        ([1e-3, 1e-2, 1e-1], Ordinal([1e-3, 1e-2, 1e-1])),
        ([1, 2], Categorical([1, 2])),
        ([3, 2, 1], Categorical([3, 2, 1])),
        ([1, 2.5, 10], Categorical([1, 2.5, 10])),
        ([1, 10, float("inf")], Categorical([1, 10, float("inf")])),
        ([False, True, 2], Categorical([False, True, 2])),
        ([1, 2, None], Categorical([1, 2, None])),
        (Categorical([1, 2, 3]), Categorical([1, 2, 3])),
        (stats.uniform(1.0, 2.0), Real(1.0, 3.0)),
        (stats.uniform(loc=-1.0, scale=0.5), Real(-1.0, -0.5)),
        (stats.uniform(), Real(0.0, 1.0)),
        (stats.loguniform(1e-3, 1e3), Real(1e-3, 1e3, prior="log-uniform")),
        (stats.loguniform(a=1e-3, b=1e3), Real(1e-3, 1e3, prior="log-uniform")),
        (stats.reciprocal(0.5, 8.0), Real(0.5, 8.0, prior="log-uniform")),
        (stats.randint(1, 10), Integer(1, 9)),
        (stats.randint(low=0, high=3), Integer(0, 2)),
        (stats.norm(0, 1), Distribution(stats.norm(0, 1))),
        (stats.poisson(3), Distribution(stats.poisson(3))),
        (stats.loguniform(1e-3, 1e3, loc=1.0), Distribution(stats.loguniform(1e-3, 1e3, loc=1.0))),
    ],
    ids=repr,
)
def test_shorthands(spec, expected):
    space = SearchSpace({"p": spec})
    dim = space.dims[0]
    assert dim == expected, (dim, expected)
    assert type(dim) is type(expected)
    if isinstance(expected, (Categorical, Ordinal)):
        # Same values and same types (numpy scalars become Python ones).
        got = dim.choices if isinstance(dim, Categorical) else dim.values
        want = expected.choices if isinstance(expected, Categorical) else expected.values
        assert [type(c) for c in got] == [type(c) for c in want]


def test_dimension_objects_are_used_as_given():
    dim = Real(0.0, 1.0)
    assert SearchSpace({"x": dim}).dims[0] is dim


def test_shorthand_scipy_priors_sample_like_scipy():
    rng = np.random.default_rng(3)
    space = SearchSpace({"a": stats.loguniform(1e-2, 1e2), "b": stats.randint(0, 4), "c": stats.uniform(5, 2)})
    cands = space.to_candidates(space.sample(2000, rng))
    a = np.array([c.params["a"] for c in cands])
    assert stats.kstest(a, stats.loguniform(1e-2, 1e2).cdf).pvalue > 0.01
    b = np.array([c.params["b"] for c in cands])
    assert set(b.tolist()) == {0, 1, 2, 3}
    np.testing.assert_allclose(np.bincount(b) / len(b), 0.25, atol=0.04)
    c = np.array([c.params["c"] for c in cands])
    assert stats.kstest(c, stats.uniform(5, 2).cdf).pvalue > 0.01


@pytest.mark.parametrize(
    "frozen",
    [stats.norm(10.0, 2.0), stats.lognorm(0.7), stats.t(3)],
    ids=lambda d: d.dist.name,
)
def test_sampling_a_distribution_parameter_reproduces_it(frozen):
    space = SearchSpace({"x": frozen, "k": ["a", "b"]})
    cands = space.to_candidates(space.sample(3000, np.random.default_rng(2024)))
    x = np.array([c.params["x"] for c in cands])
    assert np.all(np.isfinite(x))
    assert stats.kstest(x, frozen.cdf).pvalue > 0.01
    assert stats.kstest(x * 1.1 + 0.5, frozen.cdf).pvalue < 1e-6


def test_sampling_a_discrete_distribution_parameter_reproduces_it():
    frozen = stats.poisson(4.0)
    space = SearchSpace({"x": frozen})
    assert space.kinds[0] == "int"
    cands = space.to_candidates(space.sample(4000, np.random.default_rng(5)))
    x = np.array([c.params["x"] for c in cands])
    assert all(isinstance(c.params["x"], int) for c in cands)
    values = np.arange(0, 12)
    observed = np.array([(x == v).sum() for v in values])
    expected = frozen.pmf(values) * len(x)
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-3


# --------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------
def test_cash_space_layout_and_conditional_columns():
    space = cash_space()
    assert space.n_subspaces == 3
    assert space.root == 0
    assert space.names[0] == "__subspace__"
    assert space.n_columns == 1 + 3 + 3 + 2
    np.testing.assert_array_equal(space.column_subspace, [-1, 0, 0, 0, 1, 1, 1, 2, 2])
    assert space.active[:, 0].all()
    assert space.active.sum(axis=1).tolist() == [4, 4, 3]
    cands = space.to_candidates(space.sample(60, np.random.default_rng(0)))
    assert {c.subspace for c in cands} == {0, 1, 2}
    for c in cands:
        assert set(c.params) == set(space.subspaces[c.subspace])
        np.testing.assert_array_equal(np.isnan(c.vector), ~space.active[c.subspace])
        assert space.subspace_of(c.vector[None, :])[0] == c.subspace
        assert not c.vector.flags.writeable


def test_snap_is_idempotent_on_spaces(global_random_seed):
    space = cash_space()
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(0.5, 0.6, size=(200, space.n_columns))  # outside [0, 1] too
    X[rng.random(X.shape) < 0.2] = np.nan
    S = space.snap(X)
    np.testing.assert_array_equal(space.snap(S), S)
    assert np.all(np.isnan(S) == ~space.active[space.subspace_of(S)])
    finite = S[~np.isnan(S)]
    assert np.all((finite >= 0) & (finite <= 1))
    with pytest.raises(ValueError, match="expected vectors with 9 columns"):
        space.snap(np.zeros((2, 4)))


def test_key_identifies_values(global_random_seed):
    space = cash_space()
    rng = np.random.default_rng(global_random_seed)
    for x in space.snap(rng.random((100, space.n_columns))):
        c = space.to_candidate(x)
        # The key of a snapped vector is the key of its candidate ...
        assert space.key(x) == c.key
        # ... and candidate vectors are stable under re-decoding.
        assert space.key(c.vector) == c.key
        again = space.to_candidate(c.vector)
        assert again.key == c.key and _same_params(again.params, c.params)
    a = space.encode({"clf": SVC(), "clf__C": 1.0, "clf__kernel": "rbf"})
    b = space.encode({"clf": SVC(), "clf__C": 1.0, "clf__kernel": "rbf"})
    d = space.encode({"clf": SVC(), "clf__C": 1.0, "clf__kernel": "linear"})
    assert isinstance(a, Candidate)
    assert a.key == b.key and hash(a.key) == hash(b.key)
    assert a.key != d.key
    e = space.encode({"clf": KNeighborsClassifier(), "clf__n_neighbors": 5})
    assert e.key != a.key and e.subspace == 2


def test_encode_keeps_exact_values_and_matches_sampled_keys(global_random_seed):
    space = SearchSpace({"C": (0.1, 10.0, "log-uniform"), "gamma": (-3.3, 7.1), "d": (1, 9)})
    c = space.encode({"C": 1.1, "gamma": 0.3, "d": 4.0})
    assert c.params == {"C": 1.1, "gamma": 0.3, "d": 4}
    assert isinstance(c.params["d"], int)
    for cand in space.to_candidates(space.sample(300, np.random.default_rng(global_random_seed))):
        again = space.encode(cand.params)
        assert again.key == cand.key
        assert again.params == cand.params
        np.testing.assert_array_equal(again.vector, cand.vector)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"clf": SVC(), "clf__C": 1e4, "clf__kernel": "rbf"}, r"clf__C=10000\.0 is outside Real"),
        ({"clf": SVC(), "clf__C": NAN, "clf__kernel": "rbf"}, r"clf__C=nan is outside"),
        ({"clf": SVC(), "clf__C": 1.0, "clf__kernel": "poly"}, r"clf__kernel='poly' is outside Categorical"),
        ({"clf": SVC(C=2.0), "clf__C": 1.0, "clf__kernel": "rbf"}, r"clf=SVC\(C=2\.0\) is outside"),
        ({"clf": RandomForestClassifier(), "clf__max_depth": 3.5, "clf__max_features": 1}, r"clf__max_depth=3\.5 is outside Integer"),
        ({"clf": RandomForestClassifier(), "clf__max_depth": 13, "clf__max_features": 1}, r"clf__max_depth=13 is outside"),
        ({"clf": RandomForestClassifier(), "clf__max_depth": 3, "clf__max_features": True}, r"clf__max_features=True is outside"),
        ({"clf": RandomForestClassifier(), "clf__max_depth": 3, "clf__max_features": 2}, r"clf__max_features=2 is outside"),
        ({"clf": SVC(), "clf__C": 1.0}, r"sub-space 0 has parameters \['clf', 'clf__C', 'clf__kernel'\]"),
        ({"clf": SVC(), "clf__C": 1.0, "clf__kernel": "rbf", "clf__max_depth": 3}, r"is not a point of this search space"),
        ({"clf": SVC(), "clf__n_neighbors": 3}, r"sub-space 2: clf=SVC\(\) is outside Categorical\(\[KNeighborsClassifier\(\)\]\)"),
        ({}, r"is not a point of this search space"),
    ],
)
def test_encode_rejects_points_outside_the_space(params, match):
    with pytest.raises(ValueError, match=match):
        cash_space().encode(params)


def test_encode_picks_the_first_matching_subspace():
    space = SearchSpace([{"C": (0.1, 1.0)}, {"C": (0.5, 10.0)}])
    assert space.encode({"C": 0.7}).subspace == 0
    assert space.encode({"C": 5.0}).subspace == 1


def test_encode_tells_int_from_float_choices():
    space = cash_space()
    a = space.encode({"clf": RandomForestClassifier(), "clf__max_depth": 3, "clf__max_features": 1})
    b = space.encode({"clf": RandomForestClassifier(), "clf__max_depth": 3, "clf__max_features": 1.0})
    assert a.key != b.key
    assert type(a.params["clf__max_features"]) is int
    assert type(b.params["clf__max_features"]) is float


def test_estimator_choices_are_cloned_per_candidate():
    svc, lr = SVC(), LogisticRegression()
    space = SearchSpace([{"clf": [svc], "clf__C": (0.1, 1.0)}, {"clf": [lr, KNeighborsClassifier()]}])
    originals = {id(svc), id(lr), id(space.subspaces[1]["clf"].choices[1])}
    cands = space.to_candidates(space.sample(40, np.random.default_rng(0)))
    cands.append(space.encode({"clf": svc, "clf__C": 0.5}))
    cands.append(space.from_json(space.to_json(cands[0])))
    ids = [id(c.params["clf"]) for c in cands]
    assert len(set(ids)) == len(ids), "two candidates share an estimator object"
    assert not originals & set(ids), "a candidate holds the estimator object of the space"
    assert cands[-2].params["clf"] is not svc
    # Fitting or modifying a candidate's estimator does not touch the space.
    for c in cands:
        if "verbose" in c.params["clf"].get_params():
            c.params["clf"].set_params(verbose=3)
    assert svc.verbose is False and lr.verbose == 0


def test_candidate_params_are_set_params_ready():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    space = cash_space()
    for c in space.to_candidates(space.sample(6, np.random.default_rng(0))):
        est = clone(pipe).set_params(**c.params)
        assert type(est.named_steps["clf"]) is type(c.params["clf"])


# --------------------------------------------------------------------------
# Ordinal columns: ordered values, kept with their types
# --------------------------------------------------------------------------
def test_ordinal_columns_in_a_space():
    space = SearchSpace([{"n": list(range(50, 1001)), "lr": [0.01, 0.1, 1.0]}, {"k": Categorical([1, 2, 3])}])
    assert [type(d).__name__ for d in space.dims] == ["Categorical", "Ordinal", "Ordinal", "Categorical"]
    assert space.kinds.tolist() == ["cat", "int", "int", "cat"]
    assert space.sizes.tolist() == [2, 951, 3, 3]
    U = np.random.default_rng(0).random((300, space.n_columns))
    S = space.snap(U)
    for j in (1, 2):  # the vectorised snap equals the dimension's own
        rows = ~np.isnan(S[:, j])
        np.testing.assert_array_equal(S[rows, j], space.dims[j].snap(U[rows, j]))
    c = space.encode({"n": 300, "lr": 0.1})
    assert c.params == {"n": 300, "lr": 0.1}
    assert type(c.params["n"]) is int and type(c.params["lr"]) is float
    assert space.to_json(c) == {"subspace": 0, "params": {"n": 300, "lr": 0.1}}
    assert space.from_json(json.loads(json.dumps(space.to_json(c)))).key == c.key
    with pytest.raises(ValueError, match=r"n=300\.5 is outside Ordinal\(\[50, 51, 52, \.\.\., 999, 1000\]\)"):
        space.encode({"n": 300.5, "lr": 0.1})


# --------------------------------------------------------------------------
# Empty sub-spaces: one candidate, the estimator's defaults
# --------------------------------------------------------------------------
def test_empty_subspace_is_one_candidate():
    space = SearchSpace([{"C": (0.1, 1.0)}, {}])
    assert space.n_subspaces == 2 and space.n_columns == 2
    assert space.subspaces[1] == {} and len(space.subspace_columns(1)) == 0
    cands = space.to_candidates(space.sample(40, np.random.default_rng(0)))
    empty = [c for c in cands if c.subspace == 1]
    assert empty and all(c.params == {} for c in empty)
    assert len({c.key for c in empty}) == 1
    c = space.encode({})
    assert c.subspace == 1 and c.params == {} and c.key == empty[0].key
    assert space.from_json(json.loads(json.dumps(space.to_json(c)))).key == c.key
    assert {c.subspace for c in space.to_candidates(space.sobol(8, np.random.default_rng(0)))} == {0, 1}


def test_lone_empty_space_has_no_columns_and_one_candidate():
    space = SearchSpace({})
    assert space.n_subspaces == 1 and space.n_columns == 0 and space.cardinality == 1
    rng = np.random.default_rng(0)
    for X in (space.sample(3, rng), space.sobol(3, rng), space.snap(np.empty((2, 0)))):
        assert X.shape[1] == 0
    (c,) = space.to_candidates(space.grid())
    assert c.params == {} and c.key == (0,) == space.encode({}).key
    assert repr(space) == "SearchSpace({})"


@pytest.mark.parametrize("make", [RandomOptimizer, GPOptimizer, TPEOptimizer])
@pytest.mark.parametrize("batch", [1, 3])
def test_optimizers_search_spaces_with_an_empty_subspace(make, batch):
    space = SearchSpace([{"x": (0.0, 1.0), "k": ["a", "b"]}, {}, {"n": [1, 2, 4, 8]}])
    opt = make(space, random_state=0)
    seen = []
    for _ in range(24 // batch):
        cands = opt.ask(batch)
        opt.tell(cands, [-abs(c.params.get("x", 0.5) - 0.3) - 0.1 * (c.subspace == 1) for c in cands])
        seen.extend(cands)
    assert len(seen) == 24 and len({c.key for c in seen}) == 24
    assert sum(c.params == {} for c in seen) == 1  # the defaults are one candidate, asked once


@pytest.mark.parametrize("make", [RandomOptimizer, GPOptimizer, TPEOptimizer])
def test_optimizers_exhaust_finite_spaces_with_empty_subspaces(make):
    for spaces, n in (({}, 1), ([{}, {}], 2), ([{}, {"n": [1, 2, 4]}], 4)):
        opt = make(SearchSpace(spaces), random_state=0)
        got = []
        while cands := opt.ask(2):
            opt.tell(cands, [float(len(got) + i) for i in range(len(cands))])
            got.extend(cands)
        assert len(got) == n and len({c.key for c in got}) == n
        assert opt.ask() == []


# --------------------------------------------------------------------------
# grid / sobol / sample
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spaces, cardinality",
    [
        ({"a": [1, 2, 3]}, 3),
        ({"a": ["x", None], "b": (1, 4)}, 8),
        ({"b": (1, 100, "log-uniform")}, 100),
        ({"a": [1, 1.0, True, "1"], "b": (-2, 2)}, 20),
        ({"k": stats.binom(4, 0.5), "a": [0, 1]}, 10),
        ({"k": stats.randint(0, 5)}, 5),
        ([{"a": [1, 2]}, {"b": (0, 2), "c": ["u", "v"]}, {"clf": [SVC(), LogisticRegression()]}], 2 + 6 + 2),
        ({"a": [0.1, 0.2, 0.4, 0.8], "b": (1, 3)}, 12),
        ({"a": Ordinal([-5, 0, 7]), "c": Categorical([3, 2, 1])}, 9),
        ([{"a": [1, 2]}, {}], 3),
        ([{}, {"b": Ordinal([1, 5, 9])}], 4),
        ({}, 1),
    ],
)
def test_grid_enumerates_every_point_once(spaces, cardinality):
    space = SearchSpace(spaces)
    assert space.cardinality == cardinality
    G = space.grid()
    assert G.shape == (cardinality, space.n_columns)
    np.testing.assert_array_equal(space.snap(G), G)
    keys = {space.key(x) for x in G}
    assert len(keys) == cardinality
    cands = space.to_candidates(G)
    assert len({c.key for c in cands}) == cardinality
    # Distinct parameter values, each encodable back to the same point.
    reprs = {(c.subspace, repr(sorted((k, type(v).__name__, repr(v)) for k, v in c.params.items()))) for c in cands}
    assert len(reprs) == cardinality
    for c in cands:
        assert space.encode(c.params).key == c.key
    # Random draws only ever land on grid points.
    for x in space.sample(50, np.random.default_rng(0)):
        assert space.key(x) in keys


@pytest.mark.parametrize("spaces", [{"a": (0.0, 1.0)}, [{"a": [1]}, {"b": stats.norm()}], {"p": stats.poisson(2)}])
def test_grid_refuses_infinite_spaces(spaces):
    space = SearchSpace(spaces)
    assert space.cardinality == math.inf
    with pytest.raises(ValueError, match="cannot enumerate a space of cardinality inf"):
        space.grid()


def test_grid_limit():
    space = SearchSpace({"a": (0, 99), "b": (0, 99)})
    with pytest.raises(ValueError, match="cardinality 10000"):
        space.grid(limit=1000)
    assert len(space.grid(limit=10_000)) == 10_000


@pytest.mark.parametrize("n", [3, 7, 8, 12, 16, 30, 64, 100])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sobol_balances_subspaces(n, seed):
    space = SearchSpace([{"a": (0.0, 1.0)}, {"b": [1, 2, 3]}, {"c": (1, 5), "d": (0.0, 1.0, "uniform")}])
    X = space.sobol(n, np.random.default_rng(seed))
    assert X.shape == (n, space.n_columns)
    np.testing.assert_array_equal(space.snap(X), X)
    counts = np.bincount(space.subspace_of(X), minlength=3)
    assert np.abs(counts - n / 3).max() <= 2.5, counts
    two = SearchSpace([{"a": (0.0, 1.0)}, {"b": [1, 2, 3]}])
    counts = np.bincount(two.subspace_of(two.sobol(n, np.random.default_rng(seed))), minlength=2)
    assert np.abs(counts - n / 2).max() <= 1, counts


def test_sobol_stratifies_every_column():
    space = SearchSpace({"a": (0.0, 1.0), "b": (1e-3, 1.0, "log-uniform"), "c": (0.0, 5.0)})
    X = space.sobol(32, np.random.default_rng(0))
    for j in range(3):
        bins = np.floor(X[:, j] * 32).astype(int)
        assert sorted(bins.tolist()) == list(range(32))
    # Different seeds scramble differently; the same seed repeats.
    np.testing.assert_array_equal(X, space.sobol(32, np.random.default_rng(0)))
    assert not np.array_equal(X, space.sobol(32, np.random.default_rng(1)))
    assert space.sobol(0, np.random.default_rng(0)).shape == (0, 3)


def test_sample_draws_subspaces_uniformly():
    space = cash_space()
    X = space.sample(3000, np.random.default_rng(0))
    counts = np.bincount(space.subspace_of(X), minlength=3)
    np.testing.assert_allclose(counts / 3000, 1 / 3, atol=0.03)


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------
def test_json_round_trip_of_cash_candidates(global_random_seed):
    space = cash_space()
    for c in space.to_candidates(space.sample(40, np.random.default_rng(global_random_seed))):
        text = json.dumps(space.to_json(c))
        back = space.from_json(json.loads(text))
        assert back.key == c.key
        assert back.subspace == c.subspace
        assert _same_params(back.params, c.params)
        np.testing.assert_array_equal(back.vector, c.vector)


# --------------------------------------------------------------------------
# check_space_for_estimator
# --------------------------------------------------------------------------
def _pipe():
    return Pipeline([("scale", StandardScaler()), ("clf", SVC())])


@pytest.mark.parametrize(
    "spaces, estimator",
    [
        ({"C": (0.1, 10.0), "kernel": ["rbf"]}, SVC()),
        ({"clf__C": (0.1, 10.0), "scale__with_mean": [True, False]}, _pipe()),
        (
            [
                {"clf": [SVC()], "clf__C": (1e-3, 1e3, "log-uniform")},
                {"clf": [RandomForestClassifier()], "clf__max_depth": (2, 10)},
            ],
            _pipe(),
        ),
        ([{"clf__C": (0.1, 1.0)}, {"clf": [LogisticRegression()], "clf__penalty": ["l2"]}], _pipe()),
        ({"clf": [BaggingClassifier(SVC())], "clf__estimator__C": (0.1, 1.0), "clf__n_estimators": (2, 5)}, _pipe()),
        (
            {
                "clf": [BaggingClassifier(SVC())],
                "clf__estimator": [SVC(), LogisticRegression()],
                "clf__estimator__C": (0.1, 1.0),
            },
            _pipe(),
        ),
        ({"clf": [SVC(), LogisticRegression()], "clf__C": (0.1, 10.0)}, _pipe()),
        ({"scale": [StandardScaler(), MinMaxScaler()], "scale__copy": [True]}, _pipe()),
        ({"scale": ["passthrough", StandardScaler()], "clf__C": (0.1, 1.0)}, _pipe()),
        ([{"scale": ["passthrough"]}, {"scale": [StandardScaler()], "scale__with_mean": [True, False]}], _pipe()),
        ({"estimator__C": (0.1, 1.0)}, BaggingClassifier(SVC())),
    ],
)
def test_check_space_for_estimator_accepts_valid_spaces(spaces, estimator):
    check_space_for_estimator(SearchSpace(spaces), estimator)


@pytest.mark.parametrize(
    "spaces, estimator, match",
    [
        ({"C": (0.1, 1.0), "max_depth": (1, 3)}, SVC(), r"Invalid parameter 'max_depth' in the search space for estimator SVC\(\.\.\.\)\. Valid parameters are: \[.*'C'"),
        ({"clf__alpha": (0.1, 1.0)}, _pipe(), r"Invalid parameter 'clf__alpha' in the search space for estimator Pipeline"),
        (
            [{"clf": [SVC()], "clf__C": (0.1, 1.0)}, {"clf": [SVC()], "clf__max_depth": (1, 5)}],
            _pipe(),
            r"Invalid parameter 'clf__max_depth' \(sub-space 1\): SVC chosen for step 'clf' has no parameter 'max_depth'",
        ),
        (
            [{"clf": [RandomForestClassifier()], "clf__max_depth": (1, 5)}, {"clf__max_depth": (1, 5)}],
            _pipe(),
            r"Invalid parameter 'clf__max_depth' in the search space \(sub-space 1\).*put 'clf__max_depth' in the sub-space that chooses",
        ),
        ({"clf": [SVC(), RandomForestClassifier()], "clf__C": (0.1, 1.0)}, _pipe(), r"RandomForestClassifier chosen for step 'clf' has no parameter 'C'"),
        ({"scale": ["passthrough"], "scale__with_mean": [True]}, _pipe(), r"Invalid parameter 'scale__with_mean'.*step 'scale' may be set to 'passthrough'"),
        ({"scale": [StandardScaler(), "passthrough"], "scale__with_mean": [True]}, _pipe(), r"'scale__with_mean'.*may be set to 'passthrough'"),
        ({"scale": [None, StandardScaler()], "scale__copy": [True]}, _pipe(), r"'scale__copy'.*may be set to None"),
        ({"clf": [SVC(), 3], "clf__C": (0.1, 1.0)}, _pipe(), r"Invalid parameter 'clf__C'.*step 'clf' is set in the same sub-space to Categorical\(\[SVC\(\), 3\]\)"),
        ({"clf": [BaggingClassifier(SVC())], "clf__estimator__gamma_x": [1.0]}, _pipe(), r"BaggingClassifier chosen for step 'clf' has no parameter 'estimator__gamma_x'"),
    ],
)
def test_check_space_for_estimator_rejects_invalid_spaces(spaces, estimator, match):
    with pytest.raises(ValueError, match=match):
        check_space_for_estimator(SearchSpace(spaces), estimator)


def test_check_space_for_estimator_needs_an_estimator():
    with pytest.raises(TypeError, match="estimator must implement get_params"):
        check_space_for_estimator(SearchSpace({"C": [1]}), "SVC")


# --------------------------------------------------------------------------
# Property-based round trips over random spaces
# --------------------------------------------------------------------------
_finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
_choice = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False),
    st.text(max_size=2),
    st.tuples(st.integers(1, 9), st.integers(1, 9)),
    st.sampled_from([SVC(), SVC(C=2.0), LogisticRegression(), KNeighborsClassifier()]),
)


def _choice_id(c):
    if isinstance(c, bool):
        return ("bool", c)
    if isinstance(c, (int, float, str)):
        return (type(c).__name__, c)
    return (type(c).__name__, repr(c))


@st.composite
def dimensions(draw):
    kind = draw(st.sampled_from(["real", "real-log", "int", "int-log", "cat", "ord"]))
    if kind == "real":
        a, b = sorted(draw(st.lists(_finite, min_size=2, max_size=2, unique=True)))
        return Real(a, b)
    if kind == "real-log":
        a, b = sorted(draw(st.lists(_positive, min_size=2, max_size=2, unique=True)))
        assume(math.log(a) < math.log(b))  # adjacent floats are rejected as too narrow
        return Real(a, b, prior="log-uniform")
    if kind in ("int", "int-log"):
        log = kind == "int-log"
        a = draw(st.integers(1 if log else -1000, 999))
        b = draw(st.integers(a + 1, 1000))
        return Integer(a, b, prior="log-uniform" if log else "uniform")
    if kind == "ord":
        number = st.integers(-1000, 1000) if draw(st.booleans()) else _finite
        values = sorted(draw(st.lists(number, min_size=2, max_size=6, unique=True)))
        assume(all(a < b for a, b in zip(values, values[1:])))  # -0.0 == 0.0
        return Ordinal(values)
    return Categorical(draw(st.lists(_choice, min_size=1, max_size=5, unique_by=_choice_id)))


_names = st.sampled_from(["a", "b", "c", "clf__C", "step__x"])


@st.composite
def spaces(draw):
    """A dict, or a CASH-style list whose sub-spaces each choose their own "clf"."""
    if draw(st.booleans()):
        return draw(st.dictionaries(_names, dimensions(), min_size=0, max_size=4))
    subs = draw(st.lists(st.dictionaries(_names, dimensions(), min_size=0, max_size=3), min_size=2, max_size=3))
    families = [SVC(), LogisticRegression(), KNeighborsClassifier()]
    return [{"clf": [families[s]], **sub} for s, sub in enumerate(subs)]


@given(spaces(), st.integers(0, 2**32 - 1))
def test_random_space_round_trips(spec, seed):
    space = SearchSpace(spec)
    cands = space.to_candidates(space.sample(5, np.random.default_rng(seed)))
    for c in cands:
        # Values decoded from a sampled vector encode to the same candidate.
        again = space.encode(c.params)
        assert again.key == c.key
        assert again.subspace == c.subspace
        assert _same_params(again.params, c.params)
        # Through JSON text and back.
        obj = json.loads(json.dumps(space.to_json(c)))
        back = space.from_json(obj)
        assert back.key == c.key
        assert _same_params(back.params, c.params)
        # Inactive columns are NaN, active ones inside [0, 1].
        act = space.active[c.subspace]
        assert np.all(np.isnan(c.vector) == ~act)
        assert np.all((c.vector[act] >= 0) & (c.vector[act] <= 1))
        for name, value in c.params.items():
            assert space.subspaces[c.subspace][name].contains(value)


@given(dimensions(), st.data())
def test_random_dimension_value_round_trip(dim, data):
    space = SearchSpace({"p": dim})
    if isinstance(dim, Categorical):
        i = data.draw(st.integers(0, len(dim.choices) - 1))
        value = dim.choices[i]
        c = space.encode({"p": value})
        assert dim.index(c.params["p"]) == i
        assert _same_value(c.params["p"], value)
        if hasattr(value, "get_params"):
            assert c.params["p"] is not value
    elif isinstance(dim, Ordinal):
        value = data.draw(st.sampled_from(dim.values))
        c = space.encode({"p": value})
        assert c.params["p"] is value
        assert space.to_candidate(c.vector).params["p"] is value
    elif isinstance(dim, Integer):
        value = data.draw(st.integers(dim.low, dim.high))
        assert dim.from_unit(dim.to_unit(value)) == value
        c = space.encode({"p": value})
        assert c.params["p"] == value
        assert space.to_candidate(c.vector).params["p"] == value
    else:
        value = data.draw(st.floats(dim.low, dim.high))
        assert dim.from_unit(dim.to_unit(value)) == pytest.approx(value, rel=1e-9, abs=1e-12 * (dim.high - dim.low))
        c = space.encode({"p": value})
        assert c.params["p"] == value
        assert space.to_candidate(c.vector).params["p"] == pytest.approx(value, rel=1e-9, abs=1e-12 * (dim.high - dim.low))


def test_categorical_rejects_unordered_choices():
    # a set's order depends on string hashing, so the same seed would give
    # different candidates in different processes
    with pytest.raises(TypeError, match=r"must be an ordered sequence.*got a set"):
        Categorical({"rbf", "linear"})
    with pytest.raises(TypeError, match=r"got a frozenset"):
        Categorical(frozenset([1, 2]))
