import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from skhpo._search_base import _BaseSkhpoSearchCV
from skhpo.callbacks import NoImprovementStopper, ScoreThresholdStopper
from skhpo.optimizers import RandomOptimizer


class RandomSearch(_BaseSkhpoSearchCV):
    def _make_optimizer(self, space, random_state):
        return RandomOptimizer(space, random_state=random_state)


@pytest.mark.parametrize(
    "scores, patience, min_delta, expected",
    [
        ([0.5], 1, 0.0, False),
        ([0.5, 0.4], 1, 0.0, True),
        ([0.5, 0.6], 1, 0.0, False),
        ([0.5, 0.55], 1, 0.1, True),
        ([0.5, np.nan], 2, 0.0, False),
        ([0.5, 0.7, np.nan], 2, 0.0, False),
        ([0.5, np.nan, 0.4, 0.3], 2, 0.0, True),
        # a tie with the best is no improvement (a plateau stops the search)
        ([0.8, 0.8], 1, 0.0, True),
        ([0.8, 0.8, 0.8, 0.8], 2, 0.0, True),
        # a gain of exactly min_delta does not count, a larger one does
        ([0.5, 0.75], 1, 0.25, True),
        ([0.5, 0.76], 1, 0.25, False),
    ],
)
def test_no_improvement_stopper(scores, patience, min_delta, expected):
    assert NoImprovementStopper(patience, min_delta)({"mean_test_score": scores}) is expected


def test_threshold_stopper_ignores_nan_and_reads_the_metric():
    stop = ScoreThresholdStopper(0.9, metric="acc")
    assert stop({"mean_test_acc": [np.nan, 0.8]}) is False
    assert stop({"mean_test_acc": [0.8, 0.91]}) is True
    with pytest.raises(KeyError, match="metric='acc' is not among"):
        stop({"mean_test_score": [1.0]})


@pytest.mark.parametrize(
    "factory, match",
    [
        (lambda: NoImprovementStopper(0), "patience must be an int >= 1"),
        (lambda: NoImprovementStopper(2, min_delta=-1), "min_delta must be"),
        (lambda: ScoreThresholdStopper(np.nan), "threshold must be a finite number"),
    ],
)
def test_validation(factory, match):
    with pytest.raises(ValueError, match=match):
        factory()


def test_stopper_ends_a_search():
    X, y = load_iris(return_X_y=True)
    search = RandomSearch(LogisticRegression(max_iter=200), {"C": (1e-3, 1e3, "log-uniform")},
                          n_iter=40, cv=3, random_state=0,
                          callbacks=[ScoreThresholdStopper(0.9)]).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) < 40
    assert scores[-1] >= 0.9 and np.all(scores[:-1] < 0.9)


@pytest.mark.parametrize(
    "scoring, metric, ok",
    [
        (None, "score", True),
        ("accuracy", "accuracy", False),  # a single scorer's metric is "score"
        (["accuracy", "f1_macro"], "f1_macro", True),
        (["accuracy", "f1_macro"], "score", False),
        ({"acc": "accuracy"}, "acc", True),
        ({"acc": "accuracy"}, "accuracy", False),
    ],
)
def test_stopper_metric_is_checked_before_any_fit(scoring, metric, ok):
    from sklearn.base import BaseEstimator, ClassifierMixin

    class CountingLR(ClassifierMixin, BaseEstimator):
        fits = 0

        def __init__(self, C=1.0):
            self.C = C

        def fit(self, X, y):
            type(self).fits += 1
            self.lr_ = LogisticRegression(C=self.C, max_iter=200).fit(X, y)
            self.classes_ = self.lr_.classes_
            return self

        def predict(self, X):
            return self.lr_.predict(X)

    X, y = load_iris(return_X_y=True)
    search = RandomSearch(CountingLR(), {"C": (1e-2, 1e2, "log-uniform")}, n_iter=2, cv=2,
                          scoring=scoring, refit=False, random_state=0,
                          callbacks=[NoImprovementStopper(5, metric=metric)])
    if ok:
        search.fit(X, y)
        assert CountingLR.fits > 0
    else:
        with pytest.raises(ValueError, match=rf"callbacks\[0\] watches metric='{metric}'"):
            search.fit(X, y)
        assert CountingLR.fits == 0
