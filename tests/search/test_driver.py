"""The shared search driver: GridSearchCV conformance, failures, stops, nesting.

Most tests run the driver with optimizers that are cheap and predictable
(a fixed candidate list, or random search), so that what is tested is the
driver, not an optimizer; tests of the public classes are in test_searchers.py.
"""

import pickle
import time
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    ParameterGrid,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skhpo._search_base import _BaseSkhpoSearchCV
from skhpo.optimizers import BaseOptimizer, RandomOptimizer
from skhpo.space import Integer, Real


class FixedOptimizer(BaseOptimizer):
    """Proposes a fixed list of parameter dicts, in order."""

    def __init__(self, space, candidates, random_state=None):
        super().__init__(space, n_initial_points=0, random_state=random_state)
        self._queue = [self.space.encode(p) for p in candidates]
        self.told = []

    def ask(self, n=1):
        out, self._queue = self._queue[:n], self._queue[n:]
        return out

    def tell(self, candidates, scores):
        self.told.extend(np.asarray(scores, dtype=float).tolist())
        super().tell(candidates, scores)

    def _propose(self, n, pending):  # pragma: no cover - ask is overridden
        raise AssertionError


class FixedSearchCV(_BaseSkhpoSearchCV):
    """The driver fed with a fixed candidate list (in ``search_spaces`` order)."""

    def __init__(self, estimator, search_spaces, candidates=None, *, n_iter=50, scoring=None,
                 n_jobs=None, refit=True, cv=None, verbose=0, pre_dispatch="2*n_jobs",
                 random_state=None, error_score=np.nan, return_train_score=False, n_points=1,
                 n_initial_points=None, max_time=None, callbacks=None):
        super().__init__(estimator, search_spaces, n_iter=n_iter, scoring=scoring, n_jobs=n_jobs,
                         refit=refit, cv=cv, verbose=verbose, pre_dispatch=pre_dispatch,
                         random_state=random_state, error_score=error_score,
                         return_train_score=return_train_score, n_points=n_points,
                         n_initial_points=n_initial_points, max_time=max_time,
                         callbacks=callbacks)
        self.candidates = candidates

    def _make_optimizer(self, space, random_state):
        return FixedOptimizer(space, self.candidates or [], random_state=random_state)


class RandomSearch(_BaseSkhpoSearchCV):
    def _make_optimizer(self, space, random_state):
        return RandomOptimizer(space, random_state=random_state)


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``a < fail_below``; scores ``a`` (deterministic) otherwise."""

    def __init__(self, a=0.0, fail_below=0.5, nan_above=2.0, n_fits=None):
        self.a = a
        self.fail_below = fail_below
        self.nan_above = nan_above
        self.n_fits = n_fits

    def fit(self, X, y):
        if self.n_fits is not None:
            self.n_fits.append(self.a)
        if self.a < self.fail_below:
            raise RuntimeError(f"deliberate failure at a={self.a}")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return np.nan if self.a > self.nan_above else float(self.a)


X_IRIS, Y_IRIS = load_iris(return_X_y=True)
VOLATILE = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


def _assert_same_results(ours, ref):
    assert set(ours) == set(ref), set(ours) ^ set(ref)
    for key in ref:
        a, b = ours[key], ref[key]
        assert type(a) is type(b), key
        if key == "params":
            assert a == b
            continue
        assert np.asarray(a).dtype == np.asarray(b).dtype, (key, np.asarray(a).dtype, np.asarray(b).dtype)
        if key in VOLATILE:
            continue
        if isinstance(b, np.ma.MaskedArray):
            np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
            assert list(a.compressed()) == list(b.compressed()), key
        else:
            np.testing.assert_array_equal(a, b, err_msg=key)


# --------------------------------------------------------------------------
# GridSearchCV conformance
# --------------------------------------------------------------------------
@pytest.mark.parametrize("n_points", [1, 3, 100])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"return_train_score": True},
        {"scoring": ["accuracy", "f1_macro"], "refit": "f1_macro"},
        {"scoring": {"acc": "accuracy", "bacc": "balanced_accuracy"}, "refit": False},
    ],
)
def test_cv_results_match_gridsearchcv(n_points, kwargs):
    grid = {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}
    cands = list(ParameterGrid(grid))
    est = LogisticRegression(max_iter=200)
    ref = GridSearchCV(est, grid, cv=3, **kwargs).fit(X_IRIS, Y_IRIS)
    ours = FixedSearchCV(est, {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}, cands,
                         n_iter=len(cands), n_points=n_points, cv=3, **kwargs).fit(X_IRIS, Y_IRIS)
    _assert_same_results(ours.cv_results_, ref.cv_results_)
    for attr in ("best_index_", "best_score_", "best_params_"):
        assert hasattr(ours, attr) == hasattr(ref, attr)
        if hasattr(ref, attr):
            assert getattr(ours, attr) == getattr(ref, attr)
            assert type(getattr(ours, attr)) is type(getattr(ref, attr)), attr
    assert ours.multimetric_ == ref.multimetric_
    assert ours.n_splits_ == ref.n_splits_


def test_cv_results_match_gridsearchcv_on_list_of_grids():
    grids = [
        {"svc": [SVC()], "svc__C": [0.1, 10.0]},
        {"svc": [DecisionTreeClassifier(random_state=0)], "svc__max_depth": [1, 3]},
    ]
    pipe = Pipeline([("sc", StandardScaler()), ("svc", SVC())])
    ref = GridSearchCV(pipe, grids, cv=3).fit(X_IRIS, Y_IRIS)
    ours = FixedSearchCV(pipe, grids, list(ParameterGrid(grids)), n_iter=4, cv=3).fit(X_IRIS, Y_IRIS)
    for key in ref.cv_results_:
        if key not in ("params", "param_svc") and key not in VOLATILE:
            a, b = ours.cv_results_[key], ref.cv_results_[key]
            assert np.asarray(a).dtype == np.asarray(b).dtype, key
            np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b), err_msg=key)
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])
    assert [type(p["svc"]) for p in ours.cv_results_["params"]] == [type(p["svc"]) for p in ref.cv_results_["params"]]


def test_cv_results_key_order_matches_randomizedsearchcv():
    # The space lists "tol" before "C"; scikit-learn sorts the names.
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    est = LogisticRegression(max_iter=200)
    ref = RandomizedSearchCV(est, {"tol": loguniform(1e-5, 1e-3), "C": loguniform(1e-2, 1e2)},
                             n_iter=2, cv=2, random_state=0).fit(X_IRIS, Y_IRIS)
    ours = RandomSearch(est, {"tol": (1e-5, 1e-3, "log-uniform"), "C": (1e-2, 1e2, "log-uniform")},
                        n_iter=2, cv=2, random_state=0).fit(X_IRIS, Y_IRIS)
    assert list(ours.cv_results_) == list(ref.cv_results_)
    assert [list(p) for p in ours.cv_results_["params"]] == [list(p) for p in ref.cv_results_["params"]]
    assert list(ours.best_params_) == ["C", "tol"]


def test_pandas_dataframe_of_cv_results():
    pd = pytest.importorskip("pandas")
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (1e-2, 1e2, "log-uniform")},
                          n_iter=4, cv=3, random_state=0).fit(X_IRIS, Y_IRIS)
    df = pd.DataFrame(search.cv_results_)
    assert len(df) == 4
    assert {"param_C", "params", "mean_test_score", "rank_test_score"} <= set(df.columns)
    assert df["rank_test_score"].min() == 1


def test_estimators_from_the_space_are_cloned_per_candidate():
    tree = DecisionTreeClassifier(random_state=0)
    pipe = Pipeline([("sc", StandardScaler()), ("clf", SVC())])
    search = RandomSearch(pipe, {"clf": [tree], "clf__max_depth": (1, 4)}, n_iter=4, cv=3,
                          random_state=0).fit(X_IRIS, Y_IRIS)
    clfs = [p["clf"] for p in search.cv_results_["params"]]
    assert all(c is not tree for c in clfs)
    assert len({id(c) for c in clfs}) == len(clfs)
    assert not hasattr(tree, "tree_")  # the object in the space was never fitted
    assert search.best_estimator_.named_steps["clf"] is not tree


# --------------------------------------------------------------------------
# Everything GridSearchCV offers
# --------------------------------------------------------------------------
def test_delegated_methods_and_attributes():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    search = RandomSearch(Pipeline([("sc", StandardScaler()), ("lr", LogisticRegression())]),
                          {"lr__C": (0.01, 10.0, "log-uniform")}, n_iter=3, cv=3,
                          random_state=0).fit(X, y)
    assert search.predict(X).shape == (120,)
    assert search.predict_proba(X).shape == (120, 2)
    assert search.decision_function(X).shape == (120,)
    assert 0 <= search.score(X, y) <= 1
    np.testing.assert_array_equal(search.classes_, [0, 1])
    assert search.n_features_in_ == 5
    assert search.refit_time_ >= 0
    search_t = RandomSearch(StandardScaler(), {"with_mean": [True, False]}, n_iter=2, cv=3,
                            scoring=lambda est, X, y=None: 0.0).fit(X)
    assert search_t.transform(X).shape == X.shape


def test_refit_callable_and_false():
    def pick_last(results):
        return len(results["params"]) - 1

    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.01, 10.0)}, n_iter=3, cv=3,
                          refit=pick_last, random_state=0).fit(X_IRIS, Y_IRIS)
    assert search.best_index_ == 2
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.01, 10.0)}, n_iter=3, cv=3,
                          refit=False, random_state=0).fit(X_IRIS, Y_IRIS)
    assert not hasattr(search, "best_estimator_")
    assert search.best_index_ == int(np.argmin(search.cv_results_["rank_test_score"]))


def test_optimizer_is_told_the_refit_metric():
    cands = [{"C": c} for c in (0.01, 1.0, 100.0)]
    search = FixedSearchCV(LogisticRegression(max_iter=300), {"C": [0.01, 1.0, 100.0]}, cands,
                           n_iter=3, cv=3, scoring={"a": "accuracy", "nll": "neg_log_loss"},
                           refit="nll").fit(X_IRIS, Y_IRIS)
    np.testing.assert_allclose(search.optimizer_.y_, search.cv_results_["mean_test_nll"])


def test_fit_params_and_groups_are_routed():
    class NeedsWeights(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            assert sample_weight is not None and len(sample_weight) == len(X)
            return super().fit(X, y, sample_weight=sample_weight)

    groups = np.repeat(np.arange(10), 15)
    search = RandomSearch(NeedsWeights(max_iter=200), {"C": (0.1, 10.0)}, n_iter=2,
                          cv=GroupKFold(n_splits=3), random_state=0)
    search.fit(X_IRIS, Y_IRIS, groups=groups, sample_weight=np.ones(len(Y_IRIS)))
    assert len(search.cv_results_["params"]) == 2


# --------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------
def test_failing_candidates_do_not_end_the_search():
    cands = [{"a": 0.1}, {"a": 0.9}, {"a": 0.2}, {"a": 0.7}]
    with pytest.warns(FitFailedWarning):
        search = FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=4,
                               cv=3).fit(X_IRIS, Y_IRIS)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores[[0, 2]]).all()
    np.testing.assert_allclose(scores[[1, 3]], [0.9, 0.7])
    assert search.best_params_ == {"a": 0.9}
    assert np.isnan(search.optimizer_.y_[[0, 2]]).all()


@pytest.mark.parametrize("cands", [
    [{"a": 0.1}, {"a": 0.9}, {"a": 0.2}, {"a": 0.7}],  # the first batch fails entirely
    [{"a": 0.9}, {"a": 0.1}, {"a": 0.7}],  # a later batch fails entirely
])
def test_callable_scorer_returning_a_dict_survives_a_fully_failed_batch(cands):
    # scikit-learn only turns error_score into a dict when the same batch
    # had a successful fit; a sequential search has one-candidate batches.
    def both(est, X, y):
        return {"a": est.score(X, y), "twice": 2 * est.score(X, y)}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=len(cands),
                               cv=3, scoring=both, refit="twice").fit(X_IRIS, Y_IRIS)
    res = search.cv_results_
    expected = np.array([c["a"] if c["a"] >= 0.5 else np.nan for c in cands])
    np.testing.assert_allclose(res["mean_test_a"], expected)
    np.testing.assert_allclose(res["mean_test_twice"], 2 * expected)
    assert search.best_params_ == {"a": 0.9}


def test_a_fit_that_raises_leaves_the_searcher_unfitted():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    search = RandomSearch(LogisticRegression(), {"C": Real(0.1, 1.0)}, n_iter=2, cv=3,
                          random_state=0)
    search.fit(X_IRIS, Y_IRIS)
    check_is_fitted(search)
    search.set_params(n_iter=0)
    with pytest.raises(ValueError, match="n_iter"):
        search.fit(X_IRIS, Y_IRIS)
    unfitted = clone(search).set_params(n_iter=2, scoring="not_a_scorer")
    with pytest.raises(ValueError):
        unfitted.fit(X_IRIS, Y_IRIS)
    with pytest.raises(NotFittedError):
        check_is_fitted(unfitted)


def test_non_finite_warning_is_given_once_per_search():
    cands = [{"a": 0.1}, {"a": 0.9}, {"a": 0.2}, {"a": 0.7}]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=4,
                      cv=3).fit(X_IRIS, Y_IRIS)
    msgs = [str(w.message) for w in record if "non-finite" in str(w.message)]
    assert len(msgs) == 1, msgs
    assert "2 of 4 candidates" in msgs[0]


def test_failed_candidate_with_numeric_error_score_is_never_best():
    # error_score=5.0 would make the failing candidate "best" by its mean.
    cands = [{"a": 0.1}, {"a": 0.9}]
    with pytest.warns(FitFailedWarning):
        search = FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=2, cv=3,
                               error_score=5.0).fit(X_IRIS, Y_IRIS)
    assert search.cv_results_["mean_test_score"][0] == 5.0
    assert search.best_index_ == 1
    assert np.isnan(search.optimizer_.y_[0])  # told as a failure, not as 5.0


def test_failed_candidates_rank_after_the_others_whatever_error_score():
    cands = [{"a": 0.1}, {"a": 0.9}, {"a": 0.7}, {"a": 0.3}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=4, cv=3,
                               error_score=5.0, scoring=["accuracy", "balanced_accuracy"],
                               refit=False).fit(X_IRIS, Y_IRIS)
        plain = FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, cands, n_iter=4, cv=3,
                              error_score=5.0).fit(X_IRIS, Y_IRIS)
    assert plain.cv_results_["mean_test_score"][0] == 5.0
    np.testing.assert_array_equal(plain.cv_results_["rank_test_score"], [3, 1, 2, 3])
    assert plain.best_index_ == 1
    for metric in ("accuracy", "balanced_accuracy"):
        ranks = search.cv_results_[f"rank_test_{metric}"]
        assert ranks.dtype == np.int32
        assert set(ranks[[0, 3]]) == {3}  # failures last, tied (as NaN means are)


class FailOnSmallTrain(ClassifierMixin, BaseEstimator):
    def __init__(self, a=0.0):
        self.a = a

    def fit(self, X, y):
        if len(X) < 100:
            raise RuntimeError("too few rows")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return float(self.a)


@pytest.mark.parametrize("refit", [False, True])
def test_every_candidate_with_a_failed_fold_still_gives_results(refit):
    # GridSearchCV keeps the results and chooses by mean when error_score is
    # numeric; a skhpo search does the same, with a warning, instead of raising.
    idx = np.random.default_rng(0).permutation(len(Y_IRIS))
    cv = [(idx[:50], idx[50:100]), (idx[:120], idx[120:])]  # the first fold always fails
    cands = [{"a": 0.2}, {"a": 0.8}, {"a": 0.5}]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        search = FixedSearchCV(FailOnSmallTrain(), {"a": Real(0.0, 1.0)}, cands, n_iter=3, cv=cv,
                               error_score=0.0, refit=refit).fit(X_IRIS, Y_IRIS)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], [0.1, 0.4, 0.25])
    assert search.best_index_ == 1
    assert search.cv_results_["rank_test_score"][1] == 1
    assert any("Every candidate has at least one failed fit" in str(w.message) for w in record)
    assert hasattr(search, "best_estimator_") is refit


class ScorerFails(FailingClassifier):
    """Fits always; its score raises when ``a > 2.5`` (scikit-learn then uses error_score)."""

    def __init__(self, a=0.0):
        super().__init__(a=a, fail_below=-1.0, nan_above=10.0)

    def score(self, X, y):
        if self.a > 2.5:
            raise RuntimeError("deliberate scoring failure")
        return super().score(X, y)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_a_scorer_that_raises_counts_as_a_failure(n_jobs):
    # scikit-learn fills a raising scorer's score with error_score without
    # flagging a failure; with error_score=5.0 it would look best.
    from skhpo.callbacks import ScoreThresholdStopper

    cands = [{"a": 2.9}, {"a": 0.9}, {"a": 2.7}, {"a": 0.6}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = FixedSearchCV(ScorerFails(), {"a": Real(0.0, 3.0)}, cands, n_iter=4, cv=3,
                               error_score=5.0, n_jobs=n_jobs,
                               callbacks=ScoreThresholdStopper(4.0)).fit(X_IRIS, Y_IRIS)
    res = search.cv_results_
    np.testing.assert_allclose(res["mean_test_score"], [5.0, 0.9, 5.0, 0.6])  # as GridSearchCV
    np.testing.assert_array_equal(res["rank_test_score"], [3, 1, 3, 2])
    assert search.best_params_ == {"a": 0.9}
    np.testing.assert_array_equal(np.isnan(search.optimizer_.y_), [True, False, True, False])
    # the stopper did not take the failures' 5.0 for a score; the parameter is unchanged
    assert len(res["params"]) == 4
    assert type(search.error_score) is float and search.get_params()["error_score"] == 5.0


def test_nan_and_inf_scores_are_never_best():
    class InfScorer(FailingClassifier):
        def score(self, X, y):
            return np.inf if self.a > 2.5 else super().score(X, y)

    cands = [{"a": 2.9}, {"a": 2.2}, {"a": 0.6}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = FixedSearchCV(InfScorer(), {"a": Real(0.0, 3.0)}, cands, n_iter=3,
                               cv=3).fit(X_IRIS, Y_IRIS)
    assert search.best_params_ == {"a": 0.6}
    assert np.all(np.isfinite(search.optimizer_.y_imputed_))


def test_all_candidates_failing_raises_with_first_traceback():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"All 3 candidates failed(.|\n)*deliberate failure"):
            RandomSearch(FailingClassifier(), {"a": (0.0, 0.4)}, n_iter=3, cv=3,
                         random_state=0).fit(X_IRIS, Y_IRIS)


def test_error_score_raise_propagates():
    with pytest.raises(RuntimeError, match="deliberate failure"):
        FixedSearchCV(FailingClassifier(), {"a": Real(0.0, 3.0)}, [{"a": 0.1}], n_iter=1, cv=3,
                      error_score="raise").fit(X_IRIS, Y_IRIS)


def test_other_searches_keep_sklearn_all_failed_error():
    # The relaxed check applies only to the running skhpo search, not to a
    # GridSearchCV nested inside one of its fits.
    inner = GridSearchCV(FailingClassifier(), {"a": [0.1]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="All the 2 fits failed"):
            inner.fit(X_IRIS, Y_IRIS)
        outer = FixedSearchCV(inner, {"cv": [2, 3]}, [{"cv": 2}, {"cv": 3}], n_iter=2, cv=2)
        with pytest.raises(ValueError, match="All 2 candidates failed(.|\n)*All the"):
            outer.fit(X_IRIS, Y_IRIS)


# --------------------------------------------------------------------------
# Validation before any fit
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, err, match",
    [
        ({"n_iter": 0}, ValueError, "n_iter must be a positive int, got n_iter="),
        ({"n_iter": 2.5}, ValueError, "n_iter must be a positive int, got n_iter="),
        ({"n_points": 0}, ValueError, "n_points must be a positive int, got n_points=0"),
        ({"n_initial_points": -1}, ValueError, "n_initial_points must be a non-negative int, got n_initial_points=-1"),
        ({"max_time": 0}, ValueError, "max_time must be None or a number of seconds > 0"),
        ({"max_time": "1h"}, ValueError, "max_time must be None"),
        ({"callbacks": 3}, TypeError, "callbacks must be None, a callable or a list"),
        ({"callbacks": [print, 3]}, TypeError, r"callbacks\[1\] must be callable"),
        ({"random_state": "seed"}, ValueError, "random_state must be"),
        ({"random_state": -1}, ValueError, "random_state must be a non-negative int, got random_state=-1"),
        ({"search_spaces": {"a": (1.0, 0.0)}}, ValueError, "low < high"),
        ({"search_spaces": {"b": [1, 2]}}, ValueError, "Invalid parameter 'b'"),
        ({"search_spaces": {"a": []}}, ValueError, "must not be empty"),
        ({"search_spaces": "a"}, TypeError, "search space"),
        ({"scoring": "no-such-metric"}, ValueError, "scoring"),
    ],
)
def test_bad_input_is_rejected_before_any_fit(params, err, match):
    fits = []
    kwargs = {"n_iter": 3, "cv": 3, **params}
    space = kwargs.pop("search_spaces", {"a": (0.5, 1.0)})
    search = RandomSearch(FailingClassifier(n_fits=fits), space, **kwargs)
    with pytest.raises(err, match=match):
        search.fit(X_IRIS, Y_IRIS)
    assert fits == []


# --------------------------------------------------------------------------
# Stops and budget
# --------------------------------------------------------------------------
def test_exhausted_finite_space_ends_cleanly():
    # RandomizedSearchCV warns likewise when its space is smaller than n_iter
    with pytest.warns(UserWarning, match=r"only 6 distinct candidates, fewer than n_iter=50"):
        search = RandomSearch(DecisionTreeClassifier(random_state=0),
                              {"max_depth": [1, 2, 3], "criterion": ["gini", "entropy"]},
                              n_iter=50, cv=3, random_state=0).fit(X_IRIS, Y_IRIS)
    params = search.cv_results_["params"]
    assert len(params) == 6
    assert len({tuple(sorted(p.items())) for p in params}) == 6


def test_overlapping_subspaces_never_evaluate_the_same_parameters_twice():
    from sklearn.tree import DecisionTreeClassifier

    space = [{"max_depth": [2, 3]}, {"max_depth": [3, 4]}]
    search = RandomSearch(DecisionTreeClassifier(random_state=0), space, n_iter=10, cv=3,
                          random_state=0).fit(X_IRIS, Y_IRIS)
    depths = [p["max_depth"] for p in search.cv_results_["params"]]
    assert sorted(depths) == [2, 3, 4]
    # the optimizer was told the copy's score too: it has every asked point
    assert len(search.optimizer_.y_) == 4


def test_callbacks_stop_the_search():
    seen = []

    def stop_after_three(results):
        seen.append(len(results["params"]))
        return len(results["params"]) >= 3

    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.01, 10.0)}, n_iter=20, cv=3,
                          callbacks=stop_after_three, random_state=0).fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 3
    assert seen == [1, 2, 3]


def test_max_time_stops_the_search():
    class Slow(LogisticRegression):
        def fit(self, X, y):
            time.sleep(0.05)
            return super().fit(X, y)

    search = RandomSearch(Slow(max_iter=200), {"C": (0.01, 10.0)}, n_iter=1000, cv=2,
                          max_time=0.4, random_state=0).fit(X_IRIS, Y_IRIS)
    assert 1 <= len(search.cv_results_["params"]) < 1000


def test_n_points_batches_cover_n_iter_exactly():
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.01, 10.0)}, n_iter=7,
                          n_points=3, cv=3, random_state=0).fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 7


# --------------------------------------------------------------------------
# Reproducibility, cloning, nesting
# --------------------------------------------------------------------------
def test_same_seed_same_results_whatever_n_jobs():
    space = {"C": (1e-3, 1e3, "log-uniform"), "gamma": (1e-4, 1.0, "log-uniform")}
    a = RandomSearch(SVC(), space, n_iter=6, cv=3, random_state=3, n_jobs=1).fit(X_IRIS, Y_IRIS)
    b = RandomSearch(SVC(), space, n_iter=6, cv=3, random_state=3, n_jobs=2).fit(X_IRIS, Y_IRIS)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    np.testing.assert_array_equal(a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"])
    c = RandomSearch(SVC(), space, n_iter=6, cv=3, random_state=4).fit(X_IRIS, Y_IRIS)
    assert c.cv_results_["params"] != a.cv_results_["params"]


def test_clone_get_set_params_and_pickle():
    search = RandomSearch(SVC(), {"C": (0.1, 10.0)}, n_iter=2, cv=3, random_state=0)
    cloned = clone(search)
    assert cloned.get_params()["n_iter"] == 2
    cloned.set_params(n_iter=3, estimator__kernel="linear")
    assert cloned.n_iter == 3 and cloned.estimator.kernel == "linear"
    assert search.n_iter == 2
    fitted = pickle.loads(pickle.dumps(cloned.fit(X_IRIS, Y_IRIS)))
    assert len(fitted.cv_results_["params"]) == 3


@pytest.mark.parametrize(
    "inner_cv, outer_cv, use_groups",
    [
        (GroupKFold(n_splits=3), GroupKFold(n_splits=3), True),
        (StratifiedKFold(3, shuffle=True, random_state=0), StratifiedKFold(3), False),
        (TimeSeriesSplit(3), TimeSeriesSplit(3), False),
    ],
)
def test_nested_cross_validation(inner_cv, outer_cv, use_groups):
    X, y = make_classification(n_samples=180, n_features=6, random_state=0)
    groups = np.repeat(np.arange(18), 10)
    search = RandomSearch(Pipeline([("sc", StandardScaler()), ("lr", LogisticRegression())]),
                          {"lr__C": (1e-2, 1e2, "log-uniform")}, n_iter=3, cv=inner_cv,
                          random_state=0)
    kwargs = {"groups": groups, "params": {"groups": groups}} if use_groups else {}
    res = cross_validate(search, X, y, cv=outer_cv, return_estimator=True, **kwargs)
    assert np.all(np.isfinite(res["test_score"]))
    for est in res["estimator"]:
        assert len(est.cv_results_["params"]) == 3


def test_nested_regression_with_kfold():
    X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
    search = RandomSearch(Ridge(), {"alpha": (1e-3, 1e2, "log-uniform")}, n_iter=3, cv=KFold(3),
                          random_state=0)
    res = cross_validate(search, X, y, cv=3)
    assert np.all(res["test_score"] > 0.9)


# --------------------------------------------------------------------------
# scikit-learn >= 1.9 callback API
# --------------------------------------------------------------------------
def test_sklearn_callback_context_reports_progress():
    callback_mod = pytest.importorskip("sklearn.callback")
    events = []

    class Recorder:
        def setup(self, estimator, context):
            events.append(("setup", context.task_name))

        def teardown(self, estimator, context):
            events.append(("teardown", context.task_name))

        def on_fit_task_begin(self, estimator, context, **kwargs):
            events.append(("begin", context.task_name, context.max_subtasks))

        def on_fit_task_end(self, estimator, context, **kwargs):
            events.append(("end", context.task_name))

    assert isinstance(Recorder(), callback_mod.FitCallback)
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 10.0)}, n_iter=3,
                          n_points=2, cv=3, random_state=0)
    search.set_callbacks(Recorder())
    search.fit(X_IRIS, Y_IRIS)
    begins = [e for e in events if e[0] == "begin"]
    assert ("begin", "search", 2) in begins
    batches = [e for e in begins if e[1] == "batch"]
    assert [b[2] for b in batches] == [6, 3]  # candidates x folds in each batch
    assert sum(1 for e in events if e[:2] == ("end", "batch")) == 2


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sklearn_progress_bar_runs(n_jobs):
    callback_mod = pytest.importorskip("sklearn.callback")
    pytest.importorskip("rich")  # scikit-learn's ProgressBar draws with rich
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 10.0)}, n_iter=4,
                          n_points=2, cv=3, random_state=0, n_jobs=n_jobs)
    search.set_callbacks(callback_mod.ProgressBar())
    search.fit(X_IRIS, Y_IRIS)
    plain = RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 10.0)}, n_iter=4,
                         n_points=2, cv=3, random_state=0, n_jobs=n_jobs).fit(X_IRIS, Y_IRIS)
    assert search.cv_results_["params"] == plain.cv_results_["params"]
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"])


def test_metadata_routing_when_enabled():
    import sklearn

    if not hasattr(LogisticRegression(), "set_fit_request"):
        pytest.skip("metadata routing API not available")
    seen = {}

    class Recording(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            seen["fit"] = sample_weight is not None
            return super().fit(X, y, sample_weight=sample_weight)

    groups = np.repeat(np.arange(10), 15)
    with sklearn.config_context(enable_metadata_routing=True):
        est = Recording(max_iter=200).set_fit_request(sample_weight=True)
        est = est.set_score_request(sample_weight=False)
        search = RandomSearch(est, {"C": (0.1, 10.0)}, n_iter=2, cv=GroupKFold(3),
                              random_state=0)
        search.fit(X_IRIS, Y_IRIS, sample_weight=np.ones(len(Y_IRIS)), groups=groups)
    assert seen["fit"] is True
    assert len(search.cv_results_["params"]) == 2
