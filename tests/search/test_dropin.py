"""GridSearchCV habits that must carry over unchanged (issue 17: drop-in without surprises).

Each test here failed on the driver before the fix it names.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, LeaveOneOut
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from skhpo import BayesSearchCV, TPESearchCV
from skhpo._search_base import _BaseSkhpoSearchCV, _params_key
from skhpo.optimizers import RandomOptimizer
from skhpo.space import Real

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
SEARCHERS = [BayesSearchCV, TPESearchCV]


class RandomSearch(_BaseSkhpoSearchCV):
    def _make_optimizer(self, space, random_state):
        return RandomOptimizer(space, random_state=random_state)


class FailBelow(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``a < 0.5`` (the message carries ``a``); scores ``a`` otherwise."""

    def __init__(self, a=1.0):
        self.a = a

    def fit(self, X, y):
        if self.a < 0.5:
            raise RuntimeError(f"deliberate failure at a={self.a}")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return float(self.a)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_estimator_class_gets_sklearns_message(cls):
    search = cls(SVC, {"C": (0.1, 1.0)}, n_iter=2)
    with pytest.raises(TypeError, match=re.escape("Expected an estimator instance (SVC()), got estimator class")):
        search.fit(X_IRIS, Y_IRIS)


@pytest.mark.parametrize("refit", [True, False])
def test_all_nan_scores_without_failures_return_like_gridsearchcv(refit):
    # r2 is undefined on one-sample test folds: every score is NaN, no fit fails.
    X, y = make_regression(n_samples=15, n_features=3, random_state=0)
    kwargs = dict(scoring="r2", cv=LeaveOneOut(), refit=refit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = GridSearchCV(Ridge(), {"alpha": [0.5, 1.0]}, **kwargs).fit(X, y)
    with pytest.warns(UserWarning, match="Every candidate has a non-finite mean_test_score"):
        search = RandomSearch(Ridge(), {"alpha": (0.1, 2.0)}, n_iter=3, random_state=0,
                              **kwargs).fit(X, y)
    assert np.isnan(ref.cv_results_["mean_test_score"]).all()
    assert len(search.cv_results_["params"]) == 3
    assert np.isnan(search.cv_results_["mean_test_score"]).all()
    assert search.best_index_ == ref.best_index_ == 0
    assert hasattr(search, "best_estimator_") is refit


def test_overlapping_subspaces_with_estimator_values_evaluate_each_configuration_once():
    pipe = Pipeline([("clf", SVC())])
    space = [{"clf": [SVC()], "clf__C": [1.0, 2.0]}, {"clf": [SVC()], "clf__C": [2.0, 3.0]}]
    with pytest.warns(UserWarning, match="only 3 distinct candidates"):
        search = RandomSearch(pipe, space, n_iter=10, cv=3, random_state=0).fit(X_IRIS, Y_IRIS)
    seen = [(type(p["clf"]).__name__, p["clf__C"]) for p in search.cv_results_["params"]]
    assert sorted(seen) == [("SVC", 1.0), ("SVC", 2.0), ("SVC", 3.0)]


def test_params_key_compares_estimators_by_class_and_parameters():
    assert _params_key({"clf": SVC(C=1.0)}) == _params_key({"clf": SVC(C=1.0)})
    assert _params_key({"clf": SVC(C=1.0)}) != _params_key({"clf": SVC(C=2.0)})
    assert _params_key({"clf": SVC()}) != _params_key({"clf": LogisticRegression()})
    nested = Pipeline([("m", SVC(C=2.0))])
    assert _params_key({"p": nested}) == _params_key({"p": Pipeline([("m", SVC(C=2.0))])})
    assert _params_key({"p": nested}) != _params_key({"p": Pipeline([("m", SVC(C=3.0))])})
    # Values that scikit-learn tells apart stay apart; equal lists are equal.
    assert _params_key({"a": 1}) != _params_key({"a": 1.0})
    assert _params_key({"a": [1, 2]}) == _params_key({"a": [1, 2]})
    assert _params_key({"a": float("nan")}) == _params_key({"a": float("nan")})


@pytest.mark.parametrize("cls", SEARCHERS)
def test_max_time_too_small_still_evaluates_one_batch(cls):
    search = cls(LogisticRegression(max_iter=200), {"C": (0.1, 1.0)}, n_iter=5, n_points=2,
                 max_time=1e-9, cv=3, random_state=0).fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 2
    assert hasattr(search, "best_estimator_")


def _fit_recording_warnings(search, X, y):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        search.fit(X, y)
    return record


def test_a_repeated_fit_error_is_shown_once_and_summarised():
    # Candidates below 0.5 fail with messages that differ only in a number.
    search = RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, n_iter=12, cv=3, random_state=0)
    record = _fit_recording_warnings(search, X_IRIS, Y_IRIS)
    fails = [str(w.message) for w in record if issubclass(w.category, FitFailedWarning)]
    n_failed = int(np.isnan(search.optimizer_.y_).sum())
    assert n_failed >= 3  # several batches failed
    assert len(fails) == 2, fails  # the first occurrence, the closing summary
    assert fails[0].count("Traceback") == 1 and "deliberate failure" in fails[0]
    assert "Traceback" not in fails[1]
    assert f"{3 * n_failed} of the search's 36 fits failed" in fails[1]
    assert f"({n_failed} of 12 candidates" in fails[1]
    assert f"{3 * n_failed} x RuntimeError: deliberate failure at a=" in fails[1]


def test_every_fit_failing_gives_one_warning_then_the_error():
    X = X_IRIS.copy()
    X[::10, 0] = np.nan  # NaN in every training fold: LogisticRegression never fits
    search = RandomSearch(LogisticRegression(), {"C": (0.1, 1.0)}, n_iter=20, cv=3, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="All 20 candidates failed(.|\n)*Input X contains NaN"):
            search.fit(X, Y_IRIS)
    assert len(record) == 1, [str(w.message)[:80] for w in record]
    assert issubclass(record[0].category, FitFailedWarning)
    assert str(record[0].message).count("Traceback") == 1


def test_a_scorer_that_keeps_raising_warns_once_and_is_summarised():
    X = X_IRIS.copy()
    X[0, 0] = np.nan  # fits without row 0 succeed, then scoring on row 0 raises
    search = RandomSearch(LogisticRegression(), {"C": (0.1, 1.0)}, n_iter=10, cv=3, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="No candidate has a finite mean_test_score"):
            search.fit(X, Y_IRIS)
    scoring = [w for w in record if str(w.message).startswith("Scoring failed")]
    assert len(scoring) == 1  # scikit-learn's own, for the first batch only
    fails = [str(w.message) for w in record if issubclass(w.category, FitFailedWarning)]
    assert len(fails) == 2  # the fit error's first occurrence, the summary
    assert "20 x ValueError: Input X contains NaN." in fails[1]
    assert "10 x the scorer raised" in fails[1]


def test_our_warnings_point_at_the_users_call():
    search = RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, n_iter=6, cv=3, random_state=0)
    record = _fit_recording_warnings(search, X_IRIS, Y_IRIS)
    ours = [w for w in record if issubclass(w.category, FitFailedWarning) or "non-finite" in str(w.message)]
    assert ours
    for w in ours:
        assert w.filename == __file__, (w.filename, str(w.message)[:80])


def test_warnings_of_a_nested_search_point_at_the_users_call():
    from sklearn.model_selection import cross_validate

    inner = RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, n_iter=6, cv=2, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        cross_validate(inner, X_IRIS, Y_IRIS, cv=2)
    ours = [w for w in record if issubclass(w.category, FitFailedWarning)]
    assert ours
    assert all(w.filename == __file__ for w in ours)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_verbose_prints_one_line_per_batch(cls, capsys):
    search = cls(LogisticRegression(max_iter=200), {"C": (0.1, 10.0, "log-uniform")}, n_iter=4,
                 n_points=2, cv=3, random_state=0, verbose=1).fit(X_IRIS, Y_IRIS)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"[{cls.__name__}] 2/4 candidates, batch best ")
    assert lines[1].startswith(f"[{cls.__name__}] 4/4 candidates, batch best ")
    best = search.best_score_
    assert f"best so far {best:.4g} (candidate {search.best_index_ + 1})" in lines[1]
    assert re.search(r", \d+\.\d s$", lines[1])
    assert not any("Fitting" in ln for ln in lines)  # scikit-learn's lines only from 3
    assert search.verbose == 1 and search.get_params()["verbose"] == 1


def test_verbose_2_adds_the_parameters_and_3_scikit_learns_lines(capsys):
    kwargs = dict(n_iter=2, cv=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, verbose=2, n_iter=4, n_points=2, cv=3,
                     random_state=1).fit(X_IRIS, Y_IRIS)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6, out
    assert out[0].startswith("[RandomSearch] 2/4 candidates, batch best ")
    for line, k in zip(out[1:3] + out[4:6], (1, 2, 3, 4)):
        assert re.fullmatch(rf"    candidate {k}: (failed|0\.[\d]+)  \{{'a': [\d.e-]+\}}", line), line
    assert "failed" in "".join(out)
    RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 1.0)}, verbose=3,
                 **kwargs).fit(X_IRIS, Y_IRIS)
    out = capsys.readouterr().out
    assert "Fitting 3 folds for each of 1 candidates" in out
    assert "[RandomSearch] 2/2 candidates" in out


def test_verbose_0_prints_nothing(capsys):
    RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 1.0)}, n_iter=2, cv=3,
                 random_state=0).fit(X_IRIS, Y_IRIS)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("verbose", [-1, 1.5, "yes", None])
def test_bad_verbose_is_rejected_before_any_fit(verbose):
    with pytest.raises(ValueError, match="verbose must be an int >= 0"):
        RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, verbose=verbose).fit(X_IRIS, Y_IRIS)


# --------------------------------------------------------------------------
# Spaces that say what they mean, through the searchers
# --------------------------------------------------------------------------
@pytest.mark.parametrize("cls", SEARCHERS)
def test_parameters_taken_through_kwargs_are_searched(cls):
    lgb = pytest.importorskip("lightgbm")
    est = lgb.LGBMClassifier(n_estimators=5, n_jobs=1, verbose=-1)
    search = cls(est, {"extra_trees": [True, False], "max_bin": [15, 63]}, n_iter=3, cv=2,
                 random_state=0).fit(X_IRIS, Y_IRIS)
    assert {tuple(sorted(p)) for p in search.cv_results_["params"]} == {("extra_trees", "max_bin")}
    assert search.best_estimator_.get_params()["max_bin"] in (15, 63)
    with pytest.raises(ValueError, match="Invalid parameter 'max_iterr'"):
        cls(LogisticRegression(), {"C": (0.1, 1.0), "max_iterr": [100]}, n_iter=2).fit(X_IRIS, Y_IRIS)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_int_tuple_for_a_float_parameter_searches_floats(cls):
    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    search = cls(Ridge(), {"alpha": (0, 10)}, n_iter=4, cv=3, random_state=0).fit(X, y)
    alphas = [p["alpha"] for p in search.cv_results_["params"]]
    assert all(isinstance(a, float) for a in alphas)
    assert any(a != int(a) for a in alphas)


@pytest.mark.parametrize("cls", SEARCHERS)
def test_an_empty_subspace_evaluates_the_defaults(cls):
    pipe = Pipeline([("clf", SVC())])
    search = cls(pipe, [{}, {"clf__C": [0.1, 10.0]}], n_iter=5, cv=3, random_state=0)
    with pytest.warns(UserWarning, match="only 3 distinct candidates"):
        search.fit(X_IRIS, Y_IRIS)
    assert sorted(map(str, search.cv_results_["params"])) == sorted(["{}", "{'clf__C': 0.1}", "{'clf__C': 10.0}"])
    ref = GridSearchCV(pipe, [{}, {"clf__C": [0.1, 10.0]}], cv=3).fit(X_IRIS, Y_IRIS)
    assert search.best_score_ == ref.best_score_


# --------------------------------------------------------------------------
# Robust to scikit-learn's internals
# --------------------------------------------------------------------------
def test_scikit_learn_is_unchanged_outside_a_running_search():
    from sklearn.model_selection import _search as sk_search

    original = sk_search._warn_or_raise_about_fit_failures
    seen = []

    def look(results):
        seen.append(sk_search._warn_or_raise_about_fit_failures is original)
        return False

    RandomSearch(LogisticRegression(max_iter=200), {"C": (0.1, 1.0)}, n_iter=2, cv=3,
                 callbacks=look, random_state=0).fit(X_IRIS, Y_IRIS)
    assert seen == [False, False]  # relaxed while the search runs
    assert sk_search._warn_or_raise_about_fit_failures is original  # restored after
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="All 2 candidates failed"):
            RandomSearch(FailBelow(), {"a": Real(0.0, 0.4)}, n_iter=2, cv=3,
                         random_state=0).fit(X_IRIS, Y_IRIS)
    assert sk_search._warn_or_raise_about_fit_failures is original  # also after a fit that raised


def test_without_the_relaxed_function_a_failed_batch_is_lost_but_the_search_goes_on(monkeypatch):
    import skhpo._search_base as driver

    # A scikit-learn without the function the driver relaxes raises its own
    # "All the N fits failed" error for a fully failed batch.
    monkeypatch.setattr(driver, "_RELAXED_NAME", "_a_name_scikit_learn_does_not_have")
    cands = [0.9, 0.1, 0.7]  # the second batch fails entirely
    search = RandomSearch(FailBelow(), {"a": Real(0.0, 1.0)}, n_iter=3, cv=3, random_state=0)
    search._make_optimizer = lambda space, seed: _Fixed(space, cands)
    with pytest.warns(FitFailedWarning, match="All the 3 fits failed"):
        search.fit(X_IRIS, Y_IRIS)
    assert [p["a"] for p in search.cv_results_["params"]] == [0.9, 0.7]  # the lost batch is absent
    assert search.best_params_ == {"a": 0.9}
    opt = search.optimizer_
    assert opt.n_pending == 0 and np.isnan(opt.y_[1])  # told as a failure, not left pending


class _Fixed(RandomOptimizer):
    """Asks the given values of ``a`` in order."""

    def __init__(self, space, values):
        super().__init__(space, random_state=0)
        self._queue = [space.encode({"a": v}) for v in values]

    def ask(self, n=1, *, budget=None):
        out, self._queue = self._queue[:n], self._queue[n:]
        self.mark_pending(out, budget=budget)
        return out
