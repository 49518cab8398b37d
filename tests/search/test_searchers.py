"""The public searchers: everything the driver gives must hold for each of them."""

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skhpo import BayesSearchCV, EvolutionSearchCV, HalvingBOHBSearchCV, TPESearchCV
from skhpo.space import Categorical, Integer, Real

SEARCHERS = [BayesSearchCV, TPESearchCV]

# GridSearchCV fails check_supervised_y_2d in the same way. check_dtype_object
# expects the TypeError of a refit; a search where no candidate can be scored
# raises its own ValueError (showing the first fit error) instead of refitting
# an arbitrary candidate.
EXPECTED_FAILED = {
    "check_dtype_object": "no candidate can be scored: the search raises instead of refitting one",
    "check_supervised_y_2d": "as GridSearchCV: the warning is raised inside the inner fits",
}


def _instances():
    for cls in SEARCHERS + [HalvingBOHBSearchCV, EvolutionSearchCV]:
        yield cls(LogisticRegression(), {"C": (0.1, 10.0, "log-uniform")}, n_iter=3, cv=2,
                  random_state=0)
        yield cls(Ridge(), {"alpha": (0.1, 10.0, "log-uniform")}, n_iter=3, cv=2, random_state=0)


def _expected_failed(est):
    if is_classifier(est):
        return {k: v for k, v in EXPECTED_FAILED.items() if k != "check_supervised_y_2d"}
    return EXPECTED_FAILED


try:
    _with_checks = parametrize_with_checks(list(_instances()), expected_failed_checks=_expected_failed)
except TypeError:  # scikit-learn < 1.6 has no expected_failed_checks
    _with_checks = pytest.mark.skip(reason="needs scikit-learn >= 1.6")


@_with_checks
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_issue_example_svc_pipeline(cls):
    pd = pytest.importorskip("pandas")
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    search = cls(pipe, {"svc__C": Real(1e-3, 1e3, prior="log-uniform"),
                        "svc__gamma": Real(1e-4, 1e1, prior="log-uniform")},
                 n_iter=20, cv=3, random_state=0, n_jobs=2)
    search.fit(X, y)
    df = pd.DataFrame(search.cv_results_)
    assert len(df) == 20
    assert df["params"].map(lambda p: set(p) == {"svc__C", "svc__gamma"}).all()
    assert 1e-3 <= df["param_svc__C"].min() and df["param_svc__C"].max() <= 1e3
    # A tuned SVC on digits is far better than chance, and than the worst candidate.
    assert search.best_score_ > 0.9
    assert search.best_score_ > df["mean_test_score"].min() + 0.2
    assert search.score(X, y) > 0.9


@pytest.mark.parametrize("cls", SEARCHERS)
def test_model_beats_its_own_initial_design(cls):
    # After the Sobol design, model-guided candidates should be better on
    # average than the design on a smooth 2-D problem.
    X, y = load_breast_cancer(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(max_iter=500))])
    search = cls(pipe, {"lr__C": Real(1e-5, 1e3, prior="log-uniform"),
                        "lr__class_weight": [None, "balanced"]},
                 n_iter=20, n_initial_points=6, cv=3, random_state=1).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.median(scores[6:]) > np.median(scores[:6])


@pytest.mark.parametrize("cls", SEARCHERS)
def test_cash_pipeline(cls):
    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = [
        {"clf": [LogisticRegression(max_iter=500)], "clf__C": Real(1e-3, 1e3, prior="log-uniform")},
        {"clf": [SVC()], "clf__C": Real(1e-2, 1e2, prior="log-uniform"),
         "clf__kernel": Categorical(["rbf", "linear"])},
        {"clf": [KNeighborsClassifier()], "clf__n_neighbors": Integer(1, 30),
         "clf__weights": ["uniform", "distance"]},
        {"clf": [RandomForestClassifier(n_estimators=20, random_state=0)],
         "clf__max_depth": Integer(1, 6)},
    ]
    search = cls(pipe, space, n_iter=16, cv=3, random_state=0).fit(X, y)
    expected = {
        LogisticRegression: {"clf", "clf__C"},
        SVC: {"clf", "clf__C", "clf__kernel"},
        KNeighborsClassifier: {"clf", "clf__n_neighbors", "clf__weights"},
        RandomForestClassifier: {"clf", "clf__max_depth"},
    }
    families = set()
    for p in search.cv_results_["params"]:
        assert set(p) == expected[type(p["clf"])]
        families.add(type(p["clf"]))
    assert len(families) >= 3  # the initial design spreads over the families
    assert isinstance(search.best_estimator_.named_steps["clf"], tuple(expected))
    assert search.best_score_ > 0.9


@pytest.mark.parametrize("cls", SEARCHERS)
def test_reproducible_whatever_n_jobs(cls):
    X, y = make_classification(n_samples=150, n_features=6, random_state=0)
    space = {"C": Real(1e-3, 1e3, prior="log-uniform"), "kernel": ["rbf", "linear", "poly"],
             "degree": Integer(2, 4)}
    a = cls(SVC(), space, n_iter=10, n_points=2, cv=3, random_state=7, n_jobs=1).fit(X, y)
    b = cls(SVC(), space, n_iter=10, n_points=2, cv=3, random_state=7, n_jobs=2).fit(X, y)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    for key in a.cv_results_:
        if "time" not in key and key != "params":
            np.testing.assert_array_equal(np.asarray(a.cv_results_[key]),
                                          np.asarray(b.cv_results_[key]), err_msg=key)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_finite_space_is_exhausted_without_repeats(cls):
    X, y = load_iris(return_X_y=True)
    space = {"n_neighbors": Integer(1, 4), "weights": ["uniform", "distance"]}
    search = cls(KNeighborsClassifier(), space, n_iter=30, n_points=3, cv=3, random_state=0).fit(X, y)
    keys = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    assert len(keys) == 8 == len(set(keys))


@pytest.mark.parametrize("cls", SEARCHERS)
def test_clone_and_nested_cv_with_groups(cls):
    X, y = make_classification(n_samples=160, n_features=5, random_state=0)
    groups = np.repeat(np.arange(16), 10)
    search = cls(LogisticRegression(), {"C": (1e-3, 1e2, "log-uniform")}, n_iter=4,
                 cv=GroupKFold(n_splits=4), random_state=0)
    assert repr(clone(search).get_params()) == repr(search.get_params())
    res = cross_validate(search, X, y, groups=groups, cv=GroupKFold(n_splits=4),
                         params={"groups": groups})
    assert np.all(res["test_score"] > 0.5)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_optimizer_parameters_are_validated_before_any_fit(cls):
    bad = {"acq_func": "nope"} if cls is BayesSearchCV else {"n_ei_candidates": 0}
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=next(iter(bad))):
        cls(LogisticRegression(), {"C": (0.1, 1.0)}, n_iter=2, **bad).fit(X, y)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_xgboost_and_lightgbm(cls):
    xgb = pytest.importorskip("xgboost")
    lgb = pytest.importorskip("lightgbm")
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    s1 = cls(xgb.XGBClassifier(n_estimators=20, n_jobs=1, verbosity=0),
             {"max_depth": (2, 6), "learning_rate": (0.01, 0.5, "log-uniform"),
              "subsample": (0.5, 1.0)},
             n_iter=5, cv=cv, scoring="roc_auc", random_state=0).fit(X, y)
    s2 = cls(lgb.LGBMClassifier(n_estimators=20, n_jobs=1, verbose=-1),
             {"num_leaves": (4, 64, "log-uniform"), "learning_rate": (0.01, 0.5, "log-uniform"),
              "min_child_samples": (5, 50)},
             n_iter=5, cv=cv, scoring="roc_auc", random_state=0).fit(X, y)
    for s in (s1, s2):
        assert len(s.cv_results_["params"]) == 5
        assert s.best_score_ > 0.8
        assert s.predict_proba(X).shape == (300, 2)
