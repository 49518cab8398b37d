"""The n_samples fidelity: SubsampleCV on small, hand-checked data."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_validate,
)

from skhpo._fidelity import SubsampleCV


def _folds(cv, X, y=None, groups=None):
    return list(cv.split(X, y, groups))


def _minority_data(n=200, n_minority=10):
    """5% of the rows are class 'rare', the rest 'common' (strings on purpose)."""
    y = np.array(["common"] * (n - n_minority) + ["rare"] * n_minority)
    X = np.arange(n, dtype=float)[:, None]
    return X, y


# --------------------------------------------------------------------------
# Stratification
# --------------------------------------------------------------------------
def test_a_5_percent_minority_survives_every_rung():
    X, y = _minority_data()
    base = StratifiedKFold(5, shuffle=True, random_state=0)
    m = 2
    r_min = SubsampleCV(base, 1, stratify=True, min_samples_per_class=m).min_resources(X, y)
    # Each training fold holds 8 'rare' rows of 160: the two 'rare' rows of the
    # minimum sit at ranks 2 and 4 (1-based, after one 'common' each), so a
    # subsample needs 4 rows: ceil(r * 160 / 200) >= 4 from r = 4.
    assert r_min == 4
    base_folds = _folds(base, X, y)
    for r in (4, 12, 36, 108, 200):
        folds = _folds(SubsampleCV(base, r, stratify=True, min_samples_per_class=m), X, y)
        for (train, test), (full_train, full_test) in zip(folds, base_folds):
            size = -(-r * len(full_train) // 200)
            assert len(train) == size
            assert set(train) <= set(full_train)
            np.testing.assert_array_equal(test, full_test)  # the validation rows never change
            n_rare = int(np.sum(y[train] == "rare"))
            assert n_rare >= m
            # Beyond the minimum, the share stays near 5%.
            assert n_rare <= max(m, round(0.05 * size) + 1)
    with pytest.raises(ValueError, match=r"n_resources=3 gives fold 0 a training subsample of 3 rows with 1 of class 'rare'"):
        _folds(SubsampleCV(base, 3, stratify=True, min_samples_per_class=m), X, y)


def test_every_class_of_three_is_in_proportion():
    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b", "c"], p=[0.6, 0.3, 0.1], size=300)
    X = np.zeros((300, 2))
    base = StratifiedKFold(3, shuffle=True, random_state=1)
    for train, _ in SubsampleCV(base, 60, stratify=True, random_state=5).split(X, y):
        counts = {c: int(np.sum(y[train] == c)) for c in "abc"}
        full = {c: np.mean(y == c) * len(train) for c in "abc"}
        assert all(abs(counts[c] - full[c]) <= 1.5 for c in "abc"), (counts, full)


def test_a_class_too_rare_for_a_fold_is_named():
    X, y = _minority_data(n=40, n_minority=3)
    cv = SubsampleCV(KFold(3), 10, stratify=True, min_samples_per_class=2)
    # KFold without shuffling puts the 3 'rare' rows (the last three) in the
    # validation part of fold 2, which then trains on none of them.
    with pytest.raises(ValueError, match=r"Class 'rare' has 0 training rows in fold 2, fewer than min_samples_per_class=2"):
        _folds(cv, X, y)
    with pytest.raises(ValueError, match=r"Class 'rare' has 0 training rows in fold 2"):
        cv.min_resources(X, y)


def test_the_smallest_n_resources_is_exact():
    X, y = _minority_data(n=100, n_minority=5)
    base = StratifiedKFold(5)
    r = SubsampleCV(base, 1, stratify=True, min_samples_per_class=2).min_resources(X, y)
    _folds(SubsampleCV(base, r, stratify=True, min_samples_per_class=2), X, y)
    with pytest.raises(ValueError, match=f"Use n_resources >= {r} for this fold"):
        _folds(SubsampleCV(base, r - 1, stratify=True, min_samples_per_class=2), X, y)


def test_an_int_cv_is_stratified_for_a_classifier():
    X, y = _minority_data()
    folds = _folds(SubsampleCV(5, 200, stratify=True), X, y)
    np.testing.assert_array_equal(folds[0][1], next(StratifiedKFold(5).split(X, y))[1])
    assert SubsampleCV(5, 200, stratify=True).get_n_splits(X, y) == 5


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------
def _grouped_data():
    sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3, 3, 3, 3, 3, 3]
    groups = np.repeat(np.arange(len(sizes)), sizes)
    y = (groups % 4 == 0).astype(int)  # class 1 lives in groups 0, 4, 8, 12
    X = np.zeros((len(groups), 1))
    return X, y, groups


@pytest.mark.parametrize("stratify", [False, True])
def test_no_group_is_split(stratify):
    X, y, groups = _grouped_data()
    base = GroupKFold(4)
    n = len(y)
    previous = None
    for r in (5, 15, 45, n):
        folds = _folds(SubsampleCV(base, r, stratify=stratify), X, y, groups)
        for i, ((train, test), (full_train, full_test)) in enumerate(zip(folds, _folds(base, X, y, groups))):
            np.testing.assert_array_equal(test, full_test)
            for g in np.unique(groups[train]):
                assert set(np.flatnonzero(groups == g)) <= set(train), f"group {g} was split in fold {i}"
            assert len(train) >= -(-r * len(full_train) // n)
            if stratify:
                assert set(y[train]) == {0, 1}
            if previous is not None:
                assert set(previous[i]) <= set(train)
        previous = [tr for tr, _ in folds]


# --------------------------------------------------------------------------
# Time order
# --------------------------------------------------------------------------
def test_training_windows_stay_before_their_validation_windows():
    X = np.arange(60, dtype=float)[:, None]
    y = np.arange(60, dtype=float)
    base = TimeSeriesSplit(4)
    for r in (6, 20, 60):
        for (train, test), (full_train, _) in zip(_folds(SubsampleCV(base, r), X, y), _folds(base, X, y)):
            size = -(-r * len(full_train) // 60)
            # The most recent part of the training window, right before validation.
            np.testing.assert_array_equal(train, full_train[-size:])
            assert train.max() < test.min()


@pytest.mark.filterwarnings("ignore:The groups parameter is ignored by TimeSeriesSplit")
def test_time_order_with_groups_takes_the_most_recent_whole_groups():
    X = np.zeros((60, 1))
    groups = np.arange(60) // 5  # days of 5 rows
    for train, test in SubsampleCV(TimeSeriesSplit(3), 13, time_ordered=True).split(X, None, groups):
        full = np.arange(test.min())
        # ceil(13 * n_train / 60) rows, rounded up to whole days, at the end of the window.
        size = -(-13 * len(full) // 60)
        n_days = -(-size // 5)
        np.testing.assert_array_equal(train, full[len(full) - 5 * n_days :])


def test_time_order_with_a_classifier_checks_the_classes():
    X = np.zeros((40, 1))
    y = np.array([0] * 30 + [1] * 10)  # class 1 only at the end
    with pytest.raises(ValueError, match=r"Class 1 has 0 training rows in fold 0"):
        _folds(SubsampleCV(TimeSeriesSplit(3), 20, stratify=True), X, y)
    y = np.tile([0, 1], 20)
    for train, test in SubsampleCV(TimeSeriesSplit(3), 8, stratify=True, time_ordered=True).split(X, y):
        assert set(y[train]) == {0, 1} and train.max() < test.min()


# --------------------------------------------------------------------------
# Nesting and reproducibility
# --------------------------------------------------------------------------
@pytest.mark.parametrize("stratify", [False, True])
def test_subsamples_are_nested_and_reproducible(stratify):
    X, y = _minority_data()
    base = StratifiedKFold(4, shuffle=True, random_state=3)
    rungs = [_folds(SubsampleCV(base, r, stratify=stratify, random_state=7), X, y) for r in (10, 30, 90, 200)]
    for small, large in zip(rungs, rungs[1:]):
        for (a, _), (b, _) in zip(small, large):
            assert set(a) <= set(b)
    again = _folds(SubsampleCV(base, 30, stratify=stratify, random_state=7), X, y)
    other = _folds(SubsampleCV(base, 30, stratify=stratify, random_state=8), X, y)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(rungs[1], again))
    assert not all(np.array_equal(a, b) for (a, _), (b, _) in zip(rungs[1], other))
    # The full rung is the base splitter's training part.
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(rungs[-1], _folds(base, X, y)))


# --------------------------------------------------------------------------
# Errors and use with scikit-learn
# --------------------------------------------------------------------------
def test_a_cv_that_reshuffles_on_every_call_is_refused():
    X, y = _minority_data()
    with pytest.raises(ValueError, match=r"gave different folds on two calls of split\(\).*int random_state, or shuffle=False"):
        _folds(SubsampleCV(KFold(3, shuffle=True), 50), X, y)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_resources": 0}, "n_resources must be a positive int, got n_resources=0"),
        ({"n_resources": 2.5}, "n_resources must be a positive int, got n_resources=2.5"),
        ({"n_resources": 5, "min_samples_per_class": 0}, "min_samples_per_class must be a positive int, got min_samples_per_class=0"),
        ({"n_resources": 5, "random_state": None}, "random_state must be a non-negative int, so that every rung"),
        ({"n_resources": 5, "random_state": np.random.RandomState(0)}, "random_state must be a non-negative int"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SubsampleCV(KFold(3), **kwargs)


def test_split_errors():
    X, y = _minority_data(n=20, n_minority=4)
    with pytest.raises(ValueError, match="n_resources=21 exceeds the 20 rows of the data"):
        _folds(SubsampleCV(KFold(3), 21), X, y)
    with pytest.raises(ValueError, match="stratify=True needs y, got y=None"):
        _folds(SubsampleCV(KFold(3), 10, stratify=True), X)
    with pytest.raises(ValueError, match=r"stratify=True needs a 1-D y, got y of shape \(20, 2\)"):
        _folds(SubsampleCV(KFold(3), 10, stratify=True), X, np.zeros((20, 2)))
    assert "n_resources=10" in repr(SubsampleCV(KFold(3), 10))


def test_cross_validate_uses_the_subsamples():
    X, y = _minority_data()
    X = X + np.random.default_rng(0).normal(size=X.shape)
    cv = SubsampleCV(StratifiedKFold(4, shuffle=True, random_state=0), 40, stratify=True)
    out = cross_validate(LogisticRegression(), X, y, cv=cv, return_indices=True)
    assert [len(tr) for tr in out["indices"]["train"]] == [30] * 4
    assert [len(te) for te in out["indices"]["test"]] == [50] * 4
    assert np.all(np.isfinite(out["test_score"]))


def test_a_column_vector_y_is_stratified_like_a_1d_one():
    from sklearn.model_selection import StratifiedKFold

    X, y = np.zeros((40, 1)), np.array([0] * 36 + [1] * 4)
    cv = SubsampleCV(StratifiedKFold(4), n_resources=8, stratify=True)
    flat = [(tr.tolist(), te.tolist()) for tr, te in cv.split(X, y)]
    column = [(tr.tolist(), te.tolist()) for tr, te in cv.split(X, y[:, None])]
    assert flat == column
