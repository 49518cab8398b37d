"""nested_cv and NestedCVReport: outer loop, routing, report numbers, plot, errors."""

import sys
import warnings
from collections import Counter
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import sklearn
from joblib import cpu_count
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris, make_classification
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score, make_scorer
from sklearn.metrics.pairwise import linear_kernel
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skhpo import (
    BayesSearchCV,
    EvolutionSearchCV,
    HalvingBOHBSearchCV,
    NestedCVReport,
    TPESearchCV,
    nested_cv,
)
from skhpo.space import Integer, Real

matplotlib.use("Agg")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


def _tpe(**kw):
    return TPESearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": (1, 6)}, n_iter=4, cv=3, random_state=0, **kw
    )


SEARCHES = {
    "grid": lambda: GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2, 4]}, cv=3),
    "randomized": lambda: RandomizedSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": stats.randint(1, 7)}, n_iter=3, cv=3, random_state=0
    ),
    "tpe": _tpe,
    "bayes": lambda: BayesSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": (1, 6)}, n_iter=3, cv=3, random_state=0
    ),
    "evolution": lambda: EvolutionSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": (1, 6)}, n_iter=4, cv=3, random_state=0
    ),
    "bohb": lambda: HalvingBOHBSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": (1, 6), "min_samples_leaf": (1, 10)},
        n_iter=3,
        cv=3,
        random_state=0,
    ),
}


# ------------------------------------------------------------- outer loop
@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_outer_scores_equal_a_hand_written_loop(name):
    search = SEARCHES[name]()
    outer = StratifiedKFold(3, shuffle=True, random_state=1)
    report = nested_cv(search, X_IRIS, Y_IRIS, cv=outer)

    expected_outer, expected_inner, expected_params = [], [], []
    for train, test in outer.split(X_IRIS, Y_IRIS):
        fold = clone(search).fit(X_IRIS[train], Y_IRIS[train])
        expected_outer.append(accuracy_score(Y_IRIS[test], fold.best_estimator_.predict(X_IRIS[test])))
        expected_inner.append(fold.best_score_)
        expected_params.append(fold.best_params_)
    np.testing.assert_array_equal(report.outer_scores, expected_outer)
    np.testing.assert_array_equal(report.inner_best_scores, expected_inner)
    assert report.best_params == expected_params
    assert report.mean == pytest.approx(np.mean(expected_outer))
    assert report.std == pytest.approx(np.std(expected_outer))
    assert report.selection_bias == pytest.approx(np.mean(expected_inner) - np.mean(expected_outer))
    assert report.n_train == [100, 100, 100] and report.n_test == [50, 50, 50]
    assert report.searcher == type(search).__name__ and report.metric == "score"
    assert report.family == [None, None, None]


def test_multimetric_search_is_scored_with_its_refit_metric():
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 3]},
        scoring=["accuracy", "balanced_accuracy"],
        refit="balanced_accuracy",
        cv=3,
    )
    outer = KFold(3, shuffle=True, random_state=0)
    report = nested_cv(search, X_IRIS, Y_IRIS, cv=outer, return_searches=True)
    assert report.metric == "balanced_accuracy"
    for k, (train, test) in enumerate(outer.split(X_IRIS)):
        fold = report.searches[k]
        pred = fold.best_estimator_.predict(X_IRIS[test])
        assert report.outer_scores[k] == balanced_accuracy_score(Y_IRIS[test], pred)
        assert report.inner_best_scores[k] == fold.best_score_
        assert report.n_candidates[k] == 2


def test_precomputed_kernel_takes_train_columns():
    K = linear_kernel(X_IRIS)
    outer = StratifiedKFold(3, shuffle=True, random_state=0)
    on_kernel = nested_cv(GridSearchCV(SVC(kernel="precomputed"), {"C": [0.1, 1.0]}, cv=3), K, Y_IRIS, cv=outer)
    on_features = nested_cv(GridSearchCV(SVC(kernel="linear"), {"C": [0.1, 1.0]}, cv=3), X_IRIS, Y_IRIS, cv=outer)
    np.testing.assert_allclose(on_kernel.outer_scores, on_features.outer_scores)
    assert on_kernel.best_params == on_features.best_params


# ---------------------------------------------------- groups and metadata
RECORDED_SPLITS = []


class RecordingGroupKFold(GroupKFold):
    """GroupKFold that records the groups of each split it makes."""

    def split(self, X, y=None, groups=None):
        for train, test in super().split(X, y, groups):
            RECORDED_SPLITS.append((set(groups[train]), set(groups[test])))
            yield train, test


def _grouped_data():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    groups = np.repeat(np.arange(12), 10)
    return X, y, groups


def _check_group_records(outer, X, y, groups):
    outer_folds = [(set(groups[tr]), set(groups[te])) for tr, te in outer.split(X, y, groups)]
    assert RECORDED_SPLITS, "the inner splitter was never called"
    seen_folds = set()
    for train_groups, test_groups in RECORDED_SPLITS:
        assert not train_groups & test_groups  # no group straddles an inner split
        seen = train_groups | test_groups
        k = next(k for k, (tr, _) in enumerate(outer_folds) if seen == tr)
        assert not seen & outer_folds[k][1]  # the inner search never saw the outer test groups
        seen_folds.add(k)
    assert seen_folds == {0, 1, 2}


@pytest.mark.parametrize("make_search", [lambda cv: GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=cv),
                                         lambda cv: TPESearchCV(LogisticRegression(), {"C": (0.1, 10.0)},
                                                                n_iter=3, cv=cv, random_state=0)],
                         ids=["grid", "tpe"])
def test_groups_go_to_outer_and_inner_group_kfold(make_search):
    X, y, groups = _grouped_data()
    RECORDED_SPLITS.clear()
    outer = GroupKFold(3)
    report = nested_cv(make_search(RecordingGroupKFold(3)), X, y, cv=outer, groups=groups)
    assert report.n_folds == 3
    _check_group_records(outer, X, y, groups)


def test_groups_in_params_with_metadata_routing():
    X, y, groups = _grouped_data()
    RECORDED_SPLITS.clear()
    outer = GroupKFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=RecordingGroupKFold(3))
        report = nested_cv(search, X, y, cv=outer, params={"groups": groups})
        with pytest.raises(ValueError, match="groups can only be passed if metadata routing is not enabled"):
            nested_cv(search, X, y, cv=outer, groups=groups)
    assert report.n_folds == 3
    _check_group_records(outer, X, y, groups)


FIT_RECORDS = []


class WeightRecordingClassifier(DummyClassifier):
    """A DummyClassifier whose fit records (row ids, sample_weight); column 0 of X is the row id."""

    def fit(self, X, y, sample_weight=None):
        FIT_RECORDS.append((np.asarray(X)[:, 0].astype(int), sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


def _weighted_data():
    rng = np.random.default_rng(0)
    n = 60
    X = np.column_stack([np.arange(n), rng.normal(size=n)])
    y = np.tile([0, 0, 1], n // 3)
    w = 1.0 + np.arange(n)  # the weight of row i is 1 + i
    return X, y, w


def test_sample_weight_is_split_per_fold_without_routing():
    X, y, w = _weighted_data()
    FIT_RECORDS.clear()
    # random_state fixed: strategy="uniform" predicts at random, and the refit below must agree
    search = GridSearchCV(
        WeightRecordingClassifier(random_state=0), {"strategy": ["prior", "uniform"]}, cv=3
    )
    outer = KFold(3)
    report = nested_cv(search, X, y, cv=outer, params={"sample_weight": w})
    # 3 outer folds x (2 candidates x 3 inner folds + 1 refit)
    assert len(FIT_RECORDS) == 3 * 7
    for ids, weights in FIT_RECORDS:
        np.testing.assert_array_equal(weights, 1.0 + ids)
    refit_rows = [set(ids) for ids, _ in FIT_RECORDS if len(ids) == 40]
    assert refit_rows == [set(tr) for tr, _ in outer.split(X)]
    # Without routing the outer score is unweighted, as in cross_validate.
    for k, (train, test) in enumerate(outer.split(X)):
        fold = clone(search).fit(X[train], y[train], sample_weight=w[train])
        assert report.outer_scores[k] == fold.score(X[test], y[test])


def test_sample_weight_routed_to_fit_and_outer_scorer():
    X, y, w = _weighted_data()
    FIT_RECORDS.clear()
    outer = KFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = WeightRecordingClassifier(strategy="stratified", random_state=0).set_fit_request(
            sample_weight=True
        )
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = GridSearchCV(estimator, {"constant": [0, 1]}, scoring=scorer, cv=3)
        report = nested_cv(search, X, y, cv=outer, params={"sample_weight": w}, return_searches=True)
    assert len(FIT_RECORDS) == 3 * 7
    for ids, weights in FIT_RECORDS:
        np.testing.assert_array_equal(weights, 1.0 + ids)
    for k, (train, test) in enumerate(outer.split(X)):
        pred = report.searches[k].best_estimator_.predict(X[test])
        expected = accuracy_score(y[test], pred, sample_weight=w[test])
        assert report.outer_scores[k] == pytest.approx(expected)
        assert expected != pytest.approx(accuracy_score(y[test], pred))  # the weights matter here


# --------------------------------------------------------------- families
def test_cash_family_recorded_per_fold():
    X, y = make_classification(n_samples=90, n_features=4, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = [
        {"clf": [LogisticRegression()], "clf__C": Real(1e-2, 1e2, prior="log-uniform")},
        {"clf": [DecisionTreeClassifier(random_state=0)], "clf__max_depth": Integer(1, 4)},
    ]
    search = TPESearchCV(pipe, space, n_iter=6, cv=3, random_state=0)
    report = nested_cv(search, X, y, cv=3, return_searches=True)
    classes = [type(s.best_params_["clf"]).__name__ for s in report.searches]
    assert report.family == classes
    assert report.subspace == [0 if c == "LogisticRegression" else 1 for c in classes]
    counts = Counter(classes)
    top = max(counts.values())
    assert report.stability["family"]["mode"] == next(c for c in classes if counts[c] == top)
    assert report.stability["family"]["share"] == pytest.approx(top / 3)
    assert "clf" not in report.stability  # the estimator choice is the family
    assert report.log_params == {"clf__C"}
    if "clf__C" in report.stability:
        assert report.stability["clf__C"]["kind"] == "log"
        assert report.stability["clf__C"]["n_folds"] == counts["LogisticRegression"]


def test_subspace_family_of_a_grid_list_without_estimators():
    search = GridSearchCV(
        SVC(), [{"kernel": ["linear"], "C": [0.1, 1.0]}, {"kernel": ["rbf"], "gamma": [0.01, 1.0]}], cv=3
    )
    report = nested_cv(search, X_IRIS, Y_IRIS, cv=3)
    expected = [0 if p["kernel"] == "linear" else 1 for p in report.best_params]
    assert report.subspace == expected
    assert report.family == [f"sub-space {s}" for s in expected]


# ------------------------------------------------- report numbers by hand
def _hand_report():
    return NestedCVReport(
        outer_scores=[0.6, 0.8, 0.7, 0.9],
        inner_best_scores=[0.8, 0.85, 0.75, 0.95],
        best_params=[
            {"C": 0.01, "depth": 2, "kernel": "rbf", "gamma": 0.1, "alpha": 0.0},
            {"C": 1.0, "depth": 4, "kernel": "linear", "alpha": 1.0},
            {"C": 100.0, "depth": 6, "kernel": "rbf", "gamma": 0.1, "alpha": -1.0},
            {"C": 1.0, "depth": 4, "kernel": "linear", "alpha": 0.0},
        ],
        family=["SVC", "SVC", "LogisticRegression", "SVC"],
        log_params=["C", "gamma"],
    )


def test_stability_and_bias_computed_by_hand():
    report = _hand_report()
    assert report.mean == pytest.approx(0.75)
    assert report.std == pytest.approx(np.sqrt(0.0125))  # deviations 0.15, 0.05, 0.05, 0.15
    assert report.inner_mean == pytest.approx(0.8375)
    assert report.selection_bias == pytest.approx(0.0875)
    np.testing.assert_allclose(report.gaps, [0.2, 0.05, 0.05, 0.05])
    s = report.stability
    assert s["family"] == {"kind": "family", "n_folds": 4, "mode": "SVC", "share": 0.75}
    # log10 C = -2, 0, 2, 0: std sqrt(2) decades
    assert s["C"]["kind"] == "log" and s["C"]["log10_std"] == pytest.approx(np.sqrt(2))
    assert s["C"]["median"] == pytest.approx(1.0)
    # depth 2, 4, 6, 4: mean 4, std sqrt(2)
    assert s["depth"]["kind"] == "numeric" and s["depth"]["cv"] == pytest.approx(np.sqrt(2) / 4)
    # a tie goes to the value of the earliest fold
    assert s["kernel"] == {"kind": "categorical", "n_folds": 4, "mode": "rbf", "share": 0.5}
    # chosen in 2 of the 4 folds, the same value both times
    assert s["gamma"] == {"kind": "log", "n_folds": 2, "median": pytest.approx(0.1), "log10_std": 0.0}
    # a zero mean has no coefficient of variation
    assert np.isnan(s["alpha"]["cv"])
    text = report.summary()
    assert "0.75 ± 0.11" in text and "+0.0875" in text and "'SVC' in 75%" in text


def test_report_rejects_folds_of_different_lengths():
    with pytest.raises(ValueError, match="inner_best_scores must have one value per outer fold"):
        NestedCVReport([0.5, 0.6], [0.7], [{}, {}])
    with pytest.raises(ValueError, match="best_params must be a list of 2 dicts"):
        NestedCVReport([0.5, 0.6], [0.7, 0.8], [{}])


def test_to_dict_loads_into_a_dataframe():
    pd = pytest.importorskip("pandas")
    report = _hand_report()
    frame = pd.DataFrame(report.to_dict())
    assert frame.shape[0] == 4
    np.testing.assert_allclose(frame["outer_score"], report.outer_scores)
    np.testing.assert_allclose(frame["gap"], report.gaps)
    assert frame["family"].tolist() == report.family
    assert frame["param_gamma"].isna().tolist() == [False, True, False, True]
    assert set(frame.columns) >= {"fold", "inner_best_score", "param_C", "param_kernel", "params", "fit_time"}


# -------------------------------------------------------------------- plot
def test_plot_draws_one_point_per_fold_per_series():
    import matplotlib.pyplot as plt

    report = _hand_report()
    fig, ax = plt.subplots()
    try:
        assert report.plot(ax=ax) is report
        assert report.ax_ is ax and report.figure_ is fig
        np.testing.assert_array_equal(report.inner_line_.get_ydata(), report.inner_best_scores)
        np.testing.assert_array_equal(report.outer_line_.get_ydata(), report.outer_scores)
        np.testing.assert_array_equal(report.outer_line_.get_xdata(), np.arange(4))
        segments = report.gap_lines_.get_segments()
        assert len(segments) == 4
        np.testing.assert_allclose([abs(s[1][1] - s[0][1]) for s in segments], np.abs(report.gaps))
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0\nSVC", "1\nSVC", "2\nLogisticRegression", "3\nSVC"]
        assert ax.get_ylabel() == "score"
    finally:
        plt.close("all")


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skhpo\[plot\]"'):
        _hand_report().plot()


# ----------------------------------------------------------------- n_jobs
def test_report_does_not_depend_on_n_jobs():
    outer = StratifiedKFold(3, shuffle=True, random_state=0)
    one = nested_cv(_tpe(), X_IRIS, Y_IRIS, cv=outer, n_jobs=1).to_dict()
    two = nested_cv(_tpe(), X_IRIS, Y_IRIS, cv=outer, n_jobs=2).to_dict()
    for key in ("fit_time", "score_time"):
        del one[key], two[key]
    assert one == two


def test_inner_n_jobs_capped_when_outer_folds_run_in_parallel():
    outer = StratifiedKFold(2, shuffle=True, random_state=0)
    report = nested_cv(_tpe(n_jobs=-1), X_IRIS, Y_IRIS, cv=outer, n_jobs=2, return_searches=True)
    assert [s.n_jobs for s in report.searches] == [max(1, cpu_count() // 2)] * 2
    # sequential outer folds keep the search's own n_jobs
    report = nested_cv(_tpe(n_jobs=-1), X_IRIS, Y_IRIS, cv=outer, n_jobs=1, return_searches=True)
    assert [s.n_jobs for s in report.searches] == [-1, -1]


# ---------------------------------------------------------------- journals
class JournalGridSearchCV(GridSearchCV):
    """A GridSearchCV with a ``journal`` path that it writes its best params to."""

    def __init__(self, estimator, param_grid, *, cv=None, journal=None):
        super().__init__(estimator, param_grid, cv=cv)
        self.journal = journal

    def fit(self, X, y=None, **params):
        super().fit(X, y, **params)
        Path(self.journal).write_text(f"{len(X)} {self.best_params_}")
        return self


@pytest.mark.parametrize("as_path", [False, True])
def test_each_outer_fold_gets_its_own_journal(tmp_path, as_path):
    journal = tmp_path / "runs" / "tree.jsonl"
    journal.parent.mkdir()
    search = JournalGridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 3]},
        cv=3,
        journal=journal if as_path else str(journal),
    )
    report = nested_cv(search, X_IRIS, Y_IRIS, cv=3, return_searches=True)
    names = [f"tree.outer{k}.jsonl" for k in range(3)]
    assert sorted(p.name for p in journal.parent.iterdir()) == names
    for k, fold in enumerate(report.searches):
        assert fold.journal == (tmp_path / "runs" / names[k] if as_path else str(tmp_path / "runs" / names[k]))
        assert (journal.parent / names[k]).read_text() == f"100 {report.best_params[k]}"
    assert search.journal == (journal if as_path else str(journal))  # the user's search is untouched


def test_skhpo_searcher_journal_per_outer_fold(tmp_path):
    if "journal" not in TPESearchCV(DecisionTreeClassifier(), {}).get_params():
        pytest.skip("the skhpo searchers have no journal parameter yet")
    journal = tmp_path / "tree.jsonl"
    report = nested_cv(_tpe(journal=str(journal)), X_IRIS, Y_IRIS, cv=3, return_searches=True)
    for k, fold in enumerate(report.searches):
        assert fold.journal == str(tmp_path / f"tree.outer{k}.jsonl")
        assert (tmp_path / f"tree.outer{k}.jsonl").stat().st_size > 0
    assert not journal.exists()


# ------------------------------------------------------------------ errors
def test_search_must_be_a_base_search_cv():
    with pytest.raises(TypeError, match="search must be a scikit-learn search estimator.*DecisionTreeClassifier"):
        nested_cv(DecisionTreeClassifier(), X_IRIS, Y_IRIS, cv=3)


@pytest.mark.parametrize(
    "cv, match",
    [("five", "Expected `?cv`? as an integer"), (1, "n_splits=2 or more"), ([], "gave no train/test split")],
)
def test_bad_cv(cv, match):
    with pytest.raises(ValueError, match=match):
        nested_cv(_tpe(), X_IRIS, Y_IRIS, cv=cv)


def test_bad_refit_groups_and_params():
    grid = {"max_depth": [1, 2]}
    with pytest.raises(ValueError, match="search.refit must be True or name a metric, got refit=False"):
        nested_cv(GridSearchCV(DecisionTreeClassifier(), grid, refit=False), X_IRIS, Y_IRIS)
    multi = GridSearchCV(
        DecisionTreeClassifier(), grid, scoring=["accuracy", "f1_macro"], refit=lambda r: 0
    )
    with pytest.raises(ValueError, match="must name the metric"):
        nested_cv(multi, X_IRIS, Y_IRIS)
    groups = np.arange(len(Y_IRIS)) % 5
    with pytest.raises(ValueError, match="pass it once"):
        nested_cv(_tpe(), X_IRIS, Y_IRIS, cv=GroupKFold(3), groups=groups, params={"groups": groups})
    with pytest.raises(TypeError, match="params must be a dict"):
        nested_cv(_tpe(), X_IRIS, Y_IRIS, params=[("sample_weight", None)])
    with pytest.raises(TypeError, match="must then be a path"):
        nested_cv(JournalGridSearchCV(DecisionTreeClassifier(), grid, journal=object()), X_IRIS, Y_IRIS, cv=2)


# ------------------------------------------------------------ failed folds
class MarkerError(RuntimeError):
    """The error MarkerClassifier raises."""


class MarkerClassifier(ClassifierMixin, BaseEstimator):
    """LogisticRegression on columns 1: of X; column 0 is the row id.

    A model trained on none of the ``marker`` rows is broken: it raises
    MarkerError in ``fit`` (``fail_in="fit"``) or when asked to predict a
    marker row (``fail_in="predict"``).
    """

    def __init__(self, C=1.0, marker=(), fail_in="fit"):
        self.C = C
        self.marker = marker
        self.fail_in = fail_in

    def fit(self, X, y):
        X = np.asarray(X)
        FIT_RECORDS.append((X[:, 0].astype(int), None))
        self.broken_ = not np.isin(X[:, 0], self.marker).any()
        if self.broken_ and self.fail_in == "fit":
            raise MarkerError("trained on none of the marker rows")
        self.model_ = LogisticRegression(C=self.C).fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        X = np.asarray(X)
        if self.broken_ and self.fail_in == "predict" and np.isin(X[:, 0], self.marker).any():
            raise MarkerError("asked to predict a marker row")
        return self.model_.predict(X[:, 1:])


OUTER = KFold(3)


def _marked_data():
    """60 rows with their id in column 0, and the marker: the test rows of outer fold 0.

    Every model fitted in outer fold 0 is trained on none of them (so it is
    broken); in folds 1 and 2 every inner and refit training set holds some
    (20 marker rows among 40, inner test sets of 13 or 14 rows).
    """
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    X = np.column_stack([np.arange(60), X])
    marker = tuple(int(i) for i in next(OUTER.split(X))[1])
    return X, y, marker


def _marker_search(marker, fail_in="fit", inner_error_score="raise"):
    return GridSearchCV(
        MarkerClassifier(marker=marker, fail_in=fail_in), {"C": [0.01, 1.0]}, cv=3, error_score=inner_error_score
    )


def _run(*args, **kwargs):
    """nested_cv, and the FitFailedWarnings it gave."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        report = nested_cv(*args, **kwargs)
    return report, [w for w in record if issubclass(w.category, FitFailedWarning)]


FAILURES = {
    # the inner search stops at its first failed fit
    "inner fit, inner error_score=raise": ("fit", "raise", "MarkerError: trained on none of the marker rows"),
    # every inner fit fails: the inner search raises its all-fits-failed ValueError
    "every inner fit": ("fit", np.nan, "ValueError: \nAll the 6 fits failed."),
    # the search fits, but the outer scorer fails on the refitted model
    "outer score": ("predict", "raise", "MarkerError: asked to predict a marker row"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failed_fold_is_scored_nan_and_the_others_go_on(case):
    fail_in, inner_error_score, error = FAILURES[case]
    X, y, marker = _marked_data()
    search = _marker_search(marker, fail_in, inner_error_score)
    report, caught = _run(search, X, y, cv=OUTER)
    alone, none = _run(search, X, y, cv=list(OUTER.split(X))[1:])
    assert none == []

    assert np.isnan(report.outer_scores[0]) and np.isnan(report.inner_best_scores[0])
    np.testing.assert_array_equal(report.outer_scores[1:], alone.outer_scores)
    np.testing.assert_array_equal(report.inner_best_scores[1:], alone.inner_best_scores)
    assert report.best_params == [{}] + alone.best_params
    assert report.family == [None] * 3 and report.subspace == [None] * 3
    assert report.n_candidates == [None, 2, 2]
    assert np.isnan(report.score_times[0]) and np.isfinite(report.score_times[1:]).all()
    assert np.isfinite(report.fit_times).all() and (report.fit_times >= 0).all()
    assert report.n_train == [40, 40, 40] and report.metric == "score"
    assert report.errors[0].startswith(error) and report.errors[1:] == [None, None]
    # stability from the two folds that chose, n_folds counting them
    assert report.stability == alone.stability and report.stability["C"]["n_folds"] == 2
    # the plain mean of the outer scores: NaN, as cross_validate's scores would give
    assert np.isnan(report.mean) and np.isnan(report.std) and np.isnan(report.selection_bias)

    assert len(caught) == 1
    message = str(caught[0].message)
    assert "1 of the 3 outer folds failed" in message and "error_score=nan" in message
    assert f"1 fold (outer fold 0) failed with:\n{error}" in message
    assert caught[0].filename == __file__  # points at the nested_cv call


def test_numeric_error_score_is_the_failed_fold_outer_score():
    X, y, marker = _marked_data()
    search = _marker_search(marker)
    report, caught = _run(search, X, y, cv=OUTER, error_score=0.0)
    alone, _ = _run(search, X, y, cv=list(OUTER.split(X))[1:])
    np.testing.assert_array_equal(report.outer_scores, [0.0, *alone.outer_scores])
    assert report.mean == pytest.approx(np.mean([0.0, *alone.outer_scores]))
    assert report.std == pytest.approx(np.std([0.0, *alone.outer_scores]))
    assert np.isnan(report.inner_best_scores[0]) and report.best_params[0] == {}
    assert len(caught) == 1 and "error_score=0.0" in str(caught[0].message)


def test_error_score_raise_raises_the_fold_error():
    X, y, marker = _marked_data()
    with pytest.raises(MarkerError, match="trained on none of the marker rows"):
        nested_cv(_marker_search(marker), X, y, cv=OUTER, error_score="raise")
    with pytest.raises(MarkerError, match="asked to predict a marker row"):
        nested_cv(_marker_search(marker, "predict"), X, y, cv=OUTER, error_score="raise", n_jobs=2)


@pytest.mark.parametrize("error_score", ["nan", None, [1], True])
def test_bad_error_score_is_refused_before_any_fit(error_score):
    X, y, marker = _marked_data()
    FIT_RECORDS.clear()
    with pytest.raises(ValueError, match=r"error_score must be 'raise' or a real number.*got error_score="):
        nested_cv(_marker_search(marker), X, y, cv=OUTER, error_score=error_score)
    assert FIT_RECORDS == []
    with pytest.warns(FitFailedWarning, match="error_score=-1"):
        nested_cv(_marker_search(marker), X, y, cv=OUTER, error_score=-1)  # an int is a number
    assert FIT_RECORDS  # the fits do run with a valid error_score


def test_every_fold_failing_raises_with_the_errors():
    X, y, _ = _marked_data()
    with pytest.raises(ValueError, match="Every one of the 3 outer folds failed") as info:
        nested_cv(_marker_search(marker=()), X, y, cv=OUTER)
    assert "3 folds (outer folds 0, 1, 2) failed with:\nMarkerError: trained on none of the marker rows" in str(
        info.value
    )


def test_failed_fold_report_does_not_depend_on_n_jobs():
    X, y, marker = _marked_data()
    one, caught_one = _run(_marker_search(marker), X, y, cv=OUTER, n_jobs=1)
    two, caught_two = _run(_marker_search(marker), X, y, cv=OUTER, n_jobs=2)
    one, two = one.to_dict(), two.to_dict()
    for key in ("fit_time", "score_time"):
        del one[key], two[key]
    np.testing.assert_equal(one, two)  # NaN equal to NaN
    assert [str(w.message) for w in caught_one] == [str(w.message) for w in caught_two]


def test_failed_fold_in_to_dict_and_summary():
    X, y, marker = _marked_data()
    report, _ = _run(_marker_search(marker), X, y, cv=OUTER)
    table = report.to_dict()
    assert table["error"] == ["MarkerError: trained on none of the marker rows", None, None]
    assert table["params"][0] == {} and table["param_C"][0] is None
    text = report.summary()
    assert "  failed folds     1 of 3 (outer score set to error_score)" in text
    assert "(2 of 3 folds)" in text  # C chosen in the two folds that did not fail
    assert "failed folds" not in _hand_report().summary()
    assert _hand_report().to_dict()["error"] == [None] * 4


def test_plot_with_a_failed_fold_draws_the_others():
    import matplotlib.pyplot as plt

    X, y, marker = _marked_data()
    report, _ = _run(_marker_search(marker), X, y, cv=OUTER)
    try:
        report.plot()
        report.figure_.canvas.draw()
        outer = np.asarray(report.outer_line_.get_ydata(), dtype=float)
        assert np.isnan(outer[0]) and outer[1:].tolist() == report.outer_scores[1:].tolist()
        inner = np.asarray(report.inner_line_.get_ydata(), dtype=float)
        assert inner[1:].tolist() == report.inner_best_scores[1:].tolist()
        # the two drawn folds' markers sit inside the drawn range
        low, high = report.ax_.get_ylim()
        assert low <= np.nanmin([outer, inner]) and np.nanmax([outer, inner]) <= high
        assert [t.get_text() for t in report.ax_.get_xticklabels()] == ["0\nfailed", "1", "2"]
        assert len(report.ax_.get_lines()) == 2  # no mean line at NaN
    finally:
        plt.close("all")


def test_report_errors_parameter():
    params = [{"C": 1.0}, {"C": 100.0}, {"C": 1.0}]
    report = NestedCVReport(
        [0.8, 0.0, 0.9], [0.9, 0.95, 1.0], params, family=["SVC", "LR", "SVC"], errors=[None, "ValueError: x", None]
    )
    assert report.errors == [None, "ValueError: x", None]
    # the failed fold is left out of stability, whatever it holds
    assert report.stability["C"] == {"kind": "numeric", "n_folds": 2, "median": 1.0, "cv": 0.0}
    assert report.stability["family"] == {"kind": "family", "n_folds": 2, "mode": "SVC", "share": 1.0}
    assert report.mean == pytest.approx(np.mean([0.8, 0.0, 0.9]))
    assert NestedCVReport([0.5], [0.6], [{}]).errors == [None]
    with pytest.raises(ValueError, match="errors must have one entry per outer fold"):
        NestedCVReport([0.5, 0.6], [0.7, 0.8], [{}, {}], errors=[None])
