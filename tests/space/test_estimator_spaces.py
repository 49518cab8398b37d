"""Tests of the search space seen through an estimator.

``check_space_for_estimator`` accepts what the estimator's ``set_params``
accepts.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo.space import Integer, SearchSpace, check_space_for_estimator


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
        "space = skhpo.space.SearchSpace({'a': (1, 5), 'b': list(range(9))})\n"
        "assert 'sklearn' not in sys.modules, 'skhpo.space imported sklearn'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
