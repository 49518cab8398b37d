"""scikit-optimize dimensions in a skhpo search space, and skopt-style arguments."""

import types

import pytest

from skhpo.space import Categorical, Integer, Real, SearchSpace, space_for_estimator


def _fake_skopt_module():
    """A stand-in for ``skopt.space.space`` (CI does not install scikit-optimize)."""
    mod = types.ModuleType("skopt.space.space")

    class _Dim:
        def __init__(self, low, high, prior="uniform", base=10, transform=None, name=None, dtype=None):
            self.low, self.high, self.prior, self.base = low, high, prior, base
            self.name, self.transform_ = name, transform or "identity"

    class Real(_Dim):
        pass

    class Integer(_Dim):
        pass

    class Categorical:
        def __init__(self, categories, prior=None, transform=None, name=None):
            self.categories, self.prior, self.name = tuple(categories), prior, name

    class Space:
        def __init__(self, dimensions):
            self.dimensions = dimensions

    for cls in (Real, Integer, Categorical, Space):
        cls.__module__ = mod.__name__
        setattr(mod, cls.__name__, cls)
    return mod


FAKE = _fake_skopt_module()


def _real_skopt():
    return pytest.importorskip("skopt").space


@pytest.fixture(params=["fake", "skopt"])
def sk(request):
    return FAKE if request.param == "fake" else _real_skopt()


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda sk: sk.Real(1e-3, 1e3, prior="log-uniform"), Real(1e-3, 1e3, prior="log-uniform")),
        (lambda sk: sk.Real(1e-3, 1e3, prior="log-uniform", base=2), Real(1e-3, 1e3, prior="log-uniform")),
        (lambda sk: sk.Real(0, 1), Real(0.0, 1.0)),
        (lambda sk: sk.Integer(2, 20), Integer(2, 20)),
        (lambda sk: sk.Integer(1, 1024, prior="log-uniform", base=2, name="n"), Integer(1, 1024, prior="log-uniform")),
        (lambda sk: sk.Categorical(["gini", "entropy"]), Categorical(["gini", "entropy"])),
        (lambda sk: sk.Categorical(["a", "b"], prior=[0.5, 0.5]), Categorical(["a", "b"])),
    ],
    ids=["real-log", "real-log-base2", "real", "int", "int-log-named", "cat", "cat-uniform-prior"],
)
def test_skopt_dimensions_are_converted(sk, make, expected):
    dim = SearchSpace({"p": make(sk)}).dims[0]
    assert type(dim) is type(expected) and dim == expected


def test_skopt_space_in_a_search_with_an_estimator(sk):
    from sklearn.svm import SVC

    space = space_for_estimator(
        [{"C": sk.Real(1e-2, 1e2, prior="log-uniform"), "kernel": sk.Categorical(["rbf", "linear"])}, {}],
        SVC(),
    )
    assert space.subspaces[0] == {"C": Real(1e-2, 1e2, prior="log-uniform"), "kernel": Categorical(["rbf", "linear"])}


def test_non_uniform_categorical_prior_is_refused(sk):
    with pytest.raises(
        ValueError,
        match=r"Parameter 'p': the scikit-optimize Categorical has prior=\[0\.2, 0\.8\].*draws its choices uniformly",
    ):
        SearchSpace({"p": sk.Categorical(["a", "b"], prior=[0.2, 0.8])})


def test_other_skopt_objects_are_refused_by_name():
    with pytest.raises(TypeError, match=r"Parameter 'p': the scikit-optimize object .* skopt\.space\.space\.Space is not supported"):
        SearchSpace({"p": FAKE.Space([])})


def test_bad_skopt_bounds_get_skhpo_messages():
    with pytest.raises(ValueError, match=r"Parameter 'p': Real: `low < high` must hold"):
        SearchSpace({"p": FAKE.Real(2.0, 1.0)})
    with pytest.raises(TypeError, match=r"Parameter 'p': Integer: `low` must be .*integers, got low=1\.5"):
        SearchSpace({"p": FAKE.Integer(1.5, 4)})


# --------------------------------------------------------------------------
# skopt keyword arguments given to skhpo's own classes.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: Integer(1, 10, name="depth"), r"Integer\(\) got an unexpected keyword argument 'name', a scikit-optimize argument: skhpo takes the name from the key of the search-space dict: \{'depth': Integer\(\.\.\.\)\}"),
        (lambda: Real(1e-3, 1.0, "log-uniform", base=10), r"Real\(\) .* 'base', .*prior='log-uniform' is the same distribution whatever the base"),
        (lambda: Real(0.0, 1.0, transform="normalize"), r"Real\(\) .* 'transform', .*remove the argument"),
        (lambda: Integer(1, 5, dtype=int), r"Integer\(\) .* 'dtype', .*Integer values are always Python ints"),
        (lambda: Real(0.0, 1.0, dtype=float), r"Real values are always Python floats"),
        (lambda: Categorical(["a", "b"], prior=[0.3, 0.7]), r"Categorical\(\) .* 'prior', .*draws its choices uniformly and takes no prior"),
        (lambda: Categorical(["a", "b"], name="kernel"), r"\{'kernel': Categorical\(\.\.\.\)\}"),
        (lambda: Real(0.0, 1.0, step=0.1), r"^Real\(\) got an unexpected keyword argument 'step'\.$"),
    ],
)
def test_skopt_keywords_say_how_skhpo_spells_them(build, match):
    with pytest.raises(TypeError, match=match):
        build()
