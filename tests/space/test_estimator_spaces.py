"""Tests of the search space seen through an estimator.

``check_space_for_estimator`` accepts what the estimator's ``set_params``
accepts, and ``space_for_estimator`` lets the estimator's default values
type the ``(low, high)`` tuple shorthands.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo.space import (
    Categorical,
    Integer,
    Real,
    SearchSpace,
    check_space_for_estimator,
    space_for_estimator,
)


class KwargsEstimator(BaseEstimator):
    """Takes extra parameters through ``**kwargs``, as LightGBM and XGBoost do."""

    def __init__(self, n_leaves=31, rate=0.1, **kwargs):
        self.n_leaves = n_leaves
        self.rate = rate
        self._extra = dict(kwargs)

    def set_params(self, **params):
        for key, value in params.items():
            if key in ("n_leaves", "rate"):
                setattr(self, key, value)
            else:
                self._extra[key] = value
        return self


def _pipe(step):
    return Pipeline([("scale", StandardScaler()), ("clf", step)])


def _lgbm():
    return pytest.importorskip("lightgbm").LGBMClassifier(verbose=-1)


def _xgb():
    return pytest.importorskip("xgboost").XGBClassifier()


# --------------------------------------------------------------------------
# Parameters taken through **kwargs are searched, as GridSearchCV does.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_estimator, spaces",
    [
        (KwargsEstimator, {"max_bin": [63, 255], "n_leaves": (8, 64)}),
        (lambda: _pipe(KwargsEstimator()), {"clf__max_bin": [63, 255]}),
        (lambda: _pipe(SVC()), [{"clf": [KwargsEstimator()], "clf__max_bin": [63, 255]}, {"clf__C": (0.1, 1.0)}]),
        (_lgbm, {"extra_trees": [True, False], "max_bin": [63, 255]}),
        (lambda: _pipe(_lgbm()), {"clf__max_bin": [63, 255]}),
        (lambda: _pipe(SVC()), {"clf": [_lgbm()], "clf__max_bin": [63, 255]}),
        (_xgb, {"eta": (0.01, 0.3), "lambda": (1e-3, 10.0, "log-uniform")}),
        (lambda: _pipe(SVC()), [{"clf": [_xgb()], "clf__eta": (0.01, 0.3)}, {"clf": [SVC()], "clf__C": (0.1, 1.0)}]),
    ],
    ids=["kwargs", "kwargs-step", "kwargs-cash", "lgbm", "lgbm-step", "lgbm-cash", "xgb", "xgb-cash"],
)
def test_parameters_taken_through_kwargs_are_accepted(make_estimator, spaces):
    estimator = make_estimator()
    before = repr(estimator.get_params(deep=True))
    check_space_for_estimator(SearchSpace(spaces), estimator)
    space = space_for_estimator(spaces, estimator)
    assert space.n_subspaces == (len(spaces) if isinstance(spaces, list) else 1)
    # The estimator was asked on a copy: it is left untouched.
    assert repr(estimator.get_params(deep=True)) == before


@pytest.mark.parametrize(
    "spaces, estimator, match",
    [
        ({"alpha": (0.1, 1.0)}, SVC(), r"Invalid parameter 'alpha' in the search space for estimator SVC\(\.\.\.\)\. Valid parameters are: \[.*'C'"),
        ({"clf__max_bin": [63]}, _pipe(SVC()), r"Invalid parameter 'clf__max_bin' in the search space for estimator Pipeline"),
        ({"clf": [SVC()], "clf__max_bin": [63]}, _pipe(SVC()), r"SVC chosen for step 'clf' has no parameter 'max_bin'"),
        ({"clf": [KwargsEstimator(), SVC()], "clf__max_bin": [63]}, _pipe(SVC()), r"SVC chosen for step 'clf' has no parameter 'max_bin'"),
        ({"n_estimator": (10, 100)}, RandomForestClassifier(), r"Invalid parameter 'n_estimator'"),
    ],
)
def test_typos_on_scikit_learn_estimators_are_still_rejected(spaces, estimator, match):
    with pytest.raises(ValueError, match=match):
        check_space_for_estimator(SearchSpace(spaces), estimator)
    with pytest.raises(ValueError, match=match):
        space_for_estimator(spaces, estimator)


def test_an_estimator_is_asked_with_a_value_of_the_dimension():
    seen = []

    class Picky(KwargsEstimator):
        def set_params(self, **params):
            seen.append(params)
            if any(isinstance(v, str) for v in params.values()):
                raise TypeError("no strings")
            return super().set_params(**params)

    check_space_for_estimator(SearchSpace({"depth": Integer(2, 4), "n_leaves": (8, 64)}), Picky())
    assert seen == [{"depth": 3}]  # listed parameters are not asked
    with pytest.raises(ValueError, match=r"Invalid parameter 'mode'"):
        check_space_for_estimator(SearchSpace({"mode": ["a", "b"]}), Picky())


def test_space_module_does_not_import_sklearn():
    # Load skhpo.space without the package's __init__ (which imports the
    # searchers, hence scikit-learn), and check nothing pulls sklearn in.
    package = Path(__file__).resolve().parents[2] / "skhpo"
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('skhpo'); pkg.__path__ = [{str(package)!r}]\n"
        "sys.modules['skhpo'] = pkg\n"
        "import skhpo.space\n"
        "space = skhpo.space.SearchSpace([{'a': (1, 5), 'b': list(range(9))}, {}])\n"
        "assert 'sklearn' not in sys.modules, 'skhpo.space imported sklearn'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------
# space_for_estimator: the estimator's defaults type the tuple shorthands.
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spaces, estimator, expected",
    [
        # float default: Real, also for integer bounds
        ({"l1_ratio": (0, 1)}, ElasticNet(), Real(0.0, 1.0)),
        ({"alpha": (0, 10)}, Ridge(), Real(0.0, 10.0)),
        ({"C": (1, 1000, "log-uniform")}, SVC(), Real(1.0, 1000.0, prior="log-uniform")),
        ({"clf__alpha": (1, 10)}, _pipe(Ridge()), Real(1.0, 10.0)),
        # int default: Integer, also for whole float bounds
        ({"max_iter": (1, 10.0)}, ElasticNet(), Integer(1, 10)),
        ({"max_iter": (100.0, 1000.0, "log-uniform")}, ElasticNet(), Integer(100, 1000, prior="log-uniform")),
        ({"n_estimators": (10, 200)}, RandomForestClassifier(), Integer(10, 200)),
        # other defaults: Integer when both bounds are ints, Real otherwise
        ({"max_depth": (2, 10)}, RandomForestClassifier(), Integer(2, 10)),  # default None
        ({"max_depth": (2, 10.0)}, RandomForestClassifier(), Real(2.0, 10.0)),
        ({"max_bin": (2, 10)}, KwargsEstimator(), Integer(2, 10)),  # no default known
        ({"max_bin": (2.0, 10)}, KwargsEstimator(), Real(2.0, 10.0)),
        ({"verbose": (0, 3)}, SVC(), Integer(0, 3)),  # bool default: today's rule
        # explicit dimensions are never changed
        ({"alpha": Integer(1, 10)}, Ridge(), Integer(1, 10)),
        ({"max_iter": Real(1.0, 10.0)}, Ridge(), Real(1.0, 10.0)),
    ],
    ids=repr,
)
def test_estimator_default_decides_the_tuple_type(spaces, estimator, expected):
    space = space_for_estimator(spaces, estimator)
    dim = space.dims[0]
    assert type(dim) is type(expected) and dim == expected, dim
    if isinstance(expected, Integer):
        assert type(dim.low) is int and type(dim.high) is int


def test_without_an_estimator_the_old_rule_stays():
    assert SearchSpace({"l1_ratio": (0, 1)}).dims[0] == Integer(0, 1)
    assert SearchSpace({"max_iter": (1, 10.0)}).dims[0] == Real(1.0, 10.0)


@pytest.mark.parametrize(
    "spaces, match",
    [
        ({"max_iter": (1, 10.5)}, r"Parameter 'max_iter': the estimator's default is the int 1000, .*got \(1, 10\.5\)\. Write Integer\(1, 10\) for integers, or Real\(1\.0, 10\.5\) if the parameter takes floats"),
        ({"max_iter": (0.5, 10)}, r"Write Integer\(1, 10\) .* Real\(0\.5, 10\.0\)"),
        ([{"alpha": [1.0]}, {"max_iter": (1.5, 20.0, "log-uniform")}], r"Parameter 'max_iter'.*Integer\(2, 20\).*Real\(1\.5, 20\.0\)"),
    ],
)
def test_non_whole_bounds_for_an_int_parameter_are_an_error(spaces, match):
    with pytest.raises(ValueError, match=match):
        space_for_estimator(spaces, ElasticNet())


def test_defaults_of_a_step_chosen_in_the_subspace():
    pipe = _pipe(SVC())
    space = space_for_estimator(
        [
            {"clf": [Ridge()], "clf__alpha": (0, 10)},
            {"clf": [RandomForestClassifier()], "clf__n_estimators": (10.0, 100)},
            # C is a float default of both choices: Real
            {"clf": [SVC(), LogisticRegression()], "clf__C": (1, 100)},
            # the pipeline's step is SVC (C=1.0), but this sub-space does not choose clf
            {"clf__C": (1, 100)},
        ],
        pipe,
    )
    dims = [space.subspaces[s][name] for s, name in enumerate(["clf__alpha", "clf__n_estimators", "clf__C", "clf__C"])]
    assert dims == [Real(0.0, 10.0), Integer(10, 100), Real(1.0, 100.0), Real(1.0, 100.0)]


def test_choices_that_disagree_fall_back_to_the_old_rule():
    class IntRate(KwargsEstimator):
        def __init__(self, n_leaves=31, rate=1, **kwargs):
            super().__init__(n_leaves=n_leaves, rate=rate, **kwargs)

    spaces = {"clf": [KwargsEstimator(), IntRate()], "clf__rate": (1, 5)}  # defaults 0.1 and 1
    assert space_for_estimator(spaces, _pipe(SVC())).subspaces[0]["clf__rate"] == Integer(1, 5)
    spaces = {"clf": [KwargsEstimator(), IntRate()], "clf__rate": (1, 5.5)}
    assert space_for_estimator(spaces, _pipe(SVC())).subspaces[0]["clf__rate"] == Real(1.0, 5.5)


def _error_of(fn):
    try:
        fn()
    except (TypeError, ValueError) as exc:
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize(
    "spaces, estimator",
    [
        ([], SVC()),
        (5, SVC()),
        ({"C": (5.0, 1.0)}, SVC()),
        ({"max_iter": (5, 1)}, ElasticNet()),
        ({"C": (1.0, 2.0, "log")}, SVC()),
        ({"C": ("a", 5)}, SVC()),
        ({"C": (1, 2, 3, 4)}, SVC()),
        ({"C": []}, SVC()),
        ({"C": 5}, SVC()),
        ([{"C": [1.0]}, None], SVC()),
        ({3: [1]}, SVC()),
        ({"gamma_x": [1.0]}, SVC()),
        ({"clf__gamma_x": [1.0]}, _pipe(SVC())),
        ({"scale": ["passthrough"], "scale__with_mean": [True]}, _pipe(SVC())),
        ({"C": [1.0]}, "SVC"),
        ({"C": (0.0, 1.0, "log-uniform")}, "SVC"),
        ({"max_depth": (0, 5, "log-uniform")}, RandomForestClassifier()),
    ],
    ids=repr,
)
def test_same_errors_as_search_space_then_check(spaces, estimator):
    # The driver's old two steps and the new one raise the same error.
    def old():
        check_space_for_estimator(SearchSpace(spaces), estimator)

    expected = _error_of(old)
    assert expected is not None
    assert _error_of(lambda: space_for_estimator(spaces, estimator)) == expected


def test_bad_bounds_name_the_class_the_default_chose():
    # (5, 1) for SVC's float C is a Real now; the error is the same but for the class name.
    with pytest.raises(ValueError, match=r"Parameter 'C': Real: `low < high` must hold, got low=5, high=1"):
        space_for_estimator({"C": (5, 1)}, SVC())


def test_space_for_estimator_accepts_a_search_space():
    space = SearchSpace({"C": Real(0.1, 1.0), "kernel": Categorical(["rbf", "linear"])})
    again = space_for_estimator(space, SVC())
    assert again.subspaces == space.subspaces
