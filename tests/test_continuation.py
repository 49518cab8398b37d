"""The parameter fidelity: models continued, not retrained, from rung to rung.

The acceptance criterion is equivalence: for a deterministic estimator, a
model continued from 3 to 9 to 27 rounds predicts as the model trained for
27 rounds from scratch, plain and as a Pipeline's last step, with the rungs
run by scikit-learn's ``cross_validate`` in two worker processes.
"""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesRegressor,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, check_cv, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhpo._fidelity import ContinuationStore, ContinuedEstimator, continuation_kind
from skhpo._fidelity._continuation import _candidate_digest, _fold_fingerprint

SKLEARN_16 = tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 6)
RUNGS = (3, 9, 27)


def _xgb(**kw):
    xgboost = pytest.importorskip("xgboost")
    return xgboost.XGBClassifier(subsample=1, colsample_bytree=1, tree_method="hist", n_jobs=1, **kw)


def _lgbm(**kw):
    lightgbm = pytest.importorskip("lightgbm")
    return lightgbm.LGBMClassifier(
        deterministic=True, force_row_wise=True, subsample=1.0, subsample_freq=0, n_jobs=1, verbose=-1, **kw
    )


class CountingScaler(TransformerMixin, BaseEstimator):
    """A StandardScaler that appends a line to ``log`` on every fit (any process)."""

    def __init__(self, log=None):
        self.log = log

    def fit(self, X, y=None):
        with open(self.log, "a") as f:
            f.write(f"{len(X)}\n")
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0) + 1e-12
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_


class LookAlikeForest(RandomForestClassifier):
    """A subclass: recognised by its parameters, not its class name."""


# ----------------------------------------------------------------------------
# Which estimators are continued
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, resource, kind",
    [
        (lambda: RandomForestClassifier(), "n_estimators", "warm_start"),
        (lambda: ExtraTreesRegressor(), "n_estimators", "warm_start"),
        (lambda: GradientBoostingRegressor(), "n_estimators", "warm_start"),
        (lambda: BaggingClassifier(), "n_estimators", "warm_start"),
        (lambda: HistGradientBoostingClassifier(), "max_iter", "warm_start"),
        (lambda: LookAlikeForest(), "n_estimators", "warm_start"),
        (lambda: LogisticRegression(), "max_iter", None),  # max_iter more per warm fit
        (lambda: MLPClassifier(), "max_iter", None),
        (lambda: SVC(), "max_iter", None),
        (lambda: RandomForestClassifier(), "max_depth", None),
        (lambda: RandomForestClassifier(), "no_such_parameter", None),
        (lambda: _xgb(), "n_estimators", "xgboost"),
        (lambda: _lgbm(), "n_estimators", "lightgbm"),
        (
            lambda: make_pipeline(StandardScaler(), RandomForestClassifier()),
            "randomforestclassifier__n_estimators",
            "warm_start",
        ),
        (lambda: Pipeline([("s", StandardScaler()), ("clf", _lgbm())]), "clf__n_estimators", "lightgbm"),
        (lambda: Pipeline([("s", StandardScaler()), ("clf", SVC())]), "clf__max_iter", None),
        (lambda: Pipeline([("clf", RandomForestClassifier()), ("s", StandardScaler())]), "clf__n_estimators", None),
        (lambda: Pipeline([("s", StandardScaler()), ("clf", RandomForestClassifier())]), "n_estimators", None),
    ],
)
def test_continuation_kind(make, resource, kind):
    assert continuation_kind(make(), resource) == kind


def test_look_alike_of_xgboost_is_recognised_by_its_fit_signature():
    class Booster(BaseEstimator):
        def __init__(self, n_estimators=10):
            self.n_estimators = n_estimators

        def fit(self, X, y, xgb_model=None):
            return self

        def get_booster(self):
            return None

    assert continuation_kind(Booster(), "n_estimators") == "xgboost"


# ----------------------------------------------------------------------------
# Equivalence: continued == retrained, rung after rung in worker processes
# ----------------------------------------------------------------------------

CASES = {
    "xgboost": (
        lambda: _xgb(max_depth=3, learning_rate=0.3),
        "n_estimators",
        [{"max_depth": 2}, {"max_depth": 3}, {"max_depth": 4}],
    ),
    "lightgbm": (lambda: _lgbm(num_leaves=7), "n_estimators", [{"num_leaves": 4}, {"num_leaves": 7}, {"max_bin": 31}]),
    "random_forest": (
        lambda: RandomForestClassifier(random_state=0),
        "n_estimators",
        [{"max_depth": 2}, {"max_depth": 4}, {"max_features": 0.5}],
    ),
    "hist_gradient_boosting": (
        lambda: HistGradientBoostingClassifier(random_state=0, early_stopping=False),
        "max_iter",
        [{"max_leaf_nodes": 4}, {"max_leaf_nodes": 8}, {"learning_rate": 0.3}],
    ),
    "gradient_boosting_regressor": (
        lambda: GradientBoostingRegressor(random_state=0),
        "n_estimators",
        [{"max_depth": 2}, {"max_depth": 3}, {"subsample": 0.8}],
    ),
}


def _data(regression):
    if regression:
        return make_regression(n_samples=240, n_features=6, noise=5.0, random_state=0)
    return make_classification(n_samples=240, n_features=6, n_informative=4, random_state=0)


def _predictions(model, X):
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


def _run_schedule(wrapped, resource, candidates, X, y, folds, n_jobs=2):
    """Three rungs: 3 candidates at 3, the first 2 at 9, the first at 27."""
    results = []
    for rung, n in enumerate(RUNGS):
        alive = candidates[: len(candidates) - rung]
        wrapped.store.keep_only(alive)
        for params in alive:
            est = clone(wrapped).set_params(**params, **{resource: n})
            out = cross_validate(est, X, y, cv=folds, n_jobs=n_jobs, return_estimator=True)
            results.append((rung, n, params, out))
    return results


@pytest.mark.parametrize("pipeline", [False, True], ids=["plain", "pipeline"])
@pytest.mark.parametrize("case", list(CASES))
def test_continued_models_equal_retrained_ones(case, pipeline, tmp_path):
    make, resource, candidates = CASES[case]
    regression = case.endswith("regressor")
    X, y = _data(regression)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    log = tmp_path / "scaler_fits.log"
    estimator = make()
    if pipeline:
        estimator = Pipeline([("scale", CountingScaler(log=str(log))), ("clf", estimator)])
        resource = f"clf__{resource}"
        candidates = [{f"clf__{k}": v for k, v in c.items()} for c in candidates]

    with ContinuationStore(max_resources=RUNGS[-1]) as store:
        wrapped = ContinuedEstimator(estimator, resource=resource, store=store)
        results = _run_schedule(wrapped, resource, candidates, X, y, folds)
        n_units = store.n_units_trained_
    n_scaler_fits = len(log.read_text().split()) if pipeline else 0

    max_diff = 0.0
    for rung, n, params, out in results:
        for fitted, (train, test) in zip(out["estimator"], folds):
            assert fitted.continued_from_ == (RUNGS[rung - 1] if rung else 0)
            retrained = clone(estimator).set_params(**params, **{resource: n}).fit(X[train], y[train])
            diff = np.abs(_predictions(fitted, X[test]) - _predictions(retrained, X[test])).max()
            max_diff = max(max_diff, float(diff))
        scores = cross_validate(clone(estimator).set_params(**params, **{resource: n}), X, y, cv=folds)
        np.testing.assert_allclose(out["test_score"], scores["test_score"], rtol=0, atol=1e-12)
    print(f"{case} {'pipeline' if pipeline else 'plain'}: max |continued - retrained| = {max_diff:.3g}")
    assert max_diff <= 1e-9
    # Each candidate's fold models are trained once, up to its last rung.
    assert n_units == len(folds) * (RUNGS[0] + RUNGS[1] + RUNGS[2])
    if pipeline:  # the scaler was fitted once per (candidate, fold), at the first rung only
        assert n_scaler_fits == len(candidates) * len(folds)


# ----------------------------------------------------------------------------
# Storage: what is kept, and cleanup
# ----------------------------------------------------------------------------


def _model_files(store):
    """Saved fold models, as 'candidate/fold.joblib'."""
    folders = [d for d in os.listdir(store.path) if not d.startswith("_")]
    return sorted(
        os.path.join(d, f) for d in folders for f in os.listdir(os.path.join(store.path, d)) if not f.startswith("_")
    )


def test_keep_only_drops_eliminated_candidates_which_are_then_retrained():
    X, y = _data(False)
    with ContinuationStore(max_resources=27) as store:
        wrapped = ContinuedEstimator(RandomForestClassifier(random_state=0), store=store)
        for depth in (2, 3):
            clone(wrapped).set_params(max_depth=depth, n_estimators=3).fit(X, y)
        assert len(_model_files(store)) == 2
        store.keep_only([{"max_depth": 3}])
        assert len(_model_files(store)) == 1
        dropped = clone(wrapped).set_params(max_depth=2, n_estimators=9).fit(X, y)
        kept = clone(wrapped).set_params(max_depth=3, n_estimators=9).fit(X, y)
        assert (dropped.continued_from_, kept.continued_from_) == (0, 3)
        assert not any(".tmp-" in f for f in _model_files(store))


def test_nothing_saved_at_max_resources_and_refit_fits_from_scratch():
    X, y = _data(False)
    with ContinuationStore(max_resources=9) as store:
        wrapped = ContinuedEstimator(RandomForestClassifier(random_state=0), store=store)
        clone(wrapped).set_params(max_depth=2, n_estimators=3).fit(X[:200], y[:200])
        last = clone(wrapped).set_params(max_depth=2, n_estimators=9).fit(X[:200], y[:200])
        assert last.continued_from_ == 3
        saved = _model_files(store)
        assert len(saved) == 1 and joblib_load(store, saved[0]).n_resources == 3
        refit = clone(wrapped).set_params(max_depth=2, n_estimators=9).fit(X, y)  # the full data
        assert refit.continued_from_ == 0 and refit.n_units_fit_ == 9
        assert isinstance(refit.estimator_, RandomForestClassifier) and len(refit.estimator_.estimators_) == 9
        assert store.n_units_trained_ == 3 + 6 + 9


def joblib_load(store, relative):
    import joblib

    return joblib.load(os.path.join(store.path, relative))


class _FailAt(RandomForestClassifier):
    """Raises when fitted with ``n_estimators == fail_at``."""

    def __init__(self, n_estimators=100, *, fail_at=-1, random_state=None, warm_start=False):
        super().__init__(n_estimators=n_estimators, random_state=random_state, warm_start=warm_start)
        self.fail_at = fail_at

    def fit(self, X, y, sample_weight=None):
        if self.n_estimators == self.fail_at:
            raise RuntimeError("boom")
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_store_removed_when_a_fit_raises_in_the_middle(error):
    X, y = _data(False)
    folds = list(KFold(3).split(X))
    with pytest.raises((error, RuntimeError)):
        with ContinuationStore(max_resources=27) as store:
            wrapped = ContinuedEstimator(_FailAt(fail_at=9, random_state=0), store=store)
            cross_validate(clone(wrapped).set_params(n_estimators=3), X, y, cv=folds, n_jobs=2)
            assert len(_model_files(store)) == 3
            if error is KeyboardInterrupt:
                raise KeyboardInterrupt
            cross_validate(clone(wrapped).set_params(n_estimators=9), X, y, cv=folds, n_jobs=2, error_score="raise")
    assert not os.path.exists(store.path)


def test_store_copies_share_the_directory_but_only_the_owner_removes_it():
    store = ContinuationStore()
    copy = pickle.loads(pickle.dumps(store))
    assert copy.path == store.path
    with pytest.raises(RuntimeError, match="Only the process"):
        copy.close()
    del copy
    assert os.path.isdir(store.path)
    path = store.path
    del store  # garbage collected: removed
    assert not os.path.exists(path)


def test_a_closed_store_is_never_recreated_by_a_late_fit():
    X, y = _data(False)
    store = ContinuationStore()
    wrapped = ContinuedEstimator(RandomForestClassifier(n_estimators=3, random_state=0), store=store)
    store.close()
    fitted = clone(wrapped).fit(X, y)
    assert fitted.continued_from_ == 0 and not os.path.exists(store.path)


def test_threads_continue_too():
    X, y = _data(False)
    folds = list(KFold(3).split(X))
    with ContinuationStore(max_resources=27) as store:
        wrapped = ContinuedEstimator(RandomForestClassifier(random_state=0), store=store)
        from joblib import parallel_backend

        with parallel_backend("threading", n_jobs=2):
            for n in RUNGS:
                out = cross_validate(clone(wrapped).set_params(n_estimators=n), X, y, cv=folds, return_estimator=True)
        assert [e.continued_from_ for e in out["estimator"]] == [9, 9, 9]
        assert store.n_units_trained_ == 3 * 27


# ----------------------------------------------------------------------------
# Identity of folds and candidates
# ----------------------------------------------------------------------------


def test_fold_fingerprint_for_arrays_frames_and_sparse():
    pd = pytest.importorskip("pandas")
    X, y = _data(False)
    assert _fold_fingerprint(X[:100], y[:100], {}) == _fold_fingerprint(X[:100].copy(), y[:100].copy(), {})
    assert _fold_fingerprint(X[:100], y[:100], {}) != _fold_fingerprint(X[1:101], y[1:101], {})
    assert _fold_fingerprint(X, y, {}) != _fold_fingerprint(X, y, {"sample_weight": np.ones(len(y))})
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]).assign(c=pd.Categorical(y % 2))
    assert _fold_fingerprint(df.iloc[:100], y[:100], {}) == _fold_fingerprint(df.iloc[:100].copy(), y[:100], {})
    assert _fold_fingerprint(df.iloc[:100], y[:100], {}) != _fold_fingerprint(df.iloc[1:101], y[1:101], {})
    S = sp.csr_matrix(np.where(X > 0.5, X, 0.0))
    assert _fold_fingerprint(S[:100], y[:100], {}) == _fold_fingerprint(sp.csr_matrix(S[:100].toarray()), y[:100], {})
    assert _fold_fingerprint(S[:100], y[:100], {}) != _fold_fingerprint(S[1:101], y[1:101], {})


def test_candidate_identity_compares_estimators_by_class_and_parameters():
    assert _candidate_digest({"clf": SVC(C=1.0)}) == _candidate_digest({"clf": SVC(C=1.0)})
    assert _candidate_digest({"clf": SVC(C=1.0)}) != _candidate_digest({"clf": SVC(C=2.0)})
    assert _candidate_digest({"w": np.array([1.0, 2.0])}) == _candidate_digest({"w": np.array([1.0, 2.0])})
    assert _candidate_digest({"a": 1}) != _candidate_digest({"a": 1.0})


def test_dataframes_continue(tmp_path):
    pd = pytest.importorskip("pandas")
    X, y = _data(False)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    folds = list(KFold(3).split(X))
    with ContinuationStore(max_resources=27) as store:
        wrapped = ContinuedEstimator(_lgbm(), store=store)
        for n in RUNGS:
            est = clone(wrapped).set_params(n_estimators=n)
            out = cross_validate(est, df, y, cv=folds, n_jobs=2, return_estimator=True)
        assert [e.continued_from_ for e in out["estimator"]] == [9, 9, 9]
        assert list(out["estimator"][0].feature_names_in_) == list(df.columns)


# ----------------------------------------------------------------------------
# Transparency to scikit-learn
# ----------------------------------------------------------------------------


def test_clone_get_params_set_params_round_trip():
    store = ContinuationStore()
    try:
        wrapped = ContinuedEstimator(make_pipeline(StandardScaler(), SVC()), resource="svc__max_iter", store=store)
        cloned = clone(wrapped)
        assert cloned.store is store and cloned.estimator is not wrapped.estimator
        params = wrapped.get_params(deep=True)
        assert params["svc__C"] == 1.0 and params["resource"] == "svc__max_iter" and "estimator__svc__C" not in params
        assert cloned.get_params(deep=False).keys() == {"estimator", "resource", "store"}
        cloned.set_params(svc__C=3.0, resource="svc__max_iter")
        assert cloned.estimator.named_steps["svc"].C == 3.0 and wrapped.estimator.named_steps["svc"].C == 1.0
        round_trip = clone(wrapped).set_params(**params)  # scikit-learn's check_get_params_invariance
        assert round_trip.get_params(deep=True) == params
        with pytest.raises(ValueError):
            cloned.set_params(no_such_parameter=1)
    finally:
        store.close()


def test_set_params_forwards_kwargs_parameters_and_prefers_the_inner_names():
    wrapped = ContinuedEstimator(_lgbm(), resource="n_estimators")
    wrapped.set_params(max_bin=31)
    assert wrapped.estimator.get_params()["max_bin"] == 31
    bagging = ContinuedEstimator(BaggingClassifier(), resource="n_estimators")
    bagging.set_params(estimator=SVC())  # BaggingClassifier's own `estimator`
    assert isinstance(bagging.estimator, BaggingClassifier) and isinstance(bagging.estimator.estimator, SVC)


@pytest.mark.parametrize("make", [lambda: SVC(), lambda: _xgb(), lambda: GradientBoostingRegressor()])
def test_estimator_type_and_tags_are_the_wrapped_estimators(make):
    inner = make()
    wrapped = ContinuedEstimator(inner)
    assert (is_classifier(wrapped), is_regressor(wrapped)) == (is_classifier(inner), is_regressor(inner))
    if SKLEARN_16:
        from sklearn.utils import get_tags

        assert get_tags(wrapped) == get_tags(inner)


def test_prediction_methods_and_fitted_attributes_mirror_the_wrapped_estimator():
    X, y = _data(False)
    assert not hasattr(ContinuedEstimator(SVC()), "predict_proba")
    assert hasattr(ContinuedEstimator(SVC(probability=True)), "predict_proba")
    assert not hasattr(ContinuedEstimator(RandomForestClassifier()), "decision_function")
    fitted = ContinuedEstimator(SVC(), resource="max_iter").fit(X, y)
    np.testing.assert_array_equal(fitted.classes_, np.unique(y))
    assert fitted.n_features_in_ == X.shape[1]
    with pytest.raises(AttributeError):
        ContinuedEstimator(SVC()).classes_


@pytest.mark.parametrize(
    "make, scoring",
    [
        (lambda: _xgb(n_estimators=5), ["accuracy", "roc_auc", "neg_log_loss"]),
        (lambda: SVC(max_iter=-1), ["accuracy", "roc_auc"]),  # roc_auc from decision_function
        (lambda: GradientBoostingRegressor(n_estimators=5, random_state=0), ["r2", "neg_mean_squared_error"]),
    ],
)
def test_scores_and_stratified_cv_are_as_without_the_wrapper(make, scoring):
    regression = is_regressor(make())
    X, y = _data(regression)
    resource = "max_iter" if isinstance(make(), SVC) else "n_estimators"
    with ContinuationStore() as store:
        wrapped = ContinuedEstimator(make(), resource=resource, store=store)
        assert type(check_cv(5, y, classifier=is_classifier(wrapped))) is (KFold if regression else StratifiedKFold)
        ours = cross_validate(wrapped, X, y, cv=5, scoring=scoring)
    theirs = cross_validate(make(), X, y, cv=5, scoring=scoring)
    for name in scoring:
        np.testing.assert_allclose(ours[f"test_{name}"], theirs[f"test_{name}"], rtol=0, atol=1e-12)


def test_unknown_resource_is_a_clear_error():
    X, y = _data(False)
    with pytest.raises(ValueError, match="resource='n_trees' is not a parameter of RandomForestClassifier"):
        ContinuedEstimator(RandomForestClassifier(), resource="n_trees").fit(X, y)


def test_metadata_is_routed_to_the_wrapped_estimator():
    X, y = _data(False)
    weights = np.linspace(0.5, 2.0, len(y))
    inner = RandomForestClassifier(n_estimators=5, random_state=0)
    with ContinuationStore() as store:
        plain = ContinuedEstimator(inner, store=store).fit(X, y, sample_weight=weights)
    expected = clone(inner).fit(X, y, sample_weight=weights).predict_proba(X)
    np.testing.assert_array_equal(plain.predict_proba(X), expected)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = ContinuedEstimator(clone(inner).set_fit_request(sample_weight=True)).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(routed.predict_proba(X), expected)


def test_a_model_that_cannot_be_pickled_is_retrained_not_failed():
    class Local(RandomForestClassifier):  # defined in a function: pickle cannot find it
        pass

    X, y = make_classification(n_samples=120, random_state=0)
    with ContinuationStore(max_resources=27) as store:
        est = ContinuedEstimator(Local(n_estimators=3, random_state=0), store=store)
        clone(est).fit(X, y)
        second = clone(est).set_params(n_estimators=9).fit(X, y)
        assert second.continued_from_ == 0  # nothing was saved: trained from scratch
        assert len(second.estimator_.estimators_) == 9
