"""EvolutionSearchCV: a drop-in GridSearchCV on the shared driver."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skhpo import EvolutionSearchCV
from skhpo.optimizers import EvolutionOptimizer
from skhpo.space import Integer, Real

X, Y = load_iris(return_X_y=True)


class _Flaky(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``a < 0.3``; otherwise scores ``a`` on every fold."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y):
        if self.a < 0.3:
            raise RuntimeError(f"deliberate failure at a={self.a}")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return self.a


def _search(**kwargs):
    params = dict(n_iter=12, population_size=4, cv=3, random_state=0)
    params.update(kwargs)
    return EvolutionSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": (1, 8), "min_samples_leaf": (1, 20)}, **params)


def test_cv_results_have_gridsearchcvs_keys_and_dtypes():
    search = _search(return_train_score=True).fit(X, Y)
    ref = GridSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2], "min_samples_leaf": [1, 2]},
        cv=3, return_train_score=True,
    ).fit(X, Y)
    assert list(search.cv_results_) == list(ref.cv_results_)
    for key, ref_col in ref.cv_results_.items():
        col = search.cv_results_[key]
        assert len(col) == 12
        assert type(col) is type(ref_col), key
        if isinstance(ref_col, np.ndarray) and ref_col.dtype != object:
            assert col.dtype.kind == ref_col.dtype.kind, key
    assert search.best_score_ == search.cv_results_["mean_test_score"][search.best_index_]
    assert search.cv_results_["rank_test_score"][search.best_index_] == 1
    assert hasattr(search, "best_estimator_") and isinstance(search.optimizer_, EvolutionOptimizer)


def test_n_points_none_is_one_generation_per_batch_and_is_kept_as_set():
    search = _search(n_iter=10, population_size=4, verbose=1)
    assert search.get_params()["n_points"] is None
    search.fit(X, Y)
    assert search.get_params()["n_points"] is None  # resolved only during fit
    assert len(search.cv_results_["params"]) == 10
    assert search.optimizer_.population_size == 4
    # 3 batches: 4 + 4 + 2 (n_iter is the total number of candidates).
    assert search.optimizer_.n_initial_points_ == 4


def test_explicit_n_points_is_used(capsys):
    search = _search(n_iter=9, n_points=3, population_size=6, verbose=1).fit(X, Y)
    out = capsys.readouterr().out
    assert len(search.cv_results_["params"]) == 9
    assert out.count("\n") >= 3  # one line per batch of 3


@pytest.mark.parametrize("n_points", [None, 3])
def test_reproducible_across_n_jobs(n_points):
    a = _search(n_points=n_points, n_jobs=1).fit(X, Y)
    b = _search(n_points=n_points, n_jobs=2).fit(X, Y)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    np.testing.assert_array_equal(a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"])
    c = _search(n_points=n_points, random_state=1).fit(X, Y)
    assert c.cv_results_["params"] != a.cv_results_["params"]


def test_cash_list_of_dicts():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    spaces = [
        {"clf": [LogisticRegression(max_iter=500)], "clf__C": Real(1e-3, 1e3, prior="log-uniform")},
        {"clf": [KNeighborsClassifier()], "clf__n_neighbors": Integer(1, 30)},
        {"clf": [DecisionTreeClassifier(random_state=0)], "clf__max_depth": Integer(1, 10)},
    ]
    search = EvolutionSearchCV(pipe, spaces, n_iter=24, population_size=6, cv=3, random_state=0).fit(X, Y)
    params = search.cv_results_["params"]
    assert len(params) == 24
    families = {type(p["clf"]).__name__ for p in params}
    assert families == {"LogisticRegression", "KNeighborsClassifier", "DecisionTreeClassifier"}
    for p in params:  # every candidate has exactly its family's parameters
        name = type(p["clf"]).__name__
        expected = {"LogisticRegression": "clf__C", "KNeighborsClassifier": "clf__n_neighbors",
                    "DecisionTreeClassifier": "clf__max_depth"}[name]
        assert set(p) == {"clf", expected}
    assert search.best_score_ > 0.9


def test_failures_do_not_end_the_search_and_are_never_best():
    search = EvolutionSearchCV(_Flaky(), {"a": Real(0.0, 1.0)}, n_iter=16, population_size=4, cv=2,
                               random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, Y)
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    assert len(a) == 16 and (a < 0.3).any()
    assert np.isnan(search.cv_results_["mean_test_score"][a < 0.3]).all()
    assert search.best_params_["a"] >= 0.3
    assert search.best_params_["a"] == a.max()


def test_a_finite_space_that_runs_out_ends_cleanly():
    search = EvolutionSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3], "criterion": ["gini", "entropy"]},
        n_iter=20, population_size=4, cv=3, random_state=0,
    )
    with pytest.warns(UserWarning, match="only 6 distinct candidates"):
        search.fit(X, Y)
    params = search.cv_results_["params"]
    assert len(params) == 6
    assert len({tuple(sorted(p.items())) for p in params}) == 6


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"population_size": 1}, "population_size"),
        ({"population_size": 1, "n_points": 2}, "population_size"),
        ({"n_points": 0}, "n_points"),
        ({"survivors": "best"}, "survivors"),
        ({"crossover_rate": 2.0}, "crossover_rate"),
        ({"switch_rate": -1}, "switch_rate"),
    ],
)
def test_bad_parameters_are_rejected_before_any_fit(kwargs, match):
    search = EvolutionSearchCV(_Flaky(), {"a": Real(0.0, 1.0)}, **kwargs)
    with pytest.raises(ValueError, match=match):
        search.fit(X, Y)
    assert search.get_params()["n_points"] == kwargs.get("n_points")
