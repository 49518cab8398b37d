"""The ``n_samples`` fidelity: a CV splitter that trains each rung on a subsample.

A rung with ``n_resources`` of ``n_samples`` rows trains, in every fold of the
base splitter, on ``ceil(n_resources * n_train / n_samples)`` rows of that
fold's training part, and validates on the whole validation part, so scores
are comparable from one rung to the next. Each fold ranks its training rows
once, from ``random_state`` and the fold number alone; a rung takes the
first rows of that ranking, so a rung's rows contain the previous rung's.
The ranking is stratified for classifiers, keeps groups whole, and for
:class:`~sklearn.model_selection.TimeSeriesSplit` puts the most recent rows
first. scikit-learn's halving search does none of this (scikit-learn issue
20775), and its code is not used here.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterator, NamedTuple

import numpy as np
from sklearn.model_selection import TimeSeriesSplit, check_cv
from sklearn.utils import indexable
from sklearn.utils.validation import _num_samples

from ..optimizers._base import _check_int

__all__ = ["SubsampleCV"]


class _Data(NamedTuple):
    """What one call of ``split`` knows of the data."""

    folds: list  # (train, test) index arrays of the base splitter
    labels: np.ndarray | None  # class index of each row, when stratifying
    classes: list | None  # class values, for messages
    groups: np.ndarray | None
    n: int  # rows of the whole data
    recent: bool  # most recent rows first


class _Ranking:
    """One fold's training rows in the order a rung takes them.

    ``rows`` is the order; ``cuts`` are the prefix lengths a rung may take
    (every length, or the ends of whole groups), ascending.
    """

    def __init__(self, rows: np.ndarray, cuts: np.ndarray) -> None:
        self.rows = rows
        self.cuts = cuts

    def size_for(self, k: int) -> int:
        """The smallest allowed prefix length of at least ``k`` rows."""
        return int(self.cuts[np.searchsorted(self.cuts, k)])

    def largest_cut_below(self, k: int) -> int:
        i = np.searchsorted(self.cuts, k)
        return int(self.cuts[i - 1]) if i else 0


def _stratified_rows(train: np.ndarray, labels: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """Training rows so that every prefix holds each class in proportion.

    The first ``m`` rows of each class come first (so a prefix of
    ``n_classes * m`` rows has them all); then a row of rank ``j`` among the
    ``n_c`` rows of its class sits at ``(j + 0.5) / n_c``, which spreads each
    class evenly along the ranking.
    """
    keys = np.empty((len(train), 3))  # (block, position, class) for lexsort
    for c in np.unique(labels[train]):
        idx = np.flatnonzero(labels[train] == c)
        idx = idx[rng.permutation(len(idx))]
        j = np.arange(len(idx))
        keys[idx, 0] = j >= m
        keys[idx, 1] = np.where(j < m, j, (j + 0.5) / len(idx))
        keys[idx, 2] = c
    return train[np.lexsort((keys[:, 2], keys[:, 1], keys[:, 0]))]


def _group_units(
    train: np.ndarray, groups: np.ndarray, labels: np.ndarray | None, m: int, recent: bool, rng: np.random.Generator
) -> list[np.ndarray]:
    """Whole groups of the training rows, in the order a rung takes them."""
    names = np.unique(groups[train])
    units = [train[groups[train] == g] for g in names]
    if recent:
        return sorted(units, key=lambda u: -u.max())
    units = [units[i] for i in rng.permutation(len(units))]
    if labels is None:
        return units
    # Groups that bring a class still short of its minimum come first.
    counts: dict = {}
    front, rest = [], []
    for u in units:
        short = any(counts.get(c, 0) < m for c in np.unique(labels[u]))
        (front if short else rest).append(u)
        if short:
            for c, n in zip(*np.unique(labels[u], return_counts=True)):
                counts[c] = counts.get(c, 0) + n
    return front + rest


class SubsampleCV:
    """Cross-validation whose training parts are subsampled for one rung.

    The folds are those of ``cv``. In each, the model trains on
    ``ceil(n_resources * n_train / n_samples)`` rows of the training part
    (all of them when ``n_resources == n_samples``) and is validated on the
    whole validation part, at every rung, so scores of different rungs are
    comparable. ``n_resources`` counts rows of the whole data, as in
    scikit-learn's ``HalvingRandomSearchCV``.

    The subsample of a fold is a prefix of one ranking of its training rows
    that depends only on ``random_state`` and the fold number, so subsamples
    are reproducible and nested: a rung's rows contain those of every rung
    with fewer resources. The ranking:

    - with ``stratify=True`` (classifiers) keeps every class in proportion,
      at least ``min_samples_per_class`` rows each;
    - with ``groups`` keeps every group whole (a subsample may then exceed
      its size, up to the end of the last group taken) and, when
      stratifying, takes first the groups that bring classes to their
      minimum;
    - with :class:`~sklearn.model_selection.TimeSeriesSplit` (or
      ``time_ordered=True``) takes the most recent rows of each training
      window first, so training rows stay before the validation window.

    Parameters
    ----------
    cv : int, cross-validation generator or iterable
        The base splitter, as ``cv`` of ``GridSearchCV``. It must give the
        same folds on every call of ``split``.
    n_resources : int
        Rows of the whole data this rung may use; at most ``n_samples``.
    stratify : bool, default=False
        Stratify by ``y`` (pass ``is_classifier(estimator)``); an int ``cv``
        then becomes a ``StratifiedKFold``, as in ``check_cv``.
    min_samples_per_class : int, default=1
        Fewest training rows of each class in a subsampled fold, when
        stratifying.
    time_ordered : bool or None, default=None
        Take the most recent rows first; ``None`` does so for a
        ``TimeSeriesSplit``.
    random_state : int, default=0
        Seed of the rankings. The same seed gives nested subsamples across
        rungs.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from skhpo._fidelity import SubsampleCV
    >>> X, y = np.zeros((40, 1)), np.array([0] * 36 + [1] * 4)
    >>> cv = SubsampleCV(StratifiedKFold(4), n_resources=8, stratify=True, min_samples_per_class=1)
    >>> [(len(tr), int(y[tr].sum()), len(te)) for tr, te in cv.split(X, y)]
    [(6, 1, 10), (6, 1, 10), (6, 1, 10), (6, 1, 10)]
    """

    def __init__(
        self,
        cv: Any,
        n_resources: int,
        *,
        stratify: bool = False,
        min_samples_per_class: int = 1,
        time_ordered: bool | None = None,
        random_state: int = 0,
    ) -> None:
        self.cv = cv
        self.n_resources = _check_int("n_resources", n_resources)
        self.stratify = bool(stratify)
        self.min_samples_per_class = _check_int("min_samples_per_class", min_samples_per_class)
        self.time_ordered = time_ordered
        if not isinstance(random_state, numbers.Integral) or isinstance(random_state, bool) or random_state < 0:
            raise ValueError(
                "random_state must be a non-negative int, so that every rung ranks the rows the same "
                f"way and subsamples are nested, got random_state={random_state!r}."
            )
        self.random_state = int(random_state)

    # ---------------------------------------------------------- splitter
    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds: those of the base splitter.

        Parameters
        ----------
        X, y, groups : array-like or None
            As for the base splitter.

        Returns
        -------
        int
        """
        return check_cv(self.cv, y, classifier=self.stratify).get_n_splits(X, y, groups)

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Training subsamples and whole validation parts, fold by fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            Needed when ``stratify=True``.
        groups : array-like of shape (n_samples,), default=None
            Group labels; groups are never split by the subsample.

        Yields
        ------
        train : ndarray
            Sorted indices of the rung's training rows.
        test : ndarray
            The fold's validation indices, unchanged.

        Raises
        ------
        ValueError
            If the base splitter gives different folds on two calls, if
            ``n_resources`` exceeds the number of rows, or if a fold's
            subsample cannot hold ``min_samples_per_class`` rows of a class
            (the message names the class, the fold, and the smallest
            ``n_resources`` that works).
        """
        data = self._prepare(X, y, groups)
        if self.n_resources > data.n:
            raise ValueError(f"n_resources={self.n_resources} exceeds the {data.n} rows of the data.")
        for i, (train, test) in enumerate(data.folds):
            ranking = self._ranking(data, i, train)
            size = ranking.size_for(-(-self.n_resources * len(train) // data.n))
            if data.labels is not None and size < len(train):
                self._check_classes(data, i, train, ranking, size)
            yield np.sort(ranking.rows[:size]), test

    def min_resources(self, X: Any, y: Any = None, groups: Any = None) -> int:
        """The smallest ``n_resources`` that keeps every class in every fold.

        With ``stratify=False`` every ``n_resources`` works and this is 1.

        Parameters
        ----------
        X, y, groups : array-like or None
            As for :meth:`split`.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            If a class has fewer than ``min_samples_per_class`` training rows
            in some fold, so no subsample can hold them.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.model_selection import StratifiedKFold
        >>> from skhpo._fidelity import SubsampleCV
        >>> X, y = np.zeros((100, 1)), np.array([0] * 95 + [1] * 5)
        >>> SubsampleCV(StratifiedKFold(5), 1, stratify=True, min_samples_per_class=2).min_resources(X, y)
        4
        """
        data = self._prepare(X, y, groups)
        if data.labels is None:
            return 1
        return max(
            self._fold_min_resources(data, i, train, self._ranking(data, i, train))
            for i, (train, _) in enumerate(data.folds)
        )

    # ------------------------------------------------------------ helpers
    def _prepare(self, X: Any, y: Any, groups: Any) -> _Data:
        X, y, groups = indexable(X, y, groups)
        base = check_cv(self.cv, y, classifier=self.stratify)
        classes, labels = self._labels(y) if self.stratify else (None, None)
        recent = isinstance(base, TimeSeriesSplit) if self.time_ordered is None else bool(self.time_ordered)
        return _Data(
            folds=self._consistent_folds(base, X, y, groups),
            labels=labels,
            classes=classes,
            groups=None if groups is None else np.asarray(groups),
            n=_num_samples(X),
            recent=recent,
        )

    def _consistent_folds(self, base: Any, X: Any, y: Any, groups: Any) -> list:
        first = [(np.asarray(tr), np.asarray(te)) for tr, te in base.split(X, y, groups)]
        second = list(base.split(X, y, groups))
        same = len(first) == len(second) and all(
            np.array_equal(a, b) and np.array_equal(c, d) for (a, c), (b, d) in zip(first, second)
        )
        if not same:
            raise ValueError(
                f"cv={self.cv!r} gave different folds on two calls of split(). Subsampled rungs must "
                "share their folds: give the splitter an int random_state, or shuffle=False."
            )
        return first

    @staticmethod
    def _labels(y: Any) -> tuple[list, np.ndarray]:
        if y is None:
            raise ValueError("stratify=True needs y, got y=None.")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:  # a column vector, as classifiers accept it
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"stratify=True needs a 1-D y, got y of shape {y.shape}.")
        classes, labels = np.unique(y, return_inverse=True)
        return classes.tolist(), labels

    def _ranking(self, data: _Data, fold: int, train: np.ndarray) -> _Ranking:
        rng = np.random.default_rng([self.random_state, fold])
        m = self.min_samples_per_class
        if data.groups is not None:
            units = _group_units(train, data.groups, data.labels, m, data.recent, rng)
            return _Ranking(np.concatenate(units), np.cumsum([len(u) for u in units]))
        if data.recent:
            rows = np.sort(train)[::-1]
        elif data.labels is not None:
            rows = _stratified_rows(train, data.labels, m, rng)
        else:
            rows = train[rng.permutation(len(train))]
        return _Ranking(rows, np.arange(1, len(rows) + 1))

    def _needed(self, data: _Data, fold: int, ranking: _Ranking) -> tuple[int, int]:
        """The prefix length that holds the minimum of every class, and the class that needs the longest."""
        m = self.min_samples_per_class
        need, worst = 0, 0
        for c in range(len(data.classes)):
            at = np.flatnonzero(data.labels[ranking.rows] == c)
            if len(at) < m:
                raise ValueError(
                    f"Class {data.classes[c]!r} has {len(at)} training rows in fold {fold}, fewer than "
                    f"min_samples_per_class={m}: no subsample of that fold can hold it. Use fewer "
                    "splits or a lower min_samples_per_class."
                )
            if at[m - 1] + 1 > need:
                need, worst = int(at[m - 1] + 1), c
        return need, worst

    def _fold_min_resources(self, data: _Data, fold: int, train: np.ndarray, ranking: _Ranking) -> int:
        """The smallest ``n_resources`` whose subsample of ``fold`` holds every class's minimum."""
        need, _ = self._needed(data, fold, ranking)
        below = ranking.largest_cut_below(need)
        # ceil(r * n_train / n) > below  <=>  r > below * n / n_train
        return below * data.n // len(train) + 1

    def _check_classes(self, data: _Data, fold: int, train: np.ndarray, ranking: _Ranking, size: int) -> None:
        need, worst = self._needed(data, fold, ranking)
        if size >= need:
            return
        have = int(np.sum(data.labels[ranking.rows[:size]] == worst))
        raise ValueError(
            f"n_resources={self.n_resources} gives fold {fold} a training subsample of {size} rows with "
            f"{have} of class {data.classes[worst]!r}, fewer than min_samples_per_class="
            f"{self.min_samples_per_class}. Use n_resources >= "
            f"{self._fold_min_resources(data, fold, train, ranking)} for this fold "
            "(min_resources(X, y, groups) gives the smallest for every fold)."
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(cv={self.cv!r}, n_resources={self.n_resources}, stratify={self.stratify}, "
            f"min_samples_per_class={self.min_samples_per_class}, random_state={self.random_state})"
        )
