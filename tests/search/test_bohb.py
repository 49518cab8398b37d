"""HalvingBOHBSearchCV: GridSearchCV habits, Hyperband's results, fidelities, failures."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GroupKFold,
    HalvingRandomSearchCV,
    KFold,
    StratifiedKFold,
    cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skhpo import HalvingBOHBSearchCV
from skhpo.space import Real

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
TREE_SPACE = {"max_depth": (2, 20), "min_samples_leaf": (1, 20)}


def _tree_search(**kwargs):
    kwargs = {"n_iter": 6, "cv": 3, "random_state": 0, **kwargs}
    return HalvingBOHBSearchCV(DecisionTreeClassifier(random_state=0), TREE_SPACE, **kwargs)


@pytest.fixture(scope="module")
def tree_search():
    return _tree_search().fit(X_DIGITS, Y_DIGITS)


def test_results_have_halving_random_search_columns(tree_search):
    ref = HalvingRandomSearchCV(DecisionTreeClassifier(random_state=0),
                                {"max_depth": list(range(2, 21)), "min_samples_leaf": list(range(1, 21))},
                                cv=3, random_state=0, n_candidates=9,
                                return_train_score=False).fit(X_DIGITS, Y_DIGITS)
    ours = tree_search.cv_results_
    assert set(ours) == set(ref.cv_results_) | {"bracket"}
    for key in ref.cv_results_:
        assert type(ours[key]) is type(ref.cv_results_[key]), key
        if isinstance(ours[key], np.ndarray):
            assert ours[key].dtype.kind == ref.cv_results_[key].dtype.kind, key
    n_rows = len(ours["params"])
    assert all(len(v) == n_rows for v in ours.values())


def test_rungs_follow_hyperband_and_the_budget(tree_search):
    s = tree_search
    res = s.cv_results_
    assert s.max_resources_ == len(Y_DIGITS)
    assert s.min_resources_ == len(Y_DIGITS) // 27
    # Each batch is one rung; n_iter bounds the resources in full-budget units.
    assert s.n_iterations_ == len(s.n_resources_) == len(s.n_candidates_)
    spent = sum(r * n for r, n in zip(s.n_resources_, s.n_candidates_)) / s.max_resources_
    assert s.n_iter - 1 < spent <= s.n_iter
    assert sum(s.n_candidates_) == len(res["params"])
    # Within a bracket, each rung has the best 1/factor of the previous one, by rank.
    bracket = np.asarray(res["bracket"])
    it = np.asarray(res["iter"])
    scores = res["mean_test_score"]
    for b in np.unique(bracket):
        for r in range(1, it[bracket == b].max() + 1):
            prev = np.flatnonzero((bracket == b) & (it == r - 1))
            cur = np.flatnonzero((bracket == b) & (it == r))
            assert len(cur) == max(1, len(prev) // 3)
            promoted = {str(res["params"][i]) for i in cur}
            best_prev = sorted(prev, key=lambda i: -scores[i])[: len(cur)]
            assert promoted == {str(res["params"][i]) for i in best_prev}
            r_prev, r_cur = np.asarray(res["n_resources"])[prev], np.asarray(res["n_resources"])[cur]
            assert len(set(r_prev)) == len(set(r_cur)) == 1
            assert abs(r_cur[0] / r_prev[0] - 3) < 0.1


def test_best_is_chosen_at_the_full_budget(tree_search):
    s = tree_search
    full = np.asarray(s.cv_results_["n_resources"]) == s.max_resources_
    assert full[s.best_index_]
    assert s.best_score_ == np.max(s.cv_results_["mean_test_score"][full])
    assert s.best_estimator_.get_params()["max_depth"] == s.best_params_["max_depth"]


def test_reproducible_whatever_n_jobs():
    a = _tree_search(n_jobs=1).fit(X_DIGITS, Y_DIGITS).cv_results_
    b = _tree_search(n_jobs=2).fit(X_DIGITS, Y_DIGITS).cv_results_
    assert a["params"] == b["params"]
    np.testing.assert_array_equal(a["mean_test_score"], b["mean_test_score"])
    np.testing.assert_array_equal(a["n_resources"], b["n_resources"])


class _FailingTree(DecisionTreeClassifier):
    """Fails to fit for odd max_depth."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        if self.max_depth % 2:
            raise RuntimeError(f"odd depth {self.max_depth}")
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


def test_failed_candidates_are_never_promoted_nor_best():
    search = HalvingBOHBSearchCV(_FailingTree(random_state=0), TREE_SPACE, n_iter=6, cv=3,
                                 random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_DIGITS, Y_DIGITS)
    res = search.cv_results_
    depth = np.array([p["max_depth"] for p in res["params"]])
    later = np.asarray(res["iter"]) > 0
    assert (depth[later] % 2 == 0).all()  # promoted ones never failed
    assert (depth % 2 == 1).any()
    assert search.best_params_["max_depth"] % 2 == 0


def test_callbacks_see_only_full_budget_rows_and_stop_between_rungs():
    seen = []

    def stop_after_first_full(results):
        seen.append(sorted(set(results["n_resources"])))
        return True

    search = _tree_search(n_iter=20, callbacks=stop_after_first_full).fit(X_DIGITS, Y_DIGITS)
    assert seen == [[len(Y_DIGITS)]]
    assert search.n_resources_[-1] == search.max_resources_  # stopped right after a top rung
    assert search.n_iterations_ == 4


def test_max_time_stops_at_a_rung_boundary():
    with pytest.warns(UserWarning, match="stopped before any candidate reached max_resources"):
        search = _tree_search(n_iter=50, max_time=1e-9).fit(X_DIGITS, Y_DIGITS)
    assert search.n_iterations_ == 1  # the first rung is always evaluated
    assert search.cv_results_["n_resources"][search.best_index_] == search.min_resources_


def test_pipeline_cash_and_groups():
    X, y = make_classification(n_samples=600, n_features=8, random_state=0)
    groups = np.repeat(np.arange(60), 10)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    space = [
        {"clf": [SVC()], "clf__C": Real(1e-2, 1e2, prior="log-uniform")},
        {"clf": [LogisticRegression(max_iter=500)], "clf__C": Real(1e-2, 1e2, prior="log-uniform")},
    ]
    search = HalvingBOHBSearchCV(pipe, space, n_iter=5, cv=GroupKFold(3), random_state=0)
    search.fit(X, y, groups=groups)
    families = {type(p["clf"]).__name__ for p in search.cv_results_["params"]}
    assert families == {"SVC", "LogisticRegression"}
    assert search.best_score_ > 0.8


def test_nested_cross_validation():
    inner = _tree_search(n_iter=3)
    out = cross_validate(inner, X_DIGITS, Y_DIGITS, cv=2)
    assert np.all(out["test_score"] > 0.5)


def test_parameter_resource_continues_a_warm_start_forest():
    X, y = load_breast_cancer(return_X_y=True)
    rf = RandomForestClassifier(n_estimators=27, random_state=0, n_jobs=1)
    search = HalvingBOHBSearchCV(rf, {"max_depth": (2, 12)}, resource="n_estimators", n_iter=3,
                                 cv=3, random_state=0).fit(X, y)
    assert search.continuation_ == "warm_start"
    assert search.max_resources_ == 27 and search.min_resources_ == 1
    assert {p["n_estimators"] for p in search.cv_results_["params"]} <= {1, 3, 9, 27}
    assert type(search.best_estimator_) is RandomForestClassifier
    assert search.best_params_["n_estimators"] == 27
    assert len(search.best_estimator_.estimators_) == 27
    assert search.score(X, y) > 0.9


def test_parameter_resource_that_is_not_continued_is_retrained():
    X, y = load_iris(return_X_y=True)
    search = HalvingBOHBSearchCV(LogisticRegression(max_iter=100), {"C": (0.1, 10.0)},
                                 resource="max_iter", min_resources=5, n_iter=3, cv=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at small max_iter
        search.fit(X, y)
    assert search.continuation_ is None
    assert search.best_params_["max_iter"] == 100
    assert type(search.best_estimator_) is LogisticRegression


@pytest.mark.parametrize(
    "kwargs, X_y, match",
    [
        ({"resource": "max_depth"}, None, "resource='max_depth' is also in search_spaces"),
        ({"resource": "n_trees"}, None, "resource='n_trees' is neither 'n_samples' nor a parameter"),
        ({"resource": 3}, None, "resource must be 'n_samples' or the name"),
        ({"factor": 1}, None, "factor must be an int >= 2"),
        ({"max_resources": 10_000}, None, "max_resources=10000 exceeds the 1797 rows"),
        ({"min_resources": 2000}, None, "min_resources=2000 must be at most max_resources=1797"),
        ({"random_fraction": 1.5}, None, "random_fraction must be a number in"),
        ({"min_resources": 3}, None, "min_resources=3 is too small for the data"),
        ({"cv": KFold(3, shuffle=True)}, None, "gave different folds on two calls"),
        ({"resource": "splitter"}, None, "not an int >= 2"),
    ],
)
def test_bad_input_is_rejected_before_any_fit(kwargs, X_y, match):
    fits = []

    class Counting(DecisionTreeClassifier):
        def fit(self, X, y, **kw):
            fits.append(1)
            return super().fit(X, y, **kw)

    search = HalvingBOHBSearchCV(Counting(random_state=0), TREE_SPACE, **{"n_iter": 3, **kwargs})
    with pytest.raises(ValueError, match=match):
        search.fit(X_DIGITS, Y_DIGITS)
    assert not fits


def test_a_class_too_rare_for_the_smallest_rung_is_named():
    X, y = X_IRIS[:110], Y_IRIS[:110]  # class 2 has 10 rows
    search = HalvingBOHBSearchCV(DecisionTreeClassifier(), TREE_SPACE, n_iter=3, cv=5,
                                 min_resources=5)
    with pytest.raises(ValueError, match="min_resources=5 is too small .* set min_resources >= 7"):
        search.fit(X, y)
    y = y.copy()
    y[100:109] = 0  # class 2 keeps one row: some training fold has none of it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn: least populated class has 1 member
        with pytest.raises(ValueError, match="Class 2 has 0 training rows in fold"):
            search.set_params(min_resources="auto").fit(X, y)


def test_get_params_clone_and_regression():
    from sklearn.datasets import make_regression

    search = HalvingBOHBSearchCV(Ridge(), {"alpha": (0.01, 10.0, "log-uniform")}, n_iter=3,
                                 factor=2, random_state=0)
    assert clone(search).get_params()["factor"] == 2
    X, y = make_regression(n_samples=400, n_features=5, noise=1.0, random_state=0)
    search.fit(X, y)
    assert search.best_score_ > 0.9
    assert search.n_resources_[0] == 400 // 8


def test_verbose_reports_the_rungs_and_the_budget_spent(capsys):
    _tree_search(n_iter=3, verbose=1).fit(X_DIGITS, Y_DIGITS)
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(ln.startswith("[HalvingBOHBSearchCV] ") for ln in lines)
    assert "batch at n_resources=66 best" in lines[0]
    assert "full-budget evaluations spent" in lines[-1]
    assert "best so far none yet" in lines[0]  # no full-budget row before the top rung


def test_sklearn_progress_bar_runs():
    callback_mod = pytest.importorskip("sklearn.callback")
    pytest.importorskip("rich")
    search = _tree_search(n_iter=3)
    search.set_callbacks(callback_mod.ProgressBar())
    search.fit(X_DIGITS, Y_DIGITS)
    plain = _tree_search(n_iter=3).fit(X_DIGITS, Y_DIGITS)
    assert search.cv_results_["params"] == plain.cv_results_["params"]


def test_metadata_routing_reaches_a_continued_estimator():
    import sklearn

    if not hasattr(RandomForestClassifier(), "set_fit_request"):
        pytest.skip("metadata routing API not available")
    seen = []

    class Recording(RandomForestClassifier):
        def fit(self, X, y, sample_weight=None):
            seen.append(sample_weight is not None)
            return super().fit(X, y, sample_weight=sample_weight)

    X, y = load_breast_cancer(return_X_y=True)
    with sklearn.config_context(enable_metadata_routing=True):
        est = Recording(n_estimators=9, random_state=0, n_jobs=1).set_fit_request(sample_weight=True)
        est = est.set_score_request(sample_weight=False)
        search = HalvingBOHBSearchCV(est, {"max_depth": (2, 8)}, resource="n_estimators",
                                     n_iter=2, cv=3, random_state=0)
        search.fit(X, y, sample_weight=np.ones(len(y)))
    assert search.continuation_ == "warm_start"
    assert seen and all(seen)


def test_continuation_under_a_dask_backend_matches_local_processes():
    # Rung k+1 of a candidate may run in another worker than rung k: the
    # models are continued all the same (through the store's directory).
    pytest.importorskip("distributed")
    import joblib
    from distributed import Client, LocalCluster

    def search_with_units():
        units = []
        search = HalvingBOHBSearchCV(
            RandomForestClassifier(n_estimators=27, random_state=0, n_jobs=1), {"max_depth": (2, 12)},
            resource="n_estimators", n_iter=4, cv=3, random_state=0, n_jobs=2,
            callbacks=lambda results: units.append(search.estimator.store.n_units_trained_),
        )
        return search, units

    X, y = load_breast_cancer(return_X_y=True)
    local, local_units = search_with_units()
    local.fit(X, y)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster):
        remote, remote_units = search_with_units()
        with joblib.parallel_backend("dask"):
            remote.fit(X, y)
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
    # Trees trained: each candidate's last rung per fold, not the sum over its rungs.
    res = remote.cv_results_
    last = {}
    for p, r in zip(res["params"], res["n_resources"]):
        last[p["max_depth"]] = max(last.get(p["max_depth"], 0), int(r))
    assert remote_units[-1] == local_units[-1] == 3 * sum(last.values())


class _InterruptAtRung(RandomForestClassifier):
    """Interrupts the search (as Ctrl-C would) when asked for 9 trees."""

    def fit(self, X, y, sample_weight=None):
        if self.n_estimators == 9:
            raise KeyboardInterrupt
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("estimator, raises", [
    (RandomForestClassifier(n_estimators=27, random_state=0, n_jobs=1), None),
    (_InterruptAtRung(n_estimators=27, random_state=0, n_jobs=1), KeyboardInterrupt),
])
def test_saved_models_are_removed_after_fit_also_when_interrupted(estimator, raises, monkeypatch):
    import os

    import skhpo._bohb as bohb

    paths = []

    class Recorded(bohb.ContinuationStore):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            paths.append(self.path)

    monkeypatch.setattr(bohb, "ContinuationStore", Recorded)
    X, y = load_breast_cancer(return_X_y=True)
    search = HalvingBOHBSearchCV(estimator, {"max_depth": (2, 8)}, resource="n_estimators", n_iter=3,
                                 cv=3, random_state=0)
    if raises is None:
        search.fit(X, y)
    else:
        with pytest.raises(raises):
            search.fit(X, y)
    assert len(paths) == 1 and not os.path.exists(paths[0])
    assert search.estimator is estimator  # the user's estimator is back in place
