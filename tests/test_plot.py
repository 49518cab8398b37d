"""skhpo.plot: the displays are rendered with Agg and what they drew is checked."""

import importlib
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from skhpo import HalvingBOHBSearchCV, TPESearchCV  # noqa: E402
from skhpo.plot import ConvergenceDisplay, ImportanceDisplay, ParameterDisplay, RungDisplay  # noqa: E402
from skhpo.space import Categorical, Integer, Real  # noqa: E402

DISPLAYS = [ConvergenceDisplay, ImportanceDisplay, ParameterDisplay, RungDisplay]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def svc_search(iris):
    X, y = iris
    space = {"C": Real(1e-2, 1e2, prior="log-uniform"), "kernel": Categorical(["rbf", "linear", "poly"]),
             "degree": Integer(2, 4)}
    return TPESearchCV(SVC(), space, n_iter=8, cv=3, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def cash_search(iris):
    X, y = iris
    space = [
        {"clf": [SVC()], "clf__C": (1e-2, 1e2, "log-uniform"), "clf__kernel": ["rbf", "linear"]},
        {"clf": [DecisionTreeClassifier(random_state=0)], "clf__max_depth": (1, 8)},
    ]
    return TPESearchCV(Pipeline([("clf", SVC())]), space, n_iter=14, cv=3, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def bohb_search(iris):
    X, y = iris
    space = {"max_depth": (1, 10), "criterion": ["gini", "entropy"], "min_samples_leaf": (1, 20)}
    return HalvingBOHBSearchCV(DecisionTreeClassifier(random_state=0), space, n_iter=14, cv=3, factor=3,
                               min_resources=15, random_state=0).fit(X, y)


class FailAbove(ClassifierMixin, BaseEstimator):
    """Raises in fit when ``a > 0.6``; otherwise predicts the majority class."""

    def __init__(self, a=0.0):
        self.a = a

    def fit(self, X, y):
        if self.a > 0.6:
            raise ValueError("a is too large")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


class Quadratic(RegressorMixin, BaseEstimator):
    """Its score is ``-(a - 0.3) ** 2``; ``b`` changes nothing."""

    def __init__(self, a=0.5, b=0.5):
        self.a, self.b = a, b

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y):
        return -((self.a - 0.3) ** 2)


# ------------------------------------------------------------------ matplotlib optional
def test_import_without_matplotlib_then_plot_says_how_to_install(monkeypatch):
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import skhpo.plot\n"
        "from skhpo.plot import ConvergenceDisplay\n"
        "try:\n"
        "    ConvergenceDisplay([0.1, 0.2]).plot()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "skhpo[plot]"' in out.stdout
    assert "ConvergenceDisplay.plot needs matplotlib" in out.stdout
    # In process too, with matplotlib already imported.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    from skhpo.space import SearchSpace

    space = SearchSpace({"a": Real(0.0, 2.0)})
    for display in (ConvergenceDisplay([0.1, 0.2]), ImportanceDisplay([0.5], ["a"]),
                    ParameterDisplay([{"a": 1.0}], [0.5], space=space),
                    RungDisplay([1, 3], [0.1, 0.2], config=[0, 0])):
        with pytest.raises(ImportError, match=r'pip install "skhpo\[plot\]"'):
            display.plot()


def test_public_objects_have_numpydoc_examples():
    import inspect

    module = importlib.import_module("skhpo.plot")
    assert sorted(module.__all__) == sorted(d.__name__ for d in DISPLAYS)
    for display in DISPLAYS:
        for obj in (display, display.from_estimator, display.plot):
            doc = inspect.getdoc(obj)
            assert "Examples\n--------" in doc and ">>> " in doc, obj
            assert "Parameters\n----------" in doc, obj


# ------------------------------------------------------------------------- shared errors
@pytest.mark.parametrize("display", DISPLAYS)
def test_unfitted_search_is_refused(display):
    search = TPESearchCV(SVC(), {"C": (0.1, 1.0)}, n_iter=2)
    with pytest.raises(NotFittedError, match=f"{display.__name__} needs a fitted search.*cv_results_"):
        display.from_estimator(search)


@pytest.mark.parametrize("display", [ParameterDisplay, ImportanceDisplay])
def test_displays_of_the_space_need_a_skhpo_search(iris, display):
    X, y = iris
    grid = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.1, 1.0]}, cv=3).fit(X, y)
    with pytest.raises(TypeError, match="needs a fitted skhpo search .*search_space_; got a GridSearchCV"):
        display.from_estimator(grid)


def test_unknown_metric_names_the_metrics(svc_search):
    with pytest.raises(ValueError, match=r"metric must be None or one of .*\['score'\].*'f1'"):
        ConvergenceDisplay.from_estimator(svc_search, metric="f1")


def test_multimetric_uses_the_refit_metric(iris):
    X, y = iris
    search = TPESearchCV(LogisticRegression(max_iter=300), {"C": (1e-3, 1e3, "log-uniform")}, n_iter=4, cv=3,
                         scoring=["accuracy", "neg_log_loss"], refit="neg_log_loss", random_state=0).fit(X, y)
    disp = ConvergenceDisplay.from_estimator(search)
    assert disp.metric == "neg_log_loss"
    assert disp.line_.get_ydata()[-1] == pytest.approx(search.best_score_)
    assert disp.ax_.get_ylabel() == "mean test neg_log_loss"


# ------------------------------------------------------------------------- convergence
def test_convergence_draws_the_running_best(svc_search):
    scores = np.asarray(svc_search.cv_results_["mean_test_score"])
    disp = ConvergenceDisplay.from_estimator(svc_search)
    assert isinstance(disp.ax_, matplotlib.axes.Axes) and disp.figure_ is disp.ax_.figure
    np.testing.assert_array_equal(disp.line_.get_xdata(), np.arange(1, len(scores) + 1))
    np.testing.assert_allclose(disp.line_.get_ydata(), np.maximum.accumulate(scores))
    np.testing.assert_allclose(disp.scatter_.get_offsets(), np.c_[np.arange(1, len(scores) + 1), scores])
    assert disp.failures_ is None and disp.partial_ is None
    assert disp.line_.get_ydata()[-1] == svc_search.best_score_


def test_convergence_against_time_and_on_a_given_ax(svc_search):
    results = svc_search.cv_results_
    fig, ax = plt.subplots()
    disp = ConvergenceDisplay.from_estimator(svc_search, x="time", ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    expected = np.cumsum((results["mean_fit_time"] + results["mean_score_time"]) * svc_search.n_splits_)
    np.testing.assert_allclose(disp.line_.get_xdata(), expected)
    assert ax.get_xlabel() == "cumulative fit + score time (s)"
    # Drawn again on another axes, the artists follow.
    fig2, ax2 = plt.subplots()
    disp.plot(ax=ax2)
    assert disp.ax_ is ax2 and disp.line_.axes is ax2 and disp.figure_ is fig2
    with pytest.raises(ValueError, match="x must be 'candidate' or 'time', got x='rows'"):
        disp.plot(x="rows")


def test_convergence_works_for_a_scikit_learn_search(iris):
    X, y = iris
    grid = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.01, 1.0, 100.0]}, cv=3).fit(X, y)
    disp = ConvergenceDisplay.from_estimator(grid)
    np.testing.assert_allclose(disp.line_.get_ydata(), np.maximum.accumulate(grid.cv_results_["mean_test_score"]))


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::sklearn.exceptions.FitFailedWarning")
@pytest.mark.parametrize("error_score", [np.nan, 0.0])
def test_failures_are_marked_once_each(iris, error_score):
    X, y = iris
    search = TPESearchCV(FailAbove(), {"a": Real(0.0, 1.0)}, n_iter=12, cv=3, error_score=error_score,
                         random_state=0).fit(X, y)
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    n_failed = int((a > 0.6).sum())
    assert 0 < n_failed < len(a)
    disp = ConvergenceDisplay.from_estimator(search)
    offsets = disp.failures_.get_offsets()
    np.testing.assert_array_equal(offsets[:, 0], np.flatnonzero(a > 0.6) + 1)
    assert len(disp.scatter_.get_offsets()) == len(a) - n_failed
    # The running best never counts a failure, even one whose error_score would lead.
    ok = np.where(a > 0.6, -np.inf, search.cv_results_["mean_test_score"])
    best = np.maximum.accumulate(ok)
    best[~np.isfinite(best)] = np.nan  # no best yet while only failures were seen
    np.testing.assert_allclose(disp.best_so_far_, best)
    # ParameterDisplay marks them too, at their parameter value.
    pdisp = ParameterDisplay.from_estimator(search)
    np.testing.assert_allclose(np.sort(pdisp.failures_[0].get_offsets()[:, 0]), np.sort(a[a > 0.6]))
    assert len(pdisp.scatters_[0].get_offsets()) == len(a) - n_failed


# --------------------------------------------------------------------------- parameters
def test_parameter_scatter_axes(svc_search):
    results = svc_search.cv_results_
    disp = ParameterDisplay.from_estimator(svc_search)
    assert disp.names_ == ["C", "kernel", "degree"]
    assert len(disp.axes_) == 3 and disp.ax_ is disp.axes_[0]
    assert [a.get_xscale() for a in disp.axes_] == ["log", "linear", "linear"]
    assert [t.get_text() for t in disp.axes_[1].get_xticklabels()] == ["rbf", "linear", "poly"]
    kernel_pos = [["rbf", "linear", "poly"].index(k) for k in results["param_kernel"]]
    np.testing.assert_allclose(disp.scatters_[1].get_offsets(), np.c_[kernel_pos, results["mean_test_score"]])
    np.testing.assert_allclose(disp.scatters_[0].get_offsets()[:, 0], np.asarray(results["param_C"], dtype=float))
    assert disp.axes_[0].get_xlabel() == "C"


def test_log_axes_for_every_log_prior(iris):
    from scipy.stats import loguniform
    from sklearn.linear_model import SGDClassifier

    X, y = iris
    space = {"alpha": loguniform(1e-5, 1e-1), "max_iter": Integer(5, 500, prior="log-uniform"),
             "l1_ratio": Real(0.0, 1.0)}
    search = TPESearchCV(SGDClassifier(penalty="elasticnet", tol=None, random_state=0), space, n_iter=5, cv=3,
                         random_state=0).fit(X, y)
    disp = ParameterDisplay.from_estimator(search)
    assert [a.get_xscale() for a in disp.axes_] == ["log", "log", "linear"]
    # A single Axes for a single parameter.
    fig, ax = plt.subplots()
    disp = ParameterDisplay.from_estimator(search, params="max_iter", ax=ax)
    assert disp.ax_ is ax and ax.get_xscale() == "log" and ax.get_xlabel() == "max_iter"
    np.testing.assert_array_equal(disp.scatters_[0].get_offsets()[:, 0], search.cv_results_["param_max_iter"])


def test_parameter_subset_on_given_axes(svc_search):
    fig, axes = plt.subplots(1, 2)
    disp = ParameterDisplay.from_estimator(svc_search, params=["degree", "C"], ax=axes)
    assert list(disp.axes_) == list(axes) and disp.figure_ is fig
    assert [a.get_xlabel() for a in axes] == ["degree", "C"]
    assert axes[1].get_xscale() == "log"
    with pytest.raises(ValueError, match=r"ax must hold one Axes per parameter shown \(3\), got 2"):
        disp.plot(ax=axes)
    with pytest.raises(ValueError, match=r"'gamma'\] are not in the space"):
        disp.plot(params=["C", "gamma"])
    with pytest.raises(ValueError, match="kind must be 'scatter' or 'parallel'"):
        disp.plot(kind="bars")


def test_parameter_cash_families_are_coloured(cash_search):
    results = cash_search.cv_results_
    disp = ParameterDisplay.from_estimator(cash_search)
    assert disp.family_labels_ == ["SVC", "DecisionTreeClassifier"]
    assert disp.names_ == ["clf", "clf__C", "clf__kernel", "clf__max_depth"]
    is_svc = np.array([type(p["clf"]).__name__ == "SVC" for p in results["params"]])
    assert 0 < is_svc.sum() < len(is_svc)
    # "clf" is a category per family, coloured by family.
    assert [t.get_text() for t in disp.axes_[0].get_xticklabels()] == ["SVC", "DecisionTreeClassifier"]
    colours = disp.scatters_[0].get_facecolors()
    np.testing.assert_allclose(colours[is_svc][:, :3], np.tile(matplotlib.colors.to_rgb("C0"), (is_svc.sum(), 1)))
    np.testing.assert_allclose(colours[~is_svc][:, :3],
                               np.tile(matplotlib.colors.to_rgb("C1"), ((~is_svc).sum(), 1)))
    # A family's parameter is drawn only for the candidates of that family.
    assert len(disp.scatters_[1].get_offsets()) == is_svc.sum()
    assert len(disp.scatters_[3].get_offsets()) == (~is_svc).sum()
    assert disp.axes_[1].get_xscale() == "log"
    legend = [t.get_text() for t in disp.axes_[0].get_legend().get_texts()]
    assert legend == ["SVC", "DecisionTreeClassifier"]


def test_parallel_coordinates_of_the_best(cash_search):
    results = cash_search.cv_results_
    scores = np.asarray(results["mean_test_score"])
    disp = ParameterDisplay.from_estimator(cash_search, kind="parallel", top_k=5)
    assert len(disp.lines_) == 5
    best = np.argsort(-scores, kind="stable")[:5]
    labels = [t.get_text() for t in disp.ax_.get_xticklabels()]
    # "clf" takes one value per family: the family axis shows it.
    assert labels == ["family", "clf__C", "clf__kernel", "clf__max_depth"]
    for line, i in zip(disp.lines_, best):
        y = line.get_ydata()
        svc = type(results["params"][i]["clf"]).__name__ == "SVC"
        assert y[0] == (0.25 if svc else 0.75)  # the family axis: the sub-space's cell
        # A parameter of the other family breaks the line (NaN).
        assert np.isnan(y[3]) == svc and np.isnan(y[1]) == (not svc)
        assert np.nanmin(y) >= 0 and np.nanmax(y) <= 1
        if svc:
            C = results["params"][i]["clf__C"]
            assert y[1] == pytest.approx((np.log(C) - np.log(1e-2)) / (np.log(1e2) - np.log(1e-2)))
    # Colours follow the scores: the best line has the colormap's top colour.
    np.testing.assert_allclose(disp.lines_[0].get_color(), plt.get_cmap("viridis")(1.0))
    assert disp.colorbar_.mappable.norm.vmax == pytest.approx(scores.max())
    with pytest.raises(ValueError, match="top_k must be an int >= 1, got top_k=0"):
        disp.plot(kind="parallel", top_k=0)


# --------------------------------------------------------------------------- importance
@pytest.fixture(scope="module")
def quadratic_search(iris):
    X, y = iris
    space = {"a": Real(0.0, 1.0), "b": Real(0.0, 1.0)}
    return TPESearchCV(Quadratic(), space, n_iter=40, cv=2, random_state=0).fit(X[:20], y[:20].astype(float))


def test_importance_finds_the_parameter_that_matters(quadratic_search):
    disp = ImportanceDisplay.from_estimator(quadratic_search, random_state=0)
    importances = dict(zip(disp.names_, disp.importances_))
    assert importances["a"] > 0.7 and importances["b"] < 0.1
    assert disp.importances_.sum() <= 1.05
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == ["a", "b"]
    widths = [bar.get_width() for bar in disp.bars_]
    np.testing.assert_allclose(widths, sorted(disp.importances_, reverse=True))
    assert disp.bars_[0].get_y() > disp.bars_[1].get_y()  # the most important on top
    # Deterministic given random_state, and drawn on a given axes.
    fig, ax = plt.subplots()
    again = ImportanceDisplay.from_estimator(quadratic_search, random_state=0, ax=ax)
    np.testing.assert_array_equal(again.importances_, disp.importances_)
    assert again.ax_ is ax and again.figure_ is fig


def test_importance_cash_space(cash_search):
    disp = ImportanceDisplay.from_estimator(cash_search, random_state=0)
    # "clf" has one value per sub-space: the choice between them is "family".
    assert disp.names_ == ["family", "clf__C", "clf__kernel", "clf__max_depth"]
    # Each is a share of a variance (a family's parameters: of the variance within
    # that family), so each lies in [0, 1]; they need not sum to 1 across families.
    assert np.all((disp.importances_ >= 0) & (disp.importances_ <= 1))
    assert len(disp.bars_) == 4


def test_importance_refuses_too_few_results(svc_search):
    with pytest.raises(ValueError, match="needs at least 10 candidates with a finite mean_test_score.*has 8"):
        ImportanceDisplay.from_estimator(svc_search)


# -------------------------------------------------------------------------------- rungs
def test_rungs_join_the_promoted_configurations(bohb_search):
    results = bohb_search.cv_results_
    disp = RungDisplay.from_estimator(bohb_search)
    # The expected lines, counted from cv_results_ directly.
    seen = {}
    for b, p in zip(results["bracket"], results["params"]):
        key = (int(b), tuple(sorted(p.items())))
        seen[key] = seen.get(key, 0) + 1
    promoted = sum(1 for n in seen.values() if n > 1)
    assert promoted > 0
    assert len(disp.lines_) == promoted == len(disp.promoted_)
    assert disp.ax_.get_xscale() == "log"
    scores = np.asarray(results["mean_test_score"])
    for line, rows in zip(disp.lines_, disp.promoted_):
        x = line.get_xdata()
        assert np.all(np.diff(x) > 0)
        np.testing.assert_allclose(line.get_ydata(), scores[rows])
        assert len({str(results["params"][i]) for i in rows}) == 1
    assert len(disp.scatter_.get_offsets()) == len(scores)
    assert sorted(set(disp.scatter_.get_offsets()[:, 0])) == sorted(set(bohb_search.n_resources_))
    fig, ax = plt.subplots()
    assert disp.plot(ax=ax).ax_ is ax and len(ax.get_lines()) == promoted


def test_rungs_need_a_halving_search(svc_search):
    with pytest.raises(ValueError, match="RungDisplay needs a halving search.*'n_resources'"):
        RungDisplay.from_estimator(svc_search)


def test_halving_search_in_the_other_displays(bohb_search):
    results = bohb_search.cv_results_
    full = np.asarray(results["n_resources"]) == bohb_search.max_resources_
    assert 0 < full.sum() < len(full)
    disp = ConvergenceDisplay.from_estimator(bohb_search)
    assert len(disp.scatter_.get_offsets()) == full.sum()
    assert len(disp.partial_.get_offsets()) == (~full).sum()
    scores = np.where(full, results["mean_test_score"], -np.inf)
    running = np.maximum.accumulate(scores)
    np.testing.assert_allclose(disp.best_so_far_[np.isfinite(running)], running[np.isfinite(running)])
    assert disp.best_so_far_[-1] == bohb_search.best_score_
    # Only the full-budget rows are compared against the parameters.
    pdisp = ParameterDisplay.from_estimator(bohb_search)
    assert len(pdisp.scatters_[0].get_offsets()) == full.sum()
    # Importances: the results of the largest budget with at least 10 of them.
    n_resources = np.asarray(results["n_resources"])
    counts = {r: int((n_resources == r).sum()) for r in set(n_resources.tolist())}
    expected = max(r for r, n in counts.items() if n >= 10)
    idisp = ImportanceDisplay.from_estimator(bohb_search, random_state=0)
    assert idisp.n_resources == expected < bohb_search.max_resources_
    assert idisp.ax_.get_title().endswith(f"n_resources={expected})")
    assert sorted(idisp.names_) == ["criterion", "max_depth", "min_samples_leaf"]
